#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Adversarial suite, cell plane: what chat A can learn about, or do to, chat
# B through the kernel once each chat has a cell (PID, IPC, UTS, cgroup and
# mount namespaces of its own). Each attack ("attack cell/NAME") sits next to
# a control that shows the same probe working where chatcell does not stand
# in the way: B on its own things in its own cell, or root on the host.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "cell-chat-a")
b=$(chat_user "cell-chat-b")
a_uid=$(id -u "$a") b_uid=$(id -u "$b")
probe=$CC_HELPERS/cell_probe
start_sshd 2222
authorize_key "$a"
authorize_key "$b"
login_run() { chatcell-admin run --user "$1" -- /bin/sh -c "$2"; }
paths="su runuser runuser_l sshd run"

# B keeps a process, a lock, IPC objects of each kind and a /run/lock file
# while A probes; it says "ready" on a fifo once all are in place.
mkfifo -m 666 /run/b-ready /run/b-done
login_runuser "$b" "cd /tmp; $probe shm-make 0x5eed >/dev/null; $probe msg-make 0x5eed >/dev/null;
	$probe sem-make 0x5eed >/dev/null; $probe mq-make /b-queue >/dev/null; echo b >/run/lock/b-file;
	$probe lock /tmp/b-lock /run/b-done >/run/b-ready" &
b_job=$!
read -r _ </run/b-ready
b_pid=$(pgrep -u "$b" -x cell_probe)
b_lock_inode=$(stat -c %i "/var/lib/chatcell/instances/$b/tmp/b-lock")
one_pid() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
ok "B's process holds a lock in its cell (pid $b_pid on the host, B's only cell_probe)" one_pid "$b_pid"

# Controls: root on the host finds B's process, and B finds its own objects.
run "$probe" kill "$b_pid"
is "$out" ok "control: root's kill(B's pid, 0) finds it"
run "$probe" pidfd "$b_pid"
is "$out" ok "control: root opens a pidfd of B's process"
run "$probe" prio "$b_uid"
is "$out" ok "control: root's getpriority(PRIO_USER, B) finds B's processes"
run "$probe" affinity "$b_pid"
is "$out" ok "control: root's sched_getaffinity(B's pid) finds it"
run "$probe" uids 32768
like " $out " "* $b_uid *" "control: root's pidfd scan finds B's UID"
like "$(cat /proc/locks)" "*:$b_lock_inode *" "control: root's /proc/locks shows B's lock"
# The host's cgroup tree is world-readable: A's UID outside a session
# finds B's process in it.
run as_chat "$a" /bin/sh -c "find /sys/fs/cgroup -name cgroup.procs | xargs grep -lx $b_pid | wc -l"
ok "control: A's UID without a session finds B's pid in the host's cgroup.procs files ($out of them)" test "$out" -ge 1

# The host's login records, as a host without chatcell shows them: root
# writes a login of B (utmp, wtmp), a failed one (btmp) and B's last login
# (lastlog: the record at B's UID), each naming a host of its own. Chat
# logins themselves are never recorded there (the cell's copies are blank).
python3 - "$b" "$b_uid" "$b_pid" <<'EOF'
import struct, sys, time
user, uid, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = int(time.time())
def record(host):  # struct utmp on x86_64, 384 bytes; USER_PROCESS
    return struct.pack("<h2xi32s4s32s256shhiii16s20s", 7, pid, b"pts/99", b"99", user.encode(),
                       host.encode(), 0, 0, 0, now, 0, b"", b"")
for path, host in (("/run/utmp", "b-utmp-mark"), ("/var/log/wtmp", "b-wtmp-mark"), ("/var/log/btmp", "b-btmp-mark")):
    with open(path, "ab") as f:
        f.write(record(host))
with open("/var/log/lastlog", "r+b") as f:  # struct lastlog, 292 bytes, indexed by UID
    f.seek(uid * 292)
    f.write(struct.pack("<i32s256s", now, b"pts/99", b"b-lastlog-mark"))
