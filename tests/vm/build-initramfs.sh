#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# build-initramfs.sh — build the busybox-static initramfs for the VM tier.
#
#   env: VMTIER_CACHE  cache dir (default: ~/.cache/chatcell-vmtier); needs fetch-kernel.sh
#
# Output: $VMTIER_CACHE/initramfs.cpio (uncompressed newc cpio: fastest to
# unpack under TCG).  Rebuilt only when an input changed.
#
# Contents:
#   /init                    guest/init (busybox sh)
#   /bin/*                   busybox + applet symlinks
#   /lib/modules/*.ko        boot modules + their dependencies, flat
#   /lib/modules/load-order  insmod order (dependencies first)
#   /vmtier/                 copied into the new root: busybox, runners, units
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VMTIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chatcell-vmtier}
MODDIR=$CACHE/kernel/modules
BB=$CACHE/busybox
OUT=$CACHE/initramfs.cpio
[ -f "$MODDIR/modules.dep" ] && [ -x "$BB" ] || { echo "build-initramfs: run fetch-kernel.sh first" >&2; exit 1; }

# Modules needed before the root exists.  Everything else (nf_tables, nft_*,
# ...) is loaded later by modprobe / kernel autoload from the host-side tree.
BOOT_MODULES="virtio_pci virtio_console 9pnet_virtio 9p overlay"

# Up to date?
SIG=$( { cat "$CACHE/stamp"; echo "$BOOT_MODULES"; cat "$0" "$HERE"/guest/init "$HERE"/guest/plain-run \
	"$HERE"/guest/run-test "$HERE"/guest/setup-systemd "$HERE"/guest/vmtier.target "$HERE"/guest/vmtier-test.service; } |
	sha256sum | cut -c1-16)
if [ -f "$OUT" ] && [ "$(cat "$OUT.sig" 2>/dev/null)" = "$SIG" ]; then
	echo "build-initramfs: up to date ($OUT)" >&2
	exit 0
fi

# Resolve dependency order from modules.dep (depth-first, deps before users).
declare -A DEPS PATHOF SEEN
while IFS= read -r line; do
	mod=${line%%:*}
	name=$(basename "$mod" .ko); name=${name//-/_}
	PATHOF[$name]=$mod
	DEPS[$name]=${line#*:}
done < "$MODDIR/modules.dep"
ORDER=()
visit() {
	local n=$1 d dn
	[ -n "${SEEN[$n]:-}" ] && return 0
	SEEN[$n]=1
	[ -n "${PATHOF[$n]:-}" ] || { echo "build-initramfs: module $n not found" >&2; exit 1; }
	for d in ${DEPS[$n]}; do
		dn=$(basename "$d" .ko); visit "${dn//-/_}"
	done
	ORDER+=("$n")
}
for m in $BOOT_MODULES; do
	if grep -q "/${m}.ko\$" "$MODDIR/modules.builtin"; then continue; fi
	visit "$m"
done

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W"/{bin,dev,proc,sys,lib/modules,vmtier/bin,vmtier/sbin,vmtier/units}
cp "$BB" "$W/bin/busybox"
for a in $("$BB" --list); do [ "$a" = busybox ] || ln -s busybox "$W/bin/$a"; done
mknod -m 600 "$W/dev/console" c 5 1
mknod -m 666 "$W/dev/null" c 1 3
cp "$HERE/guest/init" "$W/init"
: > "$W/lib/modules/load-order"
for n in "${ORDER[@]}"; do
	cp "$MODDIR/${PATHOF[$n]}" "$W/lib/modules/$n.ko"
	echo "$n.ko" >> "$W/lib/modules/load-order"
done

# Files for the new root (copied by /init into the overlay's tmpfs upper).
ln "$W/bin/busybox" "$W/vmtier/bin/busybox"   # hardlink: stored once in the cpio
for a in $("$BB" --list); do [ "$a" = busybox ] || ln -s busybox "$W/vmtier/bin/$a"; done
# /vmtier/sbin goes at the END of the guest PATH: only tools the host lacks.
for a in modprobe insmod rmmod lsmod modinfo depmod; do ln -s ../bin/busybox "$W/vmtier/sbin/$a"; done
ln -s bin/busybox "$W/vmtier/busybox"
cp "$HERE/guest/plain-run" "$HERE/guest/run-test" "$W/vmtier/bin/"
cp "$HERE/guest/setup-systemd" "$W/vmtier/setup-systemd"
cp "$HERE"/guest/vmtier.target "$HERE"/guest/vmtier-test.service "$W/vmtier/units/"
chmod 0755 "$W/init" "$W/vmtier/bin/plain-run" "$W/vmtier/bin/run-test" "$W/vmtier/setup-systemd"

(cd "$W" && find . -print0 | LC_ALL=C sort -z | "$BB" cpio -o -H newc -0 2>/dev/null) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$SIG" > "$OUT.sig"
printf '%s\n' "${ORDER[@]}" > "$CACHE/initramfs.modules"
echo "build-initramfs: $OUT ($(du -h "$OUT" | cut -f1)); module load order: ${ORDER[*]}" >&2
