#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plot on real result files the tool makes here (the memfd baseline with --samples, frag on the
# model, compare of two repeated runs, the same run as JSON and in the store) and on a hand-made
# CSV in the schema with several heaps, sync rows and pipeline rows (no pipeline test writes them
# yet): every image is written, each SVG is well-formed XML with the expected series (one per
# heap) and axis labels, a heap has one colour in every figure, the PNGs are PNGs.
# Usage: plot.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
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
    # A heap's series (sync's "HEAP start" and "HEAP end"), not the reference lines "... (...)".
    heap = {s: s.rsplit(" ", 1)[0] if s.endswith((" start", " end")) else s
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
finish
