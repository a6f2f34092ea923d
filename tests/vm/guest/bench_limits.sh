#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cost of per-chat limits, measured inside the VM tier (qemu TCG, so
# every figure is many times slower than native; ratios to the same VM's
# figures without limits carry over). Run by tests/vm/bench.sh.
#   creating a chat's cgroup:   chatcell-admin ensure, limits on vs off
#   moving a process into it:   cgroup_join_bench (what the session step does)
#   the whole login:            runuser -l CHAT -c true, limits on vs off
. "$(dirname "$0")/install_chatcell.sh"
set -u
T=$CC_BUILDDIR/bench/time_runs
SAMPLES=${CC_BENCH_SAMPLES:-30}
backend=$([ "${VMTIER_MODE:-}" = systemd ] && echo systemd || echo cgroupfs)
use_chatcell_nss
write_config <<<'cgroup_backend = off'
chatcell-admin init >/dev/null
enable_pam_chatcell >/dev/null
set_backend() { sed -i "s/^cgroup_backend = .*/cgroup_backend = $1/" /etc/chatcell/chatcell.conf; }
set_backend auto
chatcell-admin init >/dev/null
chat=$(chat_user bench-chat)
# No CPU quota for the measured chat: a quarter of one emulated CPU would
# slow the login's own work (bash reading its profile) and be counted as
# the cost of joining the cgroup.
chatcell-admin limits bench-chat --cpu max >/dev/null
runuser -l "$chat" -c true # the chat's cgroup exists before the rounds

# Alternating rounds, so drift in the VM's speed hits both sides alike.
ensure_on=() ensure_off=() session_on=() session_off=()
for round in 1 2 3; do
	set_backend auto
	ensure_on+=("$("$T" "$SAMPLES" chatcell-admin ensure "bench-on-$round-{}")")
	session_on+=("$("$T" "$SAMPLES" runuser -l "$chat" -c true)")
	set_backend off
	ensure_off+=("$("$T" "$SAMPLES" chatcell-admin ensure "bench-off-$round-{}")")
	session_off+=("$("$T" "$SAMPLES" runuser -l "$chat" -c true)")
done
set_backend auto
join_ms=$("$CC_BUILDDIR/bench/cgroup_join_bench" /etc/chatcell/chatcell.conf "$(id -u "$chat")" "$chat" "$SAMPLES")
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
true_ms=$("$T" 200 /bin/true)
eon=$(median "${ensure_on[@]}") eoff=$(median "${ensure_off[@]}")
son=$(median "${session_on[@]}") soff=$(median "${session_off[@]}")
echo "backend=$backend true_ms=$true_ms join_ms=$join_ms ensure_on=$eon ensure_off=$eoff session_on=$son session_off=$soff"
