#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Adversarial suite, terminal plane: a chat command attacks the terminal
# and descriptors of the root who started it. Each attack is one named
# check ("attack terminal/NAME"), next to a control that shows the same
# probe succeeding where chatcell does not stand in the way, so the check
# can fail. Root's shell is a real bash on a real pty (a tmux pane);
# "nothing reached root's shell" means: after root's shell has read and run
# everything typed into it, the file the injected line would create does
# not exist.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "terminal-chat-a")
home=/home/chatcell/$a
probe=$CC_HELPERS/tty_probe
# nobody: a user that is not a chat, for the controls.
install -d -m 0777 /run/nobody
root_terminal_start

# inject NAME COMMAND-PREFIX REPORT [sti|sti32]: run the probe through the
# prefix in root's shell, typing "touch /tmp/inj-NAME" back into its terminal.
inject() {
	local name=$1 prefix=$2 report=$3 how=${4:-sti}
	rm -f "/tmp/inj-$name" "$report"
	root_terminal_run "$prefix $probe $report $how 'touch /tmp/inj-$name\\n'"
	root_terminal_run "true" # root's shell has now read whatever was typed into it
}

# Controls: the probe works, and runuser -u hands the terminal to a user.
inject root "" /root/report
is "$(cat /root/report):$(test -e /tmp/inj-root && echo typed)" "TIOCSTI ok:typed" \
	"control: root's own TIOCSTI types a line into root's shell"
inject root32 "" /root/report sti32
i386_is "$(cat /root/report):$(test -e /tmp/inj-root32 && echo typed)" "TIOCSTI(i386) ok:typed" \
	"control: the same through the i386 ABI (int 0x80)"
inject nobody "runuser -u nobody --" /run/nobody/report
is "$(cat /run/nobody/report):$(test -e /tmp/inj-nobody && echo typed)" "TIOCSTI ok:typed" \
	"control: a user who is not a chat, under runuser -u, types into root's shell"
inject nobody32 "runuser -u nobody --" /run/nobody/report sti32
i386_is "$(cat /run/nobody/report):$(test -e /tmp/inj-nobody32 && echo typed)" "TIOCSTI(i386) ok:typed" \
	"control: and through int 0x80"

# The attacks, through every way root starts a chat command.
declare -A via=(
	[run]="chatcell-admin run terminal-chat-a --"
	[runuser-u]="runuser -u $a --"
)
for path in run runuser-u; do
	inject "$path" "${via[$path]}" "$home/report"
	is "$(cat "$home/report"):$(test -e "/tmp/inj-$path" && echo typed)" "TIOCSTI EPERM:" \
		"attack terminal/tiocsti via $path: refused (EPERM), nothing reached root's shell"
	inject "$path-32" "${via[$path]}" "$home/report" sti32
	i386_is "$(cat "$home/report"):$(test -e "/tmp/inj-$path-32" && echo typed)" "TIOCSTI(i386) EPERM:" \
		"attack terminal/tiocsti-i386 via $path: refused (EPERM), nothing reached root's shell"
done
# su -c and runuser -l take a shell command.
for path in su-c runuser-l; do
	rm -f "$home/report" "/tmp/inj-$path" "/tmp/inj-$path-32"
	case $path in
	su-c) start="su $a -c" ;;
	runuser-l) start="runuser -l $a -c" ;;
	esac
	root_terminal_run "$start \"$probe $home/report sti 'touch /tmp/inj-$path\\n'; $probe $home/report sti32 'touch /tmp/inj-$path-32\\n'\""
	root_terminal_run "true"
	is "$(head -1 "$home/report"):$(test -e "/tmp/inj-$path" && echo typed)" "TIOCSTI EPERM:" \
		"attack terminal/tiocsti via $path: refused, nothing reached root's shell"
	i386_is "$(tail -1 "$home/report"):$(test -e "/tmp/inj-$path-32" && echo typed)" "TIOCSTI(i386) EPERM:" \
		"attack terminal/tiocsti-i386 via $path: refused, nothing reached root's shell"
done

