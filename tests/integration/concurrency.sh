#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# 8 chatcell-admin processes at once, 200 new chats each: no error, no
# SQLITE_BUSY, and 1,600 distinct UIDs and names. Under the sanitizers 50
# each (400): the same 8-way contention, while each ASan process's start
# costs five times a plain one; the plain build runs all 1,600.
. "$(dirname "$0")/../lib/common.sh"

per_worker=200
[ "${CC_SANITIZERS:-}" = yes ] && per_worker=50
total=$((per_worker * 8))

use_chatcell_nss
chatcell-admin init >/dev/null

worker() {
	local w=$1 failures=0
	for i in $(seq 1 "$per_worker"); do
		chatcell-admin --json ensure "worker-$w-chat-$i" >>"/tmp/out.$w" 2>>"/tmp/err.$w" || failures=$((failures + 1))
	done
	echo "$failures" >"/tmp/failures.$w"
}
for w in 1 2 3 4 5 6 7 8; do worker "$w" & done
wait

is "$(cat /tmp/failures.* | awk '{s += $1} END {print s}')" 0 "all $total ensures succeeded"
is "$(cat /tmp/err.* | wc -c)" 0 "no process printed an error (no SQLITE_BUSY)"
is "$(cat /tmp/out.* | python3 -c 'import json,sys; print(len({json.loads(l)["uid"] for l in sys.stdin}))')" "$total" "$total distinct UIDs"
is "$(cat /tmp/out.* | python3 -c 'import json,sys; print(len({json.loads(l)["name"] for l in sys.stdin}))')" "$total" "$total distinct names"
is "$(getent passwd | grep -c '^chat-')" "$total" "NSS lists the $total chats"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent $total" "registry, view and homes agree"

# 24 cells started 8 at a time (ensure --start): every keeper writes the
# cells' shared resolv.conf under a name of its own (each is PID 1 of its
# namespace, so its PID names nothing), and none trips over another's.
cells=3
[ "${CC_SANITIZERS:-}" = yes ] && cells=2
for w in 1 2 3 4 5 6 7 8; do
	(for i in $(seq 1 "$cells"); do
		chatcell-admin ensure --start "cell-$w-$i" >/dev/null 2>>"/tmp/cell-err.$w"
	done) &
done
wait
is "$(cat /tmp/cell-err.*)" "" "$((cells * 8)) cells started 8 at a time: no error"
is "$(pgrep -x chatcell-keeper | wc -l)" "$((cells * 8))" "and their $((cells * 8)) keepers run"
is "$(ls /run/chatcell | grep -c '^resolv.conf')" 1 "one shared resolv.conf is left, no half-written one"
for w in 1 2 3 4 5 6 7 8; do
	for i in $(seq 1 "$cells"); do chatcell-admin suspend "cell-$w-$i" >/dev/null; done
done
is "$(pgrep -x chatcell-keeper | wc -l)" 0 "suspend ends them all"

# The shared file is written only when it is missing or holds anything
# else: planted text, or a link, is replaced at the next cell start.
printf 'nameserver 192.0.2.53\n' >/run/chatcell/resolv.conf
chatcell-admin ensure --start cell-rewrite-1 >/dev/null
is "$(nsenter -m -t "$(pgrep -x chatcell-keeper)" cat /etc/resolv.conf | grep -v '^#')" "nameserver 169.254.1.1" \
	"a shared resolv.conf with other text is written anew at the next cell start, and the cell gets the gate"
rm /run/chatcell/resolv.conf
ln -s /etc/passwd /run/chatcell/resolv.conf
chatcell-admin ensure --start cell-rewrite-2 >/dev/null
ok "a link in its place is replaced by a file" test -f /run/chatcell/resolv.conf -a ! -L /run/chatcell/resolv.conf
is "$(grep -v '^#' /run/chatcell/resolv.conf)" "nameserver 169.254.1.1" "(control: holding the gate's address)"
chatcell-admin suspend cell-rewrite-1 >/dev/null
chatcell-admin suspend cell-rewrite-2 >/dev/null

