#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: list and a short run over every backend and test (perf counters and a tracepoint
# included) are clean under valgrind memcheck; so are, on 6.12, list --matrix, a frag replay on
# the CMA heap and the pipelines: capture through every buffer source and GStreamer beside them
# (--peer, followed without a pidfd, as valgrind has no pidfd_open), --make-stream, decode with
# --verify and --verify-with writeback, a damaged stream failing --verify, and SIGINT
# mid-pipeline, with vivid and vicodec multiplanar. On 6.1, whose display takes the other path (a
# primary plane of the mode's size), the pipelines that reach it, with both single-planar: capture
# through every buffer source, decode with --verify, SIGINT.
BIN=$1
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")

command -v valgrind >/dev/null || {
	echo "# SKIP: valgrind is not installed (scripts/setup test)"
	exit 0
}
vg=(valgrind -q --error-exitcode=99 --leak-check=full "--errors-for-leak-kinds=definite,indirect"
	--track-fds=no)
guest "${vg[@]}" "$BIN" list
expect_rc "list under valgrind" 0
# A file left by an earlier run (maybe of another schema version) would be appended to: start anew.
rm -f vg.csv vg.json
guest "${vg[@]}" "$BIN" run --sizes 4K --iterations 2 --warmup 0 --table summary --csv vg.csv \
	--json vg.json
expect_rc "a run over every heap and test under valgrind" 0
guest "${vg[@]}" "$BIN" run --tests bogus
expect_rc "a usage error under valgrind" 2
guest "${vg[@]}" "$BIN" run --heaps system --tests alloc,map --sizes 4K --iterations 2 --warmup 0 \
	--events kmem:mm_page_alloc --table none
expect_rc "a run counting a tracepoint under valgrind" 0
guest "${vg[@]}" "$BIN" run --heaps system --tests alloc --sizes 4K --events kmem:nonesuch
expect_rc "an unknown tracepoint under valgrind" 2

# The pipelines, the compatibility matrix (every device importing every source's buffers) and a
# fragmentation replay, one boot per kernel; each command's valgrind messages go to its own .vg
# file. 'vgpipe.sh BIN GUEST_LIB all' runs every command; 'core' only the pipelines that differ
# between the kernels' displays (the rest is the same code on the same devices: a whole test
# took 407 s of a cold scripts/test, which has to fit in an hour).
cat >vgpipe.sh <<'GUEST'
bin=$1
. "$2" # live, reap, bounded, damage (guest_lib.sh)
exec 8>&1 # the output of bounded
all=$([ "$3" = all ] && echo 1)
echo "planes=$(cut -d, -f1 /sys/module/vivid/parameters/multiplanar)" \
	"$(cat /sys/module/vicodec/parameters/multiplanar)"
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
vg="$vg --track-fds=no"
if [ "$all" ]; then
	bounded 300 env VG=matrix $vg --log-file=matrix.vg "$bin" list --matrix >/dev/null 2>matrix.err
	echo "rc-matrix=$? left-matrix=$(live)"
	bounded 300 env VG=frag $vg --log-file=frag.vg "$bin" frag --workload video --region 64M --ops 300 \
		--seed 3 --heap reserved --csv vf.csv >/dev/null 2>frag.err
	echo "rc-frag=$? left-frag=$(live)"
fi
P="$vg --log-file=%q{VG}.vg $bin pipeline --display vkms --size 640x480"
bounded 300 env VG=capture $P --source capture:vivid-000-vid-cap --frames 6 --warmup 1 --csv vc.csv --table none \
	--heap system,reserved,drm-dumb:vkms,v4l2-mmap:vivid-000-vid-cap \
	${all:+--peer gstreamer} 2>capture.err
echo "rc-capture=$? left-capture=$(live)"
# The stream is made under valgrind where every command is ('all'), plainly otherwise.
VG=make ${all:+$vg --log-file=make.vg} "$bin" pipeline --make-stream vs.fwht --size 640x480 \
	--frames 6 >/dev/null 2>make.err
echo "rc-make=$?"
bounded 120 env VG=verify $P --source decoder:vs.fwht --heap system,reserved --frames 6 --verify \
	--csv vv.csv --table none 2>verify.err
echo "rc-verify=$?"
if [ "$all" ]; then
	bounded 300 env VG=writeback $P --source decoder:vs.fwht --heap system --frames 4 --verify-with writeback \
		--peer gstreamer --csv vw.csv --table none 2>writeback.err
	echo "rc-writeback=$?"
	# Frame 1's data damaged (its header intact): --verify fails on it.
	damage vs.fwht vd.fwht 144
	cp vs.fwht.ref vd.fwht.ref
	bounded 300 env VG=damaged $P --source decoder:vd.fwht --heap system --frames 6 --verify --table none \
		2>damaged.err
	echo "rc-damaged=$? left-damaged=$(live)"
fi
# SIGINT once the frames run: valgrind catches every signal itself, so wait for the buffers
# (the tool's handler is in before it allocates), then 3 s.
VG=sigint $P --source capture:vivid-000-vid-cap --heap system --frames 100000 --csv vi.csv \
	--table none 2>sigint.err &
