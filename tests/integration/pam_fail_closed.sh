#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fail closed: each session step is made to fail for real (a planted
# symbolic link, the kernel refusing a mount, a namespace, the cell's
# keeper or the join through a seccomp filter, a keeper that cannot run,
# an unreadable registry). Each time the session is refused, the reason is
# one line in the system log, and no mount, no process, no keeper and no
# directory is left behind.
. "$(dirname "$0")/../lib/common.sh"

setup_logins
mounts_before=$(cat /proc/1/mountinfo)
inst=/var/lib/chatcell/instances
n=0

# left_nothing DESCRIPTION USER: nothing is left of a refused attempt.
left_nothing() {
	local desc=$1 user=$2
	is "$(cat /proc/1/mountinfo)" "$mounts_before" "$desc: no mount is left behind"
	is "$(pgrep -u "$user" | wc -l)" 0 "$desc: no process of the chat is left"
	is "$(pgrep -x chatcell-keeper | wc -l)" "$keepers" "$desc: no keeper is left"
	ok "$desc: no instance directory is left" test ! -e "$inst/$user"
}

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
	left_nothing "$desc" "$user"
}

# refused_at_account DESCRIPTION LOG_LINE USER COMMAND...: the same, for a
# login refused at the account stage (which looks for the running cell).
refused_at_account() {
	local desc=$1 line=$2 user=$3
	shift 3
	: >"$SYSLOG"
	run "$@"
	is "$rc:$err" "1:chatcell: cannot check $user; logins are refused (see the system log)"$'\n'"su: Authentication service cannot retrieve authentication info" \
		"$desc: the login is refused, and the user is told"
	run grep -c -F "pam_chatcell(su:account): refusing $user: $line" "$SYSLOG"
	is "$out" 1 "$desc: the system log says: $line"
	left_nothing "$desc" "$user"
}
keepers=0

c1=$(chat_user "fail-chat-1")
rm -rf "$inst"
mkdir -m 0700 /tmp/evil
ln -s /tmp/evil "$inst"
refused_cleanly "instance parent replaced by a symbolic link" \
	"cannot set up the cell of $c1: /var/lib/chatcell/instances is a symbolic link or not a directory; refusing it" \
	"$c1" su "$c1" -c true
is "$(ls -A /tmp/evil)" "" "nothing was created through the link"
rm "$inst"

sf=$CC_HELPERS/seccomp_fail
c2=$(chat_user "fail-chat-2")
cell="cannot set up the cell of $c2"
refused_cleanly "the kernel refuses a new procfs" \
	"$cell: cannot create a procfs instance (fsopen): Operation not permitted" "$c2" "$sf" fsopen EPERM su "$c2" -c true
refused_cleanly "the kernel lacks per-instance procfs options" \
	"$cell: this kernel lacks per-instance procfs options (hidepid=invisible, Linux 5.8)" "$c2" \
	"$sf" fsconfig EINVAL su "$c2" -c true
refused_cleanly "the kernel lacks the new mount API" \
	"$cell: this kernel lacks the new mount API (open_tree/move_mount, Linux 5.2; mount_setattr, Linux 5.12)" "$c2" \
	"$sf" open_tree ENOSYS su "$c2" -c true
refused_cleanly "the kernel refuses the cell's cgroup namespace" \
	"$cell: cannot create the cell's cgroup namespace (unshare): Operation not permitted" "$c2" \
	"$sf" unshare EPERM su "$c2" -c true
refused_cleanly "the kernel refuses the cell's namespaces" \
	"cannot create the cell of $c2 (clone3, Linux 5.5): Operation not permitted" "$c2" "$sf" clone3 EPERM su "$c2" -c true
# setns() is first needed to reach into the new cell's network namespace.
refused_cleanly "the kernel refuses to enter the cell's network namespace" \
	"cannot set up the network of the cell of $c2: entering the cell's network namespace was refused (this needs CAP_SYS_ADMIN, i.e. root)" "$c2" \
	"$sf" setns EPERM su "$c2" -c true
# keyctl(KEYCTL_JOIN_SESSION_KEYRING = 1): su's stack calls none of its own.
refused_cleanly "the chat's keys are at the kernel's limit" \
	"the chat holds as many keys as the kernel allows a user (kernel.keys.maxkeys, maxbytes), so its session cannot get a keyring of its own" \
	"$c2" "$sf" keyctl:0=1 EDQUOT su "$c2" -c true