EOF
run as_chat "$a" /usr/bin/who
like "$out" "*$b *pts/99 *(b-utmp-mark)*" "control: A's UID without a session reads B's login in the host's utmp (who)"
run as_chat "$a" /usr/bin/last -w -f /var/log/wtmp
like "$out" "*$b *pts/99 *b-wtmp-mark *" "control: A's UID without a session reads B's login in the host's wtmp (last)"
run as_chat "$a" /usr/bin/lastlog -u "$b"
like "$out" "*$b *pts/99 *b-lastlog-mark *" "control: A's UID without a session reads B's last login in the host's lastlog"
run /usr/bin/lastb -w -f /var/log/btmp
like "$out" "*$b *pts/99 *b-btmp-mark *" "control: root reads B's failed login in the host's btmp (group utmp may too)"
for kind in shm msg sem; do
	run login_runuser "$b" "$probe $kind-find 0x5eed"
	is "$out" ok "control: B's other session finds its SysV $kind object"
done
run login_runuser "$b" "$probe mq-find /b-queue"
is "$out" ok "control: B's other session opens its POSIX queue"
run login_runuser "$b" "cat /run/lock/b-file"
is "$out" b "control: B's other session sees its /run/lock file"

for path in $paths; do
	login=login_$path
	[ "$path" = run ] && login=login_run
	run "$login" "$a" "$probe kill $b_pid"
	ok "attack cell/kill-probe via $path: kill(B's pid, 0) says no such process (not EPERM) (got $out; \"own\": the number names a process of A's own cell)" test "$out" = ESRCH -o "$out" = own
	run "$login" "$a" "$probe pidfd $b_pid"
	ok "attack cell/pidfd-probe via $path: no pidfd of B's process (got $out; \"own\": the number names a process of A's own cell)" test "$out" = ESRCH -o "$out" = own
	run "$login" "$a" "$probe uids 32768"
	is "$out" "0 $a_uid" "attack cell/pidfd-scan via $path: every PID A can open is its cell's keeper's or its own"
	run "$login" "$a" "$probe prio $b_uid"
	is "$out" ESRCH "attack cell/priority-probe via $path: getpriority(PRIO_USER, B) finds nothing"
	run "$login" "$a" "$probe affinity $b_pid"
	ok "attack cell/affinity-probe via $path: sched_getaffinity(B's pid) finds nothing (got $out; \"own\": the number names a process of A's own cell)" test "$out" = ESRCH -o "$out" = own
	run "$login" "$a" "cat /proc/locks"
	unlike "$out" "*:$b_lock_inode *" "attack cell/proc-locks via $path: /proc/locks shows nothing of B's"
	for kind in shm msg sem; do
		run "$login" "$a" "$probe $kind-find 0x5eed"
		is "$out" ENOENT "attack cell/sysv-$kind via $path: B's object does not exist for A"
	done
	run "$login" "$a" "$probe mq-find /b-queue"
	is "$out" ENOENT "attack cell/mqueue via $path: B's POSIX queue does not exist for A"
	run "$login" "$a" "cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem | grep -c 5eed"
	is "$out" 0 "attack cell/proc-sysvipc via $path: /proc/sysvipc lists nothing of B's"
	run "$login" "$a" "ls /run/lock"
	is "$out" "" "attack cell/run-lock via $path: A's /run/lock is its own (B's file is not there)"
	run "$login" "$a" "find /sys/fs/cgroup -name cgroup.procs | wc -l"
	is "$out" 0 "attack cell/cgroup-procs via $path: no cgroup.procs of the host's tree"
	run "$login" "$a" "wc -c </run/utmp; wc -c </var/log/wtmp; wc -c </var/log/btmp; wc -c </var/log/lastlog; wc -c </proc/key-users
		/usr/bin/who | wc -l; /usr/bin/last -w -f /var/log/wtmp | grep -c b-wtmp-mark; /usr/bin/lastlog -u $b | grep -c b-lastlog-mark"
	is "$out" $'0\n0\n0\n0\n0\n0\n0\n0' "attack cell/login-records via $path: utmp, wtmp, btmp, lastlog and key-users are empty (who, last and lastlog find nothing of B's)"
