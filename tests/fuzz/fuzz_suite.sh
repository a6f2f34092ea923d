#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fuzzing in the suite (and so in CI): every libFuzzer harness built with
# clang -fsanitize=fuzzer,address,undefined and run for CC_FUZZ_SECONDS
# (default 5) on its seed corpus: under a minute and a half in all. Skipped,
# saying why, where clang cannot build them. `make fuzz FUZZ_SECONDS=600`
# runs them longer. CC_FUZZ_CC names another clang.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/fuzz_lib.sh"
: "${CC_BUILDDIR:?run through make check}"
src=${CC_SRCDIR:?}
# The harnesses are the same in every build (FUZZ_CC and FUZZ_CFLAGS, not
# configure's compiler and flags), so scripts/test-all runs them once, in
# the plain build.
[ "${CC_SKIP_FUZZ:-}" = 1 ] && skip_all "the fuzz harnesses do not depend on the build's configuration: they run in the plain build only"

fuzz_cc=${CC_FUZZ_CC:-clang}
command -v "$fuzz_cc" >/dev/null ||
	skip_all "$fuzz_cc is not installed, and the libFuzzer harnesses need it: apt-get install clang libclang-rt-14-dev (scripts/install-deps does)"
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/probe.c"
if ! "$fuzz_cc" -fsanitize=fuzzer,address,undefined -o "$probe/probe" "$probe/probe.c" 2>"$probe/err"; then
	reason=$(grep -m1 -i error "$probe/err")
	rm -rf "$probe"
	skip_all "$fuzz_cc cannot link libFuzzer with ASan and UBSan (${reason:-no reason given}): apt-get install libclang-rt-14-dev"
fi
rm -rf "$probe"

run "${MAKE:-make}" -C "$CC_BUILDDIR" fuzz-build FUZZ_CC="$fuzz_cc"
is "$rc" 0 "every harness builds (clang, libFuzzer, ASan, UBSan)"
if [ "$rc" != 0 ]; then
	printf '%s\n' "$err" | tail -20 | sed 's/^/#   /'
	done_testing
	exit
fi
fuzz_all "${CC_FUZZ_SECONDS:-5}" "$CC_BUILDDIR/fuzz" "$src/tests/fuzz/corpus"
done_testing
