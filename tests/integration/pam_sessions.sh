#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Confined sessions through every login path (su, runuser -u, runuser -l,
# sshd on loopback, and a tmux server reached from a later session): the
# chat's own /tmp, /var/tmp and /dev/shm; only its own processes in /proc;
# the configured PATH; and the sandbox's own mount table untouched.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "sessions-chat-a")
b=$(chat_user "sessions-chat-b")
mounts_before=$(cat /proc/1/mountinfo)
start_sshd 2222
authorize_key "$a"
authorize_key "$b"
echo "root's secret" >/tmp/root-file

# B runs a long process in its own session; its PID comes back over a fifo.
mkfifo -m 666 /run/b-pid
runuser -u "$b" -- /bin/bash -c 'echo $$ >/run/b-pid; exec sleep 1000' &
b_job=$!
read -r b_cell_pid </run/b-pid
b_pid=$(host_pid "$b" "$b_cell_pid")
ok "B's long process runs (pid $b_cell_pid in its cell, $b_pid here)" kill -0 "$b_pid"

for path in su runuser runuser_l sshd; do
	run "login_$path" "$a" "echo $path >/tmp/t-$path && echo $path >/var/tmp/v-$path && echo $path >/dev/shm/s-$path"
	is "$rc" 0 "$path: chat A logs in and writes to /tmp, /var/tmp and /dev/shm"
	run "login_$path" "$a" "cat /tmp/t-$path /var/tmp/v-$path /dev/shm/s-$path"
	is "$out" "$path"$'\n'"$path"$'\n'"$path" "$path: a later session of A sees its files in all three"
	run "login_$path" "$b" "ls -A /tmp /var/tmp /dev/shm"
	is "$out" $'/dev/shm:\n\n/tmp:\n\n/var/tmp:' "$path: chat B sees none of them"
	run "login_$path" "$a" "cat /tmp/root-file"
	like "$err" "*No such file or directory*" "$path: root's /tmp file is invisible to A"
	run "login_$path" "$a" "ps -eo pid=,user:32= | awk '\$1 != 1 { print \$2 }' | sort -u; ps -o user:32=,comm= -p 1 | tr -s ' '"
	is "$out" "$a"$'\n'"root chatcell-keeper" "$path: ps shows only A's own processes while B runs one, and the cell's keeper as PID 1"
	run "login_$path" "$a" "stat -c %U /proc/[0-9]* | sort -u"
	is "$out" "$a"$'\n'"root" "$path: every /proc/<pid> A can see is A's, but the keeper's (PID 1, root)"
	run "login_$path" "$a" "stat -c %U /proc/$b_pid 2>/dev/null || echo none"
	ok "$path: /proc/<B's pid> is not B's process for A (in A's cell the number is A's, if anything: $out)" \
		test "$out" = none -o "$out" = "$a"
	run "login_$path" "$a" 'echo "$PATH"'
	is "$out" "/var/lib/chatcell/shims" "$path: PATH is exactly the configured shims directory"
	run "login_$path" "$a" 'umask; ulimit -c; grep NoNewPrivs /proc/self/status'
	is "$out" $'0077\n0\nNoNewPrivs:\t1' "$path: umask 077, no core dumps, no_new_privs set"
	run "login_$path" "$a" 'grep "^Seccomp:" /proc/self/status'
	is "$out" $'Seccomp:\t2' "$path: the session's system call filter is on (seccomp mode 2)"
done

run login_sshd "$a" "cat /tmp/t-su /tmp/t-runuser_l"
is "$out" $'su\nrunuser_l' "the instance is per chat: sshd sees what su and runuser -l wrote"

# A tmux server started in one session is reached from a later one (through
# another login path), and never by B.
run login_runuser "$a" "tmux new-session -d -s work"
is "$rc" 0 "tmux: A starts a detached tmux server through runuser"
run login_su "$a" "tmux has-session -t work && tmux new-window -d -t work 'ps -eo pid=,user:32= >/tmp/from-tmux; echo \$PATH >/tmp/path-tmux; tmux wait-for -S done' && tmux wait-for done && awk '\$1 != 1 { print \$2 }' /tmp/from-tmux | sort -u && cat /tmp/path-tmux"
is "$out" "$a"$'\n'"/var/lib/chatcell/shims" "tmux: a later su session re-attaches; inside tmux A still sees only itself (and the keeper) and its PATH"
run login_sshd "$a" "tmux list-sessions -F '#{session_name}'"
is "$out" "work" "tmux: an sshd session of A reaches the same server"
run login_sshd "$b" "tmux has-session -t work"
is "$rc" 1 "tmux: B cannot reach A's server"
like "$err" "error connecting to /tmp/tmux-*/default (No such file or directory)" "tmux: B has no server at all (its /tmp is its own)"
login_su "$a" "tmux kill-server"

# The shims directory links no setuid, setgid or capable program, even when
# shims.list asks for one.
echo "su passwd mount sudo" >>/etc/chatcell/shims.list
run chatcell-admin --json init
like "$out" '*"privileged":[1-9]*' "init refuses to link privileged programs named in shims.list"
privileged=$(find -L /var/lib/chatcell/shims -perm /6000 | wc -l)
is "$privileged" 0 "no shim resolves to a setuid or setgid program"
ok "su is not linked" test ! -e /var/lib/chatcell/shims/su

kill "$b_pid" "$SSHD_PID"
wait "$b_job" "$SSHD_PID"
is "$(cat /proc/1/mountinfo)" "$mounts_before" "the sandbox's own mount table is unchanged after all sessions"
run grep -c "pam_chatcell.*refusing" "$SYSLOG"
is "$out" 0 "no session was refused along the way"

done_testing
