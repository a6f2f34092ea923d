#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Landlock's modes and its failures, for real: landlock = required refuses
# a login on a kernel without Landlock (simulated with the seccomp fault
# helper answering ENOSYS, or EOPNOTSUPP for "built in but not enabled"),
# best-effort lets it in without Landlock and says so, off never uses it;
# init warns about each and reports the ABI, as show does. A path the
# ruleset must grant (one chatcell.conf names, the chat's home) that
# vanished refuses the login with the path named. The TCP bind limit of
# landlock_bind_ports (ABI 4).
CC_TEST_LANDLOCK=no
. "$(dirname "$0")/../lib/common.sh"

helpers=/run/landlock-helpers
install -d -m 0755 "$helpers"
cp "$CC_HELPERS/surface_probe" "$helpers/"
probe=$helpers/surface_probe
sf=$CC_HELPERS/seccomp_fail
conf() { # extra chatcell.conf lines on stdin
	{
		echo "landlock_read = $helpers"
		cat
	} | write_config
}
conf </dev/null
# init's other warning (dev.tty.legacy_tiocsti) is tested elsewhere: a 0
# bound over the sysctl in this sandbox keeps it off stderr here.
if [ -e /proc/sys/dev/tty/legacy_tiocsti ]; then
	echo 0 >/run/tiocsti-0
	mount --bind /run/tiocsti-0 /proc/sys/dev/tty/legacy_tiocsti
fi
setup_logins
a=$(chat_user "landlock-chat-a")
echo "a host log line" >/var/log/landlock-modes.log
chmod 0644 /var/log/landlock-modes.log
secret="$probe read /var/log/landlock-modes.log"
abi=$("$probe" landlock-abi | cut -d' ' -f2)
[ "$abi" -ge 1 ] 2>/dev/null || skip_all "this kernel offers no Landlock ($abi): nothing to test here"
nothing_left() { # DESCRIPTION USER KEEPERS
	is "$(pgrep -u "$2" | wc -l)" 0 "$1: no process of the chat is left"
	is "$(pgrep -x chatcell-keeper | wc -l)" "$3" "$1: no keeper is left"
}
no_landlock=(
	"ENOSYS:this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK, Linux 5.13 or later)"
	"EOPNOTSUPP:Landlock is built into this kernel but not enabled: add landlock to its lsm= boot parameter"
)

# required (the default), on this kernel.
run chatcell-admin init
is "$err" "" "required: init warns about nothing"
like "$out" "*"$'\n'"Landlock: required, in force: files (ABI $abi)*" "required: init reports the ABI in force"
run chatcell-admin --json init
like "$out" "*,\"landlock\":{\"mode\":\"required\",\"abi\":$abi,\"in_force\":true,\"logins_refused\":false,\"line\":\"required, in force: files (ABI $abi)*\"}}" \
	"required: init --json says the same"
run chatcell-admin show landlock-chat-a
like "$out" "*"$'\n'"landlock     required, in force: files (ABI $abi)*" "required: show reports it"
run chatcell-admin --json show landlock-chat-a
like "$out" "*,\"landlock\":{\"mode\":\"required\",\"abi\":$abi,\"in_force\":true,*" "required: show --json reports it"
run runuser -u nobody -- $secret
is "$out" "read ok" "control: a user who is not a chat reads the host's log"
run login_su "$a" "$secret"
is "$out" "read EACCES" "required: the chat's session runs under Landlock"

