#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Adversarial suite, kernel-surface plane: what a chat's session can still
# reach of the host once it is in its cell, through each login path (su,
# runuser -u, runuser -l, sshd, chatcell-admin run). Each attack ("attack
# surface/NAME") sits next to a control: the same probe run by a user who
# is not a chat (nobody), or by root, succeeds, so the check can fail.
# The configuration is chatcell's defaults plus two directories of the
# sandbox's /run: the probes (landlock_read) and the reports
# (landlock_write).
CC_TEST_LANDLOCK=no
. "$(dirname "$0")/../lib/common.sh"

helpers=/run/surface-helpers io=/run/surface-io
install -d -m 0755 "$helpers"
install -d -m 0777 "$io"
cp "$CC_HELPERS/surface_probe" "$helpers/"
probe=$helpers/surface_probe
write_config <<CONF
landlock_read = $helpers
landlock_write = $io
CONF
# Root's own open-file limit raised as far as it goes, inherited by every
# login below (sshd too): a program may raise its soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"
setup_logins
a=$(chat_user "surface-chat-a")
b=$(chat_user "surface-chat-b")
start_sshd 2222
authorize_key "$a"
authorize_key "$b"
login_run() { chatcell-admin run --user "$1" -- /bin/sh -c "$2"; }
as_nobody() { runuser -u nobody -- /bin/sh -c "$1"; }
paths="su runuser runuser_l sshd run"

# The host's world-readable and world-writable places a chat must not reach.
install -d -m 0755 /home/botop
echo "operator token" >/home/botop/token
chmod 0644 /home/botop/token
echo "a host log line" >/var/log/surface.log
chmod 0644 /var/log/surface.log /etc/chatcell/chatcell.conf
install -d -m 1777 /var/lib/surface-ww

declare -A target=(
	[operator-home]="read /home/botop/token"
	[var-log]="read /var/log/surface.log"
	[chatcell-conf]="read /etc/chatcell/chatcell.conf"
	[world-writable]="write /var/lib/surface-ww"
)
for name in operator-home var-log chatcell-conf world-writable; do
	run as_nobody "$probe ${target[$name]}"
	is "$out" "${target[$name]%% *} ok" "control: nobody can ${target[$name]}"
done
run as_nobody "$probe userns; $probe clone-userns; $probe io_uring; $probe persona"
is "$out" $'userns ok\nclone-userns ok\nio_uring ok\npersona ok' \
	"control: nobody creates user namespaces, sets up io_uring and turns off ASLR"
run as_nobody "$probe i386"
i386_is "$out" "i386 ok" "control: nobody makes a 32-bit system call (int 0x80)"
run "$probe" bpf
is "$out" "bpf EFAULT" "control: root's bpf() reaches the kernel (EFAULT for a program at address 0)"
run as_nobody "$probe perf; $probe userfaultfd; $probe persistent-keyring; $probe persistent-keyring-high; $probe fanotify"
is "$out" $'perf ok\nuserfaultfd ok\npersistent-keyring ok\npersistent-keyring-high ok\nfanotify ok' \
	"control: nobody opens a perf counter on itself, a user-mode userfaultfd, its persistent keyring (also with high bits in the option) and a fanotify group"
run as_nobody "$probe request-key; $probe tiocsetd"
is "$out" $'request-key ENOKEY\ntiocsetd ok' \
	"control: nobody's request_key reaches the kernel (no such key), and it sets N_TTY on a pty of its own"
run as_nobody "$probe vsock"
vsock_control=$out
if [ "$vsock_control" = "vsock ok ok" ]; then
	is "$vsock_control" "vsock ok ok" "control: nobody opens a vsock socket (also with high bits in the family)"
else
	skip "control: nobody opens a vsock socket" "this kernel has no vsock transport ($vsock_control): the attack below cannot fail here"
fi

