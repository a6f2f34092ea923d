#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host's part of the cells' network, in the sandbox's own network
# namespace (the "host" here; net.* sysctls are per namespace): init builds
# the table inet chatcell and turns forwarding on, recording what it
# changed; uninstall-host puts it back; chatcelld rebuilds the table after
# `nft flush ruleset` within a second and does not spin; and end to end,
# with two cells (lib/net, helpers/cell_net_probe) and an "outside"
# namespace on a veth: a cell reaches outside masqueraded, outside cannot
# open a connection into a cell, nor a cell into another; each with the
# table removed as the control. Addresses: the cell ranges, 192.0.2.0/24
# and 2001:db8::/32 only.
. "$(dirname "$0")/../lib/common.sh"

probe=$CC_HELPERS/cell_net_probe
saved=$CHAT_STATE/host-sysctl.saved
chat_uid=1879048192 # the first UID of the default uid_range

hold_netns() {
	start_ready unshare --net -- /bin/sh -c 'echo ready; exec sleep 1000000'
	HELD=$READY_PID
}
in_ns() { # PID COMMAND...
	local pid=$1
	shift
	nsenter --net="/proc/$pid/ns/net" "$@"
}
sysctl_values() { # the keys init may change, in this namespace
	cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding \
		/proc/sys/net/ipv6/conf/ra0/accept_ra /proc/sys/net/ipv6/conf/ra1/accept_ra | paste -sd' '
}

# The table's chains as "name type hook priority policy rules", sorted.
read -r -d '' CHAINS_PY <<'EOF' || true
import json, sys
items = json.load(sys.stdin)["nftables"]
rules = {}
for i in items:
    if "rule" in i:
        rules[i["rule"]["chain"]] = rules.get(i["rule"]["chain"], 0) + 1
out = [f'{c["name"]} {c["type"]} {c["hook"]} {c["prio"]} {c["policy"]} {rules.get(c["name"], 0)}'
       for c in (i["chain"] for i in items if "chain" in i)]
print("; ".join(sorted(out)))
EOF
chains() { nft -j list table inet chatcell 2>&1 | /usr/bin/python3 -c "$CHAINS_PY"; }
table_rules() { nft list table inet chatcell | sed -n 's/^\t\t\([a-z].*\)/\1/p' | grep -Ev '^(type|packets|protocol|l3proto|policy) ' | paste -sd';'; }
table_there() { nft list table inet chatcell >/dev/null 2>&1; }

# A TCP listener that tells each client the address it sees the client
# come from, and its client: "ok <address seen>" or the errno name
# (ETIMEDOUT after 1 s without an answer: the SYN was dropped).
cat >/run/peer_listener.py <<'EOF'
import select, socket, sys
socks = []
for spec in sys.argv[1:]:
    addr, port = spec.rsplit(":", 1)
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr.strip("[]"), int(port)))
    s.listen(16)
    socks.append(s)
print("ready", flush=True)
while True:
    for s in select.select(socks, [], [])[0]:
        c, peer = s.accept()
        c.sendall(peer[0].encode() + b"\n")
        c.close()
EOF
cat >/run/connect.py <<'EOF'
import errno, socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.settimeout(1.0)
try:
    s.connect((addr, port))
    print("ok " + s.makefile().readline().strip())
except socket.timeout:
    print("ETIMEDOUT")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
EOF
connect() { /usr/bin/python3 /run/connect.py "$@"; }

