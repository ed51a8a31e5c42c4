#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: the import test's V4L2 half and the v4l2-mmap source on both lab kernels: the pairs
# that import have rows, the refused pairs are skips with their errno, nothing is left behind.
BIN=$1
. "$(dirname "$0")/lib.sh"

# The guest: import from system, CMA, udmabuf and two vivid instances' own buffers (vivid-000:
# vb2-vmalloc; vivid-001, allocators=1: vb2-dma-contig) into every vivid, vim2m and vicodec
# node; the CPU tests on v4l2-mmap; fresh MMAP buffers exported and read back (all zero).
cat >guest.sh <<'GUEST'
B=$1
"$B" run --tests import --devices 'vivid*,vim2m*,vicodec*' \
	--heaps 'system,reserved,udmabuf,v4l2-mmap:vivid-00*' --sizes 1M,8M --iterations 3 \
	--warmup 1 --table none --csv imp.csv
echo "rc=$?"
"$B" run --tests alloc,map,cpu,sync --heaps 'v4l2-mmap:*' --sizes 1M --iterations 3 --warmup 0 \
	--table none --csv mm.csv
echo "rc=$?"
python3 - <<'PY'
import fcntl, mmap, os, struct
IOWR = lambda nr, size: (3 << 30) | (size << 16) | (ord('V') << 8) | nr
for node in sorted(os.listdir('/sys/class/video4linux')):
    name = open('/sys/class/video4linux/%s/name' % node).read().strip()
    if name not in ('vivid-000-vid-cap', 'vivid-001-vid-cap', 'vim2m'):
        continue
    fd = os.open('/dev/' + node, os.O_RDWR)
    fcntl.ioctl(fd, IOWR(8, 20), struct.pack('5I', 1, 1, 1, 0, 0))  # REQBUFS 1 MMAP capture
    e = bytearray(struct.pack('5I44x', 1, 0, 0, os.O_RDWR, 0))
    fcntl.ioctl(fd, IOWR(16, 64), e)  # EXPBUF
    dfd = struct.unpack_from('5I', e)[4]
    os.close(fd)
    size = os.lseek(dfd, 0, os.SEEK_END)
    m = mmap.mmap(dfd, size)
    print('zeroed %s %d %s' % (name, size, 'yes' if m[:].count(0) == size else 'NO'))
    m.close()
    os.close(dfd)
PY
cat /sys/kernel/debug/dma_buf/bufinfo
GUEST

# contig_luck KERNEL SOURCE BACKEND SIZE BYTES: SOURCE's buffer of SIZE into the dma-contig
# vivid gave rows, or a skip with EFAULT.
contig_luck() {
	if grep -q ",import,$2,$3,$5,qbuf_latency,device=vivid-001-vid-cap;" imp.csv ||
		grep -q "^skip: import on $2 into vivid-001-vid-cap, size $4: VIDIOC_QBUF: EFAULT" out.stderr; then
		pass "$1: $2 $4 into the dma-contig vivid: rows, or a skip with EFAULT"
	else
		fail "$1: $2 $4 into the dma-contig vivid: rows, or a skip with EFAULT"
	fi
}

