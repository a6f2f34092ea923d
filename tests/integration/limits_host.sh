#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Per-chat limits as far as a host without cgroup v2 controllers shows them:
# the registry side of `chatcell-admin limits`, its input checks, what
# `show` and `init` say, and that sessions fail closed when limits cannot be
# applied and the configuration does not turn them off. Enforcement itself is
# proven on cgroup v2 in the VM tier (tests/vm).
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
run chatcell-admin init
is "$rc" 0 "init succeeds with cgroup_backend = off"
like "$out" "*per-chat limits: off (cgroup_backend = off in chatcell.conf*" "init says limits are off and why"
a=$(chat_user "limits-chat-a")

run chatcell-admin limits limits-chat-a
is "$rc:$out" "0:$a: memory 256M (default), pids 200 (default), cpu 25% (default), disk 2G (default), inodes 200k (default)" "the defaults of chatcell.conf"
run chatcell-admin limits limits-chat-a --memory 512M --pids 300 --cpu 50%
is "$rc:$out" "0:$a: memory 512M, pids 300, cpu 50%, disk 2G (default), inodes 200k (default)" "limits are changed and printed"
is "$err" "chatcell-admin limits: recorded, but not enforced: cgroup_backend = off in chatcell.conf" \
	"and the admin is told they are not enforced here"
run chatcell-admin limits --json limits-chat-a
is "$out" "{\"name\":\"$a\",\"memory_max\":\"512M\",\"pids_max\":\"300\",\"cpu_max\":\"50%\",\"disk_max\":\"2G\",\"inodes_max\":\"200k\"}" "--json gives the same"
run chatcell-admin show limits-chat-a
like "$out" "*limits       memory 512M, pids 300, cpu 50%, disk 2G, inodes 200k*" "show prints the limits"
like "$out" "*usage        unavailable: limits are off (cgroup_backend = off)*" "and says why there is no usage"
run chatcell-admin show --json limits-chat-a
like "$out" '*"limits":{"memory_max":"512M","pids_max":"300","cpu_max":"50%","disk_max":"2G","inodes_max":"200k"},"usage":null,"disk_usage":null*' "show --json: limits, usage null"
run chatcell-admin limits limits-chat-a --memory max --cpu default
is "$out" "$a: memory max, pids 300, cpu 25% (default), disk 2G (default), inodes 200k (default)" "'max' lifts a limit, 'default' returns to chatcell.conf"
run sqlite3 /var/lib/chatcell/registry.db "SELECT action || ' ' || detail FROM events WHERE name = '$a' AND action = 'limits' ORDER BY id"
is "$out" "limits memory 512M pids 300 cpu 50% disk - inodes -"$'\n'"limits memory max pids - cpu default disk - inodes -" "every change is in the audit trail"
run chatcell-admin limits --stdin --pids 250 <<<limits-chat-a
is "$rc:$out" "0:$a: memory max, pids 250, cpu 25% (default), disk 2G (default), inodes 200k (default)" "--stdin takes the chat ID from standard input"

# Bad values change nothing.
before=$(sqlite3 /var/lib/chatcell/registry.db "SELECT memory_max, pids_max, cpu_max_percent FROM chats WHERE name = '$a'")
for bad in "--memory 12Q" "--memory 3M" "--memory 99999999999999999999M" "--memory ''" "--pids 0" "--pids 4194305" \
	"--pids abc" "--cpu 50" "--cpu 0%" "--cpu %" "--cpu 100001%"; do
	eval "run chatcell-admin limits limits-chat-a $bad"
	like "$rc:$err" "3:chatcell-admin limits: ${bad%% *} takes *, 'max' or 'default', not *" "refused: $bad"
done
run sqlite3 /var/lib/chatcell/registry.db "SELECT memory_max, pids_max, cpu_max_percent FROM chats WHERE name = '$a'"
is "$out" "$before" "and the registry is unchanged"
run chatcell-admin limits no-such-chat --pids 10
is "$rc" 4 "an unknown chat: exit 4 (not found)"

