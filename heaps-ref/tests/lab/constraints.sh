#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab test: align, max_addr, pad and the buddy policy are honoured, as the physical addresses in
# debugfs dhr_heap/<heap>/blocks show. Usage: constraints.sh DHR_LAB_TOOL [KERNEL...]
set -u
. "$(dirname "$0")/ref-heap-lib.sh"
need_tool

B=/sys/kernel/debug/dhr_heap/memory@40000000-contiguous/blocks
UB=/sys/kernel/debug/dhr_heap/memory@40000000-contiguous-uncached/blocks
script='
insmod $KO base=0x40000000 size=128M align=1M max_addr=0x42000000 pad=4096 policy=first-fit
echo "insmod=$?"
$TOOL hold $HEAP 100000 5 sed "s/^0x/fit 0x/" '"$B"'
$TOOL hold $UHEAP 3000000 3 sed "s/^0x/fitu 0x/" '"$UB"'
echo "exhaust $($TOOL exhaust $HEAP 4194304 | tr "\n" " ")"
rmmod dhr_heap; echo "rmmod=$?"
insmod $KO base=0x40000000 size=128M policy=buddy; echo "insmod=$?"
$TOOL hold $HEAP 100000 3 sed "s/^0x/buddy 0x/" '"$B"'
echo "policy=$(cat /sys/kernel/dhr_heap/memory@40000000-contiguous/policy)"
rmmod dhr_heap; echo "rmmod=$?"
'"$DMESG_CHECK"

# check_blocks NAME PREFIX COUNT ALIGN LIMIT BLOCK: COUNT lines "PREFIX phys block len", each
# phys aligned to ALIGN, ending at or below LIMIT (0: none), of BLOCK bytes.
check_blocks() {
	local name=$1 prefix=$2 count=$3 align=$4 limit=$5 block=$6 n=0 bad='' phys size
	while read -r _ phys size _; do
		n=$((n + 1))
		[ $((phys % align)) = 0 ] || bad+=" $phys misaligned"
		[ "$limit" = 0 ] || [ $((phys + size)) -le $((limit)) ] || bad+=" $phys+$size above $limit"
		[ "$size" = "$block" ] || bad+=" $phys has $size bytes"
	done < <(grep "^$prefix 0x" "$OUT/stdout")
	if [ "$n" = "$count" ] && [ -z "$bad" ]; then
		pass "$name ($n blocks)"
	else
		fail "$name" "$n blocks:$bad"
	fi
}

set_kernels "$@"
for k in "${KERNELS[@]}"; do
	module_for "$k" || continue
	guest "$k" "$script"
	expect_out "$k: loads with align, max_addr, pad, first-fit" stdout '^insmod=0$'
	check_blocks "$k: cached blocks 1M-aligned, below max_addr, padded" fit 5 1048576 0x42000000 106496
	check_blocks "$k: uncached blocks 1M-aligned, below max_addr, padded" fitu 3 1048576 0x42000000 3006464
	# 4M + 4K pad per block, 1M-aligned, below 32M into the region: 6 fit.
	expect_line "$k: only the space below max_addr is used" \
		'exhaust allocated 6 then ENOMEM after free: OK '
	check_blocks "$k: buddy blocks are naturally aligned powers of two" buddy 3 131072 0 131072
	expect_line "$k: policy reads buddy" 'policy=buddy'
	[ "$(grep -c '^rmmod=0$' "$OUT/stdout")" = 2 ] && pass "$k: unloads" || fail "$k: unloads"
	expect_clean_dmesg "$k: no kernel warnings"
done
finish