refused_cleanly "the kernel refuses the session's system call filter" \
	"cannot install the session's system call filter: the kernel refuses seccomp() (CONFIG_SECCOMP_FILTER, Linux 3.17 or later, is needed)" \
	"$c2" "$sf" seccomp EPERM su "$c2" -c true
# The cell's devpts: its fsmount is the only one without nodev
# (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC = 0xa), so the fault hits it alone.
# Its fsopen and fsconfig calls (the type and options are strings) and its
# move_mount (the same arguments as /proc's, made first) cannot be told
# apart from the other mounts' by a system call filter.
refused_cleanly "the kernel refuses the cell's devpts" \
	"$cell: cannot mount the cell's devpts: Operation not permitted" "$c2" \
	"$sf" fsmount:2=0xa EPERM su "$c2" -c true
# Where /dev/ptmx is a device node (the sandbox has a symbolic link to
# pts/ptmx, which needs no mount), the instance's ptmx is bound over it:
# the first open_tree that clones a path without following it
# (OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW = 0x80101; the
# blanks over the login records come later). Its mount_setattr (the
# attributes are behind a pointer) cannot be singled out.
rm /dev/ptmx
mknod -m 666 /dev/ptmx c 5 2
refused_cleanly "the kernel refuses to bind the cell's ptmx" \
	"$cell: cannot clone ptmx for the cell's /dev/ptmx: Operation not permitted" "$c2" \
	"$sf" open_tree:2=0x80101 EPERM su "$c2" -c true
# (Another chat: a login that works makes the chat's instance directories.)
c4=$(chat_user "fail-chat-4")
run su "$c4" -c 'stat -c %t:%T /dev/ptmx; /usr/bin/python3 -c "import os; m, s = os.openpty(); print(os.ttyname(s))"'
is "$rc:$out" "0:5:2"$'\n'"/dev/pts/0" "control: without the fault such a login works, its ptmx node opening the cell's devpts"
chatcell-admin suspend fail-chat-4 >/dev/null && chatcell-admin resume fail-chat-4 >/dev/null
is "$(pgrep -x chatcell-keeper | wc -l)" 0 "and its cell is ended again"
rm /dev/ptmx
ln -s pts/ptmx /dev/ptmx
refused_cleanly "the kernel refuses the cell's host name" \
	"$cell: cannot name the cell's host: Operation not permitted" "$c2" "$sf" sethostname EPERM su "$c2" -c true
# The keeper dies during its setup: killed (SIGKILL) at its sethostname,
# which nothing else in a login calls; or the keeper program fails before
# it is ready (the login process does not call signalfd).
refused_cleanly "the keeper is killed during its setup" \
	"$cell: its keeper was killed by SIGKILL before it was ready" "$c2" "$sf" sethostname KILL su "$c2" -c true
refused_cleanly "the keeper program fails before it is ready" \
	"$cell: chatcell-keeper cannot create its signal descriptor (signalfd): Operation not permitted" "$c2" \
	"$sf" signalfd4 EPERM su "$c2" -c true
# (A keeper that never reports is given up after 10 s; not waited for here.)

# The cell record of a chat that never logged in is not a root-owned 0600
# file: a symbolic link (to a file that would be read and locked), a FIFO
# (an open would wait for a writer), a file of mode 0644, one the chat
# owns. The login is refused at the account stage and the planted file is
# neither followed nor changed.
c3=$(chat_user "fail-chat-3")
record=/run/chatcell/cells/$(id -u "$c3")
ok "the cell records' directory exists (made by the attempts above)" test -d /run/chatcell/cells -a ! -e "$record"
printf 'not a record\n' >/tmp/evil-record
chmod 600 /tmp/evil-record
ln -s /tmp/evil-record "$record"
refused_at_account "the cell record is a symbolic link" \
	"the cell record $record is a symbolic link; chatcell never follows links in its own paths" "$c3" su "$c3" -c true
is "$(readlink "$record"):$(cat /tmp/evil-record)" "/tmp/evil-record:not a record" "the link and its target are untouched"
rm "$record"
mkfifo -m 600 "$record"
refused_at_account "the cell record is a FIFO" \
	"the cell record $record must be a root-owned 0600 file; refusing it" "$c3" timeout 30 su "$c3" -c true
