# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the guest tests of the VM tier: install this build's staged
# `make install` into the guest's root, which is a tmpfs overlay over the
# host's root that vanishes at poweroff, then offer tests/lib/common.sh's
# helpers. The guest is the throwaway system here, so no sandbox is needed.
cp -a "$CC_BUILDDIR/stage/." /
ldconfig
if [ "${VMTIER_MODE:-}" = systemd ]; then
	systemctl daemon-reload
	# The test target stops short of multi-user.target: allow logins as a
	# booted host does (removes /run/nologin, which pam_nologin obeys).
	systemctl start systemd-user-sessions.service
fi
# pam_syslog's messages go to the tests' syslog catcher (start_syslog).
ln -sfn /run/sandbox-log.sock /dev/log
# shellcheck source=tests/lib/common.sh
. "$CC_SRCDIR/tests/lib/common.sh"