check_kernel() { # KERNEL: the checks common to both kernels
	local k=$1
	expect_rc "$k: the guest script ran" 0
	expect_out "$k: import run exits 0" stdout '^rc=0$'
	expect_out "$k: qbuf same, system into vivid (vmalloc)" imp.csv \
		',import,system,dma-heap,8388608,qbuf_latency,device=vivid-000-vid-cap;queue=capture;mode=same,'
	expect_out "$k: qbuf rotate, CMA into vivid (dma-contig)" imp.csv \
		',import,reserved,dma-heap,8388608,qbuf_latency,device=vivid-001-vid-cap;queue=capture;mode=rotate,'
	expect_out "$k: dqbuf on vivid's output queue" imp.csv \
		',import,reserved,dma-heap,1048576,dqbuf_latency,device=vivid-000-vid-out;queue=output;mode=same,'
	expect_out "$k: streamoff on m2m (vim2m)" imp.csv \
		',import,system,dma-heap,1048576,streamoff_latency,device=vim2m;queue=capture;mode=rotate,'
	expect_out "$k: a dma-contig device's own buffer into a vmalloc one" imp.csv \
		',import,v4l2-mmap:vivid-001-vid-cap,v4l2-mmap,8388608,qbuf_latency,device=vivid-000-vid-cap;'
	# The system heap builds buffers of 1M chunks, and udmabuf's memfd pages are allocated one
	# by one: in a fresh guest they are often adjacent (6.12 once gave udmabuf 1M of them), so
	# whether the dma-contig vivid takes one is luck; either outcome is a result, a refusal
	# with EFAULT (not contiguous).
	contig_luck "$k" system dma-heap 8M 8388608
	contig_luck "$k" udmabuf udmabuf 1M 1048576
	expect_out "$k: vmalloc buffers refused by the dma-contig vivid" stderr \
		'^skip: import on v4l2-mmap:vivid-000-vid-cap into vivid-001-vid-cap, size 8M: VIDIOC_QBUF: EFAULT'
	[ "$(grep -c '^rc=0$' out.stdout)" = 2 ] && pass "$k: both runs exit 0" ||
		fail "$k: both runs exit 0" "$(grep '^rc=' out.stdout | tr '\n' ' ')"
	for m in alloc_latency map_latency memcpy_bw sync_start_latency; do
		expect_out "$k: v4l2-mmap $m rows" mm.csv ",v4l2-mmap:vivid-001-vid-cap,v4l2-mmap,1048576,$m,"
	done
	expect_out "$k: a frame larger than vim2m makes is a skip" stderr \
		'^skip: .* on v4l2-mmap:vim2m.*: v4l2-mmap:vim2m makes no frame of 1048576 bytes or more'
	expect_out "$k: vb2 MMAP buffers come zeroed (vmalloc)" stdout '^zeroed vivid-000-vid-cap [0-9]+ yes$'
	expect_out "$k: vb2 MMAP buffers come zeroed (dma-contig)" stdout '^zeroed vivid-001-vid-cap [0-9]+ yes$'
	if grep -q '^zeroed .* NO$' out.stdout; then fail "$k: no buffer unzeroed" "$(grep NO out.stdout)"; fi
	expect_out "$k: no dma-buf left behind" stdout '^Total 0 objects'
	if grep -q '^error:' out.stderr; then fail "$k: no errors" "$(grep '^error:' out.stderr | head -3)"; fi
}

# shellcheck disable=SC2054 # a module parameter's comma, not an array separator
vivid=(--kernel-arg vivid.n_devs=2 --kernel-arg vivid.allocators=0,1)
rm -f imp.csv mm.csv
# shellcheck disable=SC2034 # read by guest() in lib.sh
LAB_OPTS=(--kernel 6.12 "${vivid[@]}")
guest sh ./guest.sh "$BIN"
check_kernel 6.12
expect_out "6.12: udmabuf imports into vb2-vmalloc drivers (it has vmap)" imp.csv \
	',import,udmabuf,udmabuf,1048576,qbuf_latency,device=vim2m;queue=capture;mode=same,'
cp imp.csv imp-6.12.csv
cp out.stderr out-6.12.stderr

rm -f imp.csv mm.csv
# shellcheck disable=SC2034 # read by guest() in lib.sh
LAB_OPTS=(--kernel 6.1 "${vivid[@]}")
guest sh ./guest.sh "$BIN"
check_kernel 6.1
expect_out "6.1: udmabuf (no vmap) refused by vb2-vmalloc drivers" stderr \
	'^skip: import on udmabuf into vim2m, size 1M: VIDIOC_QBUF: E[A-Z]+'
finish
