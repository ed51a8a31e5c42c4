#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test, both kernels: vivid -> vkms through system, CMA (reserved) and drm-dumb buffers side
# by side, every frame measured, nothing mapped by the CPU; v4l2-mmap, udmabuf (refused on 6.1)
# and memfd (not a dma-buf); SIGINT and SIGTERM mid-pipeline leave no buffer and the display as
# it was; a display held by another pipeline, a leased display without a primary plane and bad
# input end with one line; a leased display (--display fd:N) with one shows the frames. The decoder
# source: a stream made with vicodec's encoder (--make-stream), decoded into the same sources;
# SIGINT mid-decode and mid-making; streams that are not FWHT, cut short or damaged; --verify
# against the stream's reference decode, and a stream with one frame damaged failing it; the same
# through vkms's writeback connector (--verify-with writeback), SIGINT included, and refused on a
# vkms booted without one (vkms.enable_writeback=0).
# GStreamer beside the sources (--peer gstreamer) on the capture and the decoder pipelines. A
# multiplanar capture node (vivid's second instance) through libv4l2's stock mplane plugin: its
# own buffers export, and nothing of the plugin's reaches stdout.
BIN=$1
SCHEMA=$2
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")
FRAMES=60

cat >guest.sh <<'GUEST'
bin=$1 frames=$2
. "$3" # live, caught, reap, damage (guest_lib.sh)
exec 8>&1 # the output of bounded (guest_lib.sh)
vk=$(dirname "$(grep -l '^vkms' /sys/kernel/debug/dri/[0-9]*/name | head -1)")
card=/dev/dri/card$(basename "$vk") # its node: debugfs names the directory after the minor
# What the display shows: the planes' CRTC, framebuffer and position, the CRTC's mode.
state() {
	grep -E '^(plane|crtc|connector)|^	(crtc=|fb=|crtc-pos=|src-pos=|enable=|active=|mode:)' \
		"$vk/state"
}
# The reference: what any client leaves (the kernel gives the display back to the console,
# fbdev's lastclose, when the card's last descriptor closes).
"$bin" list >/dev/null
state >state.before
P="$bin pipeline --display vkms --size 640x480"
bounded 120 $P --source capture:vivid-000-vid-cap --heap system,reserved,drm-dumb:vkms --buffers 4 \
	--frames "$frames" --warmup 4 --peer gstreamer --csv p.csv --json p.json --samples p.samples \
	--table summary >main.out 2>main.err
echo "rc-main=$?"
echo "left-main=$(live)"
state >state.main
bounded 120 $P --heap 'udmabuf,v4l2-mmap:vivid-000-vid-cap,memfd' --frames 8 --warmup 1 --csv o.csv \
	--table none 2>other.err
echo "rc-other=$?"
bounded 120 $P --heap memfd 2>memfd.err
echo "rc-memfd=$?"
# vivid's second instance is multiplanar (vivid.multiplanar=1,2), which libv4l2's stock plugin,
# libv4l-mplane, shows as single-planar: what it prints stays off stdout (the table, the CSV
# given "-"), and the node's own buffers export (v4l2-mmap, VIDIOC_EXPBUF).
# The plugin of the guest's own architecture (the machine may have other multiarch copies).
echo "mplane-plugin=$(ls "/usr/lib/$(uname -m)-linux-gnu/libv4l/plugins/libv4l-mplane.so" 2>/dev/null)"
"$bin" list >mplist.out 2>mplist.err
echo "rc-mplist=$? noise-mplist=$(grep -c '^Using mplane' mplist.out)"
bounded 120 $P --source capture:vivid-001-vid-cap --heap system,v4l2-mmap:vivid-001-vid-cap --frames 8 \
	--warmup 1 --csv - --table none >mp.csv 2>mp.err
echo "rc-mp=$? left-mp=$(live)"
# --no-fences: the same frames with no sync_file exported (strace counts the dma-buf ioctl,
# named or as its number 0x62 0x2) and no out-fence; rows of their own (fences=none).
for f in fences no-fences; do
	opt=
	[ "$f" = fences ] || opt=--no-fences
	bounded 120 strace -f -e trace=ioctl -o "st-$f.txt" $P --heap system --frames 8 --warmup 1 $opt \
		--csv "$f.csv" --table none 2>"$f.err"
	echo "rc-$f=$?"
	echo "exports-$f=$(grep -cE 'EXPORT_SYNC_FILE|_IOC\(_IOC_READ\|_IOC_WRITE, 0x62, 0x2, ' "st-$f.txt")"
