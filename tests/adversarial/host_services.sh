#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host's services whose sockets let anyone connect, which a chat's
# cell must not reach (Landlock does not mediate connect() on a path):
# nscd (Debian's own, run inside the sandbox), the D-Bus system bus (a real
# dbus-daemon --system), avahi's, CUPS's and systemd-resolved's sockets (listeners
# standing in at their paths: what is tested is that the cell cannot reach
# the path). Each attack ("attack services/NAME") sits beside a control by
# root or a user who is not a chat. nscd also learns of every change to
# the chats: chatcell-admin tells it to forget its users and groups, so a
# new chat resolves at once and a deleted one stops resolving (it keeps
# found entries an hour).
. "$(dirname "$0")/../lib/common.sh"
. "$CC_SRCDIR/tests/lib/dns_gate.sh"

command -v nscd >/dev/null || skip_all "nscd is not installed (scripts/install-deps installs it)"
dns_gate_setup
# The "host" resolves through dnsmasq, as a host resolves through its own resolvers.
printf 'nameserver 127.0.0.10\n' >/etc/resolv.conf.new
mv -f /etc/resolv.conf.new /etc/resolv.conf
cat >/run/test-nscd.conf <<'CONF'
	server-user		root
	enable-cache		passwd		yes
	positive-time-to-live	passwd		3600
	negative-time-to-live	passwd		3600
	persistent		passwd		no
	shared			passwd		no
	enable-cache		group		yes
	positive-time-to-live	group		3600
	negative-time-to-live	group		3600
	persistent		group		no
	shared			group		yes
	enable-cache		hosts		yes
	positive-time-to-live	hosts		3600
	persistent		hosts		no
	shared			hosts		yes
CONF
# start_nscd: nscd in the foreground, until its socket answers.
start_nscd() {
	mkdir -p /var/run/nscd
	nscd -F -f /run/test-nscd.conf 2>/dev/null &
	NSCD_PID=$!
	local deadline=$((SECONDS + 10))
	until [ -S /var/run/nscd/socket ] && nscd -f /run/test-nscd.conf -g >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
	done
}
stop_nscd() { kill "$NSCD_PID"; wait "$NSCD_PID" 2>/dev/null; rm -rf /var/run/nscd; }
nscd_hits() { nscd -f /run/test-nscd.conf -g | awk -v t="$1" '/cache:$/ { table = $1 } table == t && /cache hits on positive entries/ { print $1 }'; }

start_nscd
ok "nscd runs and answers on /var/run/nscd/socket" test -S /var/run/nscd/socket

# --- users: nscd forgets them at every change ---------------------------------
a=$(chat_user nscd-a)
run getent passwd "$a"
like "$rc:$out" "0:$a:*" "a new chat resolves at once through nscd"
before=$(nscd_hits passwd)
getent passwd "$a" >/dev/null
is "$(nscd_hits passwd)" "$((before + 1))" "(control: that answer came from nscd's cache)"
run chatcell-admin delete nscd-a
is "$rc" 0 "delete"
run getent passwd "$a"
is "$rc:$out" "2:" "the deleted chat stops resolving at once, though nscd keeps found entries for an hour"
run getent group "$a"
is "$rc:$out" "2:" "and so does its group"
getent passwd nscd-never-a-chat >/dev/null
b=$(chat_user nscd-b)
run id -u "$b"
is "$rc:$out" "0:$(chatcell-admin --json show nscd-b | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])')" \
	"another new chat resolves by name at once"

# --- the cells do not see nscd ------------------------------------------------
run getent ahostsv4 other.test
like "$rc:$out" "0:198.51.100.5 *" "control: on the host, other.test resolves through nscd and the host's resolver"
chatcell-admin egress allow nscd-b --domain api.test --port 8000 >/dev/null
run in_session nscd-b /bin/sh -c "ls -A /var/run/nscd; /usr/bin/getent ahostsv4 other.test; echo \$?"
is "$out" "2" "attack services/nscd-lookup: a chat sees no nscd socket, and its lookup of a name its rules do not allow fails"
ok "attack services/nscd-lookup: that question went to the DNS gate (refused there), not to the host's resolver through nscd" \
	grep -q "dns-refused chatcelld: other.test" <<<"$(chatcell-admin show nscd-b)"
