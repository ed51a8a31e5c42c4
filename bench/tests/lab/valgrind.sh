#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: list and a short run over every backend and test (perf counters and a tracepoint
# included) are clean under valgrind memcheck.
BIN=$1
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || {
	echo "# SKIP: valgrind is not installed (scripts/setup test)"
	exit 0
}
vg=(valgrind -q --error-exitcode=99 --leak-check=full "--errors-for-leak-kinds=definite,indirect"
	--track-fds=no)
guest "${vg[@]}" "$BIN" list
expect_rc "list under valgrind" 0
# A file left by an earlier run (maybe of another schema version) would be appended to: start anew.
rm -f vg.csv vg.json
guest "${vg[@]}" "$BIN" run --sizes 4K --iterations 2 --warmup 0 --table summary --csv vg.csv \
	--json vg.json
expect_rc "a run over every heap and test under valgrind" 0
guest "${vg[@]}" "$BIN" run --tests bogus
expect_rc "a usage error under valgrind" 2
guest "${vg[@]}" "$BIN" run --heaps system --tests alloc,map --sizes 4K --iterations 2 --warmup 0 \
	--events kmem:mm_page_alloc --table none
expect_rc "a run counting a tracepoint under valgrind" 0
guest "${vg[@]}" "$BIN" run --heaps system --tests alloc --sizes 4K --events kmem:nonesuch
expect_rc "an unknown tracepoint under valgrind" 2
finish
