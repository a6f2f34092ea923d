#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One chat whose setup cannot be finished (its NSS view entry hits a full
# file system) blocks nothing else: read-only commands, other chats'
# commands and their logins work, with a warning naming the stuck chat; the
# stuck chat's own commands fail with the reason, once; with room again the
# next command finishes it.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
a=$(chat_user "stuck-other-a")
b=$(chat_user "stuck-other-b")
runuser -u "$a" -- true # their instance directories exist from now on
runuser -u "$b" -- true
stuck=$(chatcell-admin name "stuck-chat")

# The state directory on a file system with no inode left: the registry
# still takes writes, but no new file or link can be made.
cp -a /var/lib/chatcell /run/state.copy
mount -t tmpfs -o mode=755,nr_inodes=100000 tmpfs /var/lib/chatcell
cp -a /run/state.copy/. /var/lib/chatcell/
# (Without the disk reserve init sets aside: suspend would release it to
# make room, an inode too, which is disk_quota.sh's subject, not this one's.)
rm /var/lib/chatcell/reserve
used=$(($(df --output=iused /var/lib/chatcell | tail -1)))
mount -o remount,nr_inodes="$used" /var/lib/chatcell

run chatcell-admin ensure "stuck-chat"
uid=$(sqlite3 /var/lib/chatcell/registry.db "SELECT uid FROM chats WHERE name = '$stuck'")
why="$stuck (uid $uid) is registered but its setup is unfinished: cannot publish /var/lib/chatcell/nss/u.$uid: No space left on device. Fix that; the next chatcell-admin command finishes the setup"
is "$rc:$err" "1:chatcell-admin ensure: $why" "ensure fails on the full file system, saying what is left"
warning="chatcell-admin: warning: $why"

run chatcell-admin list
is "$rc:$err" "0:$warning" "list works, with one warning naming the stuck chat"
is "$(printf '%s\n' "$out" | awk 'NR > 1 {print $1}' | sort)" "$(printf '%s\n' "$a" "$b" "$stuck" | sort)" "and lists every chat"
run chatcell-admin --json show "stuck-chat"
is "$rc:$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["name"], d["unfinished"])')" \
	"0:$stuck create" "show works for the stuck chat itself and names its unfinished step"
run chatcell-admin show "stuck-other-a"
is "$rc:$err" "0:$warning" "show of another chat works"
run chatcell-admin name "stuck-other-b"
is "$rc:$out" "0:$b" "name works"
run chatcell-admin ensure "stuck-other-b"
like "$rc:$out:$err" "0:$b uid=* state=active:$warning" "ensure of another existing chat works"
run chatcell-admin suspend "stuck-other-b"
like "$rc:$out" "0:$b uid=* state=suspended" "suspend of another chat works"
run chatcell-admin resume "stuck-other-b"
like "$rc:$out" "0:$b uid=* state=active" "and resume"
run chatcell-admin run "stuck-other-a" -- id -un
is "$rc:$out:$err" "0:$a:$warning" "run of another chat works (its login too)"
run su "$b" -c 'id -un'
is "$rc:$out" "0:$b" "other chats log in through su and runuser"

run chatcell-admin ensure "stuck-chat"
is "$rc:$err" "1:chatcell-admin ensure: $why" "the stuck chat's own ensure fails with the reason, said once"
run chatcell-admin suspend "stuck-chat"
is "$rc:$err" "1:chatcell-admin suspend: $why" "as does a change that builds on the unfinished step"
run chatcell-admin repair
is "$rc:$err" "1:chatcell-admin repair: $why" "repair does not claim success while the step is unfinished"
run chatcell-admin ensure "stuck-then-deleted"
gone=$(chatcell-admin name "stuck-then-deleted" 2>/dev/null)
is "$rc" 1 "a second chat gets stuck the same way"
run chatcell-admin delete "stuck-then-deleted"
like "$rc:$out:$err" "0:$gone (uid *) deleted; *:$warning" "delete of a stuck chat works: it replaces the unfinished step"

# Room again: the next command, whichever, finishes the setup.
mount -o remount,nr_inodes=$((used + 100)) /var/lib/chatcell
run chatcell-admin list
is "$rc:$err" "0:" "with room again, list works without a warning"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
is "$out" "consistent 3" "and has finished the stuck chat's setup"
is "$(getent passwd "$stuck" | cut -d: -f3)" "$uid" "whose name resolves"

done_testing
