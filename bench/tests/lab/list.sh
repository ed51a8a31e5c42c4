#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: 'dmaheap-bench list' shows the system and CMA heaps, udmabuf, memfd, CMA and the board.
BIN=$1
. "$(dirname "$0")/lib.sh"

guest "$BIN" list
expect_rc "list as root" 0
expect_out "the system heap, usable, non-contiguous cached" stdout \
	'^system +dma-heap +/dev/dma_heap/system +yes +non-contiguous, cached'
expect_out "the CMA heap (reserved), usable, contiguous" stdout \
	'^reserved +dma-heap +/dev/dma_heap/reserved +yes +contiguous \(CMA\), cached'
expect_out "udmabuf usable" stdout '^udmabuf +udmabuf +/dev/udmabuf +yes'
expect_out "memfd usable" stdout '^memfd +memfd +- +yes'
expect_out "CMA size and cma= argument" stdout '^CMA: CmaTotal 256M, CmaFree [0-9.]+[KMG], kernel argument cma=256M'
expect_out "CMA areas by name and size (sysfs, debugfs)" stdout '; areas: reserved 256M$'
expect_out "board from DMI" stdout 'board QEMU Standard PC \(i440FX \+ PIIX, 1996\)'

guest "$BIN" list --json
expect_rc "list --json" 0
if python3 -c '
import json, sys
d = json.load(open("out.stdout"))
s = {x["name"]: x for x in d["sources"]}
assert s["system"]["usable"] and s["reserved"]["usable"], s
assert s["reserved"]["properties"] == ["contiguous", "cached"], s["reserved"]
assert s["memfd"]["dmabuf"] is False and s["udmabuf"]["dmabuf"] is True
assert d["cma"]["total_bytes"] == 256 << 20 and d["cma"]["cmdline"] == "256M", d["cma"]
assert d["cma"]["areas"] == [{"name": "reserved", "bytes": 256 << 20}], d["cma"]
assert d["board"].startswith("QEMU"), d["board"]
'; then pass "list --json parses and says the same"; else fail "list --json parses and says the same"; fi

guest setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" list
expect_rc "list as nobody: nothing usable" 3
expect_out "why the heap is unusable" stdout '^system +dma-heap +/dev/dma_heap/system +no: Permission denied \(EACCES\)'
expect_out "how to grant access: udev rule" stdout \
	'SUBSYSTEM=="dma_heap", KERNEL=="system", GROUP="video", MODE="0660"'
expect_out "how to grant access: group" stdout 'usermod -aG video \$USER'
finish
