#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pam_chatcell as installed: the module exports only PAM entry points and
# loads with dlopen; Debian's pam-auth-update places it after pam_systemd;
# the user@.service gate skips chat users' managers.
. "$(dirname "$0")/../lib/common.sh"

module=$(find /usr/lib -name pam_chatcell.so -path '*/security/*')
is "$module" "/usr/lib/x86_64-linux-gnu/security/pam_chatcell.so" "installed in the multiarch PAM directory"
run nm -D --defined-only "$module"
is "$(echo "$out" | awk '$2 == "T" {print $3}' | sort | tr '\n' ' ')" "pam_sm_acct_mgmt pam_sm_close_session pam_sm_open_session " "exports exactly the PAM entry points"
run python3 -c "import ctypes; ctypes.CDLL('$module'); print('loaded')"
is "$out" "loaded" "loads with dlopen"

# A systemd host's PAM stack: pam_systemd present, then pam-auth-update.
DEBIAN_FRONTEND=noninteractive pam-auth-update --package --enable chatcell >/dev/null
order() { grep -v '^#' "$1" | grep -oE 'pam_(systemd|chatcell|unix|permit)\.so' | tr '\n' ' '; }
is "$(order /etc/pam.d/common-account)" "pam_unix.so pam_permit.so pam_chatcell.so " "common-account: pam_chatcell after the primary block"
is "$(order /etc/pam.d/common-session)" "pam_permit.so pam_permit.so pam_unix.so pam_systemd.so pam_chatcell.so " "common-session: pam_chatcell after pam_systemd"
is "$(order /etc/pam.d/common-session-noninteractive)" "pam_permit.so pam_permit.so pam_unix.so pam_chatcell.so " "common-session-noninteractive: pam_chatcell present"
run grep -E "^session[[:space:]]+required[[:space:]]+pam_chatcell.so" /etc/pam.d/common-session
is "$rc" 0 "the session line is 'required'"

# The user@.service drop-in and its gate.
dropin=/usr/lib/systemd/system/user@.service.d/chatcell.conf
run grep -E '^ExecCondition=' "$dropin"
is "$out" "ExecCondition=/usr/libexec/chatcell/user-manager-gate %i" "user@.service gets an ExecCondition"
gate=/usr/libexec/chatcell/user-manager-gate
run "$gate" 1879048200
is "$rc:$out" "1:uid 1879048200 is a chatcell chat: no user manager" "the gate skips a chat UID (exit 1)"
run "$gate" 1000
is "$rc" 0 "the gate lets every other user's manager start"
run "$gate" nonsense
is "$rc" 255 "a malformed UID is a failure, not a skip"

# The PAM service of chatcell-admin run, in a directory of its own with a
# fallback stack that denies everything.
run grep -cE '^(account|session)[[:space:]]+required[[:space:]]+pam_chatcell.so' /etc/chatcell/pam.d/chatcell
is "$out" 2 "/etc/chatcell/pam.d/chatcell requires pam_chatcell in account and session"
run grep -vE '^(#|$)' /etc/chatcell/pam.d/other
is "$(echo "$out" | awk '{print $1 "/" $2 "/" $3}' | tr '\n' ' ')" "auth/required/pam_deny.so account/required/pam_deny.so password/required/pam_deny.so session/required/pam_deny.so " "its 'other' denies every type"
ok "nothing is installed in /etc/pam.d" test ! -e /etc/pam.d/chatcell
# An install over an earlier one moves its /etc/pam.d/chatcell, edits
# included; uninstall removes only files still as shipped.
dest=$(mktemp -d)
mkdir -p "$dest/etc/pam.d"
printf 'session required pam_chatcell.so # edited\n' >"$dest/etc/pam.d/chatcell"
run make -s -C "$CC_TOP_BUILDDIR/pam_chatcell" install-data-local DESTDIR="$dest"
is "$rc:$(cat "$dest/etc/chatcell/pam.d/chatcell"):$(ls "$dest/etc/pam.d")" "0:session required pam_chatcell.so # edited:" "install moves the earlier service file, with its edit"
run cmp "$dest/etc/chatcell/pam.d/other" "$CC_SRCDIR/pam_chatcell/pam.d/other"
is "$rc" 0 "and adds the fallback stack"
run make -s -C "$CC_TOP_BUILDDIR/pam_chatcell" uninstall-local DESTDIR="$dest"
is "$rc:$(ls "$dest/etc/chatcell/pam.d")" "0:chatcell" "uninstall keeps the edited service and removes the shipped fallback"
rm -rf "$dest"
done_testing
