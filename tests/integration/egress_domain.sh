#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The policy half of the DNS gate: a cell's learned sets (what the gate
# fills from the answers it passes, here through tests/helpers/nft_learn,
# which calls the same lib/egress code), DNS and DNS over TLS refused
# except through the gate, and --domain rules: allow, list, deny, show,
# JSON, bad patterns, backup and restore, delete, and the learned
# addresses forgotten when a rule goes. The listeners are on a veth link of
# the sandbox (10.99.0.0/24, fd00::/64), as in egress.sh.
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
ip link add dnl0 type veth peer name dnl1
ip link set dnl1 up
ip link set dnl0 up
for i in 2 3 4; do ip addr add "10.99.0.$i/24" dev dnl0; done
ip -6 addr add fd00::2/64 dev dnl0 nodad
specs=()
for addr in 10.99.0.2 10.99.0.3 10.99.0.4 "[fd00::2]"; do
	for port in 8000 8001 853 53; do specs+=("$addr:$port/tcp"); done
	specs+=("$addr:53/udp")
done
start_listeners "${specs[@]}"
chatcell-admin init >/dev/null
enable_pam_chatcell >/dev/null
a=$(chat_user dom-a)
b=$(chat_user dom-b)
probe=$CC_HELPERS/net_probe
learn=$CC_HELPERS/nft_learn
as_session() { chatcell-admin run "$1" -- "$probe" "${@:2}"; } # a real PAM session
netns() { echo "/proc/$(keeper_of "$1")/ns/net"; }
in_cell() { nsenter --net="$(netns "$1")" "${@:2}"; }
# The elements of a cell's learned sets, one "SET ELEMENT" a line.
learned() {
	in_cell "$1" nft -j list table inet chatcell | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    s = o.get("set")
    if s and s["name"] in ("dns4", "dns6", "dnsany4", "dnsany6"):
        for e in s.get("elem", []):
            v = e["elem"]["val"] if isinstance(e, dict) and "elem" in e else e
            print(s["name"], json.dumps(v["concat"] if isinstance(v, dict) else v))'
}
# The timeout (s) of the learned element of set $2 that mentions $3.
timeout_of() {
	in_cell "$1" nft -j list set inet chatcell "$2" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("set", {}).get("elem", []):
        if isinstance(e, dict) and "elem" in e and sys.argv[1] in json.dumps(e):
            print(e["elem"].get("timeout"))' "$3"
}

# The cell's table: the learned sets exist, empty, and DNS leaves only
# through the gate.
run as_session dom-a tcp 10.99.0.2 8000
is "$out" "ECONNREFUSED" "without a rule, A cannot reach 10.99.0.2:8000"
uid_a=$(id -u "$a")
is "$(learned dom-a | wc -l)" 0 "A's cell has the four learned sets, empty"
run as_session dom-a udp 10.99.0.2 53
is "$out" "EPERM" "DNS to a resolver other than the gate is refused (UDP)"
run as_session dom-a tcp 10.99.0.2 853
is "$out" "ECONNREFUSED" "DNS over TLS is refused"

# Learned with ports (dns4/dns6): that port only.
is "$("$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8000 600000)" ok "learn 10.99.0.2 tcp 8000 for A"
run as_session dom-a tcp 10.99.0.2 8000
is "$out" "ok" "A reaches a learned address and port"
run as_session dom-a tcp 10.99.0.2 8001
is "$out" "ECONNREFUSED" "but not another port of it"
is "$("$learn" learn "$(netns dom-a)" "$uid_a" fd00::2 tcp 8000 600000)" ok "learn [fd00::2] tcp 8000 for A"
run as_session dom-a tcp fd00::2 8000
is "$out" "ok" "A reaches a learned IPv6 address"
is "$("$learn" learn "$(netns dom-a)" "$((uid_a + 1))" 10.99.0.4 tcp 8000 600000)" ok \
	"learn 10.99.0.4 for another UID in A's cell"
run as_session dom-a tcp 10.99.0.4 8000
is "$out" "ECONNREFUSED" "an element of another UID does not open it for A"

