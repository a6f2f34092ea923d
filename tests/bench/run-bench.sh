#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# chatcell's benchmarks, run in one sandbox so every figure has its anchor
# measured in the same run; prints figures and ratios, asserts nothing.
#
#   make bench          (from the build tree; needs root)
set -euo pipefail

: "${CC_BUILDDIR:?run through make bench}"
if [ "${CC_SANDBOX_INNER:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "the benchmarks need root (they run in a sandbox)"; exit 1; }
	exec "$CC_SRCDIR/tests/lib/sandbox.sh" "$CC_BUILDDIR/stage" bash "$0" "$@"
fi

B=$CC_BUILDDIR/bench
H=$CC_BUILDDIR/helpers
SAMPLES=${CC_BENCH_SAMPLES:-100}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median_ms() { "$B/time_runs" "$@"; }
# alternate ROUNDS "A" "B": run the shell functions A and B (each prints a
# median) in alternating rounds; print the median of A, of B, and of the
# rounds' differences A - B, so drift between rounds does not bias a ratio.
alternate() {
	local rounds=$1 first=$2 second=$3 pairs="" a b
	for ((i = 0; i < rounds; i++)); do
		a=$($first)
		b=$($second)
		pairs+="$a $b"$'\n'
	done
	echo "$pairs" | awk 'NF == 2 { w[++n] = $1; o[n] = $2; d[n] = $1 - $2 }
		function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return a[int((n + 1) / 2)] }
		END { printf "%.3f %.3f %.3f\n", med(w, n), med(o, n), med(d, n) }'
}

sed -i -E 's/^(passwd|group):.*/\1: files chatcell/' /etc/nsswitch.conf
# This host keeps the controllers on cgroup v1: limits are off here, and
# measured in the VM tier (tests/vm/bench.sh).
printf 'cgroup_backend = off\n' >>/etc/chatcell/chatcell.conf
# The sandbox's overlay and tmpfs trees have no user quotas (as in the
# tests, tests/lib/common.sh); disk budgets are measured in the VM tier.
printf 'disk_quota = off\n' >>/etc/chatcell/chatcell.conf
# A Debian host has /dev/mqueue (systemd mounts it): the cells mount their
# own instance there.
mkdir -p /dev/mqueue
mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue
echo "(host benchmarks run with cgroup_backend = off and disk_quota = off; per-chat limits and disk budgets are measured in the VM tier below)"
chatcell-admin init >/dev/null

echo "== chatcell-admin ensure (whole process, median of $SAMPLES new chats) =="
declare -A ensure_ms
for existing in 0 10000 100000; do
	have=$(sqlite3 /var/lib/chatcell/registry.db "SELECT count(*) FROM chats")
	[ "$existing" -gt "$have" ] && "$H/populate_chats" $((existing - have)) "bench-$existing-"
	ensure_ms[$existing]=$(median_ms "$SAMPLES" chatcell-admin ensure "bench-new-$existing-{}")
	sqlite3 /var/lib/chatcell/registry.db "DELETE FROM chats WHERE CAST(chat_id AS TEXT) LIKE 'bench-new-%'" 
	chatcell-admin repair >/dev/null 2>&1 || true
	echo "ensure at $existing existing chats: ${ensure_ms[$existing]} ms"
done
echo "ensure flatness 100k / 0: $(ratio "${ensure_ms[100000]}" "${ensure_ms[0]}") (target <= 1.5; target ensure <= 3 ms)"

echo
echo "== NSS lookups at 100,000 chats =="
chat=$(sqlite3 /var/lib/chatcell/registry.db "SELECT name FROM chats WHERE state = 'active' ORDER BY id DESC LIMIT 1")
chat_uid=$(getent passwd "$chat" | cut -d: -f3)
echo "chats: $(getent passwd | grep -c '^chat-'), looking up the newest, $chat"
# nss_files with a 30-line /etc/passwd...
while [ "$(wc -l </etc/passwd)" -lt 30 ]; do
	n=$(wc -l </etc/passwd)
	echo "pad$n:x:$((3000 + n)):$((3000 + n))::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
