#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cppcheck over every C source of the product; any finding fails the test.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/defines.sh"
src=${CC_SRCDIR:?}
command -v cppcheck >/dev/null || skip_all "cppcheck is not installed (apt-get install cppcheck)"
[ "${CC_SKIP_STATIC:-}" = 1 ] && skip_all "static analysis runs in the plain build only"

# The errno guard in the NSS module is read by a cleanup handler, which
# cppcheck does not model.
run cppcheck -q --enable=warning,style,performance,portability --std=c11 --error-exitcode=1 \
	--inline-suppr --suppress="unreadVariable:*nss_chatcell/*" \
	-D'NSS_DECLARE_MODULE_FUNCTIONS(m)=' "${static_defines[@]}" \
	-I "$src/lib" -I "${CC_TOP_BUILDDIR:?}/lib" -I "$src" -I "$CC_TOP_BUILDDIR" \
	"$src/lib" "$src/db" "$src/nss_chatcell" "$src/pam_chatcell" "$src/chatcell-admin" "$src/chatcelld"
is "$rc" 0 "cppcheck reports nothing"
[ -n "$err" ] && diag "$err"
done_testing