# Unlearn: the element goes; one that is not there fails the batch.
is "$("$learn" unlearn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8000)" ok "unlearn 10.99.0.2 tcp 8000"
run as_session dom-a tcp 10.99.0.2 8000
is "$out" "ECONNREFUSED" "after unlearn, A cannot reach it again"
run "$learn" unlearn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8000
is "$rc:$out" "1:ENOENT" "unlearning an element that is not there is ENOENT"

# Learned without ports (dnsany4/dnsany6): every TCP and UDP port but DNS.
is "$("$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.3 any 0 600000)" ok "learn 10.99.0.3 for any port"
run as_session dom-a tcp 10.99.0.3 8001
is "$out" "ok" "A reaches any TCP port of it"
run as_session dom-a udp 10.99.0.3 53
is "$out" "EPERM" "but not DNS (UDP 53) there"
run as_session dom-a tcp 10.99.0.3 53
is "$out" "ECONNREFUSED" "nor DNS over TCP"
run as_session dom-a tcp 10.99.0.3 853
is "$out" "ECONNREFUSED" "nor DNS over TLS (853)"
before=$(in_cell dom-a nft -j list counter inet chatcell rejected | python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])')
as_session dom-a tcp 10.99.0.3 853 >/dev/null
after=$(in_cell dom-a nft -j list counter inet chatcell rejected | python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])')
is "$((after - before))" 1 "a refused DNS-over-TLS connection is counted as rejected"
# An address rule for 853 comes before the DNS refusal.
chatcell-admin egress allow dom-a 10.99.0.4 --port 853 >/dev/null
run as_session dom-a tcp 10.99.0.4 853
is "$out" "ok" "an explicit address rule for port 853 still opens it"

# A new timeout for an element already there: what this kernel does (the
# DNS gate relies on it to extend an address a new answer gives again).
"$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8001 600000 >/dev/null
"$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8001 30000 >/dev/null
shorter=$(timeout_of dom-a dns4 10.99.0.2)
"$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8001 900000 >/dev/null
longer=$(timeout_of dom-a dns4 10.99.0.2)
diag "kernel $(uname -r): timeout after adding the element again: 600 s then 30 s -> $shorter s, then 900 s -> $longer s"
is "$shorter:$longer" "30:900" "adding an element again with a new timeout replaces its timeout"

# Timeout expiry: polled through the kernel's state, not a clock.
is "$("$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.4 tcp 8001 1000)" ok "learn 10.99.0.4 tcp 8001 for 1 s"
run as_session dom-a tcp 10.99.0.4 8001
is "$out" "ok" "A reaches it while it lasts"
deadline=$((SECONDS + 15))
while learned dom-a | grep -q '"10.99.0.4", "tcp", 8001' && [ "$SECONDS" -lt "$deadline" ]; do
	: # poll the kernel's state
done
run learned dom-a
[[ "$out" != *'"10.99.0.4", "tcp", 8001'* ]]
ok "the element expired out of the set" test $? -eq 0
run as_session dom-a tcp 10.99.0.4 8001
is "$out" "ECONNREFUSED" "after its timeout, A cannot reach it"

# Forget: the four sets empty at once.
ok "A's learned sets hold elements before forget" test "$(learned dom-a | wc -l)" -gt 0
is "$("$learn" forget "$(netns dom-a)")" ok "forget"
is "$(learned dom-a | wc -l)" 0 "forget empties the learned sets"
run as_session dom-a tcp 10.99.0.3 8001
is "$out" "ECONNREFUSED" "after forget, A cannot reach what it had learned"

