#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Adversarial suite, network plane: what chat A can learn about, or do to,
# chat B through the network stack once each cell has a network namespace
# of its own. Each attack ("attack net/NAME") sits next to a control that
# shows the same probe working where chatcell does not stand in the way:
# B on its own sockets, or root inside B's cell. Only loopback addresses
# and the cells' own addresses are used.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "net-chat-a")
b=$(chat_user "net-chat-b")
probe=$CC_HELPERS/net_probe
ss=$(command -v ss) # by its path: a chat's PATH leaves out /usr/sbin
login_run() { chatcell-admin run --user "$1" -- /bin/sh -c "$2"; }
in_cell() { nsenter --net="/proc/$(keeper_of "$1")/ns/net" "${@:2}"; } # CHAT_ID COMMAND...
lo_packets() { awk '$1 == "lo:" { print $3 }' "$@"; } # received packets of lo in a /proc/net/dev

# B serves on its loopback (TCP 3000, IPv4 and IPv6), on every address
# (3001), and on an abstract unix socket, from its own cell.
start_ready chatcell-admin run --user "$b" -- "$probe" listen 127.0.0.1 3000
b_jobs=$READY_PID
start_ready chatcell-admin run --user "$b" -- "$probe" listen ::1 3000
b_jobs+=" $READY_PID"
start_ready chatcell-admin run --user "$b" -- "$probe" listen 0.0.0.0 3001
b_jobs+=" $READY_PID"
start_ready chatcell-admin run --user "$b" -- "$probe" abstract-listen chatcell-test-b
b_jobs+=" $READY_PID"
b_addr=$(in_cell net-chat-b ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }')
ok "B's cell has its own address on eth0 ($b_addr)" test -n "$b_addr"

# Controls: B reaches its own servers from another login.
is "$(login_run "$b" "$probe tcp 127.0.0.1 3000")" ok "control: B's other login reaches its 127.0.0.1:3000"
is "$(login_run "$b" "$probe tcp ::1 3000")" ok "control: B's other login reaches its [::1]:3000"
is "$(in_cell net-chat-b "$probe" abstract chatcell-test-b)" ok "control: root inside B's cell reaches B's abstract socket @chatcell-test-b"
like "$(login_run "$b" "cat /proc/net/tcp")" "*:0BB8 00000000:0000 0A*" "control: B's /proc/net/tcp lists its listener on port 3000"
like "$(login_run "$b" "cat /proc/net/unix")" "*@chatcell-test-b*" "control: B's /proc/net/unix lists its abstract socket"
like "$(login_run "$b" "$ss -Htln")" "*127.0.0.1:3000*" "control: B's ss (sock_diag) lists its listener"
is "$(in_cell net-chat-b "$probe" tcp 127.0.0.1 3000)" ok "control: root inside B's cell reaches B's 127.0.0.1:3000"
is "$(in_cell net-chat-b "$probe" tcp "$b_addr" 3001)" ok "control: inside B's cell, B's own address reaches 3001"

