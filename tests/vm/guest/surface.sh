#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The kernel surface on Debian 12's own kernel (the VM tier, plain boot):
# Landlock at the ABI that kernel offers (2: files only, no TCP rules, no
# scoping), and the 32-bit x86 ABI, which this kernel runs (the host tier's
# kernel may not: its int 0x80 checks are skipped there). Each check beside
# a control by a user who is not a chat, or by root.
. "$(dirname "$0")/install_chatcell.sh"

[ "${VMTIER_MODE:-}" = plain ] || skip_all "runs inside the VM tier only (make check-vm)"
probe=$CC_HELPERS/surface_probe
tty_probe=$CC_HELPERS/tty_probe
start_syslog
use_chatcell_nss
conf() { # extra chatcell.conf lines on stdin, after the tests' own (common.sh)
	{
		printf '%s\n' "$TEST_LANDLOCK"
		cat
	} | CC_TEST_LANDLOCK=no write_config
}
conf </dev/null
chatcell-admin init >/dev/null 2>&1
enable_pam_chatcell >/dev/null
a=$(chat_user vm-surface-a)
echo "a host log line" >/var/log/vm-surface.log
chmod 0644 /var/log/vm-surface.log

# Landlock at this kernel's ABI.
abi=$("$probe" landlock-abi | cut -d' ' -f2)
diag "Debian's kernel $(uname -r) offers Landlock ABI $abi"
run chatcell-admin init
like "$out" "*"$'\n'"Landlock: required, in force: files (ABI $abi)" "init reports the ABI in force, and nothing more below ABI 4"
run runuser -u nobody -- "$probe" read /var/log/vm-surface.log
is "$out" "read ok" "control: a user who is not a chat reads the host's log"
for login in login_su login_runuser login_runuser_l; do
	run "$login" "$a" "$probe read /var/log/vm-surface.log; $probe write /tmp; $probe read /etc/passwd"
	is "$out" $'read EACCES\nwrite ok\nread ok' "$login: on ABI $abi the chat still cannot read the host's log, and works in its cell"
done
run chatcell-admin run vm-surface-a -- "$probe" read /var/log/vm-surface.log
is "$out" "read EACCES" "chatcell-admin run: the same"
# TCP rules need ABI 4: required refuses, best-effort goes on without them.
if [ "$abi" -lt 4 ]; then
	conf <<<"landlock_bind_ports = 3000"
	run chatcell-admin init
	like "$err" "*chatcell-admin: WARNING: chat logins are refused: landlock_bind_ports needs Landlock ABI 4 (Linux 6.7) (landlock = required)*" \
		"landlock_bind_ports on ABI $abi: init warns that logins are refused"
	: >"$SYSLOG"
	run login_su "$a" "echo in"
	is "$rc:$out" "1:" "landlock_bind_ports on ABI $abi: the login is refused"
	run grep -c -F "refusing a session for $a: landlock_bind_ports needs Landlock ABI 4 (Linux 6.7) and this kernel offers ABI $abi; chat logins are refused while chatcell.conf says landlock = required" "$SYSLOG"
	is "$out" 1 "landlock_bind_ports on ABI $abi: the system log says why"
	conf <<<$'landlock_bind_ports = 3000\nlandlock = best-effort'
	run login_su "$a" "$probe bind 3001; $probe read /var/log/vm-surface.log"
	is "$out" $'bind ok\nread EACCES' "best-effort on ABI $abi: files restricted, TCP bind not (the kernel cannot)"
	run chatcell-admin init
	like "$out" "*"$'\n'"Landlock: best-effort, in force: files (ABI $abi), TCP bind needs ABI 4; landlock_bind_ports needs Landlock ABI 4 (Linux 6.7)" \
		"best-effort on ABI $abi: init says the TCP limit is not in force"
	conf </dev/null
else
	skip "landlock_bind_ports below ABI 4" "this kernel offers ABI $abi"
fi

# The 32-bit ABI: refused as a whole by default, filtered like the native
# one with syscalls_32bit = allow.
run runuser -u nobody -- "$probe" i386
is "$out" "i386 ok" "control: this kernel runs 32-bit system calls (int 0x80) for a user who is not a chat"
for login in login_su login_runuser login_runuser_l; do
	run "$login" "$a" "$probe i386"
	is "$out" "i386 EPERM" "attack surface/i386-abi via $login: a 32-bit system call is refused (EPERM)"
done
run chatcell-admin run vm-surface-a -- "$probe" i386
is "$out" "i386 EPERM" "attack surface/i386-abi via run: refused (EPERM)"
# TIOCSTI through int 0x80 on a terminal of one's own (script gives root a
# pty; run gives the chat's command one of its own).
report=/run/vm-tty-report
rm -f "$report"
script -qec "$tty_probe $report sti32 'true\\n'" /dev/null >/dev/null
is "$(cat "$report")" "TIOCSTI(i386) ok" "control: root's TIOCSTI through int 0x80 on its terminal works"
inject32() { # USER: TIOCSTI and TIOCLINUX through int 0x80 in a chat's run (reported in its home)
	local chat_report
	chat_report=$(getent passwd "$1" | cut -d: -f6)/tty-report
	rm -f "$chat_report"
	script -qec "chatcell-admin run --user $1 -- $tty_probe $chat_report sti32 'true\\n'; chatcell-admin run --user $1 -- $tty_probe $chat_report linux32" /dev/null >/dev/null
	cat "$chat_report"
}
is "$(inject32 "$a")" $'TIOCSTI(i386) EPERM\nTIOCLINUX(i386) EPERM' "attack terminal/tiocsti-i386: refused (EPERM) with the 32-bit ABI denied"
conf <<<"syscalls_32bit = allow"
run login_su "$a" "$probe i386"
is "$out" "i386 ok" "syscalls_32bit = allow: the chat makes 32-bit system calls"
is "$(inject32 "$a")" $'TIOCSTI(i386) EPERM\nTIOCLINUX(i386) EPERM' "attack terminal/tiocsti-i386 with syscalls_32bit = allow: the filter refuses them in that ABI too"
run login_su "$a" "$probe userns; $probe io_uring"
is "$out" $'userns EPERM\nio_uring EPERM' "syscalls_32bit = allow: the native filter is unchanged"
conf </dev/null

# sshd runs pam_limits after pam_chatcell (Debian's /etc/pam.d/sshd): the
# login process gave up CAP_SYS_RESOURCE, so limits.conf cannot raise the
# session's limits again. Root here has CAP_SYS_RESOURCE (the control; the
# host tier's root does not, so this is proven here).
start_sshd 2222
authorize_key "$a"
printf '* - nofile 65536\n* - memlock unlimited\n' >/etc/security/limits.d/zz-vm-surface.conf
run runuser -u nobody -- /bin/sh -c 'ulimit -Hn; ulimit -Hl'
is "$out" $'65536\nunlimited' "control: limits.conf raises a user's limits (pam_limits, as root with CAP_SYS_RESOURCE)"
run login_sshd "$a" 'ulimit -Hn; ulimit -Hl'
is "$rc:$out" $'0:1024\n8192' "sshd: pam_limits after pam_chatcell cannot raise the chat's open files and locked memory"
rm /etc/security/limits.d/zz-vm-surface.conf
done_testing
