#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The chatcell demo, run by scripts/demo inside tests/lib/sandbox.sh: a
# throwaway system (private mount, PID and network namespaces; overlays on
# /etc, /usr, /var and /home) where chatcell is installed for real. It
# provisions two chats and shows, line by line, what chat A may and may not
# do. Every line is checked: an unexpected outcome makes the demo fail.
set -uo pipefail

unexpected=0
say() { printf '%s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }

# expect allowed|denied DESCRIPTION COMMAND...
expect() {
	local want=$1 desc=$2 out rc
	shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	local got=allowed
	[ "$rc" -eq 0 ] || got=denied
	local detail=${out##*$'\n'}
	[ "$got" = denied ] && detail=${detail##*: }
	if [ "$got" = "$want" ]; then
		printf '  [%-7s] %-58s %s\n' "$got" "$desc" "${detail:0:60}"
	else
		printf '  [%-7s] %-58s UNEXPECTED (wanted %s): %s\n' "$got" "$desc" "$want" "$detail"
		unexpected=$((unexpected + 1))
	fi
}

# loop_mount_image IMG SIZE DIR: a fresh ext4 with user quotas on a loop
# device (its node made in this sandbox's /dev), mounted on DIR; the device
# goes away with the mount. On failure loop_why says why.
loop_mount_image() {
	local img=$1 size=$2 dir=$3 dev
	loop_why="no loop devices here"
	[ -c /dev/loop-control ] && truncate -s "$size" "$img" && mkfs.ext4 -q -O quota -E quotatype=usrquota "$img" &&
		dev=$(losetup -f) || return 1
	[ -e "$dev" ] || mknod "$dev" b 7 "${dev#/dev/loop}"
	losetup "$dev" "$img" || return 1
	mkdir -p "$dir"
	if ! mount -o usrquota "$dev" "$dir" 2>/dev/null; then
		losetup -d "$dev"
		loop_why="this kernel cannot mount ext4 with user quotas (it lacks quota_v2)"
		return 1
	fi
	losetup -d "$dev" # detached once unmounted
	loop_dev=$dev
}

as_chat() { # USER COMMAND...
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups --reset-env -- "$@"
}

section "setup (inside the sandbox; the host's /etc, users and firewall are untouched)"
sed -i -E 's/^(passwd|group):.*/\1: files chatcell/' /etc/nsswitch.conf
say "  /etc/nsswitch.conf: $(grep -E '^passwd:' /etc/nsswitch.conf)"
# This machine kind keeps memory, pids and cpu on cgroup v1 (and the host's
# cgroups are not the demo's to change), so limits are explicitly off here;
# the VM tier (make -C build check-vm) proves them on cgroup v2.
printf 'cgroup_backend = off\n' >>/etc/chatcell/chatcell.conf
say "  /etc/chatcell/chatcell.conf: cgroup_backend = off (limits are shown working in the VM tier: make -C build check-vm)"
# Disk budgets are user quotas: the homes and the state directory go on an
# ext4 of their own with quotas on (a loop device), where the kernel can.
disk_budget=no
if loop_mount_image /run/demo-disk.img 256M /mnt/chatdisk; then
	mkdir -p /home/chatcell
	mkdir -p /mnt/chatdisk/state /mnt/chatdisk/homes
	cp -a /var/lib/chatcell/. /mnt/chatdisk/state/
	mount --bind /mnt/chatdisk/state /var/lib/chatcell
	mount --bind /mnt/chatdisk/homes /home/chatcell
	disk_budget=yes
	say "  homes and /var/lib/chatcell: a 256M ext4 with user quotas ($loop_dev)"
else
	printf 'disk_quota = off\n' >>/etc/chatcell/chatcell.conf
	say "  /etc/chatcell/chatcell.conf: disk_quota = off: $loop_why (disk budgets are shown working in the VM tier)"
fi
chatcell-admin init | sed 's/^/  /'
DEBIAN_FRONTEND=noninteractive pam-auth-update --package --enable chatcell
printf 'account\trequired\tpam_chatcell.so\nsession\trequired\tpam_chatcell.so\n' >>/etc/pam.d/runuser
say "  PAM: pam-auth-update placed pam_chatcell in common-account and common-session;"
say "       runuser got its two lines (see README, Install)"

section "provisioning two chats (chat IDs given on stdin, so they never show in ps)"
chat_a_id="telegram:+49-170-5550101"
chat_b_id="whatsapp:team-42"
a=$(printf '%s' "$chat_a_id" | chatcell-admin ensure --stdin | cut -d' ' -f1)
b=$(printf '%s' "$chat_b_id" | chatcell-admin ensure --stdin | cut -d' ' -f1)
say "  chat A \"$chat_a_id\" -> $(getent passwd "$a")"
say "  chat B \"$chat_b_id\" -> $(getent passwd "$b")"
say "  $(id "$a")"
as_chat "$b" sh -c 'echo "B private notes" >"$HOME/diary"; chmod 644 "$HOME/diary"'
say "  chat B wrote $(getent passwd "$b" | cut -d: -f6)/diary (even mode 0644)"

section "what chat A ($a) can do"
expect allowed "A writes a file in its own home" as_chat "$a" sh -c 'echo hi >"$HOME/note" && cat "$HOME/note"'
expect denied "A reads B's diary by its full path" as_chat "$a" cat "/home/chatcell/$b/diary"
expect denied "A lists B's home" as_chat "$a" ls "/home/chatcell/$b"
expect denied "A lists the home base to find other chats" as_chat "$a" ls /home/chatcell
expect denied "A reads the registry (chat IDs live only there)" as_chat "$a" cat /var/lib/chatcell/registry.db
expect denied "A reads the host key behind the names" as_chat "$a" cat /var/lib/chatcell/hmac.key
printf '%s\n%s\n' "$chat_a_id" "$chat_b_id" >/run/ids
chmod 644 /run/ids
find_ids() { # (the demo's own source, which names the IDs, is left out)
	as_chat "$a" find /etc /var /home /tmp /root /srv /opt -path "${CC_SRCDIR:-/nonexistent}" -prune \
		-o -type f -print0 2>/dev/null | as_chat "$a" xargs -0 grep -lsF -f /run/ids
}
expect denied "A finds any chat ID in files it can read" find_ids
expect denied "A signals B's process" bash -c "
	setpriv --reuid=$b --regid=$b --init-groups sleep 300 & victim=\$!
	setpriv --reuid=$a --regid=$a --init-groups kill \$victim; rc=\$?
	kill \$victim; exit \$rc"

section "what chat A can do in its login sessions (chatcell-admin run: the real PAM stack)"
run_as() { chatcell-admin run "$1" -- /bin/sh -c "$2"; }
expect allowed "A writes /tmp/a-note in one session" run_as "$chat_a_id" 'echo "A was here" >/tmp/a-note'
expect allowed "A reads /tmp/a-note in a later session" run_as "$chat_a_id" 'cat /tmp/a-note'
expect denied "B finds A's /tmp/a-note (B has its own /tmp)" run_as "$chat_b_id" 'cat /tmp/a-note'
echo "root's /tmp" >/tmp/root-note
expect denied "A reads root's /tmp/root-note" run_as "$chat_a_id" 'cat /tmp/root-note'
mkfifo -m 666 /run/demo-b-pid
chatcell-admin run "$chat_b_id" -- /bin/sh -c '/usr/bin/ipcmk -M 4096 -p 0666 >/dev/null; echo $$; exec sleep 300' >/run/demo-b-pid &
b_session=$!
read -r b_cell_pid </run/demo-b-pid
b_pid=$(for p in $(pgrep -u "$b" -x sleep); do awk -v want="$b_cell_pid" '/^NSpid:/ && $NF == want { print p }' p="$p" "/proc/$p/status"; done)
say "  chat B runs a process (pid $b_pid on the host, $b_cell_pid in B's cell) and made a shared memory segment"
expect denied "A sees B's processes in ps" run_as "$chat_a_id" "ps -eo user:32= | grep -qx $b"
expect denied "A finds B's process by its PID (kill(pid, 0))" run_as "$chat_a_id" "/usr/bin/python3 -c '
import errno, os
try:
    os.kill($b_pid, 0); print(\"found\")
except OSError as e:
    print(errno.errorcode[e.errno]); raise SystemExit(1)'"
expect allowed "root finds it (the control)" kill -0 "$b_pid"
expect denied "A lists B's shared memory segment (ipcs)" run_as "$chat_a_id" "/usr/bin/ipcs -m | grep -q ' 666 '"
expect allowed "B's own second session lists it (one cell per chat)" run_as "$chat_b_id" "/usr/bin/ipcs -m | grep -q ' 666 ' && echo listed"
printf 'a login record\n' >>/var/log/wtmp # (the sandbox's copy)
expect allowed "root reads the host's login records in /var/log/wtmp (the control)" test -s /var/log/wtmp
expect denied "A reads them (its cell has none)" run_as "$chat_a_id" 'test -s /var/log/wtmp && echo readable'
expect allowed "A sees its own processes" run_as "$chat_a_id" 'ps -eo user:20=,comm= | sort -u | head -3'
expect allowed "A's PATH is the shims directory only" run_as "$chat_a_id" 'echo "$PATH"'
expect allowed "A runs with no_new_privs: setuid programs give no root" run_as "$chat_a_id" 'grep NoNewPrivs /proc/self/status'
kill "$b_pid" 2>/dev/null
wait "$b_session" 2>/dev/null
say "  $(chatcell-admin show "$chat_a_id" | grep '^cell')"

section "what chat A's sessions reach of the host's files and kernel (Landlock + seccomp)"
say "  $(chatcell-admin show "$chat_a_id" | grep '^landlock')"
install -d -m 0755 /home/botop
echo "operator's API token" >/home/botop/token
chmod 0644 /home/botop/token
echo "a host log line" >/var/log/demo.log
chmod 0644 /var/log/demo.log
expect allowed "a user who is not a chat reads the bot operator's 0644 token (the control)" runuser -u nobody -- cat /home/botop/token
expect denied "A reads it" run_as "$chat_a_id" 'cat /home/botop/token'
expect allowed "a user who is not a chat reads /var/log/demo.log (the control)" runuser -u nobody -- cat /var/log/demo.log
expect denied "A reads it" run_as "$chat_a_id" 'cat /var/log/demo.log'
expect denied "A reads /etc/chatcell/chatcell.conf" run_as "$chat_a_id" 'cat /etc/chatcell/chatcell.conf'
install -d -m 1777 /var/lib/demo-shared
expect allowed "a user who is not a chat writes a world-writable /var/lib/demo-shared (the control)" runuser -u nobody -- touch /var/lib/demo-shared/nobody
expect denied "A writes there" run_as "$chat_a_id" 'touch /var/lib/demo-shared/a'
expect allowed "a user who is not a chat creates a user namespace (the control)" runuser -u nobody -- /usr/bin/unshare -U true
expect denied "A creates a user namespace (unshare -U)" run_as "$chat_a_id" '/usr/bin/unshare -U true'
io_uring='import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.syscall(425, 1, ctypes.create_string_buffer(120))
if fd < 0:
    print(errno.errorcode[ctypes.get_errno()]); sys.exit(1)
print("io_uring ready")'
expect allowed "a user who is not a chat sets up io_uring (the control)" runuser -u nobody -- /usr/bin/python3 -c "$io_uring"
expect denied "A sets up io_uring (it would bypass the filter)" run_as "$chat_a_id" "/usr/bin/python3 -c '$io_uring'"
vsock='import errno, socket, sys
try:
    socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM).close()
except OSError as e:
    print(errno.errorcode[e.errno]); sys.exit(1)
print("vsock socket made")'
if runuser -u nobody -- /usr/bin/python3 -c "$vsock" >/dev/null 2>&1; then
	expect allowed "a user who is not a chat opens a vsock socket (the control)" runuser -u nobody -- /usr/bin/python3 -c "$vsock"
	expect denied "A opens one (vsock is in no network namespace)" run_as "$chat_a_id" "/usr/bin/python3 -c '$vsock'"
else
	say "  (vsock: this kernel offers no vsock transport, so there is nothing to refuse here)"
fi
expect allowed "A's session has its own open-file limit, whatever root's was" run_as "$chat_a_id" 'echo "open files: $(ulimit -n)"'
# The host's D-Bus system bus (a real dbus-daemon here), which anyone may
# connect to: every user's logins, names resolved past the DNS gate.
mkdir -p /run/dbus
mkfifo /run/demo-dbus
dbus-daemon --system --nofork --print-address >/run/demo-dbus 2>/dev/null &
dbus_pid=$!
read -r _ </run/demo-dbus
get_bus_id='/usr/bin/dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId'
expect allowed "a user who is not a chat calls the D-Bus system bus (the control)" runuser -u nobody -- $get_bus_id
expect denied "A calls it (its cell hides the host's bus, nscd, avahi, resolved)" run_as "$chat_a_id" "$get_bus_id"
kill "$dbus_pid"

section "what chat A can do to the terminal of the root who starts it (a real pty)"
# The probe pushes a byte into its stdout's terminal (TIOCSTI), as a
# prompt-injected command would, to type a command into root's shell.
tiocsti='import errno, fcntl, sys, termios
try:
    fcntl.ioctl(1, termios.TIOCSTI, b"#")
    print("typed")
except OSError as e:
    print(errno.errorcode[e.errno]); sys.exit(1)'
on_root_terminal() { # COMMAND: run by sh on a new pty, as from root's terminal
	/usr/bin/python3 -c 'import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", sys.argv[1]])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))' "$1"
}
expect allowed "root's own command types into root's terminal (the control)" \
	on_root_terminal "/usr/bin/python3 -c '$tiocsti'"
expect denied "A types into root's terminal, started by chatcell-admin run" \
	on_root_terminal "chatcell-admin run '$chat_a_id' -- /usr/bin/python3 -c '$tiocsti'"
expect denied "A types into root's terminal, started by runuser -u" \
	on_root_terminal "runuser -u $a -- /usr/bin/python3 -c '$tiocsti'"
expect allowed "A's command runs on a terminal of its own, not root's" \
	on_root_terminal "test \"\$(readlink /proc/self/fd/1)\" != \"\$(chatcell-admin run '$chat_a_id' -- readlink /proc/self/fd/2)\" && chatcell-admin run '$chat_a_id' -- readlink /proc/self/fd/1"
exec 9</var/lib/chatcell/registry.db
expect denied "A reads a root-only file root left open (fd 9)" chatcell-admin run "$chat_a_id" -- /bin/sh -c 'head -c 16 <&9'
exec 9<&-

section "resource limits (recorded in the registry; enforced where cgroup v2 is available)"
say "  chatcell-admin limits A --memory 512M --pids 300 --cpu 50%:"
chatcell-admin limits "$chat_a_id" --memory 512M --pids 300 --cpu 50% 2>&1 | sed 's/^/    /'
say "  chatcell-admin show A:"
chatcell-admin show "$chat_a_id" | grep -E '^(limits|usage)' | sed 's/^/    /'

section "disk budget (user quotas on the disk of homes, /tmp instances and registry)"
if [ "$disk_budget" = yes ]; then
	say "  $(chatcell-admin limits "$chat_a_id" --disk 16M --inodes 2k)"
	write_mib() { run_as "$1" "dd if=/dev/zero of=$3 bs=1M count=$2 status=none && echo \"wrote $2 MiB\""; }
	expect denied "A writes 32 MiB into its home, past its 16M budget" write_mib "$chat_a_id" 32 '$HOME/big'
	expect denied "A writes into its /tmp instead (the same budget)" write_mib "$chat_a_id" 32 /tmp/big
	expect allowed "B writes 32 MiB (its own budget: 2G by default)" write_mib "$chat_b_id" 32 '$HOME/big'
	say "  chatcell-admin show A: $(chatcell-admin show "$chat_a_id" | grep '^disk usage')"
	run_as "$chat_a_id" 'rm -f "$HOME/big" /tmp/big'
else
	say "  (not shown: $loop_why; the VM tier shows it: make -C build check-vm)"
fi

section "what chat A can reach on the network (its cell's own network namespace and egress table)"
# Services on a veth link of the sandbox's own network namespace (the
# "host" here), at 10.99.0.2 and 10.99.0.3.
ip link set lo up
ip link add demo0 type veth peer name demo1
ip link set demo1 up
ip link set demo0 up
ip addr add 10.99.0.2/24 dev demo0
ip addr add 10.99.0.3/24 dev demo0
mkfifo /run/demo-listener
/usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" 10.99.0.2:8000/tcp 10.99.0.3:8000/tcp >/run/demo-listener &
listener=$!
read -r _ </run/demo-listener
say "  $(chatcell-admin egress allow "$chat_a_id" 10.99.0.2 --port 8000)"
connect() { # CHAT ADDRESS [PORT]: a TCP connection from the chat's login session
	chatcell-admin run "$1" -- /usr/bin/python3 -c '
import errno, socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5).close()
    print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e)))
    sys.exit(1)' "$2" "${3:-8000}"
}
expect allowed "A connects to 10.99.0.2:8000 (its allowlist)" connect "$chat_a_id" 10.99.0.2
expect denied "A connects to 10.99.0.3:8000" connect "$chat_a_id" 10.99.0.3
expect denied "B connects to A's 10.99.0.2:8000" connect "$chat_b_id" 10.99.0.2
expect allowed "root connects to 10.99.0.3:8000 (only chats are filtered)" /usr/bin/python3 -c \
	'import socket; socket.create_connection(("10.99.0.3", 8000), timeout=5).close(); print("connected")'
