#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# export --kcidb on results of the host's memfd baseline, and on a copy whose rows have the names
# a board gives (a heap with '@', a counter metric, params, a device tree): the document validates
# against KCIDB I/O schema v5.3 (kcidb_schema.py, python3-jsonschema), paths and environment are
# as results/EXPORT.md says; the validator itself refuses broken documents.
# Usage: kcidb.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$1
CHECK=$(cd "$(dirname "$0")" && pwd)/kcidb_schema.py
cd "$OUT" || exit 1

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	skip "KCIDB validation" "no python3-jsonschema (scripts/setup test)"
	finish
	exit
fi

run "$BIN" run --heaps memfd --tests cpu --sizes 4K --iterations 2 --warmup 0 --events none \
	--table none --csv x86.csv --json x86.json
expect_rc "a run on the memfd baseline" 0

# A board's names: a reference-heap instance, 1.5K, a tracepoint's counter row, params.
python3 - x86.json board.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["environment"]["dt_compatible"] = "raspberrypi,5-model-b brcm,bcm2712"
for r in d["rows"]:
    r["heap"] = "memory@40000000-contiguous"
    r["size_bytes"] = 1536
    r["metric"] += ".kmem:mm_page_alloc"
    r["params"] = "device=vkms;import=first"
json.dump(d, open(sys.argv[2], "w"))
EOF

run "$BIN" export --kcidb k.json x86.csv x86.json board.json
expect_rc "export --kcidb of a CSV and two JSON files" 0
run python3 "$CHECK" k.json
expect_rc "the document validates against KCIDB I/O schema v5.3" 0

# json_get EXPR: a Python expression on the document d, printed.
json_get() {
	python3 -c 'import json, sys; d = json.load(open("k.json")); print(eval(sys.argv[1]))' "$1"
}
if [ "$(json_get 'd["version"]')" = "{'major': 5, 'minor': 3}" ] &&
	[ "$(json_get 'len(d["checkouts"]), len(d["builds"])')" = "(1, 1)" ] &&
	[ "$(json_get 'len(d["tests"])')" = "$(($(grep -c ',cpu,' x86.csv) * 2))" ]; then
	pass "v5.3, one checkout and build for the one kernel, one test per row (the CSV's rows once)"
else
	fail "the document's objects" "$(json_get '[len(d[k]) for k in ("checkouts", "builds", "tests")]')"
fi
want=dmaheap_bench.cpu.memory_40000000-contiguous.1_5K.read_bw.kmem_mm_page_alloc.device-vkms.import-first
if [ "$(json_get "'$want' in [t['path'] for t in d['tests']]")" = True ] &&
	[ "$(json_get "[t['path'] for t in d['tests']].count('dmaheap_bench.cpu.memfd.4K.read_bw')")" = 1 ]; then
	pass "paths dmaheap_bench.TEST.HEAP.SIZE.METRIC[.PARAMS], made safe"
else
	fail "the paths" "$(json_get '[t["path"] for t in d["tests"]][:8]')"
fi
if [ "$(json_get "[t['environment'].get('compatible') for t in d['tests'] if 'memfd' not in t['path']][0]")" = "['raspberrypi,5-model-b', 'brcm,bcm2712']" ] &&
	[ "$(json_get "[t['environment'].get('compatible') for t in d['tests'] if 'memfd' in t['path']][0]")" = None ]; then
	pass "the board's compatible strings where the run recorded them, none without a device tree"
else
	fail "the environments" "$(json_get '[t["environment"] for t in d["tests"]][-1]')"
fi
if [ "$(json_get "set((t['status'], type(t['number']['value']).__name__, t['number']['unit'], t['misc']['p50'] == t['number']['value']) for t in d['tests'])")" = "{('DONE', 'float', 'MB/s', True)}" ]; then
	pass "DONE, number{value: p50, unit}, the row in misc"
else
	fail "status and number" "$(json_get 'd["tests"][0]')"
fi

run "$BIN" export --kcidb o.json --origin my_lab x86.json
expect_rc "export --origin" 0
run python3 "$CHECK" o.json --origin my_lab
expect_rc "ids under another origin validate" 0
run "$BIN" export --kcidb o.json --origin My-Lab x86.json
expect_error "an origin KCIDB refuses" 2 "^dmaheap-bench export: --origin: 'My-Lab' is not a KCIDB origin"
run "$BIN" export x86.json
expect_error "no output asked for" 2 "^dmaheap-bench export: give --kcidb FILE or --lava FILE"
run "$BIN" export --kcidb x86.json x86.json
expect_error "the output is an input" 2 "^dmaheap-bench export: RESULTS x86.json: the same file as --kcidb x86.json"
run "$BIN" export --kcidb - <x86.json
expect_rc "standard input to standard output" 0
cp "$OUT/stdout" stdin.json
run python3 "$CHECK" stdin.json
expect_rc "which validates" 0

# The validator refuses what KCIDB refuses: a path with a blank, a null, an unknown member, a
# test whose build is missing.
for mutation in 'd["tests"][0]["path"] = "a b"' 'd["tests"][0]["comment"] = None' \
	'd["tests"][0]["colour"] = "red"' 'd["builds"] = []' 'd["version"]["major"] = 4'; do
	python3 -c 'import json, sys
d = json.load(open("k.json"))
exec(sys.argv[1])
json.dump(d, open("bad.json", "w"))' "$mutation"
	run python3 "$CHECK" bad.json
	if [ "$RC" = 1 ] && grep -q '^kcidb: ' "$OUT/stdout"; then
		pass "the validator refuses: $mutation"
	else
		fail "the validator refuses: $mutation"
	fi
done
finish
