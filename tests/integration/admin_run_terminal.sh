#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# chatcell-admin run and shell from root's interactive shell on a real
# terminal (a tmux pane): the command gets a pty of its own, and what it
# writes, its exit status, the window size, ^C, ^Z and SIGTERM/SIGHUP reach
# it as they would on root's own terminal. Without a terminal the command's
# stdout stays a plain pipe (the bytes of admin_run.sh).
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
chatcell-admin init >/dev/null
a=$(chat_user "pty-chat-a")
home=/home/chatcell/$a
root_terminal_start
run_a="chatcell-admin run pty-chat-a --"
# A fifo in the chat's home: the command says "ready" on it once it runs.
ready_fifo() {
	rm -f "$home/ready"
	mkfifo -m 600 "$home/ready"
	chown "$a" "$home/ready"
}
wait_ready() { timeout 20 cat "$home/ready" >/dev/null; }
# start_command COMMAND: type COMMAND into root's shell and return once it
# has said "ready" on the fifo.
start_command() {
	ready_fifo
	$ROOT_TMUX send-keys -t root -l "$1"
	root_terminal_type Enter
	wait_ready
}
# finished CHANNEL: wait until root's shell has signalled CHANNEL.
finished() { timeout 30 $ROOT_TMUX wait-for "$1"; }

root_terminal_run "$run_a sh -c 'echo out-marker; echo err-marker >&2; exit 7'; echo rc=\$? >/root/rc"
is "$(cat /root/rc)" "rc=7" "with a terminal: the exit status is passed through"
screen=$(root_terminal_screen)
like "$screen" "*out-marker*err-marker*" "with a terminal: stdout and stderr show on root's terminal"

root_terminal_run "$run_a sh -c 'echo piped; echo err-piped >&2' | od -An -c >/root/od"
is "$(tr -s ' ' </root/od)" " p i p e d \\n" "stdout a pipe (stdin a terminal): the pipe gets the plain bytes, no CR"
like "$(root_terminal_screen)" "*err-piped*" "and stderr, a terminal, still shows"

root_terminal_run "$run_a /bin/stty size >/root/size"
is "$(cat /root/size)" "30 100" "the command's terminal has root's window size"

# A window change reaches the command as SIGWINCH with the new size.
start_command "$run_a sh -c 'trap \"/bin/stty size >size2; kill \\\$!; exit 0\" WINCH; sleep 1000 & echo ready >ready; wait'; $ROOT_TMUX wait-for -S winch"
$ROOT_TMUX resize-window -t root -x 120 -y 40
finished winch
is "$(cat "$home/size2")" "40 120" "a window size change reaches the command (SIGWINCH, then stty size)"
$ROOT_TMUX resize-window -t root -x 100 -y 30

# ^C: the terminal's interrupt reaches the command.
start_command "$run_a sh -c 'echo ready >ready; exec sleep 1000'; echo rc=\$? >/root/rc; $ROOT_TMUX wait-for -S intr"
root_terminal_type C-c
finished intr
is "$(cat /root/rc)" "rc=130" "^C interrupts the command: status 130"

# ^Z stops the command and gives root's shell its terminal back; fg
# continues it.
# The relay (chatcell-session) stopped: root's shell has its terminal
# again, and what is typed next is its (a condition, polled; typing at
# once raced the stop on a loaded machine).
relay_stopped() {
	local pid i
	for ((i = 0; i < 3000; i++)); do
		for pid in $(pgrep -x chatcell-sessio); do
			[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = T ] && return 0
		done
		sleep 0.01
	done
	return 1
}
start_command "$run_a sh -c 'echo ready >ready; exec cat >typed'"
root_terminal_type C-z
ok "^Z: the relay stops" relay_stopped
root_terminal_run "jobs -s >/root/jobs; ps -o stat= -u $a >/root/stat"
like "$(cat /root/jobs)" "*Stopped*$run_a*" "^Z: root's shell sees the job stopped and has its terminal back"
is "$(cut -c1 /root/stat | sort -u)" "T" "^Z: the chat's command (and its monitor) are stopped"
$ROOT_TMUX send-keys -t root -l "fg >/dev/null; echo rc=\$? >/root/rc; $ROOT_TMUX wait-for -S fg"
root_terminal_type Enter
root_terminal_type -l "after fg"
root_terminal_type Enter C-d
finished fg
is "$(cat /root/rc):$(cat "$home/typed")" "rc=0:after fg" "fg: the command continues, reads what is typed and ends normally"