run in_session nscd-b /bin/sh -c "/usr/bin/getent ahostsv4 api.test | head -1; $probe tcp 198.51.100.4 8000"
is "$out" "198.51.100.4    STREAM api.test
ok" "a name its rules allow resolves through the gate and connects"
chatcell-admin suspend nscd-b >/dev/null

# --- the D-Bus system bus, avahi, systemd-resolved --------------------------
# connect PATH: "ok" or the errno's name.
connect_py='import errno, socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1]); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])'
connect() { /usr/bin/python3 -c "$connect_py" "$1"; }
listen_py='import os, socket, sys
socks = []
for path in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX); s.bind(path); os.chmod(path, 0o666); s.listen(8); socks.append(s)
print("ready", flush=True)
while True:
    for s in socks:
        s.setblocking(False)
    select = __import__("select"); r, _, _ = select.select(socks, [], [])
    for s in r:
        try: s.accept()[0].close()
        except BlockingIOError: pass'
mkdir -p /run/dbus /run/avahi-daemon /run/systemd/resolve /run/cups
start_ready dbus-daemon --system --nofork --print-address
dbus_pid=$READY_PID
start_ready /usr/bin/python3 -c "$listen_py" /run/avahi-daemon/socket /run/systemd/resolve/io.systemd.Resolve /run/cups/cups.sock
standin_pid=$READY_PID
sockets="/run/dbus/system_bus_socket /run/avahi-daemon/socket /run/cups/cups.sock /run/systemd/resolve/io.systemd.Resolve"
run dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId
is "$rc" 0 "control: root reaches the system bus (dbus-daemon --system answers)"
for sock in $sockets; do
	is "$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c "$connect_py" "$sock")" ok \
		"control: a user who is not a chat connects to $sock (its mode lets anyone)"
done
chatcell-admin resume nscd-b >/dev/null
for sock in $sockets; do
	run in_session nscd-b /usr/bin/python3 -c "$connect_py" "$sock"
	is "$out" "$([ "$sock" = /run/systemd/resolve/io.systemd.Resolve ] && echo ECONNREFUSED || echo ENOENT)" \
		"attack services/connect: a chat's session cannot reach $sock"
done
run in_session nscd-b /bin/sh -c "/usr/bin/find /run/dbus /run/avahi-daemon /run/cups -mindepth 1 | wc -l; /usr/bin/stat -c %F /run/systemd/resolve/io.systemd.Resolve"
is "$out" "0
character special file" "the system bus's, avahi's and CUPS's directories show empty, resolved's socket is /dev/null"

# Services started (or their sockets made anew) after the cell started:
# the next login hides them, for everything running in the cell.
kill "$dbus_pid" "$standin_pid"
wait "$dbus_pid" "$standin_pid" 2>/dev/null
rm -rf /run/dbus /run/avahi-daemon /run/cups /run/systemd/resolve/io.systemd.Resolve
stop_nscd
chatcell-admin suspend nscd-b >/dev/null
chatcell-admin resume nscd-b >/dev/null
chatcell-admin ensure --start nscd-b >/dev/null
start_nscd
mkdir -p /run/dbus /run/avahi-daemon /run/cups
start_ready dbus-daemon --system --nofork --print-address
dbus_pid=$READY_PID
start_ready /usr/bin/python3 -c "$listen_py" /run/avahi-daemon/socket /run/systemd/resolve/io.systemd.Resolve /run/cups/cups.sock
standin_pid=$READY_PID
in_cell() { nsenter -m -t "$(keeper_of nscd-b)" "$@"; }
reach_all() { for sock in /var/run/nscd/socket $sockets; do in_cell /usr/bin/python3 -c "$connect_py" "$sock"; done | paste -sd' '; }
is "$(reach_all)" "ok ok ok ok ok" "control: started after the cell, nscd, the system bus, avahi, CUPS and resolved show in the running cell"
run in_session nscd-b /bin/sh -c "/usr/bin/getent ahostsv4 other.test; echo \$?"
is "$out" "2" "attack services/started-after-the-cell: the next login hides them: the chat's lookup goes to the gate"
is "$(reach_all)" "ENOENT ENOENT ENOENT ENOENT ECONNREFUSED" "attack services/started-after-the-cell: and nothing running in the cell reaches them any more"
chatcell-admin suspend nscd-b >/dev/null
kill "$dbus_pid" "$standin_pid"
stop_nscd
kill "$GATED_PID"
done_testing
