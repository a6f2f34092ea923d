#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A deleted NSS view directory: every command still works (the directory
# is made anew, with a warning), run says what is wrong instead of blaming
# nsswitch.conf, ensure republishes its chat, and repair rebuilds the whole
# view from the registry and reports exactly what it did.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "view-chat-a")
b=$(chat_user "view-chat-b")
c=$(chat_user "view-chat-c")
uid_a=$(id -u "$a")
uid_b=$(id -u "$b")
uid_c=$(id -u "$c")
view=/var/lib/chatcell/nss
resolves() { getent passwd "$1" >/dev/null; }
unresolved() { ! resolves "$1"; }

rm -rf "$view"
ok "with the view deleted no chat resolves" unresolved "$a"
run chatcell-admin list
is "$rc:$err" "0:chatcell-admin: warning: the NSS view $view was missing; it was made anew with no chat in it. Run 'chatcell-admin repair' to republish every chat" \
	"a read-only command works, makes the directory anew and says so"
is "$(ls -A "$view")" "params" "the new view holds its parameters only"
run chatcell-admin run "view-chat-a" -- id -un
is "$rc:$err" "125:chatcell-admin run: $a (uid $uid_a) has no entries in the NSS view $view, so it does not resolve and cannot log in; run 'chatcell-admin repair' to rebuild the view from the registry" \
	"run says the view lacks the chat, not that nsswitch.conf is wrong"
run chatcell-admin ensure "view-chat-b"
is "$rc:$out:$err" "0:$b uid=$uid_b gid=$uid_b home=/home/chatcell/$b state=active:" "ensure of an existing chat works"
ok "and republishes its view entries: it resolves again" resolves "$b"
ok "(only its own)" unresolved "$a"
run chatcell-admin repair
is "$rc:$out:$err" "0:published the NSS view entries of $a (uid $uid_a)
published the NSS view entries of $c (uid $uid_c)
repair done: 4 NSS view entries fixed (4 published, 0 removed), 0 homes made, 0 orphan homes reported:" \
	"repair republishes the other chats and says exactly that"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent 3" "registry, view and homes agree again"
run chatcell-admin run "view-chat-a" -- id -un
is "$rc:$out" "0:$a" "and run works"

# repair alone rebuilds a deleted view, directory included.
rm -rf "$view"
run chatcell-admin repair
is "$rc:$out:$err" "0:made the missing NSS view directory $view
published the NSS view parameters
published the NSS view entries of $a (uid $uid_a)
published the NSS view entries of $b (uid $uid_b)
published the NSS view entries of $c (uid $uid_c)
repair done: 7 NSS view entries fixed (7 published, 0 removed), 0 homes made, 0 orphan homes reported:" \
	"repair makes the directory and every entry, and reports each"
rm -rf "$view"
run chatcell-admin --json repair
is "$rc:$out:$err" '0:{"fixed":7,"published":7,"removed":0,"homes_made":0,"orphan_homes":0,"view_dir_made":true}:' \
	"the same with --json"
run chatcell-admin repair
is "$rc:$out" "0:repair done: 0 NSS view entries fixed (0 published, 0 removed), 0 homes made, 0 orphan homes reported" \
	"a second repair finds nothing to do"

# After init made the view anew (the administrator's first idea), ensure
# of an existing chat republishes it.
rm -rf "$view"
chatcell-admin init >/dev/null 2>&1
ok "init makes an empty view" unresolved "$a"
run chatcell-admin ensure "view-chat-a"
is "$rc" 0 "ensure of an existing chat after init works"
ok "and its name resolves again" resolves "$a"

# A missing home and a stray entry: both fixed, both reported.
chatcell-admin repair >/dev/null
rm -rf "/home/chatcell/$c"
ln -s 1879048999 "$view/n.chat-ffffffffffff"
run chatcell-admin repair
is "$rc:$out" "0:made the missing home /home/chatcell/$c
removed stale NSS view entry n.chat-ffffffffffff
repair done: 1 NSS view entries fixed (0 published, 1 removed), 1 homes made, 0 orphan homes reported" \
	"repair makes a missing home and drops a stray entry, and says so"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent 3" "consistent at the end"

done_testing
