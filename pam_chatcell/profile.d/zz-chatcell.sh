# SPDX-License-Identifier: LGPL-2.1-or-later
# chatcell: a login shell's /etc/profile resets PATH; give chat sessions
# back the PATH pam_chatcell set (see pam_chatcell(8)). Named zz- to run
# after other profile.d scripts that change PATH. Harmless elsewhere.
if [ -n "${CHATCELL_SESSION:-}" ] && [ -n "${CHATCELL_PATH:-}" ]; then
	PATH=$CHATCELL_PATH
	export PATH
fi