# --- init: the table and forwarding, what it changed recorded --------------
ip link add ra0 type veth peer name ra1
ip link add cc9 type veth peer name x9 # named like a cell's link
sysctl -qw net.ipv6.conf.ra1.accept_ra=0 net.ipv6.conf.x9.accept_ra=0 net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
is "$(sysctl_values)" "0 0 1 0" "before init: no forwarding; ra0 takes router advertisements, ra1 does not"
is "$(cat /proc/sys/net/ipv6/conf/{lo,cc9}/accept_ra | paste -sd' ')" "1 1" "and so do lo and cc9"
# An earlier chatcell's per-UID egress table on the host: init replaces it.
nft add table inet chatcell
nft add set inet chatcell exact4 '{ type uid . ipv4_addr . inet_proto . inet_service; flags timeout; }'
nft add element inet chatcell exact4 '{ 1879048192 . 192.0.2.9 . tcp . 443 }'
run chatcell-admin init
is "$rc" 0 "init succeeds"
is "$(nft list sets inet | grep -c 'set exact4')" 0 "the old per-UID table on the host is gone (its sets with it)"
is "$(grep '^host network:' <<<"$out")" "host network: forwarding on (net.ipv6.conf.ra0.accept_ra 1 -> 2, net.ipv4.ip_forward 0 -> 1, net.ipv6.conf.all.forwarding 0 -> 1), table inet chatcell (forward: nothing into or between cells, postrouting: masquerade, output: no network for chat UIDs outside their cells, prerouting: cells' closed TCP connections forgotten after 10 s, DNS from cells to the DNS gate, chatcelld on 127.0.0.1:5300)" \
	"init says what it changed on the host's network"
is "$(chains)" "forward filter forward 0 accept 3; output filter output 0 accept 1; postrouting nat postrouting 100 accept 2; prerouting nat prerouting -100 accept 3" \
	"table inet chatcell has exactly the chains forward, postrouting (nat, srcnat) and output, with their rules"
is "$(table_rules)" 'iifname "cc*" oifname "cc*" counter name "dropped" drop;oifname "cc*" ct state established,related accept;oifname "cc*" counter name "dropped" drop;ip saddr 10.77.0.0/16 oifname != "cc*" masquerade;ip6 saddr fde8:edd2:e0ff::/48 oifname != "cc*" masquerade;meta skuid 1879048192-1880096767 counter name "rejected" reject with icmpx admin-prohibited;iifname "cc*" meta l4proto tcp ct timeout set "cell_tcp";iifname "cc*" ip daddr 169.254.1.1 udp dport 53 ct timeout set "dns" dnat ip to 127.0.0.1:5300;iifname "cc*" ip daddr 169.254.1.1 tcp dport 53 dnat ip to 127.0.0.1:5300' \
	"the rules, as nft shows them (the cells' DNS to the gateway goes to the DNS gate)"
run nft list ct timeout inet chatcell dns
is "$(echo "$out" | sed -n 's/^\t\t\([a-z].*\)/\1/p' | paste -sd';')" "protocol udp;l3proto ip;policy = { unreplied : 10, replied : 10 }" \
	"its UDP questions are kept 10 s after their last packet (ct timeout dns), as in the cells"
run nft list ct timeout inet chatcell cell_tcp
is "$(echo "$out" | sed -n 's/^\t\t\([a-z].*\)/\1/p' | paste -sd';')" "protocol tcp;l3proto ip;policy = { time_wait : 10 }" \
	"a cell's TCP connections are forgotten 10 s after they close (ct timeout cell_tcp; nft shows what differs from the kernel's defaults, and CLOSE is 10 s already)"
is "$(sysctl_values)" "1 1 2 0" "forwarding is on; ra0 takes advertisements though it forwards (accept_ra 2); ra1 is left alone"
is "$(cat "$saved" | paste -sd';')" "net.ipv6.conf.ra0.accept_ra 1;net.ipv4.ip_forward 0;net.ipv6.conf.all.forwarding 0" \
	"the saved file holds the values before init, of the keys init changed only"
is "$(cat /proc/sys/net/ipv6/conf/{lo,cc9}/accept_ra | paste -sd' ')" "1 1" "lo and cc9 (a cell's name) are left alone"
ip link del cc9
is "$(stat -c '%U %a' "$saved")" "root 600" "the saved file is root's, 0600"
cp "$saved" /run/saved.first
run chatcell-admin init
is "$rc:$(grep '^host network:' <<<"$out" | cut -d')' -f1)" "0:host network: forwarding on (as it was" "a second init changes nothing"
ok "a second init keeps the saved file as it was (chatcell's own 1 is not recorded as previous)" cmp -s "$saved" /run/saved.first
run chatcell-admin --json init
is "$rc:$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["host_network"], sort_keys=True))' <<<"$out")" \
	'0:{"changes": [], "table": "inet chatcell"}' "init --json: host_network, no change"
