# SPDX-License-Identifier: MIT
# Shared by the shell tests of scripts/: run a command, keep its status and output, check them,
# and print one closing line "N passed, N failed".
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the tests that source this file
LAB=${DHB_LAB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lab}
PASSED=0
FAILED=0
SKIPPED=0
OUT=$(mktemp -d "${TMPDIR:-/tmp}/dhb-test.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

# run CMD...: runs CMD, keeping its status in RC, its stdout and stderr in $OUT/stdout, $OUT/stderr.
run() {
	RC=0
	"$@" >"$OUT/stdout" 2>"$OUT/stderr" || RC=$?
}

pass() {
	PASSED=$((PASSED + 1))
	echo "ok - $1"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
	shift
	[ $# -eq 0 ] || printf '#   %s\n' "$@"
	printf '#   status %s; stdout: %s\n#   stderr: %s\n' "$RC" "$(head -c 400 "$OUT/stdout")" \
		"$(head -c 400 "$OUT/stderr")"
}

skip() {
	SKIPPED=$((SKIPPED + 1))
	echo "skip - $1: $2"
}

# expect_rc NAME STATUS: the last run exited with STATUS.
expect_rc() {
	if [ "$RC" = "$2" ]; then pass "$1 (status $2)"; else fail "$1" "expected status $2"; fi
}

# expect_out NAME FILE REGEX: FILE matches the extended REGEX; FILE is stdout or stderr for the
# last run's, or a path.
expect_out() {
	local f=$2
	case $f in
	stdout | stderr) f=$OUT/$f ;;
	esac
	if grep -qE -- "$3" "$f"; then pass "$1"; else fail "$1" "expected $2 to match /$3/"; fi
}

# expect_error NAME STATUS REGEX: failed with STATUS and exactly one stderr line matching REGEX.
expect_error() {
	if [ "$RC" = "$2" ] && [ "$(wc -l <"$OUT/stderr")" = 1 ] && grep -qE -- "$3" "$OUT/stderr"; then
		pass "$1 (status $2: $(cat "$OUT/stderr"))"
	else
		fail "$1" "expected status $2 and one stderr line matching /$3/"
	fi
}

finish() {
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" = 0 ]
}