# --domain rules: the gate reads them from the registry.
run chatcell-admin egress allow dom-a --domain '*.Example.COM.' --port 443
is "$rc:$out" "0:$a: domain *.example.com tcp 443 allowed" "allow --domain (normalised: lower case, no trailing dot)"
run chatcell-admin egress allow dom-a --domain api.example.com
is "$rc:$out" "0:$a: domain api.example.com any port allowed" "allow --domain without ports: any port"
run chatcell-admin egress allow dom-a --domain api.example.com
is "$rc:$out" "0:$a: domain api.example.com any port already allowed" "the same rule again changes nothing"
run chatcell-admin egress allow dom-a --domain db.example.com --port 5432-5433 --proto udp --private
is "$rc:$out" "0:$a: domain db.example.com udp 5432-5433, private allowed" "allow --domain with a port range, UDP and --private"
run chatcell-admin egress allow dom-a --domain db.example.com --port 5432-5433 --proto udp
is "$rc:$out" "0:$a: domain db.example.com udp 5432-5433, not private allowed" "the same rule without --private takes it back"
chatcell-admin egress allow dom-a --domain db.example.com --port 5432-5433 --proto udp --private >/dev/null
run chatcell-admin egress allow dom-a --domain wide.example.com --port 1000-1063
is "$rc" 0 "a domain rule may open 64 ports"
run chatcell-admin egress list dom-a
like "$out" "*
  domain \*.example.com tcp 443
  domain api.example.com any port
  domain db.example.com udp 5432-5433, private
  domain wide.example.com tcp 1000-1063" "egress list shows the domain rules"
run chatcell-admin --json egress list dom-a
is "$(echo "$out" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["domains"]))')" \
	'[{"domain": "*.example.com", "proto": "tcp", "ports": "443", "private": false}, {"domain": "api.example.com", "any_port": true, "private": false}, {"domain": "db.example.com", "proto": "udp", "ports": "5432-5433", "private": true}, {"domain": "wide.example.com", "proto": "tcp", "ports": "1000-1063", "private": false}]' \
	"egress list --json has an object per domain rule"
run chatcell-admin show dom-a
like "$out" "*
egress       domain \*.example.com tcp 443
             domain api.example.com any port
             domain db.example.com udp 5432-5433, private
             domain wide.example.com tcp 1000-1063
*" "show lists the domain rules"
run chatcell-admin --json show dom-a
is "$(echo "$out" | python3 -c 'import json, sys; print([d["domain"] for d in json.load(sys.stdin)["egress"]["domains"]])')" \
	"['*.example.com', 'api.example.com', 'db.example.com', 'wide.example.com']" "show --json has them under egress.domains"
like "$(chatcell-admin --json show dom-a)" '*"action":"egress-allow","detail":"domain db.example.com udp 5432-5433, private"*' \
	"the audit trail records each change"
run chatcell-admin egress list dom-b
[[ "$out" != *domain* ]]
ok "B has none of A's domain rules" test $? -eq 0

# Bad rules: each its exact exit code and message, nothing stored.
bad() { # DESCRIPTION EXPECTED-RC EXPECTED-MESSAGE ARGS...
	local desc=$1 code=$2 expected=$3
	shift 3
	run chatcell-admin egress allow dom-a "$@"
	is "$rc:$out:$err" "$code::chatcell-admin egress: $expected" "$desc"
}
bad "an empty pattern" 3 "invalid name rule: the name is empty" --domain ''
bad "'*' alone" 3 "invalid name rule: '*' alone would allow every name" --domain '*'
bad "a wildcard over a top-level domain" 3 \
	"invalid name rule: '*.' needs at least two labels after it: a wildcard may not cover a top-level domain" --domain '*.com'
bad "a '*' inside a label" 3 "invalid name rule: '*' may only be the whole first label, as in *.example.com" --domain 'a*.example.com'
bad "an empty label" 3 "invalid name rule: the name has an empty label (two dots in a row, or a leading dot)" --domain 'a..b'
bad "a name over 253 characters" 3 "invalid name rule: the name is longer than 253 characters" \
	--domain "$(printf 'a%.0s' {1..63}).$(printf 'b%.0s' {1..63}).$(printf 'c%.0s' {1..63}).$(printf 'd%.0s' {1..63}).example"
bad "a label over 63 characters" 3 "invalid name rule: a label of the name is longer than 63 characters" \
	--domain "$(printf 'a%.0s' {1..64}).example.com"
bad "a control character" 3 "invalid name rule: the name has a character other than letters, digits, '-' and '_'" \
	--domain $'api\texample.com'
bad "bytes that are not UTF-8" 3 "invalid name rule: the name has a character other than letters, digits, '-' and '_'" \
	--domain $'\xff\xfe.example.com'
