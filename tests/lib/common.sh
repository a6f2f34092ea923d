# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by every integration test: enter the sandbox (tests/lib/sandbox.sh)
# with the staged install, then offer helpers for chatcell's setup.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

: "${CC_BUILDDIR:?run through make check}"
# Canonical paths: tests prune and compare them (a VPATH build gives build/..).
CC_SRCDIR=$(cd "${CC_SRCDIR:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd -P)
CC_HELPERS=$CC_BUILDDIR/helpers

if [ "${CC_SANDBOX_INNER:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "integration tests need root (they run in private namespaces)"
	[ "${CC_SYSTEM_LAYOUT:-}" = yes ] ||
		skip_all "integration tests need a system-layout build (./configure --prefix=/usr, the default); this build installs elsewhere (make distcheck?)"
	[ -d "$CC_BUILDDIR/stage/usr" ] || skip_all "no staged install in $CC_BUILDDIR/stage"
	unshare --mount --pid --net --fork true 2>/dev/null ||
		skip_all "this kernel or container does not allow mount/pid/net namespaces"
	exec "$CC_SRCDIR/tests/lib/sandbox.sh" "$CC_BUILDDIR/stage" bash "$0" "$@"
fi

# Under --enable-sanitizers chatcell's programs carry ASan and UBSan and the
# installed modules UBSan (see configure.ac); reports go to a directory the
# suite checks at the end. The NSS checker loads the ASan-built module copy.
if [ "${CC_SANITIZERS:-}" = yes ]; then
	reports=${CC_SANITIZER_REPORTS:-/tmp}
	export ASAN_OPTIONS="log_path=$reports/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
	export CC_NSS_MODULE=$CC_TOP_BUILDDIR/nss_chatcell/.libs/libnss_chatcell_checked.so
fi

# A login session gets its own /tmp, so helpers run inside sessions must not
# live under the host's /tmp (where CI clones): copy them to the sandbox /run.
if [[ $CC_HELPERS == /tmp/* ]]; then
	mkdir -p /run/chatcell-test-helpers
	find "$CC_HELPERS" -maxdepth 1 -type f -perm -u+x -exec cp -t /run/chatcell-test-helpers {} +
	CC_HELPERS=/run/chatcell-test-helpers
fi

# The host tier runs with per-chat limits off: this machine kind keeps the
# memory, pids and cpu controllers on cgroup v1, and the host's cgroups are
# not ours to change. cgroup v2 limits are proven in the VM tier.
if [ "${CC_VM_TIER:-}" != 1 ]; then
	printf 'cgroup_backend = off\n' >>/etc/chatcell/chatcell.conf
	diag "host tier: cgroup_backend = off (per-chat limits are tested in the VM tier: make check-vm)"
fi

# Disk budgets need user quotas, which the sandbox's overlay and tmpfs
# trees do not have (nor this machine kind's kernel: no quota_v2): tests
# run with disk_quota = off, except those of disk budgets themselves
# (integration/disk_quota.sh, the VM tier's disk.sh: loop-mounted ext4).
TEST_DISK_QUOTA="disk_quota = off"
printf '%s\n' "$TEST_DISK_QUOTA" >>/etc/chatcell/chatcell.conf

# Sessions run under Landlock: the tests' own programs (the build and source
# trees; not under /tmp, which a session has of its own: the helpers are
# copied to /run above) may be run, and the sandbox's private /run, where
# tests and sessions meet through fifos and report files, written. Tests of
# Landlock itself (adversarial/surface.sh) write a configuration without
# these.
TEST_LANDLOCK="landlock_write = /run"
trees=
for tree in "$CC_TOP_BUILDDIR" "$CC_SRCDIR"; do
	[[ $tree == /tmp/* ]] || trees+=${trees:+:}$tree
done
[ -z "$trees" ] || TEST_LANDLOCK+=$'\n'"landlock_read = $trees"
printf '%s\n' "$TEST_LANDLOCK" >>/etc/chatcell/chatcell.conf

# ia32_missing: succeeds, with NO_IA32 saying why, when this kernel runs no
# 32-bit code (some hypervisors' kernels turn IA-32 emulation off: int 0x80
# then faults), so no 32-bit attack can be tried here at all.
ia32_missing() {
	NO_IA32=
	[ "$("$CC_HELPERS/surface_probe" i386)" = "i386 no-ia32" ] || return 1
	NO_IA32="this kernel runs no 32-bit code (int 0x80 faults: IA-32 emulation is off), so there is no 32-bit way in to refuse; the VM tier tries it on Debian's kernel"
}

# i386_is ACTUAL EXPECTED DESCRIPTION: a check of the 32-bit ABI, skipped
# with the reason where the kernel runs no 32-bit code.
i386_is() {
	if ia32_missing; then skip "$3" "$NO_IA32"; else is "$@"; fi
}

# Debian's python3, whatever else PATH holds (pyenv shims do not work here).
python3() { /usr/bin/python3 "$@"; }

CHAT_HOME_BASE=/home/chatcell
CHAT_STATE=/var/lib/chatcell

# Point passwd and group at files + chatcell, as the README tells admins.
use_chatcell_nss() {
	sed -i -E 's/^(passwd|group):.*/\1: files chatcell/' /etc/nsswitch.conf
}

# Write /etc/chatcell/chatcell.conf from stdin, root-owned 0644.
write_config() {
	mkdir -p /etc/chatcell
	cat >/etc/chatcell/chatcell.conf
	[ "${CC_VM_TIER:-}" = 1 ] || printf 'cgroup_backend = off\n' >>/etc/chatcell/chatcell.conf
	[ "${CC_TEST_LANDLOCK:-yes}" = no ] || printf '%s\n' "$TEST_LANDLOCK" >>/etc/chatcell/chatcell.conf
	[ "${CC_TEST_DISK_QUOTA:-off}" != off ] || printf '%s\n' "$TEST_DISK_QUOTA" >>/etc/chatcell/chatcell.conf
	chmod 0644 /etc/chatcell/chatcell.conf
}

# The user name of a chat (creating it).
chat_user() {
	chatcell-admin ensure "$1" | cut -d' ' -f1
}

# Run a command as a chat user: its UID, its group, nothing else.
as_chat() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups --reset-env -- \
		env ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS"} "$@"
}

# Start sshd on 127.0.0.1:$1 with a test configuration and host key; returns
# once it listens (waiting on its log with inotify, not a sleep). Sets
# SSHD_PID and SSH_KEY (a client key to authorize).
start_sshd() {
	local port=$1 dir=/tmp/sshd-test
	mkdir -p "$dir" /run/sshd
	chmod 755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
	cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
PermitRootLogin no
CONF
	: >"$dir/sshd.log"
	/usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>>"$dir/sshd.log" &
	SSHD_PID=$!
	SSH_KEY=$dir/client_key
	timeout 20 tail -n +1 -f "$dir/sshd.log" | grep -q -m1 "Server listening on 127.0.0.1 port $port"
}

# Let a chat log in with SSH_KEY.
authorize_key() { # USER
	local home
	home=$(getent passwd "$1" | cut -d: -f6)
	install -d -m 700 -o "$1" -g "$1" "$home/.ssh"
	install -m 600 -o "$1" -g "$1" "$SSH_KEY.pub" "$home/.ssh/authorized_keys"
}

ssh_as() { # USER PORT COMMAND...
	local user=$1 port=$2
	shift 2
	ssh -q -i "$SSH_KEY" -p "$port" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$user@127.0.0.1" "$@"
}

# start_ready COMMAND...: start a server in the background and return once
# it has printed its first line ("ready"): a blocking read, not a sleep.
# Its PID is in READY_PID.
start_ready() {
	local fifo
	fifo=$(mktemp -u /run/ready.XXXXXX)
	mkfifo "$fifo"
	"$@" >"$fifo" &
	READY_PID=$!
	read -r _ <"$fifo"
	rm -f "$fifo"
}

# Collect syslog (pam_syslog and friends) in $SYSLOG, inside the sandbox.
SYSLOG=/run/sandbox-syslog
start_syslog() {
	: >"$SYSLOG"
	start_ready /usr/bin/python3 "$CC_SRCDIR/tests/lib/syslog_catcher.py" /run/sandbox-log.sock "$SYSLOG"
}

# syslog_flushed: every line sent to the system log before this call is in
# $SYSLOG when it returns. The catcher writes datagrams in the order they
# came, so a marker sent now comes out after them; fails after 10 s.
syslog_flushed() {
	/usr/bin/python3 - "$SYSLOG" <<'PY'
import os, socket, sys, time
marker = "syslog-flushed-%d" % os.getpid()
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.sendto(("<14>" + marker).encode(), "/dev/log")
deadline = time.monotonic() + 10
while True:
    with open(sys.argv[1]) as log:
        if any(marker in line for line in log):
            break
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.001)
PY
}

# start_uplink ADDRESS...: the sandbox's stand-in for the host's uplink, a
# veth link upl0 (peer upl1; this kernel has no dummy links) with each
# ADDRESS, IPv4 as /24 (10.99.0.0/24 by convention) and IPv6 as /64 (fd00::/64)
# without duplicate address detection, so they are usable at once. Tests put
# their listeners there (start_listeners) for cells to reach through the
# host's routing, never anything outside the sandbox.
start_uplink() {
	local addr
	ip link add upl0 type veth peer name upl1
	ip link set upl1 up
	ip link set upl0 up
	for addr in "$@"; do
		case "$addr" in
		*:*) ip -6 addr add "$addr/64" dev upl0 nodad ;;
		*) ip addr add "$addr/24" dev upl0 ;;
		esac
	done
}

