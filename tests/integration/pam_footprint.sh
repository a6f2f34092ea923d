#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pam_chatcell.so is in the stack of every login on the host. It links only
# libc and libpam, and a login of a user that is not a chat maps nothing of
# chatcell's but the module itself: the session library (with libmnl; its
# seccomp filter is compiled when chatcell is built, so no libseccomp) is
# loaded for chats only, and the session start library (with
# sqlite and libnftnl) only for a chat whose cell is not running.
. "$(dirname "$0")/../lib/common.sh"

module=/usr/lib/x86_64-linux-gnu/security/pam_chatcell.so
library=/usr/lib/x86_64-linux-gnu/chatcell/libchatcell-session.so
start_library=/usr/lib/x86_64-linux-gnu/chatcell/libchatcell-session-start.so
# needed FILE: the libraries FILE needs (under --enable-sanitizers the
# installed modules carry the UBSan runtime too, left out here).
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v '^libubsan' | sort | tr '\n' ' '
}
is "$(needed "$module")" "libc.so.6 libpam.so.0 " "pam_chatcell.so needs only libc and libpam"
is "$(needed "$library")" "libc.so.6 libmnl.so.0 libpam.so.0 " \
	"the session library (a login into a running cell) needs no sqlite, no libnftnl and no libseccomp"
like "$(needed "$start_library")" "*libnftnl*libsqlite3*" \
	"control: the session start library (a new cell) does need sqlite and libnftnl"
is "$(stat -c '%U %a' "$library" "$start_library" | tr '\n' ' ')" "root 755 root 755 " \
	"both session libraries are root's, not writable by others"

setup_logins
a=$(chat_user "footprint-chat")

# maps_of USER: the memory map of the runuser process (which ran the PAM
# stack) of a session of USER, while the session runs: the session's shell
# says "ready" once the stack has opened it.
maps_of() {
	local fifo
	fifo=$(mktemp -u /run/footprint.XXXXXX)
	mkfifo -m 666 "$fifo"
	runuser -u "$1" -- /bin/sh -c "echo ready >$fifo; exec sleep 1000" 2>/dev/null &
	local job=$!
	read -r _ <"$fifo"
	rm -f "$fifo"
	cat "/proc/$job/maps"
	kill "$job"
	wait "$job" 2>/dev/null
}
# (libnss_chatcell.so.2 may be mapped: runuser enumerates the groups through
# NSS, and that module links only libc.)
ours='chatcell-session\|libsqlite3\|libnettle\|libmnl\|libnftnl\|libseccomp'
mapped() { grep -o 'libchatcell-session[^ ]*\|libsqlite3[^ ]*\|libnftnl[^ ]*\|libmnl[^ ]*\|libseccomp[^ ]*' | sort -u | tr '\n' ' '; }
nobody_maps=$(maps_of nobody)
like "$nobody_maps" "*/security/pam_chatcell.so*" "a login of nobody loads pam_chatcell.so (it is in the stack)"
is "$(echo "$nobody_maps" | grep -c "$ours")" 0 \
	"and maps nothing else of chatcell's: no session library, sqlite, nettle, libmnl, libnftnl or libseccomp"
is "$(maps_of "$a" | mapped)" \
	"libchatcell-session-start.so libchatcell-session.so libmnl.so.0.2.0 libnftnl.so.11.6.0 libsqlite3.so.0.8.6 " \
	"control: a chat's first login (it starts the cell) maps both session libraries, sqlite and libnftnl"
is "$(maps_of "$a" | mapped)" "libchatcell-session.so libmnl.so.0.2.0 " \
	"a login into the running cell maps the session library only: no sqlite, no libnftnl"

# chatcell-admin run calls only its service's account and session stacks;
# libpam loads every module a service lists, called or not, so the service
# lists no auth stack (its pam_rootok was loaded into every run for
# nothing). The loader names every file it loads (LD_DEBUG).
modules_of_run() { LD_DEBUG=files chatcell-admin run footprint-chat -- true 2>&1 | grep -o 'file=[^ ]*/security/pam_[a-z]*' | sed 's#.*/##' | sort -u | tr '\n' ' '; }
is "$(modules_of_run)" "pam_chatcell pam_deny pam_limits " \
	"run loads the modules of its account and session stacks and other's pam_deny: no pam_rootok, no pam_keyinit, no pam_unix"
cp /etc/chatcell/pam.d/chatcell /tmp/pam.saved
sed -i '1i auth sufficient pam_rootok.so' /etc/chatcell/pam.d/chatcell
is "$(modules_of_run)" "pam_chatcell pam_deny pam_limits pam_rootok " \
	"control: an auth line loads its module, though run never calls auth"
cp /tmp/pam.saved /etc/chatcell/pam.d/chatcell

# A session library anyone could have replaced is not loaded.
chmod 666 "$library"
run runuser -u "$a" -- true
is "$rc" 1 "a group- or world-writable session library refuses the chat's login"
like "$err" "*chatcell: cannot check $a; logins are refused (see the system log)*" "and says so"
run runuser -u nobody -- true
is "$rc" 0 "other users' logins are not affected"
chmod 755 "$library"
run runuser -u "$a" -- true
is "$rc" 0 "restored, the chat logs in"

# The same for the start library, needed once the cell is gone.
chatcell-admin suspend footprint-chat >/dev/null && chatcell-admin resume footprint-chat >/dev/null
chmod 666 "$start_library"
: >"$SYSLOG"
run runuser -u "$a" -- true
is "$rc:$err" "1:chatcell: cannot set up a confined session for $a (see the system log)"$'\n'"runuser: cannot open session: Cannot make/remove an entry for the specified session" \
	"a group- or world-writable session start library refuses a login that would start the cell"
run grep -c -F "cannot load $start_library: it must be a regular file owned by root and not writable by group or others" "$SYSLOG"
is "$out" 1 "and the system log says why"
chmod 755 "$start_library"
run runuser -u "$a" -- true
is "$rc" 0 "restored, the chat logs in"
done_testing
