#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab test: the dma-heap ioctl's errors (EINVAL for a zero length, bad flags, an absurd size;
# ENOMEM when the region is full, with the guest healthy afterwards), memory always handed out
# zeroed on both heaps. Allocation latency is a benchmark's job (dmaheap-bench run), not a test's.
# Usage: alloc.sh DHR_LAB_TOOL [KERNEL...]
set -u
. "$(dirname "$0")/ref-heap-lib.sh"
need_tool

# shellcheck disable=SC2016
script='
insmod $KO base=0x40000000 size=128M; echo "insmod=$?"
for h in $HEAP $UHEAP; do
	n=${h##*-}
	echo "$n zero-len $($TOOL alloc $h 0)"
	echo "$n bad-fd-flags $($TOOL alloc $h 4096 0x40)"
	echo "$n bad-heap-flags $($TOOL alloc $h 4096 2 1)"
	echo "$n absurd $($TOOL alloc $h 0xfffffffffffff000)"
	echo "$n larger-than-region $($TOOL alloc $h 0x10000000)"
	echo "$n ok $($TOOL alloc $h 4096)"
	echo "$n exhaust $($TOOL exhaust $h 0x1000000 | tr "\n" " ")"
	echo "$n zero-immediate $($TOOL zero $h 0x800000 24)"
	echo "$n zero-after-worker $($TOOL zero $h 0x100000 4 300000)"
	echo "$n zero-small $($TOOL zero $h 4096 64)"
done
echo "failed_allocs=$(cat /sys/kernel/dhr_heap/memory@40000000-contiguous/stats/failed_allocs)"
echo "live=$(cat /sys/kernel/dhr_heap/memory@40000000-contiguous/stats/live_allocs)"
sleep 1
rmmod dhr_heap; echo "rmmod=$?"
'"$DMESG_CHECK"

set_kernels "$@"
for k in "${KERNELS[@]}"; do
	module_for "$k" || continue
	guest "$k" "$script"
	expect_line "$k: loads" 'insmod=0'
	for n in contiguous uncached; do
		expect_line "$k $n: zero length gets EINVAL" "$n zero-len EINVAL"
		expect_line "$k $n: fd_flags beyond O_RDWR|O_CLOEXEC get EINVAL" "$n bad-fd-flags EINVAL"
		expect_line "$k $n: nonzero heap_flags get EINVAL" "$n bad-heap-flags EINVAL"
		expect_line "$k $n: an absurd size gets EINVAL" "$n absurd EINVAL"
		expect_line "$k $n: more than the region gets EINVAL" "$n larger-than-region EINVAL"
		expect_line "$k $n: a page allocates" "$n ok OK"
		expect_line "$k $n: exhaustion gets ENOMEM, freeing one lets the next succeed" \
			"$n exhaust allocated 8 then ENOMEM after free: OK "
		expect_line "$k $n: 8M buffers reused at once are zero" \
			"$n zero-immediate clean: 24 rounds of 8388608 bytes"
		expect_line "$k $n: 1M buffers are zero after the worker ran" \
			"$n zero-after-worker clean: 4 rounds of 1048576 bytes"
		expect_line "$k $n: 4K buffers are zero" "$n zero-small clean: 64 rounds of 4096 bytes"
	done
	expect_line "$k: nothing left live" 'live=0'
	expect_line "$k: unloads" 'rmmod=0'
	expect_clean_dmesg "$k: no kernel warnings"
done
finish
