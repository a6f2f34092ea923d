#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The DNS gate (chatcelld) through real login sessions: a name a chat's
# rule allows resolves and connects with no address rule; the answer's
# addresses time out after TTL + grace; answers differ per chat; big
# answers fall back to TCP; the gate down means lookups fail and nothing
# else; refusals are logged once and shown by `show`. The attacks are in
# tests/adversarial/dns.sh. Setup and addresses: tests/lib/dns_gate.sh.
. "$(dirname "$0")/../lib/common.sh"
. "$CC_SRCDIR/tests/lib/dns_gate.sh"

dns_gate_setup
a=$(chat_user dns-a)
b=$(chat_user dns-b)

is "$(in_session dns-a /bin/cat /etc/resolv.conf | grep -v '^#')" "nameserver 169.254.1.1" \
	"a cell's resolv.conf names only its gateway (the gate)"
run "$dns_probe" --port 5300 127.0.0.1 api.test
is "$out" "REFUSED tc=0 -" "a question from the host, not from a cell, is refused (the gate answers: it runs)"

# --- a name rule is all a chat needs ----------------------------------------
run chatcell-admin egress allow dns-a --domain api.test --port 8000
is "$rc:$out" "0:$a: domain api.test tcp 8000 allowed" "allow --domain api.test --port 8000 for A"
run in_session dns-a "$probe" tcp 198.51.100.4 8000
is "$out" "ECONNREFUSED" "control: before any lookup, A cannot reach api.test's address"
run in_session dns-a /bin/sh -c "/usr/bin/getent ahostsv4 api.test | head -1; $probe tcp 198.51.100.4 8000"
is "$out" "198.51.100.4    STREAM api.test
ok" "A resolves api.test through the gate and its first connect works"
ok "the upstream was asked for api.test" upstream_asked api.test

# The host replaces its /etc/resolv.conf as dhclient does at each lease
# renewal (and NetworkManager, resolvconf, systemd-resolved): a new file
# renamed over the old. That takes the cell's own file away (the kernel
# drops every mount on a file renamed over, in every namespace); the
# chat's next login puts it back, for the processes running in the cell
# too.
cp -p /etc/resolv.conf /run/resolv.conf.host
in_cell_files() { nsenter -m -t "$(keeper_of dns-a)" "$@"; }
printf 'nameserver 192.0.2.53\n' >/etc/resolv.conf.new
mv -f /etc/resolv.conf.new /etc/resolv.conf
is "$(in_cell_files /bin/cat /etc/resolv.conf)" "nameserver 192.0.2.53" \
	"control: once the host renamed a new resolv.conf into place, the running cell sees the host's file"
run in_session dns-a /bin/sh -c "grep -v '^#' /etc/resolv.conf; /usr/bin/getent ahostsv4 api.test | head -1"
is "$out" "nameserver 169.254.1.1
198.51.100.4    STREAM api.test" "the chat's next login has its own resolv.conf again, and resolves through the gate"
is "$(in_cell_files /bin/grep -v '^#' /etc/resolv.conf)" "nameserver 169.254.1.1" \
	"and so has everything already running in the cell"
cp -p /run/resolv.conf.host /etc/resolv.conf.new
mv -f /etc/resolv.conf.new /etc/resolv.conf

# egress apply (and restore, init) builds running cells' tables anew, their
# learned sets empty: the gate forgets what it opened there and opens it
# again at the next answer, as the lookup the chat makes next needs.
run chatcell-admin egress apply
like "$rc:$out" "0:*egress tables of * running cell* rebuilt*" "egress apply rebuilds the running cells' tables"
is "$(learned dns-a dnsany4; learned dns-a dns4)" "" "control: A's learned sets are empty after the rebuild"
run in_session dns-a /bin/sh -c "/usr/bin/getent ahostsv4 api.test | head -1; $probe tcp 198.51.100.4 8000"
is "$out" "198.51.100.4    STREAM api.test
ok" "A's next lookup of api.test opens its address again: the connect works"
run in_session dns-a "$dns_probe" "$GATE" api.test AAAA
is "$out" "NOERROR tc=0 2001:db8::4" "the AAAA answer comes through too"
is "$(in_session dns-a "$probe" tcp 2001:db8::4 8000)" ok "and its IPv6 address opens"
is "$(in_session dns-a "$probe" tcp 198.51.100.4 8001)" ECONNREFUSED "only the rule's port opens (8001 stays shut)"
like "$(in_cell dns-a nft list set inet chatcell dns4)" "*$(id -u "$a") . 198.51.100.4 . tcp . 8000 timeout 10m1s expires *" \
	"the element is uid . address . tcp . 8000 with the TTL (600 s) + grace (1 s) as its timeout"

