# SPDX-License-Identifier: LGPL-2.1-or-later
# The preprocessor definitions the build passes (common.am), for the static
# analysers, which see the sources without the build system.
static_defines=(
	-D_GNU_SOURCE
	-DCHATCELL_STATE_DIR='"/var/lib/chatcell"'
	-DCHATCELL_CONF_PATH='"/etc/chatcell/chatcell.conf"'
	-DCHATCELL_PAM_DIR='"/etc/chatcell/pam.d"'
	-DCHATCELL_SHIMS_DIR='"/var/lib/chatcell/shims"'
	-DCHATCELL_SHIMS_LIST='"/etc/chatcell/shims.list"'
	-DCHATCELL_LIBEXEC_DIR='"/usr/libexec/chatcell"'
	-DCHATCELL_PKGLIB_DIR='"/usr/lib/x86_64-linux-gnu/chatcell"'
	-DCHATCELL_RUN_DIR='"/run/chatcell"'
)
