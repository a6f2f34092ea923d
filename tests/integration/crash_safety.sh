#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# kill -9 of chatcell-admin at every kind of instant: a ptrace helper
# SIGKILLs the process as it enters its N-th system call, for N spread over
# a whole run. The next chatcell-admin run must leave registry, view and homes
# consistent (tests/lib/check_consistency.py).
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null
chatcell-admin ensure warmup >/dev/null

# How many system calls does one run make?
count_syscalls() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$CC_HELPERS/kill_at_syscall" 0 "$@" 2>&1 >/dev/null
}
ensure_calls=$(count_syscalls chatcell-admin ensure "count-ensure")
delete_calls=$(count_syscalls chatcell-admin delete "count-ensure")
diag "ensure makes $ensure_calls system calls, delete $delete_calls"

# kill_at N COMMAND...: SIGKILL at the N-th system call (or run to the end).
# (LeakSanitizer cannot run in a process that is already being traced.)
kill_at() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$CC_HELPERS/kill_at_syscall" "$@" >/dev/null 2>&1
}

trial_failures=0
killed=0
for trial in $(seq 1 100); do
	n=$(((trial * ensure_calls) / 100))
	[ "$n" -ge 1 ] || n=1
	kill_at "$n" chatcell-admin ensure "crash-$trial" || [ $? -ne 137 ] || killed=$((killed + 1))
	# The next run of any command finishes what the killed one left.
	chatcell-admin ensure "after-$trial" >/dev/null
	if ! report=$(python3 "$CC_SRCDIR/tests/lib/check_consistency.py"); then
		trial_failures=$((trial_failures + 1))
		diag "after killing ensure at syscall $n: $report"
	fi
done
is "$trial_failures" 0 "100 ensures killed at syscalls spread over the whole run: every next run leaves a consistent state"
ok "the kills really happened (got $killed)" test "$killed" -ge 95

trial_failures=0
for trial in $(seq 1 30); do
	n=$(((trial * delete_calls) / 30))
	[ "$n" -ge 1 ] || n=1
	kill_at "$n" chatcell-admin delete "after-$trial" || true
	chatcell-admin list >/dev/null
	if ! report=$(python3 "$CC_SRCDIR/tests/lib/check_consistency.py"); then
		trial_failures=$((trial_failures + 1))
		diag "after killing delete at syscall $n: $report"
	fi
done
is "$trial_failures" 0 "30 deletes killed at syscalls spread over the whole run: consistent after the next run"

# A killed ensure of a chat ID is completed, not duplicated, by re-running it.
kill_at $((ensure_calls * 3 / 4)) chatcell-admin ensure "retry-me" || true
run chatcell-admin --json ensure "retry-me"
is "$rc" 0 "re-running the killed ensure succeeds"
is "$(sqlite3 /var/lib/chatcell/registry.db "SELECT count(*) FROM chats WHERE chat_id = CAST('retry-me' AS BLOB)")" 1 "and the chat exists exactly once"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
like "$out" "consistent *" "the final state is consistent"

done_testing
