# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by guest tests of the VM tier: mount_chat_disk SIZE puts one
# fresh ext4 with user quotas (a loop device) under both the state
# directory (registry and /tmp instances) and the home base, as on a host
# with one disk. Debian's kernel has the quota support (quota_v2).
mount_chat_disk() {
	modprobe loop 2>/dev/null
	modprobe quota_v2 2>/dev/null
	truncate -s "$1" /run/chatdisk.img
	mkfs.ext4 -q -O quota -E quotatype=usrquota /run/chatdisk.img
	mkdir -p /mnt/chatdisk
	mount -o loop,usrquota /run/chatdisk.img /mnt/chatdisk
	mkdir -p /mnt/chatdisk/state /mnt/chatdisk/homes /var/lib/chatcell /home/chatcell
	mount --bind /mnt/chatdisk/state /var/lib/chatcell
	mount --bind /mnt/chatdisk/homes /home/chatcell
}
