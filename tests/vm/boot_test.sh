#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# boot_test.sh MODE GUEST_TEST [DISK_MIB]: one test of the VM tier, for the
# automake harness. Boots a VM (run-vm.sh; MODE plain = a minimal init, the
# cgroupfs backend; systemd = systemd as PID 1, the systemd backend), runs
# tests/vm/guest/GUEST_TEST inside against this build's staged install, and
# passes its TAP output through. With DISK_MIB the VM gets a virtio disk of
# that size, an empty ext4 file system (the guest's /dev/vda; the I/O
# limits need a real block device), made here in a temporary file. A VM
# that hands back no result leaves the plan out and exits non-zero: the
# harness counts that as a failure.
set -uo pipefail
mode=$1 guest_test=$2 disk_mib=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"

: "${CC_BUILDDIR:?run through make check-vm}"
srcdir=$(cd "$here/../.." && pwd -P)
builddir=$(cd "$CC_BUILDDIR" && pwd -P)
top_builddir=$(cd "${CC_TOP_BUILDDIR:-$CC_BUILDDIR/..}" && pwd -P)

[ "$(id -u)" = 0 ] || skip_all "the VM tier needs root (qemu's 9p export of / must read every file)"
[ "${CC_SYSTEM_LAYOUT:-}" = yes ] || skip_all "the VM tier needs a system-layout build (./configure --prefix=/usr)"
[ -d "$builddir/stage/usr" ] || skip_all "no staged install in $builddir/stage"
for tool in qemu-system-x86_64 xz depmod apt-get ${disk_mib:+mkfs.ext4}; do
	command -v "$tool" >/dev/null || skip_all "$tool is missing (scripts/install-deps installs the VM tier's packages)"
done

# The guest's /tmp is fresh: keep the trees it reads if they live there.
keep=
for tree in "$srcdir" "$builddir" "$top_builddir"; do
	case "$tree" in /tmp/?*) keep+=${keep:+:}$tree ;; esac
done

script=$(mktemp /tmp/chatcell-vm-test.XXXXXX)
disk=
trap 'rm -f "$script" ${disk:+"$disk"}' EXIT
qemu_args=${VMTIER_QEMU_ARGS:-}
if [ -n "$disk_mib" ]; then
	disk=$(mktemp /tmp/chatcell-vm-disk.XXXXXX)
	qemu_args+=" -drive file=$disk,if=virtio,format=raw,cache=unsafe"
fi
make_disk() {
	[ -z "$disk" ] && return
	rm -f "$disk"
	truncate -s "${disk_mib}M" "$disk" && mkfs.ext4 -q -F "$disk" ||
		{ echo "Bail out! cannot make the VM's disk image $disk"; exit 1; }
}
cat >"$script" <<EOF
#!/bin/bash
export CC_SRCDIR='$srcdir' CC_BUILDDIR='$builddir' CC_TOP_BUILDDIR='$top_builddir'
export CC_SYSTEM_LAYOUT=yes CC_SANDBOX_INNER=1 CC_VM_TIER=1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
exec /bin/bash '$srcdir/tests/vm/guest/$guest_test'
EOF

boot() {
	make_disk
	diag "booting a $mode VM (qemu TCG) for $guest_test"
	VMTIER_KEEP_PATHS=$keep VMTIER_QEMU_ARGS=$qemu_args VMTIER_TIMEOUT=${VMTIER_TIMEOUT:-600} "$here/run-vm.sh" "$mode" "$script"
}
# A guest that stopped running, in its boot (126: no code under test has
# run) or in its test (123: its heartbeat stopped; an emulator stall), gets
# one more boot. A hung or failed test does not.
boot
rc=$?
case "$rc" in
126)
	diag "the VM's boot hung before its test started (its console is above); booting once more"
	boot
	rc=$?
	;;
123)
	diag "the VM stopped running during its test (its console and partial output are above); booting once more"
	boot
	rc=$?
	;;
esac
exit "$rc"