# Loopback listeners (tests/lib/listener.py ADDRESS:PORT/PROTO...).
start_listeners() {
	start_ready /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" "$@"
	LISTENER_PID=$READY_PID
}

# Configure PAM as README.md tells administrators: pam-auth-update with
# chatcell's profile (common-account, common-session and
# common-session-noninteractive) and the two lines Debian's runuser stack
# needs (runuser-l includes it).
enable_pam_chatcell() {
	DEBIAN_FRONTEND=noninteractive pam-auth-update --package --enable chatcell
	printf 'account\trequired\tpam_chatcell.so\nsession\trequired\tpam_chatcell.so\n' >>/etc/pam.d/runuser
}

# The usual start of a login test: the system log, chatcell's NSS, init,
# and pam_chatcell in the stacks.
setup_logins() {
	start_syslog
	use_chatcell_nss
	chatcell-admin init >/dev/null 2>&1
	enable_pam_chatcell >/dev/null
}

# host_pid USER PID: the PID, here, of the process of USER that is PID in
# its cell (a session's $$ or $! are numbers of the cell's PID namespace).
host_pid() {
	local p inner
	for p in $(pgrep -u "$1"); do
		inner=$(awk '/^NSpid:/ { print $NF }' "/proc/$p/status" 2>/dev/null)
		if [ "$inner" = "$2" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# keeper_of CHAT_ID: the PID of the chat's keeper (None: no cell runs).
keeper_of() {
	chatcell-admin --json show "$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["cell"]["keeper_pid"])'
}

# spin_until SECONDS COMMAND...: run COMMAND again and again until it
# succeeds, for at most SECONDS (a busy wait for a state no event
# announces; bounded, so a test whose program failed fails instead of
# hanging the suite).
spin_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
	done
}

# wait_gone PID [SECONDS]: wait until the process ends (at most SECONDS,
# default 30, through a pidfd: no polling); fails if it did not.
wait_gone() {
	/usr/bin/python3 -c 'import os, select, sys
try:
    fd = os.pidfd_open(int(sys.argv[1]))
except ProcessLookupError:
    sys.exit(0)
poll = select.poll()
poll.register(fd, select.POLLIN)
sys.exit(0 if poll.poll(int(sys.argv[2]) * 1000) else 1)' "$1" "${2:-30}"
}

# Python put before a chat's program that holds flows open across a change
# by root: talk(socket, bytes) is "ok" when the echo comes back (listener.py
# tcpecho, udp), else the errno's name.
talk_py='import errno, socket
def talk(s, m):
    try:
        s.sendall(m)
        s.settimeout(5)
        return "ok" if s.recv(64) == m else "wrong"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))
