#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: recommend on the lab's own matrix and measurements, then udev (udevadm test in the
# guest: the lab kernel has no inotify for systemd-udevd) applies its rules: the alias appears
# under /dev/dma_heap/, names the chosen heap's node (group video, mode 0660) and opens it.
BIN=$1
. "$(dirname "$0")/lib.sh"

rm -f m.json r.csv heaps.json aliases.rules udev.out udev.log
cat >guest.sh <<'GUEST'
#!/bin/bash
# In the guest: measure, recommend, apply the rules with a udev daemon of the guest's own.
set -u
BIN=$1
"$BIN" list --matrix --json >m.json || exit 10
"$BIN" run --heaps system,reserved,udmabuf --tests alloc,cpu --sizes 8M --iterations 5 \
	--warmup 1 --events none --table none --csv r.csv || exit 11
"$BIN" recommend --matrix m.json --use vidbuf_cached:camera+display+cpu-read,scanout:display \
	--manifest heaps.json --rules aliases.rules r.csv || exit 12
mkdir -p /run/udev/rules.d
cp aliases.rules /run/udev/rules.d/70-dma-heap-aliases.rules
# The lab kernel has no inotify, which systemd-udevd needs, so udev's rules are applied by
# udevadm test (systemd 252 applies what it computes: permissions and links) on each heap.
for d in /sys/class/dma_heap/*; do
	udevadm test --action=add "$d" >>udev.log 2>&1 || exit 13
done
for a in vidbuf_cached scanout; do
	l=/dev/dma_heap/$a
	if [ -L "$l" ]; then
		printf '%s -> %s %s %s\n' "$a" "$(readlink -f "$l")" \
			"$(stat -L -c '%G %a %t:%T' "$l")" \
			"$( { : <"$l"; } 2>/dev/null && echo opens || echo fails)"
	else
		echo "$a missing"
	fi
done >udev.out
for n in /dev/dma_heap/*; do
	[ -L "$n" ] || printf 'node %s %s\n' "$n" "$(stat -c '%t:%T' "$n")"
done >>udev.out
GUEST
chmod +x guest.sh
guest ./guest.sh "$BIN"
expect_rc "matrix, measurements, recommend and udev in the guest" 0
sed 's/^/# /' udev.out 2>/dev/null

# The heaps the manifest chose, by alias.
chosen() {
	python3 -c '
import json, sys
m = json.load(open("heaps.json"))
print({u["alias"]: u for u in m["uses"]}[sys.argv[1]]["heap"])' "$1" 2>/dev/null
}
for a in vidbuf_cached scanout; do
	heap=$(chosen "$a")
	node=$(awk -v n="/dev/dma_heap/$heap" '$1 == "node" && $2 == n { print $3 }' udev.out)
	if [ -n "$heap" ] && [ -n "$node" ] &&
		grep -qxE "$a -> /dev/dma_heap/$heap video 660 $node opens" udev.out; then
		pass "udev made /dev/dma_heap/$a: the chosen heap $heap (its device $node), group video, mode 0660, opens"
	else
		fail "udev made /dev/dma_heap/$a for the chosen heap '$heap'" "$(cat udev.out 2>/dev/null)"
	fi
done
if grep -q 'MODE="0660"' aliases.rules && ! grep -qE 'MODE="0?[0-7][0-7][2367]"' aliases.rules; then
	pass "the rules are never world-writable"
else
	fail "the rules' modes" "$(cat aliases.rules)"
fi
expect_out "the evidence line" stdout '^  evidence: cpu read_bw at 8M: p50 [0-9.]+ MB/s'
expect_out "udmabuf rejected as not a heap" stdout '^  rejected udmabuf: not a dma-buf heap'
finish
