#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Disk budgets as far as this host shows them (its kernel has no quota_v2,
# so quotas themselves are enforced in the VM tier: vm/guest/disk.sh):
# `limits --disk/--inodes` and what show and init print; with disk_quota =
# required, a filesystem without enforced user quotas refuses `ensure` and
# logins with the reason (fail closed), and disk_quota = off lets them in;
# and `suspend` and `delete` work when the registry's disk is full. (The
# sandbox has no loop devices: ext4 without quotas is tried in the VM tier.)
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
db=/var/lib/chatcell/registry.db
run chatcell-admin init
is "$rc" 0 "init succeeds with disk_quota = off"
like "$out" "*"$'\n'"disk budget: off (disk_quota = off in chatcell.conf): a chat can fill every disk it writes, the registry's included: /home/chatcell (overlay: none), /var/lib/chatcell (overlay: none), /run (tmpfs: memory)"$'\n'"*" \
	"init says the budget is off, what that leaves open, and which filesystems chats write on"
run stat -c '%U %a %s' /var/lib/chatcell/reserve
is "$out" "root 600 1048576" "init sets 1 MiB aside for stopping chats on a full disk (root's, 0600)"
a=$(chat_user disk-chat-a)
b=$(chat_user disk-chat-b)

# The per-chat budget, recorded and printed like the other limits.
run chatcell-admin limits disk-chat-a --disk 1G --inodes 50k
is "$rc:$out" "0:$a: memory 256M (default), pids 200 (default), cpu 25% (default), disk 1G, inodes 50k, io weight 100 (default), io max none (default)" \
	"limits --disk --inodes sets the chat's budget"
is "$err" "chatcell-admin limits: recorded, but not enforced: disk_quota = off in chatcell.conf" \
	"and says it is not enforced with disk_quota = off"
run chatcell-admin limits --json disk-chat-a
like "$out" '*"disk_max":"1G","inodes_max":"50k",*' "--json gives the same"
run chatcell-admin show disk-chat-a
like "$out" "*limits       memory 256M, pids 200, cpu 25%, disk 1G, inodes 50k, io weight 100, io max none*" "show prints the budget"
like "$out" "*disk usage   unavailable: disk quotas are off (disk_quota = off)*" "and why there is no usage"
run chatcell-admin show --json disk-chat-a
like "$out" '*"disk_max":"1G","inodes_max":"50k",*},"usage":null,"disk_usage":null*' "show --json: budget, no usage"
run chatcell-admin limits disk-chat-a --disk max --inodes default
is "$out" "$a: memory 256M (default), pids 200 (default), cpu 25% (default), disk max, inodes 200k (default), io weight 100 (default), io max none (default)" \
	"'max' lifts the budget, 'default' returns to chatcell.conf"
run sqlite3 "$db" "SELECT detail FROM events WHERE name = '$a' AND action = 'limits' ORDER BY id"
is "$out" "memory - pids - cpu - disk 1G inodes 50k"$'\n'"memory - pids - cpu - disk max inodes default" \
	"every change is in the audit trail"
before=$(sqlite3 "$db" "SELECT disk_max, inodes_max FROM chats WHERE name = '$a'")
for bad in "--disk 512K" "--disk 1Q" "--disk ''" "--inodes 99" "--inodes 5000M" "--inodes abc" "--inodes 1.5k"; do
	eval "run chatcell-admin limits disk-chat-a $bad"
	like "$rc:$err" "3:chatcell-admin limits: ${bad%% *} takes *, 'max' or 'default', not *" "refused: $bad"
done
is "$(sqlite3 "$db" "SELECT disk_max, inodes_max FROM chats WHERE name = '$a'")" "$before" "and the registry is unchanged"