# Network indexes: a starter claims its cell's index before the keeper
# exists (a write lock, turned into a read lock), so the network is made
# from the start of the keeper's setup; the keeper takes a read lock of its
# own for its whole life and the starter's goes when the start ends. With
# room for two cells a third is refused and leaves nothing behind; once
# one ends, its index is taken again.
cp /etc/chatcell/chatcell.conf /tmp/chatcell.conf.saved
printf 'cell_ipv4_range = 10.99.0.0/30\n' >>/etc/chatcell/chatcell.conf
# index_locks: the locks on the index file, one "TYPE PID BYTE" line each.
index_locks() {
	local ino
	ino=$(stat -c %i /run/chatcell/cells/net-index)
	awk -v ino="$ino" '{ split($6, f, ":"); if (f[3] == ino) print $4, $5, $7 }' /proc/locks | sort -k3n
}
host_links() { ip -o link show | awk -F': ' '$2 ~ /^cc[0-9]/ { sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' '; }
chatcell-admin ensure --start index-1 >/dev/null
chatcell-admin ensure --start index-2 >/dev/null
k1=$(keeper_of index-1)
k2=$(keeper_of index-2)
is "$(index_locks | cut -d' ' -f1,2 | sort)" "$(printf 'READ %s\nREAD %s' "$k1" "$k2" | sort)" \
	"two running cells: each keeper holds a read lock on its index, no starter's lock is left"
is "$(index_locks | cut -d' ' -f3 | tr '\n' ' ')" "0 1 " "(on bytes 0 and 1: the room of 10.99.0.0/30)"
is "$(host_links)" "cc0 cc1 " "(control: their host links are cc0 and cc1)"
index3=$(chat_user index-3)
run chatcell-admin ensure --start index-3
is "$rc" 5 "a third cell without room is refused (exit 5, a conflict)"
is "$err" "chatcell-admin ensure: cannot start the cell of $index3: all 2 cell network addresses are taken by running cells; widen cell_ipv4_range and cell_ipv6_range in chatcell.conf" \
	"saying why and what to change"
is "$(chatcell-admin --json show index-3 | python3 -c 'import json, sys; print(json.load(sys.stdin)["cell"])')" \
	"{'running': False}" "and it has no cell"
is "$(pgrep -x chatcell-keeper | wc -l) $(host_links)" "2 cc0 cc1 " "nor a link, and the two cells run on"
is "$(index_locks | wc -l)" 2 "nor a lock on the index file"
chatcell-admin suspend index-1 >/dev/null
wait_gone "$k1"
chatcell-admin ensure --start index-3 >/dev/null
k3=$(keeper_of index-3)
is "$(index_locks | grep -c "^READ $k3 0\$")" 1 "once index-1 ends, index-3 starts and its keeper holds the index freed, 0"
is "$(host_links)" "cc0 cc1 " "(its link is cc0)"
chatcell-admin suspend index-2 >/dev/null
chatcell-admin suspend index-3 >/dev/null
cp /tmp/chatcell.conf.saved /etc/chatcell/chatcell.conf

# A starter that dies after it made the keeper, before it tells the keeper
# to go on: killed at that write, its only write of 8 bytes (to the
# eventfd, made for the keeper's go and written only after its clone3).
# The keeper, which has built nothing yet, sees the hangup of the
# starter's pipe and ends by itself; the next start makes the cell.
keepers_before=$(pgrep -x chatcell-keeper | wc -l)
orphan=$(chat_user orphan-keeper)
# (Not through `run`: a keeper left waiting would hold its output pipe.)
rc=0
"$CC_HELPERS/seccomp_fail" write:2=8 KILL chatcell-admin ensure --start orphan-keeper >/dev/null \
	2>/tmp/orphan-keeper.err || rc=$?
is "$rc" 137 "a starter killed at its go to the new keeper"
is "$(grep -c '^seccomp_fail: killed process [0-9]* at a call on anon_inode:\[eventfd\]$' /tmp/orphan-keeper.err)" 1 \
	"(killed at its write to the eventfd, after the keeper's clone3)"
rm -f /tmp/orphan-keeper.err
# The keeper never ran the keeper program: it bears the starter's name.
waiting=0
for pid in $(pgrep -x chatcell-admin); do
	wait_gone "$pid" 10 || { waiting=$((waiting + 1)); kill -9 "$pid"; }
done
is "$waiting $(pgrep -x chatcell-keeper | wc -l)" "0 $keepers_before" \
	"its keeper ended by itself, and no keeper is left"
is "$(chatcell-admin --json show orphan-keeper | python3 -c 'import json, sys; print(json.load(sys.stdin)["cell"])')" \
	"{'running': False}" "the chat has no cell"
chatcell-admin ensure --start orphan-keeper >/dev/null
is "$(pgrep -x chatcell-keeper | wc -l)" "$((keepers_before + 1))" "(control: the next start makes its cell)"
chatcell-admin suspend orphan-keeper >/dev/null
is "$(pgrep -x chatcell-keeper | wc -l) $(pgrep -u "$orphan" | wc -l)" "$keepers_before 0" "(and it ends again)"

# A starter killed after its keeper said it was ready, at its write of
# the cell record (its only pwrite at offset 0; the registry's are
# elsewhere): the keeper lives on, holding a record that names no chat,
# a half cell. The next login (here through `run`, whose PAM session
# finds the record's name wrong and takes the start path) must not join it: it ends it and makes a
# new cell, whose record names the chat.
half=$(chat_user half-cell)
half_record=/run/chatcell/cells/$(id -u "$half")
rc=0
"$CC_HELPERS/seccomp_fail" pwrite64:3=0 KILL chatcell-admin ensure --start half-cell >/dev/null \
	2>/tmp/half-cell.err || rc=$?
is "$rc" 137 "a starter killed after its keeper was ready"
is "$(grep -c "^seccomp_fail: killed process [0-9]* at a call on $half_record\$" /tmp/half-cell.err)" 1 \
	"(killed at its write of the cell record)"
rm -f /tmp/half-cell.err
half_keeper=$(keeper_of half-cell)
half_pidns=$(readlink "/proc/$half_keeper/ns/pid")
is "$(cat "/proc/$half_keeper/comm") $(grep -c "$half" "$half_record")" "chatcell-keeper 0" \
	"its keeper (pid $half_keeper) lives on, with a record that names no chat"
run chatcell-admin run --user "$half" -- readlink /proc/self/ns/pid
ok "the next login succeeds in a cell other than the half one ($out)" test "$rc:${out:-none}" != "0:$half_pidns" -a "$rc" = 0
is "$(wait_gone "$half_keeper" 10 && echo gone) $(grep -c "$half" "$half_record")" "gone 1" \
	"the half cell's keeper is gone, and the new cell's record names the chat"
is "$(readlink "/proc/$(keeper_of half-cell)/ns/pid")" "$out" "(control: the login is in the new cell)"
chatcell-admin suspend half-cell >/dev/null

done_testing
