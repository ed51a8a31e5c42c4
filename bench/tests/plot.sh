#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plot on real result files the tool makes here (the memfd baseline with --samples, frag on the
# model, compare of two repeated runs, the same run as JSON and in the store), on a hand-made
# CSV in the schema with several heaps, sync rows and pipeline rows, and on hand-made pipeline
# rows and per-frame samples (the pipeline and frames figures: a pipeline needs devices, this
# tests the plotting): every image is written, each SVG is well-formed XML with the expected
# series (one per heap) and axis labels, a heap has one colour in every figure, the PNGs are
# PNGs, the data files hold what they should, bad input is one line and status 2.
# Usage: plot.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIXTURE=$(cd "$(dirname "$0")" && pwd)/pipeline_fixture.py
cd "$OUT" || exit 1
if ! command -v gnuplot >/dev/null; then
	echo "skip - gnuplot is not installed (scripts/setup test installs gnuplot-nox)"
	exit 77
fi

# check DIR STDOUT SPEC: the images DIR holds against SPEC, a JSON object
# {"NAME": {"series": [...], "text": [...]}, ...}: each NAME.svg exists, parses, has exactly
# these series titles and every text; every image listed on STDOUT exists, as a valid SVG or
# PNG; a heap's series have one colour in every SVG, and two heaps of one figure two colours.
check() {
	python3 - "$@" <<'EOF'
import json, os, sys, xml.etree.ElementTree as ET
from collections import defaultdict
d, listed, spec = sys.argv[1], open(sys.argv[2]).read().split(), json.loads(sys.argv[3])
NS = "{http://www.w3.org/2000/svg}"
for f in listed:
    assert os.path.dirname(f) == d, f
    data = open(f, "rb").read()
    if f.endswith(".png"):
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000, f
    else:
        assert f.endswith(".svg"), f
        ET.fromstring(data)  # well-formed
colours = defaultdict(set)
for name, want in spec.items():
    path = f"{d}/{name}.svg"
    assert path in listed, f"{path} not written (written: {len(listed)} files)"
    root = ET.parse(path).getroot()
    assert root.tag == NS + "svg", root.tag
    series, own = [], {}
    for g in root.iter(NS + "g"):
        t = g.find(NS + "title")
        if not g.get("id", "").startswith("gnuplot_plot_") or t is None:
            continue
        if t.text.startswith("gnuplot_plot_"):
            continue  # a clause without a title (whiskers, tics)
        series.append(t.text)
        # Its colour: its lines' stroke, or its points' colour (a series of points only).
        lines = [e.get("stroke") for e in g.iter() if e.tag == NS + "path" and e.get("stroke")]
        points = [e.get("color") for e in g.iter() if e.tag == NS + "use" and e.get("color")]
        own[t.text] = (lines or points or [None])[0]
    assert sorted(series) == sorted(want["series"]), f"{name}: series {series}"
    # A heap's series (sync's "HEAP start" and "HEAP end", pipeline's "HEAP: its counts"), not
    # the reference lines "... (...)".
    heap = {s: s.rsplit(" ", 1)[0] if s.endswith((" start", " end")) else s.split(": ")[0]
            for s in series if not s.endswith(")")}
    assert len({own[s] for s in heap}) == len(set(heap.values())), f"{name}: colours {own}"
    for s, h in heap.items():
        colours[h].add(own[s])
    text = " ".join("".join(t.itertext()) for t in root.iter(NS + "text"))
    for w in want.get("text", []):
        assert w in text, f"{name}: no text '{w}' in: {text[:300]}"
bad = {h: c for h, c in colours.items() if len(c) != 1}
assert not bad, f"a heap in several colours: {bad}"
print(f"{len(listed)} images, {len(spec)} figures checked, {len(colours)} heaps one colour each")
EOF
}

# figures NAME DIR SPEC: the last plot succeeded, silent on stderr, its images pass check.
figures() {
	local out
	if [ "$RC" != 0 ] || [ -s "$OUT/stderr" ]; then
		fail "$1" "expected status 0 and nothing on stderr"
	elif out=$(check "$2" "$OUT/stdout" "$3" 2>&1); then
		pass "$1 ($out)"
	else
		fail "$1" "$out"
	fi
}

# --- real files, made by the tool on the memfd baseline --------------------------------------
R=(run --heaps memfd --sizes "4K,64K" --warmup 0 --events none --table none)
if ! "$BIN" "${R[@]}" --tests alloc,map,cpu --iterations 5 --csv r.csv --json r.json \
	--samples s.csv 2>/dev/null ||
	! "$BIN" frag --workload video --ops 4000 --repeat 1 --csv f.csv >/dev/null ||
	! "$BIN" "${R[@]}" --tests alloc,cpu --iterations 3 --repeat 3 --csv a.csv 2>/dev/null ||
	! "$BIN" "${R[@]}" --tests alloc,cpu --iterations 3 --repeat 3 --csv b.csv 2>/dev/null; then
	fail "fixtures: run, frag" "the tool did not make its result files"
	finish
	exit 1
