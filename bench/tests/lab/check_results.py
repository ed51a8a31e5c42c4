#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks a run's CSV and JSON against results/SCHEMA.md (host side; the guest may lack Python).
# usage: check_results.py SCHEMA.md RUN.csv RUN.json [HEAP:TEST ...]  (pairs that must have rows)
import csv
import json
import re
import sys


def schema_columns(path):
    text = open(path, encoding="utf-8").read()
    block = text.split("<!-- dhb:columns:begin -->")[1].split("<!-- dhb:columns:end -->")[0]
    lines = [l for l in block.splitlines() if l.startswith("|")][2:]
    return [l.split("|")[1].strip().strip("`") for l in lines]


def schema_version(path):
    text = open(path, encoding="utf-8").read()
    return int(re.search(r"^# .*schema version (\d+)$", text, re.M).group(1))


def main():
    schema, csv_path, json_path, *pairs = sys.argv[1:]
    cols = schema_columns(schema)
    version = schema_version(schema)
    problems = []
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != cols:
        problems.append("CSV header differs from SCHEMA.md: %r" % (rows[0] if rows else None))
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(cols):
            problems.append("CSV line %d has %d columns, not %d" % (i, len(r), len(cols)))
    body = [dict(zip(cols, r)) for r in rows[1:]]
    doc = json.load(open(json_path, encoding="utf-8"))
    if doc.get("schema_version") != version:
        problems.append("JSON schema_version is %r, not %d" % (doc.get("schema_version"), version))
    if any(r["schema_version"] != str(version) for r in body):
        problems.append("a CSV row of another schema version than %d" % version)
    for key in ("settings", "environment", "rows"):
        if key not in doc:
            problems.append("JSON lacks %s" % key)
    jrows = doc.get("rows", [])
    if len(jrows) != len(body):
        problems.append("JSON has %d rows, CSV %d" % (len(jrows), len(body)))
    for i, r in enumerate(jrows):
        if list(r.keys()) != cols:
            problems.append("JSON row %d keys differ from the columns" % i)
            break
    for k in ("timer_overhead_ns", "memory_budget_bytes", "kernel", "board", "counters",
              "counters_unavailable", "counting_overhead_ns"):
        if k not in doc.get("environment", {}):
            problems.append("JSON environment lacks %s" % k)
    for pair in pairs:
        heap, test = pair.split(":")
        if not any(r["heap"] == heap and r["test"] == test for r in body):
            problems.append("no rows for heap %s, test %s" % (heap, test))
    for r in body:
        if r["unit"] not in ("ns", "MB/s", "events") or r["n"] in ("", "0"):
            problems.append("odd row: %r" % r)
            break
    # every row says which boot and which repetition it is (one pass here: repetition 1)
    env = doc.get("environment", {})
    boots = {r["boot_id"] for r in body} | {r.get("boot_id") for r in jrows}
    if len(boots) != 1 or boots != {env.get("boot_id")} or not env.get("boot_id"):
        problems.append("boot_id of the rows %r, of the environment %r" % (boots, env.get("boot_id")))
    reps = {r["repetition"] for r in body} | {str(r.get("repetition")) for r in jrows}
    if reps - {"1"} or env.get("repetition") != 1:
        problems.append("repetitions %r, environment %r" % (reps, env.get("repetition")))
    for p in problems:
        print("#   " + p)
    print("# %d CSV rows, %d JSON rows, %d problems" % (len(body), len(jrows), len(problems)))
    return 1 if problems else 0


sys.exit(main())
