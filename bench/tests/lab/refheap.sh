#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: dmaheap-bench treats the reference heaps (scripts/lab --with-ref-heap) like any heap:
# list shows them with what they publish, run measures them, frag reads their statistics.
BIN=$1
SCHEMA=$2
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
# shellcheck disable=SC2034 # read by guest() in lib.sh
LAB_OPTS=(--with-ref-heap)
cached=memory@40000000-contiguous
uncached=memory@40000000-contiguous-uncached

guest "$BIN" list
expect_rc "list with the reference heaps" 0
expect_out "the cached reference heap, contiguous and cached" stdout \
	"^$cached +dma-heap +/dev/dma_heap/$cached +yes +contiguous, cached\$"
expect_out "the uncached reference heap" stdout \
	"^$uncached +dma-heap +/dev/dma_heap/$uncached +yes +contiguous, uncached\$"
expect_out "its constraints" stdout \
	"^  $cached: region 128M at 0x40000000 \(memmap\), cached, granule 4K, align 4K, no max address, pad 0, policy best-fit\$"
expect_out "its use" stdout '^    used 0 of 128M, 0 live buffers, 1 free extents, largest free 128M'
expect_out "CMA areas by name and size" stdout '; areas: reserved 256M$'

guest "$BIN" list --json
expect_rc "list --json" 0
if python3 -c '
import json, sys
d = json.load(open("out.stdout"))
s = {x["name"]: x for x in d["sources"]}
a = s[sys.argv[1]]["attributes"]
assert a["region_base"] == 0x40000000 and a["region_size"] == 128 << 20, a
assert a["policy"] == "best-fit" and a["cached"] == "1" and a["source"] == "memmap", a
assert a["stats"]["total"] == 128 << 20 and a["stats"]["used"] == 0, a
assert s[sys.argv[2]]["attributes"]["cached"] == "0"
assert s["system"]["attributes"] is None
assert d["cma"]["areas"] == [{"name": "reserved", "bytes": 256 << 20}], d["cma"]
' "$cached" "$uncached"; then pass "list --json: attributes and CMA areas"; else fail "list --json: attributes and CMA areas"; fi

rm -f ref.csv ref.json
guest "$BIN" run --heaps 'memory@*' --sizes 4K,1M --iterations 3 --warmup 1 --csv ref.csv --json ref.json
expect_rc "run over both reference heaps x every test" 0
pairs=()
for h in "$cached" "$uncached"; do
	for t in alloc map cpu sync; do
		pairs+=("$h:$t")
	done
done
if python3 "$here/check_results.py" "$SCHEMA" ref.csv ref.json "${pairs[@]}"; then
	pass "their CSV and JSON match the schema, every heap x test has rows"
else
	fail "CSV/JSON of the reference heaps against the schema"
fi

rm -f frag.csv
guest "$BIN" frag --workload random --region 96M --ops 3000 --heap "$cached" --csv frag.csv
expect_rc "frag replays on the reference heap" 0
if python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open("frag.csv")) if r["source"] == sys.argv[1]]
assert rows, "no heap rows"
assert all(r["used"] != "" and r["ext_frag"] != "" for r in rows), rows[0]
assert rows[-1]["policy"] == "best-fit", rows[-1]
assert any(int(r["used"]) > 0 for r in rows)
' "$cached"; then pass "frag reads the heap's published statistics"; else fail "frag reads the heap's published statistics"; fi
finish