done
echo "left-fences=$(live)"
# The peer without GStreamer on the PATH: a skip, the sources' rows as ever.
bounded 120 env PATH=/nonexistent $P --heap system --frames 4 --warmup 1 --peer gstreamer --csv nopeer.csv \
	--table none 2>nopeer.err
echo "rc-nopeer=$?"
# A pipeline stopped by SIGINT; meanwhile another one finds the display taken. A descriptor
# of the card held open past the pipeline's exit keeps the console away: the state after it
# is what the pipeline restored itself.
$P --heap reserved --frames 100000 --table none --csv int.csv 2>int.err &
pid=$!
caught $pid
# ... and until its frames reach the display (a framebuffer not the one before), so that rows
# exist when the signal comes, however slow the host (a fixed wait once fell short beside a build).
i=0
while [ $i -lt 150 ] && [ "$(grep 'fb=' state.before)" = "$(state | grep 'fb=')" ]; do
	sleep 0.2
	i=$((i + 1))
done
sleep 2
exec 7<"$card"
echo "live-int=$(live)"
bounded 120 $P --source capture:vivid-001-vid-cap --frames 5 --table none 2>busy.err
echo "rc-busy=$?"
kill -INT $pid
reap $pid
echo "rc-int=$?"
echo "left-int=$(live)"
state >state.int
exec 7<&-
$P --heap drm-dumb:vkms --frames 100000 --table none 2>term.err &
pid=$!
caught $pid
kill -TERM $pid
reap $pid
echo "rc-term=$?"
echo "left-term=$(live)"
# A lease of the display (DRM_IOCTL_MODE_CREATE_LEASE, bench/tests/lab/leasehold.c) given as
# --display fd:3: with the CRTC's primary plane the frames go through it; with the cursor plane
# only, the display has no plane the pipeline can use.
lh=$(dirname "$bin")/leasehold
L="$bin pipeline --display fd:3 --size 640x480 --heap system --frames 8 --warmup 1 --table none"
bounded 120 "$lh" "$card" primary $L --csv lease.csv 2>lease.err
echo "rc-lease=$?"
bounded 120 "$lh" "$card" cursor $L --csv noplane.csv 2>noplane.err
echo "rc-noplane=$? lines-noplane=$(wc -l <noplane.err) files-noplane=$(ls | grep -c '^noplane\.csv')"
echo "left-lease=$(live)"
state >state.lease
# The decoder source: a stream of vivid's frames made with vicodec's encoder, decoded by its
# stateful decoder into each source's buffers; SIGINT mid-decode and mid-making.
bounded 120 "$bin" pipeline --make-stream s.fwht --size 640x480 --frames 24 >make.out 2>make.err
echo "rc-make=$?"
bounded 120 $P --source decoder:s.fwht --heap system,reserved,drm-dumb:vkms --buffers 4 --frames "$frames" \
	--warmup 4 --peer gstreamer --csv d.csv --json d.json --samples d.samples --table summary >dec.out 2>dec.err
echo "rc-dec=$?"
echo "left-dec=$(live)"
# --verify: every frame shown against the reference decode; then the stream with one frame's
# data damaged (its header intact), against the good stream's reference.
bounded 120 $P --source decoder:s.fwht --heap system,reserved --frames 30 --verify --csv v.csv \
	--table none 2>ver.err
echo "rc-ver=$?"
damage s.fwht c.fwht 144
cp s.fwht.ref c.fwht.ref
bounded 120 $P --source decoder:c.fwht --heap system --frames 30 --verify --table none 2>vercorrupt.err
echo "rc-vercorrupt=$? lines-vercorrupt=$(wc -l <vercorrupt.err)"
echo "left-ver=$(live)"
# --verify-with writeback: every frame read back through vkms's writeback connector, the same
# sources in the same boot as --verify's above; the damaged stream; SIGINT mid-run with a
# descriptor of the card held (the console stays away: the state is what the tool restored).
fbs() { grep -c '^framebuffer\[' "$vk/framebuffer"; }
echo "fbs-before-wb=$(fbs)"
bounded 120 $P --source decoder:s.fwht --heap system,reserved --frames 30 --verify-with writeback --csv w.csv \
	--table none 2>wb.err
