#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test of the measurement itself: alloc_free_latency's mean agrees with a plain loop's.
#
# In one boot, three rounds; in each, on the system and CMA (reserved) heaps at 4K, 1M and 8M,
# plainloop (bench/tests/lab/plainloop.c: N allocation + close pairs timed as a whole, sharing
# no code with the tool) and `dmaheap-bench run --tests alloc` with the same N and warmup, one
# right after the other, the order swapped in round 2 so a drift of the machine weighs on both.
# Per heap and size: R = median over the rounds of (the tool's alloc_free_latency mean / the
# loop's mean), printed with every figure and whether it is within the +-5% goal of issue 9.
#
# The lab runs with --icount 0 (scripts/lab): QEMU TCG then advances the guest's clock by 1 ns
# per instruction instead of following the host's, so the host's load (two cores shared with
# builds and other labs) no longer reaches the figures. In real time, at host load 6 to 7, the
# same protocol gave per-round ratios from 0.15 to 2.9 (a CMA 4K loop 0.4 to 4.3 ms); with
# --icount 0 each program's three means agree within 0.5% (system 4K within 4%) and R is
# 1.00 +- 0.01 everywhere but system 4K (1.01 to 1.03). What this test checks, the overhead or bias the
# tool's timing adds to what it times, is counted in instructions as much as in real time.
#
# It also runs with one virtual CPU (--cpus 1). With two, every CMA allocation waits for an
# expedited RCU grace period and a forced LRU drain on every CPU (alloc_contig_range() ->
# lru_cache_disable() -> synchronize_rcu_expedited(), __lru_add_drain_all(true)); the grace
# period's kthread (rcu_exp_gp_kthread_worker) sits on the allocating CPU or on the other one
# for hundreds of allocations, and a CMA 4K pair then takes 0.7 to 1.2 ms or 5.8 to 8.2 ms
# (measured with both pinned, real time): a state of the kernel and of how fast QEMU wakes an
# idle vCPU's host thread, not of the measurement. (With --icount, whose one host thread runs
# every vCPU, two CPUs gave a steady 451 us and R = 1.000 too; one CPU keeps the test valid
# where --icount is ignored.)
#
# What it asserts (timed tests must not fail on the host's load):
# - Both programs run and give a positive mean everywhere (always).
# - 0.9 <= R <= 1.1 when each program's three means lie within a factor 1.1 of each other (the
#   boot can judge R: always so with --icount; under KVM, where it is ignored, only when calm);
#   otherwise a skip that says why, with the figures. The bias once reported (CMA 4K 1.26x to
#   1.33x, issue 9, real time with two CPUs) is far outside; +-5% itself is printed, not
#   asserted, to leave room for the kernel's own state (system 4K moves by 4% between runs).
#
# Keep the loop free of pipelines: a `plainloop | cut` once charged cut's start-up, run beside
# it on the one CPU, to the loop (system 4K 18.8 to 21.6 us instead of 17.3 to 17.9 us).
BIN=$1
. "$(dirname "$0")/lib.sh"
# plainloop is built next to dmaheap-bench (bench/CMakeLists.txt), as a test helper only.
PLAIN=$(dirname "$BIN")/plainloop
# --timeout: counting instructions, the boot and the 36 runs took 2 minutes at host load 5 to 8.
# shellcheck disable=SC2034 # read by guest() in lib.sh
LAB_OPTS=(--cpus 1 --icount 0 --timeout 1200)
N=200
WARMUP=2

if [ ! -x "$PLAIN" ]; then
	fail "plainloop is built next to $BIN"
	finish
	exit
fi

