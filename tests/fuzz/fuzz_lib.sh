# SPDX-License-Identifier: LGPL-2.1-or-later
# Running the libFuzzer harnesses, for run_fuzzers.sh (make fuzz) and
# fuzz_suite.sh (the suite): one TAP line per harness.

# fuzz_all SECONDS BINDIR CORPUSDIR: run BINDIR/fuzz_NAME for SECONDS for
# every CORPUSDIR/NAME (the seeds, in the tree, only read); what a run
# finds goes to BINDIR/found/NAME, an input that breaks a harness to
# BINDIR/crashes/NAME-*.
fuzz_all() {
	local seconds=$1 bindir=$2 corpus=$3 dir name log runs
	for dir in "$corpus"/*/; do
		name=$(basename "$dir")
		log=$bindir/$name.log
		mkdir -p "$bindir/found/$name" "$bindir/crashes"
		if "$bindir/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$bindir/crashes/$name-" "$bindir/found/$name" "$dir" >"$log" 2>&1; then
			runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
			_tap_result ok "fuzz_$name: $runs inputs in $seconds s, no failure"
		else
			_tap_result fail "fuzz_$name: failed (log $log; the input is in $bindir/crashes)"
			grep -E 'ERROR|SUMMARY|property does not hold|runtime error' "$log" | head -5 | sed 's/^/#   /'
		fi
	done
}