done
last=$(tail -1 /etc/passwd | cut -d: -f1)
last_uid=$(tail -1 /etc/passwd | cut -d: -f3)
echo "-- against nss_files with $(wc -l </etc/passwd) lines (looking up its last line, $last):"
"$B/nss_lookup_bench" "$chat" "$chat_uid" "$last" "$last_uid" 20000
getent_chat=$(median_ms 300 getent passwd "$chat")
getent_root=$(median_ms 300 getent passwd root)
echo "whole-process getent passwd <chat> ${getent_chat} ms vs getent passwd root ${getent_root} ms: ratio $(ratio "$getent_chat" "$getent_root") (target <= 1.10)"
# ...and with 100,000 lines.
cp /etc/passwd /tmp/passwd.small
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "big%d:x:%d:%d::/nonexistent:/usr/sbin/nologin\n", i, 200000 + i, 200000 + i }' >>/etc/passwd
echo "-- against nss_files with $(wc -l </etc/passwd) lines (looking up its last line):"
"$B/nss_lookup_bench" "$chat" "$chat_uid" big99999 299999 200
cp /tmp/passwd.small /etc/passwd

echo
echo "== session setup: runuser -l <chat> -c true, 5 alternating rounds of 60 =="
cp /etc/pam.d/runuser /tmp/runuser.without
printf 'account\trequired\tpam_chatcell.so\nsession\trequired\tpam_chatcell.so\n' >>/etc/pam.d/runuser
cp /etc/pam.d/runuser /tmp/runuser.with
chat_login_with() { cp /tmp/runuser.with /etc/pam.d/runuser && median_ms 60 runuser -l "$chat" -c true; }
chat_login_without() { cp /tmp/runuser.without /etc/pam.d/runuser && median_ms 60 runuser -l "$chat" -c true; }
read -r with_module without_module delta < <(alternate 5 chat_login_with chat_login_without)
plain_true=$(median_ms 200 /bin/true)
echo "with pam_chatcell ${with_module} ms, same stack without it ${without_module} ms, /bin/true ${plain_true} ms (medians of rounds)"
echo "pam_chatcell adds ${delta} ms per session (median of the rounds' differences; target <= +5 ms)"

echo
echo "== a login of a user who is not a chat: runuser -u nobody true, 9 alternating rounds of 100 =="
other_login_with() { cp /tmp/runuser.with /etc/pam.d/runuser && median_ms 100 runuser -u nobody true; }
other_login_without() { cp /tmp/runuser.without /etc/pam.d/runuser && median_ms 100 runuser -u nobody true; }
read -r with_module without_module delta < <(alternate 9 other_login_with other_login_without)
cp /tmp/runuser.with /etc/pam.d/runuser
echo "with pam_chatcell in the stack ${with_module} ms, without ${without_module} ms: ratio $(ratio "$with_module" "$without_module") (target <= 1.02), difference ${delta} ms"

echo
echo "== chatcell-admin run <chat> -- true, with and without a terminal, 5 alternating rounds of 60 =="
run_chat=$(sqlite3 /var/lib/chatcell/registry.db "SELECT CAST(chat_id AS TEXT) FROM chats WHERE name = '$chat'")
run_with_terminal() { median_ms --pty 60 chatcell-admin run "$run_chat" -- true; }
run_without_terminal() { median_ms 60 chatcell-admin run "$run_chat" -- true; }
read -r terminal plain delta < <(alternate 5 run_with_terminal run_without_terminal)
echo "with a terminal (pty relay) ${terminal} ms, without (plain pipes) ${plain} ms: ratio $(ratio "$terminal" "$plain"), the relay adds ${delta} ms (target <= +1 ms)"

