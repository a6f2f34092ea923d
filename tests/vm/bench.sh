#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks of the VM tier (part of make bench): what per-chat limits cost
# at chat creation and at login, per backend. Under qemu TCG every figure is
# slower than native; the factor is measured in the same run as the ratio of
# /bin/true's exec time in the VM to the host's, and native estimates divide
# by it. Prints figures and ratios; asserts nothing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
: "${CC_BUILDDIR:?run through make bench}"
command -v qemu-system-x86_64 >/dev/null || { echo "(VM benchmarks skipped: qemu-system-x86_64 is missing; scripts/install-deps installs it)"; exit 0; }
[ "${CC_SYSTEM_LAYOUT:-}" = yes ] || { echo "(VM benchmarks skipped: they need a system-layout build: ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var)"; exit 0; }
T=$CC_BUILDDIR/bench/time_runs
host_true=$("$T" 500 /bin/true)
echo "== per-chat limits, in the VM tier (median of 3 alternating rounds of ${CC_BENCH_SAMPLES:-30}) =="
for mode in plain systemd; do
	line=$(CC_BUILDDIR=$CC_BUILDDIR "$here/boot_test.sh" "$mode" bench_limits.sh 2>/dev/null | grep '^backend=') || {
		echo "$mode VM: no result"
		continue
	}
	eval "$line"
	awk -v b="$backend" -v ht="$host_true" -v vt="$true_ms" -v eon="$ensure_on" -v eoff="$ensure_off" \
		-v son="$session_on" -v soff="$session_off" -v join="$join_ms" 'BEGIN {
		slow = vt / ht
		printf "%s: VM /bin/true %.2f ms vs host %.3f ms: TCG factor %.1f\n", b, vt, ht, slow
		printf "%s: ensure %.1f ms with limits, %.1f ms without: cgroup creation adds %.1f ms in the VM, ~%.2f ms native\n", b, eon, eoff, eon - eoff, (eon - eoff) / slow
		printf "%s: moving a process into the chat cgroup %.1f ms in the VM, ~%.2f ms native\n", b, join, join / slow
		printf "%s: runuser -l %.1f ms with limits, %.1f ms without: +%.1f ms (x%.2f) in the VM, ~%.2f ms native per session (target <= %s ms)\n", b, son, soff, son - soff, son / soff, (son - soff) / slow, b == "systemd" ? 15 : 1
	}'
done
echo "== a disk budget at chat creation, in the VM tier (plain boot; median of 3 alternating rounds of ${CC_BENCH_SAMPLES:-30}) =="
if line=$(CC_BUILDDIR=$CC_BUILDDIR "$here/boot_test.sh" plain bench_disk.sh 2>/dev/null | grep '^true_ms='); then
	eval "$line"
	awk -v ht="$host_true" -v vt="$true_ms" -v on="$quota_on" -v off="$quota_off" 'BEGIN {
		slow = vt / ht
		printf "ensure %.1f ms with the disk budget (user quotas on ext4), %.1f ms with disk_quota = off: +%.2f ms (x%.2f) in the VM, ~%.3f ms native (target <= 0.5 ms)\n", on, off, on - off, on / off, (on - off) / slow
	}'
else
	echo "disk budget VM: no result"
fi
