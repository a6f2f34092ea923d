#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# fetch-kernel.sh — download Debian's kernel (+ busybox-static) with apt and
# extract them into a cache dir.  Idempotent: re-running with the same
# package versions does nothing.
#
#   env: VMTIER_CACHE   cache dir           (default: ~/.cache/chatcell-vmtier)
#        KERNEL_META    kernel meta package (default: linux-image-amd64;
#                       NB linux-image-cloud-amd64 has no 9p: unusable here)
#        APT_UPDATE=1   force 'apt-get update' first (done automatically
#                       when apt has no candidate for KERNEL_META)
#
# Result (stable paths used by the other scripts):
#   $VMTIER_CACHE/kernel/vmlinuz          the kernel image (bzImage, xz)
#   $VMTIER_CACHE/kernel/vmlinux          uncompressed ELF, booted via PVH
#   $VMTIER_CACHE/kernel/modules/         /lib/modules/<kver> of the package
#   $VMTIER_CACHE/kernel/kver             the kernel release string
#   $VMTIER_CACHE/busybox                 static busybox binary
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VMTIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chatcell-vmtier}
META=${KERNEL_META:-linux-image-amd64}
mkdir -p "$CACHE/debs"

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'; }

# The .deb ships no modules.dep/modules.*.bin (its postinst runs depmod), so
# generate them.  kmod's depmod (apt-get install kmod) writes the binary
# indexes that libkmod needs (systemd, kmod's modprobe); without kmod we fall
# back to busybox depmod: text modules.dep/alias only, enough for busybox
# modprobe (used as the kernel's modprobe helper in the guest).
gen_depmod() {
	local kver tool
	kver=$(cat "$CACHE/kernel/kver")
	if command -v depmod >/dev/null; then tool=kmod; else tool=busybox; fi
	[ -f "$CACHE/kernel/modules/modules.dep" ] && [ "$(cat "$CACHE/kernel/depmod-tool" 2>/dev/null)" = $tool ] && return 0
	rm -rf "$CACHE/depmod-root"; mkdir -p "$CACHE/depmod-root/lib/modules"
	ln -sfn "$CACHE/kernel/modules" "$CACHE/depmod-root/lib/modules/$kver"
	if [ $tool = kmod ]; then depmod -b "$CACHE/depmod-root" "$kver"
	else "$CACHE/busybox" depmod -b "$CACHE/depmod-root" "$kver"; fi
	rm -rf "$CACHE/depmod-root"
	[ -s "$CACHE/kernel/modules/modules.dep" ] || { echo "fetch-kernel: depmod failed" >&2; exit 1; }
	echo $tool > "$CACHE/kernel/depmod-tool"
	echo "fetch-kernel: modules.dep generated with $tool depmod" >&2
}

# Fast path: a complete cache is used as is (no apt queries, works offline).
# VMTIER_REFRESH=1 re-resolves the package versions through apt.
if [ "${VMTIER_REFRESH:-0}" != 1 ] && [ -f "$CACHE/stamp" ] && [ -f "$CACHE/kernel/vmlinux" ] \
   && [ -f "$CACHE/kernel/kver" ] && [ -x "$CACHE/busybox" ]; then
	gen_depmod
	exit 0
fi

if [ "${APT_UPDATE:-0}" = 1 ] || [ -z "$(candidate "$META")" ] || [ "$(candidate "$META")" = "(none)" ]; then
	echo "fetch-kernel: apt-get update" >&2
	apt-get update -q >&2
fi

# linux-image-amd64 is a meta package: resolve it to linux-image-<abi>-amd64.
IMGPKG=$(apt-cache depends "$META" | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$IMGPKG" ] || { echo "fetch-kernel: cannot resolve $META" >&2; exit 1; }
IMGVER=$(candidate "$IMGPKG")
BBVER=$(candidate busybox-static)
STAMP="$IMGPKG=$IMGVER busybox-static=$BBVER"

if [ -f "$CACHE/stamp" ] && [ "$(cat "$CACHE/stamp")" = "$STAMP" ] \
   && [ -f "$CACHE/kernel/vmlinux" ] && [ -x "$CACHE/busybox" ]; then
	gen_depmod
	echo "fetch-kernel: up to date ($STAMP)" >&2
	exit 0
fi

echo "fetch-kernel: fetching/extracting $STAMP" >&2
(
	cd "$CACHE/debs"
	# apt-get download would drop to _apt, which cannot enter root's cache dir.
	chmod 0777 . 2>/dev/null || true
	ls ./"${IMGPKG}"_*.deb >/dev/null 2>&1 || apt-get download -q -o APT::Sandbox::User=root "$IMGPKG=$IMGVER" >&2
	ls ./busybox-static_*.deb >/dev/null 2>&1 || apt-get download -q -o APT::Sandbox::User=root "busybox-static=$BBVER" >&2
)

IMGDEB=$(ls -t "$CACHE"/debs/"${IMGPKG}"_*.deb | head -1)
BBDEB=$(ls -t "$CACHE"/debs/busybox-static_*.deb | head -1)

rm -rf "$CACHE/x" "$CACHE/kernel"
mkdir -p "$CACHE/x/k" "$CACHE/x/bb" "$CACHE/kernel"
dpkg-deb -x "$IMGDEB" "$CACHE/x/k"
dpkg-deb -x "$BBDEB" "$CACHE/x/bb"

KVER=$(ls "$CACHE/x/k/lib/modules" | head -1)
cp "$CACHE/x/k/boot/vmlinuz-$KVER" "$CACHE/kernel/vmlinuz"
cp "$CACHE/x/k/boot/config-$KVER" "$CACHE/kernel/config"
# Uncompressed ELF vmlinux for qemu's PVH entry (-kernel vmlinux): skips the
# in-guest xz decompression, which costs ~3-4 s under TCG.  Debian's bzImage
# is xz with the x86 BCJ filter: busybox unxz cannot do BCJ, xz-utils can.
command -v xz >/dev/null || { echo "fetch-kernel: need xz (apt-get install xz-utils)" >&2; exit 1; }
OFF=$(LC_ALL=C grep -m1 -obUaP '\xfd7zXZ\x00' "$CACHE/kernel/vmlinuz" | cut -d: -f1)
{ tail -c +$((OFF + 1)) "$CACHE/kernel/vmlinuz" || true; } | xz -dc --single-stream > "$CACHE/kernel/vmlinux"
grep -q CONFIG_PVH=y "$CACHE/kernel/config" || echo "fetch-kernel: WARNING: kernel lacks CONFIG_PVH, use vmlinuz" >&2
mv "$CACHE/x/k/lib/modules/$KVER" "$CACHE/kernel/modules"
echo "$KVER" > "$CACHE/kernel/kver"
install -m 0755 "$CACHE/x/bb/bin/busybox" "$CACHE/busybox"
rm -f "$CACHE/kernel/modules/modules.dep"   # (re)generated below
rm -rf "$CACHE/x"
echo "$STAMP" > "$CACHE/stamp"
gen_depmod
echo "fetch-kernel: kernel $KVER in $CACHE/kernel" >&2