echo "rc-wb=$?"
echo "left-wb=$(live) fbs-wb=$(fbs)"
state >state.wb
bounded 120 $P --source decoder:c.fwht --heap system --frames 30 --verify-with writeback --table none \
	2>wbcorrupt.err
echo "rc-wbcorrupt=$? lines-wbcorrupt=$(wc -l <wbcorrupt.err)"
# The damaged stream's frame 1 often fails as the decoder's error flag before any CRC: a
# reference with frame 1's CRC changed makes the read-back's own comparison fail.
cp s.fwht r.fwht
sed 's/^1 0x.*/1 0x00c0ffee/' s.fwht.ref >r.fwht.ref
bounded 120 $P --source decoder:r.fwht --heap system --frames 30 --verify-with writeback --table none \
	2>wbref.err
echo "rc-wbref=$?"
$P --source decoder:s.fwht --heap system --frames 100000 --verify-with writeback --table none \
	2>wbint.err &
pid=$!
caught $pid
exec 7<"$card"
kill -INT $pid
reap $pid
echo "rc-wbint=$?"
echo "left-wbint=$(live) fbs-wbint=$(fbs)"
state >state.wbint
exec 7<&-
$P --source decoder:s.fwht --heap system --frames 100000 --table none 2>decint.err &
pid=$!
caught $pid
kill -INT $pid
reap $pid
echo "rc-decint=$?"
echo "left-decint=$(live)"
"$bin" pipeline --make-stream int.fwht --size 640x480 --frames 100000 2>makeint.err &
pid=$!
caught $pid
kill -INT $pid
reap $pid
echo "rc-makeint=$? files-makeint=$(ls -a | grep -c 'int\.fwht')"
# Streams that are not FWHT, cut short, damaged mid-way; sizes the encoder or display refuse.
printf 'not a stream\n' >junk.fwht
head -c 30000 s.fwht >cut.fwht
damage s.fwht bad.fwht 0
bounded 120 "$bin" pipeline --make-stream s360.fwht --size 640x360 --frames 2 >/dev/null 2>&1
echo "rc-make360=$?"
# Bad input that needs the devices: status 2, one line.
bad() {
	name=$1
	shift
	bounded 60 "$bin" pipeline --frames 1 "$@" >/dev/null 2>"bad-$name.err"
	echo "rc-bad-$name=$? lines-bad-$name=$(wc -l <"bad-$name.err")"
}
bad nomode --size 1000x700
bad nosize --size 1024x768
bad vgem --display vgem
bad m2m --source capture:vicodec-stateful-decoder
bad output --source capture:vivid-000-vid-out
bad two --source capture:vivid
bad junk --source decoder:junk.fwht
bad cut --source decoder:cut.fwht
bad damaged --source decoder:bad.fwht
bad nodecmode --source decoder:s360.fwht
bad encsize --make-stream small.fwht --size 320x180
cp s.fwht short.fwht
grep -v '^#' s.fwht.ref | head -3 >short.fwht.ref
bad refcount --source decoder:short.fwht --verify
bad verifyeq --source decoder:s.fwht --verify=writeback
bad verifywith --source decoder:s.fwht --verify-with bogus
bad wbcapture --source capture:vivid-000-vid-cap --verify-with writeback
echo "left-end=$(live)"
GUEST

# The display without a writeback connector (another boot, vkms.enable_writeback=0): refused
# with one line before anything is allocated, nothing written.
cat >nowb.sh <<'GUEST'
bin=$1
"$bin" pipeline --display vkms --size 640x480 --source decoder:s.fwht --verify-with writeback \
	--frames 5 --csv nowb.csv --table none >/dev/null 2>nowb.err
echo "rc-nowb=$? lines-nowb=$(wc -l <nowb.err) files-nowb=$(ls | grep -c '^nowb\.csv')"
GUEST

# check_rows LABEL BASE NAME: BASE.csv, .json and .samples of system, reserved and drm-dumb:vkms
# against SCHEMA.md and the pipeline's promises (check_pipeline.py); their figures as comments.
check_rows() {
	if python3 "$HERE/check_pipeline.py" "$SCHEMA" "$2.csv" "$2.json" "$2.samples" "$FRAMES" \
		system reserved drm-dumb:vkms >check.out; then
		pass "$3"
		sed "s/^# /# $1: /" check.out
	else
		fail "$3" "$(cat check.out)"
	fi
}

