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
# One clang-tidy per core, each file's findings in a file of its own (read
# back in the sources' order, so reports never interleave).
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tidy() { # FILE REPORT
	clang-tidy -quiet --config-file="$src/.clang-tidy" "$1" -- "${flags[@]}" 2>/dev/null | grep -E 'warning:|error:' >"$2"
}
n=0
for file in "$src"/lib/*/*.c "$src"/db/*.c "$src"/nss_chatcell/*.c "$src"/pam_chatcell/*.c "$src"/pam_chatcell/*/*.c \
	"$src"/chatcell-admin/*.c "$src"/chatcelld/*.c; do
	n=$((n + 1))
	[ "$(jobs -rp | wc -l)" -lt "$(nproc)" ] || wait -n
	tidy "$file" "$out/$n" &
done
wait
findings=""
for i in $(seq 1 "$n"); do
	[ -s "$out/$i" ] && findings+="$(cat "$out/$i")"$'\n'
done
is "$findings" "" "clang-tidy reports nothing"
done_testing
