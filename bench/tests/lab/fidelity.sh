#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test of the measurement itself: alloc_free_latency's mean agrees with a plain loop's.
#
# In one boot, three rounds; in each, on the system and CMA (reserved) heaps at 4K, 1M and 8M,
# plainloop (bench/tests/lab/plainloop.c: N allocation + close pairs timed as a whole, sharing
# no code with the tool) and `dmaheap-bench run --tests alloc` with the same N and warmup, one
# right after the other, the order swapped in round 2 so a drift of the machine weighs on both.
# Per heap and size: R = median of the tool's three alloc_free_latency means / median of the
# loop's three means, printed with every figure.
#
# What it asserts, and why not +-5%:
# - Both programs run and give a positive mean everywhere (always).
# - 0.8 <= R <= 1.25, when the lab was quiet enough to judge that: each program's three means lie
#   within a factor 1.25 of each other. The lab is QEMU TCG on two host cores shared with other
#   builds and labs: there a run's mean moves by 2x and more within seconds (host load 10: a CMA
#   4K pair 0.7 to 10 ms), which no band can tell from a bias. A systematic bias such as the
#   1.3x once reported for CMA 4K (issue 9) leaves each program's means steady and moves R, so
#   it is caught whenever the machine is calm; a noisy boot is reported as "skip", with figures.
#   Whether R is within the +-5% goal is printed, not asserted: on this machine that would fail
#   on load alone, and timed tests are not allowed in this project.
# - One virtual CPU (--cpus 1). With two, every CMA allocation waits for an expedited RCU grace
#   period (alloc_contig_range() -> lru_cache_disable() -> synchronize_rcu_expedited()) whose
#   kthread the scheduler keeps on the allocating CPU or on the other one for hundreds of
#   allocations; the second costs two cross-CPU wake-ups, which under TCG take milliseconds. The
#   latency is then bistable with the kernel's history, not with the measurement (the man page,
#   alloc test): a test of the measurement must not depend on it.
BIN=$1
. "$(dirname "$0")/lib.sh"
# plainloop is built next to dmaheap-bench (bench/CMakeLists.txt), as a test helper only.
PLAIN=$(dirname "$BIN")/plainloop
# shellcheck disable=SC2034 # read by guest() in lib.sh
LAB_OPTS=(--cpus 1)
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

BAND = (0.8, 1.25)  # what R must lie in
STEADY = 1.25  # each program's three means within this factor: the boot can judge R
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
        R = statistics.median(t) / statistics.median(p)
        sp, st = max(p) / min(p), max(t) / min(t)
        rounds = " ".join(f"{b / a:.3f}" for a, b in zip(p, t))
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