done

# logrotate moves wtmp aside and makes a new one (0664: anyone reads it):
# the cell's /dev/null went with the old file. A's next login puts it
# over the new one, for everything running in A's cell.
mv /var/log/wtmp /var/log/wtmp.1
cp -p /var/log/wtmp.1 /var/log/wtmp
chmod 0664 /var/log/wtmp
a_cell() { nsenter -m -t "$(keeper_of cell-chat-a)" "$@"; }
like "$(a_cell /usr/bin/last -w -f /var/log/wtmp)" "*$b *pts/99 *b-wtmp-mark *" \
	"control: once logrotate made a new wtmp, A's running cell reads B's login in it"
run login_runuser "$a" "wc -c </var/log/wtmp; /usr/bin/last -w -f /var/log/wtmp | grep -c b-wtmp-mark"
is "$out" $'0\n0' "attack cell/login-records-rotated: A's next login finds the new wtmp empty"
is "$(a_cell /bin/sh -c "wc -c </var/log/wtmp")" 0 "and so does everything already running in A's cell"
mv -f /var/log/wtmp.1 /var/log/wtmp

# /proc/loadavg's last PID: A's does not move when B starts processes.
for path in runuser su; do
	mkfifo -m 666 /run/a-l1 /run/a-go /run/a-l2
	"login_$path" "$a" 'read -r l </proc/loadavg; echo "${l##* }" >/run/a-l1; read -r _ </run/a-go; read -r m </proc/loadavg; echo "${m##* }" >/run/a-l2' &
	read -r a_last1 </run/a-l1
	read -r host_loadavg </proc/loadavg
	login_runuser "$b" 'for i in 1 2 3 4 5 6 7 8; do /bin/true; done'
	echo go >/run/a-go
	read -r a_last2 </run/a-l2
	wait $!
	rm /run/a-l1 /run/a-go /run/a-l2
	read -r host_loadavg2 </proc/loadavg
	ok "control: the host's last PID moved while B started processes (${host_loadavg##* } -> ${host_loadavg2##* })" \
		test "${host_loadavg2##* }" -gt "${host_loadavg##* }"
	is "$a_last2" "$a_last1" "attack cell/loadavg via $path: the last PID A sees in /proc/loadavg did not move"
done

# The host's key counts, which A no longer reads.
run login_runuser "$b" "$probe key-add"
like "$(cat /proc/key-users)" "*$b_uid:*" "control: root's /proc/key-users counts B's key"
run as_chat "$a" grep -c "$b_uid:" /proc/key-users
is "$out" 1 "control: A's UID without a session reads B's key count"
run login_runuser "$a" "grep -c $b_uid: /proc/key-users"
is "$out" 0 "attack cell/key-users: A does not find B's key count"

# Two sessions of one chat are in one cell: they see each other.
run login_runuser "$a" "$probe shm-make 0xa11 && $probe mq-make /a-queue && echo a >/run/lock/a-file && cat /proc/sys/kernel/hostname"
is "$out" $'ok\nok\n'"$a" "A makes its own IPC objects and /run/lock file; its host name is its user name"
for path in su sshd run; do
	login=login_$path
	[ "$path" = run ] && login=login_run
	run "$login" "$a" "$probe shm-find 0xa11; $probe mq-find /a-queue; cat /run/lock/a-file"
	is "$out" $'ok\nok\na' "a later $path session of A shares them (one cell)"
done
run login_runuser "$b" "$probe shm-find 0xa11; $probe mq-find /a-queue"
is "$out" $'ENOENT\nENOENT' "and B still sees nothing of A's"