for path in $paths; do
	login=login_$path
	for name in operator-home var-log chatcell-conf world-writable; do
		run "$login" "$a" "$probe ${target[$name]}"
		is "$out" "${target[$name]%% *} EACCES" "attack surface/$name via $path: refused by Landlock (EACCES)"
	done
	run "$login" "$a" "$probe userns; $probe clone-userns"
	is "$out" $'userns EPERM\nclone-userns EPERM' "attack surface/userns via $path: unshare and clone refused (EPERM)"
	run "$login" "$a" "$probe io_uring"
	is "$out" "io_uring EPERM" "attack surface/io_uring via $path: io_uring_setup refused (EPERM)"
	run "$login" "$a" "$probe i386"
	i386_is "$out" "i386 EPERM" "attack surface/i386-abi via $path: a 32-bit system call is refused (EPERM)"
	run "$login" "$a" "$probe bpf; $probe persona"
	is "$out" $'bpf EPERM\npersona EPERM' "attack surface/bpf-persona via $path: bpf() and ADDR_NO_RANDOMIZE refused"
	run "$login" "$a" "$probe perf; $probe userfaultfd; $probe persistent-keyring; $probe persistent-keyring-high; $probe fanotify"
	is "$out" $'perf EPERM\nuserfaultfd EPERM\npersistent-keyring EPERM\npersistent-keyring-high EPERM\nfanotify EPERM' \
		"attack surface/perf-userfaultfd-keyring-fanotify via $path: perf_event_open, userfaultfd, KEYCTL_GET_PERSISTENT (high bits or not) and fanotify_init refused"
	run "$login" "$a" "$probe request-key; $probe tiocsetd"
	is "$out" $'request-key EPERM\ntiocsetd EPERM' \
		"attack surface/request-key-tiocsetd via $path: request_key (a helper the kernel runs as root on the host) and TIOCSETD (a line discipline module loaded on demand) refused"
	run "$login" "$a" "$probe vsock"
	if [ "$vsock_control" = "vsock ok ok" ]; then
		is "$out" "vsock EAFNOSUPPORT EAFNOSUPPORT" \
			"attack surface/vsock via $path: no vsock socket (it is in no network namespace: the hypervisor, VMs and one port space for all cells), high bits in the family or not"
	else
		skip "attack surface/vsock via $path" "this kernel has no vsock transport"
	fi
	run "$login" "$a" "$probe write /home/chatcell/$a; $probe write /tmp; $probe write /var/tmp; $probe write /dev/shm; $probe read /etc/passwd"
	is "$out" $'write ok\nwrite ok\nwrite ok\nwrite ok\nread ok' "$path: the chat writes its home and cell scratch, reads /etc/passwd"
done

# RLIMIT_NOFILE: root's raised limit is not the chat's.
if [ "$(ulimit -Hn)" -ge 2048 ]; then
	run runuser -u nobody -- "$probe" open-files 2000
	is "$out" "open-files ok 2000" "control: nobody under runuser -u inherits root's hard limit of $(ulimit -Hn) open files and opens 2000"
else
	skip "control: nobody inherits root's open-file limit" "root's own hard limit here is $(ulimit -Hn), below the 2000 files the check opens"
fi
for path in $paths; do
	run "login_$path" "$a" "$probe nofile; $probe open-files 2000"
	like "$out" $'nofile 1024:1024\nopen-files EMFILE after *' "attack surface/nofile via $path: 1024 open files at most (open_files_max)"
done

# Abstract unix sockets: a listener answers each connection with a secret.
# It replaces the shell that runs it (exec), so that $! names it, and holds
# no descriptor of the caller's: a test's command substitution ends.
listen_abstract() { # NAME SECRET READY
	exec </dev/null >/dev/null 2>&1
	exec /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind("\0" + sys.argv[1]); s.listen(4)
open(sys.argv[3], "w").write("ready\n")
while True:
    c, _ = s.accept(); c.sendall(sys.argv[2].encode()); c.close()' "$@"
}
connect_abstract='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0" + sys.argv[1]); print(s.recv(100).decode())
except OSError as e:
    import errno; print(errno.errorcode[e.errno])'
mkfifo -m 666 "$io/b-ready" /run/root-ready
login_runuser "$b" "$(declare -f listen_abstract); listen_abstract surface-b b-secret $io/b-ready" &
b_job=$!
read -r _ <"$io/b-ready"
listen_abstract surface-root root-secret /run/root-ready &
root_job=$!
read -r _ </run/root-ready
run nsenter --net="/proc/$(keeper_of surface-chat-b)/ns/net" python3 -c "$connect_abstract" surface-b
is "$out" "b-secret" "control: root inside B's cell's network namespace connects to B's abstract socket"
run as_nobody "python3 -c '$connect_abstract' surface-root"
is "$out" "root-secret" "control: nobody connects to a root service's abstract socket"
for path in su runuser sshd run; do
	run "login_$path" "$a" "python3 -c '$connect_abstract' surface-b; python3 -c '$connect_abstract' surface-root"
	# Abstract names belong to a network namespace: each cell has its own.
	is "$out" $'ECONNREFUSED\nECONNREFUSED' "attack surface/abstract-connect via $path: neither B's nor a root service's abstract socket exists in A's cell"