nft delete table inet chatcell
run chatcell-admin egress apply
is "$rc:$(tail -1 <<<"$out" | cut -d'(' -f1)" "0:host network: forwarding on " "egress apply (the boot unit) applies the host's part too"
is "$(chains)" "forward filter forward 0 accept 3; output filter output 0 accept 1; postrouting nat postrouting 100 accept 2; prerouting nat prerouting -100 accept 3" \
	"egress apply rebuilt the table"
unlike "$err" "*warning: link*" "control: no link of this host is named like a cell's link without being one (cc9 was)"
# Links named like cells' links that are not: the table takes them for
# cells' all the same, so init says so (accept_ra 0: nothing to forward-proof).
for link in ccfoo cc07; do
	ip link add "$link" type veth peer name "x$link"
	echo 0 >"/proc/sys/net/ipv6/conf/$link/accept_ra"
	echo 0 >"/proc/sys/net/ipv6/conf/x$link/accept_ra"
done
run chatcell-admin init
like "$rc:$err" "0:*chatcell-admin: warning: links ccfoo, cc07: chatcell takes every link whose name starts with 'cc' for a cell's, so its table forwards nothing new into them and sends DNS arriving on them for 169.254.1.1 to the DNS gate; rename them (ip link set NAME name NEWNAME)*" \
	"init warns about links named like cells' (ccfoo, and cc07, which no cell would be named)"
ip link del ccfoo
ip link del cc07

# --- chatcelld -------------------------------------------------------------
run setpriv --reuid=65534 --regid=65534 --clear-groups chatcelld
is "$rc:$out:$err" "1::chatcelld: must run as root (it changes nftables in the host's network namespace)" \
	"chatcelld refuses to run as another user than root"
nft delete table inet chatcell
run chatcelld --once
is "$rc:$out:$err" "0:table inet chatcell is in place:" "chatcelld --once builds the table and ends"
ok "the table is there" table_there

log=/run/chatcelld.log
: >"$log"
chatcelld 2>>"$log" &
daemon=$!
timeout 10 tail -n +1 -f "$log" | grep -q -m1 'DNS gate on'
is "$(cat "$log")" "chatcelld: table inet chatcell is in place; watching nftables; DNS gate on 127.0.0.1:5300" "chatcelld starts, watches, and its DNS gate listens"

restores() { grep -c 'restored in' "$log"; }
restored_at_least() { [ "$(restores)" -ge "$1" ]; }
# wait_restores N: until the log has N restore lines (at most 5 s).
wait_restores() {
	spin_until 5 restored_at_least "$1" || true
	[ "$(restores)" -eq "$1" ]
}
# timed COMMAND...: run it, then poll (at most 5 s) until the table is
# there again (chatcelld rebuilds it in one transaction: there is whole);
# MS is how long that took from the command's start, nft's own start-up
# included.
timed() {
	local start end
	start=$(date +%s%N)
	"$@"
	spin_until 5 table_there || true
	end=$(date +%s%N)
	MS=$(((end - start) / 1000000))
}
WHOLE="forward filter forward 0 accept 3; output filter output 0 accept 1; postrouting nat postrouting 100 accept 2; prerouting nat prerouting -100 accept 3"
timed nft flush ruleset
ok "chatcelld restores the table after nft flush ruleset, in ${MS} ms (under 1000)" test "$MS" -lt 1000
is "$(chains)" "$WHOLE" "whole"
ok "and logs it once" wait_restores 1
like "$(tail -1 "$log")" "chatcelld: table inet chatcell was removed (nft flush ruleset?); restored in *.* ms" "the log line says what happened"
diag "chatcelld's own figure: $(tail -1 "$log")"
timed nft delete table inet chatcell
ok "chatcelld restores the table after nft delete table inet chatcell, in ${MS} ms (under 1000)" test "$MS" -lt 1000
is "$(chains)" "$WHOLE" "whole"
ok "and logs it once" wait_restores 2
nft flush chain inet chatcell forward
ok "chatcelld restores the table after nft flush chain inet chatcell forward" wait_restores 3
is "$(chains)" "$WHOLE" "whole"
like "$(tail -1 "$log")" "chatcelld: table inet chatcell has 0 rules in its chain forward instead of 3; restored in *.* ms" \
	"the log line names the damaged chain"
