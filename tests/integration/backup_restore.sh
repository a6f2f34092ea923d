#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# backup and restore: a 0700 directory with the registry (sqlite's online
# backup API, one self-contained file) and the host key, both 0600 and
# checked; the registry names it when the key is lost; restore refuses to
# replace a host without --force or to lose a live chat, rebuilds a host
# that lost everything (view, homes, egress table), and moves a damaged
# registry aside.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "backup-chat-a")
b=$(chat_user "backup-chat-b")
uid_a=$(id -u "$a")
uid_b=$(id -u "$b")
chatcell-admin egress allow "backup-chat-a" 203.0.113.5 --port 443 >/dev/null
state=/var/lib/chatcell
fp=$(sqlite3 "$state/registry.db" "SELECT value FROM settings WHERE key = 'host_key_fingerprint'")

run chatcell-admin backup /root/backup
is "$rc:$out:$err" "0:backup of 2 chats written to /root/backup: registry.db (integrity ok) and hmac.key (fingerprint ${fp:0:16}), 0600 in a 0700 directory:" \
	"backup writes the registry and the host key, and says so"
is "$(stat -c '%a %U' /root/backup; cd /root/backup && stat -c '%n %a %U' -- *)" "700 root
hmac.key 600 root
registry.db 600 root" \
	"a 0700 directory of root's with two 0600 files, nothing else (no journal, no temporary file)"
ok "the key is the host's" cmp /root/backup/hmac.key "$state/hmac.key"
is "$(sqlite3 /root/backup/registry.db 'PRAGMA integrity_check; PRAGMA journal_mode; SELECT count(*) FROM chats')" "ok
delete
2" "the registry copy is whole, a single file (not WAL), with both chats"
is "$(sqlite3 "$state/registry.db" "SELECT substr(value, instr(value, ' ') + 1) FROM settings WHERE key = 'last_backup'")" \
	"/root/backup" "the registry records where the backup went"
run chatcell-admin --json backup /root/backup
is "$rc:$err" "5:chatcell-admin backup: /root/backup exists; give a directory that does not exist yet (backup makes it, 0700), or --force to replace the backup in it" \
	"a second backup into the same directory needs --force"
run chatcell-admin --json backup /root/backup --force
is "$rc:$out" "0:{\"dir\":\"/root/backup\",\"chats\":2,\"fingerprint\":\"$fp\"}" "with --force it replaces the backup (--json)"
run chatcell-admin backup /tmp/backup
is "$rc:$err" "7:chatcell-admin backup: /tmp must be owned by root and not writable by group or others (owner uid 0, mode 1777); chatcell refuses to work below it" \
	"a backup below a directory others can write is refused"

# The lost key names the backup, and the command it gives works.
rm "$state/hmac.key"
run chatcell-admin list
made=$(sqlite3 "$state/registry.db" "SELECT datetime(substr(value, 1, instr(value, ' ') - 1), 'unixepoch') FROM settings WHERE key = 'last_backup'" | tr ' ' T)Z
is "$rc:$err" "6:chatcell-admin list: the host key $state/hmac.key is missing, but the registry holds 2 chats named with it (fingerprint ${fp:0:16}); a new key would give them other names, so none is made. Restore it from the backup in /root/backup (made $made): install -m 600 /root/backup/hmac.key $state/hmac.key" \
	"a lost host key names the last backup and the command that restores it"
install -m 600 /root/backup/hmac.key "$state/hmac.key"
run chatcell-admin list
is "$rc" 0 "which works"

# Restore onto a host that has its registry: only with --force, and never
# losing a chat of this host.
run chatcell-admin restore /root/backup
is "$rc:$err" "5:chatcell-admin restore: this host has a registry and a host key already (2 chats); restoring /root/backup replaces them. Give --force to replace them (every chat of this host must be in the backup)" \
	"restore over a live host needs --force"
c=$(chat_user "backup-chat-c")
run chatcell-admin restore /root/backup --force
is "$rc:$err" "5:chatcell-admin restore: $c (uid $(id -u "$c")) is a chat of this host that the backup in /root/backup does not have: restoring would leave its home and processes to a UID the registry could give out again. Delete it first (chatcell-admin delete --user $c), or restore a newer backup" \
	"restore refuses to lose a chat made after the backup"
c_uid=$(id -u "$c")
chatcell-admin delete --user "$c" >/dev/null
# A delete left unfinished (its pending step recorded, as a crash leaves
# it): the restored registry would forget it half done.
sqlite3 "$state/registry.db" "UPDATE chats SET pending = 'delete' WHERE uid = $c_uid"
run chatcell-admin restore /root/backup --force
is "$rc:$err" "5:chatcell-admin restore: $c (uid $c_uid) has an unfinished delete (see 'chatcell-admin show --user $c'): restoring would forget it half done, with its home and UID. Finish it first (fix what stops it, then run the command again), then restore" \
	"restore refuses to forget a chat's unfinished step"
sqlite3 "$state/registry.db" "UPDATE chats SET pending = NULL WHERE uid = $c_uid"
next_uid=$(sqlite3 "$state/registry.db" "SELECT value FROM settings WHERE key = 'next_uid'")
run chatcell-admin restore /root/backup --force
is "$rc:$out:$err" "0:restored 2 chats from /root/backup (registry integrity ok, host key fingerprint ${fp:0:16})
restore done: 0 NSS view entries fixed (0 published, 0 removed), 0 homes made, 0 orphan homes reported:" \
	"once it is deleted, restore --force replaces the registry"
