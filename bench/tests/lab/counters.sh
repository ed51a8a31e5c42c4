#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: perf counters of the timed sections: software events and tracepoints counted per
# section, cycles skipped with its reason under TCG, bad --events refused, runs without perf
# permission still measure, and every perf event descriptor is closed.
BIN=$1
SCHEMA=$2
. "$(dirname "$0")/lib.sh"

cat >guest.sh <<'GUEST'
B=$1
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
"$B" run --heaps system,reserved --tests alloc,map --sizes 4K,1M,8M --iterations 10 --warmup 1 \
	--events kmem:mm_page_alloc,cma:cma_alloc_start --csv c.csv --json c.json --table none \
	2>c1.err
echo "rc1=$?"
"$B" run --heaps system --tests alloc --sizes 4K --iterations 2 --events kmem:nonesuch 2>c2.err
echo "rc2=$?"
"$B" run --heaps system --tests alloc --sizes 4K --iterations 2 --events nosuchsys:x 2>c3.err
echo "rc3=$?"
$NOBODY "$B" run --heaps memfd --tests alloc --sizes 4K --iterations 3 --table none --json - \
	>c4.json 2>c4.err
echo "rc4=$?"
$NOBODY "$B" run --heaps memfd --tests alloc --sizes 4K --iterations 3 --table none \
	--events kmem:mm_page_alloc 2>c5.err
echo "rc5=$?"
strace -f -qq -e trace=perf_event_open,close -o c6.strace "$B" run --heaps system \
	--tests alloc,map --sizes 4K --iterations 2 --events kmem:mm_page_alloc --table none
echo "rc6=$?"
GUEST
rm -f c.csv c.json c[1-6].* guest.sh.out
guest sh ./guest.sh "$BIN"
expect_rc "the guest script ran" 0
expect_out "a run with counters and tracepoints exits 0" stdout '^rc1=0$'
n=$(grep -c '^skip: counters cycles, instructions: no hardware PMU' c1.err)
[ "$n" = 1 ] && pass "cycles and instructions skipped under TCG, said once with the reason" ||
	fail "the PMU skip was said $n times: $(cat c1.err)"
if python3 - "$SCHEMA" <<'PY'; then
import csv, json, sys

rows = list(csv.DictReader(open("c.csv")))
def p50(heap, size, metric):
    got = [float(r["p50"]) for r in rows
           if r["heap"] == heap and r["size_bytes"] == str(size) and r["metric"] == metric]
    assert len(got) == 1, (heap, size, metric, len(got))
    return got[0]
K, M = 4096, 1 << 20
for h in ("system", "reserved"):
    for m in ("alloc_latency", "free_latency", "map_latency", "touch_latency", "unmap_latency"):
        for ev, unit in (("task-clock", "ns"), ("page-faults", "events"),
                         ("context-switches", "events"), ("cpu-migrations", "events"),
                         ("kmem:mm_page_alloc", "events"), ("cma:cma_alloc_start", "events")):
            r = [r for r in rows if r["heap"] == h and r["metric"] == f"{m}.{ev}"]
            assert len(r) == 3 and all(x["unit"] == unit for x in r), (h, m, ev, r)
assert not [r for r in rows if ".cycles" in r["metric"] or ".instructions" in r["metric"]]
assert not [r for r in rows if r["metric"].startswith("alloc_free_latency.")]
# the CMA heap faults its pages in at the first touch, one fault per page
for s in (K, M, 8 * M):
    assert p50("reserved", s, "touch_latency.page-faults") == s // K, s
# the system heap takes more page-allocator calls for a larger buffer (chunks up to 1M)
a = [p50("system", s, "alloc_latency.kmem:mm_page_alloc") for s in (K, M, 8 * M)]
assert 1 <= a[0] <= a[1] < a[2] and a[2] >= 8, a
# a CMA heap allocation is one cma_alloc, a system heap one none
assert p50("reserved", K, "alloc_latency.cma:cma_alloc_start") == 1
assert p50("system", 8 * M, "alloc_latency.cma:cma_alloc_start") == 0
assert p50("system", 8 * M, "alloc_latency.task-clock") > 0
e = json.load(open("c.json"))["environment"]
assert e["counters"] == ("task-clock,page-faults,context-switches,cpu-migrations,"
                         "kmem:mm_page_alloc,cma:cma_alloc_start"), e["counters"]
assert e["counters_library"].startswith("libperf"), e["counters_library"]
assert e["counters_unavailable"] == "" and e["counters_scope"] == "user+kernel", e
assert e["counters_skipped"].startswith("cycles, instructions: no hardware PMU"), e
assert int(e["counting_overhead_ns"]) > 0 and "task-clock=" in e["counter_floors"], e
# counting more than 1 % of the median is flagged, on the time rows as on the counter rows
cost = float(e["counting_overhead_ns"])
for r in rows:
    if r["metric"] in ("alloc_latency", "touch_latency") and abs(cost - 0.01 * float(r["p50"])) > 1:
        assert ("counter_overhead" in r["flags"]) == (cost > 0.01 * float(r["p50"])), r
PY
	pass "counter rows: page-faults per CMA touch = pages, mm_page_alloc grows with size, JSON says how"
else
	fail "counter rows and JSON environment"
fi
expect_out "an unknown tracepoint is a usage error" stdout '^rc2=2$'
[ "$(wc -l <c2.err)" = 1 ] && grep -q "^dmaheap-bench run: --events: unknown event 'kmem:nonesuch'" c2.err &&
	pass "one line for the unknown event" || fail "unknown event: $(cat c2.err)"
expect_out "an unknown subsystem is a usage error" stdout '^rc3=2$'
[ "$(wc -l <c3.err)" = 1 ] && grep -q "no tracepoint subsystem 'nosuchsys'" c3.err &&
	pass "one line for the unknown subsystem" || fail "unknown subsystem: $(cat c3.err)"
expect_out "without perf permission for the kernel side the run still measures" stdout '^rc4=0$'
if python3 -c '
import json
d = json.load(open("c4.json")); e = d["environment"]
assert e["counters_scope"] == "user", e
assert "perf_event_paranoid" in e["counters_skipped"], e
assert any(r["metric"] == "alloc_latency.page-faults" for r in d["rows"])
assert not any(r["metric"] == "alloc_latency.context-switches" for r in d["rows"])
'; then pass "as nobody: user-space counting, the kernel-side events skipped with how to grant it"
else fail "as nobody: $(cat c4.err)"; fi
n=$(grep -c 'perf_event_paranoid' c4.err)
[ "$n" = 1 ] && pass "said once" || fail "the permission note was said $n times"
expect_out "tracepoints without permission: refused" stdout '^rc5=(2|3)$'
[ "$(wc -l <c5.err)" = 1 ] && pass "one line: $(cat c5.err)" || fail "tracepoints as nobody: $(cat c5.err)"
expect_out "a run under strace" stdout '^rc6=0$'
if python3 -c '
import re
opened, closed = [], set()
for line in open("c6.strace"):
    m = re.search(r"perf_event_open\(.*\) = (\d+)", line)
    if m:
        opened.append(int(m.group(1)))
        closed.discard(int(m.group(1)))
    m = re.search(r"close\((\d+)\) += 0", line)
    if m:
        closed.add(int(m.group(1)))
assert len(opened) >= 5, opened
left = [fd for fd in set(opened) if fd not in closed]
assert not left, left
'; then pass "every perf event descriptor is closed before exit"
else fail "perf event descriptors left open"; fi
finish