fi
"$BIN" compare --format csv a.csv b.csv >c.csv
mkdir real
run "$BIN" plot --output real --format svg,png --keep-data --samples s.csv --frag f.csv \
	--compare c.csv r.csv
SIZES='"4 KiB", "64 KiB", "buffer size"'
spec=$(
	cat <<EOF
{"latency-alloc_latency": {"series": ["memfd"],
  "text": [$SIZES, "alloc: alloc_latency", "alloc_latency: p50 (points), p90 to p99 (whiskers)"]},
 "latency-unmap_latency": {"series": ["memfd"], "text": [$SIZES, "map: unmap_latency"]},
 "bandwidth-read_bw": {"series": ["memfd", "malloc (limit)"],
  "text": [$SIZES, "read_bw (MB/s, p50)"]},
 "ecdf-alloc_latency-4K": {"series": ["memfd"],
  "text": ["fraction of samples at or below", "alloc_latency", "4K buffers"]},
 "ecdf-write_bw-64K": {"series": ["memfd", "malloc"], "text": ["write_bw (MB/s)"]},
 "frag-f": {"series": ["model best-fit", "model first-fit", "model buddy",
                       "trace utilisation (live / region)"],
  "text": ["operations applied (trace order)", "external fragmentation"]},
 "ratio-alloc_latency": {"series": ["memfd"],
  "text": [$SIZES, "new / base", "from c.csv (compare --format csv)"]},
 "ratio-memcpy_bw": {"series": ["memfd", "malloc (baseline)"],
  "text": ["filled: regression or improvement"]}}
EOF
)
figures "plot of run (CSV, --samples), frag and compare files: SVG and PNG" real "$spec"
n=$(grep -c '\.svg$' "$OUT/stdout")
if [ "$n" -gt 0 ] && [ "$(find real -name '*.dat' | wc -l)" = "$n" ] &&
	[ "$(grep -c '\.png$' "$OUT/stdout")" = "$n" ]; then
	pass "--format svg,png --keep-data: an SVG, a PNG and a data file for each of $n figures"
else
	fail "--keep-data" "expected $n data files and PNGs: $(ls real | head)"
fi

