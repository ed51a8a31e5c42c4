#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: 'scripts/lab run --with-ref-heap' builds and loads the reference heap before the
# command, on both kernels, and its option and load errors are one line each.
set -u
. "$(dirname "$0")/lib.sh"

heaps='ls /dev/dma_heap | tr "\n" " "; echo'
for k in 6.12 6.1; do
	run "$LAB" run -q --wait --kernel "$k" --with-ref-heap -- sh -c "$heaps; cat /proc/cmdline"
	expect_rc "$k: --with-ref-heap boots" 0
	expect_out "$k: both reference heaps are there" stdout \
		'memory@40000000-contiguous memory@40000000-contiguous-uncached'
	expect_out "$k: its region is reserved on the command line" stdout 'memmap=128M\$0x40000000'
done

run "$LAB" run -q --wait --ref-heap-arg base=0x50000000 --ref-heap-arg size=64M \
	--ref-heap-arg policy=buddy -- sh -c "$heaps; cat /sys/kernel/dhr_heap/*/policy /sys/dev/char/*/policy 2>/dev/null | sort -u"
expect_rc "--ref-heap-arg implies --with-ref-heap" 0
expect_out "base moves the heaps" stdout '^memory@50000000-contiguous memory@50000000-contiguous-uncached'
expect_out "module parameters reach the module" stdout '^buddy$'

run "$LAB" run -q --wait --ref-heap-arg base=cma --ref-heap-arg size=32M -- sh -c \
	"$heaps; grep -q 'memmap=' /proc/cmdline || echo no-memmap"
expect_rc "base=cma loads from CMA" 0
expect_out "base=cma: the heaps are there" stdout 'memory@[0-9a-f]+-contiguous memory@[0-9a-f]+-contiguous-uncached'
expect_out "base=cma: nothing reserved on the command line" stdout 'no-memmap$'

run "$LAB" run -q --wait --ref-heap-arg policy=worst-fit -- true
expect_error "a parameter the module refuses: 125 and its dmesg line" 125 \
	'^lab: the guest.s init failed: cannot load the reference heap \(dhr_heap .*policy=worst-fit\): .*dhr_heap.*'

run "$LAB" run --ref-heap-arg 'policy=$(reboot)' -- true
expect_error "a parameter with shell syntax is refused" 2 "^lab: bad --ref-heap-arg 'policy=\\\$\(reboot\)'"
run "$LAB" run --ref-heap-arg size=4G -- true
expect_error "a region outside the guest's memory is refused" 2 '^lab: the reference heap region 4G at 0x40000000 lies outside'
run "$LAB" build --with-ref-heap
expect_error "--with-ref-heap is not for build" 2 '^lab: --with-ref-heap is for run, shell, info and selftest'

finish