# TIOCLINUX: a pty answers ENOTTY; the filter answers first.
rm -f /root/report
root_terminal_run "$probe /root/report linux; $probe /root/report linux32"
is "$(head -1 /root/report)" "TIOCLINUX ENOTTY" "control: root's TIOCLINUX reaches the terminal (ENOTTY on a pty)"
i386_is "$(tail -1 /root/report)" "TIOCLINUX(i386) ENOTTY" "control: and through int 0x80"
# (su -c and runuser -l start the command in a session of its own, where
# the kernel refuses TIOCSTI by itself: TIOCLINUX, which the kernel answers
# with ENOTTY on a pty, shows the filter at work there too.)
via[su-c]="su $a -c" via[runuser-l]="runuser -l $a -c"
for path in run runuser-u su-c runuser-l; do
	rm -f "$home/report"
	case $path in
	su-c | runuser-l) root_terminal_run "${via[$path]} \"$probe $home/report linux; $probe $home/report linux32\"" ;;
	*) root_terminal_run "${via[$path]} $probe $home/report linux; ${via[$path]} $probe $home/report linux32" ;;
	esac
	is "$(head -1 "$home/report")" "TIOCLINUX EPERM" \
		"attack terminal/tioclinux via $path: refused by the session's filter (EPERM)"
	i386_is "$(tail -1 "$home/report")" "TIOCLINUX(i386) EPERM" \
		"attack terminal/tioclinux-i386 via $path: refused by the session's filter (EPERM)"
done

