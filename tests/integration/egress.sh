#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Egress allowlists through real login sessions. Each chat's cell has its
# own network namespace, routed to the sandbox's (the "host" here, itself a
# private namespace); the listeners are on addresses of a veth link of the
# sandbox (10.99.0.0/24, fd00::/64: never anything outside it). What a chat
# may reach, the exact errno of what it may not, a flushed host ruleset
# that opens nothing, host rules with DNS TTLs, delete, and bad rules. The
# tables are read inside each cell's namespace (in_cell).
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
start_uplink 10.99.0.{2..9} fd00::{1,2,4}
ports="8000 8001 8002"
specs=()
for addr in 10.99.0.2 10.99.0.3 10.99.0.4 10.99.0.5 10.99.0.9 "[fd00::1]" "[fd00::2]" "[fd00::4]"; do
	for port in $ports; do specs+=("$addr:$port/tcp"); done
	specs+=("$addr:5353/udp")
done
start_listeners "${specs[@]}"
chatcell-admin init >/dev/null
enable_pam_chatcell >/dev/null
useradd -m carol
a=$(chat_user egress-a)
b=$(chat_user egress-b)
c=$(chat_user egress-c)
probe=$CC_HELPERS/net_probe
as_session() { chatcell-admin run "$1" -- "$probe" "${@:2}"; } # a real PAM session
in_cell() { nsenter --net="/proc/$(keeper_of "$1")/ns/net" "${@:2}"; } # CHAT_ID COMMAND...

run chatcell-admin egress allow egress-a 10.99.0.2 --port 8000
is "$rc:$out" "0:$a: 10.99.0.2/32 tcp 8000 allowed" "allow 10.99.0.2:8000/tcp for A"
run as_session egress-a tcp 10.99.0.2 8000
is "$out" "ok" "A reaches its allowed address through a login session"
run as_session egress-a tcp 10.99.0.3 8000
is "$out" "ECONNREFUSED" "A to 10.99.0.3:8000 is refused at once (TCP reset: ECONNREFUSED)"
run as_session egress-a tcp 10.99.0.2 8001
is "$out" "ECONNREFUSED" "A to the allowed address on another port is refused"
run as_session egress-b tcp 10.99.0.2 8000
is "$out" "ECONNREFUSED" "B to A's allowed address is refused"
is "$("$probe" tcp 10.99.0.3 8001)" "ok" "root reaches everything"
is "$(runuser -u carol -- "$probe" tcp 10.99.0.9 8002)" "ok" "a non-chat user reaches everything"
rejected() { in_cell egress-a nft -j list counter inet chatcell rejected | python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])'; }
before=$(rejected)
as_session egress-a tcp 10.99.0.3 8000 >/dev/null
is "$(($(rejected) - before))" 1 "a refused connection is counted"
shown() { chatcell-admin --json show egress-a | python3 -c 'import json,sys; print(json.load(sys.stdin)["cell"]["egress_rejected"]["packets"])'; }
is "$(shown)" "$(rejected)" "show --json reports the cell's rejected packets"
like "$(chatcell-admin show egress-a)" "*rejected     $(rejected) packets (* bytes) refused by the egress policy since the cell started*" \
	"show prints them"

# UDP and IPv6 behave the same way.
chatcell-admin egress allow egress-a 10.99.0.2 --port 5353 --proto udp >/dev/null
chatcell-admin egress allow egress-a fd00::1 --port 8000 >/dev/null
chatcell-admin egress allow egress-a fd00::1 --port 5353 --proto udp >/dev/null
run as_session egress-a udp 10.99.0.2 5353
is "$out" "ok" "UDP: A's allowed datagram goes out and the echo comes back"
run as_session egress-a udp 10.99.0.3 5353
is "$out" "EPERM" "UDP: a datagram to a denied address fails at once (EPERM from send)"
run as_session egress-a tcp fd00::1 8000
is "$out" "ok" "IPv6: A reaches [fd00::1]:8000"
run as_session egress-a tcp fd00::2 8000
is "$out" "ECONNREFUSED" "IPv6: A to [fd00::2]:8000 is refused"
run as_session egress-a udp fd00::1 5353
is "$out" "ok" "IPv6 UDP: allowed"
run as_session egress-a udp fd00::2 5353
is "$out" "EPERM" "IPv6 UDP: denied at once"

