#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Hand-written pipeline rows and per-frame samples in the results schema, for the plot and report
# tests (they test the figures, not a device). A capture pipeline (rate=50: a 20 ms frame period)
# on three sources and a decoder (no rate) on two, 40 frames each, every 10th frame long; the rows
# in the order the pipeline writes them, with counter rows and the counts (not ns). Writes p.csv,
# p.samples, old.samples (frame_time in increasing order of value, as files were written before
# the recorder kept the order recorded) and other.samples (p.samples of another run).
# Usage: pipeline_fixture.py RESULTS.csv SAMPLES.csv (a run's files: their header and first line
# are the templates of every row and sample line)
import csv, math, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
srows = list(csv.reader(open(sys.argv[2], newline="")))
head, tmpl = rows[0], rows[1]
shead, stmpl = srows[0], srows[1]
c = {n: i for i, n in enumerate(head)}
sc = {n: i for i, n in enumerate(shead)}
CAP = "source=vivid-000-vid-cap;display=vkms;buffers=4;geom=640x480@XR24;rate=50"
DEC = "source=vicodec-stateful-decoder;display=vkms;buffers=4;geom=640x480@XR24"
SIZE, N = 1228800, 40
def nearest(v, p):  # the nearest-rank percentile, as the tool's
    v = sorted(v)
    return v[max(1, math.ceil(len(v) * p / 100 - 1e-7)) - 1]
def series(metric, k, i):  # the sample of frame i on the k-th source
    long = i % 10 == 9
    base = {"frame_time": 20e6 + (30e6 if long else 0),
            "end_to_end_latency": 30e6 + (20e6 if long else 0),
            "capture_latency": 25e6, "decode_latency": 90e6, "dqbuf_to_commit_latency": 2e5,
            "commit_to_flip_latency": 15e6, "frame_interval": 20e6,
            "frame_time.task-clock": 3e6}[metric]
    return int(base * (1 + 0.2 * k) + 1000 * i)
def key(r, cols, test, heap, metric, params, unit):
    r = list(r)
    for k, v in (("test", test), ("heap", heap), ("backend", "dma-heap"), ("size_bytes", SIZE),
                 ("metric", metric), ("params", params), ("unit", unit)):
        r[cols[k]] = str(v)
    return r
out, smp, old = [head], [shead], [shead]
for params, heaps, first in ((CAP, ("system", "reserved", "udmabuf"), "capture_latency"),
                             (DEC, ("system", "reserved"), "decode_latency")):
    for k, heap in enumerate(heaps):
        ns = [first, "dqbuf_to_commit_latency", "commit_to_flip_latency", "end_to_end_latency",
              "frame_interval", "frame_time", "frame_time.task-clock"]
        metrics = [(m, "ns", [series(m, k, i) for i in range(N)]) for m in ns]
        metrics += [("frame_time.page-faults", "events", [0] * N),
                    ("cpu_frame_bytes", "bytes", [0] * N),
                    ("fps", "fps", [49.5 - k]), ("late_frames", "frames", [2 + k]),
                    ("dropped_frames", "frames", [1])]
        for m, unit, v in metrics:
            r = key(tmpl, c, "pipeline", heap, m, params, unit)
            fig = {"n": len(v), "min": min(v), "p50": nearest(v, 50), "p90": nearest(v, 90),
                   "p99": nearest(v, 99), "p99_9": nearest(v, 99.9), "max": max(v),
                   "mean": sum(v) / len(v), "stddev": 0, "cv": 0, "mad": 0, "outliers": 0,
                   "flags": ""}
            for f, x in fig.items():
                r[c[f]] = str(x)
            out.append(r)
            if m in (first, "frame_time", "end_to_end_latency", "cpu_frame_bytes", "fps"):
                for dst, vals in ((smp, v), (old, sorted(v) if m == "frame_time" else v)):
                    for i, x in enumerate(vals):
                        sr = key(stmpl, sc, "pipeline", heap, m, params, unit)
                        sr[sc["index"]], sr[sc["value"]], sr[sc["count"]] = str(i), str(x), "1"
                        sr[sc["low"]] = sr[sc["high"]] = ""
                        dst.append(sr)
ts = shead.index("timestamp")
other = [shead] + [r[:ts] + ["2001-01-01T00:00:00Z"] + r[ts + 1:] for r in smp[1:]]
for name, t in (("p.csv", out), ("p.samples", smp), ("old.samples", old),
                ("other.samples", other)):
    csv.writer(open(name, "w", newline=""), lineterminator="\n").writerows(t)
