#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input of every kind gets a clear error and changes nothing: chat IDs,
# configuration, registry and view files, host key, a full disk, and UID
# ranges that collide with the host.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null
chatcell-admin ensure "good" >/dev/null
snapshot() {
	sqlite3 /var/lib/chatcell/registry.db "SELECT id, name, uid, state FROM chats; SELECT count(*) FROM events;"
	ls -A /var/lib/chatcell/nss /home/chatcell
}
before=$(snapshot)
rule="chat IDs are 1 to 1024 bytes of UTF-8 without control characters"

run chatcell-admin ensure ""
is "$rc:$err" "3:chatcell-admin ensure: the chat ID is empty; $rule" "empty chat ID"
run chatcell-admin ensure "$(head -c 1025 /dev/zero | tr '\0' a)"
is "$rc:$err" "3:chatcell-admin ensure: the chat ID is longer than 1024 bytes; $rule" "1025-byte chat ID"
run chatcell-admin ensure "$(head -c 1024 /dev/zero | tr '\0' a)"
is "$rc" 0 "a 1024-byte chat ID is fine"
before=$(snapshot)
run chatcell-admin ensure $'tg:\x1b[31m'
is "$rc:$err" "3:chatcell-admin ensure: the chat ID contains a control character (at byte 3); $rule" "control character"
run chatcell-admin ensure $'tg\xc3('
is "$rc:$err" "3:chatcell-admin ensure: the chat ID is not valid UTF-8 (at byte 2); $rule" "non-UTF-8 bytes"
run bash -c "printf 'tg\0x' | chatcell-admin ensure --stdin"
is "$rc:$err" "3:chatcell-admin ensure: the chat ID contains a control character (at byte 2); $rule" "NUL byte on stdin"
run bash -c "head -c 5000 /dev/zero | tr '\0' a | chatcell-admin ensure --stdin"
is "$rc:$err" "3:chatcell-admin ensure: the chat ID on stdin is longer than 1024 bytes; $rule" "huge chat ID on stdin"
run bash -c "printf 'a\n\n' | chatcell-admin ensure --stdin"
is "$rc" 3 "only one trailing newline is stripped from stdin"
is "$(snapshot)" "$before" "no bad chat ID changed the registry, view or homes"

# Configuration.
cp /etc/chatcell/chatcell.conf /tmp/conf.saved
printf 'shell = /bin/sh\nuid_range = 70000\n' >/etc/chatcell/chatcell.conf
run chatcell-admin ensure "x1"
is "$rc:$err" "6:chatcell-admin ensure: /etc/chatcell/chatcell.conf:2: uid_range: expected FIRST-LAST with 65536 <= FIRST <= LAST <= 2147483647, got '70000'" "a malformed line names file:line and what was expected"
printf 'shel = /bin/sh\n' >/etc/chatcell/chatcell.conf
run chatcell-admin ensure "x1"
like "$rc:$err" "6:chatcell-admin ensure: /etc/chatcell/chatcell.conf:1: unknown key 'shel' (known: *" "an unknown key is an error"
cp /tmp/conf.saved /etc/chatcell/chatcell.conf
chmod 664 /etc/chatcell/chatcell.conf
run chatcell-admin ensure "x1"
is "$rc" 7 "a group-writable config is refused (exit 7)"
chmod 644 /etc/chatcell/chatcell.conf
printf 'home_base = /srv/moved\n' >>/etc/chatcell/chatcell.conf
run chatcell-admin ensure "x1"
like "$rc:$err" "6:*chatcell.conf says '*home_base=/srv/moved' but the registry was initialised with*" "changing home_base after init is refused"
cp /tmp/conf.saved /etc/chatcell/chatcell.conf
run chatcell-admin --config /nonexistent/chatcell.conf list
is "$rc:$err" "6:chatcell-admin list: the configuration file /nonexistent/chatcell.conf does not exist; give the path of an existing file (only the default /etc/chatcell/chatcell.conf may be missing)" \
	"a configuration file named with --config that does not exist is an error, not the defaults"
mv /etc/chatcell/chatcell.conf /tmp/conf.moved
run chatcell-admin list
is "$rc" 0 "the default configuration file may be missing (every setting its default)"
mv /tmp/conf.moved /etc/chatcell/chatcell.conf
is "$(snapshot)" "$before" "no bad configuration changed anything"

