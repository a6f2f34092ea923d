#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Egress cannot fail open: `nft flush ruleset` on the host, over and over,
# while 500 logins of four chats and two long-running sessions try a denied
# address. Each cell's table is in the cell's own network namespace, so no
# flush of the host's ruleset touches it. Listeners are on a veth link of
# the sandbox's namespace (10.99.0.0/24), never anything outside it.
# Under the sanitizers 100 logins (25 rounds): the same races at a fifth of
# the count, since each ASan login costs four times a plain one and the
# plain build runs all 500 (scripts/test-all).
. "$(dirname "$0")/../lib/common.sh"

rounds=125
[ "${CC_SANITIZERS:-}" = yes ] && rounds=25
logins_expected=$((rounds * 4))

start_syslog
use_chatcell_nss
start_uplink 10.99.0.2 10.99.0.3
start_listeners 10.99.0.2:8000/tcp 10.99.0.3:8000/tcp
chatcell-admin init >/dev/null
enable_pam_chatcell >/dev/null
probe=$CC_HELPERS/net_probe
chats="flush-a flush-b flush-c flush-d"
for chat in $chats; do
	chat_user "$chat" >/dev/null
	chatcell-admin egress allow "$chat" 10.99.0.2 --port 8000 >/dev/null
done

# Controls: allowed works, denied is refused, and the host itself (root)
# reaches the denied address: only the cells' policy stands in the way.
is "$(chatcell-admin run flush-a -- "$probe" tcp 10.99.0.2 8000)" ok "control: A reaches its allowed address"
is "$(chatcell-admin run flush-a -- "$probe" tcp 10.99.0.3 8000)" ECONNREFUSED "control: A's denied address is refused"
is "$("$probe" tcp 10.99.0.3 8000)" ok "control: root on the host reaches 10.99.0.3:8000"

# Two long-running sessions: each probes the denied address in a loop and
# writes one line per attempt until told to stop.
rm -f /run/flush-stop
for chat in flush-a flush-b; do
	chatcell-admin run "$chat" -- /bin/sh -c "while [ ! -e /run/lock/stop ]; do $probe tcp 10.99.0.3 8000; done" \
		>"/run/long-$chat.out" &
done
long_jobs=$(jobs -p | tail -2)

# The flusher: `nft flush ruleset` until the logins are done.
( while [ ! -e /run/flush-stop ]; do nft flush ruleset; done ) &
flusher=$!

logins=0 succeeded=0 refused=0
for i in $(seq 1 "$rounds"); do
	for chat in $chats; do
		out=$(chatcell-admin run "$chat" -- "$probe" tcp 10.99.0.3 8000)
		logins=$((logins + 1))
		case "$out" in
		ok) succeeded=$((succeeded + 1)) ;;
		ECONNREFUSED) refused=$((refused + 1)) ;;
		esac
	done
done
touch /run/flush-stop
wait "$flusher"
is "$logins:$succeeded:$refused" "$logins_expected:0:$logins_expected" \
	"$logins_expected logins during nft flush ruleset: none reaches the denied address, each is refused (ECONNREFUSED)"
for chat in flush-a flush-b; do chatcell-admin run "$chat" -- /bin/sh -c "touch /run/lock/stop"; done
wait $long_jobs
for chat in flush-a flush-b; do
	total=$(wc -l <"/run/long-$chat.out")
	ok "the long-running session of $chat probed throughout ($total attempts)" test "$total" -gt 0
	is "$(sort -u "/run/long-$chat.out")" ECONNREFUSED "and none of its $total attempts reached the denied address"
done
is "$(chatcell-admin run flush-c -- "$probe" tcp 10.99.0.2 8000)" ok "after the flushes, the allowed address still works"

kill "$LISTENER_PID"
done_testing