# Root's terminal by device and inode: device numbers alone do not tell
# devpts instances apart (each cell's has its own /dev/pts/0).
root_tty_id=$(stat -L -c '%d:%i' "$ROOT_TTY")
# holds_root_terminal PID: a descriptor of PID is root's terminal.
holds_root_terminal() {
	for fd in /proc/"$1"/fd/*; do
		[ "$(stat -L -c '%d:%i' "$fd" 2>/dev/null)" = "$root_tty_id" ] && return 0
	done
	return 1
}

# A process the chat leaves behind, then woken once root is back at its
# prompt: it tries root's terminal.
linger() { # PREFIX DIR OWNER
	local prefix=$1 dir=$2 owner=$3
	rm -f "$dir/go" "$dir/linger-report"
	mkfifo -m 600 "$dir/go" "$dir/linger-report"
	chown "$owner" "$dir/go" "$dir/linger-report"
	root_terminal_run "$prefix $probe $dir/linger-report linger $dir/go"
	linger_pid=$(pgrep -f "tty_probe $dir/linger-report linger")
}
wake_linger() { # DIR: returns its report once it has exited
	timeout 20 sh -c 'echo go >"$1"' wake "$1/go" && timeout 20 cat "$1/linger-report"
}

linger "runuser -u nobody --" /run/nobody nobody
ok "control: a process left behind by runuser -u holds root's terminal" holds_root_terminal "$linger_pid"
report=$(wake_linger /run/nobody)
is "$report" $'open(/dev/tty) ok\nwrite(1) ok\nread(0) nothing-to-read' "control: it opens /dev/tty and writes to root's terminal"
like "$(root_terminal_screen)" "*LEAKED-WRITE*" "control: its write shows on root's screen"
root_terminal_run "clear; $ROOT_TMUX clear-history"

linger "chatcell-admin run terminal-chat-a --" "$home" "$a"
ok "attack terminal/linger via run: the chat's process stays behind (pid $linger_pid)" test -n "$linger_pid"
ok "attack terminal/linger via run: it holds neither root's terminal nor any descriptor on it" \
	eval "! holds_root_terminal $linger_pid"
report=$(wake_linger "$home")
is "$report" $'open(/dev/tty) ENXIO\nwrite(1) EIO\nread(0) eof' \
	"attack terminal/linger via run: its terminal is hung up (no /dev/tty, EIO, end of file)"
unlike "$(root_terminal_screen)" "*LEAKED-WRITE*" "attack terminal/linger via run: nothing shows on root's screen"

# Without any terminal on its descriptors, the command still has no
# controlling terminal (root's shell session has one).
rm -f /root/report "$home/report"
null_id=$(stat -L -c '%d:%i' /dev/null)
root_terminal_run "$probe /root/report ttyname </dev/null"
is "$(cat /root/report)" "fd0 chr $null_id"$'\n'"ctty other" "control: root's command has a controlling terminal (root's) even with stdin from /dev/null"
root_terminal_run "chatcell-admin run terminal-chat-a -- $probe $home/report ttyname </dev/null >/dev/null 2>&1"
is "$(cat "$home/report")" "fd0 chr $null_id"$'\nctty none' \
	"attack terminal/controlling-tty via run without a terminal: the command has none"
rm -f "$home/report"
root_terminal_run "chatcell-admin run terminal-chat-a -- $probe $home/report ttyname"
like "$(cat "$home/report")" "fd0 chr *:*"$'\n'"ctty fd0"$'\n'"ttyname /dev/pts/*" \
	"with a terminal: the command's stdin is a pty, its controlling terminal, named in its cell's /dev/pts..."
own_tty=$(sed -n 's/^fd0 chr //p' "$home/report")
ok "...and not root's ($own_tty, root's is $root_tty_id)" test "$own_tty" != "$root_tty_id"

# Descriptors the caller left open.
echo "root's secret" >/root/secret
chmod 600 /root/secret
run bash -c 'exec 9</root/secret; runuser -u '"$a"' -- sh -c "cat <&9"'
is "$rc:$out" "0:root's secret" "control: a chat started by runuser -u with fd 9 open on a root-only file reads it (documented: use chatcell-admin run)"
run bash -c 'exec 9</root/secret; chatcell-admin run terminal-chat-a -- ls /proc/self/fd'
is "$out" $'0\n1\n2\n3' "attack terminal/inherited-fd via run: the chat's command has only 0, 1, 2 (and ls's own 3)"
run bash -c 'exec 9</root/secret; chatcell-admin run terminal-chat-a -- sh -c "cat <&9"'
like "$err" "*Bad file descriptor*" "attack terminal/inherited-fd via run: reading fd 9 fails"
root_terminal_run "exec 9</root/secret; chatcell-admin run terminal-chat-a -- ls /proc/self/fd >$home/fds; exec 9<&-"
is "$(cat "$home/fds")" $'0\n1\n2\n3' "attack terminal/inherited-fd via run with a terminal: only 0, 1, 2 (and ls's own 3)"

# start_command COMMAND: type COMMAND into root's shell and return once
# the chat's command has said "ready" on a fifo in its home.
start_command() {
	rm -f "$home/ready"
	mkfifo -m 600 "$home/ready"
	chown "$a" "$home/ready"
	$ROOT_TMUX send-keys -t root -l "$1"
	root_terminal_type Enter
	timeout 20 cat "$home/ready" >/dev/null
}
# The chat makes a process group of its own the terminal's foreground and
# lets it die: the terminal keeps the group's number, which the host may
# give to a process of its own. A SIGINT to chatcell-admin run (a bot
# cancelling the command) must not reach that process: the relay, root in
# the host's PID namespace, signals the terminal's group through the
# kernel, not by the number.
cat >"$home/fg.py" <<'EOF'
import os, signal
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
r, w = os.pipe()
child = os.fork()
if child == 0:
    os.setpgid(0, 0)
    os.execv("/bin/sh", ["sh", "-c", "exec cat fg-go >/dev/null"])
try:
    os.setpgid(child, child)
except PermissionError:
    pass  # EACCES: the child made its group itself and has exec'd already
os.tcsetpgrp(0, child)
open("ready", "w").write("ready\n")
os.waitpid(child, 0)
open("fg-dead", "w").write("%d\n" % os.tcgetpgrp(0))
signal.signal(signal.SIGINT, signal.SIG_IGN)
os.read(r, 1)
EOF
chown "$a" "$home/fg.py"
rm -f "$home/fg-go" "$home/fg-dead"
mkfifo -m 600 "$home/fg-go"
chown "$a" "$home/fg-go"
start_command "cd $home && chatcell-admin run terminal-chat-a -- /usr/bin/python3 fg.py"
group_leader=
leader_found() { group_leader=$(pgrep -u "$a" -f "cat fg-go"); }
ok "the chat's program made a foreground group of its own" spin_until 20 leader_found
timeout 20 sh -c 'echo go >"$1"' _ "$home/fg-go"
# The chat's program saw its group leader end.
ok "the chat's foreground group (host pid $group_leader) has ended" spin_until 20 test -s "$home/fg-dead"
ok "(its leader is gone)" test ! -e "/proc/$group_leader"
# The victim takes SIGINT's default action (a background job of this
# script would ignore it) and says so once it does.
mkfifo /run/victim-ready
echo $((group_leader - 1)) >/proc/sys/kernel/ns_last_pid
setsid /usr/bin/python3 -c 'import signal, time
signal.signal(signal.SIGINT, signal.SIG_DFL)
open("/run/victim-ready", "w").write("ready\n")
time.sleep(1000)' &
victim=$!
read -r _ </run/victim-ready
rm /run/victim-ready
if [ "$victim" = "$group_leader" ]; then
	relay=$(pgrep -U 0 -x chatcell-sessio)
	# The relay reads its signals one after the other: once the SIGWINCH
	# sent after the SIGINT is no longer pending, the SIGINT was handled.
	kill -INT "$relay"
	kill -WINCH "$relay"
	int_handled() { [ $((0x$(awk '$1 == "ShdPnd:" { print $2 }' "/proc/$relay/status") & 0x8000002)) = 0 ]; }
	spin_until 20 int_handled
	ok "attack terminal/stale-foreground-group: a process of the host's that took the dead group's number survives the relay's SIGINT" \
		kill -0 "$victim"
	kill "$victim"
else
	skip "the host gave the dead group's number ($group_leader) to another process ($victim) first"
	kill "$victim"
fi
pkill -KILL -u "$a" -f "python3 fg.py"
root_terminal_run "true"

root_terminal_stop
run grep -c "pam_chatcell.*refusing" "$SYSLOG"
is "$out" 0 "no session was refused along the way"
done_testing
