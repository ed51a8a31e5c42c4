#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: a short run over every heap and test writes CSV and JSON that match results/SCHEMA.md.
BIN=$1
SCHEMA=$2
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

rm -f run.csv run.json
guest "$BIN" run --sizes 4K,64K --iterations 3 --warmup 1 --csv run.csv --json run.json
expect_rc "run over every heap x test" 0
expect_out "skip of sync on memfd is reported with its reason" stderr \
	'^skip: sync on memfd: not a dma-buf'
expect_out "timer overhead reported" stdout '^timer overhead: [0-9]+ ns'
expect_out "the table has a system-heap alloc row" stdout '^alloc +system +dma-heap +4K +alloc_latency'
expect_out "the summary compares memcpy with malloc" stdout '^memcpy_bw, p50 MB/s \(x malloc baseline\)'
pairs=()
for h in system reserved udmabuf memfd; do
	for t in alloc map cpu sync; do
		[ "$h:$t" = memfd:sync ] || pairs+=("$h:$t")
	done
done
pairs+=(malloc:cpu)
if python3 "$here/check_results.py" "$SCHEMA" run.csv run.json "${pairs[@]}"; then
	pass "CSV header and rows match the schema; JSON parses; every heap x test has rows"
else
	fail "CSV/JSON against the schema"
fi

# A second run appends to the CSV under the same header (runs concatenate).
lines=$(wc -l <run.csv)
guest "$BIN" run --heaps system --tests alloc --sizes 4K --iterations 2 --csv run.csv --table none
expect_rc "second run appends" 0
if [ "$(grep -c '^schema_version,' run.csv)" = 1 ] && [ "$(wc -l <run.csv)" -gt "$lines" ]; then
	pass "one header, more rows"
else
	fail "append: $(grep -c '^schema_version,' run.csv) headers"
fi
[ ! -s out.stdout ] && pass "--table none prints nothing on stdout" || fail "--table none printed"
finish
