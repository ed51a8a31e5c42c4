#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test, both kernels: devices are found and named, the compatibility matrix says what the
# kernel sources say for each pair, the import test measures PRIME imports into vkms and vgem
# (and framebuffers on vkms) from the heaps (the reference heap too), udmabuf and DRM dumb
# buffers; SIGINT mid-import leaves no buffer behind; a device that disappears mid-run fails
# only its item.
BIN=$1
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")

cat >guest.sh <<'GUEST'
bin=$1
live() { awk '/^Total [0-9]+ objects/ { print $2 }' /sys/kernel/debug/dma_buf/bufinfo; }
"$bin" list >list.txt
echo "rc-list=$?"
"$bin" list --matrix --json >matrix.json
echo "rc-matrix=$?"
"$bin" list --matrix --heaps system,reserved,udmabuf --devices 'vivid*' >matrix.txt
echo "rc-matrix-text=$?"
"$bin" run --tests import --devices vkms,vgem \
	--heaps 'system,reserved,memory@*-contiguous,udmabuf,drm-dumb*,memfd' \
	--sizes 1M,8M --iterations 10 --warmup 1 --csv import.csv --table none
echo "rc-import=$?"
echo "left-import=$(live)"
"$bin" run --tests import --devices vkms --heaps system,reserved --sizes 8M --duration 20 \
	--table none &
pid=$!
sleep 4
echo "live-int=$(live)"
kill -INT $pid
wait $pid
echo "rc-int=$?"
echo "left-int=$(live)"
# --geometry: a whole picture is the size of every source and the picture of the sources that
# make pictures (and of their framebuffer on vkms); a width alone leaves the height to the size;
# a picture a source cannot make is a skip saying why.
"$bin" run --tests alloc,import --devices vkms --heaps 'system,drm-dumb:vkms,v4l2-mmap:vivid-000-vid-cap' \
	--geometry 640x480@XR24 --iterations 5 --warmup 1 --csv geom.csv --table none
echo "rc-geom=$?"
"$bin" run --tests alloc --heaps 'drm-dumb:vkms,v4l2-mmap:vivid-000-vid-cap' --geometry 1280 \
	--sizes 1M --iterations 5 --csv geomw.csv --table none
echo "rc-geomw=$?"
"$bin" run --tests alloc --heaps 'drm-dumb:vkms,v4l2-mmap:vivid-000-vid-cap' \
	--geometry 100x100@NV12 --iterations 5 --table none 2>geomskip.err
echo "rc-geomskip=$?"
# A device that disappears mid-run (vivid unbound while the import test streams from it): that
# item fails with one line (a failed item writes no rows), the next test still runs, nothing is
# left. Last: vivid stays gone.
"$bin" run --tests import,alloc --devices vivid-000-vid-cap --heaps system --sizes 1M \
	--duration 6 --warmup 0 --csv gone.csv --table none 2>gone.err &
pid=$!
sleep 3
echo vivid.0 >/sys/bus/platform/drivers/vivid/unbind
wait $pid
echo "rc-gone=$?"
echo "left-gone=$(live)"
GUEST