is "$(chatcell-admin list | awk 'NR > 1 {print $1}' | sort)" "$(printf '%s\n' "$a" "$b" | sort)" "the host has the backup's chats"
is "$(sqlite3 "$state/registry.db" "SELECT name, state FROM chats WHERE uid = $c_uid; SELECT value FROM settings WHERE key = 'next_uid'")" \
	"$c|deleted
$next_uid" "the deleted chat the backup lacks keeps its quarantine, and UIDs are given out from where this host stood"
d=$(chat_user "backup-chat-d")
ok "so a new chat does not get its UID ($c_uid; the new one: $(id -u "$d"))" test "$(id -u "$d")" != "$c_uid"
chatcell-admin delete --user "$d" >/dev/null

# A host that lost everything chatcell keeps.
rm -rf "$state" /home/chatcell
nft flush ruleset
run chatcell-admin restore /root/backup
is "$rc:$out:$err" "0:restored 2 chats from /root/backup (registry integrity ok, host key fingerprint ${fp:0:16})
made the missing NSS view directory $state/nss
published the NSS view parameters
made the missing home /home/chatcell/$a
published the NSS view entries of $a (uid $uid_a)
made the missing home /home/chatcell/$b
published the NSS view entries of $b (uid $uid_b)
restore done: 5 NSS view entries fixed (5 published, 0 removed), 2 homes made, 0 orphan homes reported:" \
	"restore rebuilds a host that lost it all, and reports each step"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent 2" "registry, view and homes agree"
# A cell record that cannot be trusted fails the rebuild of the running
# cells' tables, after the rest is done: what was restored and repaired is
# said all the same, and the other cells' tables are rebuilt.
runuser -u "$a" -- true
cell_of_a() { nsenter --net="/proc/$(keeper_of backup-chat-a)/ns/net" nft "$@"; }
bad=/run/chatcell/cells/1879999999
install -m 0644 /dev/null "$bad"
cell_of_a delete table inet chatcell
run chatcell-admin restore /root/backup --force
is "$rc:$out" "7:restored 2 chats from /root/backup (registry integrity ok, host key fingerprint ${fp:0:16})
restore done: 0 NSS view entries fixed (0 published, 0 removed), 0 homes made, 0 orphan homes reported" \
	"a restore whose rebuild of the cells' tables fails still says what it restored and repaired"
is "$err" "chatcell-admin restore: restored, but not every running cell's egress table was rebuilt: the cell record $bad must be a root-owned 0600 file; refusing it" \
	"and names the record it refused"
ok "the running cell's table is rebuilt all the same" cell_of_a list table inet chatcell
run chatcell-admin --json restore /root/backup --force
is "$rc:$(echo "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["chats"], d["fixed"])')" "7:2 0" \
	"with --json too: the object of what was restored and repaired, and the failure's exit status"
like "$err" "*restored, but not every running cell's egress table was rebuilt: the cell record $bad must be*" "and the reason on stderr"
rm -f "$bad"
run chatcell-admin restore /root/backup --force
is "$rc" 0 "control: without the record, the same restore succeeds"
is "$(stat -c %a "$state/registry.db" "$state/hmac.key")" "600
600" "the restored registry and key are 0600"
run runuser -u "$a" -- /bin/echo in
is "$rc:$out" "0:in" "the chat logs in"
like "$(nsenter --net="/proc/$(keeper_of backup-chat-a)/ns/net" nft list set inet chatcell exact4)" "*203.0.113.5*" \
	"its cell's egress table has the chat's rule from the restored registry"

# A damaged registry is moved aside, not overwritten in place.
head -c 4096 /dev/urandom >"$state/registry.db"
rm "$state/registry.db-wal" "$state/registry.db-shm"
run chatcell-admin restore /root/backup
like "$rc:$err" "5:chatcell-admin restore: this host has a registry that cannot be opened (*is damaged*); give --force to move it aside and restore /root/backup" \
	"a damaged registry is replaced only with --force"
run chatcell-admin restore /root/backup --force
like "$rc:$out" "0:moved the registry that could not be opened aside to $state/registry.db.replaced-*
restored 2 chats from /root/backup*" "with --force it is moved aside first"
ok "(the damaged file is kept)" test -n "$(find "$state" -maxdepth 1 -name 'registry.db.replaced-*Z' -size 4k)"

# Backups that do not fit are refused before anything changes.
cp -a /root/backup /root/other
head -c 32 /dev/urandom >/root/other/hmac.key
run chatcell-admin restore /root/other --force
is "$rc:$err" "5:chatcell-admin restore: the registry and the host key in /root/other do not belong together (the key's fingerprint is $(python3 -c 'import hashlib, sys; print(hashlib.sha256(b"chatcell host key fingerprint 1\0" + open(sys.argv[1], "rb").read()).hexdigest()[:16])' /root/other/hmac.key), the registry's ${fp:0:16}); restore a backup made by 'chatcell-admin backup'" \
	"a key that is not the backup registry's is refused"
cp -a /root/backup/hmac.key /root/other/hmac.key
chmod 644 /root/other/registry.db
run chatcell-admin restore /root/other --force
is "$rc:$err" "7:chatcell-admin restore: /root/other/registry.db has mode 0644; it holds chat IDs and must be 0600 (chmod 600 /root/other/registry.db)" \
	"a backup registry others can read is refused"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent 2" "and nothing changed"

done_testing
