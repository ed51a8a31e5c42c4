#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run --repeat on the host's memfd baseline (no heap needed): each pass is a run of its own
# timestamp and repetition in the CSV, JSON and samples rows, every row names the boot, the JSON
# environment lists the passes, the reader and the store take the passes as runs, compare sees
# one run-level median per pass, and the same CSV as schema version 1 still reads.
# Usage: repeat.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
# shellcheck disable=SC2034 # fail() prints it
RC=0
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$OUT" || exit 1

"$BIN" run --heaps memfd --tests alloc --sizes 4K --iterations 3 --warmup 0 --repeat 3 \
	--csv r.csv --json r.json --samples r.samples --table none 2>/dev/null ||
	fail "run --repeat 3 failed"
python3 - <<'EOF' || fail "the passes are not told apart"
import csv, json
rows = list(csv.DictReader(open("r.csv", newline="")))
ts = sorted({r["timestamp"] for r in rows})
assert len(ts) == 3, ts
per = [sum(r["timestamp"] == t for r in rows) for t in ts]
assert per[0] > 0 and per.count(per[0]) == 3, per
d = json.load(open("r.json"))
e = d["environment"]
assert e["repetitions"] == "3", e.get("repetitions")
assert e["repetition_timestamps"].split(" ") == ts, e["repetition_timestamps"]
assert e["timestamp"] == ts[0], e["timestamp"]
assert e["boot_id"] == open("/proc/sys/kernel/random/boot_id").read().strip(), e["boot_id"]
assert sorted({r["timestamp"] for r in d["rows"]}) == ts
assert len(d["rows"]) == len(rows)
# every row says which repetition (the pass of its timestamp) and which boot it is
boot = open("/proc/sys/kernel/random/boot_id").read().strip()
for r in rows:
    assert r["repetition"] == str(ts.index(r["timestamp"]) + 1), r
    assert r["boot_id"] == boot, r
for r in d["rows"]:
    assert r["repetition"] == ts.index(r["timestamp"]) + 1, r
    assert r["boot_id"] == boot, r
assert e["repetition"] == 1 and e["boot_id"] == boot, e
assert "boot_id" not in list(e)[list(e).index("repetition") + 1:], "boot_id twice"
samples = list(csv.DictReader(open("r.samples", newline="")))
assert {(s["timestamp"], s["repetition"], s["boot_id"]) for s in samples} == \
    {(t, str(i + 1), boot) for i, t in enumerate(ts)}
# the same CSV as schema version 1: no boot_id, no repetition
with open("old.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    cols = [c for c in csv.reader(open("r.csv", newline="")).__next__()
            if c not in ("boot_id", "repetition")]
    w.writerow(cols)
    for r in rows:
        w.writerow(["1"] + [r[c] for c in cols[1:]])
EOF
out=$("$BIN" store add --db r.db r.json r.csv) || fail "store add of a repeated run failed"
[[ $out == *"3 new runs"* ]] || fail "store: want 3 runs: $out"
n=$("$BIN" compare --format csv r.json r.json | python3 -c '
import csv, sys
print(sorted({(r["n_base"], r["boots_base"], r["boots_new"]) for r in csv.DictReader(sys.stdin)
              if r["metric"] == "alloc_latency"}))') ||
	fail "compare of a repeated run failed"
[ "$n" = "[('3', '1', '1')]" ] || fail "compare: want 3 run-level medians a side from 1 boot, got $n"
n=$("$BIN" compare --format csv r.csv,r.json r.csv | python3 -c '
import csv, sys
print(sorted({(r["n_base"], r["n_new"]) for r in csv.DictReader(sys.stdin)
              if r["metric"] == "alloc_latency"}))') || fail "compare of a run's CSV and JSON failed"
[ "$n" = "[('3', '3')]" ] || fail "compare: a run's CSV and JSON given together count once, got $n"
out=$("$BIN" compare r.json r.json) || fail "compare's table of a repeated run failed"
[[ $out == *"tested keys have fewer boots than run-level medians on a side"* ]] ||
	fail "compare's table does not say that the runs come from one boot: $out"
out=$("$BIN" store add --db old.db old.csv r.json) || fail "store add of version 1 and 2 files failed"
[[ $out == *"3 new runs"* ]] || fail "store: a run's version 1 CSV and its JSON are one run: $out"
n=$("$BIN" compare --format csv old.csv r.csv | python3 -c '
import csv, sys
print(sorted({(r["n_base"], r["n_new"], r["boots_base"], r["boots_new"])
              for r in csv.DictReader(sys.stdin) if r["metric"] == "alloc_latency"}))') ||
	fail "compare of a version 1 file against a version 2 file failed"
[ "$n" = "[('3', '3', '', '1')]" ] ||
	fail "compare old.csv r.csv: want 3 run-level medians a side, boots unknown then 1, got $n"
pass "run --repeat 3: 3 runs told apart by timestamp and repetition, each row with its boot, stored and compared (3 values from 1 boot), as version 1 too"
finish
