#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cost of a disk budget at chat creation, measured inside the VM tier
# (qemu TCG): chatcell-admin ensure with disk_quota = required on an ext4
# with user quotas vs disk_quota = off, in alternating rounds. Run by
# tests/vm/bench.sh.
. "$(dirname "$0")/install_chatcell.sh"
# shellcheck source=tests/vm/guest/chat_disk.sh
. "$(dirname "$0")/chat_disk.sh"
set -u
T=$CC_BUILDDIR/bench/time_runs
SAMPLES=${CC_BENCH_SAMPLES:-30}
mount_chat_disk 256M
use_chatcell_nss
CC_TEST_DISK_QUOTA=required write_config <<<'cgroup_backend = off'
chatcell-admin init >/dev/null
set_quota() { sed -i "/^disk_quota = /d" /etc/chatcell/chatcell.conf; echo "disk_quota = $1" >>/etc/chatcell/chatcell.conf; }
on=() off=()
for round in 1 2 3; do
	set_quota required
	on+=("$("$T" "$SAMPLES" chatcell-admin ensure "bench-quota-$round-{}")")
	set_quota off
	off+=("$("$T" "$SAMPLES" chatcell-admin ensure "bench-plain-$round-{}")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
echo "true_ms=$("$T" 200 /bin/true) quota_on=$(median "${on[@]}") quota_off=$(median "${off[@]}")"
