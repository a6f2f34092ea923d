#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A cell's network (lib/net) through helpers/cell_net_probe, in network
# namespaces this test makes inside the sandbox's own: the links, addresses
# and routes on both sides exactly, TCP from a cell to the host over IPv4
# and IPv6, each cell's own loopback, teardown, and refusals that leave
# nothing behind. No forwarding, NAT or firewall rule is involved (later
# steps); the sandbox's global sysctls stay as they were.
. "$(dirname "$0")/../lib/common.sh"

probe=$CC_HELPERS/cell_net_probe
net_probe=$CC_HELPERS/net_probe

# hold_netns: a new network namespace, held by a process; its PID in HELD.
hold_netns() {
	start_ready unshare --net -- /bin/sh -c 'echo ready; exec sleep 1000000'
	HELD=$READY_PID
}
in_ns() { # PID COMMAND...
	local pid=$1
	shift
	nsenter --net="/proc/$pid/ns/net" "$@"
}

# One line per link, address and route, sorted and joined with "; ".
read -r -d '' SUMMARY_PY <<'EOF' || true
import json, sys
kind, data = sys.argv[1], json.load(sys.stdin)
out = []
for d in data:
    if kind == "links":
        flags = ",".join(f for f in d["flags"] if f in ("UP", "LOWER_UP")) or "-"
        info = d.get("linkinfo", {}).get("info_kind", "-")
        out.append(f"{d['ifname']} {info} {flags}")
    elif kind == "addrs":
        out += [f"{d['ifname']} {a['local']}/{a['prefixlen']}" for a in d["addr_info"]]
    else:
        via = f" via {d['gateway']}" if "gateway" in d else ""
        onlink = " onlink" if "onlink" in d.get("flags", []) else ""
        out.append(f"{d['dst']}{via} dev {d['dev']}{onlink}")
