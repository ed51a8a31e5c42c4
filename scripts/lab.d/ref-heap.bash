# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Sourced by scripts/lab: the reference heap (--with-ref-heap). Builds heaps-ref/module against
# the lab kernel (kept in the kernel's cache entry, keyed by a hash of the module's sources),
# reserves its region on the kernel command line (memmap=SIZE$BASE) and loads it in the guest
# before the command runs.

# Defaults: a 128 MiB region at 1 GiB, inside the default 2 GiB guest and clear of the kernel
# image; base=cma asks the module to take its region from CMA at load instead.
REPO=$(cd "$LAB_D/../.." && pwd)
REF_HEAP=0
REF_BASE=0x40000000
REF_BASE_SET=0
REF_SIZE=128M
REF_SIZE_SET=0
REF_ARGS=()

# ref_heap_arg NAME=VALUE: one --ref-heap-arg; base and size also shape the reservation.
ref_heap_arg() {
	[[ $1 =~ ^([a-z_]+)=([A-Za-z0-9_.,:@+/-]+)$ ]] ||
		usage_error "bad --ref-heap-arg '$1' (NAME=VALUE, e.g. policy=buddy)"
	local name=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
	case $name in
	base)
		[[ $value =~ ^(0x[0-9a-fA-F]+|[0-9]+|cma)$ ]] ||
			usage_error "bad --ref-heap-arg base='$value' (a physical address such as 0x40000000, or cma)"
		REF_BASE=$value REF_BASE_SET=1
		;;
	size)
		[[ $value =~ ^[0-9]+[KMG]?$ ]] ||
			usage_error "bad --ref-heap-arg size='$value' (bytes, or a number with K, M or G)"
		REF_SIZE=$value REF_SIZE_SET=1
		;;
	*) REF_ARGS+=("$name=$value") ;;
	esac
	REF_HEAP=1
}

# ref_bytes SIZE: 128M -> 134217728.
ref_bytes() {
	local n=${1%[KMG]}
	case $1 in
	*K) echo $((n << 10)) ;;
	*M) echo $((n << 20)) ;;
	*G) echo $((n << 30)) ;;
	*) echo $((n)) ;;
	esac
}

# ref_heap_check: the region must lie inside the guest's memory and above its first 16 MiB.
# Overlap with memory in use is the module's own check (it refuses to load and says why).
# arm64 has no memmap= to reserve a region with: there the module takes its region from CMA.
ref_heap_check() {
	REF_CROSS=()
	if [ "$LAB_ARCH" = arm64 ]; then
		REF_CROSS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
		if [ "$REF_HEAP" = 1 ] && [ "$REF_BASE" != cma ]; then
			[ "$REF_BASE_SET" = 0 ] ||
				usage_error "the arm64 lab cannot reserve a region at $REF_BASE (memmap= is x86's); use base=cma"
			REF_BASE=cma
		fi
	fi
	[ "$REF_HEAP" = 1 ] && [ "$REF_BASE" != cma ] || return 0
	local base size
	base=$((REF_BASE)) size=$(ref_bytes "$REF_SIZE")
	[ "$size" -gt 0 ] || usage_error "the reference heap's size must not be zero"
	[ "$base" -ge $((16 << 20)) ] && [ $((base + size)) -le $((MEM_MIB << 20)) ] ||
		usage_error "the reference heap region $REF_SIZE at $REF_BASE lies outside the guest's memory (16M..${MEM_MIB}M; see --mem)"
}

# ref_heap_sources: the files the module is built from, relative to the repository.
ref_heap_sources() {
	(cd "$REPO" && find heaps-ref/module heaps-ref/core -maxdepth 1 -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) | LC_ALL=C sort)
}

# ensure_ref_heap: sets REF_KO to the module built for the kernel in KDIR, building it first when
# its sources changed. Needs the lab lock.
ensure_ref_heap() {
	local hash dir tmp log why
	[ -f "$REPO/heaps-ref/module/Makefile" ] || die $E_LAB "heaps-ref/module/Makefile is missing"
	hash=$(cd "$REPO" && ref_heap_sources | xargs sha256sum | sha256sum | cut -c1-12)
	dir=$KDIR/ref-heap/$hash
	REF_KO=$dir/dhr_heap.ko
	[ -f "$REF_KO" ] && return 0
	rm -rf "$KDIR/ref-heap"
	tmp=$KDIR/ref-heap/.build-$hash
	mkdir -p "$tmp" "$CACHE/logs"
	log=$CACHE/logs/ref-heap-$(basename "$KDIR").log
	say "building the reference heap module for $(cat "$KDIR/release"); log: $log"
	# Built from a copy in the cache: make cannot work in a directory whose path has a space.
	mkdir -p "$tmp/src"
	if ! cp -r "$REPO/heaps-ref/module" "$REPO/heaps-ref/core" "$tmp/src/" ||
		! PATH=$BUILD_PATH make -C "$tmp/src/module" KDIR="$KDIR/build" BUILD_DIR="$tmp" \
			"${REF_CROSS[@]}" >"$log" 2>&1 ||
		[ ! -f "$tmp/dhr_heap.ko" ]; then
		rm -rf "$tmp"
		why=$(grep -m1 -E 'error|Error' "$log" | cut -c1-160) || why=$(tail -n 1 "$log")
		die $E_LAB "the reference heap module did not build: ${why:-no output} (log: $log)"
	fi
	mv "$tmp" "$dir"
}

# ref_heap_prepare: builds and stages the module, reserves the region and writes the guest's
# pre.sh, which loads it (and, failing, says why in one line).
ref_heap_prepare() {
	[ "$REF_HEAP" = 1 ] || return 0
	local params=() a
	ensure_ref_heap
	stage "$REF_KO"
	if [ "$REF_BASE" != cma ]; then
		KARGS+=("memmap=$REF_SIZE\$$REF_BASE")
		params+=("base=$REF_BASE" "size=$REF_SIZE")
	elif [ "$REF_SIZE_SET" = 1 ]; then
		params+=("size=$REF_SIZE")
	fi
	params+=("${REF_ARGS[@]}")
	{
		echo '#!/bin/sh'
		echo '# Written by scripts/lab --with-ref-heap: loads the reference heap before the command.'
		printf 'insmod %s' "$STAGED"
		for a in "${params[@]}"; do
			printf ' %s' "$(shell_quote "$a")"
		done
		printf ' && exit 0\n'
		printf 'echo "cannot load the reference heap (dhr_heap %s): $(dmesg | grep dhr_heap | tail -n 1)" >&2\n' "${params[*]}"
		echo 'exit 1'
	} >"$CTL/pre.sh"
	chmod +x "$CTL/pre.sh"
}