# The attacks.
is "$(login_run "$a" "$probe tcp 127.0.0.1 3000")" ECONNREFUSED "attack net/loopback-port: A to 127.0.0.1:3000 finds nothing (B's is in B's cell)"
is "$(login_run "$a" "$probe tcp ::1 3000")" ECONNREFUSED "attack net/loopback-port-ipv6: A to [::1]:3000 finds nothing"
is "$("$probe" tcp 127.0.0.1 3000)" ECONNREFUSED "attack net/host-to-cell-loopback: the host's 127.0.0.1:3000 is not B's"
is "$(login_run "$a" "$probe abstract chatcell-test-b")" ECONNREFUSED "attack net/abstract-socket: A cannot connect to B's @chatcell-test-b"
run login_run "$a" "cat /proc/net/tcp /proc/net/tcp6"
[[ "$out" != *:0BB8* && "$out" != *:0BB9* ]]
ok "attack net/proc-net-tcp: A's /proc/net/tcp and tcp6 show none of B's sockets" test $? -eq 0
run login_run "$a" "cat /proc/net/unix"
[[ "$out" != *chatcell-test-b* ]]
ok "attack net/proc-net-unix: A's /proc/net/unix shows no abstract name of B's" test $? -eq 0
run login_run "$a" "$ss -Htuanx"
[[ "$out" != *:3000* && "$out" != *:3001* && "$out" != *chatcell-test-b* ]]
ok "attack net/sock-diag: A's ss (sock_diag) shows none of B's sockets" test $? -eq 0
is "$(login_run "$a" "$probe bind 127.0.0.1 3000")" ok "attack net/port-collision: A takes 127.0.0.1:3000 too (its own port space)"
is "$(login_run "$a" "$probe bind 0.0.0.0 3001")" ok "attack net/port-squat: A binding B's 0.0.0.0:3001 takes nothing from B"
is "$(login_run "$b" "$probe tcp 127.0.0.1 3000")" ok "and B still reaches its own 127.0.0.1:3000"
run env NET_PROBE_TIMEOUT_MS=1500 "$probe" tcp "$b_addr" 3001
is "$out" ETIMEDOUT "attack net/inbound-from-host: nothing opens a connection into B's cell (its input chain drops it)"
run login_run "$a" "NET_PROBE_TIMEOUT_MS=1500 $probe tcp $b_addr 3001"
is "$out" ECONNREFUSED "attack net/cell-to-cell: A to B's cell address is refused by A's own egress policy"
a_lo_before=$(login_run "$a" "cat /proc/net/dev" | lo_packets)
b_lo_before=$(login_run "$b" "cat /proc/net/dev" | lo_packets)
for _ in 1 2 3 4 5; do login_run "$b" "$probe tcp 127.0.0.1 3000" >/dev/null; done
b_lo=$(login_run "$b" "cat /proc/net/dev" | lo_packets)
ok "control: B's loopback counted B's 5 connections ($((b_lo - b_lo_before)) packets)" test $((b_lo - b_lo_before)) -ge 15
is "$(login_run "$a" "cat /proc/net/dev" | lo_packets)" "$a_lo_before" \
	"attack net/lo-counters: A's loopback counters did not move with B's traffic"

# ssh port forwarding: sshd connects for the chat from inside its cell, so
# the chat's egress policy holds, also after the host's ruleset is flushed.
start_uplink 10.99.0.2 10.99.0.3 fd00::2
banner='import select, socket, sys
ss = []
for a in sys.argv[1:]:
    s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((a, 8000)); s.listen(8); ss.append(s)
print("ready", flush=True)
while True:
    for s in select.select(ss, [], [])[0]:
        c, _ = s.accept(); c.sendall(b"hello"); c.close()'
