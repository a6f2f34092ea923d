#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A login never waits long for chatcell (pam_chatcell(8), "Waiting"): with
# the registry locked by another process, logins complete at once and only
# the login-time bookkeeping is skipped; a registry nobody may read, and a
# chat's work lock that stays held, refuse the login within the bound,
# with the reason in the system log.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "waits-chat-a")
db=/var/lib/chatcell/registry.db
last_login() { sqlite3 "$db" "SELECT ifnull(last_login_at, 'never') FROM chats WHERE name = '$a'"; }
# What show says (the registry's time, or a later one from the cell's record).
shown_login() { chatcell-admin --json show waits-chat-a | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["last_login_at"])'; }
hold() { start_ready /usr/bin/python3 "$CC_SRCDIR/tests/lib/hold_lock.py" "$@"; }
release() {
	kill "$READY_PID"
	wait "$READY_PID" || true
}
# Does another process still hold the registry's write lock? (The sqlite3
# shell waits for no lock: "database is locked" at once.)
write_lock_held() { ! sqlite3 "$db" "BEGIN IMMEDIATE; ROLLBACK" 2>/dev/null; }

# Another process holds BEGIN EXCLUSIVE (a hung chatcell-admin, a backup
# script, an administrator's sqlite3 shell). A's first login starts its
# cell (it reads the registry); the others join the running cell.
hold registry
ok "another process holds the registry's write lock" write_lock_held
before=$(last_login)
run timeout 10 runuser -u "$a" -- /bin/echo in
is "$rc:$out" "0:in" "runuser -u logs in within 10 s while the registry is locked"
run timeout 10 su "$a" -c 'echo in'
is "$rc:$out" "0:in" "su logs in within 10 s too"
run timeout 10 runuser -l "$a" -c 'echo in'
is "$rc:$out" "0:in" "runuser -l logs in within 10 s too"
ok "the lock holder still holds the lock after the logins" write_lock_held
is "$(last_login)" "$before" "the login time was not recorded (bookkeeping never waits)"
run timeout 10 chatcell-admin list
is "$rc" 0 "read-only chatcell-admin commands work meanwhile"
release
runuser -u "$a" -- true
is "$(last_login)" "$before" "logins into the running cell do not write the registry"
unlike "$(shown_login)" "None" "they are noted in the cell's record, which show reads"

# A registry no other process may even read (exclusive locking mode): a
# login that must start the cell cannot tell whether the chat may log in,
# waits at most 2 s for it at each stage, and is refused. (A's cell is
# ended first: suspend and resume.)
chatcell-admin suspend waits-chat-a >/dev/null && chatcell-admin resume waits-chat-a >/dev/null
hold registry-exclusive
start=$(date +%s%N)
run timeout 20 runuser -u "$a" -- /bin/echo in
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
is "$rc:$out:$err" "1::chatcell: cannot set up a confined session for $a (see the system log)"$'\n'"runuser: cannot open session: Cannot make/remove an entry for the specified session" \
	"a login refused because the registry cannot be read"
ok "within the bound (took $elapsed_ms ms: at most 2 s of waiting per stage)" test "$elapsed_ms" -lt 6000
run grep -c "refusing a session for $a: opening the registry: the registry stayed locked by another process for 2 s; look for a hung chatcell-admin" "$SYSLOG"
is "$out" 1 "the system log says why, naming the bound"
release

# A chat's work lock that stays held (a chatcell-admin changing the chat,
# or hung): the login gives up after 10 s, and other chats are not held up.
b=$(chat_user "waits-chat-b")
hold work-lock "$(id -u "$a")"
run timeout 10 runuser -u "$b" -- /bin/echo in
is "$rc:$out" "0:in" "another chat logs in at once while A's work lock is held"
start=$(date +%s%N)
run timeout 30 runuser -u "$a" -- /bin/echo in
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
is "$rc:$out" "1:" "a login of A is refused when its work lock stays held"
ok "after the 10 s bound, not later (took $elapsed_ms ms)" test "$elapsed_ms" -ge 10000 -a "$elapsed_ms" -lt 15000
run grep -c "refusing a session for $a: the work lock of $a stayed held for 10 s (a chatcell-admin command is changing the chat, or hangs); try the login again" "$SYSLOG"
is "$out" 1 "the system log says why"
release
run timeout 10 runuser -u "$a" -- /bin/echo in
is "$rc:$out" "0:in" "with the lock free, A logs in again"


# A cell start reads the chat again once its work lock is held: a suspend
# (here: the registry row, changed while the start waits for the lock) or
# a delete that came first gets no cell back.
# A process queued on the work lock of UID $1 (a "->" line of /proc/locks
# for its byte), polled: it is a condition, not a time.
wait_for_lock_waiter() {
	local i
	for ((i = 0; i < 2000; i++)); do
		grep -qE -- "-> OFDLCK +ADVISORY +WRITE +-1 +[0-9a-f:]+ +$1 +$1\$" /proc/locks && return 0
		sleep 0.005
	done
	return 1
}
cell_running() { chatcell-admin --json show "$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["cell"]["running"])'; }
c=$(chat_user "waits-chat-c")
hold work-lock "$(id -u "$c")"
chatcell-admin ensure --start waits-chat-c >/run/start-out 2>/run/start-err &
starter=$!
ok "control: ensure --start queues on the held work lock" wait_for_lock_waiter "$(id -u "$c")"
release
wait "$starter"
is "$?:$(cell_running waits-chat-c)" "0:True" "control: once the lock is free it starts the cell"
chatcell-admin suspend waits-chat-c >/dev/null && chatcell-admin resume waits-chat-c >/dev/null
hold work-lock "$(id -u "$c")"
chatcell-admin ensure --start waits-chat-c >/run/start-out 2>/run/start-err &
starter=$!
ok "ensure --start queues on the held work lock again" wait_for_lock_waiter "$(id -u "$c")"
sqlite3 "$db" "UPDATE chats SET state = 'suspended' WHERE name = '$c'"
release
rc=0
wait "$starter" || rc=$?
is "$rc:$(cat /run/start-err)" "5:chatcell-admin ensure: $c was suspended or deleted while its cell was being started; nothing was started" \
	"cell/start-after-suspend: a start that read the chat before a suspend refuses once it has the lock"
is "$(cell_running waits-chat-c)" "False" "and no cell runs for it"


# egress takes the chat's work lock before the registry's write lock, as
# every other command does: while it waits for the lock, the registry
# stays writable (the other order kept a suspend, which holds the lock and
# then writes, waiting out its busy timeout).
d=$(chat_user "waits-chat-d")
hold work-lock "$(id -u "$d")"
chatcell-admin egress allow waits-chat-d 127.0.0.9 --port 80 >/run/egress-out 2>/run/egress-err &
egress=$!
ok "egress allow queues on the held work lock" wait_for_lock_waiter "$(id -u "$d")"
write_lock_free() { ! write_lock_held; }
ok "egress/lock-order: it holds no registry write lock while it waits" write_lock_free
release
rc=0
wait "$egress" || rc=$?
like "$rc:$(cat /run/egress-out)" "0:$d: *127.0.0.9* allowed" "control: once the lock is free the rule is allowed"

done_testing
