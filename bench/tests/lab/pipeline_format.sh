#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test, both kernels: pipeline --format. vivid -> vkms in RG16 (V4L2's RGB565) through system,
# drm-dumb:vkms and v4l2-mmap buffers side by side, GStreamer beside them, every row checked, the
# plane scanning out RG16 mid-run (debugfs state); AR24 where vkms's primary plane has it (6.12),
# refused with one line naming the plane's formats where it does not (6.1); a YUV format refused
# on both (vkms shows no YUV), no file written; a decoder in AR24 (6.12), and refused RG16 (the
# stream is 32-bit RGB). Nothing left after any of them.
BIN=$1
SCHEMA=$2
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")
FRAMES=40

cat >guest.sh <<'GUEST'
bin=$1 frames=$2 kernel=$3
. "$4" # live, caught, reap (guest_lib.sh)
vk=$(dirname "$(grep -l '^vkms' /sys/kernel/debug/dri/[0-9]*/name | head -1)")
P="$bin pipeline --display vkms --size 640x480"
$P --source capture:vivid-000-vid-cap --format RG16 \
	--heap system,drm-dumb:vkms,v4l2-mmap:vivid-000-vid-cap --frames "$frames" --warmup 2 \
	--peer gstreamer --csv rg.csv --json rg.json --samples rg.samples --table summary \
	>rg.out 2>rg.err
echo "rc-rg16=$?"
echo "left-rg16=$(live)"
# Mid-run, the display's primary plane shows a framebuffer in RG16 (vkms's atomic state).
$P --source capture:vivid-000-vid-cap --format RG16 --frames 100000 --table none 2>rgint.err &
pid=$!
caught $pid
echo "planes-rg16=$(grep -c 'format=RG16' "$vk/state")"
kill -INT $pid
reap $pid
echo "rc-rg16int=$? left-rg16int=$(live)"
$P --source capture:vivid-000-vid-cap --format AR24 --heap system --frames "$frames" \
	--csv ar.csv --table none 2>ar.err
echo "rc-ar24=$? lines-ar24=$(wc -l <ar.err) files-ar24=$(ls | grep -c '^ar\.csv$')"
$P --source capture:vivid-000-vid-cap --format YUYV --heap system --frames "$frames" \
	--csv yuv.csv --table none 2>yuv.err
echo "rc-yuyv=$? lines-yuyv=$(wc -l <yuv.err) files-yuyv=$(ls | grep -c '^yuv\.csv$')"
"$bin" pipeline --make-stream s.fwht --size 640x480 --frames 12 >make.out 2>make.err
echo "rc-make=$?"
$P --source decoder:s.fwht --format AR24 --heap system --frames "$frames" --csv dec.csv \
	--table none 2>dec.err
echo "rc-decar24=$? lines-decar24=$(wc -l <dec.err)"
$P --source decoder:s.fwht --format RG16 --heap system --frames "$frames" --csv decrg.csv \
	--table none 2>decrg.err
echo "rc-decrg16=$? lines-decrg16=$(wc -l <decrg.err) files-decrg16=$(ls | grep -c '^decrg\.csv$')"
echo "left-end=$(live)"
GUEST