# required, on a kernel without Landlock: init says logins are refused,
# and a login that starts a cell is. (A running cell was made on a kernel
# with Landlock: its logins enforce the ruleset its keeper keeps, below.)
b=$(chat_user "landlock-chat-b")
for case in "${no_landlock[@]}"; do
	errno=${case%%:*} why=${case#*:}
	run "$sf" landlock_create_ruleset "$errno" chatcell-admin init
	is "$err" "chatcell-admin: WARNING: chat logins are refused: $why (landlock = required); boot a kernel with Landlock, or set landlock = best-effort in chatcell.conf to let chats in without it" \
		"required, $errno: init warns that logins are refused"
	like "$out" "*"$'\n'"Landlock: required, and chat logins are refused: $why" "required, $errno: init reports it"
	keepers=$(pgrep -x chatcell-keeper | wc -l)
	: >"$SYSLOG"
	run "$sf" landlock_create_ruleset "$errno" su "$b" -c "echo in"
	is "$rc:$out" "1:" "required, $errno: the login is refused"
	run grep -c -F "pam_chatcell(su:session): refusing a session for $b: $why; chat logins are refused while chatcell.conf says landlock = required" "$SYSLOG"
	is "$out" 1 "required, $errno: the system log says why"
	nothing_left "required, $errno" "$b" "$keepers"
done

# A login into a running cell enforces the ruleset the cell's keeper made
# once, in the cell, when the configuration is the same: it makes none of
# its own, so even a login whose own landlock_create_ruleset would fail
# runs under Landlock.
keeper=$(keeper_of landlock-chat-a)
is "$(readlink "/proc/$keeper/fd/5")" "anon_inode:[landlock-ruleset]" "the keeper of A's cell keeps a Landlock ruleset"
run "$sf" landlock_create_ruleset ENOSYS su "$a" -c "$secret"
is "$rc:$out" "0:read EACCES" "a login into the running cell enforces the kept ruleset (it makes none itself)"

# best-effort: in force where the kernel has Landlock, skipped (and said so)
# where it has none.
conf <<<"landlock = best-effort"
run chatcell-admin init
is "$err" "chatcell-admin: WARNING: landlock = best-effort: on a kernel without Landlock chat sessions would run without it, able to read every world-readable file of the host; set landlock = required in chatcell.conf" \
	"best-effort: init warns"
like "$out" "*"$'\n'"Landlock: best-effort, in force: files (ABI $abi)*" "best-effort: init reports Landlock in force"
run login_su "$a" "$secret"
is "$out" "read EACCES" "best-effort: the session runs under Landlock where the kernel has it"
errno=${no_landlock[0]%%:*} why=${no_landlock[0]#*:}
run "$sf" landlock_create_ruleset "$errno" chatcell-admin init
is "$err" "chatcell-admin: WARNING: chat sessions run WITHOUT Landlock ($why): they can read every world-readable file of the host and write wherever it is world-writable; set landlock = required in chatcell.conf" \
	"best-effort, ENOSYS: init warns that sessions run without Landlock"
: >"$SYSLOG"
run "$sf" landlock_create_ruleset "$errno" su "$a" -c "$secret"
is "$rc:$out" "0:read ok" "best-effort, ENOSYS: the login goes on without Landlock"
run grep -c -F "pam_chatcell(su:session): the session of $a runs without Landlock: $why" "$SYSLOG"
is "$out" 1 "best-effort, ENOSYS: the system log says so"

# off: never used, and init says what that means.
conf <<<"landlock = off"
run chatcell-admin --json init
is "$err" "chatcell-admin: WARNING: chat sessions run WITHOUT Landlock (landlock = off in chatcell.conf): they can read every world-readable file of the host and write wherever it is world-writable; set landlock = required in chatcell.conf" \
	"off: init warns"
like "$out" '*,"landlock":{"mode":"off","abi":0,"in_force":false,"logins_refused":false,"line":"off, NOT in force: landlock = off in chatcell.conf"}}' \
	"off: init --json reports it"
: >"$SYSLOG"
run login_su "$a" "$secret"
is "$rc:$out" "0:read ok" "off: the session runs without Landlock"
run grep -c -F "pam_chatcell(su:session): the session of $a runs without Landlock: landlock = off in chatcell.conf" "$SYSLOG"
is "$out" 1 "off: the system log says so at each login"

# A path the ruleset must grant that vanished.
install -d -m 1777 /srv/landlock-shared
conf <<<"landlock_write = /srv/landlock-shared"
run login_su "$a" "$probe write /srv/landlock-shared; $secret"
is "$out" $'write ok\nread EACCES' "landlock_write, in a cell started under the previous configuration: the login makes its own ruleset, and the chat writes the directory chatcell.conf names, and nothing more"
rmdir /srv/landlock-shared
: >"$SYSLOG"
run login_su "$a" "echo in"
is "$rc:$out" "1:" "landlock_write names a directory that vanished: the login is refused"
run grep -c -F "pam_chatcell(su:session): refusing a session for $a: cannot open /srv/landlock-shared (landlock_write in chatcell.conf) for the session's Landlock ruleset: No such file or directory; the chat's logins are refused until it exists" "$SYSLOG"
is "$out" 1 "landlock_write names a directory that vanished: the system log names it"
conf </dev/null
home=/home/chatcell/$b
mv "$home" "$home.away"
: >"$SYSLOG"
keepers=$(pgrep -x chatcell-keeper | wc -l)
run runuser -u "$b" -- /bin/true
is "$rc" 1 "the chat's home vanished: the login is refused"
run grep -c -F "refusing a session for $b: cannot open $home (the chat's home) for the session's Landlock ruleset: No such file or directory; the chat's logins are refused until it exists" "$SYSLOG"
is "$out" 1 "the chat's home vanished: the system log names it"
nothing_left "the chat's home vanished" "$b" "$keepers"
mv "$home.away" "$home"
run runuser -u "$b" -- /bin/echo in
is "$rc:$out" "0:in" "with its home back the chat logs in"

# landlock_bind_ports (ABI 4): TCP bind only to the ports it names.
if [ "$abi" -ge 4 ]; then
	conf <<<"landlock_bind_ports = 3000,8000-8001"
	run runuser -u nobody -- /bin/sh -c "$probe bind 3001; $probe bind 9000"
	is "$out" $'bind ok\nbind ok' "control: a user who is not a chat binds any port"
	run login_su "$a" "$probe bind 3000; $probe bind 8001; $probe bind 3001; $probe bind 0"
	is "$out" $'bind ok\nbind ok\nbind EACCES\nbind ok' \
		"landlock_bind_ports: the chat binds the ports named (and any free port), not the others (EACCES)"
	run chatcell-admin init
	like "$out" "*"$'\n'"Landlock: required, in force: files (ABI $abi), TCP bind*" "init reports the TCP bind limit"
else
	skip "landlock_bind_ports" "this kernel's Landlock ABI $abi has no TCP rules (ABI 4, Linux 6.7)"
fi
conf </dev/null
done_testing