# Egress host names: refused before anything is looked up, with the rule.
host_rule="a host name is at most 253 bytes of labels separated by single dots, each label 1 to 63 letters, digits or '-', not starting or ending with '-'"
for host in a..b .a.b a.b. -a.b a-.b a_b.c "$(printf 'a%.0s' $(seq 64)).b"; do
	run chatcell-admin egress allow good --host "$host" --port 443
	is "$rc:$err" "3:chatcell-admin egress: '$host' is not a host name: $host_rule" "egress allow --host $host is refused up front, with the rule"
done

# Registry files.
db=/var/lib/chatcell/registry.db
cp -a "$db" /tmp/registry.saved
chmod 644 "$db"
run chatcell-admin ensure "x2"
is "$rc:$err" "7:chatcell-admin ensure: $db has mode 0644; it holds chat IDs and must be 0600 (chmod 600 $db)" "a world-readable registry is refused"
chmod 600 "$db"
chown 65534 "$db"
run chatcell-admin list
is "$rc" 7 "a registry owned by someone else is refused"
chown 0 "$db"
head -c 8192 /tmp/registry.saved >"$db"
run chatcell-admin ensure "x2"
like "$rc:$err" "1:*registry $db is damaged*restore it from backup (nothing was changed)" "a truncated registry is reported as damaged"
head -c 4096 /dev/urandom >"$db"
run chatcell-admin list
like "$rc:$err" "1:*registry $db is damaged (file is not a database)*" "a garbage registry is reported as damaged"
cp -a /tmp/registry.saved "$db"
rm -f "$db-wal" "$db-shm"
is "$(snapshot)" "$before" "after restoring the file everything is as it was"

# Host key.
chmod 644 /var/lib/chatcell/hmac.key
run chatcell-admin ensure "x3"
is "$rc:$err" "7:chatcell-admin ensure: the host key /var/lib/chatcell/hmac.key must be a root-owned 0600 file of exactly 32 bytes; restore it from backup" "a readable host key is refused"
chmod 600 /var/lib/chatcell/hmac.key

# The NSS view: unsafe or forged files are never served.
good=$(chatcell-admin name good)
good_uid=$(id -u "$good")
chmod 775 /var/lib/chatcell/nss
run "$CC_HELPERS/nss_module_check" lookup-name "$good"
is "$out" "UNAVAIL 1 0" "a group-writable view directory is refused (UNAVAIL, EPERM)"
run getent passwd "$good"
is "$rc" 2 "and getent finds nothing"
chmod 755 /var/lib/chatcell/nss
chown 65534 /var/lib/chatcell/nss
run "$CC_HELPERS/nss_module_check" lookup-uid "$good_uid"
is "$out" "UNAVAIL 1 -" "a view directory owned by someone else is refused"
chown 0 /var/lib/chatcell/nss
ln -s 0 /var/lib/chatcell/nss/n.chat-000000000000
run "$CC_HELPERS/nss_module_check" lookup-name chat-000000000000
is "$out" "UNAVAIL 22 0" "a forged entry mapping a name to uid 0 is refused (EINVAL)"
ln -s 1 /var/lib/chatcell/nss/n.chat-000000000001
run "$CC_HELPERS/nss_module_check" lookup-name chat-000000000001
is "$out" "UNAVAIL 22 0" "a forged entry with a UID outside the range is refused"
ln -s root /var/lib/chatcell/nss/u.1879048999
run "$CC_HELPERS/nss_module_check" lookup-uid 1879048999
is "$out" "UNAVAIL 22 -" "a forged entry naming a non-chat user is refused"
rm /var/lib/chatcell/nss/n.chat-00000000000[01] /var/lib/chatcell/nss/u.1879048999
mv /var/lib/chatcell/nss/params /tmp/params.saved
ln -s "garbage" /var/lib/chatcell/nss/params
run "$CC_HELPERS/nss_module_check" lookup-name "$good"
is "$out" "UNAVAIL 22 0" "a corrupted params record is refused"
rm /var/lib/chatcell/nss/params
run "$CC_HELPERS/nss_module_check" lookup-name "$good"
is "$out" "NOTFOUND 0 0" "a view without params (not initialised) serves nothing"
mv /tmp/params.saved /var/lib/chatcell/nss/params
run "$CC_HELPERS/nss_module_check" lookup-name "$good"
is "$out" "SUCCESS 0 $good_uid" "the restored view serves the chat again"

# A full disk: nothing is lost, and the next run finishes the job. First the
# homes' file system runs out of inodes...
mount -t tmpfs -o size=1m,nr_inodes=16 tmpfs /home/chatcell
chmod 711 /home/chatcell
for home in $(ls /var/lib/chatcell/nss | sed -n 's/^n\.//p'); do
	mkdir -m 700 "/home/chatcell/$home" && chown "$(id -u "$home"):$(id -u "$home")" "/home/chatcell/$home"
