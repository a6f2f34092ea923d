#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A host booted with ipv6.disable=1 (the VM tier, plain boot with that
# kernel option), where no AF_INET6 socket or address exists: a chat's
# cell starts with IPv4 alone, its egress rules and the DNS gate work over
# IPv4, and IPv6 fails at once. The host tier shows the other way a host
# turns IPv6 off (net.ipv6.conf.default.disable_ipv6, in
# tests/integration/cell_net.sh); hosts with IPv6 are tested everywhere
# else, and are the control here: the same steps fail on this kernel
# without chatcell's IPv4-only cell.
. "$(dirname "$0")/install_chatcell.sh"
# shellcheck source=tests/lib/dns_gate.sh
. "$CC_SRCDIR/tests/lib/dns_gate.sh"

[ "${VMTIER_MODE:-}" = plain ] || skip_all "runs inside the VM tier only (make check-vm)"
no_ipv6() { [ ! -e /proc/sys/net/ipv6 ] && ! /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6)' 2>/dev/null; }
ok "the guest's kernel has no IPv6 (booted with ipv6.disable=1): no sysctls, no AF_INET6 sockets" no_ipv6

dns_gate_bed
dns_gate_start
run chatcell-admin ensure --start v6less-a
like "$rc:$out" "0:chat-* state=active (created)" "a chat's cell starts"
cell_addr=$(in_cell v6less-a ip -o addr show dev eth0 | awk '{ print $3, $4 }')
is "$cell_addr" "inet 10.77.0.1/32" "its link has its IPv4 address alone"
is "$(in_cell v6less-a ip route show)" "default via 169.254.1.1 dev eth0 proto static onlink " "and its IPv4 default route"
host_end=$(ip -o addr show dev cc0 | wc -l):$(ip route show dev cc0)
is "$host_end" "0:10.77.0.1 proto static scope link " "the host's end: no address, the route to the cell"

chatcell-admin egress allow v6less-a --domain api.test --port 8000 >/dev/null
run chatcell-admin run v6less-a -- /bin/sh -c "/usr/bin/getent ahosts api.test | cut -d' ' -f1 | sort -u; $probe tcp 198.51.100.4 8000"
is "$out" "198.51.100.4
ok" "the chat resolves its allowed name through the gate (IPv4 alone: the resolver's AAAA is not reachable here) and connects"
run "$probe" tcp 198.51.100.5 8000
is "$out" "ok" "control: root on the host reaches 198.51.100.5:8000"
run chatcell-admin run v6less-a -- "$probe" tcp 198.51.100.5 8000
is "$out" "ECONNREFUSED" "the chat does not: its egress rules hold"
run chatcell-admin run v6less-a -- "$dns_probe" "$GATE" other.test
is "$out" "REFUSED tc=0 -" "a name outside its rules is refused by the gate"
asked=no
upstream_asked other.test && asked=yes
is "$asked" no "and never reaches the resolver"
run chatcell-admin run v6less-a -- "$probe" tcp 2001:db8::4 8000
is "$out" "Address family not supported by protocol" "an IPv6 connect fails at once"
run chatcell-admin suspend v6less-a
is "$rc" 0 "suspend ends the cell"
is "$(ip -o link show | grep -c ' cc[0-9]*@')" "0" "and its link"
kill "$GATED_PID"
done_testing