rm -f plain.txt tool-*.csv guest.sh
cat >guest.sh <<'GUEST'
bin=$1 plain=$2 n=$3 warmup=$4
loop() {
	local out
	if out=$("$plain" "/dev/dma_heap/$2" "$3" "$n" "$warmup"); then
		echo "$1 $2 $3 $out" >>plain.txt
	else
		echo "failed: plainloop $2 $3"
	fi
}
tool() {
	"$bin" run --heaps "$2" --tests alloc --sizes "$3" --iterations "$n" --warmup "$warmup" \
		--table none --csv "tool-$1.csv" 2>>tool.err || echo "failed: dmaheap-bench $2 $3"
}
for r in 1 2 3; do
	for h in system reserved; do
		for s in 4096 1048576 8388608; do
			if [ "$r" = 2 ]; then tool $r $h $s; loop $r $h $s; else loop $r $h $s; tool $r $h $s; fi
		done
	done
done
GUEST
guest bash guest.sh "$BIN" "$PLAIN" "$N" "$WARMUP"
expect_rc "three rounds of plainloop and dmaheap-bench, interleaved" 0
if grep -q '^failed' out.stdout; then
	fail "every run succeeded" "$(grep '^failed' out.stdout | head -3)" "$(head -c 300 tool.err)"
else
	pass "every run succeeded"
fi

# One line per verdict: "pass|fail|skip NAME[: DETAIL]"; the figures as comments before them.
python3 - >verdicts.txt <<'PY' || fail "the figures can be read"
import csv, glob, math, statistics

BAND = (0.9, 1.1)  # what R must lie in
STEADY = 1.1  # each program's three means within this factor: the boot can judge R
plain, tool = {}, {}
for line in open("plain.txt"):
    r, h, s, _, node, size, n, mean = line.split()
    plain.setdefault((h, int(s)), []).append(float(mean.split("=")[1]))
for f in sorted(glob.glob("tool-*.csv")):
    for row in csv.DictReader(open(f)):
        if row["test"] == "alloc" and row["metric"] == "alloc_free_latency":
            tool.setdefault((row["heap"], int(row["size_bytes"])), []).append(float(row["mean"]))
for h in ("system", "reserved"):
    for s in (4096, 1048576, 8388608):
        name = f"{h} {s // 1024}K"
        p, t = plain.get((h, s), []), tool.get((h, s), [])
        if len(p) != 3 or len(t) != 3 or min(p + t) <= 0:
            print(f"fail {name}: three positive means each: plainloop {p}, tool {t}")
            continue
        ratios = [b / a for a, b in zip(p, t)]
        R = statistics.median(ratios)
        sp, st = max(p) / min(p), max(t) / min(t)
        rounds = " ".join(f"{x:.3f}" for x in ratios)
        print(f"# {name}: plainloop mean_us {' '.join(f'{x / 1e3:.1f}' for x in p)};"
              f" alloc_free_latency mean_us {' '.join(f'{x / 1e3:.1f}' for x in t)}")
        print(f"#   R = {R:.3f} ({'within' if abs(math.log(R)) <= math.log(1.05) else 'outside'}"
              f" +-5%); per round {rounds}; spread plainloop {sp:.2f}x, tool {st:.2f}x")
        if sp > STEADY or st > STEADY:
            print(f"skip {name} R in {BAND[0]}..{BAND[1]}: too noisy to judge"
                  f" (spread plainloop {sp:.2f}x, tool {st:.2f}x > {STEADY}x; R = {R:.3f})")
        elif BAND[0] <= R <= BAND[1]:
            print(f"pass {name} R in {BAND[0]}..{BAND[1]}: R = {R:.3f}")
        else:
            print(f"fail {name} R in {BAND[0]}..{BAND[1]}: R = {R:.3f}, the means are steady"
                  f" (spread {sp:.2f}x, {st:.2f}x): a bias of the measurement")
PY
while IFS= read -r line; do
	case $line in
	'#'*) echo "$line" ;;
	pass\ *) pass "${line#pass }" ;;
	fail\ *) fail "${line#fail }" ;;
	skip\ *) skip "${line#skip }" "see the figures above" ;;
	esac
done <verdicts.txt
finish