# A prefix and a port range; removing a rule takes effect for new connections.
chatcell-admin egress allow egress-c 10.99.0.0/29 --port 8000-8001 >/dev/null
run as_session egress-c tcp 10.99.0.5 8001
is "$out" "ok" "prefix /29 and port range 8000-8001: 10.99.0.5:8001 allowed"
run as_session egress-c tcp 10.99.0.5 8002
is "$out" "ECONNREFUSED" "a port outside the range is refused"
run as_session egress-c tcp 10.99.0.9 8000
is "$out" "ECONNREFUSED" "an address outside the prefix is refused"
run chatcell-admin egress deny egress-c 10.99.0.0/29 --port 8000-8001
is "$rc" 0 "deny removes the rule"
run as_session egress-c tcp 10.99.0.5 8001
is "$out" "ECONNREFUSED" "after deny, a new connection is refused"

# What a deny does to the connections open when it went is an attack in
# tests/adversarial/network.sh (net/flow-after-deny).
run chatcell-admin egress allow egress-c 10.99.0.0/29 --port 8000
run chatcell-admin egress allow egress-c 10.99.0.4 --port 8000
is "$rc:$err" "5:chatcell-admin egress: 10.99.0.4/32 tcp 8000 overlaps the rule 10.99.0.0/29 tcp 8000 of $c; deny that one first, or allow one range that covers both" "an overlapping rule is a conflict, said plainly"

# A flushed host ruleset opens nothing: each cell's table is in the cell's
# own namespace, which `nft flush ruleset` on the host does not touch.
nft flush ruleset
run nft list tables
is "$out" "" "nft flush ruleset removed every table of the host"
run as_session egress-a tcp 10.99.0.3 8000
is "$out" "ECONNREFUSED" "after the flush, A's denied connection is still refused"
run as_session egress-a tcp 10.99.0.2 8000
is "$out" "ok" "and its allowed one still works"
run in_cell egress-a nft list tables
is "$out" "table inet chatcell" "A's cell kept its table"
in_cell egress-a nft delete table inet chatcell
run as_session egress-a tcp 10.99.0.3 8000
is "$out" "ECONNREFUSED" "a cell table removed by root inside the cell is rebuilt by the next login"
run chatcell-admin egress apply
like "$out" "egress tables of * running cells rebuilt (* elements in the registry)*host network: *" "egress apply rebuilds the tables of the running cells and the host's part"
# A cell record that cannot be trusted (not root's 0600) keeps nothing else
# from being rebuilt: every other running cell's table, and the host's
# part; apply then fails, naming the record.
bad=/run/chatcell/cells/1879999999
install -m 0644 /dev/null "$bad"
tables_gone() { nft delete table inet chatcell && in_cell egress-a nft delete table inet chatcell && in_cell egress-c nft delete table inet chatcell; }
tables_back() { nft list table inet chatcell >/dev/null && in_cell egress-a nft list table inet chatcell >/dev/null && in_cell egress-c nft list table inet chatcell >/dev/null; }
tables_gone
run chatcell-admin egress apply
like "$rc:$err" "[1-9]*:chatcell-admin egress: egress tables of * running cells and the host's table rebuilt, not all: the cell record $bad must be a root-owned 0600 file; refusing it" \
	"egress apply with a foreign cell record fails and names it"
ok "A's and C's tables and the host's are rebuilt all the same" tables_back
tables_gone
run chatcell-admin init
like "$rc:$err" "[1-9]*:*chatcell-admin init: initialised, but not every running cell's egress table was rebuilt: the cell record $bad must be a root-owned 0600 file; refusing it" \
	"so does init, after doing the rest"
