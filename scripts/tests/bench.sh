#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Test of scripts/bench, the README's main command: its own bad input, then a short standard
# suite in the lab with the results in a directory of the test's (the real suite, fewer sizes and
# iterations: the options given after -- replace the suite's).
set -u
. "$(dirname "$0")/lib.sh"
BENCH=$(dirname "$LAB")/bench

run "$BENCH" --frobnicate
expect_error "an unknown option" 2 "unknown option '--frobnicate'"
run "$BENCH" --kernel 5.4
expect_error "an unknown kernel" 2 "unknown --kernel '5\.4'"
run "$BENCH" -- --csv x.csv
expect_error "--csv among the run options" 2 '--csv is the script.s own'
run "$BENCH" -- --job x.ini
expect_error "--job among the run options" 2 '--job is the script.s own'
run "$BENCH" --results /proc/dhb-no-such-dir
expect_error "a results directory that cannot be made" 2 'cannot create the directory'
run "$BENCH" --boots 0
expect_error "--boots 0" 2 '--boots needs a count'
run "$BENCH" --here --boots 2 --results "$OUT/here"
expect_error "--boots on this machine" 2 '--boots needs the lab'
run "$BENCH" --icount 11
expect_error "--icount 11" 2 '--icount needs a shift'
run "$BENCH" --here --icount 0 --results "$OUT/here"
expect_error "--icount on this machine" 2 '--icount needs the lab'

rm -rf res
run "$BENCH" --lab --results res -- --sizes 4K,1M --iterations 3 --warmup 0
expect_rc "scripts/bench --lab with a short suite" 0
csv=$(ls res/*-lab6.12.csv 2>/dev/null)
json=$(ls res/*-lab6.12.json 2>/dev/null)
[ -s "$csv" ] && [ -s "$json" ] && pass "the CSV and JSON land in --results" ||
	fail "the CSV and JSON land in --results" "$(ls -la res 2>&1)"
expect_out "the summary is printed" stdout '^alloc_latency, p50'
expect_out "the results are named" stderr "^results: .*/res/.*-lab6\.12\.csv"
for h in system reserved udmabuf memfd memory@40000000-contiguous; do
	grep -q ",alloc,$h,[a-z-]*,4096,alloc_latency," "$csv" && pass "$h has an alloc row" ||
		fail "$h has an alloc row"
done
[ "$(grep -c ',alloc_latency,' "$csv")" = "$(grep -c '"metric":"alloc_latency"' "$json")" ] &&
	pass "CSV and JSON hold the same alloc rows" || fail "CSV and JSON hold the same alloc rows"
grep -q ',3,' "$csv" && ! grep -q ',8388608,' "$csv" && pass "the options after -- replace the suite's" ||
	fail "the options after -- replace the suite's"
finish