# A process started in one login of A is a process of A's other logins:
# same number, kill(pid, 0) finds it (as A's own), /proc shows it.
mkfifo -m 666 /run/a-held /run/a-release
install -m 666 /dev/null /run/a-pid
login_su "$a" "echo \$\$ >/run/a-pid; exec $probe lock /tmp/a-together /run/a-release >/run/a-held" &
held_job=$!
read -r _ </run/a-held
a_held=$(cat /run/a-pid)
held_args="$probe lock /tmp/a-together /run/a-release "
ok "A's su session holds a process (pid $a_held in its cell, $(host_pid "$a" "$a_held") on the host)" host_pid "$a" "$a_held"
for path in runuser sshd run; do
	login=login_$path
	[ "$path" = run ] && login=login_run
	run "$login" "$a" "$probe kill $a_held; tr '\\0' ' ' </proc/$a_held/cmdline"
	is "$out" "own"$'\n'"$held_args" "a later $path session of A finds the process its su session started (kill(pid, 0) and /proc/$a_held)"
done
run login_runuser "$b" "tr '\\0' ' ' </proc/$a_held/cmdline"
unlike "$out" "*a-together*" "and B's session does not (the same number in B's cell is not A's process)"
echo >/run/a-release
wait "$held_job"

# Exhaustion stays inside the cell: A takes every SysV segment, queue and
# semaphore set, POSIX queue and pty its cell allows; B still gets one of
# each. (What A made ends with its cell, at the suspend below.)
run login_runuser "$a" "$probe shm-exhaust"
like "$out" "* ENOSPC" "A creates segments until its cell's shmmni runs out ($out)"
run login_runuser "$b" "$probe shm-make 0xb22"
is "$out" ok "attack cell/shm-exhaustion: B still creates a segment"
run login_sshd "$b" "$probe shm-make 0xb23"
is "$out" ok "attack cell/shm-exhaustion: and through sshd"
run login_su "$a" "cat /proc/sys/kernel/msgmni; $probe msg-exhaust"
like "$out" $'[1-9]*\n'"${out%%$'\n'*} ENOSPC" "A creates SysV queues until its cell's msgmni runs out (${out//$'\n'/: })"
run login_sshd "$b" "$probe msg-make 0xb22"
is "$out" ok "attack cell/msg-exhaustion: B still creates a SysV queue"
run login_run "$a" "cut -f4 /proc/sys/kernel/sem; $probe sem-exhaust"
like "$out" $'[1-9]*\n'"${out%%$'\n'*} ENOSPC" "A creates SysV semaphore sets until its cell's semmni runs out (${out//$'\n'/: })"
run login_runuser_l "$b" "$probe sem-make 0xb22"
is "$out" ok "attack cell/sem-exhaustion: B still creates a semaphore set"
run login_runuser "$a" "$probe mq-exhaust"
like "$out" "* ENOSPC" "A creates POSIX queues until its cell's queues_max runs out ($out)"
run login_runuser "$b" "$probe mq-make /b-second"
is "$out" ok "attack cell/mqueue-exhaustion: B still creates a queue"
run login_run "$b" "$probe mq-make /b-third"
is "$out" ok "attack cell/mqueue-exhaustion: and through chatcell-admin run"
mkfifo -m 666 /run/a-ptys-done /run/a-ptys
login_runuser "$a" "$probe pty-exhaust /run/a-ptys-done >/run/a-ptys" &
pty_job=$!
read -r pty_out </run/a-ptys
is "$pty_out" "64 ENOSPC" "A opens ptys until its cell's 64 are taken"
for path in runuser su; do
	run "login_$path" "$b" "/usr/bin/python3 -c 'import os; os.openpty(); print(\"got one\")'"
	is "$out" "got one" "attack cell/pty-exhaustion via $path: B still gets a pty"
