#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Validates a KCIDB I/O document (dmaheap-bench export --kcidb) with Debian's python3-jsonschema
# against the rules of KCIDB I/O schema v5.3, written here as a JSON Schema (draft 7) for this
# test, and checks what a schema cannot: ids under the origin, links between the objects.
# usage: kcidb_schema.py FILE [--origin NAME]   (exit 0: valid; 1: one line per problem)
#
# Source of the rules: kernelci/kcidb-io, kcidb_io/schema/v05_03.py (the latest minor it
# publishes, schema.LATEST) and what it inherits from v05_00.py (path and id patterns) and
# v03_00.py (origin pattern); its README says the schema is validated as JSON Schema draft 7.
# Nothing of that project's code is copied here: each rule below is restated from its text.
import json
import sys

import jsonschema

# v03_00: origin names; v05_00: an id is the origin, a colon, then anything but NUL.
ORIGIN = "^[a-z0-9_]+$"
ORIGIN_ID = "^[a-z0-9_]+:[^\\x00]*$"
# v05_00 test_path_re, v05_02/v05_03 path: dot-separated [a-zA-Z0-9_-]+ components, or "".
PATH = "^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$"
# v05_03 status: priority order FAIL ERROR MISS PASS DONE SKIP.
STATUS = {"enum": ["FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"]}
TEXT = {"type": "string", "pattern": "^[^\\x00]*$"}
TIME = {"type": "string", "format": "date-time"}
URI = {"type": "string", "format": "uri"}
RESOURCES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": {"type": "string", "pattern": "^[^/\\x00]+$"}, "url": URI},
        "required": ["name", "url"],
        "additionalProperties": False,
    },
}


def obj(required, **props):
    """An object of exactly these members (v5.3 sets additionalProperties false on each)."""
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


# v5.3 checkout: required id and origin; its other members.
CHECKOUT = obj(
    ["id", "origin"],
    _timestamp=TIME, id={"type": "string", "pattern": ORIGIN_ID},
    origin={"type": "string", "pattern": ORIGIN}, tree_name=TEXT,
    git_repository_url={"type": "string", "format": "uri", "pattern": "^https://[^\\x00]*$"},
    git_commit_hash={"type": "string", "pattern": "^[0-9a-f]{40}$"}, git_commit_name=TEXT,
    git_commit_tags={"type": "array", "items": TEXT}, git_commit_message=TEXT,
    git_repository_branch=TEXT, git_repository_branch_tip={"type": "boolean"},
    patchset_files=RESOURCES, patchset_hash={"type": "string", "pattern": "^$|^[0-9a-f]{64}$"},
    message_id={"type": "string", "format": "email"}, comment=TEXT, start_time=TIME,
    origin_builds_finish_time=TIME, origin_tests_finish_time=TIME, log_url=URI,
    log_excerpt=dict(TEXT, maxLength=16384), valid={"type": "boolean"},
    misc={"type": "object"})

# v5.3 build: required checkout_id, id and origin.
BUILD = obj(
    ["checkout_id", "id", "origin"],
    _timestamp=TIME, checkout_id={"type": "string", "pattern": ORIGIN_ID},
    id={"type": "string", "pattern": ORIGIN_ID}, origin={"type": "string", "pattern": ORIGIN},
    comment=TEXT, start_time=TIME, duration={"type": "number"},
    architecture={"type": "string", "pattern": "^[a-z0-9_]*$"}, command=TEXT, compiler=TEXT,
    input_files=RESOURCES, output_files=RESOURCES, config_name=TEXT, config_url=URI,
    log_url=URI, log_excerpt=dict(TEXT, maxLength=16384), status=STATUS,
    misc={"type": "object"})

# v5.3 test: required build_id, id and origin; number needs a value; environment's compatible
# is a list of device-tree strings without blanks.
NUMBER = {
    "type": "object",
    "properties": {"value": {"type": "number"}, "unit": TEXT,
                   "prefix": {"enum": ["metric", "binary"]}},
    "required": ["value"],
    "additionalProperties": False,
}
ENVIRONMENT = {
    "type": "object",
    "properties": {
        "compatible": {"type": "array",
                       "items": {"type": "string", "pattern": "^[^ \\x00]+(,[^ \\x00]+)*$"}},
        "comment": TEXT,
        "misc": {"type": "object"},
    },
    "additionalProperties": False,
}
TEST = obj(
    ["build_id", "id", "origin"],
    _timestamp=TIME, build_id={"type": "string", "pattern": ORIGIN_ID},
    id={"type": "string", "pattern": ORIGIN_ID}, origin={"type": "string", "pattern": ORIGIN},
    environment=ENVIRONMENT, path={"type": "string", "pattern": PATH}, comment=TEXT,
    log_url=URI, log_excerpt=dict(TEXT, maxLength=16384), status=STATUS, number=NUMBER,
    start_time=TIME, duration={"type": "number"}, input_files=RESOURCES,
    output_files=RESOURCES, misc={"type": "object"})

# v5.3 top level: version required (major 5, minor 0 to 3); the object lists; nothing else.
SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "version": obj(["major"], major={"type": "integer", "const": 5},
                       minor={"type": "integer", "minimum": 0, "maximum": 3}),
        "checkouts": {"type": "array", "items": CHECKOUT},
        "builds": {"type": "array", "items": BUILD},
        "tests": {"type": "array", "items": TEST},
        "issues": {"type": "array"},
        "incidents": {"type": "array"},
    },
    "required": ["version"],
    "additionalProperties": False,
}


def problems(doc, origin):
    v = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    out = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(document)", e.message)
           for e in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))]
    if out:
        return out
    ids = {}
    for kind in ("checkouts", "builds", "tests"):
        ids[kind] = [o["id"] for o in doc.get(kind, [])]
        if len(set(ids[kind])) != len(ids[kind]):
            out.append("%s: an id given twice" % kind)
        for o in doc.get(kind, []):
            if o["origin"] != origin or not o["id"].startswith(origin + ":"):
                out.append("%s: %s is not under the origin %s" % (kind, o["id"], origin))
    for b in doc.get("builds", []):
        if b["checkout_id"] not in ids["checkouts"]:
            out.append("builds: %s: no checkout %s" % (b["id"], b["checkout_id"]))
    for t in doc.get("tests", []):
        if t["build_id"] not in ids["builds"]:
            out.append("tests: %s: no build %s" % (t["id"], t["build_id"]))
    return out


def main():
    args = sys.argv[1:]
    origin = "dmaheap_bench"
    if len(args) == 3 and args[1] == "--origin":
        origin = args[2]
    elif len(args) != 1:
        sys.exit("usage: kcidb_schema.py FILE [--origin NAME]")
    with open(args[0], encoding="utf-8") as f:
        doc = json.load(f)
    found = problems(doc, origin)
    for p in found:
        print("kcidb: " + p)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
