#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab test: dhr_heap.ko builds against each lab kernel, loads over a memmap= region and from CMA,
# shows both nodes (0600 root) with the documented sysfs files, refuses rmmod while a buffer
# lives, and unloads leaving nothing behind. Usage: load.sh DHR_LAB_TOOL [KERNEL...]
set -u
. "$(dirname "$0")/ref-heap-lib.sh"
need_tool

# shellcheck disable=SC2016
script='
insmod $KO base=0x40000000 size=128M; echo "insmod=$?"
for h in $HEAP $UHEAP; do stat -c "node %n %a %U" $h; done
d=/sys/dev/char/$((0x$(stat -c %t $HEAP))):$((0x$(stat -c %T $HEAP)))
u=/sys/dev/char/$((0x$(stat -c %t $UHEAP))):$((0x$(stat -c %T $UHEAP)))
for a in region_base region_size granule align max_addr pad cached policy source; do
	echo "dev.$a=$(cat $d/$a)"
done
echo "udev.cached=$(cat $u/cached)"
for a in total used requested free free_extents largest_free live_allocs allocs frees failed_allocs ext_frag_ppm zero_pending; do
	echo "stats.$a=$(cat $d/stats/$a)"
done
k=/sys/kernel/dhr_heap/memory@40000000-contiguous-uncached
echo "kobj.region_base=$(cat $k/region_base) kobj.cached=$(cat $k/cached) kobj.total=$(cat $k/stats/total)"
$TOOL hold $HEAP 1000000 2 sh -c "echo held.live=\$(cat $d/stats/live_allocs) held.used=\$(cat $d/stats/used) held.requested=\$(cat $d/stats/requested)
	echo held.blocks=\$(grep -c ^0x /sys/kernel/debug/dhr_heap/memory@40000000-contiguous/blocks)
	rmmod dhr_heap 2>/dev/null; echo held.rmmod=\$?"
sleep 1
echo "after.live=$(cat $d/stats/live_allocs) after.frees=$(cat $d/stats/frees) after.pending=$(cat $d/stats/zero_pending)"
rmmod dhr_heap; echo "rmmod=$?"
echo "after.nodes=$(ls /dev/dma_heap | tr "\n" " ")"
echo "after.iomem=$(grep -c dhr_heap /proc/iomem) after.sysfs=$(ls /sys/kernel/dhr_heap 2>&1 | grep -c memory)"
cf() { awk "/CmaFree/{print \$2}" /proc/meminfo; }
before=$(cf); echo "cma.before=$before"
insmod $KO; echo "cma.insmod=$?"
echo "cma.during=$(cf)"
name=$(ls /sys/kernel/dhr_heap | head -1)
echo "cma.name=$name cma.source=$(cat /sys/kernel/dhr_heap/$name/source) cma.size=$(cat /sys/kernel/dhr_heap/$name/region_size)"
$TOOL zero /dev/dma_heap/$name 1048576 3
rmmod dhr_heap; echo "cma.rmmod=$?"
# cma_release() frees page by page onto the per-CPU free lists, which CmaFree does not count
# until the kernel drains them (6.12 tunes those lists up and decays them each second, an
# eighth at a time: once CmaFree was still 9532 kB short right after rmmod, and once 5240 kB
# after 9 s). A buffer of the kernel CMA heap drains them: cma_alloc(), in alloc_contig_range(),
# drains the per-CPU lists of the zone on every CPU once it has isolated its range (6.12 and
# 6.1). Then wait up to 10 s for the rest.
g0=$((before - $(cf)))
$TOOL zero /dev/dma_heap/reserved 4096 1 >/dev/null
echo "cma.gap.rmmod=$g0 cma.gap.drained=$((before - $(cf)))"
for i in 1 2 3 4 5 6 7 8 9 10; do
	after=$(cf); [ $((before - after)) -le 4096 ] && break; sleep 1
done
echo "cma.after=$after cma.waited=$((i - 1))"
'"$DMESG_CHECK"