ok "with the same tables rebuilt" tables_back
rm -f "$bad"
tables_gone
run chatcell-admin egress apply
is "$rc" 0 "control: without it, apply succeeds"
ok "and rebuilds them" tables_back
# elements CHAT_ID SET...: one line per element of the sets in the chat's
# cell, as a JSON list of fields.
elements() { for set in "${@:2}"; do in_cell "$1" nft -j list set inet chatcell "$set"; done | python3 -c '
import json, sys
for doc in sys.stdin.read().replace("}}]}\n{", "}}]}\n\n{").split("\n\n"):
    for o in json.loads(doc)["nftables"]:
        for e in o.get("set", {}).get("elem", []):
            v = e["elem"]["val"] if isinstance(e, dict) and "elem" in e else e
            print(json.dumps(v["concat"] if isinstance(v, dict) else v))' | sort; }
is "$(elements egress-a exact4 allow4 | wc -l):$(elements egress-a exact6 allow6 | wc -l)" "2:2" "A's cell has A's rules (2 IPv4, 2 IPv6)"
is "$(elements egress-c exact4 allow4 | wc -l):$(elements egress-c exact6 allow6 | wc -l)" "1:0" "C's cell has C's rule only"

# Host rules: resolved by a DNS server of our own on loopback, naming
# services outside the host (tests/lib/outside_net.sh): the host's own
# addresses are never opened for a name, as the DNS gate does not open them.
. "$CC_SRCDIR/tests/lib/outside_net.sh"
start_outside 198.51.100.4 2001:db8::4
start_ready nsenter --net="/proc/$OUTSIDE_PID/ns/net" /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" \
	198.51.100.4:8000/tcp 198.51.100.4:8001/tcp 198.51.100.4:8002/tcpecho "[2001:db8::4]:8000/tcp"
outside_listener=$READY_PID
echo "nameserver 127.0.0.10" >/etc/resolv.conf
ip addr add 127.0.0.10/8 dev lo
# dnsmasq logs "started" once its sockets are bound; that line is the signal.
# deep0.test: a chain of 9 CNAMEs to real.test (deep1.test: 8).
deep_chain=$(for i in 0 1 2 3 4 5 6 7; do printf ' --cname=deep%d.test,deep%d.test' "$i" $((i + 1)); done)
deep_chain+=" --cname=deep8.test,real.test"
start_dns() { # TTL
	start_ready /bin/sh -c "dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
		--listen-address=127.0.0.10 --port=53 --user=root --local-ttl=$1 --log-facility=- \
		--pid-file=/run/test-dnsmasq.pid --address=/api.test/198.51.100.4 --address=/api.test/2001:db8::4 \
		--address=/nx.test/ --host-record=loop.test,127.0.0.1,::1 --host-record=hostself.test,192.0.2.77,fd00::1 \
		--host-record=mixed.test,198.51.100.4,fd00::1 --host-record=real.test,198.51.100.4,2001:db8::4 --cname=alias.test,real.test $deep_chain 2>&1 |
		{ IFS= read -r started; echo ready; exec cat >/dev/null; }"
}
stop_dns() { kill "$(cat /run/test-dnsmasq.pid)"; }
start_dns 600
run chatcell-admin egress allow egress-b --host api.test --port 8000
is "$rc:$out" "0:$b: host api.test tcp 8000 (2 addresses) allowed" "allow --host resolves A and AAAA"
run as_session egress-b tcp 198.51.100.4 8000
is "$out" "ok" "B reaches the A record's address"
run as_session egress-b tcp 2001:db8::4 8000
is "$out" "ok" "B reaches the AAAA record's address"
timeouts=$(in_cell egress-b nft -j list set inet chatcell exact4 | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("set", {}).get("elem", []):
        if isinstance(e, dict) and "elem" in e and "198.51.100.4" in json.dumps(e):
            print(e["elem"].get("timeout"))')
# The timeout runs from the answer: 599 when a second boundary passed
# between resolving and inserting (seen under the sanitizers).
ok "the element carries the DNS TTL as its timeout ($timeouts s)" test "$timeouts" = 600 -o "$timeouts" = 599
run chatcell-admin --json egress list egress-b
is "$(echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["name"], [(r["rule"], r["host"], bool(r["expires_at"])) for r in d["rules"]], d["hosts"], d["shared"])')" \
	"$b [('198.51.100.4/32 tcp 8000', 'api.test', True), ('2001:db8::4/128 tcp 8000', 'api.test', True)] [{'host': 'api.test', 'proto': 'tcp', 'ports': '8000'}] []" \
	"egress list --json shows the rules, their host and expiry"
# A connection B opened under the host rule, held open across the refresh.
chatcell-admin egress allow egress-b --host api.test --port 8002 >/dev/null
mkfifo -m 0666 /run/held-open /run/held-go
chatcell-admin run egress-b -- /usr/bin/python3 -c "$talk_py"'
held = socket.create_connection(("198.51.100.4", 8002), timeout=5)
with open("/run/held-open", "w") as f:
    f.write(talk(held, b"1") + "\n")
open("/run/held-go").read()
print(talk(held, b"2"))
' >/tmp/held.out 2>&1 &
held_job=$!
held=$(timeout 30 head -n 1 /run/held-open)
is "$held" ok "control: B's connection to api.test's address on 8002 carries data"
stop_dns
start_dns 1
run chatcell-admin egress refresh egress-b
is "$rc" 0 "egress refresh re-resolves (now with a 1 s TTL)"
deadline=$((SECONDS + 15))
while in_cell egress-b nft list set inet chatcell exact4 | grep -q "198.51.100.4" && [ "$SECONDS" -lt "$deadline" ]; do
	: # poll the kernel's state, not the clock
done
run in_cell egress-b nft list set inet chatcell exact4
[[ "$out" != *198.51.100.4* ]]
ok "the element expired out of the kernel set" test $? -eq 0
run as_session egress-b tcp 198.51.100.4 8000
is "$out" "ECONNREFUSED" "an expired element stops matching"
timeout 30 sh -c 'echo go >/run/held-go'
wait "$held_job"
is "$(cat /tmp/held.out)" ok \
	"a connection open before the refresh goes on after it and after its address expired (a name's TTL cuts nothing open; a deny would)"
rm -f /run/held-open /run/held-go /tmp/held.out
# DNS inside a cell goes only to the DNS gate (tests/integration/dns_gate.sh);
# straight to any resolver it is refused.
chat_user egress-d >/dev/null
is "$(chatcell-admin run egress-d -- /bin/cat /etc/resolv.conf | grep -v '^#')" "nameserver 169.254.1.1" \
	"a cell's resolv.conf names its gateway (the DNS gate) alone"
run chatcell-admin run egress-d -- "$probe" udp 10.99.0.9 53
is "$out" "EPERM" "and DNS to any other address is refused"
run chatcell-admin egress allow egress-b --host nx.test --port 80
is "$rc:$err" "3:chatcell-admin egress: nx.test does not resolve to any IPv4 or IPv6 address" "a host name that does not resolve is refused"
run chatcell-admin egress allow egress-b --host alias.test --port 8003
is "$rc:$out:$err" "0:$b: host alias.test tcp 8003 (2 addresses) allowed:" \
	"allow --host follows a CNAME to the A and AAAA of its target"
run chatcell-admin egress allow egress-b --host deep1.test --port 8005
is "$rc:$out:$err" "0:$b: host deep1.test tcp 8005 (2 addresses) allowed:" "control: a chain of 8 CNAMEs is followed"
run chatcell-admin egress allow egress-b --host deep0.test --port 8006
is "$rc:$err" "1:chatcell-admin egress: the resolver's answer for deep0.test was refused: more than 64 addresses, a CNAME chain longer than 8, or a malformed record; allow its addresses with egress allow ADDRESS instead" \
	"an answer the DNS parser refuses (9 CNAMEs) is refused, saying why"
# A name whose owner points it at the host itself (DNS rebinding): its
# addresses are judged as the DNS gate judges answers.
ip addr add 192.0.2.77/32 dev lo
start_ready /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" 192.0.2.77:8000/tcp
self_listener=$READY_PID
is "$("$probe" tcp 192.0.2.77 8000)" ok "control: root reaches the host's service there"
for name in loop.test hostself.test; do
	run chatcell-admin egress allow egress-b --host "$name" --port 8000
	is "$rc:$err" "3:chatcell-admin egress: $name resolves only to addresses chatcell never opens to a chat (loopback, the cells', the cells' gateway, or this host's own)" \
		"attack: --host $name (loopback, or an address of the host's own) is refused, as the DNS gate refuses it"
done
run chatcell-admin egress allow egress-b --host mixed.test --port 8001
is "$rc:$out" "0:$b: host mixed.test tcp 8001 (1 address) allowed" "a name with an address outside and one of the host's own (fd00::1): the host's is left out"
is "$(as_session egress-b tcp 198.51.100.4 8001)" ok "B reaches mixed.test's address outside"
is "$(as_session egress-b tcp fd00::1 8001)" ECONNREFUSED "attack: B cannot reach the host's own service through a --host rule"
kill "$self_listener"
stop_dns

# Bad rules: each its exact error, and the kernel state unchanged.
state_before=$(in_cell egress-a nft -j list ruleset)
bad() { # DESCRIPTION EXPECTED ARGS...
	local desc=$1 expected=$2
	shift 2
	run chatcell-admin egress allow egress-a "$@"
	is "$rc:$err" "3:chatcell-admin egress: $expected" "$desc"
}
bad "a bad prefix" "prefix length '33' is not a number from 0 to 32" 127.0.0.1/33 --port 80
bad "host bits under the prefix" "'127.0.0.1/24' has host bits set below the /24 prefix" 127.0.0.1/24 --port 80
bad "port 0" "port '0' must be a number from 1 to 65535 or a range FIRST-LAST within it" 10.99.0.9 --port 0
bad "port 65536" "port '65536' must be a number from 1 to 65535 or a range FIRST-LAST within it" 10.99.0.9 --port 65536
bad "an unknown protocol" "unknown protocol 'icmp' (expected tcp or udp)" 10.99.0.9 --port 80 --proto icmp
bad "not an address" "'example.com' is not an IPv4 or IPv6 address" example.com --port 80
is "$(in_cell egress-a nft -j list ruleset)" "$state_before" "no bad rule changed the kernel's state"

# delete ends the chat's cell, and its table with it; other cells keep theirs.
a_keeper=$(keeper_of egress-a)
chatcell-admin delete egress-a >/dev/null
ok "after delete, A's cell (and its table) is gone" wait_gone "$a_keeper"
is "$(elements egress-c exact4 allow4 | wc -l)" 1 "and C's cell keeps its rule"

# A cell start's table step (cc_egress_start_chat, what both start paths
# call into the new cell's namespace) makes the chat's table, and refuses
# to take over one that is there already.
start_ready unshare --net -- /bin/sh -c 'echo ready; exec sleep 1000000'
held=$READY_PID
run "$CC_HELPERS/nft_table" start "/proc/$held/ns/net" "$(id -u "$c")"
is "$rc:$out" "0:ok" "a cell start's table step makes C's table in a new namespace"
is "$(nsenter --net="/proc/$held/ns/net" nft list tables)" "table inet chatcell" "and it is the namespace's one table"
run "$CC_HELPERS/nft_table" start "/proc/$held/ns/net" "$(id -u "$c")"
is "$rc:$out" "1:the new cell's network namespace has a table inet chatcell already; a table chatcell did not make is not taken over" \
	"a start finding a table there already fails, saying so"
kill "$held"

kill "$LISTENER_PID"
done_testing
