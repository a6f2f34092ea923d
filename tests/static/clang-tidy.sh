#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clang-tidy with the project's .clang-tidy over every C source of the
# product; any finding fails the test.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/defines.sh"
src=${CC_SRCDIR:?}
command -v clang-tidy >/dev/null || skip_all "clang-tidy is not installed (apt-get install clang-tidy)"
[ "${CC_SKIP_STATIC:-}" = 1 ] && skip_all "static analysis runs in the plain build only"

flags=(-std=gnu11 "${static_defines[@]}" -I"$src/lib" -I"${CC_TOP_BUILDDIR:?}/lib" -I"$src" -I"$CC_TOP_BUILDDIR")
findings=""
for file in "$src"/lib/*/*.c "$src"/db/*.c "$src"/nss_chatcell/*.c "$src"/pam_chatcell/*.c "$src"/pam_chatcell/*/*.c \
	"$src"/chatcell-admin/*.c "$src"/chatcelld/*.c; do
	out=$(clang-tidy -quiet --config-file="$src/.clang-tidy" "$file" -- "${flags[@]}" 2>/dev/null | grep -E 'warning:|error:')
	[ -n "$out" ] && findings+="$out"$'\n'
done
is "$findings" "" "clang-tidy reports nothing"
done_testing
