#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pam_chatcell through libpam in a process of our own (pam_start_confdir
# with a private stack). Under --enable-sanitizers this loads the module
# copy built with AddressSanitizer, so the PAM code runs under ASan too.
. "$(dirname "$0")/../lib/common.sh"

module=/usr/lib/x86_64-linux-gnu/security/pam_chatcell.so
[ "${CC_SANITIZERS:-}" = yes ] && module=$CC_TOP_BUILDDIR/pam_chatcell/.libs/pam_chatcell_checked.so
diag "module under test: $module"
use_chatcell_nss
chatcell-admin init >/dev/null
a=$(chat_user "harness-chat-a")
b=$(chat_user "harness-chat-b")
chatcell-admin suspend "harness-chat-b" >/dev/null
useradd bob
host_tmp=$(stat -c %d:%i /tmp)

run "$CC_HELPERS/pam_harness" "$module" "$a"
like "$out" "account=SUCCESS session=SUCCESS ns=new tmp=*"$'\n'"closed=SUCCESS" "an active chat: account and session succeed in a new mount namespace"
[[ "$out" != *"tmp=$host_tmp"* ]]
ok "its /tmp is not the host's" test $? -eq 0
run "$CC_HELPERS/pam_harness" "$module" "$b"
is "$out:$err" "account=ACCT_EXPIRED session=- ns=same tmp=$host_tmp:chatcell: $b is suspended; logins are refused until an administrator resumes it" "a suspended chat: refused at the account stage, nothing changed"
run "$CC_HELPERS/pam_harness" "$module" bob
is "$out" "account=SUCCESS session=SUCCESS ns=same tmp=$host_tmp"$'\n'"closed=SUCCESS" "a non-chat user: ignored, same namespace, same /tmp"
done_testing
