#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Disk budgets on Debian 12's own kernel (the VM tier, plain boot), which
# has the quota support this machine kind's kernel lacks. One loop-mounted
# ext4 with user quotas holds the state directory (registry and /tmp
# instances) and the homes, as on a host with one disk. Each attack beside
# a control: another chat, a raised limit, or root.
. "$(dirname "$0")/install_chatcell.sh"

[ "${VMTIER_MODE:-}" = plain ] || skip_all "runs inside the VM tier only (make check-vm)"
probe=$CC_HELPERS/quota_probe
start_syslog
use_chatcell_nss
# shellcheck source=tests/vm/guest/chat_disk.sh
. "$(dirname "$0")/chat_disk.sh"
mount_chat_disk 128M
run "$probe" support /home/chatcell
is "$out" enforced "setup: user quotas are enforced on the chats' ext4"
CC_TEST_DISK_QUOTA=required write_config </dev/null
run chatcell-admin init
is "$rc" 0 "init succeeds with disk_quota = required on ext4 with usrquota"
like "$out" "*"$'\n'"disk budget: 2G and 200k files per chat on each of: /home/chatcell (ext4: enforced), /run (tmpfs: memory)"$'\n'"*" \
	"init: one budget on the ext4 that holds homes, registry and instances (/run is memory)"
unlike "$err" "*disk*" "and has nothing to warn about"
enable_pam_chatcell >/dev/null
a=$(chat_user vm-disk-a)
b=$(chat_user vm-disk-b)
uid_a=$(id -u "$a") uid_b=$(id -u "$b")
run "$probe" get /home/chatcell "$uid_b"
like "$out" "bytes_max 2147483648 inodes_max 200000 *" "ensure sets chatcell.conf's budget (2G, 200k files)"
run chatcell-admin limits vm-disk-a --disk 8M --inodes 300
is "$rc" 0 "limits --disk 8M --inodes 300"
run "$probe" get /home/chatcell "$uid_a"
like "$out" "bytes_max 8388608 inodes_max 300 *" "and the kernel has them at once"

