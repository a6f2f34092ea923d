#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pam_chatcell.so is in the stack of every login on the host. It links only
# libc and libpam, and a login of a user that is not a chat maps nothing of
# chatcell's but the module itself: the session library (and sqlite,
# nettle, libmnl, libnftnl, libseccomp with it) is loaded for chats only.
. "$(dirname "$0")/../lib/common.sh"

module=/usr/lib/x86_64-linux-gnu/security/pam_chatcell.so
library=/usr/lib/x86_64-linux-gnu/chatcell/libchatcell-session.so
# (Built with --enable-sanitizers, the modules carry UBSan: configure.ac.)
sanitizer_runtime=
[ "${CC_SANITIZERS:-}" = yes ] && sanitizer_runtime="libubsan.so.1 "
run readelf -d "$module"
is "$(echo "$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')" "libc.so.6 libpam.so.0 $sanitizer_runtime" \
	"pam_chatcell.so needs only libc and libpam${sanitizer_runtime:+ (and the UBSan runtime of this build)}"
run readelf -d "$library"
like "$(echo "$out" | grep NEEDED | tr '\n' ' ')" "*libsqlite3*libseccomp*" \
	"control: the session library it loads for chats does need sqlite and libseccomp"
is "$(stat -c '%U %a' "$library")" "root 755" "the session library is root's, not writable by others"

setup_logins
a=$(chat_user "footprint-chat")

# maps_of USER: the memory map of the runuser process (which ran the PAM
# stack) of a session of USER, while the session runs.
maps_of() {
	local fifo
	fifo=$(mktemp -u /run/footprint.XXXXXX)
	mkfifo -m 666 "$fifo"
	runuser -u "$1" -- /bin/sh -c "echo \$PPID >$fifo; exec sleep 1000" 2>/dev/null &
	local job=$! pid
	read -r pid <"$fifo"
	rm -f "$fifo"
	cat "/proc/$pid/maps"
	kill "$job"
	wait "$job" 2>/dev/null
}
# (libnss_chatcell.so.2 may be mapped: runuser enumerates the groups through
# NSS, and that module links only libc.)
ours='chatcell-session\|libsqlite3\|libnettle\|libmnl\|libnftnl\|libseccomp'
nobody_maps=$(maps_of nobody)
like "$nobody_maps" "*/security/pam_chatcell.so*" "a login of nobody loads pam_chatcell.so (it is in the stack)"
is "$(echo "$nobody_maps" | grep -c "$ours")" 0 \
	"and maps nothing else of chatcell's: no session library, sqlite, nettle, libmnl, libnftnl or libseccomp"
chat_maps=$(maps_of "$a")
is "$(echo "$chat_maps" | grep -o 'libchatcell-session.so\|libsqlite3[^ ]*\|libseccomp[^ ]*' | sort -u | tr '\n' ' ')" \
	"libchatcell-session.so libseccomp.so.2.5.4 libsqlite3.so.0.8.6 " "control: a chat's login does map the session library, sqlite and libseccomp"

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
done_testing
