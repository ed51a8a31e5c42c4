#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab test: reference heap buffers import into vgem (PRIME) and vkms (PRIME, ADDFB2, and a legacy
# SETCRTC on Virtual-1 so vkms vmaps and composes them), without kernel warnings.
# Usage: import.sh DHR_LAB_TOOL [KERNEL...]
set -u
. "$(dirname "$0")/ref-heap-lib.sh"
need_tool

# shellcheck disable=SC2016
script='
insmod $KO base=0x40000000 size=128M; echo "insmod=$?"
dmesg | grep -o "dhr_heap: memory@.*"
for h in $HEAP $UHEAP; do
	n=${h##*-}
	$TOOL vgem $h 1048576 | sed "s/^/$n /"
	$TOOL vkms $h | sed "s/^/$n /"
done
sleep 1
rmmod dhr_heap; echo "rmmod=$?"
'"$DMESG_CHECK"'
dmesg | grep -iE "vkms|vgem|drm" | grep -iE "error|fail" | sed "s/^/dmesg: /"'

set_kernels "$@"
for k in "${KERNELS[@]}"; do
	module_for "$k" || continue
	guest "$k" "$script"
	expect_line "$k: loads" 'insmod=0'
	for n in contiguous uncached; do
		expect_line "$k $n: vgem imports it" "$n vgem import: OK"
		expect_line "$k $n: vkms imports it" "$n vkms import: OK"
		expect_out "$k $n: vkms makes a frame buffer of it" stdout "^$n addfb2: OK [0-9]+x[0-9]+$"
		expect_line "$k $n: vkms scans it out (SETCRTC)" "$n setcrtc: OK"
	done
	expect_line "$k: unloads" 'rmmod=0'
	expect_clean_dmesg "$k: no errors or warnings in dmesg"
	expect_out "$k: 128M at 0x40000000 has no struct pages (dma_map_resource path)" stdout \
		'dhr_heap: memory@40000000-contiguous .*no struct pages'

	# A region that shares its memory section with RAM has struct pages: the sg_table path.
	MEMMAP='memmap=100M$0x40000000' guest "$k" "${script/size=128M/size=100M}"
	expect_out "$k 100M: struct pages, so page-backed sg tables" stdout \
		'^dhr_heap: memory@40000000-contiguous and .*pad 0$'
	for n in contiguous uncached; do
		expect_line "$k 100M $n: vgem imports it" "$n vgem import: OK"
		expect_line "$k 100M $n: vkms scans it out" "$n setcrtc: OK"
	done
	expect_line "$k 100M: unloads" 'rmmod=0'
	expect_clean_dmesg "$k 100M: no errors or warnings in dmesg"
done
finish
