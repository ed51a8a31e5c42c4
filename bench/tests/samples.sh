#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run --samples on the host's memfd baseline (no heap needed): the samples file matches the rows
# of --csv one for one (results/SCHEMA.md, "Samples"): exact samples up to the bound, with n
# lines, indexes 0..n-1 and the row's min and max; past it histogram buckets whose counts add up
# to n; every line keyed to a row. Usage: samples.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$OUT" || exit 1

# check ROWS.csv SAMPLES.csv WANT_APPROX: the samples against the rows; WANT_APPROX 1 when some
# row must be past the exact bound.
check() {
	python3 - "$@" <<'EOF'
import csv, sys
from collections import defaultdict
rows_f, samples_f, want_approx = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
rows = list(csv.DictReader(open(rows_f, newline="")))
rd = csv.reader(open(samples_f, newline=""))
head = next(rd)
rows_head = open(rows_f).readline().rstrip("\n").split(",")
nkey = rows_head.index("unit") + 1
assert head[:nkey] == rows_head[:nkey], head
assert head[nkey:] == ["index", "value", "count", "low", "high"], head
lines = defaultdict(list)
for l in rd:
    assert len(l) == len(head), l
    lines[tuple(l[:nkey])].append(l[nkey:])
keys = {tuple(r[c] for c in rows_head[:nkey]): r for r in rows}
assert len(keys) == len(rows), "two rows with one key"
extra = set(lines) - set(keys)
assert not extra, f"samples of no row: {sorted(extra)[:2]}"
approx = 0
for k, r in keys.items():
    got, n = lines.get(k, []), int(r["n"])
    assert got, f"no samples for {k[nkey - 7:]}"
    exact = all(g[3] == "" and g[4] == "" for g in got)
    assert exact == ("approx" not in r["flags"].split(";")), (k, r["flags"])
    assert [int(g[0]) for g in got] == list(range(len(got))), k
    assert sum(int(g[2]) for g in got) == n, (k, n)
    vals = [float(g[1]) for g in got]
    if exact:
        assert len(got) == n and all(g[2] == "1" for g in got), k
        assert abs(min(vals) - float(r["min"])) <= 1e-9 * abs(float(r["min"])) + 1e-12, (k, r["min"])
        assert abs(max(vals) - float(r["max"])) <= 1e-9 * abs(float(r["max"])) + 1e-12, (k, r["max"])
    else:
        approx += 1
        assert n > 65536, (k, n)
        assert vals == sorted(vals), k
        for g in got:
            assert float(g[3]) <= float(g[1]) <= float(g[4]), (k, g)
assert approx or not want_approx, "no row past the exact bound"
print(f"{len(rows)} rows, {sum(map(len, lines.values()))} lines, {approx} as buckets")
EOF
}

R=(run --heaps memfd --table none --warmup 0)
run "$BIN" "${R[@]}" --tests alloc,map,cpu --sizes 4K,64K --iterations 7 --csv r.csv \
	--samples s.csv
if [ "$RC" != 0 ]; then
	fail "run --samples (exact samples)" "expected status 0"
elif out=$(check r.csv s.csv 0 2>&1); then
	pass "run --samples: every sample of every row, keyed to it ($out)"
else
	fail "run --samples (exact samples)" "$out"
fi

# To standard output, the table on stderr: the same lines.
run "$BIN" "${R[@]}" --tests cpu --sizes 4K --iterations 3 --csv r2.csv --samples -
cp "$OUT/stdout" s2.csv
if [ "$RC" = 0 ] && out=$(check r2.csv s2.csv 0 2>&1); then
	pass "run --samples - writes standard output ($out)"
else
	fail "run --samples -" "${out:-expected status 0}"
fi

# Past the exact bound (65536 samples of a row): buckets. Two seconds of memfd allocations
# make well over 65536 samples on any machine this runs on; a slower one is a skip.
run "$BIN" "${R[@]}" --tests alloc --sizes 4K --duration 2 --csv r3.csv --samples s3.csv
if [ "$RC" != 0 ]; then
	fail "run --samples past the exact bound" "expected status 0"
elif ! grep -q approx r3.csv; then
	skip "run --samples past the exact bound" "fewer than 65537 allocations in 2 s"
elif out=$(check r3.csv s3.csv 1 2>&1); then
	pass "run --samples past the exact bound: histogram buckets adding up to n ($out)"
else
	fail "run --samples past the exact bound" "$out"
fi

# compare reads samples files back: one run a side is tested on its raw samples (r.csv against
# itself with its samples, exact; r3.csv with buckets), and says so in the evidence column.
run "$BIN" compare --format csv --base-samples s.csv --new-samples s.csv r.csv r.csv
if [ "$RC" = 0 ] && python3 - "$OUT/stdout" <<'EOF'; then
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
raw = [r for r in rows if r["evidence"] == "raw samples, one run a side"]
assert raw and all(r["verdict"] == "no change" for r in raw), rows[:2]
assert all(float(r["ratio"]) == 1 for r in raw if r["ratio"]), rows[:2]  # empty: 0 / 0
assert all(r["verdict"] == "not enough data" for r in rows if r not in raw)
EOF
	pass "compare --base-samples/--new-samples: one run a side tested on its raw samples"
else
	fail "compare with samples files" "expected status 0 and raw-sample verdicts"
fi
run "$BIN" compare --base-samples r.csv --new-samples s.csv r.csv r.csv
expect_error "compare: a results CSV given as samples" 2 'not a samples file|column'

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ]
