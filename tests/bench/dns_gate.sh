#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The DNS gate's benchmark, part of `make bench` (run-bench.sh sources it
# inside its sandbox, after `init`): from inside a cell, the median round
# trip of a question through the gate against the same question sent
# straight to the same dnsmasq (reached through an address rule, the same
# veth hop), and the gate's throughput with 1,000 chats holding rules.
# Figures and ratios only; nothing is asserted.
dns_bench() {
	local H=$CC_BUILDDIR/helpers B=$CC_BUILDDIR/bench i dnsmasq_pid gate_pid direct via
	ip link add bupl0 type veth peer name bupl1
	ip link set bupl1 up
	ip link set bupl0 up
	ip addr add 198.51.100.53/24 dev bupl0
	ip addr add 127.0.0.10/8 dev lo
	dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.10 \
		--listen-address=198.51.100.53 --port=53 --user=root --local-ttl=600 --cache-size=10000 \
		--address=/bench.test/198.51.100.60 --pid-file=/run/bench-dnsmasq.pid &
	dnsmasq_pid=$!
	cat >>/etc/chatcell/chatcell.conf <<-CONF
		dns_servers = 127.0.0.10
		dns_rate = 1000000
		dns_burst = 1000000
		landlock_read = $B
	CONF
	chatcell-admin init >/dev/null
	# 1,000 chats with a rule each (written straight into the registry: the
	# CLI path is measured elsewhere), and two that ask.
	"$H/populate_chats" 1000 "dns-bench-many-" >/dev/null
	sqlite3 /var/lib/chatcell/registry.db "INSERT INTO egress_domains
		(chat, pattern, any_port, proto, port_first, port_last, private_ok)
		SELECT id, '*.rules' || id || '.example', 0, 6, 443, 443, 0 FROM chats
		WHERE CAST(chat_id AS TEXT) LIKE 'dns-bench-many-%'"
	chatcell-admin repair >/dev/null 2>&1 || true # the NSS view learns of them
	echo "chats holding domain rules: $(sqlite3 /var/lib/chatcell/registry.db "SELECT count(DISTINCT chat) FROM egress_domains")"
	for i in 1 2; do chatcell-admin ensure "dns-bench-$i" >/dev/null; done
	chatcell-admin egress allow dns-bench-1 --domain bench.test --port 443 >/dev/null
	chatcell-admin egress allow dns-bench-2 --domain bench.test --port 443 >/dev/null
	chatcell-admin egress allow dns-bench-1 198.51.100.53 --port 53 --proto udp >/dev/null
	chatcelld 2>/run/bench-chatcelld.log &
	gate_pid=$!
	# grep's match decides: tail dies of SIGPIPE when chatcelld writes on,
	# which pipefail would take for a failure.
	timeout 10 tail -n +1 -f /run/bench-chatcelld.log | grep -q -m1 'DNS gate on' || [ "${PIPESTATUS[1]}" = 0 ]
	local ratios="" last_cpu=$(($(nproc) - 1))
	# One CPU for the servers and the client: on this VM a wakeup on
	# another CPU costs about 65 us each way, which swamps both paths
	# (rounds of 15 or 80 us, as the scheduler placed them).
	taskset -p -c 0 "$gate_pid" >/dev/null
	taskset -p -c 0 "$dnsmasq_pid" >/dev/null
	for i in 1 2 3 4 5; do # alternating rounds: the VM's drift hits both alike
		direct=$(taskset -c 0 chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" latency 198.51.100.53 bench.test 2000)
		via=$(taskset -c 0 chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" latency 169.254.1.1 bench.test 2000)
		echo "round $i: median round trip through the gate $via us, straight to dnsmasq $direct us: $(ratio "$via" "$direct")"
		ratios+="$(ratio "$via" "$direct")"$'\n'
	done
	echo "latency through the gate / straight to dnsmasq, median of the 5 rounds: $(sort -n <<<"$ratios" | sed -n 4p) (target <= 1.3)"
	if [ "$last_cpu" -gt 0 ]; then
		direct=$(taskset -c "$last_cpu" chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" latency 198.51.100.53 bench.test 2000)
		via=$(taskset -c "$last_cpu" chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" latency 169.254.1.1 bench.test 2000)
		echo "the same with the client on another CPU than the servers: through the gate $via us, straight to dnsmasq $direct us: $(ratio "$via" "$direct")"
	fi
	# A name the gate has not kept: it asks its resolver, from a socket
	# and a random port of its own, and opens the new address in the
	# cell's table before it answers.
	chatcell-admin egress allow dns-bench-1 --domain '*.bench.test' --port 443 >/dev/null
	via=$(taskset -c 0 chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" latency 169.254.1.1 new-N-a.bench.test 1000)
	direct=$(taskset -c 0 chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" latency 198.51.100.53 new-N-b.bench.test 1000)
	echo "a new name each time (nothing kept answers it), 1,000 one after another, one CPU: through the gate $via us, straight to dnsmasq $direct us"
	taskset -p -c "0-$last_cpu" "$gate_pid" >/dev/null
	taskset -p -c "0-$last_cpu" "$dnsmasq_pid" >/dev/null
	echo "throughput through the gate, 2 cells with 64 questions in flight each for 5 s, 1,000 chats with rules:"
	chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" flood 169.254.1.1 bench.test 5 64 >/run/bench-flood-1 &
	chatcell-admin run dns-bench-2 -- "$B/dns_gate_bench" flood 169.254.1.1 bench.test 5 64 >/run/bench-flood-2
	wait $!
	awk '{ q += $1; f += $2 } END { printf "%.0f answers/s in all (%d not NOERROR) (target >= 20000)\n", q, f }' \
		/run/bench-flood-1 /run/bench-flood-2
	echo "straight to dnsmasq from one cell, for scale: $(chatcell-admin run dns-bench-1 -- "$B/dns_gate_bench" flood 198.51.100.53 bench.test 5 64 | cut -d' ' -f1) answers/s"
	kill "$gate_pid" "$dnsmasq_pid"
	wait "$gate_pid" "$dnsmasq_pid" 2>/dev/null || true
}
