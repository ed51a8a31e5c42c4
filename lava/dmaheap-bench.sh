#!/bin/sh
# SPDX-License-Identifier: MIT
# The steps of the LAVA test definition lava/dmaheap-bench.yaml, run from the repository's root:
#   setup   install the Debian packages of the build (scripts/setup build), unless SKIP_INSTALL
#   build   build dmaheap-bench (INSTALL=build) or find it on PATH (INSTALL=installed)
#   run     dmaheap-bench run --job JOB RUN_OPTS: RESULTS/results.csv and one JSON per job
#   report  the CSV into the log between marker lines, then one lava-test-case per result row
#           and per skip (dmaheap-bench export --lava), in a test set per job, and the run's status
# Settings (the definition's params, as environment variables): JOB, RUN_OPTS, INSTALL,
# SKIP_INSTALL, CMAKE_OPTS, RESULTS; DHB_BIN names a dmaheap-bench to use instead of building one.
# POSIX sh: a board's root file system may have no bash.
set -u

JOB=${JOB:-bench/jobs/standard.ini}
RUN_OPTS=${RUN_OPTS:-}
INSTALL=${INSTALL:-build}
SKIP_INSTALL=${SKIP_INSTALL:-false}
CMAKE_OPTS=${CMAKE_OPTS:-}
RESULTS=${RESULTS:-lava-results}
BUILD_DIR=build/lava
STATE=$RESULTS/.state

say() {
	echo "dmaheap-bench.sh: $*"
}

# case_result NAME STATUS: one test case for a step's exit status (0 pass, 3 nothing to test
# here: skip, else fail).
case_result() {
	case $2 in
	0) lava-test-case "$1" --result pass ;;
	3) lava-test-case "$1" --result skip ;;
	*) lava-test-case "$1" --result fail ;;
	esac
}

# The binary the run uses, as the build step left it.
bin() {
	if [ -n "${DHB_BIN:-}" ]; then
		echo "$DHB_BIN"
	elif [ "$INSTALL" = installed ]; then
		command -v dmaheap-bench
	else
		echo "$PWD/$BUILD_DIR/bench/dmaheap-bench"
	fi
}

step_setup() {
	if [ "$SKIP_INSTALL" = true ] || [ "$INSTALL" = installed ] || [ -n "${DHB_BIN:-}" ]; then
		say "setup: nothing to install"
		return 0
	fi
	DEBIAN_FRONTEND=noninteractive ./scripts/setup build
}

step_build() {
	mkdir -p "$STATE"
	rc=0
	if [ -n "${DHB_BIN:-}" ] || [ "$INSTALL" = installed ]; then
		[ -x "$(bin)" ] || rc=1
	else
		jobs=$(nproc 2>/dev/null || echo 2)
		# shellcheck disable=SC2086 # CMAKE_OPTS holds several options
		cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF $CMAKE_OPTS &&
			cmake --build "$BUILD_DIR" -j"$jobs" --target dmaheap-bench || rc=$?
	fi
	echo "$rc" >"$STATE/build"
	[ "$rc" = 0 ] && "$(bin)" --version
	case_result dmaheap-bench-build "$([ "$rc" = 0 ] && echo 0 || echo 1)"
	return 0
}

step_run() {
	mkdir -p "$STATE"
	if [ "$(cat "$STATE/build" 2>/dev/null)" != 0 ]; then
		say "run: no dmaheap-bench (the build failed)"
		echo 1 >"$STATE/run"
		return 0
	fi
	rm -f "$RESULTS"/*.json "$RESULTS/results.csv" # a fresh run: the CSV is appended to
	rc=0
	# shellcheck disable=SC2086 # RUN_OPTS holds several options
	"$(bin)" run --job "$JOB" --csv "$RESULTS/results.csv" --json "$RESULTS/{job}.json" \
		$RUN_OPTS || rc=$?
	echo "$rc" >"$STATE/run"
	return 0
}

step_report() {
	csv=$RESULTS/results.csv
	echo "--- dmaheap-bench $csv begin ---"
	[ -f "$csv" ] && cat "$csv"
	echo "--- dmaheap-bench $csv end ---"
	for json in "$RESULTS"/*.json; do
		[ -f "$json" ] || continue
		set_name=$(basename "$json" .json)
		lava-test-set start "$set_name"
		# NAME RESULT [VALUE UNIT]: names and units safe for LAVA's signals (results/EXPORT.md)
		if "$(bin)" export --lava "$STATE/$set_name.lava" "$json"; then
			while read -r name result value unit; do
				if [ -n "$value" ] && [ -n "$unit" ]; then
					lava-test-case "$name" --result "$result" --measurement "$value" \
						--units "$unit"
				elif [ -n "$value" ]; then
					lava-test-case "$name" --result "$result" --measurement "$value"
				else
					lava-test-case "$name" --result "$result"
				fi
			done <"$STATE/$set_name.lava"
		else
			lava-test-case dmaheap-bench-export --result fail
		fi
		lava-test-set stop "$set_name"
	done
	case_result dmaheap-bench-run "$(cat "$STATE/run" 2>/dev/null || echo 1)"
	return 0
}

case ${1:-} in
setup) step_setup ;;
build) step_build ;;
run) step_run ;;
report) step_report ;;
all) step_setup && step_build && step_run && step_report ;;
*)
	echo "usage: lava/dmaheap-bench.sh setup|build|run|report|all" >&2
	exit 2
	;;
esac