nft flush ruleset
expect denied "after nft flush ruleset on the host, A connects to 10.99.0.3:8000 (its table is in its cell)" \
	connect "$chat_a_id" 10.99.0.3
chatcell-admin egress apply >/dev/null
# Each flow out is a conntrack entry in the cell and one on the host, whose
# table every chat shares: connections_max caps a cell's (100 here; the
# default is 1024). egress apply rebuilds the running cells' tables.
printf 'connections_max = 100\n' >>/etc/chatcell/chatcell.conf
say "  $(chatcell-admin egress allow "$chat_a_id" 10.99.0.2 --port 8000 --proto udp)"
chatcell-admin egress apply >/dev/null
flows() { # CHAT N: N UDP flows, each from a port of its own, to 10.99.0.2:8000
	chatcell-admin run "$1" -- /usr/bin/python3 -c '
import errno, socket, sys
held, refused = [], 0
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    held.append(s)
    try:
        s.sendto(b"x", ("10.99.0.2", 8000))
    except OSError as e:
        refused += 1
        err = errno.errorcode.get(e.errno, str(e))
print("%d flows out" % (len(held) - refused))
if refused:
    print("%d out, %d refused (%s)" % (len(held) - refused, refused, err))
    sys.exit(1)' "$2"
}
# A closed TCP connection leaves the count, while the kernel keeps its
# entry (TIME_WAIT): the cap also sets a rate of new flows (200 at once,
# then 10 a second here), and closed ones are forgotten after 10 s.
churn() { # CHAT N: N TCP connections to 10.99.0.2:8000, each closed at once
	chatcell-admin run "$1" -- /usr/bin/python3 -c '
import errno, socket, sys
done = refused = 0
for i in range(int(sys.argv[1])):
    try:
        socket.create_connection(("10.99.0.2", 8000), timeout=5).close()
        done += 1
    except ConnectionRefusedError:
        refused += 1
print("%d opened and closed, %d refused (ECONNREFUSED)" % (done, refused))
sys.exit(1 if refused else 0)' "$2"
}
expect denied "A opens and closes 1,000 connections (the host keeps each)" churn "$chat_a_id" 1000
chatcell-admin egress apply >/dev/null # a fresh count and rate for the flows below
expect allowed "A opens 50 UDP flows to its allowed 10.99.0.2:8000" flows "$chat_a_id" 50
expect denied "A opens 1,000 more, to fill the host's connection table" flows "$chat_a_id" 1000
sed -i '/^connections_max = /d' /etc/chatcell/chatcell.conf # the default again: A's next table counts afresh
chatcell-admin egress apply >/dev/null
# A's server on its cell's loopback: its own, in a cell of its own.
mkfifo /run/demo-a-server
chatcell-admin run "$chat_a_id" -- /usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 3000)); s.listen(8)
print("ready", flush=True)
while True: s.accept()[0].close()' >/run/demo-a-server &
a_server=$!
read -r _ </run/demo-a-server
expect allowed "A connects to its own server on 127.0.0.1:3000" connect "$chat_a_id" 127.0.0.1 3000
expect denied "B connects to 127.0.0.1:3000 (B's loopback is B's)" connect "$chat_b_id" 127.0.0.1 3000
expect denied "B sees A's listener in /proc/net/tcp" run_as "$chat_b_id" 'grep -q ":0BB8 00000000:0000 0A" /proc/net/tcp'
expect allowed "B listens on 127.0.0.1:3000 too (its own port space)" run_as "$chat_b_id" \
	"/usr/bin/python3 -c 'import socket; socket.socket().bind((\"127.0.0.1\", 3000)); print(\"bound\")'"
