/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sandbox/landlock_paths.h"

#include <stddef.h>

/* Everything else of the host (other users' homes, /var/log, /srv, /opt,
 * /etc/chatcell, other services' configuration) stays out of reach; what
 * Landlock cannot hide below an allowed tree the cell's mounts cover
 * (utmp, wtmp, lastlog, /proc/key-users). */
const char *const cc_landlock_read_paths[] = {
	/* Programs and libraries (the merged-/usr links lead here too). */
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	/* The cell's own process list (hidepid) and the CPU count. */
	"/proc", "/sys/devices/system/cpu", "/sys/fs/cgroup",
	/* Users, groups, the loader, time, locale. */
	"/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/ld.so.cache", "/etc/ld.so.conf",
	"/etc/ld.so.conf.d", "/etc/ld.so.preload", "/etc/localtime", "/etc/timezone", "/etc/locale.alias",
	"/etc/locale.conf", "/etc/default/locale", "/etc/environment", "/etc/login.defs", "/etc/shells",
	/* Shells and terminals. */
	"/etc/profile", "/etc/profile.d", "/etc/bash.bashrc", "/etc/bash_completion", "/etc/bash_completion.d",
	"/etc/inputrc", "/etc/terminfo", "/etc/tmux.conf", "/etc/screenrc", "/etc/vim", "/etc/nanorc",
	"/etc/alternatives",
	/* Names, addresses and TLS. */
	"/etc/hosts", "/etc/host.conf", "/etc/resolv.conf", "/run/systemd/resolve", "/etc/gai.conf",
	"/etc/services", "/etc/protocols", "/etc/networks", "/etc/ssl", "/etc/ca-certificates",
	"/etc/ca-certificates.conf", "/etc/ssh/ssh_config", "/etc/ssh/ssh_config.d", "/etc/wgetrc",
	/* File types, fonts, languages' own settings. */
	"/etc/magic", "/etc/magic.mime", "/etc/mime.types", "/etc/mailcap", "/etc/fonts", "/etc/gitconfig",
	"/etc/python3", "/etc/python3.*", "/etc/perl", "/etc/pip.conf", "/etc/debian_version", "/etc/os-release",
	"/etc/lsb-release", "/etc/manpath.config",
	/* The PAM modules after pam_chatcell in a login's stack (pam_limits,
	 * pam_env) run in the login's own process, under this ruleset. */
	"/etc/security",
	NULL,
};

const char *const cc_landlock_write_paths[] = {
	/* The cell's own instances. */
	"/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue",
	/* The cell's terminals, and devices every shell opens. utmp, wtmp
	 * and lastlog are /dev/null in the cell, so the logout records su
	 * and sshd write from the login's process still succeed. */
	"/dev/pts", "/dev/ptmx", "/dev/tty", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	NULL,
};