done
# A squats a name B would connect to: B's data never reaches A.
mkfifo -m 666 "$io/a-ready"
login_su "$a" "$(declare -f listen_abstract); listen_abstract surface-squat a-got-you $io/a-ready" &
a_job=$!
read -r _ <"$io/a-ready"
run login_runuser "$b" "python3 -c '$connect_abstract' surface-squat"
is "$out" "ECONNREFUSED" "attack surface/abstract-squat: B's connect to the name A squats finds nothing (A's name is in A's cell)"
run python3 -c "$connect_abstract" surface-squat
is "$out" "ECONNREFUSED" "attack surface/abstract-squat-root: a root service's connect to the name A squats finds nothing either"
run nsenter --net="/proc/$(keeper_of surface-chat-a)/ns/net" python3 -c "$connect_abstract" surface-squat
is "$out" "a-got-you" "control: inside A's cell the squatted name answers (the listener is real)"
kill "$a_job" "$b_job" "$root_job" 2>/dev/null
# The chats' listeners live on in their cells.
pkill -u "$a" -f surface-squat
pkill -u "$b" -f surface-b
# ssh-agent style: an abstract socket inside one session works.
mkfifo -m 666 "$io/own"
run login_su "$a" "$(declare -f listen_abstract); listen_abstract own-agent agent-ok $io/own & read -r _ <$io/own; python3 -c '$connect_abstract' own-agent; kill \$!"
is "$out" "agent-ok" "a chat's own abstract socket works inside its session"

# Still a shell user: bash, python3, git, a compiler, pip install --user.
run login_su "$a" 'cd && git init -q repo && cd repo && git -c user.name=a -c user.email=a@x commit -q --allow-empty -m one && git log --format=%s'
is "$out" "one" "git: init and commit in the home"
run login_su "$a" 'cd && printf "int main(void){return 42;}\n" >t.c && cc -o t t.c && ./t; echo $?'
is "$out" "42" "cc: compile in the home and run the program"
run login_su "$a" 'cd && mkdir -p w/demo_pkg w/demo_pkg-1.0.dist-info && echo "X = 7" >w/demo_pkg/__init__.py &&
	printf "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n" >w/demo_pkg-1.0.dist-info/METADATA &&
	printf "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n" >w/demo_pkg-1.0.dist-info/WHEEL &&
	printf "demo_pkg/__init__.py,,\ndemo_pkg-1.0.dist-info/METADATA,,\ndemo_pkg-1.0.dist-info/WHEEL,,\ndemo_pkg-1.0.dist-info/RECORD,,\n" >w/demo_pkg-1.0.dist-info/RECORD &&
	(cd w && python3 -m zipfile -c ../demo_pkg-1.0-py3-none-any.whl demo_pkg demo_pkg-1.0.dist-info) &&
	python3 -m pip install -q --user --no-index --break-system-packages ./demo_pkg-1.0-py3-none-any.whl 2>&1 | grep -v "^$" ; python3 -c "import demo_pkg; print(demo_pkg.X)"'
is "$out" "7" "pip install --user: a wheel installs into the home and imports"
run login_sshd "$a" 'tmux new-session -d -s s && tmux list-sessions -F "#{session_name}" && tmux kill-server'
is "$out" "s" "tmux: a server in the cell's /tmp"

is "$(grep -c 'refusing a session' "$SYSLOG")" 0 "no session was refused along the way"

# Logout: su, runuser and sshd close the session in the very process that
# opened it, under its seccomp filter and Landlock. Their close_session
# runs (pam_unix says so), the logout is noted in the cell's record (its
# logout field, zeroed here before each login), and the exit status of
# the chat's shell comes back.
record=/run/chatcell/cells/$(id -u "$a")
logout_field() { dd if="$record" bs=1 skip=42 count=20 2>/dev/null; }
declare -A service=([su]=su [runuser]=runuser [runuser_l]=runuser-l [sshd]=sshd)
for path in su runuser runuser_l sshd; do
	printf '%020d' 0 | dd of="$record" bs=1 seek=42 conv=notrunc 2>/dev/null
	: >"$SYSLOG"
	run "login_$path" "$a" "exit 3"
	# sshd closes the session after its client has gone: wait for the
	# listener's children (the connection's processes) to end.
	if [ "$path" = sshd ]; then
		for p in $(pgrep -P "$SSHD_PID"); do wait_gone "$p" 20; done
	fi
	is "$rc" 3 "logout via $path: the exit status of the chat's shell comes back"
	unlike "$(logout_field)" "00000000000000000000" "logout via $path: the logout is noted in the cell's record"
	run grep -c "pam_unix(${service[$path]}:session): session closed for user $a" "$SYSLOG"
	is "$out" 1 "logout via $path: pam_unix's close_session ran in the login's process"
done
is "$(chatcell-admin --json show surface-chat-a | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["last_logout_at"] is not None)')" True \
	"show: the last logout, from the cell's record"
done_testing
