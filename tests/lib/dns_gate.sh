# SPDX-License-Identifier: LGPL-2.1-or-later
# The DNS gate's test bed, sourced after common.sh by dns_gate.sh and the
# adversarial dns.sh: chatcell initialised with logins, dnsmasq as the
# upstream on 127.0.0.10 (its query log in $DNS_LOG), "outside" addresses
# in a network namespace routed from the sandbox (outside_net.sh;
# TEST-NET-2 and the IPv6 documentation prefix: addresses no rebinding
# rule refuses, and not the host's own), listeners on them, and
# chatcelld running (its log in $GATED_LOG; dns_gate_bed: all but chatcelld).
#   198.51.100.4  api.test (A, with 2001:db8::4 as AAAA); listeners 8000, 8001, 853
#   198.51.100.5  other.test (alias.test is a CNAME to it); listener 8000
#   198.51.100.6  api2.test (good-alias.test is a CNAME to it); listener 8000
#   198.51.100.7  ttl.test, TTL 1; listener 8000
#   198.51.100.8  any name under rate.test, exfil.test and cloudflare-dns.com
#   api.test also has a TXT record
#   127.0.0.1 loop.test, 10.77.0.9 cellname.test (a cell's), 10.99.0.4 priv.test,
#   169.254.1.1 gw.test (the cells' gateway: the host), 198.51.100.77
#   hostaddr.test (a test may give the host that address)
#   big.test: 40 A records (198.51.100.100-139), more than 512 bytes, and
#   a TXT record of 600 bytes
. "$CC_SRCDIR/tests/lib/outside_net.sh"

DNS_LOG=/run/test-dnsmasq.log
GATED_LOG=/run/chatcelld.log
GATE=169.254.1.1
dns_probe=$CC_HELPERS/dns_probe
probe=$CC_HELPERS/net_probe

# Everything but the gate itself (the VM tier starts it through systemd).
dns_gate_bed() {
	start_syslog
	use_chatcell_nss
	# api.test's IPv6 address lives outside only where the kernel has IPv6.
	local v6_address=() v6_listener=()
	[ -d /proc/sys/net/ipv6 ] && v6_address=(2001:db8::4) v6_listener=("[2001:db8::4]:8000/tcp")
	start_outside 198.51.100.{4..8} "${v6_address[@]}"
	start_ready nsenter --net="/proc/$OUTSIDE_PID/ns/net" /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" \
		198.51.100.4:8000/tcp 198.51.100.4:8001/tcp 198.51.100.4:853/tcp 198.51.100.5:8000/tcp \
		198.51.100.6:8000/tcp 198.51.100.6:8002/tcpecho 198.51.100.7:8000/tcp 198.51.100.8:8000/tcp \
		"${v6_listener[@]}" \
		198.51.100.8:53/udp
	LISTENER_PID=$READY_PID
	ip addr add 127.0.0.10/8 dev lo
	local big=() i
	for i in $(seq 100 139); do big+=("--host-record=big.test,198.51.100.$i"); done
	: >"$DNS_LOG"
	# dnsmasq logs "started" once its sockets are bound; that line is the signal.
	start_ready /bin/sh -c "dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
		--listen-address=127.0.0.10 --port=53 --user=root --local-ttl=600 --log-queries --log-facility=- \
		--pid-file=/run/test-dnsmasq.pid \
		--host-record=api.test,198.51.100.4,2001:db8::4 --host-record=other.test,198.51.100.5 \
		--host-record=api2.test,198.51.100.6 --host-record=ttl.test,198.51.100.7,1 \
		--cname=alias.test,other.test --cname=good-alias.test,api2.test \
		--address=/rate.test/198.51.100.8 --address=/exfil.test/198.51.100.8 --address=/cloudflare-dns.com/198.51.100.8 \
		--txt-record=api.test,hello \
		--txt-record=big.test,$(printf 'a%.0s' $(seq 200)),$(printf 'b%.0s' $(seq 200)),$(printf 'c%.0s' $(seq 200)) \
		--host-record=loop.test,127.0.0.1 --host-record=cellname.test,10.77.0.9 --host-record=priv.test,10.99.0.4 \
		--host-record=gw.test,169.254.1.1 --host-record=hostaddr.test,198.51.100.77 \
		--host-record=hostself.test,198.51.100.77,::1 \
		${big[*]} 2>&1 | { IFS= read -r started; echo ready; exec cat >>$DNS_LOG; }"
	write_config <<-CONF
		dns_servers = 127.0.0.10
		dns_min_ttl = 1
		dns_grace = 1
		dns_rate = 1
		dns_burst = 12
	CONF
	chatcell-admin init >/dev/null
	enable_pam_chatcell >/dev/null
}

dns_gate_setup() {
	dns_gate_bed
	dns_gate_start
}

# chatcelld started by hand, its log in $GATED_LOG; returns once it answers.
dns_gate_start() {
	: >"$GATED_LOG"
	chatcelld 2>>"$GATED_LOG" &
	GATED_PID=$!
	timeout 10 tail -n +1 -f "$GATED_LOG" | grep -q -m1 'DNS gate on'
}

# Python put before the tests' own scripts that ask a DNS question:
# question(ID, NAME, QTYPE, EDNS) is the message, with an OPT record
# offering EDNS bytes unless EDNS is 0.
dns_question_py='import socket, struct, sys, time
def question(ident, name, qtype=1, edns=0):
    q = struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 1 if edns else 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", qtype, 1)
    return q + (b"\0" + struct.pack(">HHIH", 41, edns, 0, 0) if edns else b"")
'
# The upstream saw a question for NAME? dnsmasq's log reaches its file
# through a pipe, a moment after the answer may: it is waited for (10 s).
upstream_asked() {
	local deadline=$((SECONDS + 10))
	until grep -q "query\[[A-Z]*\] $1 from" "$DNS_LOG"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
	done
}
# A command in a login session of CHAT_ID (a real PAM session).
in_session() { chatcell-admin run "$1" -- "${@:2}"; }
in_cell() { nsenter --net="/proc/$(keeper_of "$1")/ns/net" "${@:2}"; } # CHAT_ID COMMAND...
# The learned elements of CHAT_ID's cell, one per line.
learned() { in_cell "$1" nft list set inet chatcell "$2" | tr -d '\t' | sed -n 's/^elements = { //p;s/^\([0-9].*\)/\1/p'; }
