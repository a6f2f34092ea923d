#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run a command as root in a throwaway system: private mount, PID and network
# namespaces, with overlays over /etc, /usr, /var and /home whose lower layer
# is the staged `make install` tree on top of the host's own files. Writes go
# to a tmpfs and vanish with the namespace; the host's /etc, users, firewall
# and mounts are never touched. Fresh /proc, /tmp, /run, /root, and a private /dev
# (the usual device nodes, its own pty instance and shm, room for /dev/log).
#
#   sandbox.sh STAGE_DIR COMMAND [ARGS...]
set -euo pipefail

if [ "${CC_SANDBOX_INNER:-}" != 1 ]; then
	stage=$(cd "$1" && pwd)
	scratch=$(mktemp -d /tmp/chatcell-sandbox.XXXXXX)
	export CC_SANDBOX_INNER=1 CC_SANDBOX_STAGE="$stage" CC_SANDBOX_SCRATCH="$scratch"
	rc=0
	unshare --mount --pid --net --fork --propagation private --mount-proc "$0" "$@" || rc=$?
	rmdir "$scratch"
	exit "$rc"
fi

stage=$CC_SANDBOX_STAGE
scratch=$CC_SANDBOX_SCRATCH
shift
mount -t tmpfs -o mode=0700 chatcell-sandbox "$scratch"
for dir in etc usr var home; do
	mkdir -p "$scratch/$dir.up" "$scratch/$dir.work"
	lower=/$dir
	[ -d "$stage/$dir" ] && lower="$stage/$dir:/$dir"
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$scratch/$dir.up,workdir=$scratch/$dir.work" "/$dir"
done
# A fresh /tmp, except for the host's /tmp entries that hold the source and
# build trees (CI clones under /tmp): those are bound through.
exec {host_tmp}</tmp
mount -t tmpfs -o mode=1777 tmpfs /tmp
for tree in "${CC_SRCDIR:-}" "${CC_TOP_BUILDDIR:-}" "$stage"; do
	case "$tree" in
	/tmp/?*)
		top=${tree#/tmp/}
		top=${top%%/*}
		if [ ! -e "/tmp/$top" ]; then
			mkdir -p "/tmp/$top"
			mount --no-canonicalize --bind "/proc/self/fd/$host_tmp/$top" "/tmp/$top"
		fi
		;;
	esac
done
exec {host_tmp}<&-
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0700 tmpfs /root # root's home: shell history, test files
mkdir -m 1777 /run/lock # as on Debian: world-writable, and the utmp file
install -m 0664 /dev/null /run/utmp
# A private /dev, built aside (in the new /run) and moved into place.
dev=/run/.sandbox-dev
mkdir "$dev"
mount -t tmpfs -o mode=0755 tmpfs "$dev"
for node in null zero full random urandom tty; do
	touch "$dev/$node"
	mount --bind "/dev/$node" "$dev/$node"
done
# Loop devices for filesystems made by tests and the demo (their nodes are
# made as needed; a loop device is detached when its mount goes away).
if [ -c /dev/loop-control ]; then
	touch "$dev/loop-control"
	mount --bind /dev/loop-control "$dev/loop-control"
fi
mkdir "$dev/pts" "$dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$dev/pts"
ln -s pts/ptmx "$dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$dev/shm"
ln -s /proc/self/fd "$dev/fd"
ln -s /proc/self/fd/0 "$dev/stdin"
ln -s /proc/self/fd/1 "$dev/stdout"
ln -s /proc/self/fd/2 "$dev/stderr"
ln -s /run/sandbox-log.sock "$dev/log"
mount --move "$dev" /dev
rmdir "$dev"
ip link set lo up
ldconfig # as a package install would, so the loader finds the new modules
exec "$@"