# The same run read from its JSON and from the store: the same figures, the same data.
mkdir json store
"$BIN" store add --db r.db r.csv >/dev/null
run "$BIN" plot --output json --plots latency,bandwidth --keep-data r.json
rc_json=$RC
run "$BIN" plot --output store --plots latency,bandwidth --keep-data --db r.db all
same=1
for f in json/*.dat; do
	cmp -s "$f" "real/${f#json/}" && cmp -s "$f" "store/${f#json/}" || same=0
done
if [ "$rc_json" = 0 ] && [ "$RC" = 0 ] && [ "$same" = 1 ] && [ -n "$(ls json)" ]; then
	pass "plot of the run's JSON and of the store (a selector): the same data as of its CSV"
else
	fail "plot of JSON and of the store" "status $rc_json and $RC, data the same: $same"
fi

# --- several heaps, sync and pipeline rows: a CSV in the schema made from the run's rows ------
python3 - r.csv multi.csv <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
c = {n: i for i, n in enumerate(head)}
FIG = ["min", "p50", "p90", "p99", "p99_9", "max", "mean", "stddev", "mad"]
def row(src, **kw):
    r = list(src)
    scale = kw.pop("scale", 1)
    for k, v in kw.items():
        r[c[k]] = str(v)
    for k in FIG:
        if r[c[k]]:
            r[c[k]] = "%.6g" % (float(r[c[k]]) * scale)
    return r
out = [head]
mine = [r for r in body if r[c["heap"]] == "memfd" and "." not in r[c["metric"]]]
for heap, scale in [("memfd", 1), ("system", 3), ("reserved", 20), ("udmabuf", 5)]:
    out += [row(r, heap=heap, backend="dma-heap", scale=scale) for r in mine]
out += [r for r in body if r[c["params"]].startswith("baseline_for=")]  # the malloc limit
ns = next(r for r in mine if r[c["unit"]] == "ns")
for heap, scale in [("system", 1), ("reserved", 1.2), ("udmabuf", 1.5)]:
    for size in (4096, 65536):
        for d in ("read", "write", "rw"):
            for m, s in (("sync_start_latency", 2), ("sync_end_latency", 3)):
                out.append(row(ns, test="sync", heap=heap, size_bytes=size, metric=m,
                               params="direction=" + d, scale=scale * s * size / 4096))
        out.append(row(ns, test="sync", heap=heap, size_bytes=size, metric="ioctl_floor_latency",
                       params="floor=sync_einval", scale=0.5))
        for m, s in (("frame_time", 3000), ("qbuf_latency", 10), ("commit_latency", 40)):
            out.append(row(ns, test="pipeline", heap=heap, size_bytes=8294400, metric=m,
                           params="pipeline=vivid>vkms;frames=300", scale=scale * s))
csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n").writerows(out)
EOF
mkdir multi
run "$BIN" plot --output multi multi.csv
H='"memfd", "system", "reserved", "udmabuf"'
S='"system start", "system end", "reserved start", "reserved end", "udmabuf start",
   "udmabuf end", "ioctl_floor_latency (median of the heaps)"'
spec=$(
	cat <<EOF
{"latency-alloc_latency": {"series": [$H], "text": [$SIZES]},
 "latency-map_latency": {"series": [$H]},
 "bandwidth-memcpy_bw": {"series": [$H, "malloc (limit)"]},
 "sync-direction_read": {"series": [$S], "text": ["sync: cost vs size, direction=read", $SIZES]},
 "sync-direction_rw": {"series": [$S]},
 "latency-sync_end_latency-direction_write": {"series": ["system", "reserved", "udmabuf"]},
 "pipeline-pipeline_vivid_vkms-frames_300-8100K": {"series": ["system", "reserved", "udmabuf"],
  "text": ["frame_time", "qbuf_latency", "commit_latency", "time per frame and stage: p50"]}}
EOF
)
figures "plot of several heaps: a series and one colour per heap, sync per direction, pipeline" \
	multi "$spec"

# --plots and --metric change no colour: the same heap, the same colour as with every figure.
mkdir one
run "$BIN" plot --output one --plots sync --metric 'sync_end*' multi.csv
if [ "$RC" = 0 ] && [ "$(cat "$OUT/stdout")" = "one/sync-direction_read.svg
one/sync-direction_rw.svg
one/sync-direction_write.svg" ] &&
	grep -o "stroke='rgb([^)]*)'" one/sync-direction_read.svg | sort -u >a.txt &&
	grep -o "stroke='rgb([^)]*)'" multi/sync-direction_read.svg | sort -u >b.txt &&
	[ -z "$(comm -23 a.txt b.txt)" ]; then
	pass "--plots sync --metric 'sync_end*': three figures, in the colours of the full set"
else
	fail "--plots sync --metric" "$(comm -23 a.txt b.txt 2>&1 | head -3)"
fi

# --- pipeline rows and per-frame samples, written by hand in the schema (pipeline_fixture.py) -
python3 "$FIXTURE" r.csv s.csv || {
	fail "fixtures: pipeline rows and samples" "the generator failed"
	finish
	exit 1
}
CAPF=source_vivid-000-vid-cap-display_vkms-buffers_4-geom_640x480_XR24-rate_50-1200K
DECF=source_vicodec-stateful-decoder-display_vkms-buffers_4-geom_640x480_XR24-1200K
mkdir pipe
run "$BIN" plot --output pipe --format svg,png --keep-data --samples p.samples p.csv
C='0 cpu_frame_bytes'
P='"frame period at rate=50 (20 ms)"'
spec=$(
	cat <<EOF
{"pipeline-$CAPF": {"series": ["system: $C, 49.5 fps, 2 late_frames, 1 dropped_frames",
   "reserved: $C, 48.5 fps, 3 late_frames, 1 dropped_frames",
   "udmabuf: $C, 47.5 fps, 4 late_frames, 1 dropped_frames", $P],
  "text": ["capture_latency", "frame_time", "time per frame and stage: p50",
           "pipeline source=vivid-000-vid-cap, display=vkms, buffers=4,",
           "geom=640x480@XR24, rate=50 (1200K a frame)"]},
 "pipeline-$DECF": {"series": ["system: $C, 49.5 fps, 2 late_frames, 1 dropped_frames",
   "reserved: $C, 48.5 fps, 3 late_frames, 1 dropped_frames"], "text": ["decode_latency"]},
 "frames-frame_time-$CAPF": {"series": ["system", "reserved", "udmabuf", $P],
  "text": ["frame (the sample's index)", "frame_time (each frame)",
           "frame_time per frame: pipeline"]},
 "frames-end_to_end_latency-$CAPF": {"series": ["system", "reserved", "udmabuf", $P],
  "text": ["end_to_end_latency (each frame)"]},
 "frames-frame_time-$DECF": {"series": ["system", "reserved"]},
 "frames-end_to_end_latency-$DECF": {"series": ["system", "reserved"]},
 "ecdf-cpu_frame_bytes-${CAPF%-1200K}-1200K": {"series": ["system", "reserved", "udmabuf"],
  "text": ["cpu_frame_bytes (bytes)"]}}
EOF
)
figures "plot of pipeline rows and samples: pipeline and frames figures, a colour per source" \
	pipe "$spec"

# The data files: the stages in the order written (decode_latency first for the decoder), no
# count or counter row among them, the frame period at each; each frame's sample in frame order.
if out=$(python3 - pipe "$CAPF" "$DECF" 2>&1 <<'EOF'
import sys
d, cap, dec = sys.argv[1:]
def blocks(path):
    text = [l for l in open(path).read().split("\n") if not l.startswith("#")]
    return [b.strip().split("\n") for b in "\n".join(text).split("\n\n\n")]
b = blocks(f"{d}/pipeline-{cap}.dat")
stages = ["capture_latency", "dqbuf_to_commit_latency", "commit_to_flip_latency",
          "end_to_end_latency", "frame_interval", "frame_time"]
assert b[0][1:] == [f'{i} "{m}"' for i, m in enumerate(stages)], b[0]
assert len(b) == 5 and b[4][0].startswith('"frame period at rate=50 (20 ms)"'), [x[0] for x in b]
assert b[4][1:] == [f"{i} 20000000 ? ? 0" for i in range(6)], b[4]
system = next(x for x in b if x[0].startswith('"system: 0 cpu_frame_bytes, 49.5 fps'))
assert system[6] == "5 20021000 20038000 50039000 0", system  # frame_time: p50 p90 p99
b = blocks(f"{d}/pipeline-{dec}.dat")
assert b[0][1] == '0 "decode_latency"' and len(b) == 3, b
b = blocks(f"{d}/frames-frame_time-{cap}.dat")
want = [f"{i} {int((20e6 + (30e6 if i % 10 == 9 else 0)) * 1.2 + 1000 * i)} ? ? 0"
        for i in range(40)]
assert b[0][0].startswith('"reserved"') and b[0][1:] == want, b[0][:12]
assert b[3][1:] == ["0 20000000 ? ? 0", "39 20000000 ? ? 0"], b[3]
print("stages in order, the period at each, 40 frames in frame order")
EOF
); then
	pass "pipeline and frames data files: $out"
else
	fail "pipeline and frames data files" "$out"
fi

# One source: one panel, its line and the frame period.
mkdir one-src
grep -v -e ',pipeline,reserved,' -e ',pipeline,udmabuf,' p.samples >one.samples
run "$BIN" plot --output one-src --plots frames --metric frame_time --samples one.samples
figures "frames of one source: one panel" one-src \
	"{\"frames-frame_time-$CAPF\": {\"series\": [\"system\", $P]}}"

# Bad input: one line, status 2, nothing written.
mkdir bad
run "$BIN" plot --output bad --plots frames --samples s.csv
expect_error "--plots frames on samples without pipeline rows" 2 \
	'^dmaheap-bench plot: no rows for the frames plot'
run "$BIN" plot --output bad --plots frames p.csv
expect_error "--plots frames without --samples" 2 \
	'^dmaheap-bench plot: --plots frames needs --samples'
run "$BIN" plot --output bad --plots frames --metric no_such --samples p.samples
expect_error "--plots frames --metric no_such" 2 \
	'^dmaheap-bench plot: --metric no_such: no such metric in the input \(metrics: .*, frame_time\)'
run "$BIN" plot --output bad --plots frames --metric capture_latency --samples p.samples
expect_error "--plots frames --metric capture_latency (not recorded once a frame)" 2 \
	'no rows for the frames plot'
run "$BIN" plot --output bad --plots frames --samples old.samples
expect_error "--plots frames on samples in value order" 2 \
	'the samples of frame_time on .* are in increasing order of value'
run "$BIN" plot --output bad --plots pipeline r.csv
expect_error "--plots pipeline on rows without pipeline rows" 2 'no rows for the pipeline plot'
if [ -z "$(ls bad)" ]; then
	pass "bad input wrote nothing"
else
	fail "bad input wrote" "$(ls bad)"
fi
mkdir old
run "$BIN" plot --output old --samples old.samples p.csv
if [ "$RC" = 0 ] && [ ! -s "$OUT/stderr" ] && [ -e "old/pipeline-$CAPF.svg" ] &&
	[ -e "old/frames-end_to_end_latency-$CAPF.svg" ] &&
	[ -z "$(find old -name 'frames-frame_time*')" ]; then
	pass "frame_time samples in value order: no frame_time frames figure, the others drawn"
else
	fail "samples in value order, every kind" "$(find old -name 'frames-*')"
fi
finish
