#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# chatcell-admin's commands end to end: init, ensure, name, show, list,
# suspend, resume, delete (with --archive), repair; JSON shapes, exit codes,
# the audit trail and the init range checks.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss

run chatcell-admin ensure x
is "$rc" 6 "before init, commands fail with the configuration exit code"
is "$err" "chatcell-admin ensure: /var/lib/chatcell/registry.db does not exist; run 'chatcell-admin init' first" "and say to run init"

run chatcell-admin init
is "$rc" 0 "init succeeds"
like "$out" "chatcell is initialised: registry /var/lib/chatcell/registry.db, homes in /home/chatcell, UIDs 1879048192-1880096767, names chat-<12 hex>
session PATH /var/lib/chatcell/shims: * commands linked from /etc/chatcell/shims.list (* not installed, 0 refused as setuid/setgid/capable)
per-chat limits: off (cgroup_backend = off in chatcell.conf)*" "init reports what it set up"
run chatcell-admin init
is "$rc" 0 "init is idempotent"

# The dev.tty.legacy_tiocsti warning, with the sysctl set either way (a
# file bound over it in this sandbox's mount namespace).
tiocsti=/proc/sys/dev/tty/legacy_tiocsti
if [ -e "$tiocsti" ]; then
	echo 1 >/run/tiocsti-1
	echo 0 >/run/tiocsti-0
	mount --bind /run/tiocsti-1 "$tiocsti"
	run chatcell-admin --json init
	is "$err" "chatcell-admin: warning: dev.tty.legacy_tiocsti = 1: a process can type commands into a terminal it holds (TIOCSTI). chatcell refuses TIOCSTI and TIOCLINUX in every chat session (seccomp) and gives 'chatcell-admin run' and 'shell' a terminal of their own; for the host's other users set dev.tty.legacy_tiocsti = 0 (sysctl.d)" \
		"init warns when dev.tty.legacy_tiocsti is 1 and says what chatcell does about it"
	like "$out" '*,"legacy_tiocsti":true,*' "init --json reports it"
	umount "$tiocsti"
	mount --bind /run/tiocsti-0 "$tiocsti"
	run chatcell-admin --json init
	is "$err" "" "with dev.tty.legacy_tiocsti = 0 init says nothing about it"
	like "$out" '*,"legacy_tiocsti":false,*' "and --json reports false"
	umount "$tiocsti"
else
	skip "the dev.tty.legacy_tiocsti warning" "this kernel (before 6.2) has no dev.tty.legacy_tiocsti"
fi
is "$(stat -c '%U %a' /var/lib/chatcell /var/lib/chatcell/registry.db /var/lib/chatcell/hmac.key /var/lib/chatcell/nss /home/chatcell | tr '\n' ' ')" \
	"root 755 root 600 root 600 root 755 root 711 " "state, registry, key, view and home base have the documented modes"

run chatcell-admin --json ensure "tg:42"
like "$out" '{"name":"chat-????????????","uid":1879048192,"gid":1879048192,"home":"/home/chatcell/chat-????????????","shell":"/bin/bash","state":"active","created":true}' "ensure --json prints the documented shape"
name=$(chatcell-admin name "tg:42")
run chatcell-admin --json ensure "tg:42"
is "$out" "{\"name\":\"$name\",\"uid\":1879048192,\"gid\":1879048192,\"home\":\"/home/chatcell/$name\",\"shell\":\"/bin/bash\",\"state\":\"active\",\"created\":false}" "ensure of an existing chat returns the same identity, created false"
is "$(stat -c '%U %G %a' /home/chatcell/$name)" "$name $name 700" "the home is the chat's, mode 0700"

run chatcell-admin name "tg:new"
is "$rc" 0 "name works for a chat that does not exist"
like "$out" "chat-????????????" "and prints a name"
run getent passwd "$out"
is "$rc" 2 "name creates nothing"

run bash -c 'printf "tg:stdin\n" | chatcell-admin ensure --stdin'
like "$out" "chat-* uid=1879048193 *(created)" "--stdin reads the chat ID, one trailing newline stripped"
is "$(chatcell-admin name 'tg:stdin')" "${out%% *}" "the stdin chat ID is the same ID as on the command line"

run chatcell-admin list
is "$(echo "$out" | wc -l)" 3 "list prints a header and one line per chat"
like "$out" "*$name*1879048192*active*tg:42*" "list shows name, UID, state and chat ID"
run chatcell-admin --json list
is "$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), sorted(d[0]))')" \
	"2 ['chat_id', 'created_at', 'deleted_at', 'gid', 'home', 'last_login_at', 'last_logout_at', 'name', 'shell', 'state', 'uid', 'unfinished']" \
	"list --json is an array of chat objects with the documented keys"

run chatcell-admin suspend "tg:42"
is "$rc" 0 "suspend succeeds"
like "$out" "$name uid=1879048192 * state=suspended" "suspend reports the new state"
run chatcell-admin --json show --user "$name"
is "$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], d["chat_id"], [e["action"] for e in d["events"]])')" \
	"suspended tg:42 ['create', 'suspend']" "show --user finds the chat; the audit trail has create and suspend"
run chatcell-admin list --state suspended
is "$(echo "$out" | tail -n +2 | wc -l)" 1 "list --state suspended shows the one suspended chat"
run chatcell-admin resume --user "$name"
like "$out" "* state=active" "resume makes it active again"