pid=$!
i=0
while [ $i -lt 300 ] && [ "$(live)" = 0 ]; do
	sleep 0.2
	i=$((i + 1))
done
sleep 3
kill -INT $pid
reap $pid
echo "rc-sigint=$? left-sigint=$(live)"
GUEST

for k in 6.12 6.1; do
	# shellcheck disable=SC2034 # LAB_OPTS is read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k")
	which=core
	# On 6.12 vivid and vicodec are multiplanar: the capture node through libv4l2's mplane
	# plugin, the codec's queues the tool's own multiplanar code; on 6.1 both single-planar.
	[ "$k" = 6.12 ] && which=all &&
		LAB_OPTS+=(--kernel-arg vivid.multiplanar=2 --kernel-arg vicodec.multiplanar=1)
	rm -f ./*.vg ./*.vgf ./*.err vs.fwht vs.fwht.ref vd.fwht vd.fwht.ref vc.csv vv.csv vw.csv vi.csv vf.csv
	guest sh ./vgpipe.sh "$BIN" "$(cd "$HERE" && pwd)/guest_lib.sh" "$which"
	expect_rc "$k: the pipelines' guest script ran" 0
	# vivid's multiplanar=2 and vicodec's multiplanar=Y: multiplanar (1 and N: single-planar).
	if [ "$k" = 6.12 ]; then
		expect_out "$k: vivid and vicodec multiplanar" stdout '^planes=2 Y$'
	else
		expect_out "$k: vivid and vicodec single-planar" stdout '^planes=1 N$'
	fi
	# vgcheck NAME WANT DESC: status WANT, and nothing in NAME.vg (valgrind -q writes only errors)
	# but valgrind's notes on what it lacks: the DRM master ioctls, which have no argument (the
	# tool hands the display to GStreamer and takes it back), and pidfd_open, whose absence the
	# peer's code handles (valgrind 3.19 wraps neither).
	vgcheck() {
		[ -e "$1.vg" ] && awk '/unhandled ioctl 0x641[ef] with no size/ { skip = 2; next }
			/unhandled amd64-linux syscall: 434$/ { skip = 4; next }
			skip > 0 { skip--; next } { print }' "$1.vg" >"$1.vgf"
		if grep -q "^rc-$1=$2\( \|\$\)" out.stdout && [ -e "$1.vgf" ] && [ ! -s "$1.vgf" ]; then
			pass "$k: $3 under valgrind (status $2, no memcheck message)"
		else
			fail "$k: $3 under valgrind (status $2, no memcheck message)" \
				"$(grep "^rc-$1=" out.stdout)" "$(head -c 2000 "$1.vgf" 2>&1)" \
				"$(head -c 600 "$1.err")"
		fi
	}
	vgcheck capture 0 "capture through system, reserved, drm-dumb and v4l2-mmap"
	expect_out "$k: ... v4l2-mmap's rows among them" vc.csv \
		',pipeline,v4l2-mmap:vivid-000-vid-cap,v4l2-mmap,1228800,fps,'
	expect_out "$k: ... nothing left after it" stdout '^rc-capture=0 left-capture=0$'
	vgcheck verify 0 "decode through system and reserved with --verify"
	expect_out "$k: ... every frame verified" vv.csv ',pipeline,reserved,dma-heap,1228800,verified_frames,.*,frames,1,6,'
	vgcheck sigint 130 "SIGINT mid-pipeline"
	expect_out "$k: ... the rows so far kept" vi.csv ',pipeline,system,dma-heap,1228800,frame_time,'
	expect_out "$k: ... nothing left after it" stdout '^rc-sigint=130 left-sigint=0$'
	if [ "$which" = core ]; then
		expect_out "$k: the stream made (not under valgrind)" stdout '^rc-make=0$'
		continue
	fi
	vgcheck matrix 0 "list --matrix"
	expect_out "$k: ... nothing left" stdout '^rc-matrix=0 left-matrix=0$'
	vgcheck frag 0 "frag replaying 300 operations on the CMA heap"
	expect_out "$k: ... its rows" vf.csv ',1,reserved,,[0-9]+,'
	expect_out "$k: ... nothing left" stdout '^rc-frag=0 left-frag=0$'
	expect_out "$k: GStreamer's capture rows beside the sources', followed without a pidfd" vc.csv \
		',pipeline,gstreamer,gstreamer,1228800,fps,'
	vgcheck make 0 "--make-stream"
	vgcheck writeback 0 "--verify-with writeback"
	expect_out "$k: ... every frame verified" vw.csv ',pipeline,system,dma-heap,1228800,verified_frames,.*,frames,1,4,'
	expect_out "$k: ... GStreamer's decode beside it" vw.csv ',pipeline,gstreamer,gstreamer,1228800,fps,'
	vgcheck damaged 1 "a damaged stream failing --verify"
	expect_out "$k: ... nothing left after it" stdout '^rc-damaged=1 left-damaged=0$'
done
finish