# fill_as USER N FILE: write N MiB as the chat; prints dd's status, its
# error, the file's size. (Nothing is written to a file on the way: the
# chat's disk may be full.)
fill='msg=$(/usr/bin/dd if=/dev/zero of="$2" bs=1M count="$1" 2>&1); echo "dd $?"; printf "%s\n" "$msg" | /usr/bin/grep -o "Disk quota exceeded"; /usr/bin/stat -c %s "$2"'
fill_as() { login_runuser "$1" "set -- $2 $3; $fill"; }
run fill_as "$a" 20 '$HOME/big'
size=${out##*$'\n'}
is "${out%$'\n'*}" $'dd 1\nDisk quota exceeded' "A cannot write past its budget in its home (EDQUOT)"
ok "and holds at most 8 MiB there ($size bytes)" test "$size" -le 8388608
run chatcell-admin show vm-disk-a
used=$("$probe" get /home/chatcell "$uid_a" | cut -d' ' -f6)
like "$out" "*"$'\n'"disk usage   $(awk -v b="$used" 'BEGIN { printf "%.1fM", b / 1048576 }') in * files"$'\n'"*" \
	"root sees A's usage in show"
run chatcell-admin show --json vm-disk-a
like "$out" "*\"disk_usage\":{\"bytes\":$used,\"inodes\":*}*" "and in show --json, to the byte"
run fill_as "$a" 20 /tmp/big
is "${out%$'\n'*}" $'dd 1\nDisk quota exceeded' "A's /tmp is on the same budget: nothing more fits there"
run fill_as "$b" 16 '$HOME/big'
is "$out" $'dd 0\n16777216' "B, on the same disk, writes 16 MiB: A's budget is A's alone"
run login_runuser "$a" 'rm -f ~/big /tmp/big; cd /tmp && msg=$(for ((i = 1; i <= 400; i++)); do : >"f$i" || break; done 2>&1); n=(f*); echo "${#n[@]}"; printf "%s\n" "$msg" | /usr/bin/grep -o "Disk quota exceeded"'
count=${out%%$'\n'*}
is "${out#*$'\n'}" "Disk quota exceeded" "A cannot create files past its inode budget (EDQUOT)"
ok "and holds fewer than 300 files ($count of them in /tmp)" test "$count" -lt 300 -a "$count" -gt 200
login_runuser "$a" 'rm -f /tmp/f*'

# The budget changes for a running chat at once.
run chatcell-admin limits vm-disk-a --disk 32M --inodes 1000
run fill_as "$a" 20 '$HOME/big'
is "$out" $'dd 0\n20971520' "a raised budget takes effect at once: A writes 20 MiB now"

# The registry's filesystem: a chat at its budget leaves room for the rest.
run fill_as "$a" 64 /tmp/big2
is "${out%$'\n'*}" $'dd 1\nDisk quota exceeded' "A at its budget again"
avail=$(df --output=avail -k /var/lib/chatcell | tail -1)
ok "the registry's disk still has room (${avail} KiB free)" test "$avail" -gt 40000
run chatcell-admin ensure vm-disk-c
is "$rc" 0 "and the admin tool creates another chat there"

# delete drops the chat's quota record.
run "$probe" record /home/chatcell "$uid_a"
is "$out" "record yes" "control: A has a quota record before delete"
run chatcell-admin delete vm-disk-a
is "$rc" 0 "delete A"
run "$probe" record /home/chatcell "$uid_a"
is "$out" "record no" "delete leaves no quota record of A"

# A chat-writable tree on an ext4 whose quotas are off: logins are refused.
truncate -s 32M /run/plain.img
mkfs.ext4 -q /run/plain.img
mkdir -p /srv/shared && mount -o loop /run/plain.img /srv/shared && chmod 1777 /srv/shared
dev=$(findmnt -n -o SOURCE /srv/shared)
{ printf '%s\n' "$TEST_LANDLOCK" | sed 's|^landlock_write = .*|&:/srv/shared|'; } | CC_TEST_LANDLOCK=no CC_TEST_DISK_QUOTA=required write_config
run chatcell-admin init
like "$err" "*WARNING: chat logins will be refused: the disk budget cannot be enforced. /srv/shared (ext4 on $dev, mounted at /srv/shared) has no user quotas: with it unmounted (for the root filesystem, from a rescue system) run \`tune2fs -O quota -Q usrquota $dev\`, add usrquota to its options in /etc/fstab and mount it again*" \
	"init names the filesystem, its device and the tune2fs command"
run login_runuser "$b" 'echo in'
is "$rc:$out" "1:" "a login is refused while a writable tree has no enforced quota"
run grep -c "pam_chatcell(runuser:session): .*the disk budget cannot be applied: /srv/shared is on ext4 and it has no user quotas" "$SYSLOG"
is "$out" 1 "and the system log says why, in one line"
printf 'disk_quota = off\n' >>/etc/chatcell/chatcell.conf
run login_runuser "$b" 'echo in'
is "$rc:$out" "0:in" "with disk_quota = off the same login works"
umount /srv/shared
CC_TEST_DISK_QUOTA=required write_config </dev/null

# A full disk (root fills it, past the blocks ext4 keeps for root):
# suspend and delete still work.
dd if=/dev/zero of=/mnt/chatdisk/filler bs=1M 2>/dev/null
dd if=/dev/zero of=/mnt/chatdisk/filler2 bs=4k 2>/dev/null
avail=$(df --output=avail -k /var/lib/chatcell | tail -1 | tr -d ' ')
is "$avail" 0 "the disk of homes and registry is full"
run chatcell-admin suspend vm-disk-b
is "$rc" 0 "suspend works on the full disk"
like "$err" "*its 1 MiB reserve was released so chats can be stopped*" "using the reserve, and saying so"
run chatcell-admin delete vm-disk-c
is "$rc" 0 "delete works on the full disk"
rm -f /mnt/chatdisk/filler /mnt/chatdisk/filler2
umount /home/chatcell /var/lib/chatcell /mnt/chatdisk
done_testing
