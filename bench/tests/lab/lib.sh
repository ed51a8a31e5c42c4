# SPDX-License-Identifier: MIT
# Helpers of the dmaheap-bench lab tests: run a command in the lab, count passes and failures.
# Usage: . lib.sh after setting BIN (the dmaheap-bench binary) and SCHEMA (results/SCHEMA.md).
# shellcheck shell=bash
set -u
LAB=${DHB_LAB:?DHB_LAB must name scripts/lab}
FAILS=0
RC=0

# The guest sees the host's root read-only but /tmp is its own: run a copy from the shared cwd.
if [ -n "${BIN:-}" ]; then
	cp -f "$BIN" ./dmaheap-bench || exit 1
	BIN=$PWD/dmaheap-bench
fi

pass() { echo "ok - $*"; }
fail() {
	echo "not ok - $*"
	FAILS=$((FAILS + 1))
}

# guest CMD...: run CMD as root in the lab (cwd shared); stdout/stderr in out.stdout/out.stderr.
guest() {
	"$LAB" run --wait -q --timeout 600 -- "$@" >out.stdout 2>out.stderr
	RC=$?
	if [ "$RC" = 124 ] || [ "$RC" = 125 ]; then
		echo "# the lab itself failed (status $RC):"
		sed 's/^/#   /' out.stderr
	fi
}

# expect_rc WHAT WANT: the last guest command's status.
expect_rc() {
	if [ "$RC" = "$2" ]; then
		pass "$1 (exit $RC)"
	else
		fail "$1: exit $RC, expected $2"
		sed 's/^/#   stderr: /' out.stderr | tail -n 20
	fi
}

# expect_grep WHAT FILE REGEX
expect_grep() {
	if grep -Eq -- "$3" "$2"; then
		pass "$1"
	else
		fail "$1: no /$3/ in $2"
		sed 's/^/#   /' "$2" | head -n 20
	fi
}

finish() {
	if [ "$FAILS" = 0 ]; then
		echo "# all passed"
		exit 0
	fi
	echo "# $FAILS failed"
	exit 1
}
