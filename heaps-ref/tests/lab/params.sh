#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab test: bad parameters refuse to load dhr_heap.ko, each with one clear line in dmesg.
# Usage: params.sh DHR_LAB_TOOL [KERNEL...]
set -u
. "$(dirname "$0")/ref-heap-lib.sh"

# name|parameters|dmesg line (extended regex)
cases=(
	'overlapping RAM|base=0x10000000 size=16M|overlaps System RAM'
	'partly overlapping RAM|base=0x47000000 size=32M|overlaps System RAM'
	'zero size|base=0x40000000 size=0|size must not be zero'
	'missing size|base=0x40000000|size is required with base'
	'non power-of-two align|base=0x40000000 size=128M align=12288|align 12288 is not a power of two'
	'align below granule|base=0x40000000 size=128M granule=64K align=4K|align 4096 is not a power of two of at least granule 65536'
	'non power-of-two granule|base=0x40000000 size=128M granule=5000|granule 5000 is not a power of two'
	'unknown policy|base=0x40000000 size=128M policy=worst-fit|unknown policy .worst-fit.'
	'base not granule-aligned|base=0x40001000 size=64M granule=64K|base 0x0*40001000 is not aligned to granule 65536'
	'max_addr below the region|base=0x40000000 size=128M max_addr=0x20000000|max_addr 0x20000000 is below the region'
	'not a number|base=0x40000000 size=lots|size=lots is not a size'
)

script=''
for c in "${cases[@]}"; do
	IFS='|' read -r name params _ <<<"$c"
	script+="dmesg -C; insmod \$KO $params 2>/dev/null; echo \"rc $name=\$?\"; dmesg | grep dhr_heap: | grep -v taints | sed 's/^\[[^]]*\] /msg $name: /'
"
done
# The region stays claimable after all that.
script+='insmod $KO base=0x40000000 size=128M; echo "rc good=$?"; rmmod dhr_heap; echo "rc rmmod=$?"
'"$DMESG_CHECK"

set_kernels "$@"
for k in "${KERNELS[@]}"; do
	module_for "$k" || continue
	guest "$k" "$script"
	for c in "${cases[@]}"; do
		IFS='|' read -r name params msg <<<"$c"
		if grep -qE "^rc $name=[1-9]" "$OUT/stdout" &&
			[ "$(grep -c "^msg $name: " "$OUT/stdout")" = 1 ] &&
			grep -qE "^msg $name: dhr_heap: .*$msg" "$OUT/stdout"; then
			pass "$k: $name refused: $(sed -n "s/^msg $name: //p" "$OUT/stdout")"
		else
			fail "$k: $name ($params) refused with one dmesg line matching /$msg/" \
				"$(grep -E "^(rc|msg) $name" "$OUT/stdout" | tr '\n' ' ')"
		fi
	done
	expect_line "$k: a good load works afterwards" 'rc good=0'
	expect_line "$k: and unloads" 'rc rmmod=0'
	expect_clean_dmesg "$k: no kernel warnings"
done
finish