bad "a port range over 64 ports" 3 \
	"ports 1000-1064 are 65 ports; a name rule opens at most 64 (the DNS gate adds one element per port and address)" \
	--domain api.example.com --port 1000-1064
bad "--proto without --port" 2 "--proto needs --port; without them a domain rule opens every TCP and UDP port but 53 and 853
usage: chatcell-admin egress allow|deny CHAT ADDRESS[/PREFIX] | --host NAME --port P[-Q] [--proto tcp|udp]
  egress allow|deny CHAT --domain PATTERN [--port P[-Q] [--proto tcp|udp]] [--private]
  egress list CHAT | egress refresh [CHAT] | egress apply   (CHAT: CHAT_ID | --stdin | --user NAME)" \
	--domain api.example.com --proto udp
bad "--domain with --host" 2 "give --domain or --host, not both
usage: chatcell-admin egress allow|deny CHAT ADDRESS[/PREFIX] | --host NAME --port P[-Q] [--proto tcp|udp]
  egress allow|deny CHAT --domain PATTERN [--port P[-Q] [--proto tcp|udp]] [--private]
  egress list CHAT | egress refresh [CHAT] | egress apply   (CHAT: CHAT_ID | --stdin | --user NAME)" \
	--domain api.example.com --host api.example.com --port 443
bad "--private on an address rule" 2 "--private applies to --domain rules only
usage: chatcell-admin egress allow|deny CHAT ADDRESS[/PREFIX] | --host NAME --port P[-Q] [--proto tcp|udp]
  egress allow|deny CHAT --domain PATTERN [--port P[-Q] [--proto tcp|udp]] [--private]
  egress list CHAT | egress refresh [CHAT] | egress apply   (CHAT: CHAT_ID | --stdin | --user NAME)" \
	10.99.0.9 --port 80 --private
state=/var/lib/chatcell/registry.db
is "$(sqlite3 "$state" "SELECT count(*) FROM egress_domains")" 4 "no bad rule reached the registry"

# Deny: the rule goes, and what the chat's cell learned with it.
is "$("$learn" learn "$(netns dom-a)" "$uid_a" 10.99.0.2 tcp 8000 600000)" ok "learn 10.99.0.2 tcp 8000 for A again"
run as_session dom-a tcp 10.99.0.2 8000
is "$out" "ok" "A reaches it (positive control)"
run chatcell-admin egress deny dom-a --domain '*.example.com' --port 443
is "$rc:$out" "0:$a: domain *.example.com tcp 443 denied" "deny --domain"
is "$(learned dom-a | wc -l)" 0 "deny --domain empties the learned sets of the chat's running cell"
run as_session dom-a tcp 10.99.0.2 8000
is "$out" "ECONNREFUSED" "and A no longer reaches what it had learned"
run chatcell-admin egress deny dom-a --domain '*.example.com' --port 443
is "$rc:$err" "4:chatcell-admin egress: $a has no rule domain *.example.com tcp 443; 'chatcell-admin egress list' shows its rules" \
	"denying a domain rule that is not there"
run chatcell-admin egress deny dom-a --domain db.example.com --port 5432-5433
is "$rc" 4 "a domain rule is denied with its protocol (tcp is not udp)"

# Backup and restore keep the domain rules.
chatcell-admin backup /root/dom-backup >/dev/null
chatcell-admin egress deny dom-a --domain api.example.com >/dev/null
is "$(sqlite3 "$state" "SELECT count(*) FROM egress_domains")" 2 "after a deny, 2 domain rules are left"
run chatcell-admin restore /root/dom-backup --force
is "$rc" 0 "restore the backup"
is "$(chatcell-admin egress list dom-a | grep -c '  domain ')" 3 "restore brings back the domain rules of the backup"

# Delete removes them.
chatcell-admin egress allow dom-b --domain api.example.com >/dev/null
chatcell-admin delete dom-a >/dev/null
is "$(sqlite3 "$state" "SELECT count(*) FROM egress_domains")" 1 "delete removes the chat's domain rules; B keeps its own"

kill "$LISTENER_PID"
done_testing