done
for i in $(seq 1 20); do mkdir "/home/chatcell/filler$i" 2>/dev/null || break; done
run chatcell-admin ensure "disk-full"
disk_full=$(chatcell-admin name disk-full)
is "$rc:$err" "1:chatcell-admin ensure: $disk_full (uid $(sqlite3 /var/lib/chatcell/registry.db "SELECT uid FROM chats WHERE name = '$disk_full'")) is registered but its setup is unfinished: cannot create the home /home/chatcell/$disk_full: No space left on device. Fix that; the next chatcell-admin command finishes the setup" "a full home file system fails with a message saying what is left and what comes next"
rmdir /home/chatcell/filler*
run chatcell-admin ensure "disk-full"
is "$rc" 0 "after space is freed, the same ensure completes"
run python3 "$CC_SRCDIR/tests/lib/check_consistency.py"
like "$out" "consistent *" "and nothing was lost or left half-done"
umount /home/chatcell

# ...then the registry's own file system fills up (its write-ahead log
# emptied first: a log that already has room would take the write).
sqlite3 /var/lib/chatcell/registry.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp -a /var/lib/chatcell /tmp/state.saved
before_full=$(sqlite3 /var/lib/chatcell/registry.db "SELECT count(*) FROM chats")
mount -t tmpfs -o size=2m tmpfs /var/lib/chatcell
chmod 755 /var/lib/chatcell
cp -a /tmp/state.saved/. /var/lib/chatcell/
dd if=/dev/zero of=/var/lib/chatcell/filler bs=4k 2>/dev/null || true
run chatcell-admin ensure "registry-full"
like "$rc:$err" "1:*the disk holding /var/lib/chatcell/registry.db is full; free space and retry (nothing was changed)" "a full registry file system fails with a clear message"
rm /var/lib/chatcell/filler
is "$(sqlite3 /var/lib/chatcell/registry.db "SELECT count(*) FROM chats")" "$before_full" "and the registry lost nothing and gained nothing"
run chatcell-admin ensure "registry-full"
is "$rc" 0 "after space is freed, ensure works"
umount /var/lib/chatcell

# UID ranges that would collide with the host are refused by init.
rm -rf /var/lib/chatcell /home/chatcell
echo "alice:100000:65536" >/etc/subuid
printf 'uid_range = 150000-160000\ncgroup_backend = off\ndisk_quota = off\n' >/etc/chatcell/chatcell.conf
run chatcell-admin init
is "$rc:$err" "5:chatcell-admin init: uid_range 150000-160000 overlaps the subordinate ID allocation alice:100000:65536 in /etc/subuid; choose another uid_range in /etc/chatcell/chatcell.conf" "a range overlapping /etc/subuid is refused"
printf 'uid_range = 1000000-1000100\ncgroup_backend = off\ndisk_quota = off\n' >/etc/chatcell/chatcell.conf
run chatcell-admin init
like "$rc:$err" "5:*overlaps 524288-1879048191 (systemd-nspawn container UIDs)*" "a range overlapping systemd-nspawn's is refused"
echo "bob:x:200050:200050::/home/bob:/bin/sh" >>/etc/passwd
printf 'uid_range = 200000-200100\ncgroup_backend = off\ndisk_quota = off\n' >/etc/chatcell/chatcell.conf
run chatcell-admin init
is "$rc:$err" "5:chatcell-admin init: user bob (uid 200050) already exists inside uid_range 200000-200100; choose a range without existing users in /etc/chatcell/chatcell.conf" "a range holding an existing user is refused"

# A host key that cannot be made durable: init fails with the reason and
# exit 1 (never a silent 0), and leaves no key or temporary file behind.
rm -rf /var/lib/chatcell /home/chatcell
: >/etc/subuid
printf 'cgroup_backend = off\ndisk_quota = off\n' >/etc/chatcell/chatcell.conf
chatcell-admin init >/dev/null 2>&1
rm /var/lib/chatcell/hmac.key
run "$CC_HELPERS/seccomp_fail" fsync EIO chatcell-admin init
is "$rc:$err" "1:chatcell-admin init: cannot write the host key: Input/output error" "a host key write that fails reports it and exits 1"
is "$(ls -A /var/lib/chatcell | grep -c hmac)" 0 "no host key or temporary key file is left"
run chatcell-admin init
is "$rc:$(stat -c %a /var/lib/chatcell/hmac.key)" "0:600" "without the fault, init makes the key"

done_testing
