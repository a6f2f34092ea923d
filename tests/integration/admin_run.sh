#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# chatcell-admin run and shell: through the real PAM stack, stdin, stdout
# and stderr connected, the command's exit status passed through, and no
# run without pam_chatcell's confinement.
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
chatcell-admin init >/dev/null
a=$(chat_user "run-chat-a")

run chatcell-admin run "run-chat-a" -- /bin/sh -c 'echo out; echo err >&2; exit 7'
is "$rc:$out:$err" "7:out:err" "run passes stdout, stderr and the exit status through"
# The chatcell service lists no pam_unix: run writes the session's open
# and close to the system log itself, in pam_unix's words, with the
# caller's login name as pam_unix gives it (getlogin: empty without an
# audit login UID or a terminal, as here).
login=$(/usr/bin/python3 -c 'import os
try:
    print(os.getlogin())
except OSError:
    print("")')
opened="chatcell-admin run: session opened for user $a(uid=$(id -u "$a")) by $login(uid=0)"
closed="chatcell-admin run: session closed for user $a(uid=$(id -u "$a")) by $login(uid=0)"
ok "(the system log is written out)" syslog_flushed
is "$(grep -c -F "$opened" "$SYSLOG"):$(grep -c -F "$closed" "$SYSLOG")" "1:1" \
	"the system log has the session's open and close, once each"
is "$(grep -c 'pam_unix' "$SYSLOG")" 0 "and no pam_unix line: the service does not load it"
# A caller that ignores SIGCHLD (exec keeps that): the kernel would reap
# the command itself and send no SIGCHLD. timeout only guards the suite
# (-k: a session that waits forever forwards the TERM to its command).
ignoring_sigchld='import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])'
sigchld_bit() { # the SigIgn: line of /proc/PID/status; SIGCHLD is bit 16
	local mask=${1#SigIgn:}
	mask=${mask//[[:space:]]/}
	[ -n "$mask" ] || return 0
	if (((16#$mask >> 16) & 1)); then echo "SIGCHLD ignored"; else echo "SIGCHLD default"; fi
}
run python3 -c "$ignoring_sigchld" grep ^SigIgn: /proc/self/status
is "$rc:$(sigchld_bit "$out")" "0:SIGCHLD ignored" "control: a program started by a caller that ignores SIGCHLD still ignores it"
run timeout -k 5 30 python3 -c "$ignoring_sigchld" chatcell-admin run "run-chat-a" -- /bin/sh -c 'exit 7'
is "$rc" 7 "run, from a caller that ignores SIGCHLD, waits for the command and passes its status"
run timeout -k 5 30 python3 -c "$ignoring_sigchld" chatcell-admin run "run-chat-a" -- grep ^SigIgn: /proc/self/status
is "$rc:$(sigchld_bit "$out")" "0:SIGCHLD default" "and starts the command with SIGCHLD at its default"
run chatcell-admin run "run-chat-a" ls -la /tmp
like "$out" "total *" "options after the chat belong to the command (ls -la)"
run chatcell-admin run "run-chat-a" -- sh -c 'id -un; echo $HOME; pwd; echo $PATH; ps -eo pid=,user:32= | awk "\$1 != 1 { print \$2 }" | sort -u'
is "$out" "$a"$'\n'"/home/chatcell/$a"$'\n'"/home/chatcell/$a"$'\n'"/var/lib/chatcell/shims"$'\n'"$a" "run starts in the chat's home, with its PATH, seeing only its own processes (and the cell's keeper)"
run bash -c "printf 'run-chat-a\nline two\nline three\n' | chatcell-admin run --stdin -- cat"
is "$rc:$out" $'0:line two\nline three' "--stdin: the first line is the chat ID, the rest is the command's stdin"
run chatcell-admin run "run-chat-a" -- grep "^Seccomp:" /proc/self/status
is "$out" $'Seccomp:\t2' "run: the session's system call filter is on (seccomp mode 2)"
run chatcell-admin run "run-chat-a" -- no-such-command
is "$rc" 127 "a command that does not exist: 127"
run chatcell-admin run "run-chat-a" -- /etc/passwd
is "$rc" 126 "a command that cannot be run: 126"
# A script without "#!" runs through /bin/sh (execvp), here with 40,000
# arguments: the argument vector execvp copies fits the command's stack.
printf 'echo "via sh: $#"\n' >"/home/chatcell/$a/no-shebang"
chown "$a:" "/home/chatcell/$a/no-shebang"
chmod 755 "/home/chatcell/$a/no-shebang"
run chatcell-admin run "run-chat-a" -- ./no-shebang $(seq 1 40000)
is "$rc:$out" "0:via sh: 40000" "a script without #! runs through /bin/sh, with 40,000 arguments"
run chatcell-admin run "no-such-chat" -- true
is "$rc:$err" "125:chatcell-admin run: no such chat; 'chatcell-admin list' shows the chats that exist" "an unknown chat: 125 and the reason"

run bash -c "printf 'echo \"\$0 \$PATH\"; exit 3\n' | chatcell-admin shell run-chat-a"
is "$rc:$out" "3:-bash /var/lib/chatcell/shims" "shell runs a login shell with the session's PATH and passes its status"

# Without pam_chatcell in its stack, run refuses to start anything.
cp /etc/chatcell/pam.d/chatcell /tmp/pam.saved
sed -i '/^session.*pam_chatcell/d' /etc/chatcell/pam.d/chatcell
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: /etc/chatcell/pam.d/chatcell did not run pam_chatcell.so in its session stack; refusing to run $a unconfined. Restore the file from the chatcell package" "an unconfined session is refused"
cp /tmp/pam.saved /etc/chatcell/pam.d/chatcell
run chatcell-admin run "run-chat-a" -- ls /tmp/should-not-exist
is "$rc" 2 "and nothing ran"

# A session module's message reaches the caller's stderr, never the
# command's output: stdout is the chat's command's alone.
echo "session optional pam_echo.so from-a-module" >>/etc/chatcell/pam.d/chatcell
run chatcell-admin run "run-chat-a" -- echo out
cp /tmp/pam.saved /etc/chatcell/pam.d/chatcell
is "$rc:$out:$err" "0:out:from-a-module" "a session module's message goes to stderr; stdout carries the command's output alone"

# The service comes from chatcell's own directory: libpam reads the
# fallback stack "other" of the same directory, never the host's. A module
# only the host's /etc/pam.d/other names is logged as it fails to load.
cp /etc/pam.d/other /tmp/other.saved
printf 'session required /nonexistent/pam_host_other_marker.so\n' >/etc/pam.d/other
: >"$SYSLOG"
run runuser -u nobody true
run grep -c -F "pam_host_other_marker" "$SYSLOG"
is "$out" 2 "control: runuser loads the host's /etc/pam.d/other (dlopen and faulty-module lines)"
: >"$SYSLOG"
run chatcell-admin run "run-chat-a" -- true
is "$rc" 0 "run works with a host fallback stack that cannot load"
run grep -c -F "pam_host_other_marker" "$SYSLOG"
is "$out" 0 "run does not load the host's /etc/pam.d/other"
cp /tmp/other.saved /etc/pam.d/other
mv /etc/chatcell/pam.d/other /tmp/chatcell-other.saved
: >"$SYSLOG"
run chatcell-admin run "run-chat-a" -- true
run grep -c -F "no default config other" "$SYSLOG"
is "$rc:$out" "0:1" "without chatcell's own fallback stack, run still works and libpam logs why"
mv /tmp/chatcell-other.saved /etc/chatcell/pam.d/other
# Root runs what the service names: its directory and files must be root's
# alone.
chmod 0666 /etc/chatcell/pam.d/other
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: /etc/chatcell/pam.d/other must be a regular file owned by root and not writable by group or others (owner uid 0, mode 0666): root runs the modules it names (fix with: chown root:root /etc/chatcell/pam.d/other && chmod 644 /etc/chatcell/pam.d/other)" \
	"a service file others could write: run refuses and says how to fix it"
chmod 0644 /etc/chatcell/pam.d/other
chmod 0777 /etc/chatcell/pam.d
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: /etc/chatcell/pam.d must be owned by root and not writable by group or others (owner uid 0, mode 0777); chatcell refuses to work below it" \
	"a service directory others could write: refused"
chmod 0755 /etc/chatcell/pam.d
run chatcell-admin run "run-chat-a" -- ls /tmp/should-not-exist
is "$rc" 2 "and nothing ran; with the modes back, run works again (control)"
# The files the service includes are the service too, and so are the
# directories they are in (by absolute path: libpam looks for a relative
# one in /etc/pam.d, not in chatcell's directory).
cp /etc/chatcell/pam.d/chatcell /tmp/pam.saved
site=/etc/chatcell/pam.d/site-session more=/etc/chatcell/site-more
fixed() { echo "must be a regular file owned by root and not writable by group or others (owner uid 0, mode $2): root runs the modules it names (fix with: chown root:root $1 && chmod 644 $1)"; }
printf 'session optional pam_permit.so\n' >"$site"
chmod 0664 "$site"
printf '@include %s\n' "$site" >>/etc/chatcell/pam.d/chatcell
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: $site, included from /etc/chatcell/pam.d/chatcell, $(fixed "$site" 0664)" \
	"an @include of a file the group may write: run refuses and names it"
chmod 0644 "$site"
printf 'session [success=ok default=bad] pam_permit.so\nsession SubStack %s\n' "$site" >/tmp/pam.extra
sed -i '$d' /etc/chatcell/pam.d/chatcell && cat /tmp/pam.extra >>/etc/chatcell/pam.d/chatcell
printf -- '-@INCLUDE %s\n' "$more" >>"$site"
install -m 0646 /dev/null "$more"
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: $more, included from $site, $(fixed "$more" 0646)" \
	"so does one two files down, past a bracketed control, written -@INCLUDE and SubStack (libpam reads them so)"
# The session checks them itself: root may run chatcell-session directly.
run /usr/libexec/chatcell/chatcell-session "$a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-session: $more, included from $site, $(fixed "$more" 0646)" \
	"chatcell-session run by root refuses it too"
chmod 0644 "$more"
cp "$site" /tmp/site-session.saved
printf 'session include /tmp/site-tmp\n' >>"$site"
install -m 0644 /dev/null /tmp/site-tmp
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: /tmp/site-tmp, included from $site, /tmp must be owned by root and not writable by group or others (owner uid 0, mode 1777); chatcell refuses to work below it" \
	"a root-owned file in a directory others may write (they could put another in its place): refused"
cp /tmp/site-session.saved "$site"
for bad in 'session include site-more' 'session \' '[session]include /etc/chatcell/site-more' "@include $site"; do
	cp /tmp/site-session.saved "$site"
	printf '%s\n' "$bad" >>"$site"
	[ "$bad" = 'session \' ] && printf 'include %s\n' "$more" >>"$site"
	run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
	case $bad in
	*site-more) [[ $bad = \[* ]] && want="line 3 of $site has a '[' in its type: chatcell cannot tell what it includes" ||
		want="$site includes site-more by a relative name, which libpam looks for in /etc/pam.d, not in /etc/chatcell/pam.d: give its absolute path" ;;
	'session \') want="line 3 of $site goes on to the next ('\\'): join the two, so that chatcell can tell what it includes" ;;
	*) want="$site includes files more than 8 deep, or more than 64 in all: chatcell checks no further" ;;
	esac
	is "$rc:$err" "125:chatcell-admin run: $want" "what chatcell cannot follow as libpam would is refused: '$bad'"
done
cp /tmp/site-session.saved "$site"
run chatcell-admin run "run-chat-a" -- ls /tmp/should-not-exist
is "$rc" 2 "nothing ran; with every included file and directory root's alone, run works again (control)"
run /usr/libexec/chatcell/chatcell-session "$a" -- /bin/echo direct
is "$rc:$out" "0:direct" "control: so does chatcell-session"
# Modules named by path: root loads them into every run.
moddir=$(dirname "$(find /lib /usr/lib -name pam_permit.so -path '*security*' | head -1)")
mkdir -m 1777 /var/lib/cc-ww
cp "$moddir/pam_permit.so" /var/lib/cc-ww/pam_x.so
chmod 0666 /var/lib/cc-ww/pam_x.so
for module in /var/lib/cc-ww/pam_x.so ../../../../var/lib/cc-ww/pam_x.so; do
	cp /tmp/site-session.saved "$site"
	printf 'session optional %s\n' "$module" >>"$site"
	run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
	case $module in
	/*) want="the module $module, named on line 3 of $site: /var/lib/cc-ww must be owned by root and not writable by group or others (owner uid 0, mode 1777); chatcell refuses to work below it" ;;
	*) want="line 3 of $site names the module $module by a relative path or through '..', which may lead out of libpam's module directory: give its plain name or its absolute path" ;;
	esac
	is "$rc:$err" "125:chatcell-admin run: $want" "a module named by a path others may write, or that leads out of libpam's directory, is refused: $module"
done
install -d -m 0755 /var/lib/cc-mods
install -m 0666 /var/lib/cc-ww/pam_x.so /var/lib/cc-mods/pam_x.so
cp /tmp/site-session.saved "$site"
printf 'session optional /var/lib/cc-mods/pam_x.so\n' >>"$site"
run chatcell-admin run "run-chat-a" -- touch /tmp/should-not-exist
is "$rc:$err" "125:chatcell-admin run: the module /var/lib/cc-mods/pam_x.so, named on line 3 of $site, must be a regular file owned by root and not writable by group or others (owner uid 0, mode 0666): root runs it" \
	"a module file others may write is refused"
chmod 0644 /var/lib/cc-mods/pam_x.so
run chatcell-admin run "run-chat-a" -- /bin/echo by-path
is "$rc:$out" "0:by-path" "control: the same module, root's alone in a directory root's alone, runs"
rm -rf /var/lib/cc-ww /var/lib/cc-mods
cp /tmp/site-session.saved "$site"
cp /tmp/pam.saved /etc/chatcell/pam.d/chatcell
rm -f "$site" "$more" /tmp/site-tmp /tmp/pam.extra /tmp/site-session.saved
# A chat without a running cell: run starts it itself, as ensure --start
# does, and the session joins it (pam_chatcell's debug line says which).
b=$(chat_user "run-chat-b")
run chatcell-admin show run-chat-b
like "$out" "*cell         not running*" "before its first run, the chat has no cell"
sed -i '/^session.*pam_chatcell/s/$/ debug/' /etc/chatcell/pam.d/chatcell
: >"$SYSLOG"
run chatcell-admin run "run-chat-b" -- /bin/sh -c 'echo $$'
is "$rc:$out" "0:2" "run starts the cell and its command is the cell's second process (PID 2)"
run grep -c -F "confined session opened for $b (its running cell)" "$SYSLOG"
is "$out" 1 "the session joined the cell run had started (it did not start one itself)"
run chatcell-admin show run-chat-b
like "$out" "*cell         running since*" "and the cell stays for the next login"
cp /tmp/pam.saved /etc/chatcell/pam.d/chatcell

# The cell cannot be made (its keeper program cannot run): nothing starts,
# the reason is printed, and nothing of the attempt is left.
c=$(chat_user "run-chat-c")
keeper=/usr/libexec/chatcell/chatcell-keeper
# The keeper, one per running cell, is a static program: it maps no shared
# library and needs no program interpreter (under the sanitizers it is
# built like the rest, dynamically); and it is linked against the C library
# configure chose (a static glibc carries its tunables' names).
if [ "${CC_SANITIZERS:-}" = yes ]; then
	skip "the keeper is a static program" "the sanitizer build links the keeper dynamically (its runtimes are glibc's)"
	skip "the keeper's C library is configure's choice" "the sanitizer build links the keeper against glibc"
else
	headers=$(readelf -lW "$keeper")
	like "$headers" "*Program Headers:*LOAD*" "(control: readelf lists the keeper's program headers)"
	unlike "$headers" "*INTERP*" "the keeper is a static program: no program interpreter"
	unlike "$headers" "*DYNAMIC*" "and no dynamic section"
	if [ "${CC_KEEPER_LIBC:-}" = musl ]; then
		is "$(grep -a -c GLIBC_TUNABLES "$keeper")" 0 "the keeper is linked against musl, as configure chose (nothing of glibc's in it)"
	else
		ok "the keeper is linked against glibc, as configure chose" grep -a -q GLIBC_TUNABLES "$keeper"
	fi
fi
# chatcell-admin carries SQLite, Nettle and libnftnl or loads them, as
# configure chose (see --without-static-admin-libs).
needed=$(readelf -dW /usr/sbin/chatcell-admin | grep NEEDED)
like "$needed" "*libc.so.6*" "(control: readelf lists chatcell-admin's shared libraries)"
if [ "${CC_ADMIN_LIBS:-}" = static ]; then
	is "$(grep -c -E 'libsqlite3|libnettle|libnftnl' <<<"$needed")" 0 \
		"chatcell-admin links SQLite, Nettle and libnftnl statically, as configure chose"
else
	is "$(grep -c -E 'libsqlite3|libnettle|libnftnl' <<<"$needed")" 3 \
		"chatcell-admin loads the shared SQLite, Nettle and libnftnl, as configure chose"
fi
keepers=$(pgrep -x chatcell-keeper | wc -l)
chmod 000 "$keeper"
run chatcell-admin run "run-chat-c" -- touch ran
chmod 755 "$keeper"
is "$rc:$err" "125:chatcell-admin run: cannot set up the cell of $c: cannot run $keeper: Permission denied" \
	"a cell that cannot be made: 125 and the reason"
ok "and the command did not run" test ! -e "/home/chatcell/$c/ran"
is "$(pgrep -x chatcell-keeper | wc -l)" "$keepers" "and no keeper is left"
is "$(pgrep -u "$c" | wc -l)" 0 "and no process of the chat is left"
ok "and no instance directory is left" test ! -e "/var/lib/chatcell/instances/$c"
run chatcell-admin run "run-chat-c" -- touch ran
is "$rc" 0 "with the keeper back, the same run starts the cell and the command"
ok "(control: the command ran)" test -e "/home/chatcell/$c/ran"

# Without a terminal, run opens the session in its own process from
# libchatcell-run.so: only a library of root's that no one else may write.
library=/usr/lib/x86_64-linux-gnu/chatcell/libchatcell-run.so
is "$(stat -c '%U %a' "$library")" "root 755" "libchatcell-run.so is root's, not writable by others"
is "$(readelf -d "$library" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -Ev '^lib(a|ub)san' | sort | tr '\n' ' ')" \
	"libc.so.6 libpam.so.0 " "and it needs only libc and libpam (no chatcell-admin command but run and shell loads them)"
chmod 666 "$library"
run chatcell-admin run "run-chat-a" -- touch loaded-anyway
chmod 755 "$library"
is "$rc:$err" "125:chatcell-admin run: cannot load $library: it must be a regular file owned by root and not writable by group or others; reinstall chatcell" \
	"a session library others could have replaced: 125 and the reason"
ok "and the command did not run" test ! -e "/home/chatcell/$a/loaded-anyway"
run chatcell-admin run "run-chat-a" -- touch loaded-anyway
is "$rc" 0 "control: with the library root's again, the same run works"
ok "(control: the command ran)" test -e "/home/chatcell/$a/loaded-anyway"

# A caller that closed stdout: the command gets /dev/null there, never a
# file chatcell-admin opened, and chatcell-admin's own output goes nowhere.
run bash -c "chatcell-admin run run-chat-a -- /bin/sh -c 'exec 3>&1; readlink /proc/self/fd/3 >&2' >&-"
is "$rc:$err" "0:/dev/null" "stdout closed: the command's stdout is /dev/null"
run bash -c "chatcell-admin run run-chat-a -- /bin/sh -c 'exec 3<&0; readlink /proc/self/fd/3 >&2' <&-"
is "$rc:$err" "0:/dev/null" "stdin closed: the command's stdin is /dev/null"
run bash -c "chatcell-admin ensure run-chat-d >&-; echo \$?"
is "$out" 0 "stdout closed: ensure works"
run chatcell-admin show run-chat-d
is "$rc" 0 "and the chat it made is whole (show reads it)"
done_testing
