# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP helpers for the integration tests: each assertion is one test point;
# the plan is printed at the end. Assertions compare exact outcomes.
_tap_n=0
_tap_failed=0

_tap_result() { # STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" = ok ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# Every line of a failure's details as a TAP comment: a value's own lines
# ("ok ...") must not read as results.
_tap_diag_lines() { head -40 | sed 's/^/#   /'; }

# ok DESCRIPTION COMMAND...: passes when COMMAND exits 0.
ok() {
	local desc=$1
	shift
	if "$@"; then _tap_result ok "$desc"; else _tap_result fail "$desc"; fi
}

# is ACTUAL EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		_tap_result ok "$3"
	else
		_tap_result fail "$3"
		printf 'got:      %s\nexpected: %s\n' "$1" "$2" | _tap_diag_lines
	fi
}

# like ACTUAL GLOB DESCRIPTION: ACTUAL matches the shell pattern GLOB.
like() {
	# shellcheck disable=SC2254
	case "$1" in
	$2) _tap_result ok "$3" ;;
	*)
		_tap_result fail "$3"
		printf 'got:     %s\npattern: %s\n' "$1" "$2" | _tap_diag_lines
		;;
	esac
}

# unlike ACTUAL GLOB DESCRIPTION: ACTUAL does not match GLOB.
unlike() {
	# shellcheck disable=SC2254
	case "$1" in
	$2)
		_tap_result fail "$3"
		printf 'got:            %s\nmust not match: %s\n' "$1" "$2" | _tap_diag_lines
		;;
	*) _tap_result ok "$3" ;;
	esac
}

# run CMD...: capture stdout, stderr and exit status in $out, $err, $rc.
run() {
	local errfile
	errfile=$(mktemp)
	rc=0
	out=$("$@" 2>"$errfile") || rc=$?
	err=$(cat "$errfile")
	rm -f "$errfile"
}

skip() { # DESCRIPTION REASON
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

skip_all() { # REASON
	echo "1..0 # SKIP $1"
	exit 0
}

diag() { echo "# $*"; }

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
