#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test, both kernels: frag replays a generated trace on the reserved (CMA) and system heaps;
# SIGINT mid-replay.
BIN=$1
. "$(dirname "$0")/lib.sh"

# A small decoder trace for a 128M region (peak ~115M: fits the lab's 256M CMA area).
rm -f video.csv frag-*.csv sig.csv
run "$BIN" frag --workload video --region 128M --ops 1500 --seed 3 --emit-trace video.csv
expect_rc "the trace is generated on the host" 0

cat >guest.sh <<'GUEST'
bin=$1
# bufinfo ends with "Total N objects, B bytes" (each buffer also has a "Total N devices" line).
live() { awk '/^Total [0-9]+ objects/ { print $2 }' /sys/kernel/debug/dma_buf/bufinfo; }
for h in reserved system; do
	"$bin" frag --trace video.csv --region 128M --heap "$h" --interval 100 --csv frag-$h.csv
	echo "rc-$h=$?"
	echo "left-$h=$(live)"
done
"$bin" frag --trace video.csv --region 128M --heap system --policy best-fit --csv frag-both.csv \
	>/dev/null
echo "rc-both=$?"
"$bin" frag --trace video.csv --heap nosuchheap 2>nosuch.err
echo "rc-nosuch=$?"
"$bin" frag --trace video.csv --heap system --max-mem 16M 2>budget.err
echo "rc-budget=$?"
# SIGINT in the middle of a long replay.
"$bin" frag --workload random --region 128M --ops 1000000 --heap system --csv sig.csv >/dev/null &
pid=$!
n=0
i=0
while [ "$i" -lt 150 ] && [ "${n:-0}" -lt 5 ]; do
	sleep 0.2
	n=$(live)
	i=$((i + 1))
done
echo "live-sig=$n"
kill -INT $pid
wait $pid
echo "rc-sig=$?"
echo "left-sig=$(live)"
GUEST
# frag_csv FILE HEAP CHECK: the CSV through Python's csv module (a board name may hold a comma):
# the header (the results' run columns, then frag's), every row as wide, with the same run
# identity; then CHECK, a Python expression over rows (dicts) for HEAP.
frag_csv() {
	python3 -c '
import csv, sys
f, heap, check = sys.argv[1:]
with open(f, newline="") as fp:
    rd = csv.reader(fp)
    head = next(rd)
    lines = list(rd)
run = ["schema_version", "tool_version", "git_rev", "timestamp", "hostname", "board", "kernel",
       "cma_bytes", "boot_id", "repetition"]
assert head[:12] == run + ["source", "policy"], head
assert head[-1] == "alloc_lat_max_ns" and len(head) == 28, head
assert all(len(l) == len(head) for l in lines), "a row of another width"
assert len({tuple(l[:10]) for l in lines}) == 1 and lines[0][0] == "2", "run identity"
assert len(lines[0][8]) == 36 and lines[0][9] == "1", "boot id (a UUID), repetition 1"
rows = [dict(zip(head, l)) for l in lines if l[10] == heap]
assert eval(check), check
' "$@"
}
for k in 6.12 6.1; do
	# shellcheck disable=SC2034 # LAB_OPTS is read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k")
	rm -f frag-*.csv sig.csv nosuch.err budget.err
	guest sh ./guest.sh "$BIN"
	expect_rc "$k: the guest script ran" 0
	for h in reserved system; do
		expect_out "$k: $h: exit 0" stdout "^rc-$h=0\$"
		expect_out "$k: $h: no dma-buf left" stdout "^left-$h=0\$"
		f=frag-$h.csv
		if frag_csv "$f" "$h" 'len(rows) >= 15 and rows[-1]["op_index"] == "1500"'; then
			pass "$k: $h: CSV: its header, the run identity, a row every 100 ops, the end row"
		else
			fail "$k: $h: CSV" "$(head -3 "$f" 2>/dev/null)"
		fi
		# failed_allocs, alloc_lat_n, alloc_lat_mean_ns (heaps-ref/TRACE.md).
		if frag_csv "$f" "$h" 'all(r["failed_allocs"].isdigit() and r["alloc_lat_n"] and
			r["alloc_lat_mean_ns"] for r in rows)'; then
			pass "$k: $h: every row has failed_allocs and an alloc latency"
		else
			fail "$k: $h: failed_allocs / latency columns"
		fi
	done
	frag_csv frag-system.csv system 'all(r["used"] == "" for r in rows)' &&
		pass "$k: system publishes no stats: stats columns empty" || fail "$k: system: stats columns"
	frag_csv frag-both.csv model 'rows and rows[0]["policy"] == "best-fit"' &&
		pass "$k: model and heap rows in one CSV" || fail "$k: model rows in frag-both.csv"
	frag_csv frag-both.csv system 'rows' && pass "$k: model and heap rows in one CSV (heap)" ||
		fail "$k: heap rows in frag-both.csv"
	expect_out "$k: no such heap: exit 3" stdout '^rc-nosuch=3$'
	[ "$(wc -l <nosuch.err)" = 1 ] && grep -q 'no such heap: /dev/dma_heap/nosuchheap' nosuch.err &&
		pass "$k: no such heap: one line" || fail "$k: no such heap message" "$(cat nosuch.err)"
	expect_out "$k: over the budget: exit 2" stdout '^rc-budget=2$'
	[ "$(wc -l <budget.err)" = 1 ] && grep -q 'memory budget is 16M' budget.err &&
		pass "$k: over the budget: one line, before allocating" ||
		fail "$k: budget message" "$(cat budget.err)"
	expect_out "$k: buffers were live before SIGINT" stdout '^live-sig=([5-9]|[1-9][0-9]+)$'
	expect_out "$k: SIGINT: exit 130" stdout '^rc-sig=130$'
	expect_out "$k: SIGINT: no dma-buf left" stdout '^left-sig=0$'
	expect_out "$k: SIGINT: the replay says it stopped" out.stderr \
		'stopped by signal 2; every buffer is released'
	[ -s sig.csv ] && frag_csv sig.csv system 'rows' &&
		pass "$k: the interrupted replay's CSV is written" || fail "$k: interrupted CSV"
done
finish