rm "$record"
printf 'x\n' >"$record"
chmod 644 "$record"
refused_at_account "the cell record has mode 0644" \
	"the cell record $record must be a root-owned 0600 file; refusing it" "$c3" su "$c3" -c true
chmod 600 "$record"
chown "$c3" "$record"
refused_at_account "the cell record is the chat's" \
	"the cell record $record must be a root-owned 0600 file; refusing it" "$c3" su "$c3" -c true
is "$(stat -c %U:%a:%s "$record")" "$c3:600:2" "the planted record is left as it was"
rm "$record"
run su "$c3" -c 'echo fine'
is "$rc:$out" "0:fine" "control: with no record planted, the same login works"
chatcell-admin suspend fail-chat-3 >/dev/null && chatcell-admin resume fail-chat-3 >/dev/null
is "$(pgrep -x chatcell-keeper | wc -l)" 0 "and its cell is ended again"

keeper=/usr/libexec/chatcell/chatcell-keeper
chmod 000 "$keeper"
refused_cleanly "the keeper cannot run" "$cell: cannot run $keeper: Permission denied" "$c2" su "$c2" -c true
chmod 755 "$keeper"

# With the cell running (a session holds it), a later login that cannot
# open the keeper is refused, and the cell and its session go on.
mkfifo -m 666 /run/c2-in /run/c2-ready
su "$c2" -c 'echo ready >/run/c2-ready; read -r _ </run/c2-in' &
holder=$!
read -r _ </run/c2-ready
keepers=1
: >"$SYSLOG"
run "$sf" pidfd_open ENOSYS su "$c2" -c true
is "$rc:$err" "1:chatcell: cannot check $c2; logins are refused (see the system log)"$'\n'"su: Authentication service cannot retrieve authentication info" \
	"a login that cannot open the running keeper is refused (at the account stage, which looks for the cell)"
run grep -c -F "refusing $c2: cannot open the keeper of cell $(id -u "$c2") (pidfd_open, Linux 5.3): Function not implemented" "$SYSLOG"
is "$out" 1 "and the system log says why"
is "$(pgrep -x chatcell-keeper | wc -l)" 1 "the running cell is untouched"
echo >/run/c2-in
wait "$holder"
chatcell-admin suspend fail-chat-2 >/dev/null && chatcell-admin resume fail-chat-2 >/dev/null
is "$(pgrep -x chatcell-keeper | wc -l)" 0 "suspend ended the cell (resume starts none)"

# The registry cannot be read safely: with no running cell the login needs
# it, and is refused at the account stage already.
chmod 644 /var/lib/chatcell/registry.db
: >"$SYSLOG"
run su "$c2" -c true
is "$rc:$err" "1:chatcell: cannot check $c2; logins are refused (see the system log)"$'\n'"su: Authentication service cannot retrieve authentication info" "an unreadable registry refuses the login"
run grep -c -F "refusing $c2: /var/lib/chatcell/registry.db has mode 0644; it holds chat IDs and must be 0600" "$SYSLOG"
is "$out" 1 "and the log says what is wrong with it"
chmod 600 /var/lib/chatcell/registry.db

# The registry holds a malformed egress rule of the chat: the new cell's
# table cannot be made, so the cell is not either (its link goes with its
# network namespace, which the kernel removes in the background).
keepers=0
ce=$(chat_user "fail-chat-egress")
chatcell-admin egress allow fail-chat-egress 10.99.0.2 --port 8000 >/dev/null
rule_of_ce="chat = (SELECT id FROM chats WHERE name = '$ce')"
sqlite3 /var/lib/chatcell/registry.db "UPDATE egress_rules SET addr = x'0a63' WHERE $rule_of_ce"
refused_cleanly "a malformed egress rule in the registry" \
	"cannot set up the network of the cell of $ce: the registry /var/lib/chatcell/registry.db has a malformed egress rule; restore it from backup" \
	"$ce" su "$ce" -c true
sqlite3 /var/lib/chatcell/registry.db "UPDATE egress_rules SET addr = x'0a630002' WHERE $rule_of_ce"
run su "$ce" -c 'echo fine'
is "$rc:$out" "0:fine" "control: with the rule mended, the same login works"
chatcell-admin suspend fail-chat-egress >/dev/null

# After all that, the same chat logs in normally.
run su "$c2" -c 'echo fine; ls -A /tmp'
is "$rc:$out" "0:fine" "once the faults are gone, the chat's session works"
done_testing
