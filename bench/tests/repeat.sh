#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run --repeat on the host's memfd baseline (no heap needed): each pass is a run of its own
# timestamp in the CSV and JSON rows, the JSON environment lists the passes and the boot, the
# reader and the store take the passes as runs, and compare sees one run-level median per pass.
# Usage: repeat.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
# shellcheck disable=SC2034 # fail() prints it
RC=0
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$OUT" || exit 1

"$BIN" run --heaps memfd --tests alloc --sizes 4K --iterations 3 --warmup 0 --repeat 3 \
	--csv r.csv --json r.json --table none 2>/dev/null || fail "run --repeat 3 failed"
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
EOF
out=$("$BIN" store add --db r.db r.json r.csv) || fail "store add of a repeated run failed"
[[ $out == *"3 new runs"* ]] || fail "store: want 3 runs: $out"
n=$("$BIN" compare --format csv r.json r.json | python3 -c '
import csv, sys
print(sorted({r["n_base"] for r in csv.DictReader(sys.stdin) if r["metric"] == "alloc_latency"}))') ||
	fail "compare of a repeated run failed"
[ "$n" = "['3']" ] || fail "compare: want 3 run-level medians a side, got $n"
pass "run --repeat 3: 3 runs told apart by timestamp, listed in the JSON, stored and compared"
finish