ticks() { awk '{ print $14 + $15 }' "/proc/$daemon/stat"; }
before=$(ticks)
for i in $(seq 50); do nft add table inet x$i; done
# Then one more flush: its restore proves every earlier event was read.
timed nft flush ruleset
ok "after 50 unrelated changes, a flush is restored in ${MS} ms" wait_restores 4
cpu_ms=$((($(ticks) - before) * 1000 / $(getconf CLK_TCK)))
ok "chatcelld's CPU time over the 50 changes and the restore stays small (${cpu_ms} ms, under 200)" test "$cpu_ms" -lt 200
is "$(restores)" 4 "exactly one restore per damage: none for unrelated changes or its own"
write_config <<'EOF'
cell_ipv4_range = 10.99.4.0/24
cell_ipv6_range = fd12:3456:789a:1::/64
EOF
timed nft flush ruleset
ok "with other ranges in chatcell.conf, a flush is restored (${MS} ms)" wait_restores 5
is "$(table_rules | tr ';' '\n' | grep masquerade | paste -sd';')" \
	'ip saddr 10.99.4.0/24 oifname != "cc*" masquerade;ip6 saddr fd12:3456:789a:1::/64 oifname != "cc*" masquerade' \
	"the rebuilt table has the ranges of chatcell.conf as it is now"
write_config </dev/null
timed nft flush ruleset
ok "and back with the default ranges (${MS} ms)" wait_restores 6
like "$(table_rules)" '*ip saddr 10.77.0.0/16 oifname != "cc*" masquerade*' "the default ranges again"
kill "$daemon"
wait "$daemon" 2>/dev/null

# --- end to end: two cells and an outside network ------------------------------
hold_netns
cell0=$HELD
run "$probe" up 0 "/proc/$cell0/ns/net"
is "$rc:$out:$err" "0:cc0 10.77.0.1 fde8:edd2:e0ff::1:" "cell 0's network is made"
hold_netns
cell1=$HELD
run "$probe" up 1 "/proc/$cell1/ns/net"
is "$rc:$out:$err" "0:cc1 10.77.0.2 fde8:edd2:e0ff::2:" "cell 1's network is made"
hold_netns
outside=$HELD
ip link add out0 type veth peer name eth0 netns "$outside"
ip addr add 192.0.2.254/24 dev out0
ip -6 addr add 2001:db8::fe/64 dev out0 nodad
ip link set out0 up
in_ns "$outside" ip link set lo up
in_ns "$outside" ip addr add 192.0.2.1/24 dev eth0
in_ns "$outside" ip -6 addr add 2001:db8::1/64 dev eth0 nodad
in_ns "$outside" ip link set eth0 up
# Routes back to the cells: without the table, outside could reach them.
in_ns "$outside" ip route add 10.77.0.0/16 via 192.0.2.254
in_ns "$outside" ip -6 route add fde8:edd2:e0ff::/48 via 2001:db8::fe
start_ready nsenter --net="/proc/$outside/ns/net" /usr/bin/python3 /run/peer_listener.py 192.0.2.1:8000 "[2001:db8::1]:8000"
outside_listener=$READY_PID
start_ready nsenter --net="/proc/$cell0/ns/net" /usr/bin/python3 /run/peer_listener.py 10.77.0.1:9000 "[fde8:edd2:e0ff::1]:9000"
cell_listener=$READY_PID

