# SPDX-License-Identifier: GPL-2.0-only
# Shared by the reference heap's lab tests: build dhr_heap.ko for a lab kernel into the scratch
# directory (the lab shares it with the guest) and run a guest script there.
# shellcheck shell=bash

# shellcheck source=../../../scripts/tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/tests/lib.sh"

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# The guest helper, built by CMake; first argument of every test.
TOOL=${1:-}
MEMMAP=${MEMMAP:-'memmap=128M$0x40000000'}
HEAP=/dev/dma_heap/memory@40000000-contiguous
UHEAP=/dev/dma_heap/memory@40000000-contiguous-uncached

# build_module K: builds dhr_heap.ko against lab kernel K into MOD[K]; status 0 on success. With
# DHR_MODULE_CACHE (CTest sets it) the build folder is shared by these tests, one per kernel
# build, and make rebuilds only what changed (some 2 s instead of 6 s a build; the tests built it
# ten times a run); without it, a fresh build in the cwd.
declare -A MOD
build_module() {
	local kdir dir
	kdir=$("$LAB" path --kernel "$1" 2>/dev/null) || kdir=$("$LAB" build --wait --kernel "$1" | tail -1)
	[ -d "$kdir/build" ] || return 1
	if [ -n "${DHR_MODULE_CACHE:-}" ]; then
		dir=$DHR_MODULE_CACHE/$(basename "$kdir")
	else
		dir=$PWD/mod-$1
		rm -rf "$dir"
	fi
	MOD[$1]=$dir/dhr_heap.ko
	run make -C "$SRC/heaps-ref/module" KDIR="$kdir/build" BUILD_DIR="$dir"
	[ "$RC" = 0 ] && [ -f "${MOD[$1]}" ]
}

# set_kernels TOOL [KERNEL...]: the kernels a test runs on, in KERNELS (default both series).
set_kernels() {
	KERNELS=("${@:2}")
	[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.12 6.1)
}

# module_for K: builds the module for K; a failed build is one failed check and status 1, so the
# caller skips that kernel.
module_for() {
	build_module "$1" && return 0
	fail "$1: the module builds against the lab kernel tree"
	return 1
}

# guest K SCRIPT [LAB OPTIONS...]: runs the shell SCRIPT (text) in lab kernel K with the default
# memmap= region reserved; output and status as for run.
guest() {
	local k=$1 script=$2
	shift 2
	printf '%s\n' "set -u; KO=${MOD[$k]}; TOOL=$TOOL; HEAP=$HEAP; UHEAP=$UHEAP" \
		"$script" >"guest-$k.sh"
	run "$LAB" run --wait -q --kernel "$k" --kernel-arg "$MEMMAP" "$@" -- sh "guest-$k.sh"
}

# need_tool: the guest helper exists, else every check is skipped.
need_tool() {
	if [ -z "$TOOL" ] || [ ! -x "$TOOL" ]; then
		skip "all" "guest helper dhr-lab-tool not built (pass its path as the first argument)"
		finish
		exit
	fi
}

# expect_line NAME REGEX: a line of the last run's stdout matches REGEX (anchored).
expect_line() {
	expect_out "$1" stdout "^$2\$"
}

# expect_clean_dmesg NAME: the last run printed no line starting "dmesg:".
expect_clean_dmesg() {
	if grep -q '^dmesg:' "$OUT/stdout"; then
		fail "$1" "$(grep '^dmesg:' "$OUT/stdout" | head -5)"
	else
		pass "$1"
	fi
}

# A guest snippet that prints, prefixed "dmesg:", kernel warnings and errors since boot.
# shellcheck disable=SC2016,SC2034 # single quotes on purpose; used by the tests that source this file
DMESG_CHECK='dmesg | grep -E "WARNING|BUG|Oops|Call Trace|x86/PAT: .*(conflict|expected|map pfn)|dhr_heap.*(warn|fail)" | sed "s/^/dmesg: /"'