done
run login_runuser "$a" "ls /dev/pts | wc -l"
is "$out" 65 "A's /dev/pts lists its own 64 ptys and ptmx"
for path in runuser runuser_l; do
	run "login_$path" "$b" "ls /dev/pts"
	is "$out" ptmx "attack cell/devpts via $path: B's /dev/pts shows none of A's ptys"
done
echo >/run/a-ptys-done
wait "$pty_job"

# show tells whether the cell runs.
run chatcell-admin show cell-chat-a
like "$out" "*cell         running since * keeper pid *, 0 processes*" "show: A's cell runs, with its keeper"
run chatcell-admin --json show cell-chat-a
like "$out" '*"cell":{"running":true,"keeper_pid":*,"processes":0,"started_at":"*"}*' "show --json: the same"

# suspend ends the cell: a tmux server and a background job included.
run login_su "$a" "tmux new-session -d -s work 'sleep 100000' </dev/null >/dev/null 2>&1; (sleep 100000 </dev/null >/dev/null 2>&1 &); echo started"
is "$out" started "A leaves a tmux server and a background job"
a_keeper=$(keeper_of cell-chat-a)
a_ipc=$(readlink "/proc/$a_keeper/ns/ipc")
ok "A runs processes ($(pgrep -u "$a" | wc -l))" test "$(pgrep -u "$a" | wc -l)" -ge 2
run chatcell-admin suspend cell-chat-a
is "$rc" 0 "suspend succeeds"
is "$(pgrep -u "$a" | wc -l)" 0 "suspend leaves no process of A (with limits off: the keeper's death ends the cell)"
ok "A's keeper is gone" test ! -e "/proc/$a_keeper"
is "$(for p in /proc/[0-9]*; do readlink "$p/ns/ipc"; done 2>/dev/null | grep -c -F "$a_ipc")" 0 \
	"no process is left in A's IPC namespace: its segments, queues and semaphores are gone with it"
run chatcell-admin show cell-chat-a
like "$out" "*cell         not running*" "show: the cell is not running"
chatcell-admin resume cell-chat-a >/dev/null
run login_runuser "$a" "$probe shm-find 0xa11; ls /run/lock"
is "$out" ENOENT "after resume a new cell: A's old segment and /run/lock file are gone"

# A keeper killed with SIGKILL is a clean end: the next login makes a new cell.
run login_runuser "$a" 'echo $$'
old_keeper=$(keeper_of cell-chat-a)
kill -9 "$old_keeper"
run login_runuser "$a" "echo in; ps -eo pid=,user:32= | awk '\$1 != 1 { print \$2 }' | sort -u"
is "$out" "in"$'\n'"$a" "after its keeper was killed, the next login works in a new cell"
new_keeper=$(keeper_of cell-chat-a)
ok "with a new keeper ($old_keeper -> $new_keeper)" test "$new_keeper" != "$old_keeper"

# An idle cell ends by itself (cell_idle_stop) and the next login makes a
# new one.
printf 'cell_idle_stop = 2s\n' >>/etc/chatcell/chatcell.conf
d=$(chat_user "cell-chat-d")
run login_runuser "$d" "echo in"
d_keeper=$(keeper_of cell-chat-d)
run wait_gone "$d_keeper" 30
is "$rc" 0 "an idle cell's keeper ends after cell_idle_stop (2 s here, at most 30 s waited)"
run chatcell-admin show cell-chat-d
like "$out" "*cell         not running*" "show: the idle cell is not running"
run login_runuser "$d" "echo again"
is "$rc:$out" "0:again" "the next login makes a new cell"
ok "with a new keeper" test "$(keeper_of cell-chat-d)" != "$d_keeper"

