#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# libnss_chatcell.so.2 through its entry points: ABI rules (ERANGE, errno,
# descriptors, enumeration, threads) and the no-system-call fast path.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null
for i in $(seq 1 25); do chatcell-admin ensure "module-check-$i" >/dev/null; done
name=$(chat_user module-check-7)
uid=$(id -u "$name")
exec "$CC_HELPERS/nss_module_check" check "$name" "$uid" 25
