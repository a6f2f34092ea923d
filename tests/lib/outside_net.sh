# SPDX-License-Identifier: LGPL-2.1-or-later
# start_outside ADDRESS...: the sandbox's stand-in for the internet, a
# network namespace of its own behind a veth link of the sandbox (the
# "host" here; out0 on this side, 10.250.0.1/30 and fd00:250::1/64), where
# each ADDRESS lives on its loopback and the host routes it. The DNS gate
# never gives a chat an address of the host's own, so services a cell is
# to find by name run there (in_outside COMMAND...), not on the host.
# Cells reach them masqueraded by the host's table; nothing leaves the
# sandbox. OUTSIDE_PID holds the namespace.
# On a kernel without IPv6 (ipv6.disable=1) the link has IPv4 alone and
# IPv6 addresses are refused.
start_outside() {
	local fifo addr
	fifo=$(mktemp -u /run/outside.XXXXXX)
	mkfifo "$fifo"
	unshare --net -- /bin/sh -c 'echo ready; exec sleep 1000000' >"$fifo" &
	OUTSIDE_PID=$!
	read -r _ <"$fifo"
	rm -f "$fifo"
	ip link add out0 type veth peer name out1 netns "$OUTSIDE_PID"
	ip addr add 10.250.0.1/30 dev out0
	ip link set out0 up
	in_outside /bin/sh -e -c 'ip link set lo up; ip link set out1 up
		ip addr add 10.250.0.2/30 dev out1; ip route add default via 10.250.0.1'
	if [ -d /proc/sys/net/ipv6 ]; then
		ip -6 addr add fd00:250::1/64 dev out0 nodad
		in_outside /bin/sh -e -c 'ip -6 addr add fd00:250::2/64 dev out1 nodad; ip -6 route add default via fd00:250::1'
	fi
	for addr in "$@"; do
		case "$addr" in
		*:*)
			[ -d /proc/sys/net/ipv6 ] || { echo "start_outside: $addr: this kernel has no IPv6" >&2; return 1; }
			in_outside ip -6 addr add "$addr/128" dev lo
			ip -6 route add "$addr/128" via fd00:250::2
			;;
		*)
			in_outside ip addr add "$addr/32" dev lo
			ip route add "$addr/32" via 10.250.0.2
			;;
		esac
	done
}
in_outside() { nsenter --net="/proc/$OUTSIDE_PID/ns/net" "$@"; }