checks() { # the six connections, one line
	printf '%s|' "$(in_ns "$cell0" /usr/bin/python3 /run/connect.py 192.0.2.1 8000)" \
		"$(in_ns "$cell0" /usr/bin/python3 /run/connect.py 2001:db8::1 8000)" \
		"$(in_ns "$outside" /usr/bin/python3 /run/connect.py 10.77.0.1 9000)" \
		"$(in_ns "$outside" /usr/bin/python3 /run/connect.py fde8:edd2:e0ff::1 9000)" \
		"$(in_ns "$cell1" /usr/bin/python3 /run/connect.py 10.77.0.1 9000)" \
		"$(in_ns "$cell1" /usr/bin/python3 /run/connect.py fde8:edd2:e0ff::1 9000)"
}
IFS='|' read -r c_out4 c_out6 o_cell4 o_cell6 x_cell4 x_cell6 <<<"$(checks)"
is "$c_out4" "ok 192.0.2.254" "cell 0 reaches 192.0.2.1 outside, seen as the host's 192.0.2.254 (masquerade)"
is "$c_out6" "ok 2001:db8::fe" "cell 0 reaches 2001:db8::1 outside, seen as the host's 2001:db8::fe (masquerade)"
is "$o_cell4" "ETIMEDOUT" "outside cannot open a connection to cell 0's 10.77.0.1 (dropped)"
is "$o_cell6" "ETIMEDOUT" "outside cannot open a connection to cell 0's fde8:edd2:e0ff::1 (dropped)"
is "$x_cell4" "ETIMEDOUT" "cell 1 cannot reach cell 0's 10.77.0.1 (dropped)"
is "$x_cell6" "ETIMEDOUT" "cell 1 cannot reach cell 0's fde8:edd2:e0ff::1 (dropped)"
like "$(nft list counter inet chatcell dropped | sed -n 's/.*packets \([0-9]*\).*/\1/p')" "[1-9]*" "the drops are counted"
run setpriv --reuid=$chat_uid --regid=$chat_uid --clear-groups /usr/bin/python3 /run/connect.py 192.0.2.1 8000
is "$out" "EHOSTUNREACH" "a chat UID outside any cell has no network on the host (reject)"
run setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 /run/connect.py 192.0.2.1 8000
is "$out" "ok 192.0.2.254" "control: another user of the host reaches outside"

# Controls: the same six with the table removed (forwarding still on).
nft delete table inet chatcell
IFS='|' read -r c_out4 c_out6 o_cell4 o_cell6 x_cell4 x_cell6 <<<"$(checks)"
is "$c_out4" "ok 10.77.0.1" "control: without the table cell 0 reaches outside under its own 10.77.0.1"
is "$c_out6" "ok fde8:edd2:e0ff::1" "control: without the table cell 0 reaches outside under its own fde8:edd2:e0ff::1"
is "$o_cell4" "ok 192.0.2.1" "control: without the table outside reaches cell 0 over IPv4"
is "$o_cell6" "ok 2001:db8::1" "control: without the table outside reaches cell 0 over IPv6"
is "$x_cell4" "ok 10.77.0.2" "control: without the table cell 1 reaches cell 0 over IPv4"
is "$x_cell6" "ok fde8:edd2:e0ff::2" "control: without the table cell 1 reaches cell 0 over IPv6"
run setpriv --reuid=$chat_uid --regid=$chat_uid --clear-groups /usr/bin/python3 /run/connect.py 192.0.2.1 8000
is "$out" "ok 192.0.2.254" "control: without the table the chat UID reaches outside"
run chatcell-admin init
is "$rc" 0 "init builds the table again"
is "$(in_ns "$outside" /usr/bin/python3 /run/connect.py 10.77.0.1 9000)" "ETIMEDOUT" "and outside is kept out of cell 0 again"
kill "$outside_listener" "$cell_listener"
"$probe" down 0
"$probe" down 1
ip link del out0 # (the namespace's end goes with it at once)
kill "$cell0" "$cell1" "$outside"