# --- two chats, the same name, different answers ---------------------------
run in_session dns-b "$dns_probe" "$GATE" api.test
is "$out" "REFUSED tc=0 -" "B, without a rule for api.test, is refused the same name"
is "$(in_session dns-b "$probe" tcp 198.51.100.4 8000)" ECONNREFUSED "and A's answer opened nothing for B"
chatcell-admin egress allow dns-b --domain api.test >/dev/null
run in_session dns-b /bin/sh -c "$dns_probe $GATE api.test; $probe tcp 198.51.100.4 8001"
is "$out" "NOERROR tc=0 198.51.100.4
ok" "with a rule and no --port, B gets the answer and every port"
like "$(in_cell dns-b nft list set inet chatcell dnsany4)" "*$(id -u "$b") . 198.51.100.4 timeout *" \
	"an any-port rule's address is in dnsany4"

# --- TTL and grace ---------------------------------------------------------
chatcell-admin egress allow dns-a --domain ttl.test --port 8000 >/dev/null
run in_session dns-a /bin/sh -c "$dns_probe $GATE ttl.test; $probe tcp 198.51.100.7 8000"
is "$out" "NOERROR tc=0 198.51.100.7
ok" "ttl.test (TTL 1) resolves and connects"
deadline=$((SECONDS + 20))
while in_cell dns-a nft list set inet chatcell dns4 | grep -q 198.51.100.7 && [ "$SECONDS" -lt "$deadline" ]; do
	: # poll the kernel's state, not the clock
done
run in_cell dns-a nft list set inet chatcell dns4
[[ "$out" != *198.51.100.7* && "$out" == *198.51.100.4* ]]
ok "after TTL + grace (2 s) the address left A's set; api.test's (600 s) stays" test $? -eq 0
is "$(in_session dns-a "$probe" tcp 198.51.100.7 8000)" ECONNREFUSED "a new connection after the grace period is refused"
run in_session dns-a /bin/sh -c "$dns_probe $GATE ttl.test >/dev/null; $probe tcp 198.51.100.7 8000"
is "$out" ok "a new lookup opens it again"

