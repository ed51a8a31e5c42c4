#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: list and a short run over every backend and test are clean under valgrind memcheck.
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
guest "${vg[@]}" "$BIN" run --sizes 4K --iterations 2 --warmup 0 --table summary --csv vg.csv \
	--json vg.json
expect_rc "a run over every heap and test under valgrind" 0
guest "${vg[@]}" "$BIN" run --tests bogus
expect_rc "a usage error under valgrind" 2
finish