'

# Login paths: run a shell command as a chat through the real programs.
login_su() { su "$1" -c "$2"; }
login_runuser() { runuser -u "$1" -- /bin/bash -c "$2"; }
login_runuser_l() { runuser -l "$1" -c "$2"; }
login_sshd() { ssh_as "$1" "${SSH_PORT:-2222}" "$2"; }

# Root's own interactive shell on a real terminal: bash in a tmux pane of
# exactly 100x30 (no status line), for tests of what reaches it.
ROOT_TMUX="tmux -S /run/root-terminal.sock"
root_terminal_start() {
	$ROOT_TMUX -f /dev/null new-session -d -s root -x 100 -y 30 \
		"env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=xterm HISTFILE= PS1='root# ' bash --norc --noprofile -i"
	$ROOT_TMUX set-option -g status off
	ROOT_TTY=$($ROOT_TMUX display-message -p -t root '#{pane_tty}')
	_root_terminal_steps=0
	root_terminal_run "stty -echo" # keep typed commands off the screen
}

# root_terminal_run COMMAND: type COMMAND into root's shell and return once
# the shell has run it and read everything typed before (a tmux channel
# signalled by the shell itself, at most 30 s).
root_terminal_run() {
	_root_terminal_steps=$((_root_terminal_steps + 1))
	local channel=step$_root_terminal_steps
	$ROOT_TMUX send-keys -t root -l "$1; $ROOT_TMUX wait-for -S $channel"
	$ROOT_TMUX send-keys -t root Enter
	timeout 30 $ROOT_TMUX wait-for "$channel"
}

# root_terminal_type KEYS...: keys as tmux names them (C-c, Enter, text).
root_terminal_type() { $ROOT_TMUX send-keys -t root "$@"; }

# What root's terminal shows, history included, trailing blank lines cut.
root_terminal_screen() { $ROOT_TMUX capture-pane -p -J -S - -t root | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

root_terminal_stop() { $ROOT_TMUX kill-server 2>/dev/null || true; }