echo
echo "== the cell: runuser -u <chat> true into its running cell vs runuser -u nobody true, same stack, 9 alternating rounds of 100 =="
cell_chat=$(chatcell-admin ensure --start bench-cell | cut -d' ' -f1)
login_into_cell() { median_ms 100 runuser -u "$cell_chat" true; }
login_nobody() { median_ms 100 runuser -u nobody true; }
read -r into_cell nobody delta < <(alternate 9 login_into_cell login_nobody)
echo "into the running cell ${into_cell} ms, nobody ${nobody} ms: ratio $(ratio "$into_cell" "$nobody") (target <= 1.15), the cell adds ${delta} ms"
echo "-- the kernel-surface layers of a session (seccomp filter + Landlock), in a fresh process, medians of 2000"
read -r kept built bare < <("$B/surface_bench" /etc/chatcell/chatcell.conf "$cell_chat" 2000)
echo "fork+exit ${bare} us; with the filter and the ruleset the cell's keeper keeps (a login into a running cell) ${kept} us: +$(awk -v a="$kept" -v b="$bare" 'BEGIN { printf "%.0f", a - b }') us, ratio $(ratio "$kept" "$bare") (target <= +300 us); with a ruleset the login builds itself (its configuration changed since the cell started) ${built} us: +$(awk -v a="$built" -v b="$bare" 'BEGIN { printf "%.0f", a - b }') us"
cp /etc/chatcell/chatcell.conf /tmp/chatcell.conf.bench
landlock_on() { cp /tmp/chatcell.conf.bench /etc/chatcell/chatcell.conf && median_ms 100 runuser -u "$cell_chat" true; }
landlock_off() { { cat /tmp/chatcell.conf.bench; echo "landlock = off"; } >/etc/chatcell/chatcell.conf && median_ms 100 runuser -u "$cell_chat" true; }
read -r on off delta < <(alternate 5 landlock_on landlock_off)
cp /tmp/chatcell.conf.bench /etc/chatcell/chatcell.conf
echo "whole login into the running cell: landlock = required ${on} ms, off ${off} ms: Landlock adds ${delta} ms (median of the rounds' differences)"
echo "-- a brand-new chat to its first command: chatcell-admin ensure NEW, then chatcell-admin run NEW -- true, vs runuser -u nobody true, 11 alternating rounds of 20"
# Each round's chats are new: $BASHPID differs in each round's subshell.
first_command() { median_ms 20 chatcell-admin ensure "bench-first-$BASHPID-{}" ';;' chatcell-admin run "bench-first-$BASHPID-{}" -- true; }
nobody_20() { median_ms 20 runuser -u nobody true; }
read -r first_command nobody_first delta < <(alternate 11 first_command nobody_20)
echo "ensure + run ${first_command} ms, against runuser -u nobody true ${nobody_first} ms: ratio $(ratio "$first_command" "$nobody_first") (target <= 2.0), +${delta} ms"
# The floor of this path: the same two commands when the cell start costs
# nothing (a new chat's ensure, then run into a cell that already runs).
floor_command() { median_ms 20 chatcell-admin ensure "bench-floor-$BASHPID-{}" ';;' chatcell-admin run --user "$cell_chat" -- true; }
read -r floor nobody_floor delta < <(alternate 11 floor_command nobody_20)
echo "its floor, ensure NEW + run into a running cell: ${floor} ms, against ${nobody_floor} ms: ratio $(ratio "$floor" "$nobody_floor"); the cell start adds $(awk -v a="$first_command" -v b="$floor" 'BEGIN { printf "%.1f", a - b }') ms"
# As measured before (through a shell, whose own start is in the time):
first_in_sh=$(median_ms 60 sh -c 'chatcell-admin ensure bench-first-sh-{} >/dev/null && chatcell-admin run bench-first-sh-{} -- true')
sh_alone=$(median_ms 200 sh -c true)
echo "the same through sh -c 'ensure && run': ${first_in_sh} ms (of which sh -c ${sh_alone} ms): ratio $(ratio "$first_in_sh" "$nobody_first")"
echo "published start times of the alternatives: Firecracker microVM ~125 ms to init, E2B sandbox ~150 ms, Daytona < 90 ms"
echo "-- memory per running cell, 500 cells (ensure --start)"
mem_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
avail_before=$(mem_kb MemAvailable) slab_before=$(mem_kb Slab)
for ((i = 0; i < 500; i++)); do chatcell-admin ensure --start "bench-mem-$i" >/dev/null; done
avail_after=$(mem_kb MemAvailable) slab_after=$(mem_kb Slab)
keeper_pss=$(for pid in $(pgrep -x chatcell-keeper | head -50); do awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup"; done |
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "$(pgrep -x chatcell-keeper | wc -l) keepers: MemAvailable -$(( (avail_before - avail_after) / 500 )) KiB per cell, of which slab +$(( (slab_after - slab_before) / 500 )) KiB; a keeper's PSS ${keeper_pss} KiB (target <= 512 KiB per cell)"
for ((i = 0; i < 500; i++)); do chatcell-admin suspend "bench-mem-$i" >/dev/null; done

echo
echo "== egress: connect()+close() as a chat UID to 127.0.0.2:8000 =="
ip addr add 127.0.0.2/8 dev lo
E=$B/egress_bench
uid=$(getent passwd "$chat" | cut -d: -f3)
nft flush ruleset
none=$("$E" connect 20000 "$uid" 127.0.0.2 8000)
load_s=$("$E" load 10000 2 "$uid" 127.0.0.2 8000)
with_nft=$("$E" connect 20000 "$uid" 127.0.0.2 8000)
nft flush ruleset
{
	echo "*filter"
	for ((i = 0; i < 9999; i++)); do
		u=$((1879048192 + i))
		echo "-A OUTPUT -m owner --uid-owner $u -d 10.0.$((i / 250)).$((i % 250)) -j ACCEPT"
		echo "-A OUTPUT -m owner --uid-owner $u -d 10.1.$((i / 250)).$((i % 250)) -j ACCEPT"
	done
	echo "-A OUTPUT -m owner --uid-owner $uid -d 127.0.0.2 -j ACCEPT"
	echo "-A OUTPUT -m owner --uid-owner $uid -d 10.2.0.1 -j ACCEPT"
	echo "-A OUTPUT -m owner --uid-owner 1879048192-1880096767 -j REJECT"
	echo "COMMIT"
} >/tmp/iptables.rules
iptables_cmd=$(command -v iptables-legacy || command -v iptables)
"${iptables_cmd}-restore" </tmp/iptables.rules
with_iptables=$("$E" connect 2000 "$uid" 127.0.0.2 8000)
"$iptables_cmd" -F OUTPUT
echo "no rules ${none} us; nft set with 10,000 chats x 2 rules ${with_nft} us; $(basename "$iptables_cmd") with 20,001 owner-match rules (uid last) ${with_iptables} us"
echo "nft / none: $(ratio "$with_nft" "$none") (target <= 1.3); iptables / nft: $(ratio "$with_iptables" "$with_nft") (target >= 5)"

echo
echo "== egress: allow one address for one chat =="
"$E" load 1 1 "$uid" 127.0.0.2 8000 >/dev/null
programmatic=$("$E" update 500 "$uid")
nft_cli=$(median_ms 50 nft add element inet chatcell allow4 "{ $uid . 198.51.100.{} . tcp . 443 }")
iptables_two=$(median_ms 20 sh -c "$iptables_cmd -I OUTPUT -m owner --uid-owner $uid -d 198.51.100.{} -p tcp --dport 443 -j ACCEPT && $iptables_cmd -I OUTPUT -m owner --uid-owner $uid -d 198.51.100.{} -p udp --dport 443 -j ACCEPT")
"$iptables_cmd" -F OUTPUT
echo "programmatic (libnftnl batch) ${programmatic} us median (target <= 50 us); nft add element ${nft_cli} ms; two iptables -I ${iptables_two} ms"
echo "egress apply of 100,000 elements (one transaction): $("$E" load 50000 2 "$uid" 127.0.0.2 8000) s (target <= 2 s); 20,000 elements: ${load_s} s"
nft flush ruleset

echo
echo "== a cell's network: lib/net over rtnetlink vs the same made by 13 ip processes (one namespace a cell) =="
read -r net_create net_teardown net_both ip_create ip_teardown net_slab < <("$B/cell_net_bench" 200 30)
echo "lib/net, median of 200 cells: create ${net_create} us (target <= 2000 us), teardown ${net_teardown} us, both ${net_both} us; slab +${net_slab} KiB per cell (200 up at once)"
echo "13 ip processes + ip link del, median of 30: create ${ip_create} us, teardown ${ip_teardown} us; create ratio lib/net / ip $(ratio "$net_create" "$ip_create"), both $(ratio "$net_both" "$((ip_create + ip_teardown))")"

echo
echo "== a cell's traffic: from inside a cell (its veth, its egress table) vs a host process with no rules =="
ip addr add 10.99.0.1/32 dev lo
read -r cc_cell cc_host tput_cell tput_host cc_change < <("$B/cell_egress_bench" "$uid" 10.99.0.1 8001 20000 1024 500)
echo "connect()+close() as a chat UID: cell ${cc_cell} us, host without rules ${cc_host} us: ratio $(ratio "$cc_cell" "$cc_host") (target <= 1.3)"
echo "bulk TCP, 1 GiB: cell ${tput_cell} MB/s, host ${tput_host} MB/s: ratio $(ratio "$tput_cell" "$tput_host") (target >= 0.8)"
echo "policy change for a running cell (one element, its own transaction into the cell's namespace): ${cc_change} us median of 500 (target <= 50 us)"
nft flush ruleset

echo
echo "== the DNS gate (chatcelld), from inside cells =="
. "$CC_SRCDIR/tests/bench/dns_gate.sh"
dns_bench

echo
echo "== useradd -U + mkdir + chown + chmod (the seed design), median =="
useradd_at() { # EXISTING
	local n=$1
	cp /tmp/passwd.small /etc/passwd
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:x:%d:%d::/home/u%d:/bin/sh\n", i, 10000 + i, 10000 + i, i }' >>/etc/passwd
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:x:%d:\n", i, 10000 + i }' >>/etc/group
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:!:19000:0:99999:7:::\n", i }' >>/etc/shadow
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:!::\n", i }' >>/etc/gshadow
	awk -v n="$n" 'BEGIN { for (i = 0; i < n && i < 9000; i++) printf "u%d:%d:65536\n", i, 100000 + 65536 * i }' >/etc/subuid
	cp /etc/subuid /etc/subgid
	median_ms 10 bash -c "useradd -U -M n$n-{} && mkdir /home/n$n-{} && chown n$n-{}:n$n-{} /home/n$n-{} && chmod 700 /home/n$n-{}"
}
cp /etc/group /tmp/group.small; cp /etc/shadow /tmp/shadow.small; cp /etc/gshadow /tmp/gshadow.small
ua0=$(useradd_at 0)
cp /tmp/group.small /etc/group; cp /tmp/shadow.small /etc/shadow; cp /tmp/gshadow.small /etc/gshadow
ua10k=$(useradd_at 10000)
echo "useradd at 0 users: $ua0 ms; at 10,000 users: $ua10k ms"
echo "ensure vs useradd at 0: $(ratio "${ensure_ms[0]}" "$ua0"); at 10,000: $(ratio "${ensure_ms[10000]}" "$ua10k")"