# GST_REGISTRY (lib.sh) names gst-registry.bin here: the peer's child keeps it (checked below).
rm -f gst-registry.bin
for k in 6.12 6.1; do
	# shellcheck disable=SC2034 # LAB_OPTS is read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k" --kernel-arg vivid.n_devs=2 --kernel-arg "vivid.multiplanar=1,2")
	rm -f ./*.err ./*.out fences.csv no-fences.csv st-fences.txt st-no-fences.txt ./*.fwht ./*.ref v.csv w.csv nowb.csv nopeer.csv lease.csv noplane.csv p.csv p.json p.samples d.csv d.json d.samples o.csv int.csv \
		state.* mp.csv
	guest sh ./guest.sh "$BIN" "$FRAMES" "$(cd "$HERE" && pwd)/guest_lib.sh"
	expect_rc "$k: the guest script ran" 0
	expect_out "$k: system, reserved and drm-dumb:vkms side by side (status 0)" stdout '^rc-main=0$'
	check_rows "$k" p "$k: ... $FRAMES frames from each, every row in SCHEMA.md, 0 bytes mapped"
	expect_out "$k: ... at 640x480 XRGB8888 (XBGR32), vivid asked for the display's rate" p.csv \
		',pipeline,system,dma-heap,1228800,fps,source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@XR24;rate=[0-9.]+,fps,1,'
	expect_out "$k: ... the summary has a line per source" main.out '^  drm-dumb:vkms +60 '
	expect_out "$k: GStreamer beside them (--peer): its fps and CPU per frame, source gstreamer" p.csv \
		',pipeline,gstreamer,gstreamer,1228800,cpu_per_frame,source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@XR24;rate=[0-9.]+,ns,1,[1-9]'
	expect_out "$k: ... and its line in the summary" main.out '^  gstreamer +- +[0-9.]+ '
	[ -s gst-registry.bin ] && pass "$k: ... its plugin registry the one GST_REGISTRY names" ||
		fail "$k: ... its plugin registry the one GST_REGISTRY names" "no $PWD/gst-registry.bin"
	if grep -q 'GStreamer.s CPU time from /proc/PID/stat' main.err; then
		fail "$k: ... its CPU time from perf's task-clock of the child (root in the lab)" "$(grep -m1 PID/stat main.err)"
	else
		pass "$k: ... its CPU time from perf's task-clock of the child (root in the lab)"
	fi
	if grep -q 'CPU per frame from the process CPU clock' main.err; then
		fail "$k: ... the tool's CPU per frame from its own task-clock, the same measure" "$(grep -m1 'process CPU clock' main.err)"
	else
		pass "$k: ... the tool's CPU per frame from its own task-clock, the same measure"
	fi
	expect_out "$k: ... nothing left" stdout '^left-main=0$'
	if cmp -s state.before state.main && cmp -s state.before state.int; then
		pass "$k: ... the display as it was, also before the console takes it back (debugfs state)"
	else
		fail "$k: ... the display as it was, also before the console takes it back (debugfs state)" \
			"$(diff state.before state.main | head -8)" "$(diff state.before state.int | head -8)"
	fi
	expect_out "$k: v4l2-mmap, udmabuf and memfd (status 0)" stdout '^rc-other=0$'
	expect_out "$k: ... v4l2-mmap's own buffers go through" o.csv \
		',pipeline,v4l2-mmap:vivid-000-vid-cap,v4l2-mmap,1228800,cpu_frame_bytes,.*,bytes,8,0,0,'
	expect_out "$k: ... memfd is a skip: not a dma-buf" other.err '^skip: pipeline on memfd: not a dma-buf$'
	if [ "$k" = 6.1 ]; then
		expect_out "$k: ... udmabuf refused by vivid (no vmap on 6.1): a skip naming the ioctl and list --matrix" \
			other.err '^skip: pipeline on udmabuf, size 1200K: VIDIOC_QBUF: EFAULT \(Bad address\) \[vivid-000-vid-cap capture XR24 640x480 from udmabuf\] \(dmaheap-bench list --matrix'
	else
		expect_out "$k: ... udmabuf goes through (vmap since 6.2)" o.csv ',pipeline,udmabuf,udmabuf,1228800,fps,'
	fi
	expect_out "$k: only memfd: nothing to run (status 3)" stdout '^rc-memfd=3$'
	expect_out "$k: libv4l-mplane is installed (libv4l-0), so the next checks meet it" stdout \
		'^mplane-plugin=/.+/libv4l-mplane\.so$'
	expect_out "$k: list with a multiplanar node: nothing of libv4l2's plugin on stdout" stdout \
		'^rc-mplist=0 noise-mplist=0$'
	expect_out "$k: capture from the multiplanar node, system and its own buffers (status 0)" stdout \
		'^rc-mp=0 left-mp=0$'
	if python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows and rows[0][0] == "schema_version", rows[:1]
assert all(len(r) == len(rows[0]) for r in rows), "a line that is not a row"
fps = {r[11] for r in rows[1:] if r[14] == "fps"}
assert fps == {"system", "v4l2-mmap:vivid-001-vid-cap"}, fps
' mp.csv; then
		pass "$k: ... its CSV on stdout (--csv -) is rows only, an fps row for each source"
	else
		fail "$k: ... its CSV on stdout (--csv -) is rows only, an fps row for each source" \
			"$(head -3 mp.csv)" "$(tail -2 mp.err)"
	fi
	expect_out "$k: --no-fences: the frames go through (status 0)" stdout '^rc-no-fences=0$'
	expect_out "$k: ... rows of their own, params ending in fences=none" no-fences.csv \
		',pipeline,system,dma-heap,1228800,fps,source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@XR24;rate=[0-9.]+;fences=none,fps,1,'
	expect_out "$k: ... no sync_file exported from a frame buffer" stdout '^exports-no-fences=0$'
	expect_out "$k: ... where the run with fences exports one a frame (9 or more)" stdout \
		'^exports-fences=([9]|[1-9][0-9]+)$'
	expect_out "$k: ... nothing left" stdout '^left-fences=0$'
	expect_out "$k: --peer gstreamer without gst-launch-1.0: the sources run (status 0)" stdout \
		'^rc-nopeer=0$'
	expect_out "$k: ... the peer a skip saying what to install" nopeer.err \
		"^skip: pipeline on gstreamer: gst-launch-1.0 is not installed: install Debian's gstreamer1.0-tools"
	expect_out "$k: ... the system source's rows" nopeer.csv ',pipeline,system,dma-heap,1228800,fps,'
	expect_out "$k: ... with one line" memfd.err '^skip: pipeline on memfd: not a dma-buf$'
	expect_out "$k: buffers live mid-pipeline" stdout '^live-int=[1-9]'
	expect_out "$k: a display held by another pipeline: status 1" stdout '^rc-busy=1$'
	if [ "$(wc -l <busy.err)" = 1 ] && grep -q 'vkms: another client holds DRM master' busy.err; then
		pass "$k: ... with one line ($(cat busy.err))"
	else
		fail "$k: ... with one line" "$(cat busy.err)"
	fi
	expect_out "$k: SIGINT mid-pipeline: status 130" stdout '^rc-int=130$'
	expect_out "$k: ... nothing left" stdout '^left-int=0$'
	expect_out "$k: ... the rows so far kept" int.csv ',pipeline,reserved,dma-heap,1228800,frame_time,'
	expect_out "$k: SIGTERM mid-pipeline: status 143" stdout '^rc-term=143$'
	expect_out "$k: ... nothing left" stdout '^left-term=0$'
	expect_out "$k: a lease of the display with its primary plane, --display fd:3 (status 0)" stdout \
		'^rc-lease=0$'
	expect_out "$k: ... the frames went through it" lease.csv \
		',pipeline,system,dma-heap,1228800,fps,source=vivid-000-vid-cap;display=vkms-fd3;buffers=4;geom=640x480@XR24;'
	expect_out "$k: a lease with the cursor plane only: no plane to use, status 2, one line, no file" \
		stdout '^rc-noplane=2 lines-noplane=1 files-noplane=0$'
	expect_out "$k: ... saying so" noplane.err \
		'^dmaheap-bench pipeline: vkms-fd3: no free primary plane of CRTC [0-9]+ that scans out XR24$'
	expect_out "$k: ... nothing left" stdout '^left-lease=0$'
	if cmp -s state.before state.lease; then
		pass "$k: ... the display as it was (debugfs state)"
	else
		fail "$k: ... the display after the leases" "$(diff state.before state.lease | head -8)"
	fi
	for c in "nomode:vkms has no 1000x700 mode \(it has 1024x768" \
		"nosize:vivid-000-vid-cap gives [0-9]+x[0-9]+ when asked for 1024x768 XBGR32" \
		"vgem:--display vgem: vgem has no KMS" \
		"m2m:--source capture:vicodec-stateful-decoder: .* is memory to memory" \
		"output:--source capture:vivid-000-vid-out: .* has no video capture queue" \
		"two:--source capture:vivid: selects 2 devices \(vivid-000-vid-cap, vivid-001-vid-cap\)"; do
		name=${c%%:*}
		expect_out "$k: bad input ($name): status 2, one line" stdout "^rc-bad-$name=2 lines-bad-$name=1$"
		expect_out "$k: ... saying why" "bad-$name.err" "^dmaheap-bench pipeline: ${c#*:}"
	done
	expect_out "$k: --make-stream: vivid's frames through vicodec's encoder (status 0)" stdout '^rc-make=0$'
	expect_out "$k: ... says what it made" make.out \
		'^s.fwht: 24 frames 640x480 XBGR32 from vivid-000-vid-cap, FWHT by vicodec-stateful-encoder, [0-9]+ bytes; its reference decode by vicodec-stateful-decoder in s.fwht.ref$'
	expect_out "$k: decoder:s.fwht through system, reserved and drm-dumb:vkms (status 0)" stdout '^rc-dec=0$'
	check_rows "$k: decoder" d "$k: ... $FRAMES decoded frames from each, 0 bytes mapped"
	expect_out "$k: ... GStreamer beside them: multifilesrc ! v4l2fwhtdec ! kmssink (--peer)" d.csv \
		',pipeline,gstreamer,gstreamer,1228800,fps,source=vicodec-stateful-decoder;display=vkms;buffers=4;geom=640x480@XR24,fps,1,'
	expect_out "$k: ... decode_latency rows, no rate" d.csv \
		',pipeline,system,dma-heap,1228800,decode_latency,source=vicodec-stateful-decoder;display=vkms;buffers=4;geom=640x480@XR24,ns,'
	expect_out "$k: ... nothing left" stdout '^left-dec=0$'
	expect_out "$k: --verify: every frame shown matches the reference decode (status 0)" stdout '^rc-ver=0$'
	expect_out "$k: ... verified_frames rows, all 30" v.csv \
		',pipeline,reserved,dma-heap,1228800,verified_frames,.*,frames,1,30,'
	expect_out "$k: --verify on a stream with frame 1 damaged: status 1" stdout '^rc-vercorrupt=1 '
	expect_out "$k: ... naming frame 1 and both CRCs, or the decoder's error flag on it" vercorrupt.err \
		'^error: pipeline on system, size 1200K: --verify: stream frame 1 \(frame 1 decoded\) (shown with CRC 0x[0-9a-f]{8}, its reference decode.s is 0x[0-9a-f]{8}|not shown: vicodec-stateful-decoder flagged its decode as broken \(V4L2_BUF_FLAG_ERROR\))$'
	expect_out "$k: ... nothing left" stdout '^left-ver=0$'
	expect_out "$k: --verify-with writeback: every frame read back matches (status 0)" stdout '^rc-wb=0$'
	for src in system reserved; do
		expect_out "$k: ... $src: verified_frames, all 30" w.csv \
			",pipeline,$src,dma-heap,1228800,verified_frames,.*,frames,1,30,"
		expect_out "$k: ... $src: writeback_read_bytes, 640x480x4 a frame" w.csv \
			",pipeline,$src,dma-heap,1228800,writeback_read_bytes,.*,bytes,30,1228800,1228800,"
		expect_out "$k: ... $src: cpu_frame_bytes still 0 (the read-back is no frame buffer)" w.csv \
			",pipeline,$src,dma-heap,1228800,cpu_frame_bytes,.*,bytes,30,0,0,"
	done
	# fps_of FILE SOURCE: the source's fps (its p50; params hold no comma, other cells may)
	fps_of() { sed -nE "s/.*,pipeline,$2,dma-heap,[0-9]+,fps,[^,]*,fps,1,[^,]*,([^,]*),.*/\1/p" "$1"; }
	echo "# $k: fps with --verify (crc) / --verify-with writeback, 30 frames each, same boot:" \
		"system $(fps_of v.csv system) / $(fps_of w.csv system)," \
		"reserved $(fps_of v.csv reserved) / $(fps_of w.csv reserved)"
	expect_out "$k: ... nothing left, no framebuffer left" stdout '^left-wb=0 fbs-wb=[0-9]+$'
	if [ "$(sed -n 's/^fbs-before-wb=//p' out.stdout)" = "$(sed -n 's/^left-wb=0 fbs-wb=//p' out.stdout)" ] &&
		cmp -s state.before state.wb; then
		pass "$k: ... the framebuffers as before, the writeback connector off the CRTC (debugfs)"
	else
		fail "$k: ... framebuffers or display state differ" "$(grep fbs out.stdout)" \
			"$(diff state.before state.wb | head -8)"
	fi
	expect_out "$k: --verify-with writeback on the stream with frame 1 damaged: status 1" stdout \
		'^rc-wbcorrupt=1 '
	expect_out "$k: ... naming frame 1 and both CRCs, or the decoder's error flag on it" wbcorrupt.err \
		'^error: pipeline on system, size 1200K: --verify: stream frame 1 \(frame 1 decoded\) (written back with CRC 0x[0-9a-f]{8}, its reference decode.s is 0x[0-9a-f]{8}|not shown: vicodec-stateful-decoder flagged its decode as broken \(V4L2_BUF_FLAG_ERROR\))$'
	expect_out "$k: --verify-with writeback against a reference with frame 1's CRC changed: status 1" \
		stdout '^rc-wbref=1$'
	expect_out "$k: ... naming frame 1, the CRC read back and the reference's" wbref.err \
		'^error: pipeline on system, size 1200K: --verify: stream frame 1 \(frame 1 decoded\) written back with CRC 0x[0-9a-f]{8}, its reference decode.s is 0x00c0ffee$'
	expect_out "$k: SIGINT mid-run with writeback: status 130" stdout '^rc-wbint=130$'
	expect_out "$k: ... nothing left" stdout '^left-wbint=0 '
	if cmp -s state.before state.wbint; then
		pass "$k: ... the display as it was, the writeback connector off the CRTC (debugfs state)"
	else
		fail "$k: ... the display after SIGINT" "$(diff state.before state.wbint | head -8)"
	fi
	expect_out "$k: SIGINT mid-decode: status 130" stdout '^rc-decint=130$'
	expect_out "$k: ... nothing left" stdout '^left-decint=0$'
	expect_out "$k: SIGINT while making a stream: status 130, no file, no temporary" stdout \
		'^rc-makeint=130 files-makeint=0$'
	expect_out "$k: ... one line" makeint.err '^dmaheap-bench pipeline: stopped by signal 2; no stream written$'
	expect_out "$k: a 640x360 stream made" stdout '^rc-make360=0$'
	for c in "junk:junk.fwht: not an FWHT stream" \
		"cut:cut.fwht: truncated: frame [0-9]+ at byte [0-9]+ needs [0-9]+ bytes of data" \
		"damaged:bad.fwht: no FWHT header at byte [0-9]+, where frame 1 should start" \
		"nodecmode:the stream s360.fwht is 640x360; vkms has no such mode" \
		"encsize:vicodec-stateful-encoder gives 640x360 when asked for 320x180" \
		"refcount:--verify: short.fwht.ref has 3 frames, the stream 24: not its reference" \
		"verifyeq:--verify takes no value" \
		"verifywith:--verify-with: 'bogus' is not one of crc\|writeback" \
		"wbcapture:--verify checks a decoder's frames against the stream's reference decode: a capture source has no reference"; do
		name=${c%%:*}
		expect_out "$k: bad stream or size ($name): status 2, one line" stdout \
			"^rc-bad-$name=2 lines-bad-$name=1$"
		expect_out "$k: ... saying why" "bad-$name.err" "^dmaheap-bench pipeline: ${c#*:}"
	done
	expect_out "$k: nothing left at the end" stdout '^left-end=0$'
	# shellcheck disable=SC2034 # LAB_OPTS is read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k" --kernel-arg vkms.enable_writeback=0)
	guest sh ./nowb.sh "$BIN"
	expect_rc "$k: vkms without writeback: the guest script ran" 0
	expect_out "$k: --verify-with writeback, no writeback connector: status 2, one line, no file" \
		stdout '^rc-nowb=2 lines-nowb=1 files-nowb=0$'
	expect_out "$k: ... saying so" nowb.err \
		'^dmaheap-bench pipeline: --verify-with writeback: vkms has no writeback connector for CRTC [0-9]+$'
done
finish
