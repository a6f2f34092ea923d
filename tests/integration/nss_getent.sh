#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Chat users through the real glibc path: getent, id, ls, python3's pwd and
# grp modules, enumeration, and that everyone else resolves as before.
. "$(dirname "$0")/../lib/common.sh"

# What the host's own users look like without chatcell, for comparison.
files_passwd=$(getent passwd | sort)
files_group=$(getent group | sort)

use_chatcell_nss
chatcell-admin init >/dev/null
a=$(chat_user "telegram:1001")
b=$(chat_user "telegram:1002")
c=$(chat_user "slack:T01/C02")
ua=$(chatcell-admin --json ensure "telegram:1001" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])')

run getent passwd "$a"
is "$out" "$a:*:$ua:$ua:chatcell chat:/home/chatcell/$a:/bin/bash" "getent passwd by name gives the public fields only"
run getent passwd "$ua"
is "$out" "$a:*:$ua:$ua:chatcell chat:/home/chatcell/$a:/bin/bash" "getent passwd by number"
run getent group "$a"
is "$out" "$a:*:$ua:" "getent group by name: the user-private group, no members"
run getent group "$ua"
is "$out" "$a:*:$ua:" "getent group by number"
run id "$a"
is "$out" "uid=$ua($a) gid=$ua($a) groups=$ua($a)" "id shows the chat with its private group only"

chats_listed=$(getent passwd | grep '^chat-' | cut -d: -f1 | sort)
is "$chats_listed" "$(printf '%s\n' "$a" "$b" "$c" | sort)" "enumeration lists exactly the chats"
is "$(getent passwd | grep -v '^chat-' | sort)" "$files_passwd" "enumeration still lists root and every host user unchanged"
is "$(getent group | grep -v '^chat-' | sort)" "$files_group" "group enumeration keeps every host group unchanged"
is "$(getent group | grep -c '^chat-')" 3 "group enumeration lists the three chat groups"

touch "/home/chatcell/$a/note"
chown "$ua:$ua" "/home/chatcell/$a/note"
run ls -ln "/home/chatcell/$a/note"
like "$out" "* $ua $ua *" "the file is owned by the chat's numbers"
run ls -l "/home/chatcell/$a/note"
like "$out" "* $a $a *" "ls -l shows the chat's name"

py=$(/usr/bin/python3 - "$a" "$ua" <<'PY'
import grp, pwd, sys
name, uid = sys.argv[1], int(sys.argv[2])
p = pwd.getpwnam(name)
assert p == pwd.getpwuid(uid), "by name and by uid differ"
g = grp.getgrgid(uid)
assert g.gr_name == name and g.gr_mem == [], g
names = [e.pw_name for e in pwd.getpwall() if e.pw_name.startswith("chat-")]
print(p.pw_name, p.pw_uid, p.pw_gid, p.pw_dir, p.pw_shell, len(names))
PY
)
is "$py" "$a $ua $ua /home/chatcell/$a /bin/bash 3" "python3's pwd and grp modules agree"

run getent passwd root
is "$out" "root:x:0:0:root:/root:/bin/bash" "root still comes from files"
run getent passwd chat-000000000000
is "$rc" 2 "an unknown chat-shaped name is not found (exit 2)"
run getent passwd nosuchuser
is "$rc" 2 "an unknown ordinary name is not found"
run getent passwd 1879048191
is "$rc" 2 "a UID just below the chat range is not found"

# A deleted chat disappears at once; its files show a bare number.
chatcell-admin delete "slack:T01/C02" >/dev/null
run getent passwd "$c"
is "$rc" 2 "a deleted chat no longer resolves"

# The view holds no chat ID: names are keyed hashes, targets are numbers.
view=$(find /var/lib/chatcell/nss -printf '%f -> %l\n')
like "$view" "*n.$a -> $ua*" "the view maps the name to the UID"
run grep -c -e "telegram" -e "slack" <<<"$view"
is "$out" 0 "no chat ID in the public view's names or targets"

done_testing
