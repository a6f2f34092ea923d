#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A host that runs nscd (the name service cache; unscd speaks the same
# protocol), here Debian's own nscd started inside the sandbox: chatcell-admin
# tells it to forget its users and groups at every change, so a new chat
# resolves at once and a deleted one stops resolving (it keeps found
# entries an hour); and the cells never see its socket, so a chat's name
# lookups go to the DNS gate, not to the host's resolvers through nscd.
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
is "$out" "2" "a chat sees no nscd socket, and its lookup of a name its rules do not allow fails"
ok "that question went to the DNS gate (refused there), not to the host's resolver through nscd" \
	grep -q "dns-refused chatcelld: other.test" <<<"$(chatcell-admin show nscd-b)"
run in_session nscd-b /bin/sh -c "/usr/bin/getent ahostsv4 api.test | head -1; $probe tcp 198.51.100.4 8000"
is "$out" "198.51.100.4    STREAM api.test
ok" "a name its rules allow resolves through the gate and connects"
chatcell-admin suspend nscd-b >/dev/null

# nscd started after a cell: the next login hides it.
stop_nscd
chatcell-admin resume nscd-b >/dev/null
chatcell-admin ensure --start nscd-b >/dev/null
start_nscd
in_cell_files() { nsenter -m -t "$(keeper_of nscd-b)" "$@"; }
is "$(in_cell_files ls -A /var/run/nscd)" "nscd.pid
socket" "control: nscd started after the cell shows in the running cell"
run in_session nscd-b /bin/sh -c "ls -A /var/run/nscd; /usr/bin/getent ahostsv4 other.test; echo \$?"
is "$out" "2" "the next login hides it, and the lookup goes to the gate"
is "$(in_cell_files ls -A /var/run/nscd)" "" "for everything running in the cell too"
chatcell-admin suspend nscd-b >/dev/null
stop_nscd
kill "$GATED_PID"
done_testing
