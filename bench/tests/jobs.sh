#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run --job on the host's memfd baseline (no heap needed): jobs run in turn, each with its own
# JSON ({job}) and the settings it ran with, a shared CSV, the command line over the file, the
# worst status, and the project's standard suite read as a job file.
# Usage: jobs.sh DMAHEAP-BENCH JOBS-DIR  (bad job files: badinput.sh)
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$1 JOBS=$2
cd "$OUT" || exit 1

cat >two.ini <<'EOF'
; two quick jobs on the memfd baseline
[global]
heaps = memfd
tests = cpu
warmup = 0
events = none
table = none
csv = all.csv
json = out-{job}.json

[small]
sizes = 4K
iterations = 2

[big]
sizes = 8K
duration = 0.01
EOF

# json_get FILE EXPR: Python expressions (comma-separated) on the document d, printed with blanks.
json_get() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(*(v if isinstance(v, tuple) else (v,)))' "$1" "$2"
}

run "$BIN" run --job two.ini
expect_rc "two jobs" 0
expect_out "each job says when it starts" stderr '^job \[big\] \(two\.ini:15\), 2 of 2$'
if [ "$(json_get out-small.json 'd["settings"]["job"], d["settings"]["section"], d["settings"]["iterations"]')" = "two.ini small 2" ] &&
	[ "$(json_get out-big.json 'd["settings"]["section"], d["settings"]["iterations"], d["settings"]["duration"]')" = "big None 0.01" ]; then
	pass "each JSON echoes its job file, section and settings (duration drops [global]'s iterations)"
else
	fail "the JSON echo of the jobs" "$(json_get out-big.json 'd["settings"]')"
fi
if [ "$(grep -c '^schema_version,' all.csv)" = 1 ] && grep -q ',cpu,memfd,memfd,4096,' all.csv &&
	grep -q ',cpu,memfd,memfd,8192,' all.csv &&
	[ "$(cut -d, -f4 all.csv | sort -u | grep -vc timestamp)" = 2 ]; then
	pass "the jobs share the CSV: one header, both jobs' rows, two runs"
else
	fail "the shared CSV" "$(head -3 all.csv)"
fi

rm -f out-*.json all.csv
run "$BIN" run --job two.ini --section big --iterations 3 --json 'cli-{job}.json'
expect_rc "--section, options and {job} on the command line" 0
if [ ! -e out-small.json ] && [ ! -e cli-small.json ] && [ ! -e out-big.json ] &&
	[ "$(json_get cli-big.json 'd["settings"]["iterations"], d["settings"]["duration"]')" = "3 None" ]; then
	pass "only [big] ran; --iterations replaced the file's duration, --json its json"
else
	fail "--section with command-line options" "$(ls)"
fi

cat >worst.ini <<'EOF'
[global]
tests = cpu
sizes = 4K
iterations = 1
events = none
table = none
[none]
heaps = nonesuch-*
[some]
heaps = memfd
json = some.json
EOF
if compgen -G '/dev/dma_heap/*' >/dev/null; then
	skip "the worst job's status" "this machine has heaps: an unknown heap is a usage error here"
else
	run "$BIN" run --job worst.ini
	expect_rc "the worst job's status: nothing to test" 3
fi
if compgen -G '/dev/dma_heap/*' >/dev/null; then
	:
elif [ -s some.json ] && grep -q '^dmaheap-bench run: worst.ini:7: \[none\] nothing to test' "$OUT/stderr"; then
	pass "a job with nothing to test is said so and left out; the other runs"
else
	fail "nothing to test in one job" "$(cat "$OUT/stderr")"
fi

# The standard suite of scripts/bench, read as a job file and cut down to the memfd baseline.
run "$BIN" run --job "$JOBS/standard.ini" --heaps memfd --tests cpu --sizes 4K --iterations 1 \
	--events none --json std.json --table none
expect_rc "bench/jobs/standard.ini runs as a job" 0
if [ "$(json_get std.json 'd["settings"]["section"], d["settings"]["devices"], d["settings"]["warmup"], d["settings"]["table"]')" = "standard drm 2 none" ]; then
	pass "the standard suite's settings, under the command line's"
else
	fail "the standard suite's settings" "$(json_get std.json 'd["settings"]')"
fi
finish
