#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: twelve runs in one boot that append to one CSV file in the shared working directory
# leave exactly the rows they measured, each once (the lab shares the directory over 9p).
BIN=$1
. "$(dirname "$0")/lib.sh"

rm -f all.csv run-*.json
cat >guest.sh <<'GUEST'
bin=$1
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	"$bin" run --heaps system,memfd --tests alloc,map --sizes 4K,64K --iterations 3 --warmup 1 \
		--table none --csv all.csv --json "run-$i.json" || exit 1
done
GUEST
guest sh ./guest.sh "$BIN"
expect_rc "twelve appending runs in one boot" 0
# What each run measured: the rows of its JSON file (one row per line there).
measured=$(cat run-*.json | grep -c '^ *{"schema_version"')
rows=$(($(wc -l <all.csv) - 1))
[ "$measured" -gt 12 ] && [ "$rows" = "$measured" ] &&
	pass "the CSV holds exactly the rows measured ($rows rows, $measured in the JSON files)" ||
	fail "the CSV holds exactly the rows measured" "$rows rows in the CSV, $measured measured"
[ "$(grep -c '^schema_version,' all.csv)" = 1 ] && pass "one header" || fail "one header"
# Row by row, the CSV is the runs' JSON rows in order: the same timestamps, tests and figures.
# (Two rows may be equal: runs in the same second can measure the same page-fault counts.)
if python3 - all.csv run-{1..12}.json <<'PY'; then
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = [r for f in sys.argv[2:] for r in json.load(open(f))["rows"]]
key = ("timestamp", "heap", "test", "size_bytes", "metric", "n", "p50")
def norm(v):
    try:
        return repr(float(v))
    except (TypeError, ValueError):
        return "" if v is None else str(v)
got = [tuple(norm(r[k]) for k in key) for r in rows]
exp = [tuple(norm(r[k]) for k in key) for r in want]
sys.exit(0 if got == exp else 1)
PY
	pass "the CSV rows are the JSON rows, in order"
else
	fail "the CSV rows are the JSON rows, in order"
fi
finish