# A running process of the chat ends with suspend.
setpriv --reuid="$name" --regid="$name" --clear-groups sleep 1000 &
sleeper=$!
run chatcell-admin suspend "tg:42"
wait "$sleeper"
is "$?" 137 "suspend killed the chat's running process (SIGKILL)"
chatcell-admin resume "tg:42" >/dev/null

# delete removes home and view entries; the UID stays quarantined.
setpriv --reuid="$name" --regid="$name" --clear-groups sleep 1000 &
sleeper=$!
run chatcell-admin delete "tg:42"
is "$rc" 0 "delete succeeds"
is "$out" "$name (uid 1879048192) deleted; its UID stays quarantined for 30 days" "delete says what happened"
wait "$sleeper"
is "$?" 137 "delete killed the chat's process first"
ok "the home is gone" test ! -e "/home/chatcell/$name"
run getent passwd 1879048192
is "$rc" 2 "the deleted UID no longer resolves"
run chatcell-admin show "tg:42"
is "$rc" 4 "show of a deleted chat: not found (exit 4)"
run chatcell-admin --json ensure "tg:42"
like "$out" "{\"name\":\"$name\",\"uid\":1879048194,*\"created\":true}" "re-creating the chat ID gives the same name and a fresh UID (the old one is quarantined)"
run chatcell-admin list --all
like "$out" "*1879048192 deleted*" "list --all shows the quarantined tombstone"

chatcell-admin ensure "tg:audit" >/dev/null

# delete --archive keeps the files, out of the chat UID's reach.
mkdir -m 0700 /home/archive
echo kept >"/home/chatcell/$name/data"
run chatcell-admin delete --archive /home/archive "tg:42"
is "$rc" 0 "delete --archive succeeds"
archived=$(ls /home/archive)
like "$archived" "$name-????????T??????Z" "the home is archived under name-UTC time"
is "$(stat -c '%U %a' "/home/archive/$archived")" "root 700" "the archived top directory is root's, 0700"
is "$(cat "/home/archive/$archived/data")" "kept" "archived data is intact"
run chatcell-admin delete --archive /home/archive "tg:stdin" --json
is "$rc" 0 "options may follow the chat ID"
run chatcell-admin delete --archive /nonexistent "tg:audit"
is "$rc" 3 "delete --archive to a missing directory is invalid input (exit 3)"
is "$err" "chatcell-admin delete: the archive directory /nonexistent does not exist; create it (root-owned, not writable by group or others) and retry" "and nothing is deleted before it is fixed"

# Audit trail of every step.
chatcell-admin suspend "tg:audit" >/dev/null
chatcell-admin resume "tg:audit" >/dev/null
run sqlite3 /var/lib/chatcell/registry.db "SELECT action FROM events WHERE name = '$(chatcell-admin name tg:audit)' ORDER BY id"
is "$(echo $out)" "create suspend resume" "every lifecycle event is in the audit table"

# Exit codes.
run chatcell-admin frobnicate
is "$rc" 2 "an unknown command is a usage error (exit 2)"
run chatcell-admin ensure
is "$rc" 2 "a missing chat ID is a usage error"
is "$err" "chatcell-admin ensure: give exactly one of: a CHAT_ID argument or --stdin
usage: chatcell-admin ensure CHAT_ID | --stdin [--start]" "and the message says what to give"
run chatcell-admin ensure --archive /x "a"
is "$rc" 2 "an option that does not apply is a usage error"
run setpriv --reuid=65534 --regid=65534 --clear-groups chatcell-admin list
is "$rc" 7 "a non-root caller gets the permission exit code"
is "$err" "chatcell-admin list: chatcell-admin must run as root (it manages users and /var/lib/chatcell); try sudo" "and is told to use sudo"

# repair rebuilds a damaged view and reports orphan homes.
live=$(chatcell-admin name tg:audit)
rm -f "/var/lib/chatcell/nss/n.$live"
ln -s 1879048999 /var/lib/chatcell/nss/n.chat-ffffffffffff
mkdir /home/chatcell/stray
run chatcell-admin repair
is "$rc" 0 "repair succeeds"
like "$out" "*removed stale NSS view entry n.chat-ffffffffffff*" "repair drops a view entry of no chat"
like "$out" "*orphan home /home/chatcell/stray belongs to no chat*" "repair reports an orphan home"
ok "repair restored the missing view entry" test -L "/var/lib/chatcell/nss/n.$live"
ok "repair left the orphan home in place" test -d /home/chatcell/stray


# A new chat's UID is one no NSS source knows as a user or a group, also
# when the entry does not fit a 4 KiB lookup buffer (a group of 800
# members: getgrgid_r answers ERANGE, which is not "no such group").
next=$(sqlite3 /var/lib/chatcell/registry.db "SELECT value FROM settings WHERE key = 'next_uid'")
echo "bigteam:x:$next:$(seq -f 'member%04g' 1 800 | paste -sd,)" >>/etc/group
run getent group "$next"
is "$rc:$(cut -d: -f1,3 <<<"$out")" "0:bigteam:$next" "control: NSS knows the 800-member group with GID $next"
run chatcell-admin --json ensure nss-big-group
like "$out" "{\"name\":\"chat-????????????\",\"uid\":$((next + 1)),*" \
	"identity/big-group-gid: ensure skips a UID whose GID belongs to a group too large for a 4 KiB buffer"

done_testing