set_kernels "$@"
for k in "${KERNELS[@]}"; do
	module_for "$k" || continue
	pass "$k: the module builds against the lab kernel tree"
	guest "$k" "$script"
	expect_line "$k: loads over memmap=128M\$0x40000000" 'insmod=0'
	expect_line "$k: cached node is 0600 root" "node $HEAP 600 root"
	expect_line "$k: uncached node is 0600 root" "node $UHEAP 600 root"
	expect_line "$k: region_base" 'dev.region_base=0x40000000'
	expect_line "$k: region_size" 'dev.region_size=134217728'
	expect_line "$k: granule, align default to PAGE_SIZE" 'dev.granule=4096'
	expect_line "$k: align" 'dev.align=4096'
	expect_line "$k: max_addr, pad" 'dev.max_addr=0'
	expect_line "$k: policy" 'dev.policy=best-fit'
	expect_line "$k: source" 'dev.source=memmap'
	expect_line "$k: cached flags" 'dev.cached=1'
	expect_line "$k: uncached flags" 'udev.cached=0'
	expect_line "$k: stats/total" 'stats.total=134217728'
	expect_line "$k: stats/free_extents" 'stats.free_extents=1'
	expect_line "$k: stats/zero_pending" 'stats.zero_pending=0'
	expect_line "$k: /sys/kernel/dhr_heap/<heap> has the same files" \
		'kobj.region_base=0x40000000 kobj.cached=0 kobj.total=134217728'
	expect_line "$k: stats while 2 buffers of 1000000 bytes live" \
		'held.live=2 held.used=2007040 held.requested=2007040'
	expect_line "$k: debugfs blocks lists them" 'held.blocks=2'
	expect_line "$k: rmmod refused while a buffer lives" 'held.rmmod=1'
	expect_line "$k: buffers freed after close" 'after.live=0 after.frees=2 after.pending=0'
	expect_line "$k: rmmod succeeds after close" 'rmmod=0'
	expect_line "$k: only the kernel heaps remain" 'after.nodes=reserved system '
	expect_line "$k: region released, sysfs gone" 'after.iomem=0 after.sysfs=0'
	expect_line "$k: loads from CMA" 'cma.insmod=0'
	expect_out "$k: CMA heap named after its base" stdout \
		'^cma.name=memory@[0-9a-f]+-contiguous(-uncached)? cma.source=cma cma.size=67108864$'
	expect_line "$k: CMA region zeroed" 'clean: 3 rounds of 1048576 bytes'
	expect_line "$k: rmmod in CMA mode" 'cma.rmmod=0'
	before=$(sed -n 's/^cma.before=//p' "$OUT/stdout")
	during=$(sed -n 's/^cma.during=//p' "$OUT/stdout")
	after=$(sed -n 's/^cma.after=\([0-9]*\) .*/\1/p' "$OUT/stdout")
	waited=$(sed -n 's/^cma.after=.* cma.waited=//p' "$OUT/stdout")
	if [ -n "$before" ] && [ -n "$during" ] && [ $((before - during)) -ge 65536 ]; then
		pass "$k: CmaFree fell by 64M at load ($before -> $during kB)"
	else
		fail "$k: CmaFree fell by 64M at load ($before -> $during kB)"
	fi
	# Movable allocations of the guest's own may take a few CMA pages meanwhile: allow 4M.
	gaps=$(sed -n 's/^cma.gap.rmmod=\([0-9-]*\) cma.gap.drained=\([0-9-]*\)$/\1 kB short at rmmod, \2 after a drain/p' "$OUT/stdout")
	if [ -n "$after" ] && [ $((before - after)) -le 4096 ]; then
		pass "$k: CmaFree back after rmmod ($before -> $after kB, after ${waited}s; $gaps)"
	else
		fail "$k: CmaFree back after rmmod ($before -> $after kB, after ${waited}s; $gaps)"
	fi
	expect_clean_dmesg "$k: no kernel warnings"
done
finish
