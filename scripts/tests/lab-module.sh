#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: an out-of-tree module builds against each cached lab kernel tree and loads, shows up
# and unloads in that kernel.
set -u
. "$(dirname "$0")/lib.sh"

src=$(cd "$(dirname "$0")/lab-module" && pwd)
for k in 6.12 6.1; do
	# Build in the working directory: the lab shares it, and the source tree stays clean.
	rm -rf "mod-$k" && cp -r "$src" "mod-$k"
	run "$LAB" path --kernel "$k"
	kdir=$(cat "$OUT/stdout")
	run make -C "$kdir/build" M="$PWD/mod-$k" modules
	expect_rc "$k: the module builds against the lab kernel tree" 0
	run "$LAB" run -q --kernel "$k" -- sh -c "insmod mod-$k/dhb_lab_probe.ko && grep -c '^dhb_lab_probe ' /proc/modules &&
		rmmod dhb_lab_probe && dmesg | grep -c 'dhb_lab_probe: \(loaded\|unloaded\)'"
	[ "$RC" = 0 ] && [ "$(tr '\n' ' ' <"$OUT/stdout")" = "1 2 " ] &&
		pass "$k: the module loads, is listed, and unloads" || fail "$k: the module loads, is listed, and unloads"
	rm -rf "mod-$k"
done

finish
