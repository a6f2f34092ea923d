#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A full registry file system, at every amount of free space from 0 to
# 96 KB: `ensure` of a new chat either works, or fails saying exactly what
# state it left, and the state is that. Nothing is claimed unchanged that
# changed; what is left is finished by the next command once there is room.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null
for i in 1 2 3; do chatcell-admin ensure "seed-$i" >/dev/null; done
db=/var/lib/chatcell/registry.db
# As on a running host: the write-ahead log emptied, its files kept.
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
chatcell-admin list >/dev/null
cp -a /var/lib/chatcell /run/state.saved
cp -a /home/chatcell /run/homes.saved
name=$(chatcell-admin name "disk-full-chat")
view_of() { ls -A /var/lib/chatcell/nss; }
saved_view=$(cd /run/state.saved/nss && ls -A)

declare -A seen
bad=0
for free_kb in $(seq 0 4 96); do
	mount -t tmpfs -o size=4m tmpfs /var/lib/chatcell
	chmod 755 /var/lib/chatcell
	cp -a /run/state.saved/. /var/lib/chatcell/
	rm -rf /home/chatcell && cp -a /run/homes.saved /home/chatcell
	dd if=/dev/zero of=/var/lib/chatcell/filler bs=4k 2>/dev/null || true
	truncate -s "-${free_kb}K" /var/lib/chatcell/filler
	run chatcell-admin ensure "disk-full-chat"
	row=$(sqlite3 "$db" "SELECT uid || ' ' || ifnull(pending, '-') FROM chats WHERE name = '$name'")
	uid=${row%% *}
	case "$rc:${row#* }" in
	0:-)
		outcome=created
		[ -d "/home/chatcell/$name" ] && getent passwd "$name" >/dev/null || outcome="created, but not set up"
		;;
	1:)
		outcome="nothing changed"
		[[ $err == "chatcell-admin ensure: "*": the disk holding $db is full; free space and retry (nothing was changed)" ]] ||
			outcome="nothing changed, but the message is: $err"
		[ "$(view_of)" = "$saved_view" ] && [ ! -e "/home/chatcell/$name" ] || outcome="said nothing changed, but it did"
		;;
	"1:create")
		outcome="set up, not recorded"
		[ "$err" = "chatcell-admin ensure: $name (uid $uid) is set up (its home and NSS view entries exist: the name resolves), but the registry could not record that: updating the chat: the disk holding $db is full. Fix that; the next chatcell-admin command records it" ] ||
			outcome="set up, not recorded, but the message is: $err"
		[ -d "/home/chatcell/$name" ] && [ "$(getent passwd "$name" | cut -d: -f3)" = "$uid" ] ||
			outcome="said set up, but it is not"
		;;
	*) outcome="unexpected: rc $rc, row '$row', $err" ;;
	esac
	# With room again, the next command (any) finishes what was left.
	rm /var/lib/chatcell/filler
	chatcell-admin list >/dev/null
	report=$(python3 "$CC_SRCDIR/tests/lib/check_consistency.py") || outcome="$outcome; then inconsistent: $report"
	case "$outcome" in
	created | "nothing changed" | "set up, not recorded") seen[$outcome]=$((${seen[$outcome]:-0} + 1)) ;;
	*)
		bad=$((bad + 1))
		diag "with $free_kb KB free: $outcome"
		;;
	esac
	umount /var/lib/chatcell
done
is "$bad" 0 "at every amount of free space, ensure's message says exactly what it left, and the next command finishes it"
diag "outcomes: ${seen[nothing changed]:-0} nothing changed, ${seen[set up, not recorded]:-0} set up but not recorded, ${seen[created]:-0} created"
ok "some runs failed before anything changed" test "${seen[nothing changed]:-0}" -ge 1
ok "some runs set the chat up but could not record it (the case that said 'nothing was changed')" \
	test "${seen[set up, not recorded]:-0}" -ge 1
ok "with enough room, ensure works" test "${seen[created]:-0}" -ge 1

done_testing