for k in 6.12 6.1; do
	# shellcheck disable=SC2034 # LAB_OPTS is read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k")
	rm -f ./*.err ./*.out ./*.csv ./*.json ./*.samples ./*.fwht ./*.ref
	guest sh ./guest.sh "$BIN" "$FRAMES" "$k" "$(cd "$HERE" && pwd)/guest_lib.sh"
	expect_rc "$k: the guest script ran" 0
	expect_out "$k: --format RG16 through system, drm-dumb:vkms and v4l2-mmap (status 0)" stdout \
		'^rc-rg16=0$'
	if python3 "$HERE/check_pipeline.py" "$SCHEMA" rg.csv rg.json rg.samples "$FRAMES" \
		system drm-dumb:vkms v4l2-mmap:vivid-000-vid-cap >check.out; then
		pass "$k: ... $FRAMES frames from each, every row in SCHEMA.md, 0 bytes mapped"
		sed "s/^# /# $k: RG16: /" check.out
	else
		fail "$k: ... $FRAMES frames from each, every row in SCHEMA.md, 0 bytes mapped" \
			"$(cat check.out)"
	fi
	for src in 'system,dma-heap' 'drm-dumb:vkms,drm-dumb' 'v4l2-mmap:vivid-000-vid-cap,v4l2-mmap'; do
		expect_out "$k: ... ${src%%,*}: 640x480x2 bytes a frame, geom=640x480@RG16" rg.csv \
			",pipeline,$src,614400,fps,source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@RG16;rate=[0-9.]+,fps,1,"
	done
	expect_out "$k: ... GStreamer beside them in the same format (caps format=RGB16)" rg.csv \
		',pipeline,gstreamer,gstreamer,614400,cpu_per_frame,source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@RG16;rate=[0-9.]+,ns,1,[1-9]'
	expect_out "$k: ... nothing left" stdout '^left-rg16=0$'
	expect_out "$k: ... mid-run, the primary plane scans out an RG16 framebuffer" stdout \
		'^planes-rg16=[1-9]'
	expect_out "$k: ... SIGINT: status 130, nothing left" stdout '^rc-rg16int=130 left-rg16int=0$'
	if [ "$k" = 6.12 ]; then
		expect_out "$k: --format AR24: 6.12's vkms scans it out (status 0)" stdout \
			'^rc-ar24=0 lines-ar24=[0-9]+ files-ar24=1$'
		expect_out "$k: ... rows in AR24, 640x480x4 bytes a frame" ar.csv \
			',pipeline,system,dma-heap,1228800,cpu_frame_bytes,source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@AR24;rate=[0-9.]+,bytes,40,0,0,'
		expect_out "$k: a decoder in AR24 (V4L2 ABGR32) (status 0)" stdout \
			'^rc-decar24=0 '
		expect_out "$k: ... its rows" dec.csv \
			',pipeline,system,dma-heap,1228800,decode_latency,source=vicodec-stateful-decoder;display=vkms;buffers=4;geom=640x480@AR24,ns,[0-9]+,'
	else
		expect_out "$k: --format AR24: not on 6.1's vkms primary plane: status 2, one line, no file" \
			stdout '^rc-ar24=2 lines-ar24=1 files-ar24=0$'
		expect_out "$k: ... naming the formats the plane has" ar.err \
			'^dmaheap-bench pipeline: vkms: no free primary plane of CRTC [0-9]+ that scans out AR24 \(its primary plane.s formats: XR24, XR48, RG16\)$'
		expect_out "$k: a decoder in AR24: the same refusal" stdout '^rc-decar24=2 lines-decar24=1$'
	fi
	expect_out "$k: --format YUYV: status 2, one line, no file" stdout \
		'^rc-yuyv=2 lines-yuyv=1 files-yuyv=0$'
	expect_out "$k: ... vkms shows no YUV, the plane's formats named" yuv.err \
		'^dmaheap-bench pipeline: vkms: no free primary plane of CRTC [0-9]+ that scans out YUYV, a YUV format \(its primary plane.s formats: [A-Z0-9, ]+\)$'
	expect_out "$k: a stream made" stdout '^rc-make=0$'
	expect_out "$k: a decoder in RG16: status 2, one line, no file" stdout \
		'^rc-decrg16=2 lines-decrg16=1 files-decrg16=0$'
	expect_out "$k: ... the stream is 32-bit RGB" decrg.err \
		'^dmaheap-bench pipeline: --format RG16: the stream s.fwht is 32-bit RGB, which the decoder gives in 32-bit RGB formats only \(XR24, AR24, XB24, AB24\)$'
	expect_out "$k: nothing left at the end" stdout '^left-end=0$'
done
finish