for k in 6.12 6.1; do
	# shellcheck disable=SC2034,SC2054 # LAB_OPTS is read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k" --with-ref-heap --kernel-arg vivid.n_devs=2
		--kernel-arg vivid.allocators=0,1)
	rm -f list.txt matrix.json matrix.txt import.csv gone.csv gone.err geom.csv geomw.csv geomskip.err
	guest sh ./guest.sh "$BIN"
	expect_rc "$k: the guest script ran" 0
	expect_out "$k: list exits 0" stdout '^rc-list=0$'
	expect_out "$k: vkms found, KMS and PRIME import" list.txt \
		'^  vkms +drm +/dev/dri/card[0-9]+ +vkms +kms, prime-import, prime-export, dumb'
	expect_out "$k: vgem found, PRIME import, no KMS" list.txt \
		'^  vgem +drm +/dev/dri/card[0-9]+ +vgem +prime-import'
	expect_out "$k: vivid capture named after its node, DMABUF queue" list.txt \
		'^  vivid-000-vid-cap +v4l2 +/dev/video[0-9]+ +vivid +capture, .*dmabuf-import'
	expect_out "$k: the vicodec decoder found, m2m" list.txt \
		'^  vicodec-stateful-decoder +v4l2 .* capture, output, m2m'
	expect_out "$k: drm-dumb is a source" list.txt '^drm-dumb:vkms +drm-dumb +/dev/dri/card'
	expect_out "$k: list --matrix exits 0" stdout '^rc-matrix=0$'
	if python3 "$HERE/check_matrix.py" matrix.json "$k" >matrix.check; then
		pass "$k: the matrix agrees with the kernel sources ($(grep -c '^ok' matrix.check) pairs)"
	else
		fail "$k: the matrix agrees with the kernel sources" "$(grep -v '^ok' matrix.check)"
	fi
	expect_out "$k: the text matrix explains a refusal" matrix.txt \
		'^  udmabuf -> vivid-001-vid-cap/capture: refused: VIDIOC_QBUF: Bad address \(EFAULT\).*contiguous'
	expect_out "$k: import exits 0" stdout '^rc-import=0$'
	for src in system reserved memory@40000000-contiguous udmabuf drm-dumb:vkms; do
		for dev in vkms vgem; do
			expect_out "$k: $src into $dev: first and cached PRIME import rows" import.csv \
				",import,$src,[a-z-]+,8388608,prime_import_latency,device=$dev;(geom=[0-9x]+@XR24;)?import=cached,"
		done
		expect_out "$k: $src into vkms: ADDFB2 row" import.csv \
			",import,$src,[a-z-]+,8388608,addfb_latency,device=vkms;(geom=[0-9x]+@XR24;)?format=XRGB8888,"
	done
	expect_out "$k: per-import page faults and task-clock (counter rows)" import.csv \
		',import,system,dma-heap,8388608,prime_import_latency.task-clock,device=vkms;import=first,'
	if grep -q ',addfb_latency,device=vgem' import.csv; then
		fail "$k: no framebuffer on vgem (no KMS)"
	else
		pass "$k: no framebuffer on vgem (no KMS)"
	fi
	expect_out "$k: memfd skipped, not a dma-buf" stderr '^skip: import on memfd into vkms: not a dma-buf'
	expect_out "$k: nothing left after the import run" stdout '^left-import=0$'
	expect_out "$k: buffers live before SIGINT" stdout '^live-int=[1-9]'
	expect_out "$k: SIGINT mid-import: exit 130" stdout '^rc-int=130$'
	expect_out "$k: SIGINT mid-import: nothing left" stdout '^left-int=0$'
	expect_out "$k: --geometry 640x480@XR24 exits 0" stdout '^rc-geom=0$'
	expect_out "$k: ... a heap gets the picture's bytes, no picture in its row" geom.csv \
		',alloc,system,dma-heap,1228800,alloc_latency,,'
	for src in drm-dumb:vkms v4l2-mmap:vivid-000-vid-cap; do
		expect_out "$k: ... $src makes the picture and its rows say so" geom.csv \
			",alloc,$src,[a-z0-9-]+,1228800,alloc_latency,geom=640x480@XR24,"
		expect_out "$k: ... $src's picture is the framebuffer on vkms" geom.csv \
			",import,$src,[a-z0-9-]+,1228800,addfb_latency,device=vkms;geom=640x480@XR24;format=XRGB8888,"
	done
	expect_out "$k: --geometry 1280 exits 0" stdout '^rc-geomw=0$'
	expect_out "$k: ... drm-dumb: 1280 pixels, the lines 1M needs" geomw.csv \
		',alloc,drm-dumb:vkms,drm-dumb,1048576,alloc_latency,geom=1280x205@XR24,'
	expect_out "$k: ... vivid: a frame 1280 pixels wide" geomw.csv \
		',alloc,v4l2-mmap:vivid-000-vid-cap,v4l2-mmap,1048576,alloc_latency,geom=1280x[0-9]+@XR24,'
	expect_out "$k: a picture drm-dumb cannot make is a skip with why" geomskip.err \
		'^skip: alloc on drm-dumb:vkms.*: a dumb buffer is one plane of whole bytes per pixel; NV12 is not'
	expect_out "$k: a frame vivid does not make is a skip with what it makes" geomskip.err \
		'^skip: alloc on v4l2-mmap:vivid-000-vid-cap.*(gives [0-9]+x[0-9]+@NV12 .* when asked for 100x100|offers no NV12 frames)'
	expect_out "$k: a device gone mid-run fails its item (status 1)" stdout '^rc-gone=1$'
	if [ "$(grep -c '^error: ' gone.err)" = 1 ] &&
		grep -qE '^error: import on system into vivid-000-vid-cap, size 1M: .*No such device' gone.err; then
		pass "$k: ... with one line naming the item and ENODEV"
	else
		fail "$k: ... with one line naming the item and ENODEV" "$(grep -v '^warning' gone.err)"
	fi
	expect_out "$k: ... and the next test still runs" gone.csv ',alloc,system,dma-heap,1048576,alloc_latency,'
	expect_out "$k: ... and nothing is left" stdout '^left-gone=0$'
done
finish
