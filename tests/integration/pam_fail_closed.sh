#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fail closed: each session step is made to fail for real (a planted
# symbolic link, the kernel refusing a mount or a namespace through a
# seccomp filter, an unreadable registry). Each time the session is
# refused, the reason is one line in the system log, and no mount, no
# process and no directory is left behind.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
mounts_before=$(cat /proc/1/mountinfo)
inst=/var/lib/chatcell/instances
n=0

# refused_cleanly DESCRIPTION LOG_LINE USER COMMAND...: the session is
# refused, the log has the line, nothing is left of the attempt.
refused_cleanly() {
	local desc=$1 line=$2 user=$3
	shift 3
	n=$((n + 1))
	: >"$SYSLOG"
	run "$@"
	is "$rc" 1 "$desc: the session is refused"
	like "$err" "*chatcell: cannot set up a confined session for $user (see the system log)*" "$desc: the user is told"
	run grep -c -F "pam_chatcell(su:session): refusing a session for $user: $line" "$SYSLOG"
	is "$out" 1 "$desc: the system log says: $line"
	is "$(cat /proc/1/mountinfo)" "$mounts_before" "$desc: no mount is left behind"
	is "$(pgrep -u "$user" | wc -l)" 0 "$desc: no process of the chat is left"
	ok "$desc: no instance directory is left" test ! -e "$inst/$user"
}

c1=$(chat_user "fail-chat-1")
rm -rf "$inst"
mkdir -m 0700 /tmp/evil
ln -s /tmp/evil "$inst"
refused_cleanly "instance parent replaced by a symbolic link" \
	"/var/lib/chatcell/instances is a symbolic link or not a directory; refusing it" "$c1" su "$c1" -c true
is "$(ls -A /tmp/evil)" "" "nothing was created through the link"
rm "$inst"

sf=$CC_HELPERS/seccomp_fail
c2=$(chat_user "fail-chat-2")
refused_cleanly "the kernel refuses a new procfs" \
	"cannot create a procfs instance (fsopen): Operation not permitted" "$c2" "$sf" fsopen EPERM su "$c2" -c true
refused_cleanly "the kernel lacks per-instance procfs options" \
	"this kernel lacks per-instance procfs options (hidepid=invisible, Linux 5.8)" "$c2" "$sf" fsconfig EINVAL su "$c2" -c true
refused_cleanly "the kernel lacks the new mount API" \
	"this kernel lacks the new mount API (open_tree/move_mount, Linux 5.2; mount_setattr, Linux 5.12)" "$c2" \
	"$sf" open_tree ENOSYS su "$c2" -c true
refused_cleanly "the kernel refuses a mount namespace" \
	"cannot create a mount namespace (unshare): Operation not permitted" "$c2" "$sf" unshare EPERM su "$c2" -c true
refused_cleanly "the kernel refuses the session's system call filter" \
	"cannot install the session's system call filter: the kernel refuses seccomp() (CONFIG_SECCOMP_FILTER, Linux 3.17 or later, is needed)" \
	"$c2" "$sf" seccomp EPERM su "$c2" -c true

# The registry cannot be read safely: refused at the account stage already.
chmod 644 /var/lib/chatcell/registry.db
: >"$SYSLOG"
run su "$c2" -c true
is "$rc:$err" "1:chatcell: cannot check $c2; logins are refused (see the system log)"$'\n'"su: Authentication service cannot retrieve authentication info" "an unreadable registry refuses the login"
run grep -c -F "refusing $c2: /var/lib/chatcell/registry.db has mode 0644; it holds chat IDs and must be 0600" "$SYSLOG"
is "$out" 1 "and the log says what is wrong with it"
chmod 600 /var/lib/chatcell/registry.db

# After all that, the same chat logs in normally.
run su "$c2" -c 'echo fine; ls -A /tmp'
is "$rc:$out" "0:fine" "once the faults are gone, the chat's session works"
done_testing
