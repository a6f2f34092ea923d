#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The registry keeps the host key's fingerprint (never the key): while any
# chat exists, a missing key is not replaced and a different key is
# refused, with a message naming what to restore; with the right key back,
# a chat deleted and created again gets its old name.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null 2>&1
a=$(chat_user "key-chat-a")
db=/var/lib/chatcell/registry.db
key=/var/lib/chatcell/hmac.key
fingerprint_of() { python3 -c 'import hashlib, sys; print(hashlib.sha256(b"chatcell host key fingerprint 1\0" + open(sys.argv[1], "rb").read()).hexdigest())' "$1"; }
recorded() { sqlite3 "$db" "SELECT value FROM settings WHERE key = 'host_key_fingerprint'"; }
fp=$(fingerprint_of "$key")
is "$(recorded)" "$fp" "init records the key's fingerprint (SHA-256 of a label and the key)"
run python3 -c 'import sys; sys.exit(open(sys.argv[2], "rb").read() in open(sys.argv[1], "rb").read())' "$db" "$key"
is "$rc" 0 "the registry file does not contain the key itself"
cp -a "$key" /root/hmac.key.saved
no_backup="No 'chatcell-admin backup' of this host is recorded: restore $key from your own backup of it"

# Lost: not replaced while chats exist, by init or anything else.
rm "$key"
missing="the host key $key is missing, but the registry holds 1 chats named with it (fingerprint ${fp:0:16}); a new key would give them other names, so none is made. $no_backup"
run chatcell-admin init
is "$rc:$err" "6:chatcell-admin init: $missing" "init refuses to make a new key while chats exist, naming what to restore"
ok "and makes none" test ! -e "$key"
run chatcell-admin ensure "key-chat-b"
is "$rc:$err" "6:chatcell-admin ensure: $missing" "ensure refuses too"

# Different: refused by every command.
head -c 32 /dev/urandom >"$key"
chmod 600 "$key"
other=$(fingerprint_of "$key")
wrong="the host key $key is not the key the registry's 1 chats were named with (its fingerprint is ${other:0:16}, the registry's ${fp:0:16}); it would give them other names. $no_backup"
run chatcell-admin init
is "$rc:$err" "6:chatcell-admin init: $wrong" "init refuses a different key"
run chatcell-admin ensure "key-chat-b"
is "$rc:$err" "6:chatcell-admin ensure: $wrong" "ensure refuses a different key"
run chatcell-admin name "key-chat-a"
is "$rc:$err" "6:chatcell-admin name: $wrong" "name refuses it (it would print another name)"
is "$(recorded)" "$fp" "the recorded fingerprint is kept"

# The right key back: everything works, and a chat deleted and created
# again gets the name it had.
cp -a /root/hmac.key.saved "$key"
run chatcell-admin list
is "$rc" 0 "with the right key restored, commands work"
chatcell-admin delete "key-chat-a" >/dev/null
run chatcell-admin ensure "key-chat-a"
like "$rc:$out" "0:$a uid=*(created)" "a chat deleted and created again gets its old name"

# A registry from before fingerprints: the key is checked against the
# oldest chat's name, then its fingerprint recorded.
sqlite3 "$db" "DELETE FROM settings WHERE key = 'host_key_fingerprint'"
head -c 32 /dev/urandom >"$key"
run chatcell-admin list
is "$rc:$err" "6:chatcell-admin list: the host key $key is not the key the registry's 2 chats were named with (its fingerprint is $(fingerprint_of "$key" | cut -c1-16), the registry's not recorded); it would give them other names. $no_backup" \
	"without a recorded fingerprint, a key that does not name the chats is refused"
is "$(recorded)" "" "and nothing is recorded"
cp -a /root/hmac.key.saved "$key"
run chatcell-admin list
is "$rc:$(recorded)" "0:$fp" "the right key is recognised by the chats' names, and its fingerprint recorded"

# With no chat at all, a new key names nothing: init makes one.
rm -rf /var/lib/chatcell /home/chatcell
chatcell-admin init >/dev/null 2>&1
rm "$key"
run chatcell-admin init
is "$rc:$(recorded)" "0:$(fingerprint_of "$key")" "with no chats, init makes a new key and records it"

done_testing