# Signals sent to chatcell-admin run itself are passed on.
for sig in TERM HUP; do
	start_command "$run_a sh -c 'echo ready >ready; exec sleep 1000'; echo rc=\$? >/root/rc; $ROOT_TMUX wait-for -S sig$sig"
	pkill "-$sig" -U 0 -x chatcell-sessio
	finished "sig$sig"
	expected=$((128 + $(kill -l "$sig")))
	is "$(cat /root/rc)" "rc=$expected" "SIG$sig to chatcell-admin run reaches the command (status $expected)"
done

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
os.setpgid(child, child)
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
start_command "cd $home && $run_a /usr/bin/python3 fg.py"
group_leader=
until [ -n "$group_leader" ]; do group_leader=$(pgrep -u "$a" -f "cat fg-go"); done
echo go >"$home/fg-go"
until [ -s "$home/fg-dead" ]; do :; done # the chat's program saw its group leader end
ok "the chat's foreground group (host pid $group_leader) has ended" test ! -e "/proc/$group_leader"
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
	until [ $((0x$(awk '$1 == "ShdPnd:" { print $2 }' "/proc/$relay/status") & 0x8000002)) = 0 ]; do :; done
	ok "attack terminal/stale-foreground-group: a process of the host's that took the dead group's number survives the relay's SIGINT" \
		kill -0 "$victim"
	kill "$victim"
else
	skip "the host gave the dead group's number ($group_leader) to another process ($victim) first"
	kill "$victim"
fi
pkill -KILL -u "$a" -f "python3 fg.py"
root_terminal_run "true"

# shell: an interactive login shell on the chat's terminal.
ready_fifo
$ROOT_TMUX send-keys -t root -l "chatcell-admin shell pty-chat-a; echo rc=\$? >/root/rc; $ROOT_TMUX wait-for -S shell"
root_terminal_type Enter
root_terminal_type -l "/usr/bin/tty >tty-of-shell; stat -L -c %d:%i /dev/stdin >id-of-shell; echo ready >ready; exit 4"
root_terminal_type Enter
wait_ready
finished shell
is "$(cat /root/rc)" "rc=4" "shell: a login shell on the chat's terminal, its status passed through"
like "$(cat "$home/tty-of-shell")" "/dev/pts/*" "shell: its stdin is a terminal"
ok "shell: not root's terminal (by device and inode)" test "$(cat "$home/id-of-shell")" != "$(stat -L -c %d:%i "$ROOT_TTY")"

# Without a terminal on its descriptors (but with root's as controlling
# terminal), ^C still reaches the command, in its own session.
start_command "$run_a sh -c 'echo ready >ready; exec sleep 1000' </dev/null >/dev/null 2>&1; echo rc=\$? >/root/rc; $ROOT_TMUX wait-for -S plainint"
root_terminal_type C-c
finished plainint
is "$(cat /root/rc)" "rc=130" "without a terminal: ^C reaches the command (status 130)"
# And a signal sent to chatcell-admin run by a supervisor.
ready_fifo
chatcell-admin run pty-chat-a -- sh -c 'echo ready >ready; exec sleep 1000' </dev/null >/dev/null 2>&1 &
job=$!
wait_ready
# Without a terminal the session runs in chatcell-admin's own process
# (libchatcell-run.so); with one, in chatcell-session (above).
is "$(pgrep -U 0 -x chatcell-sessio | wc -l) $(pgrep -U 0 -x chatcell-admin | wc -l)" "0 1" \
	"without a terminal: the session is chatcell-admin's own process, no chatcell-session"
pkill -TERM -U 0 -x chatcell-admin
rc=0
wait "$job" || rc=$?
is "$rc" 143 "without a terminal: SIGTERM to chatcell-admin run reaches the command (status 143)"

root_terminal_stop
is "$(pgrep -u "$a" | wc -l)" 0 "no process of the chat is left"
done_testing
