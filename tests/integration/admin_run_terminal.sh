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