# --- truncation and TCP ----------------------------------------------------
chatcell-admin egress allow dns-a --domain big.test --port 8000 >/dev/null
run in_session dns-a "$dns_probe" --noedns "$GATE" big.test
like "$out" "NOERROR tc=1 198.51.100.1*" "40 A records do not fit 512 bytes: the UDP answer is cut and says so (TC)"
run in_session dns-a "$dns_probe" --tcp "$GATE" big.test
is "$(echo "$out" | tr ',' '\n' | wc -l)" 40 "over TCP (the gate asks upstream over TCP too) all 40 come"
run in_session dns-a /bin/sh -c "/usr/bin/getent ahostsv4 big.test | grep -c STREAM"
is "$out" 40 "glibc's resolver falls back to TCP on its own and gets all 40"
like "$(in_cell dns-a nft list set inet chatcell dns4)" "*198.51.100.139 . tcp . 8000*" "the last of the 40 addresses is in A's set"
# An answer the gate passes on as it came (no addresses in it) is asked for
# with the gate's own EDNS size: a client that offered less gets it cut.
# txt_of CHAT_ID NAME SIZE: a TXT question with an OPT record offering
# SIZE bytes; prints "tc=0|1 BYTES".
txt_of() { in_session "$1" /usr/bin/python3 -c "$dns_question_py"'
q = question(0x4343, sys.argv[1], 16, int(sys.argv[2]))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, ("169.254.1.1", 53))
a = s.recv(4096)
print("tc=%d %d" % (a[2] >> 1 & 1, len(a)))' "$2" "$3"; }
run txt_of dns-a big.test 512
[[ "$out" =~ ^tc=1\ [0-9]+$ ]] && (( ${out#* } <= 512 ))
ok "a 600-byte TXT answer to a client that offered 512 bytes is cut, with TC ($out)" test $? -eq 0
run txt_of dns-a big.test 1232
[[ "$out" =~ ^tc=0\ ([0-9]+)$ ]] && (( BASH_REMATCH[1] > 600 ))
ok "control: offered 1232 bytes, the client gets it whole ($out)" test $? -eq 0

# --- refusals: logged once per interval, shown -----------------------------
c=$(chat_user dns-c)
run in_session dns-c "$dns_probe" "$GATE" not-allowed.test
is "$out" "REFUSED tc=0 -" "C asks for a name it has no rule for"
in_session dns-c "$dns_probe" "$GATE" not-allowed.test >/dev/null
in_session dns-c "$dns_probe" "$GATE" another.test >/dev/null
is "$(grep "DNS gate refused $c: " "$GATED_LOG")" "chatcelld: DNS gate refused $c: not-allowed.test" \
	"the interval's first refusal is logged at once, by C's user name; the repeat and the next name wait for the interval's end"
unlike "$(cat "$GATED_LOG")" "*dns-c*" "the log never holds the chat ID"
like "$(chatcell-admin show dns-c)" "*dns-refused chatcelld: not-allowed.test*" "show lists C's recent DNS refusals (its audit trail)"

# --- two questions in one write over TCP -------------------------------------
# glibc writes its A and AAAA questions in one go when it falls back to TCP:
# both must be answered on the connection, not the first alone.
pipelined() { # CHAT_ID NAME: the IDs of the answers to two framed questions sent at once
	in_session "$1" /usr/bin/python3 -c 'import socket, struct, sys
def ask(qid, qtype):
    name = b"".join(bytes([len(l)]) + l for l in sys.argv[2].encode().split(b".")) + b"\0"
    m = struct.pack(">6H", qid, 0x0100, 1, 0, 0, 0) + name + struct.pack(">2H", qtype, 1)
    return struct.pack(">H", len(m)) + m
s = socket.create_connection((sys.argv[1], 53), timeout=5)
s.sendall(ask(1, 1) + ask(2, 28))
ids, buf = [], b""
try:
    while len(ids) < 2:
        data = s.recv(65536)
        if not data:
            break
        buf += data
        while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
            n = struct.unpack(">H", buf[:2])[0]
            ids.append(str(struct.unpack(">H", buf[2:4])[0]))
            buf = buf[2 + n:]
except socket.timeout:
    ids.append("timeout")
print(" ".join(ids))' "$GATE" "$2"
}
is "$(pipelined dns-a api.test)" "1 2" "two questions written at once over TCP are both answered (the resolver asked for each)"
is "$(pipelined dns-b not-allowed.test)" "1 2" "and two refused at once, both answered on the spot"

# --- a rule that goes cuts the connections it allowed -----------------------
# H (a chat of its own: A has used its questions' rate) resolves api2.test
# through the gate and holds a connection to it open. The rule then goes
# from the registry without chatcell-admin (whose deny cuts by itself):
# the gate, which notices, empties H's learned sets and cuts H's open
# connections, as a deny does. (The fifos are waited on for 30 s at most:
# a program that failed fails the check instead of hanging the suite.)
held_chat=$(chat_user dns-held)
chatcell-admin egress allow dns-held --domain api2.test --port 8002 >/dev/null
mkfifo -m 0666 /run/gate-held /run/gate-go
in_session dns-held /usr/bin/python3 -c "$talk_py"'
address = socket.getaddrinfo("api2.test", 8002, socket.AF_INET, socket.SOCK_STREAM)[0][4]
held = socket.create_connection(address, timeout=5)
with open("/run/gate-held", "w") as f:
    f.write(address[0] + " " + talk(held, b"1") + "\n")
open("/run/gate-go").read()
print(talk(held, b"2"))' >/tmp/gate-held.out 2>&1 &
held_job=$!
held=$(timeout 30 head -n 1 /run/gate-held)
is "$held" "198.51.100.6 ok" "control: H's connection to api2.test's answer (learned through the gate) carries data"
sqlite3 /var/lib/chatcell/registry.db \
	"DELETE FROM egress_domains WHERE chat = (SELECT id FROM chats WHERE name = '$held_chat') AND pattern = 'api2.test'"
api2_forgotten() { ! in_cell dns-held nft list set inet chatcell dns4 | grep -q '198.51.100.6 . tcp . 8002'; }
ok "the gate notices the rule gone and forgets api2.test's address" spin_until 10 api2_forgotten
timeout 30 sh -c 'echo go >/run/gate-go'
wait "$held_job"
is "$(cat /tmp/gate-held.out)" ECONNRESET "attack gate/rule-gone-connection: and H's connection it allowed is cut"
rm -f /run/gate-held /run/gate-go /tmp/gate-held.out

# --- the gate down: lookups fail, nothing else changes ---------------------
chatcell-admin egress allow dns-b 198.51.100.5 --port 8000 >/dev/null
ruleset_before=$(nft list ruleset)
kill "$GATED_PID"
wait "$GATED_PID" 2>/dev/null
run in_session dns-a "$dns_probe" "$GATE" api.test
is "$out" "ECONNREFUSED" "with the gate stopped, a lookup fails at once (nothing listens behind the gateway)"
run in_session dns-a /usr/bin/getent ahostsv4 api.test
is "$rc" 2 "getent finds nothing"
is "$(in_session dns-b "$probe" tcp 198.51.100.5 8000)" ok "an address rule still works"
is "$(nft list ruleset)" "$ruleset_before" "the host's table is as it was"
like "$(chatcell-admin show dns-a)" "*dns gate     NOT answering on 127.0.0.1:5300: the chat's lookups fail; start chatcelld (systemctl start chatcelld)*" \
	"show says the gate is not answering, and what to do"
is "$(chatcell-admin --json show dns-a | python3 -c 'import json,sys; print(json.load(sys.stdin)["cell"]["dns_gate"])')" \
	"{'address': '127.0.0.1:5300', 'answering': False}" "show --json too"
# Started with the usual soft limit of 1024 descriptors: the gate holds a
# socket per question to its resolver and two per cell, and raises it.
: >>"$GATED_LOG"
(ulimit -Sn 1024 && exec chatcelld) 2>>"$GATED_LOG" &
GATED_PID=$!
timeout 10 tail -n 1 -f "$GATED_LOG" | grep -q -m1 'DNS gate on'
run in_session dns-a "$dns_probe" "$GATE" api.test
is "$out" "NOERROR tc=0 198.51.100.4" "a restarted gate answers again"
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -gt 1024 ]; then
	is "$(awk '/^Max open files/ { print $4 " " $5 }' "/proc/$GATED_PID/limits")" "$(ulimit -Hn) $(ulimit -Hn)" \
		"started with a soft limit of 1024 descriptors, the gate raised it to the hard limit"
else
	skip "the gate raises its descriptor limit" "the hard limit here is $(ulimit -Hn): there is nothing to raise"
fi
like "$(chatcell-admin show dns-a)" "*dns gate     answering on 127.0.0.1:5300*" "and show says so"

# A cell record that cannot be trusted (not root's 0600) does not keep the
# gate from the cells that ask it: a chat whose cell it has not met yet is
# answered with such a record beside the others.
bad=/run/chatcell/cells/1879999999
install -m 0644 /dev/null "$bad"
chatcell-admin ensure dns-late >/dev/null
chatcell-admin egress allow dns-late --domain api.test --port 8000 >/dev/null
run in_session dns-late "$dns_probe" "$GATE" api.test
is "$out" "NOERROR tc=0 198.51.100.4" "with a foreign cell record in /run/chatcell/cells, a new cell's question is answered"
rm -f "$bad"

kill "$GATED_PID"
wait "$GATED_PID" 2>/dev/null
done_testing