# Login times: a logout from the running cell is noted in the cell's record
# (no registry write on that path); show and list read it, and suspend folds
# it into the registry before the cell ends.
e=$(chat_user "cell-chat-e")
registry_logout() { sqlite3 /var/lib/chatcell/registry.db "SELECT coalesce(last_logout_at, 0) > 0 FROM chats WHERE name = '$e'"; }
json_time() { # FIELD [NAME]: is FIELD set in show --json (or in NAME's row of list --json)?
	/usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
if isinstance(d, list):
    d = next(r for r in d if r["name"] == sys.argv[2])
print(d[sys.argv[1]] is not None)' "$@"
}
run login_runuser "$e" "echo in"
is "$rc:$out:$(registry_logout)" "0:in:0" "E's first login started its cell; its logout was noted in the cell, not the registry"
is "$(chatcell-admin --json show cell-chat-e | json_time last_logout_at)" True "show: E's last logout, from the cell's record"
is "$(chatcell-admin --json list | json_time last_logout_at "$e")" True "list: the same"
run chatcell-admin suspend cell-chat-e
is "$rc:$(registry_logout)" "0:1" "suspend folded the cell's login times into the registry"
run chatcell-admin resume cell-chat-e
is "$(chatcell-admin --json show cell-chat-e | json_time last_logout_at)" True "show after resume: the folded time, with no cell"

# ensure --start makes the cell of a chat with none (as a first login
# would), and a later login joins that cell.
run chatcell-admin ensure cell-chat-f
f=${out%% *}
run chatcell-admin --json show cell-chat-f
like "$out" '*"cell":{"running":false*' "a chat made without --start has no cell"
run chatcell-admin ensure --start cell-chat-f
is "$rc:${out%% *}" "0:$f" "ensure --start succeeds and names the chat"
run chatcell-admin --json show cell-chat-f
like "$out" '*"cell":{"running":true,"keeper_pid":*,"processes":0,"started_at":"*"}*' "show --json: the cell runs, with no process but its keeper"
f_keeper=$(keeper_of cell-chat-f)
is "$(cat "/proc/$f_keeper/comm")" chatcell-keeper "its keeper (pid $f_keeper) is alive"
is "$(nsenter --net="/proc/$f_keeper/ns/net" nft list tables)" "table inet chatcell" \
	"the cell ensure --start made has its egress table before anything of the chat runs in it"
f_pidns=$(readlink "/proc/$f_keeper/ns/pid")
run login_runuser "$f" "readlink /proc/self/ns/pid"
is "$rc:$out" "0:$f_pidns" "a login of F joins the cell ensure --start made"
run chatcell-admin ensure --start cell-chat-f
is "$rc:$(keeper_of cell-chat-f)" "0:$f_keeper" "ensure --start again keeps the running cell"

# The caller's session keyring: a bot (root) with a key in it starts
# commands as chats. Debian's su stack has no pam_keyinit and runuser's
# keeps a session keyring the caller has; each login gets one of its own
# all the same. In a keyring of root's own (session-run), never the host's.
run "$probe" session-run bot-token root-secret "$probe" session-read bot-token
is "$out" "ok root-secret" "control: root's command reads the key in root's session keyring"
run "$probe" session-run bot-token root-secret setpriv --reuid=65534 --regid=65534 --clear-groups "$probe" session-read bot-token
is "$out" "ok root-secret" "control: a user who is not a chat, started by root without a login, reads it too"
for path in su runuser runuser_l run; do
	run "$probe" session-run bot-token root-secret /bin/bash -c "$(declare -f "login_$path" login_run); login_$path '$a' '$probe session-read bot-token; $probe session-add planted-by-a $path'; $probe session-read planted-by-a"
	is "$out" $'ENOKEY\nok\nENOKEY' "attack cell/caller-keyring via $path: A finds no key of root's session keyring, and what it adds there stays out of root's"
done

