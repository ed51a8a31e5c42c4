#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The LAVA files: the test definition and the example arm64 job validate with lava-common's
# schemas (Debian's lava-common: lava_common.schemas, and its test-definition schema); the
# definition's steps (lava/dmaheap-bench.sh) run on the host's memfd baseline and report through
# stand-ins for lava-test-case and lava-test-set that check every call's syntax (lava/tests/bin).
# Usage: lava.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$1
LAVA=$(cd "$(dirname "$0")/.." && pwd)
cd "$OUT" || exit 1

# --- the definitions against lava-common's schemas --------------------------------------------
if ! python3 -c 'import lava_common.schemas, yaml' 2>/dev/null; then
	skip "LAVA schemas" "no lava-common (scripts/setup test)"
else
	run python3 - "$LAVA" <<'EOF'
import os, sys, yaml
from lava_common.schemas import validate as validate_job
from lava_common.schemas.test.testdef import validate as validate_testdef
lava = sys.argv[1]
testdef = yaml.safe_load(open(os.path.join(lava, "dmaheap-bench.yaml")))
job = yaml.safe_load(open(os.path.join(lava, "job-arm64.yaml")))
validate_testdef(testdef)
print("test definition: valid")
validate_job(job, strict=True, extra_context_variables=[])
print("job: valid (strict)")
# the job runs this definition, by its path and name, with params it declares
d = [a["test"] for a in job["actions"] if "test" in a][0]["definitions"][0]
assert d["path"] == "lava/dmaheap-bench.yaml", d["path"]
assert d["name"] == testdef["metadata"]["name"], d["name"]
assert set(d["params"]) <= set(testdef["params"]), set(d["params"]) - set(testdef["params"])
# every step is a step of the script
script = open(os.path.join(lava, "dmaheap-bench.sh")).read()
for s in testdef["run"]["steps"]:
    assert s.startswith("./lava/dmaheap-bench.sh "), s
    assert "\n%s) " % s.split()[1] in script, s
print("job and definition agree")
EOF
	expect_rc "lava-common validates lava/dmaheap-bench.yaml and lava/job-arm64.yaml" 0
	expect_out "the job is checked strictly" stdout '^job: valid \(strict\)$'
	# the schemas do refuse: a definition without its format line, a job without actions
	run python3 - "$LAVA" <<'EOF'
import os, sys, yaml, voluptuous
from lava_common.schemas import validate as validate_job
from lava_common.schemas.test.testdef import validate as validate_testdef
lava = sys.argv[1]
t = yaml.safe_load(open(os.path.join(lava, "dmaheap-bench.yaml")))
del t["metadata"]["format"]
j = yaml.safe_load(open(os.path.join(lava, "job-arm64.yaml")))
j["actions"][2]["test"]["definitions"][0]["name"] = "two words"
for check, doc in ((validate_testdef, t), (lambda d: validate_job(d, True, []), j)):
    try:
        check(doc)
        sys.exit("accepted a broken document")
    except voluptuous.Invalid:
        pass
EOF
	expect_rc "lava-common refuses a definition without its format and a job with a bad name" 0
fi

# --- the stand-ins check ----------------------------------------------------------------------
export LAVA_STANDIN=$OUT/standin PATH=$LAVA/tests/bin:$PATH
mkdir "$LAVA_STANDIN"
for args in "a=b --result pass" "a --result maybe" "a --result pass --measurement 1x" \
	"a --result pass --units ns" "a --result pass --measurement 1 --units 'n s'"; do
	eval "set -- $args"
	run lava-test-case "$@"
	[ "$RC" = 1 ] && pass "the stand-in refuses: lava-test-case $args" ||
		fail "the stand-in refuses: lava-test-case $args"
done
rm -rf "$LAVA_STANDIN" && mkdir "$LAVA_STANDIN"

# --- the steps on the memfd baseline ----------------------------------------------------------
cat >jobs.ini <<'EOF'
[global]
heaps = memfd
tests = cpu,alloc
sizes = 4K
iterations = 2
warmup = 0
table = none
[first]
[second]
tests = cpu
EOF
export DHB_BIN=$BIN JOB=$OUT/jobs.ini RUN_OPTS="--events none" RESULTS=$OUT/res
for s in setup build run; do
	run "$LAVA/dmaheap-bench.sh" "$s"
	expect_rc "lava/dmaheap-bench.sh $s" 0
done
# A board's names in one job's results: a heap name with a blank, '=' and '>', long params (a
# name past 100 bytes), a skip, and a row whose name would repeat another's.
python3 - res/second.json <<'EOF'
import copy, json, sys
d = json.load(open(sys.argv[1]))
r = copy.deepcopy(d["rows"][0])
r.update(heap="x y=z>w", params="device=" + "v" * 60 + ";import=first;geom=1920x1080@XR24")
d["rows"].append(r)
r = copy.deepcopy(r)
r.update(heap="x y=z_w")
d["rows"].append(r)
d["environment"]["skip.cpu.udmabuf.4K"] = "no /dev/udmabuf"
json.dump(d, open(sys.argv[1], "w"))
EOF
run "$LAVA/dmaheap-bench.sh" report
expect_rc "lava/dmaheap-bench.sh report" 0
if [ -s "$LAVA_STANDIN/errors" ]; then
	fail "every lava-test-case and lava-test-set call is well formed" "$(head -5 "$LAVA_STANDIN/errors")"
else
	pass "every lava-test-case and lava-test-set call is well formed"
fi
rows=$(python3 -c 'import json, sys; print(sum(len(json.load(open(f))["rows"]) for f in sys.argv[1:]))' res/*.json)
cases=$(grep -c '^\(first\|second\)/.* pass [0-9.e+-]* [^ ]*$' "$LAVA_STANDIN/cases")
[ "$rows" -gt 0 ] && [ "$cases" = "$rows" ] && pass "one pass case with measurement and units per row ($rows)" ||
	fail "one case per row" "rows $rows, cases $cases"
expect_out "a skip case per skip" "$LAVA_STANDIN/cases" '^second/cpu\.udmabuf\.4K skip$'
expect_out "unsafe bytes made safe" "$LAVA_STANDIN/cases" '^second/cpu\.x_y-z_w\.4K\.read_bw\.device-v'
expect_out "a name past 100 bytes ends in a hash" "$LAVA_STANDIN/cases" '^second/[^ ]{1,91}\.[0-9a-f]{8} pass'
expect_out "a name that would repeat gets -2" "$LAVA_STANDIN/cases" '^second/[^ ]+-2 pass'
expect_out "the build's case" "$LAVA_STANDIN/cases" '^/dmaheap-bench-build pass$'
expect_out "the run's case" "$LAVA_STANDIN/cases" '^/dmaheap-bench-run pass$'
sed -n '/^--- dmaheap-bench .*results.csv begin ---$/,/^--- dmaheap-bench .*results.csv end ---$/p' \
	"$OUT/stdout" | sed '1d;$d' >logged.csv
cmp -s logged.csv res/results.csv && [ -s logged.csv ] && pass "the raw CSV is in the log between marker lines" ||
	fail "the raw CSV between the markers"

# A run that fails is the run case's fail.
rm -rf "$LAVA_STANDIN" && mkdir "$LAVA_STANDIN"
RUN_OPTS="--sizes 0" "$LAVA/dmaheap-bench.sh" run >/dev/null 2>&1
run "$LAVA/dmaheap-bench.sh" report
expect_out "a run with a usage error reports dmaheap-bench-run fail" "$LAVA_STANDIN/cases" \
	'^/dmaheap-bench-run fail$'
finish
