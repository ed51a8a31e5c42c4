#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: udmabuf buffers work for every test, need page-sized sizes, and leave nothing behind.
BIN=$1
. "$(dirname "$0")/lib.sh"

cat >guest.sh <<'GUEST'
"$1" run --heaps udmabuf --sizes 4K,1M,6000 --iterations 3 --warmup 0 --csv u.csv --table full
echo "rc=$?"
cat /sys/kernel/debug/dma_buf/bufinfo
GUEST
rm -f u.csv
guest sh ./guest.sh "$BIN"
expect_rc "the guest script ran" 0
expect_out "udmabuf run exits 0" stdout '^rc=0$'
for m in alloc_latency map_latency memcpy_bw sync_start_latency; do
	expect_out "udmabuf $m rows" u.csv ",udmabuf,udmabuf,1048576,$m,"
done
expect_out "udmabuf touch costs one fault per page" stdout \
	'^map +udmabuf +udmabuf +1M +touch_latency.page-faults +3 +events +256 +256'
expect_out "a size that is not a page multiple is skipped with its reason" stderr \
	'^skip: .* on udmabuf: this backend needs sizes that are a multiple of the page size'
expect_out "no dma-buf left behind" stdout '^Total 0 objects'
finish
