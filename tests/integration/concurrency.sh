#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# 8 chatcell-admin processes at once, 200 new chats each: no error, no
# SQLITE_BUSY, and 1,600 distinct UIDs and names.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null

worker() {
	local w=$1 failures=0
	for i in $(seq 1 200); do
		chatcell-admin --json ensure "worker-$w-chat-$i" >>"/tmp/out.$w" 2>>"/tmp/err.$w" || failures=$((failures + 1))
	done
	echo "$failures" >"/tmp/failures.$w"
}
for w in 1 2 3 4 5 6 7 8; do worker "$w" & done
wait

is "$(cat /tmp/failures.* | awk '{s += $1} END {print s}')" 0 "all 1,600 ensures succeeded"
is "$(cat /tmp/err.* | wc -c)" 0 "no process printed an error (no SQLITE_BUSY)"
is "$(cat /tmp/out.* | python3 -c 'import json,sys; print(len({json.loads(l)["uid"] for l in sys.stdin}))')" 1600 "1,600 distinct UIDs"
is "$(cat /tmp/out.* | python3 -c 'import json,sys; print(len({json.loads(l)["name"] for l in sys.stdin}))')" 1600 "1,600 distinct names"
is "$(getent passwd | grep -c '^chat-')" 1600 "NSS lists the 1,600 chats"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent 1600" "registry, view and homes agree"

done_testing