# --- uninstall-host --------------------------------------------------------------
sysctl -qw net.ipv6.conf.ra0.accept_ra=0 # the admin changed it since
run chatcell-admin uninstall-host
is "$rc:$out:$err" "0:host settings: net.ipv6.conf.out0.accept_ra (interface gone), net.ipv6.conf.all.forwarding 1 -> 0, net.ipv4.ip_forward 1 -> 0, net.ipv6.conf.ra0.accept_ra left at 0 (changed since; it was 1)
table inet chatcell: removed:" "uninstall-host says what it put back, and what it left"
is "$(sysctl_values)" "0 0 0 0" "forwarding is off again; ra0 keeps the admin's value"
ok "the table is gone" test "$(table_there && echo there)" = ""
ok "the saved file is gone" test ! -e "$saved"
run chatcell-admin uninstall-host
is "$rc:$out:$err" "0:host settings: nothing chatcell changed is recorded
table inet chatcell: not there:" "uninstall-host again: nothing to do"
sysctl -qw net.ipv6.conf.ra0.accept_ra=1
run chatcell-admin init
run chatcell-admin --json uninstall-host
is "$rc:$out" '0:{"table_removed":true,"host_network":{"table":"inet chatcell","changes":[{"key":"net.ipv6.conf.all.forwarding","before":"1","after":"0","changed":true},{"key":"net.ipv4.ip_forward","before":"1","after":"0","changed":true},{"key":"net.ipv6.conf.ra0.accept_ra","before":"2","after":"1","changed":true}]}}' \
	"uninstall-host --json"
is "$(sysctl_values)" "0 0 1 0" "everything is as it was before the first init"

# A saved file that is not root-only is not trusted.
chatcell-admin init >/dev/null 2>&1
chmod 0644 "$saved"
run chatcell-admin uninstall-host
is "$rc:$err" "7:chatcell-admin uninstall-host: /var/lib/chatcell/host-sysctl.saved is not a root-only file of root's; it cannot be trusted to restore the host's settings: check and remove it" \
	"a saved file others may read or write is refused"
is "$(sysctl_values)" "1 1 2 0" "and nothing is changed"
chmod 0600 "$saved"
run chatcell-admin uninstall-host
is "$rc:$(sysctl_values)" "0:0 0 1 0" "control: once it is 0600 again, uninstall-host restores"
chatcell-admin init >/dev/null 2>&1
cp "$saved" /run/saved.good
echo "kernel.core_pattern |/tmp/x" >>"$saved"
run chatcell-admin uninstall-host
is "$rc:$err" "1:chatcell-admin uninstall-host: /var/lib/chatcell/host-sysctl.saved has a line chatcell did not write: 'kernel.core_pattern |/tmp/x'; check the file (the settings as they were before chatcell) and remove that line" \
	"a saved file naming a key chatcell never changes is refused"
is "$(sysctl_values)" "1 1 2 0" "and nothing is changed"
cp /run/saved.good "$saved"
run chatcell-admin uninstall-host
is "$rc:$(sysctl_values)" "0:0 0 1 0" "control: without that line, uninstall-host restores"
ip link del ra0

# The cells' ranges must not collide with a route the host has.
ip link add lan0 type veth peer name lan1
ip link set lan0 up
ip route add 10.77.128.0/24 dev lan0
run chatcell-admin init
is "$rc:$err" "6:chatcell-admin init: cell_ipv4_range 10.77.0.0/16 overlaps the host's route to 10.77.128.0/24 (dev lan0); choose a range the host does not route elsewhere in chatcell.conf" \
	"init refuses cell ranges that overlap a route of the host, naming it"
ip route del 10.77.128.0/24 dev lan0
ip route add 10.76.0.0/16 dev lan0
run chatcell-admin init
is "$rc" 0 "control: a route beside the range (10.76.0.0/16) is no collision"
ip link del lan0
done_testing
