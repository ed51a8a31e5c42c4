#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks a `dmaheap-bench pipeline` run's CSV, JSON and samples against results/SCHEMA.md and
# what the pipeline promises, and prints its figures per buffer source and their ratios to the
# first source (host side; the guest may lack Python). Rows of the GStreamer peer (source
# gstreamer, --peer) are checked when there are any: fps and the CPU per frame, nothing else.
# usage: check_pipeline.py SCHEMA.md RUN.csv RUN.json RUN.samples FRAMES SOURCE...
import csv
import json
import sys

PER_FRAME = ("dqbuf_to_commit_latency", "commit_to_flip_latency", "end_to_end_latency",
             "frame_time", "cpu_frame_bytes")
ONCE = ("fps", "cpu_per_frame", "process_cpu_per_frame", "system_cpu_per_frame", "late_frames",
        "dropped_frames")
PEER = "gstreamer"
PEER_METRICS = ("fps", "cpu_per_frame", "system_cpu_per_frame")
COUNTERS = ("frame_time.task-clock", "frame_time.page-faults")


def table(path, begin, end=None):
    text = open(path, encoding="utf-8").read()
    block = text.split(begin)[1]
    if end:
        block = block.split(end)[0]
    rows = []
    for line in block.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        rows.append([c.strip().strip("`") for c in line.split("|")[1:-1]])
    return rows[2:]


def main():
    schema, csv_path, json_path, samples_path, frames, *sources = sys.argv[1:]
    frames = int(frames)
    cols = [r[0] for r in table(schema, "<!-- dhb:columns:begin -->", "<!-- dhb:columns:end -->")]
    documented = {(r[0], r[1]): r[2] for r in table(schema, "## Tests and metrics")}
    problems = []
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != cols:
        problems.append("CSV header differs from SCHEMA.md")
    body = [dict(zip(cols, r)) for r in rows[1:]]
    doc = json.load(open(json_path, encoding="utf-8"))
    if len(doc.get("rows", [])) != len(body):
        problems.append("JSON has %d rows, CSV %d" % (len(doc.get("rows", [])), len(body)))
    if doc.get("settings", {}).get("frames") != str(frames):
        problems.append("JSON settings.frames is %r" % doc.get("settings", {}).get("frames"))
    params = {r["params"] for r in body}
    if len(params) != 1:
        problems.append("the sources' rows differ in params: %r" % sorted(params))
    by = {(r["heap"], r["metric"]): r for r in body}
    # the source stage's own metric: a capture node's, or a decoder's
    stage = "decode_latency" if any(r["metric"] == "decode_latency" for r in body) \
        else "capture_latency"
    for r in body:
        if r["test"] != "pipeline":
            problems.append("a row of test %s" % r["test"])
        base = r["metric"].split(".")[0]
        if "." not in r["metric"] and documented.get(("pipeline", base)) != r["unit"]:
            problems.append("%s in %s is not documented so in SCHEMA.md" % (r["metric"], r["unit"]))
    with open(samples_path, newline="", encoding="utf-8") as f:
        samples = list(csv.DictReader(f))
    for src in sources:
        for m in (stage,) + PER_FRAME + ONCE + COUNTERS:
            if (src, m) not in by:
                problems.append("%s: no %s row" % (src, m))
        if problems:
            continue
        n = int(by[(src, "frame_time")]["n"])
        if n != frames:
            problems.append("%s: %d frames measured, not %d" % (src, n, frames))
        cpu = by[(src, "cpu_frame_bytes")]
        if cpu["max"] != "0" or int(cpu["n"]) != frames:
            problems.append("%s: the CPU mapped frame buffers: %r" % (src, cpu))
        if float(by[(src, "fps")]["p50"]) <= 0:
            problems.append("%s: fps %s" % (src, by[(src, "fps")]["p50"]))
        # the whole process's window holds every turn of the loop, on the same counter
        loop, proc = (float(by[(src, m)]["p50"]) for m in ("cpu_per_frame",
                                                             "process_cpu_per_frame"))
        if not 0 < loop <= proc:
            problems.append("%s: the loop's CPU per frame %.0f ns, the process's %.0f ns" % (
                src, loop, proc))
        got = sum(1 for s in samples if s["heap"] == src and s["metric"] == "frame_time")
        if got != frames:
            problems.append("%s: %d frame_time samples, not %d" % (src, got, frames))
    peer = {r["metric"]: r for r in body if r["heap"] == PEER}
    if peer:
        if sorted(peer) != sorted(PEER_METRICS) or \
                any(r["backend"] != PEER or r["n"] != "1" or float(r["p50"]) <= 0
                    for r in peer.values()):
            problems.append("the peer's rows: %r" % sorted(
                (r["metric"], r["backend"], r["n"], r["p50"]) for r in peer.values()))
    for p in problems:
        print("#   " + p)
    if not problems:
        first = sources[0]
        print("# params: %s" % next(iter(params)))
        print("# %-14s %7s %9s %9s %9s %9s %9s %9s %5s %5s" % (
            "source", "fps", "e2e p50", "e2e p99", stage.split("_")[0], "to flip", "frame",
            "cpu/fr", "late", "drop"))
        for src in sources:
            def v(m, k="p50"):
                return float(by[(src, m)][k])
            print("# %-14s %7.2f %7.2fms %7.2fms %7.2fms %7.2fms %7.2fms %7.2fms %5d %5d" % (
                src, v("fps"), v("end_to_end_latency") / 1e6,
                v("end_to_end_latency", "p99") / 1e6, v(stage) / 1e6,
                v("commit_to_flip_latency") / 1e6, v("frame_time") / 1e6,
                v("frame_time.task-clock") / 1e6, v("late_frames"), v("dropped_frames")))
        for src in sources[1:]:
            def ratio(m):
                a, b = float(by[(src, m)]["p50"]), float(by[(first, m)]["p50"])
                return a / b if b else float("nan")
            print("# %s / %s (p50): fps %.2fx, end-to-end %.2fx, commit->flip %.2fx, "
                  "%s %.2fx, task-clock per frame %.2fx" % (
                      src, first, ratio("fps"), ratio("end_to_end_latency"),
                      ratio("commit_to_flip_latency"), stage.split("_")[0], ratio(stage),
                      ratio("frame_time.task-clock")))
        if peer:
            pf, pc, ps = (float(peer[m]["p50"]) for m in PEER_METRICS)
            print("# %s: fps %.2f, cpu per frame %.2fms, system cpu per frame %.2fms" % (
                PEER, pf, pc / 1e6, ps / 1e6))
            for src in sources:
                print("# %s / %s: fps %.2fx, cpu per frame %.2fx (the whole process's %.2fx), "
                      "system %.2fx" % (
                          src, PEER, float(by[(src, "fps")]["p50"]) / pf,
                          float(by[(src, "cpu_per_frame")]["p50"]) / pc,
                          float(by[(src, "process_cpu_per_frame")]["p50"]) / pc,
                          float(by[(src, "system_cpu_per_frame")]["p50"]) / ps))
    print("# %d rows, %d problems" % (len(body), len(problems)))
    return 1 if problems else 0


sys.exit(main())