# Limits that cannot be applied must stop logins, unless they are off. This
# host's kernel keeps the controllers on cgroup v1 (the VM tier covers the
# cgroup v2 failures).
reason=$(awk '$1 ~ /^(memory|pids|cpu)$/ && $2 != 0 { print "the " $1 " controller is bound to cgroup v1"; exit }' /proc/cgroups)
if [ -z "$reason" ]; then
	for what in "init with limits on is refused" "a login is refused" "the system log says why" "off lets it in"; do
		skip "$what" "this kernel has memory, pids and cpu off cgroup v1; the VM tier covers the failures there"
	done
else
	sed -i '/^cgroup_backend = off$/d' /etc/chatcell/chatcell.conf
	run chatcell-admin init
	is "$rc:$err" "1:chatcell-admin init: per-chat limits cannot be applied on this host: $reason. Boot with a cgroup v2 hierarchy (systemd.unified_cgroup_hierarchy=1), or set cgroup_backend = off in chatcell.conf to run without limits" \
		"init with limits on: refused, naming the reason and the way out"
	enable_pam_chatcell >/dev/null
	run su "$a" -c 'echo in'
	is "$rc:$out" "1:" "a login is refused when its limits cannot be applied (fail closed)"
	run grep -c "pam_chatcell(su:session): .*per-chat limits cannot be applied on this host: $reason" "$SYSLOG"
	is "$out" 1 "and the system log says why, in one line"
	printf 'cgroup_backend = off\n' >>/etc/chatcell/chatcell.conf
	run su "$a" -c 'echo in'
	is "$rc:$out" "0:in" "with cgroup_backend = off the same login works"
fi

# A login that opens while chatcell-admin works on the chat waits for the
# chat's work lock, then reads the chat again: a change made meanwhile (here
# a suspension, written while the lock is held) is seen, not the state read
# before the wait. `suspend` ends the chat's cell before it commits, so
# the stand-in below does too.
enable_pam_chatcell >/dev/null
uid_a=$(id -u "$a")
run login_su "$a" 'echo in'
keeper=$(keeper_of limits-chat-a)
ok "A's cell runs (keeper $keeper)" test "$keeper" != None
coproc HOLDER { python3 -c '
import fcntl, sys
f = open("/var/lib/chatcell/chats.lock", "r+b")
fcntl.lockf(f, fcntl.LOCK_EX, 1, int(sys.argv[1]))
print("locked", flush=True)
sys.stdin.readline()
' "$uid_a"; }
read -r held <&"${HOLDER[0]}"
is "$held" locked "a second process holds A's work lock"
su "$a" -c 'echo in' >/run/race.out 2>/run/race.err &
login=$!
waited=no
for _ in $(seq 1000); do # until the login retries the lock (clock_nanosleep between tries)
	[ "$(cut -d' ' -f1 "/proc/$login/syscall" 2>/dev/null)" = 230 ] && { waited=yes; break; }
	sleep 0.01
done
is "$waited" yes "the login waits for the lock"
sqlite3 /var/lib/chatcell/registry.db "UPDATE chats SET state = 'suspended' WHERE name = '$a'"
kill -9 "$keeper"
wait_gone "$keeper"
echo release >&"${HOLDER[1]}"
wait "$HOLDER_PID"
wait "$login"
is "$?:$(cat /run/race.out)" "1:" "then sees the suspension and is refused"
like "$(cat /run/race.err)" "*chatcell: $a is suspended; logins are refused until an administrator resumes it*" \
	"with the suspension's message"
run grep -c "refusing $a: the chat is suspended (chatcell-admin resume)" "$SYSLOG"
is "$out" 1 "and the system log says why"
run chatcell-admin resume limits-chat-a
run su "$a" -c 'echo in'
is "$rc:$out" "0:in" "resumed, the chat logs in again"

done_testing