print("; ".join(sorted(out)))
EOF
summary() { /usr/bin/python3 -c "$SUMMARY_PY" "$1"; }
links() { "$@" ip -j -d link show | summary links; }
addrs() { "$@" ip -j addr show | summary addrs; }
routes() { "$@" ip -j route show | summary routes; }
routes6() { "$@" ip -j -6 route show | summary routes; }
host_cells() { ip -j link show | /usr/bin/python3 -c 'import json, sys
print(" ".join(sorted(l["ifname"] for l in json.load(sys.stdin) if l["ifname"].startswith("cc"))))'; }
sysctls() { cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/{all,default}/{forwarding,proxy_arp} \
	/proc/sys/net/ipv6/conf/{all,default}/forwarding | paste -sd' '; }

# Addresses of the sandbox (the "host" here) for the cells to reach: on
# its own loopback, in documentation ranges.
ip addr add 192.0.2.1/32 dev lo
ip -6 addr add 2001:db8::1/128 dev lo
start_listeners 192.0.2.1:8000/tcp "[2001:db8::1]:8000/tcp"
host_listener=$LISTENER_PID
sysctls_before=$(sysctls)

# --- addresses from chatcell.conf ----------------------------------------
run "$probe" addrs 0
is "$rc:$out" "0:cc0 10.77.0.1 fde8:edd2:e0ff::1" "cell 0 gets the first addresses of the default ranges"
write_config <<'EOF'
cell_ipv4_range = 10.99.4.0/24
cell_ipv6_range = fd12:3456:789a:1::/64
EOF
run "$probe" addrs 7
is "$rc:$out" "0:cc7 10.99.4.8 fd12:3456:789a:1::8" "the ranges come from chatcell.conf"
run "$probe" addrs 254
is "$rc:$err" "1:cell 254 is beyond the 254 cells that cell_ipv4_range and cell_ipv6_range have room for; widen them in chatcell.conf" \
	"an index past the ranges is refused"
write_config </dev/null

# --- cell 0 ---------------------------------------------------------------
hold_netns
ns1=$HELD
run "$probe" up 0 "/proc/$ns1/ns/net"
is "$rc:$out:$err" "0:cc0 10.77.0.1 fde8:edd2:e0ff::1:" "cell 0's network is made"
is "$(ip -j -d link show cc0 | summary links)" "cc0 veth UP,LOWER_UP" \
	"the host's end: cc0, a veth, up with a carrier"
is "$(ip -j link show cc0 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')" \
	"ee:ee:ee:ee:ee:ee" "the host's end has the gateways' MAC address"
is "$(ip -j addr show dev cc0 | summary addrs)" "cc0 fe80::1/64" "the host's end has fe80::1 and no other address"
is "$(routes | tr ';' '\n' | grep -c 'dev cc0')" "1" "one IPv4 route to the cell on the host"
like "$(routes)" "*10.77.0.1 dev cc0*" "the host routes 10.77.0.1/32 to cc0"
is "$(ip -j -6 route show dev cc0 | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(r["dst"] for r in json.load(sys.stdin))))')" \
	"fde8:edd2:e0ff::1 fe80::/64" "the host routes fde8:edd2:e0ff::1/128 to cc0 (and fe80::/64 of its own address)"
is "$(cat /proc/sys/net/ipv4/conf/cc0/{proxy_arp,route_localnet,forwarding} | paste -sd' ')" "1 1 0" \
	"proxy ARP and route_localnet (DNS to the host's stub) are on for cc0 alone, forwarding is not"
is "$(links in_ns "$ns1")" "eth0 veth UP,LOWER_UP; lo - UP,LOWER_UP" "inside: eth0 and lo, both up"
queues() { jq -r '.[0] | "\(.num_tx_queues) \(.num_rx_queues)"'; }
is "$(ip -j -d link show cc0 | queues) / $(in_ns "$ns1" ip -j -d link show eth0 | queues)" "1 1 / 1 1" \
	"each end has one queue each way, asked for (no cut from one per CPU, which waits for RCU)"
is "$(addrs in_ns "$ns1")" "eth0 10.77.0.1/32; eth0 fde8:edd2:e0ff::1/128; lo 127.0.0.1/8; lo ::1/128" \
	"inside: the cell's /32 and /128 on eth0, and loopback"
is "$(routes in_ns "$ns1")" "default via 169.254.1.1 dev eth0 onlink" "inside: IPv4 default via 169.254.1.1 onlink"
is "$(routes6 in_ns "$ns1")" "default via fe80::1 dev eth0; fde8:edd2:e0ff::1 dev eth0" \
	"inside: IPv6 default via fe80::1"
is "$(in_ns "$ns1" ip neigh show | sort | paste -sd';')" \
	"169.254.1.1 dev eth0 lladdr ee:ee:ee:ee:ee:ee PERMANENT ;fe80::1 dev eth0 lladdr ee:ee:ee:ee:ee:ee PERMANENT " \
	"inside: the gateways are permanent neighbours"
is "$(in_ns "$ns1" "$net_probe" tcp 192.0.2.1 8000)" "ok" "cell 0 reaches the host's listener over IPv4"
is "$(in_ns "$ns1" "$net_probe" tcp 2001:db8::1 8000)" "ok" "cell 0 reaches the host's listener over IPv6"

# --- cell 1: other addresses, its own loopback ------------------------------
hold_netns
ns2=$HELD
run "$probe" up 1 "/proc/$ns2/ns/net"
is "$rc:$out:$err" "0:cc1 10.77.0.2 fde8:edd2:e0ff::2:" "cell 1's network is made, with the next addresses"
is "$(addrs in_ns "$ns2")" "eth0 10.77.0.2/32; eth0 fde8:edd2:e0ff::2/128; lo 127.0.0.1/8; lo ::1/128" \
	"inside cell 1: its own addresses"
is "$(in_ns "$ns2" "$net_probe" tcp 192.0.2.1 8000)" "ok" "cell 1 reaches the host's listener over IPv4"
is "$(in_ns "$ns2" "$net_probe" tcp 2001:db8::1 8000)" "ok" "cell 1 reaches the host's listener over IPv6"
start_ready nsenter --net="/proc/$ns1/ns/net" /usr/bin/python3 "$CC_SRCDIR/tests/lib/listener.py" 127.0.0.1:9000/tcp
cell_listener=$READY_PID
is "$(in_ns "$ns1" "$net_probe" tcp 127.0.0.1 9000)" "ok" "cell 0 reaches its own 127.0.0.1:9000"
is "$(in_ns "$ns2" "$net_probe" tcp 127.0.0.1 9000)" "ECONNREFUSED" "cell 1's 127.0.0.1 is its own: cell 0's listener is not there"
is "$("$net_probe" tcp 127.0.0.1 9000)" "ECONNREFUSED" "nor on the host's loopback"
kill "$cell_listener"
is "$(host_cells)" "cc0 cc1" "the host has one link per cell"

# --- teardown ------------------------------------------------------------------
run "$probe" down 0
is "$rc:$out:$err" "0::" "cell 0's network is removed"
is "$(host_cells)" "cc1" "cc0 is gone from the host"
is "$(links in_ns "$ns1")" "lo - UP,LOWER_UP" "eth0 is gone from cell 0"
is "$(routes | tr ';' '\n' | grep -c 'dev cc0')" "0" "and its route with it"
run "$probe" down 0
is "$rc:$out:$err" "0::" "removing it again is nothing to do"
kill "$ns2"
wait_gone "$ns2"
run "$probe" down 1
is "$rc:$err" "0:" "a cell whose namespace ended took its pair along"

# --- refusals leave nothing behind ---------------------------------------------
run "$probe" up 2 /dev/null
like "$rc:$out:$err" "1::descriptor [0-9]* is not a network namespace (open /proc/PID/ns/net of the cell's keeper)" \
	"a descriptor that is not a network namespace is refused"
is "$(host_cells)" "" "and nothing is made"

hold_netns
ns3=$HELD
ip link add cc3 type veth peer name x3
run "$probe" up 3 "/proc/$ns3/ns/net"
is "$rc:$err" "1:a network interface named cc3 already exists on the host; if no cell uses it, remove it (ip link del cc3)" \
	"a host link named like the cell's is refused"
is "$(links in_ns "$ns3")" "lo - -" "and nothing is made in the cell (its loopback is still down)"
run "$probe" down 3
is "$rc:$err" "1:cc3 is not a cell's link (a veth pair whose host end has address ee:ee:ee:ee:ee:ee); chatcell leaves it alone" \
	"teardown leaves a link chatcell did not make alone"
is "$(ip -j -d link show cc3 | summary links)" "cc3 veth -" "the other link is still there, untouched"
ip link del cc3
run "$probe" up 3 "/proc/$ns3/ns/net"
is "$rc:$err" "0:" "control: once the name is free, cell 3's network is made"

run "$probe" up 4 "/proc/$ns3/ns/net"
is "$rc:$err" "1:the cell's network namespace already has an interface named eth0 (is its network set up already?)" \
	"a namespace that has an eth0 already is refused"
is "$(host_cells)" "cc3" "and nothing is made on the host"

hold_netns
ns4=$HELD
in_ns "$ns4" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 # in the test's namespace only
run "$probe" up 5 "/proc/$ns4/ns/net"
is "$rc:$err" "1:cannot set up the network of cell 5 (adding the cell's IPv6 address): Permission denied" \
	"a failure after the pair exists is reported with the step that failed"
is "$(host_cells)" "cc3" "the pair is removed again: nothing of cell 5 on the host"
is "$(links in_ns "$ns4")" "lo - UP,LOWER_UP" "nor in its namespace (but for its loopback, up)"
in_ns "$ns4" sysctl -qw net.ipv6.conf.default.disable_ipv6=0
run "$probe" up 5 "/proc/$ns4/ns/net"
is "$rc:$err" "0:" "control: with IPv6 on, cell 5's network is made"

# A host that disables IPv6 on new links (here the sandbox's own sysctl):
# the cell gets IPv4 alone, and an IPv6 connect fails at once. The same on
# a kernel booted with ipv6.disable=1 is in the VM tier (vm/noipv6.vmtest).
hold_netns
ns6=$HELD
sysctl -qw net.ipv6.conf.default.disable_ipv6=1
run "$probe" up 6 "/proc/$ns6/ns/net"
sysctl -qw net.ipv6.conf.default.disable_ipv6=0
is "$rc:$err" "0:" "with IPv6 disabled on the host's new links, cell 6's network is made"
is "$(cat /proc/sys/net/ipv6/conf/cc6/disable_ipv6)" "1" "its host end has IPv6 disabled, as the host chose"
is "$(ip -j addr show dev cc6 | summary addrs)" "" "the host's end has no address (no fe80::1)"
is "$(ip -j -6 route show dev cc6 | summary routes)" "" "and no IPv6 route to the cell"
like "$(routes)" "*10.77.0.7 dev cc6*" "the host routes the cell's IPv4 address to cc6"
is "$(addrs in_ns "$ns6")" "eth0 10.77.0.7/32; lo 127.0.0.1/8; lo ::1/128" "inside: the cell's IPv4 /32 alone on eth0"
is "$(routes6 in_ns "$ns6")" "" "inside: no IPv6 route"
is "$(in_ns "$ns6" "$net_probe" tcp 192.0.2.1 8000)" "ok" "cell 6 reaches the host's listener over IPv4"
is "$(in_ns "$ns6" "$net_probe" tcp 2001:db8::1 8000)" "ENETUNREACH" "an IPv6 connect fails at once (no route)"
hold_netns
ns7=$HELD
run "$probe" up 7 "/proc/$ns7/ns/net"
is "$rc:$(addrs in_ns "$ns7")" "0:eth0 10.77.0.8/32; eth0 fde8:edd2:e0ff::8/128; lo 127.0.0.1/8; lo ::1/128" \
	"control: with IPv6 on again, cell 7 gets its IPv6 address"
is "$(in_ns "$ns7" "$net_probe" tcp 2001:db8::1 8000)" "ok" "control: and reaches the host's listener over IPv6"
run "$probe" down 6
run "$probe" down 7
kill "$ns6" "$ns7"

# The egress table of a cell being started is made, never replaced: the
# start's batch deletes nothing (a delete makes the close of the nftables
# socket wait for an RCU grace period), so a table that is there already
# fails the start instead of being taken over.
table=$CC_HELPERS/nft_table
hold_netns
ns5=$HELD
run "$table" new "/proc/$ns5/ns/net"
is "$rc:$out" "0:ok" "a new cell's table is made in its empty namespace"
is "$(in_ns "$ns5" nft list tables)" "table inet chatcell" "and it is the namespace's one table"
run "$table" new "/proc/$ns5/ns/net"
is "$rc:$out" "1:EEXIST" "a start finding a table there already fails (EEXIST) rather than replace it"
run "$table" replace "/proc/$ns5/ns/net"
is "$rc:$out" "0:ok" "control: a rebuild replaces the table that is there"
is "$(in_ns "$ns5" nft list tables)" "table inet chatcell" "and leaves one table"
# A batch the kernel refuses as a whole (here: no CAP_NET_ADMIN) has one
# answer, not one per message: the commit reports it rather than wait for
# the others. timeout only guards the suite.
run timeout -k 5 30 setpriv --bounding-set=-net_admin --inh-caps=-net_admin "$table" replace "/proc/$ns5/ns/net"
is "$rc:$out" "1:EPERM" "a batch refused as a whole (no CAP_NET_ADMIN) fails with the kernel's EPERM, without waiting for more answers"

run "$probe" down 3
run "$probe" down 5
is "$(host_cells)" "" "every cell's link is gone"
is "$(sysctls)" "$sysctls_before" "the namespace-wide sysctls (forwarding, proxy ARP) are as they were"
kill "$ns1" "$ns3" "$ns4" "$ns5" "$host_listener"
done_testing
