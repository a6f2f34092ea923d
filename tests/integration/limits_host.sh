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
like "$out" "*"$'\n'"io_max caps *" "init says which disks io_max caps"
a=$(chat_user "limits-chat-a")

run chatcell-admin limits limits-chat-a
is "$rc:$out" "0:$a: memory 256M (default), pids 200 (default), cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 100 (default), io max none (default)" \
	"the defaults of chatcell.conf"
run chatcell-admin limits limits-chat-a --memory 512M --pids 300 --cpu 50%
is "$rc:$out" "0:$a: memory 512M, pids 300, cpu 50%, disk 2G (default), inodes 200k (default), io weight 100 (default), io max none (default)" "limits are changed and printed"
is "$err" "chatcell-admin limits: recorded, but not enforced: cgroup_backend = off in chatcell.conf" \
	"and the admin is told they are not enforced here"
run chatcell-admin limits --json limits-chat-a
is "$out" "{\"name\":\"$a\",\"memory_max\":\"512M\",\"pids_max\":\"300\",\"cpu_max\":\"50%\",\"disk_max\":\"2G\",\"inodes_max\":\"200k\",\"io_weight\":\"100\",\"io_max\":\"max\"}" \
	"--json gives the same"
run chatcell-admin show limits-chat-a
like "$out" "*limits       memory 512M, pids 300, cpu 50%, disk 2G, inodes 200k, io weight 100, io max none"$'\n'"io disks     io_max caps *" \
	"show prints the limits and the disks io_max caps"
like "$out" "*usage        unavailable: limits are off (cgroup_backend = off)*" "and says why there is no usage"
run chatcell-admin show --json limits-chat-a
like "$out" '*"limits":{"memory_max":"512M","pids_max":"300","cpu_max":"50%","disk_max":"2G","inodes_max":"200k","io_weight":"100","io_max":"max","io_disks":"io_max caps *"},"usage":null*' \
	"show --json: limits, usage null"
run chatcell-admin limits limits-chat-a --memory max --cpu default
is "$out" "$a: memory max, pids 300, cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 100 (default), io max none (default)" \
	"'max' lifts a limit, 'default' returns to chatcell.conf"
run sqlite3 /var/lib/chatcell/registry.db "SELECT action || ' ' || detail FROM events WHERE name = '$a' AND action = 'limits' ORDER BY id"
is "$out" "limits memory 512M pids 300 cpu 50%"$'\n'"limits memory max pids - cpu default" "every change is in the audit trail"
run chatcell-admin limits --stdin --pids 250 <<<limits-chat-a
is "$rc:$out" "0:$a: memory max, pids 250, cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 100 (default), io max none (default)" \
	"--stdin takes the chat ID from standard input"

# I/O: a weight and bandwidth/IOPS caps, printed in the canonical form.
run chatcell-admin limits limits-chat-a --io-weight 500 --io-max 'wiops=500 wbps=20480K riops=1000'
is "$rc:$out" "0:$a: memory max, pids 250, cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 500, io max wbps=20M riops=1000 wiops=500" \
	"--io-weight and --io-max are recorded and printed"
run chatcell-admin limits --json limits-chat-a
like "$out" '*"io_weight":"500","io_max":"wbps=20M riops=1000 wiops=500"}' "--json gives the I/O limits"
run chatcell-admin show limits-chat-a
like "$out" "*limits       memory max, pids 250, cpu 25%, disk 2G, inodes 200k, io weight 500, io max wbps=20M riops=1000 wiops=500*" \
	"show prints them"
run sqlite3 /var/lib/chatcell/registry.db "SELECT io_weight || ' ' || io_max FROM chats WHERE name = '$a'"
is "$out" "500 wbps=20M riops=1000 wiops=500" "the registry holds the weight and the canonical io_max"
run chatcell-admin limits limits-chat-a --io-max max
is "$out" "$a: memory max, pids 250, cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 500, io max none" "--io-max max lifts every cap"
run chatcell-admin limits limits-chat-a --io-weight default --io-max default
is "$out" "$a: memory max, pids 250, cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 100 (default), io max none (default)" \
	"'default' returns both to chatcell.conf"
run sqlite3 /var/lib/chatcell/registry.db "SELECT count(*) FROM chats WHERE name = '$a' AND io_weight IS NULL AND io_max IS NULL"
is "$out" 1 "and clears both columns"
run sqlite3 /var/lib/chatcell/registry.db "SELECT detail FROM events WHERE name = '$a' AND action = 'limits' AND detail LIKE '%io-%' ORDER BY id"
is "$out" "memory - pids - cpu - io-weight 500 io-max wbps=20M riops=1000 wiops=500"$'\n'"memory - pids - cpu - io-weight - io-max max"$'\n'"memory - pids - cpu - io-weight default io-max default" \
	"the I/O changes are in the audit trail"

# Bad values change nothing.
before=$(sqlite3 /var/lib/chatcell/registry.db "SELECT memory_max, pids_max, cpu_max_percent, io_weight, io_max FROM chats WHERE name = '$a'")
for bad in "--memory 12Q" "--memory 3M" "--memory 99999999999999999999M" "--memory ''" "--pids 0" "--pids 4194305" \
	"--pids abc" "--cpu 50" "--cpu 0%" "--cpu %" "--cpu 100001%"; do
	eval "run chatcell-admin limits limits-chat-a $bad"
	like "$rc:$err" "3:chatcell-admin limits: ${bad%% *} takes *, 'max' or 'default', not *" "refused: $bad"
done
for bad in "--io-weight 0" "--io-weight 10001" "--io-weight max" "--io-weight abc"; do
	eval "run chatcell-admin limits limits-chat-a $bad"
	is "$rc:$err" "3:chatcell-admin limits: --io-weight takes a weight from 1 to 10000 (100 is an equal share) or 'default', not '${bad#* }'" \
		"refused: $bad"
done
for bad in "" "wbps" "wbps=1K" "wbps=2M wbps=3M" "rate=2M" "riops=5" "wbps=2M,riops=100"; do
	run chatcell-admin limits limits-chat-a --io-max "$bad"
	is "$rc:$err" "3:chatcell-admin limits: --io-max takes space-separated rbps=, wbps= (bytes per second from 64K, such as 20M), riops=, wiops= (operations per second from 10 to 10000000), each also 'max'; or 'max' for no cap, or 'default', not '$bad'" \
		"refused: --io-max '$bad'"
done
run sqlite3 /var/lib/chatcell/registry.db "SELECT memory_max, pids_max, cpu_max_percent, io_weight, io_max FROM chats WHERE name = '$a'"
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
