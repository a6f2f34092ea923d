#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The suite's one-line summary from the automake harness's .trs files of
# every build tree given: "N passed, N failed, N skipped".
# XFAIL counts as passed; XPASS and ERROR count as failed.
set -eu
find "$@" -name '*.trs' -exec cat {} + 2>/dev/null | awk '
	/^:test-result: (PASS|XFAIL)/ { passed++ }
	/^:test-result: (FAIL|XPASS|ERROR)/ { failed++ }
	/^:test-result: SKIP/ { skipped++ }
	END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }'