start_ready /usr/bin/python3 -c "$banner" 10.99.0.2 10.99.0.3 fd00::2
banner_pid=$READY_PID
chatcell-admin egress allow net-chat-a 10.99.0.2 --port 8000 >/dev/null
# Loopback flows in a cell get no conntrack entry: 127.0.0.0/8 gives a
# chat as many as it likes, each kernel memory, up to nf_conntrack_max per
# namespace. Its flows out through its link do.
ct_count() { in_cell net-chat-a cat /proc/sys/net/netfilter/nf_conntrack_count; }
lo_flood='import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2000):
    s.sendto(b"x", ("127.%d.%d.1" % (i // 250 + 1, i % 250 + 1), 9))
print("sent")'
run chatcell-admin run --user "$a" -- "$probe" tcp 10.99.0.2 8000
tracked=$(ct_count)
ok "control: A's connection out to its allowed 10.99.0.2:8000 is tracked ($tracked entries in A's cell)" test "$tracked" -ge 1
run chatcell-admin run --user "$a" -- /usr/bin/python3 -c "$lo_flood"
is "$out:$(ct_count)" "sent:$tracked" "attack net/conntrack-loopback: 2,000 UDP flows on A's loopback add no conntrack entry"
# Flows out through the link are entries in the cell and on the host,
# whose table every chat shares: connections_max caps a cell's. C's cell
# is made after the cap is lowered to 20; A's table has the default, 1024.
# Questions to the DNS gate count apart, at most what the gate answers in
# the 10 s conntrack keeps them (dns_burst + 10 x dns_rate: 25 here).
printf 'connections_max = 20\ndns_rate = 2\ndns_burst = 5\n' | write_config
c=$(chat_user "net-chat-c")
for proto in tcp udp; do
	chatcell-admin egress allow net-chat-c 10.99.0.2 --port 8000 --proto $proto >/dev/null
	chatcell-admin egress allow net-chat-a 10.99.0.2 --port 8000 --proto $proto >/dev/null
done
udp_flows='import errno, socket, sys
sent = refused = 0
held = [] # open until the end: each flow has a source port of its own, as resolvers use
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    held.append(s)
    try:
        s.sendto(bytes(12), (sys.argv[2], int(sys.argv[3])))
        sent += 1
    except OSError as e:
        if e.errno != errno.EPERM:
            raise
        refused += 1
print(sent, refused)' # N ADDRESS PORT: N UDP flows, "sent refused(EPERM)"
run chatcell-admin run --user "$c" -- /usr/bin/python3 -c "$udp_flows" 40 169.254.1.1 53
is "$out" "25 15" "attack net/dns-flood: C's 40 questions from 40 ports: 25 reach the gate, 15 are refused (EPERM)"
is "$(login_run "$c" "$probe tcp 10.99.0.2 8000")" ok "and they used none of C's 20 connections: its allowed TCP connection goes through"
# Only flows the allowlist admits enter the count: attempts it refuses
# never fill it.
refused_connects='import errno, socket
out = set()
for i in range(50):
    s = socket.socket()
    try:
        s.connect(("10.99.0.3", 8000))
        out.add("ok")
    except OSError as e:
        out.add(errno.errorcode[e.errno])
    s.close()
print(" ".join(sorted(out)))'
run chatcell-admin run --user "$c" -- /usr/bin/python3 -c "$refused_connects"
is "$out" ECONNREFUSED "C's 50 connections to 10.99.0.3, which its allowlist does not name, are refused by the policy"
is "$(login_run "$c" "$probe tcp 10.99.0.2 8000")" ok "attack net/cap-refused-attempts: they took none of C's 20 (its allowed connection goes through)"
run chatcell-admin show net-chat-c
like "$out" "*rejected     50 packets*" "show counts them as refused by the egress policy (50 SYNs), not as capped"
dns_timeouts() { # the longest time left of the UDP flows to the gate, in $@'s conntrack table
	"$@" awk '$3 == "udp" && $7 == "dst=169.254.1.1" && $9 == "dport=53" { print $5 }' /proc/net/nf_conntrack | sort -n | tail -1
}
ok "conntrack keeps them 10 s in C's cell (at most $(dns_timeouts in_cell net-chat-c) s left)" test "$(dns_timeouts in_cell net-chat-c)" -le 10
ok "and on the host (at most $(dns_timeouts) s left)" test "$(dns_timeouts)" -le 10
cell_addr() { in_cell "$1" ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }'; }
flows_to_8000() { # FROM [COMMAND...]: conntrack entries of UDP from FROM to 10.99.0.2:8000 (in COMMAND's netns)
	local from=$1
	shift
	"$@" awk -v from="src=$from" '$3 == "udp" && $6 == from && $7 == "dst=10.99.0.2" && $9 == "dport=8000"' \
		/proc/net/nf_conntrack | wc -l
}
host_flows() { flows_to_8000 "$(cell_addr "$1")"; } # the host's, of chat $1's cell
run chatcell-admin run --user "$a" -- /usr/bin/python3 -c "$udp_flows" 200 10.99.0.2 8000
is "$out:$(host_flows net-chat-a)" "200 0:200" "control: A's 200 UDP flows to its allowed 10.99.0.2:8000 all go out, 200 entries on the host"
run chatcell-admin run --user "$c" -- /usr/bin/python3 -c "$udp_flows" 200 10.99.0.2 8000
is "$out:$(host_flows net-chat-c)" "20 180:20" "attack net/conntrack-flood: C's 200 UDP flows: 20 go out, 180 are refused (EPERM), 20 entries on the host"
is "$(flows_to_8000 "$(cell_addr net-chat-c)" in_cell net-chat-c)" 20 "and 20 in C's cell"
is "$(login_run "$c" "$probe tcp 10.99.0.2 8000")" ECONNREFUSED "attack net/conntrack-flood-tcp: at the cap, C's allowed TCP connection is refused at once"
is "$(login_run "$a" "$probe tcp 10.99.0.2 8000")" ok "control: A's, under its own cap, goes through"
run chatcell-admin show net-chat-c
like "$out" "*capped       196 packets of new connections refused at the cell's cap (connections_max 20 open, 40 new at once then 2 a second, and 25 questions to the DNS gate)*" \
	"show counts C's refused packets (15 questions, 180 UDP, 1 TCP SYN)"
# A TCP connection that has closed leaves the count, while conntrack keeps
# its entry (TIME_WAIT, 120 s by default): the cap also sets a rate of new
# flows (40 at once, then 2 a second here), and a cell's closed TCP
# connections are forgotten after 10 s, in the cell and on the host. D is
# a fresh chat with C's cap.
d=$(chat_user "net-chat-d")
chatcell-admin egress allow net-chat-d 10.99.0.2 --port 8000 --proto tcp >/dev/null
connect_close='import errno, socket, sys
done = refused = 0
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET)
    try:
        s.connect((sys.argv[2], int(sys.argv[3])))
        while s.recv(100): # the banner, then its end: both ends close, a TIME_WAIT entry
            pass
        done += 1
    except OSError as e:
        if e.errno != errno.ECONNREFUSED:
            raise
        refused += 1
    s.close()
print(done, refused)' # N ADDRESS PORT: N connections opened and closed, "done refused(ECONNREFUSED)"
tcp_flows() { # FROM [COMMAND...]: "entries longest-time-left" of TCP from FROM to 10.99.0.2:8000 in TIME_WAIT
	local from=$1
	shift
	"$@" awk -v from="src=$from" -v to="${TO:-dst=10.99.0.2}" '$3 == "tcp" && $6 == "TIME_WAIT" && (from == "src=" || $7 == from) && $8 == to && $10 == "dport=8000" {
		n++; if ($5 > max) max = $5 } END { print n + 0, max + 0 }' /proc/net/nf_conntrack
}
run chatcell-admin run --user "$a" -- /usr/bin/python3 -c "$connect_close" 200 10.99.0.2 8000
read -r a_entries a_left <<<"$(tcp_flows "$(cell_addr net-chat-a)")"
is "$out" "200 0" "control: A opens and closes 200 connections to its allowed 10.99.0.2:8000"
ok "the host holds them closed ($a_entries entries; with A's earlier ones of the last 10 s)" test "$a_entries" -ge 200
ok "which the host forgets 10 s after they close (at most $a_left s left; 120 s is the kernel's TIME_WAIT)" test "$a_left" -le 10
run chatcell-admin run --user "$d" -- /usr/bin/python3 -c "$connect_close" 400 10.99.0.2 8000
read -r done refused <<<"$out"
# The kernel's count forgets closed connections lazily (at most once a
# clock tick), so more than 20 but far fewer than 400 go through without
# the rate; with it, at most 40 and 2 a second (the rest of the loop).
ok "attack net/timewait-flood: D's 400 connections opened and closed: $done go through (20 to 50), $refused are refused (ECONNREFUSED)" \
	test "$done" -ge 20 -a "$done" -le 50 -a "$((done + refused))" = 400
read -r d_entries d_left <<<"$(tcp_flows "$(cell_addr net-chat-d)")"
is "$d_entries" "$done" "the host holds $done closed entries of D's, not 400"
ok "and forgets them 10 s after they close (at most $d_left s left)" test "$d_left" -le 10
read -r d_entries d_left <<<"$(tcp_flows "$(cell_addr net-chat-d)" in_cell net-chat-d)"
ok "so does D's cell ($d_entries entries, at most $d_left s left)" test "$d_entries" = "$done" -a "$d_left" -le 10
like "$(chatcell-admin show net-chat-d)" "*capped       $refused packets of new connections*" "show counts the $refused refused SYNs"
# The rate counts a flow's first packet only: a UDP flow that nothing
# answers stays NEW to conntrack, and its later packets take nothing from
# the bucket (E: a fresh chat with C's cap, 40 at once).
e=$(chat_user "net-chat-e")
chatcell-admin egress allow net-chat-e 10.99.0.3 --port 9 --proto udp >/dev/null
one_way='import errno, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = refused = 0
for i in range(200):
    try:
        s.sendto(b"x", ("10.99.0.3", 9))
        sent += 1
    except OSError as e:
        if e.errno != errno.EPERM:
            raise
        refused += 1
print(sent, refused)'
run chatcell-admin run --user "$e" -- /usr/bin/python3 -c "$one_way"
is "$out" "200 0" "control: E's one UDP flow that nothing answers sends all its 200 packets (the rate saw its first)"
chatcell-admin egress allow net-chat-a fd00::2 --port 8000 --proto tcp >/dev/null
run chatcell-admin run --user "$a" -- /usr/bin/python3 -c "$connect_close" 5 fd00::2 8000
read -r v6_entries v6_left <<<"$(TO=dst=fd00:0000:0000:0000:0000:0000:0000:0002 tcp_flows "")"
is "$out:$v6_entries" "5 0:5" "control: A's 5 IPv6 connections to its allowed [fd00::2]:8000, closed, 5 entries on the host"
ok "which it forgets 10 s after they close as well (at most $v6_left s left)" test "$v6_left" -le 10
# connections_max = max: no count and no rate, only the questions' own cap.
printf 'connections_max = max\ndns_rate = 2\ndns_burst = 5\n' | write_config
f=$(chat_user "net-chat-f")
run chatcell-admin run --user "$f" -- /usr/bin/python3 -c "$udp_flows" 40 169.254.1.1 53
is "$out" "25 15" "with connections_max = max, F's 40 questions still stop at 25 (15 refused)"
is "$(in_cell net-chat-f nft list chain inet chatcell admit | grep -c 'count\|limit')" 0 "and its table has no cap and no rate"
like "$(chatcell-admin show net-chat-f)" "*capped       15 packets of questions to the DNS gate refused past 25 at once (connections_max max: no other cap)*" \
	"show says what was refused, and that there is no other cap"
write_config </dev/null

# Source routing: an unprivileged socket may carry an IPv6 routing header
# (IPV6_RTHDR, here a segment routing header) or an IPv4 loose source
# route (IP_OPTIONS). The packet goes to the route's first address, an
# allowed one, which would pass it on to a destination A may not reach.
chatcell-admin egress allow net-chat-a fd00::2 --port 8000 --proto udp >/dev/null
route_probe='import errno, socket, struct, sys
def send(family, to, level=0, opt=None, value=b""):
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        if opt is not None:
            s.setsockopt(level, opt, value)
        s.sendto(b"x", (to, 8000))
        return "sent"
    except OSError as e:
        return errno.errorcode[e.errno]
via6, via4 = "fd00::2", "10.99.0.2"
srh = struct.pack("BBBBBBH", 0, 4, 4, 1, 1, 0, 0) + socket.inet_pton(socket.AF_INET6, "::") + socket.inet_pton(socket.AF_INET6, via6)
lsrr = bytes([1, 131, 7, 4]) + socket.inet_aton(via4)
print(send(socket.AF_INET6, via6), send(socket.AF_INET6, "fd00::9"),
      send(socket.AF_INET6, "fd00::9", socket.IPPROTO_IPV6, 57, srh))
print(send(socket.AF_INET, via4), send(socket.AF_INET, "10.99.0.9"),
      send(socket.AF_INET, "10.99.0.9", socket.IPPROTO_IP, socket.IP_OPTIONS, lsrr))'
run in_cell net-chat-a /usr/bin/python3 -c "$route_probe"
is "$out" $'sent sent sent\nsent sent sent' "control: root inside A's cell sends all six datagrams, with either route"
run chatcell-admin run --user "$a" -- /usr/bin/python3 -c "$route_probe"
is "${out%%$'\n'*}" "sent EPERM EPERM" \
	"attack net/source-route-ipv6: A's datagram routed through its allowed [fd00::2]:8000 to [fd00::9] (a segment routing header) is refused, as the direct one is; control: to [fd00::2] it goes"
is "${out##*$'\n'}" "sent EPERM EPERM" \
	"attack net/source-route-ipv4: A's datagram with a loose source route through its allowed 10.99.0.2 to 10.99.0.9 is refused (this kernel refuses the option to A already; the table would too), as the direct one is; control: to 10.99.0.2 it goes"

# Group memberships: the kernel reports a group A joins (IGMP, MLD) with
# the addresses A chose, from no socket of A's; the cell drops them.
mcast_dropped() { in_cell net-chat-a nft -j list chain inet chatcell output | /usr/bin/python3 -c 'import json, sys
print(sum(e["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "rule" in o
          for e in o["rule"]["expr"] if "counter" in e and isinstance(e["counter"], dict) and "packets" in e["counter"]))'; }
mcast_before=$(mcast_dropped)
join='import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("239.1.2.3") + socket.inet_aton("0.0.0.0"))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff05::1:2") + struct.pack("@I", socket.if_nametoindex("eth0")))
print("joined")'
run chatcell-admin run --user "$a" -- /usr/bin/python3 -c "$join"
is "$out" joined "control: A joins an IPv4 and an IPv6 multicast group (the kernel reports both)"
mcast_more() { [ "$(mcast_dropped)" -ge "$((mcast_before + 2))" ]; }
ok "attack net/multicast-report: the IGMP and MLD reports of A's groups are dropped in A's cell ($mcast_before before)" \
	spin_until 10 mcast_more

# A flow the admin denies while it is open: the cell's table lets a packet
# of a known flow pass before it looks at the allowlist, so deny makes the
# kernel forget the cell's flows, and each must be admitted again by the
# rules as they are now. A holds a TCP connection and a connected UDP
# socket to rules it then loses, and a TCP connection to a rule it keeps.
start_listeners 10.99.0.2:8003/tcpecho 10.99.0.2:8004/tcpecho 10.99.0.2:5354/udp
flows_listener=$LISTENER_PID
chatcell-admin egress allow net-chat-a 10.99.0.2 --port 8003 >/dev/null
chatcell-admin egress allow net-chat-a 10.99.0.2 --port 8004 >/dev/null
chatcell-admin egress allow net-chat-a 10.99.0.2 --port 5354 --proto udp >/dev/null
mkfifo -m 0666 /run/flows-open /run/flows-go
chatcell-admin run net-chat-a -- /usr/bin/python3 -c "$talk_py"'
lost = socket.create_connection(("10.99.0.2", 8003), timeout=5)
kept = socket.create_connection(("10.99.0.2", 8004), timeout=5)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.connect(("10.99.0.2", 5354))
with open("/run/flows-open", "w") as f:
    f.write("%s %s %s\n" % (talk(lost, b"1"), talk(udp, b"1"), talk(kept, b"1")))
open("/run/flows-go").read()
print(talk(lost, b"2"), talk(udp, b"2"), talk(kept, b"2"))
' >/tmp/flows.out 2>&1 &
flows_job=$!
flows=$(timeout 30 head -n 1 /run/flows-open) # (bounded: a failed program fails the check)
is "$flows" "ok ok ok" "control: A's open TCP, UDP and TCP flows carry data while their rules allow them"
chatcell-admin egress deny net-chat-a 10.99.0.2 --port 8003 >/dev/null
chatcell-admin egress deny net-chat-a 10.99.0.2 --port 5354 --proto udp >/dev/null
timeout 30 sh -c 'echo go >/run/flows-go'
wait "$flows_job"
is "$(cat /tmp/flows.out)" "ECONNRESET EPERM ok" \
	"attack net/flow-after-deny: A's TCP and UDP flows the admin denied are cut (reset; refused at send); control: its flow still allowed goes on"
rm -f /run/flows-open /run/flows-go /tmp/flows.out
kill "$flows_listener" 2>/dev/null

start_sshd 2222
authorize_key "$a"
read_tunnel='import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10); print(s.recv(100).decode() or "EOF")'
tunnel() { # LOCAL_PORT TARGET: what A's ssh -N -L LOCAL_PORT:TARGET:8000 delivers
	ssh -q -f -i "$SSH_KEY" -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ExitOnForwardFailure=yes -N -L "$1:$2:8000" "$a@127.0.0.1"
	/usr/bin/python3 -c "$read_tunnel" "$1"
}
is "$(/usr/bin/python3 -c 'import socket; print(socket.create_connection(("10.99.0.3", 8000)).recv(100).decode())')" hello \
	"control: root on the host gets the banner of 10.99.0.3:8000"
is "$(tunnel 9100 10.99.0.2)" hello "control: A's ssh -L to its allowed 10.99.0.2:8000 carries the banner"
is "$(tunnel 9101 10.99.0.3)" EOF "attack net/ssh-forward: A's ssh -L to 10.99.0.3:8000 carries nothing (sshd connects from A's cell)"
nft flush ruleset
is "$(tunnel 9102 10.99.0.3)" EOF "attack net/ssh-forward-after-flush: the same after nft flush ruleset on the host"
pkill -f "ssh -q -f -i $SSH_KEY" 2>/dev/null
kill "$banner_pid" "$SSHD_PID" 2>/dev/null

kill $b_jobs 2>/dev/null
wait $b_jobs 2>/dev/null
done_testing