kill "$a_server" "$listener"
wait "$a_server" 2>/dev/null

section "what chat A can look up (the DNS gate in chatcelld)"
# A resolver of the sandbox's own on 127.0.0.10 (dnsmasq), which knows
# api.demo (at 198.51.100.4, a documentation address in a network
# namespace routed from the sandbox: the gate never answers with an address
# of the host's own) and any name under attacker.demo; the gate is each
# cell's only resolver.
. "$CC_SRCDIR/tests/lib/outside_net.sh"
ip addr add 127.0.0.10/8 dev lo
start_outside 198.51.100.4
ip addr add 198.51.100.77/32 dev lo # an address of the host's own (hostip.demo)
mkfifo /run/demo-dns
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.10 \
	--user=root --log-queries --log-facility=/run/demo-dns.log --address=/api.demo/198.51.100.4 \
	--address=/attacker.demo/198.51.100.4 --host-record=loop.demo,127.0.0.1 --host-record=hostip.demo,198.51.100.77 &
dnsmasq=$!
nsenter --net="/proc/$OUTSIDE_PID/ns/net" /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" 198.51.100.4:8000/tcp >/run/demo-dns &
listener=$!
read -r _ </run/demo-dns
printf 'dns_servers = 127.0.0.10\n' >>/etc/chatcell/chatcell.conf
chatcelld 2>/run/demo-chatcelld.log &
gate=$!
timeout 10 tail -n +1 -f /run/demo-chatcelld.log | grep -q -m1 'DNS gate on'
say "  $(chatcell-admin egress allow "$chat_a_id" --domain api.demo --port 8000)"
say "  $(chatcell-admin egress allow "$chat_a_id" --domain loop.demo --port 8000)"
say "  $(chatcell-admin egress allow "$chat_a_id" --domain hostip.demo --port 8000)"
lookup() { # CHAT NAME: getent in the chat's login session
	chatcell-admin run "$1" -- /usr/bin/getent ahostsv4 "$2" | head -1 | grep . || { echo "no answer"; return 1; }
}
lookup_connect() { lookup "$1" "$2" >/dev/null && connect "$1" "$3"; } # CHAT NAME ADDRESS
expect allowed "A looks up api.demo (a --domain rule) and connects to it" lookup_connect "$chat_a_id" api.demo 198.51.100.4
expect denied "B looks up api.demo (no rule of B's: REFUSED)" lookup "$chat_b_id" api.demo
expect denied "A looks up 6c65616b.attacker.demo (data in a name: never forwarded)" lookup "$chat_a_id" 6c65616b.attacker.demo
say "  the resolver's log mentions 6c65616b: $(grep -c 6c65616b /run/demo-dns.log) times"
expect denied "A's loop.demo points at 127.0.0.1 (rebinding: dropped)" lookup "$chat_a_id" loop.demo
expect denied "A's hostip.demo points at a public address of the host's own (dropped)" lookup "$chat_a_id" hostip.demo
kill "$gate"
wait "$gate" 2>/dev/null
expect denied "with chatcelld stopped, A looks up api.demo (fails closed)" lookup "$chat_a_id" api.demo
kill "$dnsmasq" "$listener" "$OUTSIDE_PID"

section "deleting chat B"
(
	as_chat "$b" sleep 300
	echo $? >/run/demo-b-status
) 2>/dev/null &
sleeper=$!
say "  B is running a process"
say "  $(chatcell-admin delete --user "$b")"
wait "$sleeper"
say "  its process ended with status $(cat /run/demo-b-status) (SIGKILL), its home is $(test -e "/home/chatcell/$b" && echo still there || echo gone)"
say "  getent passwd $b: $(getent passwd "$b" || echo 'not found')"

section "audit trail of chat B"
sqlite3 /var/lib/chatcell/registry.db "SELECT datetime(at, 'unixepoch'), action, actor FROM events WHERE name = '$b' ORDER BY id" |
	sed 's/^/  /'

echo
if [ "$unexpected" -eq 0 ]; then
	say "demo finished: every outcome was as expected"
else
	say "demo finished: $unexpected UNEXPECTED outcome(s)"
	exit 1
fi