# disk_quota = required where user quotas are not enforced: fail closed.
enable_pam_chatcell >/dev/null
run login_runuser "$a" 'echo in'
is "$rc:$out" "0:in" "control: with disk_quota = off, A logs in"
chatcell-admin suspend disk-chat-a >/dev/null && chatcell-admin resume disk-chat-a >/dev/null # end A's cell
CC_TEST_DISK_QUOTA=required write_config </dev/null
run chatcell-admin init
like "$err" "*chatcell-admin: WARNING: chat logins will be refused: the disk budget cannot be enforced. /home/chatcell is on overlay (overlay, mounted at /home), which has no user quotas: put home_base and /var/lib/chatcell/instances on ext4 or XFS with user quotas. /var/lib/chatcell/instances is on overlay (overlay, mounted at /var), which has no user quotas: *. Or set disk_quota = off in chatcell.conf*" \
	"init: logins will be refused, naming the filesystem and what to do"
run chatcell-admin init --json
like "$out" '*"disk":{"mode":"required","disk_max":"2G","inodes_max":"200k","filesystems":\[{"path":"/home/chatcell","type":"overlay","quotas":"none"},{"path":"/var/lib/chatcell/instances","type":"overlay","quotas":"none"},{"path":"/run","type":"tmpfs","quotas":"memory"}\],"logins_refused":true},"landlock":*' \
	"init --json: the same for scripts"
reason="the disk budget cannot be applied: /home/chatcell is on overlay and it has no user quotas (\`chatcell-admin init\` says how to enable them; or set disk_quota = off in chatcell.conf)"
run login_runuser "$a" 'echo in'
is "$rc:$out" "1:" "a login is refused when its disk budget cannot be applied"
run grep -c "pam_chatcell(runuser:session): .*$reason" "$SYSLOG"
is "$out" 1 "and the system log says why, in one line"
run chatcell-admin ensure disk-chat-c
is "$rc:$err" "0:" "ensure of a new chat still works (its logins are what is refused)"
run login_runuser "$(chatcell-admin name disk-chat-c)" 'echo in'
is "$rc:$out" "1:" "and the new chat's login is refused the same way"

printf 'disk_quota = off\n' >>/etc/chatcell/chatcell.conf
run login_runuser "$a" 'echo in'
is "$rc:$out" "0:in" "with disk_quota = off the same login works"

# A full registry disk: suspend and delete still work, thanks to the reserve.
chatcell-admin ensure disk-chat-c >/dev/null
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp -a /var/lib/chatcell /run/state.saved
fill_state_disk() { # a small tmpfs as the state directory, filled by root
	mount -t tmpfs -o size=8m tmpfs /var/lib/chatcell
	chmod 755 /var/lib/chatcell
	cp -a /run/state.saved/. /var/lib/chatcell/
	[ "${1:-}" != without-reserve ] || rm /var/lib/chatcell/reserve
	dd if=/dev/zero of=/var/lib/chatcell/filler bs=4k 2>/dev/null || true
}
fill_state_disk without-reserve
run chatcell-admin suspend disk-chat-b
like "$rc:$err" "1:*the disk holding $db is full*" "control: without the reserve, suspend fails on a full disk"
umount /var/lib/chatcell
fill_state_disk
run df --output=avail /var/lib/chatcell
is "$(tail -1 <<<"$out" | tr -d ' ')" 0 "the registry's disk is full"
run chatcell-admin suspend disk-chat-b
is "$rc" 0 "suspend works on a full disk"
is "$err" "chatcell-admin: the disk holding /var/lib/chatcell is full: its 1 MiB reserve was released so chats can be stopped; free space there, then run \`chatcell-admin init\` to set the reserve aside again" \
	"and says it used the reserve and what to do"
run chatcell-admin delete disk-chat-c
is "$rc" 0 "delete works on the same full disk"
is "$(sqlite3 "$db" "SELECT state FROM chats WHERE name IN ('$b', '$(chatcell-admin name disk-chat-c)') ORDER BY name = '$b' DESC")" \
	"suspended"$'\n'"deleted" "both are recorded"
rm /var/lib/chatcell/filler
run chatcell-admin init
ok "with room again, init sets the reserve aside again" test -f /var/lib/chatcell/reserve
umount /var/lib/chatcell

done_testing