# The caller's directory: a login enters the same path in the cell, where
# /tmp is the chat's. A directory there is entered; a symbolic link A made
# there is not followed by root, whatever it points at.
mkdir -p /tmp/bot-dir /tmp/bot-real
here=$PWD
run login_runuser "$a" "ln -sfn /root /tmp/bot-dir; mkdir -p /tmp/bot-real; stat -c %F /tmp/bot-dir"
is "$out" "symbolic link" "A plants a link named as the bot's directory in its /tmp"
for path in su runuser; do
	cd /tmp/bot-real
	run "login_$path" "$a" "/bin/pwd -P; stat -c %U ."
	is "$out" $'/tmp/bot-real\n'"$a" "control: a $path login from /tmp/bot-real starts in A's own /tmp/bot-real in its cell"
	cd /tmp/bot-dir
	run "login_$path" "$a" "/bin/pwd -P"
	is "$rc:$out" "0:/" "attack cell/cwd-link via $path: root does not follow A's link at the bot's directory; the login starts at the cell's root"
done
cd "$here"
rmdir /tmp/bot-dir /tmp/bot-real

# delete: nothing of the chat survives for the UID's next owner.
echo >/run/b-done
wait "$b_job"
run login_runuser "$b" "$probe key-add; $probe key-count"
like "$out" $'ok\n[1-9]*' "B has keys in its user keyring"
b_keeper=$(keeper_of cell-chat-b)
b_ipc=$(readlink "/proc/$b_keeper/ns/ipc")
run chatcell-admin delete cell-chat-b
is "$rc" 0 "delete B"
is "$(for p in /proc/[0-9]*; do readlink "$p/ns/ipc"; done 2>/dev/null | grep -c -F "$b_ipc")" 0 \
	"attack cell/ipc-after-delete: B's IPC namespace is gone, and its objects with it"
# The quarantine has passed and the allocator has come round to B's UID.
sqlite3 /var/lib/chatcell/registry.db "UPDATE chats SET deleted_at = 1 WHERE uid = $b_uid;
	UPDATE settings SET value = '$b_uid' WHERE key = 'next_uid'"
c=$(chat_user "cell-chat-c")
is "$(id -u "$c")" "$b_uid" "a new chat gets B's old UID (quarantine over)"
run login_runuser "$c" "$probe key-count; $probe shm-find 0x5eed; $probe mq-find /b-queue; ls /run/lock"
is "$out" $'0\nENOENT\nENOENT' "attack cell/inherit-uid: the new owner inherits no key, IPC object or /run/lock file"

# A host with /dev/mqueue (systemd mounts it; this sandbox's /dev is its
# own): each cell mounts its IPC namespace's instance there. G's queue is
# made under Landlock and shows in G's /dev/mqueue, and nowhere else.
mkdir /dev/mqueue
mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue
g=$(chat_user "cell-chat-g")
h=$(chat_user "cell-chat-h")
install -m 0644 /dev/null /var/log/cell-mq.log
run login_runuser "$g" "$probe mq-make /g-queue; ls -A /dev/mqueue; cat /var/log/cell-mq.log 2>&1"
is "$out" $'ok\ng-queue\ncat: /var/log/cell-mq.log: Permission denied' "with /dev/mqueue: G makes a POSIX queue under Landlock, and its cell's /dev/mqueue lists it"
run login_su "$h" "ls -A /dev/mqueue; $probe mq-find /g-queue"
is "$out" ENOENT "attack cell/mqueue-devmqueue: H's /dev/mqueue is empty and G's queue does not exist for H"
run login_su "$g" "$probe mq-find /g-queue"
is "$out" ok "control: G's later session opens its queue"
is "$(ls -A /dev/mqueue)" "" "and the host's /dev/mqueue has nothing of G's"
umount /dev/mqueue
rmdir /dev/mqueue
rm /var/log/cell-mq.log

kill "$SSHD_PID"
wait "$SSHD_PID" 2>/dev/null
for chat in cell-chat-a cell-chat-c cell-chat-d cell-chat-f cell-chat-g cell-chat-h; do
	chatcell-admin delete "$chat" >/dev/null
done
is "$(pgrep -f chatcell-keeper | wc -l)" 0 "no keeper is left"
run grep -c "pam_chatcell.*refusing" "$SYSLOG"
is "$out" 0 "no session was refused along the way"
done_testing
