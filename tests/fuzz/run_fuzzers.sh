#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make fuzz [FUZZ_SECONDS=N]: run every harness built by `make fuzz-build`
# for N seconds on its seed corpus (fuzz_lib.sh).
#
#   run_fuzzers.sh SECONDS BINDIR CORPUSDIR
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/fuzz_lib.sh"
[ $# -eq 3 ] || { echo "usage: $0 SECONDS BINDIR CORPUSDIR" >&2; exit 2; }
fuzz_all "$@"
done_testing
