#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad input to run, frag, pipeline, store, compare and plot, on the host (no heap needed): one
# stderr line, the right status, and every file left as it was, with nothing added.
# Usage: badinput.sh DMAHEAP-BENCH
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
W=$OUT/w
mkdir "$W"
cd "$W" || exit 1

# The memfd baseline, one cpu iteration: deterministic, no trust warnings on stderr, and no perf
# counters (a machine without a PMU says so on stderr). The sizes and heaps apart, for the cases
# that choose their own.
R0=(run --tests cpu --iterations 1 --warmup 0 --events none)
R=("${R0[@]}" --heaps memfd --sizes 4K)
F=(frag --repeat 1)

# Fixtures.
printf '{"old": 1}\n' >j.json
ln -s j.json sym.json
ln j.json hard.json
mkdir sub
printf 'x\n' >afile
ln -s missing dangling
printf 'a,b\n1,2\n' >other.csv
"$BIN" frag --workload video --ops 600 --emit-trace in.csv || exit 1
ln -s in.csv in-sym.csv
ln in.csv in-hard.csv
H=time,op,id,size,alignment
printf '%s\n0,alloc,1,4096,0\n1,free,3,,\n' $H >bad.csv
printf '%s\n0,alloc,1,4096,0\n0,al\0loc,2,4096,0\n' $H >nul.csv
{
	echo $H
	echo 0,alloc,1,4096,0
	printf '#%04100d\n' 0
} >long.csv
printf '%s\n0,alloc,1,1099511627777,0\n' $H >huge.csv

# Every file and link here: type, name, link target, checksum.
snapshot() {
	find . -printf '%y %p %l\n' | sort
	find . -type f -exec sha256sum {} + | sort
}

# bad_io IN TO NAME STATUS REGEX ARGS...: dmaheap-bench ARGS with stdin from IN and stdout to TO
# ("closed": closed) exits STATUS with exactly one stderr line, matching REGEX and naming the
# command, and leaves the directory as it was.
bad_io() {
	local in=$1 to=$2 name=$3 want=$4 re=$5 before after who='^dmaheap-bench run: '
	shift 5
	[ "$1" = run ] || who="^dmaheap-bench( $1)?: " # a trace's errors: "dmaheap-bench: F:L:"
	before=$(snapshot)
	RC=0
	: >"$OUT/stdout"
	if [ "$to" = closed ]; then
		"$BIN" "$@" <"$in" 2>"$OUT/stderr" >&- || RC=$?
	else
		"$BIN" "$@" <"$in" >"$to" 2>"$OUT/stderr" || RC=$?
	fi
	after=$(snapshot)
	if [ "$RC" != "$want" ]; then
		fail "$name" "expected status $want"
	elif [ "$(wc -l <"$OUT/stderr")" != 1 ]; then
		fail "$name" "expected exactly one line on stderr"
	elif ! grep -qE -- "$re" "$OUT/stderr" || ! grep -qE -- "$who" "$OUT/stderr"; then
		fail "$name" "expected stderr to match /$re/ and /$who/"
	elif [ "$after" != "$before" ]; then
		fail "$name" "files changed or left behind:" \
			"$(diff <(echo "$before") <(echo "$after") | head -5)"
	else
		pass "$name (status $want: $(cat "$OUT/stderr"))"
	fi
}

bad() {
	bad_io /dev/null "$OUT/stdout" "$@"
}

# --- run: paths -------------------------------------------------------------------------------
bad "run: --csv under /proc leaves --json untouched" 2 \
	'^dmaheap-bench run: --csv /proc/x.csv: cannot create: ' \
	"${R[@]}" --json j.json --csv /proc/x.csv
bad "run: --csv and --json the same new file" 2 '^dmaheap-bench run: --json F: the same file as --csv F$' \
	"${R[@]}" --csv F --json F
bad "run: --csv and --json the same existing file" 2 'the same file as --csv j.json' \
	"${R[@]}" --csv j.json --json j.json
bad "run: the same file through a symbolic link" 2 '--json sym.json: the same file as --csv j.json' \
	"${R[@]}" --csv j.json --json sym.json
bad "run: the same file through a hard link" 2 '--json hard.json: the same file as --csv j.json' \
	"${R[@]}" --csv j.json --json hard.json
bad "run: the same new file as ./F and F" 2 'the same file as --csv ./F' \
	"${R[@]}" --csv ./F --json "$W/F"
bad "run: --json into a missing directory" 2 '--json nodir/x.json: cannot create: No such file or directory' \
	"${R[@]}" --json nodir/x.json
bad "run: --json is a directory" 2 '--json sub: Is a directory' "${R[@]}" --json sub
bad "run: --csv is a directory" 2 '--csv sub/: Is a directory' "${R[@]}" --csv sub/
bad "run: --csv under a file" 2 '--csv afile/x.csv: Not a directory' "${R[@]}" --csv afile/x.csv
bad "run: --json a dangling symbolic link" 2 '--json dangling: a symbolic link to a missing file' \
	"${R[@]}" --json dangling
bad "run: two outputs on stdout" 2 '--json -: standard output is already written by --csv' \
	"${R[@]}" --csv - --json -
bad "run: /dev/stdout and - are both stdout" 2 'standard output is already written by --csv' \
	"${R[@]}" --csv - --json /dev/stdout
bad "run: new --csv not created when --json is refused" 2 '--json /proc/x.json: cannot create' \
	"${R[@]}" --csv new.csv --json /proc/x.json
bad "run: --csv with another schema's header" 2 "--csv other.csv: its header is another schema's" \
	"${R[@]}" --csv other.csv --json j.json
bad "run: --samples and --csv the same file" 2 '^dmaheap-bench run: --samples j.json: the same file as --csv j.json$' \
	"${R[@]}" --csv j.json --samples j.json
bad "run: --samples and --json the same file through a link" 2 '--samples sym.json: the same file as --json j.json' \
	"${R[@]}" --json j.json --samples sym.json
bad "run: --samples is a directory" 2 '^dmaheap-bench run: --samples sub: Is a directory$' \
	"${R[@]}" --samples sub
bad "run: --samples and --json both on stdout" 2 '--samples -: standard output is already written by --json' \
	"${R[@]}" --json - --samples -
bad "run: new --samples not created when --csv is refused" 2 '--csv /proc/x.csv: cannot create' \
	"${R[@]}" --samples new.csv --csv /proc/x.csv
bad "run: --samples untouched by a bad size" 2 '^dmaheap-bench run: --sizes: ' "${R0[@]}" --heaps memfd \
	--samples j.json --sizes 0
bad "run: --samples untouched when over the budget" 2 'plan needs up to' "${R[@]}" --samples j.json \
	--max-mem 1K
# --- run: options and plan ----------------------------------------------------------------------
bad "run: --samples twice" 2 '^dmaheap-bench run: --samples given twice$' "${R[@]}" --samples a.csv \
	--samples=b.csv
bad "run: --events twice" 2 '^dmaheap-bench run: --events given twice$' "${R[@]}" --events none \
	--events none
bad "run: --json twice" 2 '^dmaheap-bench run: --json given twice$' "${R[@]}" --json j.json --json k.json
bad "run: empty --json" 2 '^dmaheap-bench run: --json: empty value$' "${R[@]}" --json=
bad "run: a bad size after --json" 2 '^dmaheap-bench run: --sizes: ' "${R0[@]}" --heaps memfd --json j.json \
	--sizes 0
bad "run: over the budget, --json untouched" 2 'plan needs up to' "${R[@]}" --json j.json --max-mem 1K
bad "run: a bad --geometry, --json untouched" 2 \
	'^dmaheap-bench run: --geometry: "640y480": unexpected "y480"' "${R[@]}" --json j.json --geometry 640y480
bad "run: an unknown --geometry format lists the known" 2 \
	'^dmaheap-bench run: --geometry: "@ABCD": unknown format ABCD \(known: XR24, .*NV12' "${R[@]}" --geometry @ABCD
bad "run: a whole picture with --sizes" 2 \
	'^dmaheap-bench run: --geometry 640x480 sets the buffer size \(1228800 bytes\): give --sizes only with a width alone$' \
	"${R[@]}" --json j.json --geometry 640x480
bad "run: --geometry with no source that makes pictures" 2 \
	'^dmaheap-bench run: --geometry: no selected source makes pictures' "${R[@]}" --json j.json --geometry 640
bad "run: nothing to test, --json untouched" 3 'nothing to test' "${R0[@]}" --heaps nonesuch --json j.json
# --devices: a list that names no device is a usage error, before any output file is touched.
bad "run: --devices naming nothing, --json untouched" 2 \
	"^dmaheap-bench run: --devices: no device matches 'nonesuch' \\(here: " \
	"${R[@]}" --json j.json --devices nonesuch
bad "run: --devices with an empty item" 2 "^dmaheap-bench run: --devices: empty item in ',vkms'" \
	"${R[@]}" --json j.json --devices ,vkms
bad "list: --devices naming nothing" 2 "^dmaheap-bench list: --devices: no device matches 'nonesuch'" \
	list --devices nonesuch
bad "list: --matrix --heaps naming nothing" 2 "^dmaheap-bench list: --heaps: no heap matches 'nonesuch'" \
	list --matrix --heaps nonesuch
bad "list: --matrix --size 0" 2 '^dmaheap-bench list: --size' list --matrix --size 0
# --events (its own here: R counts nothing); an unknown tracepoint needs tracefs: the lab's test.
RE=(run --tests cpu --iterations 1 --warmup 0 --heaps memfd --sizes 4K --json j.json)
bad "run: --events not a tracepoint" 2 "^dmaheap-bench run: --events: 'kmem' is not a tracepoint name" \
	"${RE[@]}" --events kmem
bad "run: --events a built-in event" 2 "^dmaheap-bench run: --events: 'page-faults' is always counted" \
	"${RE[@]}" --events page-faults
bad "run: --events none among others" 2 "^dmaheap-bench run: --events: 'none' must be alone" \
	"${RE[@]}" --events kmem:mm_page_alloc,none
bad "run: --events a tracepoint twice" 2 "^dmaheap-bench run: --events: 'a:b' given twice" \
	"${RE[@]}" --events a:b,a:b
# --- run --job: job files (what they run: jobs.sh) --------------------------------------------
printf '[a]\nheaps = memfd\nheap = x\n' >key.ini
printf '[global]\ntests = cpu\niterations = 1\njson = j.json\n[a]\n[b]\nsizes = 4K\n' >twice.ini
printf '[a]\nheaps = memfd\ntests = cpu\njson = j.json\ncsv = new.csv\n[b]\nsizes = 0\n' >late.ini
bad "run --job: an unknown key" 2 "^dmaheap-bench run: key.ini:3: unknown key 'heap'" run --job key.ini
bad "run --job: two jobs, one JSON file" 2 \
	'^dmaheap-bench run: twice.ini:4: \[b\] --json j.json: the same file as twice.ini:4: \[a\] --json j.json .*put \{job\}' \
	run --job twice.ini
bad "run --job: the last job's bad size, nothing written" 2 \
	'^dmaheap-bench run: late.ini:7: \[b\] --sizes: size "0"' run --job late.ini
bad "run: --section without --job" 2 '^dmaheap-bench run: --section needs --job FILE$' "${R[@]}" --section a
# --- run: write errors ------------------------------------------------------------------------
bad_io /dev/null /dev/full "run: stdout full (table full)" 1 \
	'^dmaheap-bench run: writing standard output: No space left on device$' "${R[@]}"
bad_io /dev/null /dev/full "run: stdout full (table summary)" 1 \
	'^dmaheap-bench run: writing standard output: No space left on device$' "${R[@]}" --table summary
bad_io /dev/null /dev/full "run: --json - on a full stdout" 1 \
	'^dmaheap-bench run: writing standard output: No space left on device$' \
	"${R[@]}" --json - --table none
bad_io /dev/null closed "run: stdout closed" 1 \
	'^dmaheap-bench run: writing standard output: Bad file descriptor$' "${R[@]}"
bad "run: --csv on a full device" 1 '^dmaheap-bench run: writing /dev/full: No space left on device$' \
	"${R[@]}" --table none --csv /dev/full
bad "run: --json on a full device" 1 '^dmaheap-bench run: writing /dev/full: No space left on device$' \
	"${R[@]}" --table none --json /dev/full
bad "run: --samples on a full device" 1 '^dmaheap-bench run: writing /dev/full: No space left on device$' \
	"${R[@]}" --table none --samples /dev/full
bad_io /dev/null /dev/full "run: --samples - on a full stdout" 1 \
	'^dmaheap-bench run: writing standard output: No space left on device$' \
	"${R[@]}" --samples - --table none

# --- frag: paths ------------------------------------------------------------------------------
bad "frag: --csv is the trace" 2 \
	'^dmaheap-bench frag: --csv in.csv: the same file as --trace in.csv \(an output cannot be an input\)$' \
	"${F[@]}" --trace in.csv --csv in.csv
bad "frag: --csv is the trace through a symbolic link" 2 'the same file as --trace in.csv' \
	"${F[@]}" --trace in.csv --csv in-sym.csv
bad "frag: --csv is the trace through a hard link" 2 'the same file as --trace in.csv' \
	"${F[@]}" --trace in.csv --csv in-hard.csv
bad_io in.csv "$OUT/stdout" "frag: --csv is the file standard input reads" 2 \
	'--csv in.csv: the same file as standard input' "${F[@]}" --trace - --csv in.csv
bad "frag: --emit-trace onto the trace" 2 'give exactly one of --trace FILE and --workload NAME' \
	"${F[@]}" --workload video --trace in.csv --emit-trace in.csv
bad "frag: --emit-trace and --csv the same file" 2 '--emit-trace x.csv: the same file as --csv x.csv' \
	"${F[@]}" --workload video --csv x.csv --emit-trace x.csv
bad "frag: --emit-trace is a directory" 2 '--emit-trace sub: Is a directory' \
	"${F[@]}" --workload video --emit-trace sub
bad "frag: --emit-trace into a missing directory" 2 '--emit-trace nodir/t.csv: cannot create' \
	"${F[@]}" --workload video --emit-trace nodir/t.csv
bad "frag: --csv into a missing directory" 2 '--csv nodir/t.csv: cannot create' \
	"${F[@]}" --trace in.csv --csv nodir/t.csv
bad "frag: --csv under /proc" 2 '--csv /proc/x.csv: cannot create' "${F[@]}" --trace in.csv --csv /proc/x.csv
bad "frag: two outputs on stdout" 2 'standard output is already written by --csv' \
	"${F[@]}" --workload video --csv - --emit-trace -
bad "frag: --trace is a directory" 2 '^dmaheap-bench frag: --trace sub: Is a directory$' "${F[@]}" --trace sub
bad "frag: --trace missing" 2 '^dmaheap-bench frag: --trace nope.csv: No such file or directory$' \
	"${F[@]}" --trace nope.csv
# --- frag: options ----------------------------------------------------------------------------
bad "frag: --csv twice" 2 '^dmaheap-bench frag: --csv given twice$' \
	"${F[@]}" --trace in.csv --csv a.csv --csv b.csv
bad "frag: --trace twice" 2 '^dmaheap-bench frag: --trace given twice$' "${F[@]}" --trace in.csv --trace in.csv
bad "frag: --seed twice, once with =" 2 '^dmaheap-bench frag: --seed given twice$' \
	"${F[@]}" --workload random --seed 1 --seed=2
bad "frag: -h and --help" 2 '^dmaheap-bench frag: --help given twice$' "${F[@]}" -h --help
bad "frag: --ops above the limit" 2 'from 1 to 4194304' "${F[@]}" --workload random --ops 4194305
bad "frag: --granule above the limit" 2 '--granule: .* is larger than' \
	"${F[@]}" --workload random --granule 2T --region 2T
bad "frag: no such heap, --csv untouched" 3 'no such heap' \
	"${F[@]}" --trace in.csv --heap nosuchheap --csv j.json
# --- frag: traces -----------------------------------------------------------------------------
bad "frag: /dev/zero as a trace" 2 '^dmaheap-bench: /dev/zero:1: line longer than 4096 bytes$' \
	"${F[@]}" --trace /dev/zero
bad "frag: a line over the bound" 2 '^dmaheap-bench: long.csv:3: line longer than 4096 bytes$' \
	"${F[@]}" --trace long.csv
bad "frag: a NUL byte" 2 '^dmaheap-bench: nul.csv:3: NUL byte in the line$' "${F[@]}" --trace nul.csv
bad "frag: a huge size" 2 '^dmaheap-bench: huge.csv:2: size 1099511627777 is too large' \
	"${F[@]}" --trace huge.csv
bad "frag: a malformed trace, --csv untouched" 2 '^dmaheap-bench: bad.csv:3: free of id 3, which is not live$' \
	"${F[@]}" --trace bad.csv --csv j.json
bad "frag: a read error is not the end of the trace" 1 \
	'^dmaheap-bench frag: /proc/self/mem:1: read error: Input/output error$' "${F[@]}" --trace /proc/self/mem
# --- frag: write errors -----------------------------------------------------------------------
bad_io /dev/null /dev/full "frag: stdout full" 1 \
	'^dmaheap-bench frag: writing standard output: No space left on device$' "${F[@]}" --trace in.csv
# With --csv - the summary is on stderr (by design), so only the error line is counted here.
before=$(snapshot)
RC=0
"$BIN" "${F[@]}" --trace in.csv --csv - >/dev/full 2>"$OUT/stderr" || RC=$?
if [ "$RC" = 1 ] && [ "$(grep -c '^dmaheap-bench' "$OUT/stderr")" = 1 ] &&
	grep -q '^dmaheap-bench frag: writing standard output: No space left on device$' "$OUT/stderr" &&
	grep -q '^model ' "$OUT/stderr" && [ "$(snapshot)" = "$before" ]; then
	pass "frag: --csv - on a full stdout (status 1, one error line, the summary on stderr)"
else
	fail "frag: --csv - on a full stdout" "expected status 1 and one error line"
fi
bad_io /dev/null /dev/null "frag: --csv on a full device" 1 \
	'^dmaheap-bench frag: writing /dev/full: No space left on device$' "${F[@]}" --trace in.csv --csv /dev/full
bad "frag: --emit-trace on a full device" 1 '^dmaheap-bench frag: writing /dev/full: No space left' \
	"${F[@]}" --workload video --emit-trace /dev/full
bad_io /dev/null /dev/full "frag: --emit-trace - on a full stdout" 1 \
	'^dmaheap-bench frag: writing standard output: No space left' "${F[@]}" --workload video --emit-trace -

# --- what works -------------------------------------------------------------------------------
run "$BIN" "${R0[@]}" --heaps memfd --sizes 5000,4097 --table none --csv ok.csv --json j.json
expect_rc "run: cpu on sizes that are not page multiples, JSON replaced" 0
expect_out "run: cpu rows for 5000 bytes" ok.csv '^2,.*,cpu,memfd,memfd,5000,memcpy_bw,'
if python3 -c 'import json, sys; json.load(open(sys.argv[1]))' j.json && [ -L sym.json ] &&
	[ "$(stat -c %h j.json)" = 1 ] && [ -z "$(find . -name '.*.tmp')" ]; then
	pass "run: the JSON replaced whole, the symbolic link kept, no temporary left"
else
	fail "run: JSON replacement" "$(ls -la)"
fi
run "$BIN" "${R[@]}" --json - --table full
expect_rc "run: --json - with the table on stderr" 0
if python3 -c 'import json, sys; json.load(sys.stdin)' <"$OUT/stdout" &&
	grep -q '^timer overhead' "$OUT/stderr"; then
	pass "run: stdout holds the JSON alone"
else
	fail "run: --json -"
fi
{
	echo $H
	for i in 1 2 3 4; do echo "0,alloc,$i,1099511627776,0"; done
} >big.csv
run "$BIN" "${F[@]}" --trace big.csv --policy best-fit --csv -
expect_rc "frag: four buffers of 1T" 0
expect_out "frag: the live total does not wrap (4T of a 256M region)" stdout \
	'^2,.*,model,best-fit,4,0,0,0,.*,16384\.000000,4,0,,,$'

# SIGINT while frag writes its CSV (delivered at its second write(2) by strace): the process
# dies of it, the old file stays, the temporary goes.
if ! command -v strace >/dev/null; then
	skip "frag: SIGINT while writing the CSV" "no strace"
elif ! grep -qE '^TracerPid:[[:space:]]+0$' /proc/self/status; then
	skip "frag: SIGINT while writing the CSV" "already under a tracer (strace cannot nest)"
else
	printf 'old\n' >old.csv
	RC=0
	strace -o /dev/null -e trace=write -e inject=write:signal=SIGINT:when=2 \
		"$BIN" "${F[@]}" --workload random --ops 2000 --interval 1 --csv old.csv \
		>/dev/null 2>"$OUT/stderr" || RC=$?
	if [ "$RC" = 130 ] && [ "$(cat old.csv)" = old ] && [ -z "$(find . -name '.*.tmp')" ]; then
		pass "frag: SIGINT while writing the CSV leaves the old file and no temporary"
	else
		fail "frag: SIGINT while writing the CSV" "$(ls -la)"
	fi
fi

# --- store and compare: bad results files, stores and selectors; the store untouched ----------
if "$BIN" "${R[@]}" --table none --csv good.csv >/dev/null 2>&1 &&
	"$BIN" store add --db st.db good.csv >/dev/null; then
	sed '2s/^2,/3,/' good.csv >v3.csv
	sed '2s/^2,/1,/' good.csv >v1row.csv
	cut -d, -f1-29 good.csv >short.csv
	awk -F, 'NR == 2 { sub(/,MB\/s,/, ",GB/s,") } { print }' good.csv >units.csv
	printf 'SQLite format 3\nnot a database\n' >junk.db
	bad "store: another schema version" 2 'v3.csv:2: schema version 3; this reader reads versions 1 and 2' \
		store add --db st.db v3.csv
	bad "store: a row of version 1 under a header of version 2" 2 \
		'v1row.csv:2: schema version 1, but the header is of version 2' store add --db st.db v1row.csv
	bad "store: a missing column" 2 'short.csv:1: missing column "flags"' \
		store add --db st.db short.csv
	bad "store: mixed units for one metric" 2 'mixed units' store add --db st.db units.csv
	bad "store: another tool's CSV" 2 'other.csv:1: not a dmaheap-bench results CSV' \
		store add --db st.db good.csv other.csv
	bad "store: a damaged database" 2 'junk.db: .*not a database' store add --db junk.db good.csv
	bad "store: a store in a missing directory" 2 'sub/x/x.db: opening' store add --db sub/x/x.db good.csv
	bad "store: an unknown action" 2 "unknown action 'put'" store put --db st.db good.csv
	bad "store: no files" 2 'missing operands' store add --db st.db
	bad "compare: a selector that matches nothing" 2 "selector 'kernel=0.0' matches nothing" \
		compare --db st.db kernel=0.0 all
	bad "compare: a selector with an unknown key" 2 "unknown key 'colour'" \
		compare --db st.db colour=red all
	bad "compare: a missing store" 2 'nostore.db: No such file' \
		compare --db nostore.db kernel=1 kernel=2
	bad "compare: a damaged store" 2 'junk.db: .*not a database' compare --db junk.db all all
	bad "compare: a file with a missing column" 2 'short.csv:1: missing column' \
		compare good.csv short.csv
	bad "compare: mixed units" 2 'mixed units' compare good.csv units.csv
	bad "compare: one operand" 2 'missing operands' compare good.csv
	bad "compare: three operands" 2 "too many operands: 'x'" compare good.csv good.csv x
	run "$BIN" compare good.csv good.csv
	expect_rc "compare: a file against itself is not a regression (one run: not enough data)" 0
else
	fail "store and compare fixtures" "the memfd run or the first store add failed"
fi

# --- pipeline: what is refused before any device is touched -------------------------------------
P=(pipeline --frames 1 --events none)
bad "pipeline: --source without a kind" 2 '^dmaheap-bench pipeline: --source vivid: capture:DEVICE' \
	"${P[@]}" --source vivid
bad "pipeline: --source capture: without a device" 2 '^dmaheap-bench pipeline: --source capture:: capture:DEVICE' \
	"${P[@]}" --source capture:
bad "pipeline: a stream that is not there, --json untouched" 2 \
	'^dmaheap-bench pipeline: --source s.fwht: No such file or directory$' \
	"${P[@]}" --source decoder:s.fwht --json j.json
bad "pipeline: a stream that is an output too" 2 \
	'^dmaheap-bench pipeline: --source afile: the same file as --csv afile' \
	"${P[@]}" --source decoder:afile --csv afile
bad "pipeline: --make-stream with an option of the pipeline's" 2 \
	'^dmaheap-bench pipeline: --make-stream makes a stream only: --heap does not apply$' \
	pipeline --make-stream new.fwht --heap system
bad "pipeline: --make-stream from a decoder" 2 \
	"^dmaheap-bench pipeline: --make-stream encodes a capture node's frames" \
	pipeline --make-stream new.fwht --source decoder:afile
bad "pipeline: --make-stream into a missing directory" 2 \
	'^dmaheap-bench pipeline: --make-stream nodir/s.fwht: cannot create' pipeline --make-stream nodir/s.fwht
bad "pipeline: --make-stream onto the --json file" 2 'the same file as' \
	pipeline --make-stream j.json --json j.json
bad "pipeline: --size is a width and a height" 2 '^dmaheap-bench pipeline: --size 640: WIDTHxHEIGHT' \
	"${P[@]}" --size 640
bad "pipeline: --size 0x480" 2 '^dmaheap-bench pipeline: --size 0x480: WIDTHxHEIGHT' "${P[@]}" --size 0x480
bad "pipeline: --size with a sign" 2 '^dmaheap-bench pipeline: --size 640x-480: WIDTHxHEIGHT' \
	"${P[@]}" --size 640x-480
bad "pipeline: --size with a format" 2 '^dmaheap-bench pipeline: --size 640x480@NV12: WIDTHxHEIGHT' \
	"${P[@]}" --size 640x480@NV12
bad "pipeline: --size beyond 16384" 2 '^dmaheap-bench pipeline: --size 20000x480: WIDTHxHEIGHT' \
	"${P[@]}" --size 20000x480
bad "pipeline: --buffers 1" 2 '^dmaheap-bench pipeline: --buffers' "${P[@]}" --buffers 1
bad "pipeline: --buffers 33" 2 '^dmaheap-bench pipeline: --buffers' "${P[@]}" --buffers 33
bad "pipeline: --frames 0" 2 '^dmaheap-bench pipeline: --frames' pipeline --frames 0
bad "pipeline: a peer that is not GStreamer" 2 '^dmaheap-bench pipeline: --peer ffmpeg: the only peer is gstreamer$' \
	"${P[@]}" --peer ffmpeg
bad "pipeline: --display fd: without a number" 2 \
	'^dmaheap-bench pipeline: --display fd:x: fd:N, N a descriptor this process inherited$' \
	"${P[@]}" --display fd:x
bad "pipeline: --display fd:-1" 2 '^dmaheap-bench pipeline: --display fd:-1: fd:N, N a descriptor' \
	"${P[@]}" --display fd:-1
bad "pipeline: --display fd:N not open" 2 \
	'^dmaheap-bench pipeline: --display fd:57: descriptor 57 is not open$' "${P[@]}" --display fd:57
bad "pipeline: --display fd:N not a DRM card (standard output, a file)" 2 \
	'^dmaheap-bench pipeline: --display fd:1: descriptor 1 is not a DRM card$' "${P[@]}" --display fd:1
bad "pipeline: --display fd:N with --peer" 2 \
	'^dmaheap-bench pipeline: --display fd:3: --peer gstreamer opens the card itself, it cannot use an inherited descriptor$' \
	"${P[@]}" --display fd:3 --peer gstreamer
bad "pipeline: --make-stream of more frames than a reference holds" 2 \
	'^dmaheap-bench pipeline: --make-stream makes at most 1000000 frames' \
	pipeline --make-stream new.fwht --frames 1000001
bad "pipeline: --make-stream with --peer" 2 \
	'^dmaheap-bench pipeline: --make-stream makes a stream only: --peer does not apply$' \
	pipeline --make-stream new.fwht --peer gstreamer
bad "pipeline: --make-stream with --no-fences" 2 \
	'^dmaheap-bench pipeline: --make-stream makes a stream only: --no-fences does not apply$' \
	pipeline --make-stream new.fwht --no-fences
bad "pipeline: --no-fences takes no value" 2 '^dmaheap-bench pipeline: --no-fences takes no value' \
	"${P[@]}" --no-fences=yes
bad "pipeline: run's --heaps is not an option" 2 '^dmaheap-bench pipeline: .*--heaps' "${P[@]}" --heaps system
bad "pipeline: --table wide" 2 '^dmaheap-bench pipeline: --table' "${P[@]}" --table wide
bad "pipeline: --csv and --json the same file" 2 '^dmaheap-bench pipeline: --json F: the same file as --csv F$' \
	"${P[@]}" --csv F --json F
bad "pipeline: --samples is a directory" 2 '^dmaheap-bench pipeline: --samples sub: Is a directory$' \
	"${P[@]}" --samples sub
bad "pipeline: a display that is not here, --json untouched" 2 \
	'^dmaheap-bench pipeline: --display no-such-card: no device matches' "${P[@]}" --display no-such-card \
	--json j.json

# --- plot: no rows, unknown metrics, bad inputs and paths, no gnuplot; no image written -------
if [ -f good.csv ]; then
	awk -F, -v OFS=, 'NR > 1 { $7 = "0.0-other" } { print }' good.csv >kernel2.csv
	mkdir -p figs/bandwidth-read_bw.svg broken
	cp "$(dirname "$0")"/../../plots/*.gp broken/
	printf 'plot nosuchfunction(1)\n' >>broken/bandwidth.gp
	bad "plot: no rows for a kind asked for" 2 'no rows for the sync plot' \
		plot --plots sync --output sub good.csv
	bad "plot: a metric that does not exist" 2 \
		'--metric nosuch_latency: no such metric in the input \(metrics: .*read_bw' \
		plot --metric nosuch_latency --output sub good.csv
	bad "plot: nothing to plot" 2 'nothing to plot' plot --output sub
	bad "plot: a kind without its input" 2 '--plots ecdf needs --samples' \
		plot --plots ecdf --output sub good.csv
	bad "plot: an unknown kind" 2 '--plots: unknown kind pie' plot --plots pie good.csv
	bad "plot: an unknown format" 2 '--format: svg, png or svg,png, not gif' \
		plot --format gif good.csv
	bad "plot: bad sizes" 2 '--sizes: ' plot --sizes 3Q good.csv
	bad "plot: a missing output directory" 2 '--output: not a directory: nodir' \
		plot --output nodir good.csv
	bad "plot: an image path that is a directory" 2 'figs/bandwidth-read_bw.svg: .*directory' \
		plot --output figs good.csv
	bad "plot: a missing input" 2 'missing.csv: No such file' plot --output sub missing.csv
	bad "plot: a results file given as samples" 2 'good.csv:1: .*samples file' \
		plot --output sub --samples good.csv
	bad "plot: a results file given as frag's CSV" 2 "good.csv:1: not frag's CSV" \
		plot --output sub --frag good.csv
	bad "plot: a results file given as compare's" 2 "good.csv:1: not compare's CSV .*ratio" \
		plot --output sub --compare good.csv
	bad "plot: rows of two kernels" 2 'more than one board or kernel' \
		plot --output sub good.csv,kernel2.csv
	bad "plot: scripts that are not there" 2 '--scripts: sub/.*\.gp: No such file' \
		plot --scripts sub --output sub good.csv
	bad "plot: gnuplot fails (status 1, no image)" 1 \
		'bandwidth-memcpy_bw.svg \(broken/bandwidth.gp\): .*line 1.: undefined function' \
		plot --scripts broken --output sub good.csv
	before=$(snapshot)
	run env PATH= "$BIN" plot --output sub good.csv
	if [ "$RC" = 3 ] && [ "$(wc -l <"$OUT/stderr")" = 1 ] &&
		grep -qE '^dmaheap-bench plot: gnuplot not found .*gnuplot-nox' "$OUT/stderr" &&
		[ "$(snapshot)" = "$before" ]; then
		pass "plot: no gnuplot on PATH (status 3: $(cat "$OUT/stderr"))"
	else
		fail "plot: no gnuplot on PATH" "expected status 3, one line naming gnuplot-nox"
	fi
fi

# --- recommend: bad uses, files and paths, no rows for a use, a use no heap serves ---------
if [ -f good.csv ]; then
	cat >m.json <<'MATRIX'
{"kernel": "6.12.117", "board": "b",
 "sources": [{"name": "system", "backend": "dma-heap", "path": "/dev/dma_heap/system",
              "properties": ["non-contiguous", "cached"]}],
 "devices": [{"name": "cam0", "kind": "v4l2", "capabilities": "capture"}],
 "matrix": {"size_bytes": 4096, "cells": [
   {"source": "system", "device": "cam0", "queue": "capture", "result": "refused",
    "step": "VIDIOC_QBUF", "errno": "EFAULT", "reason": "not contiguous"}]}}
MATRIX
	bad "recommend: no --use" 2 '--use is required' recommend good.csv
	bad "recommend: an unknown use" 2 'scanner is neither a use' \
		recommend --matrix m.json --use scanner good.csv
	bad "recommend: a device without the matrix" 2 'give the matrix' \
		recommend --use camera good.csv
	bad "recommend: a role the matrix has no device of" 2 'the matrix has no display' \
		recommend --matrix m.json --use display good.csv
	bad "recommend: a missing results file" 2 'missing.csv: No such file' \
		recommend --use cpu-read --manifest out.json missing.csv
	bad "recommend: a missing matrix" 2 '--matrix nomatrix.json: No such file' \
		recommend --use cpu-read --matrix nomatrix.json --manifest out.json good.csv
	bad "recommend: a matrix that is not list's" 2 'good.csv: not JSON' \
		recommend --use cpu-read --matrix good.csv --manifest out.json good.csv
	bad "recommend: no rows for a use" 2 'no heap has a cpu write_bw row at 3M' \
		recommend --use cpu-write --size 3M --rules out.rules good.csv
	bad "recommend: the manifest is a directory" 2 '--manifest sub: Is a directory' \
		recommend --use cpu-read --manifest sub good.csv
	bad "recommend: rows of two kernels" 2 'more than one board or kernel' \
		recommend --use cpu-read --size 4K good.csv,kernel2.csv
	bad "recommend: the same alias for two uses" 2 'alias a is already the alias' \
		recommend --use a:cpu-read,a:cpu-write good.csv
	bad "recommend: a use no heap can serve (status 3, nothing written)" 3 \
		'a use no heap can serve' \
		recommend --use cpu-read --size 4K --manifest out.json --rules out.rules \
		good.csv
	if grep -q 'rejected memfd: not a dma-buf heap' "$OUT/stdout"; then
		pass "recommend: says why each heap was rejected"
	else
		fail "recommend: says why each heap was rejected" "$(cat "$OUT/stdout")"
	fi
fi

# --- report: paths checked first, no rows, a bad matrix; nothing written --------------------
if [ -f good.csv ]; then
	head -1 good.csv >empty.csv
	bad "report: no --output" 2 '--output FILE is required' report good.csv
	bad "report: a results file with no rows" 2 'empty.csv: no rows' \
		report --output r.html empty.csv
	bad "report: a missing results file" 2 'missing.csv: No such file' \
		report --output r.html missing.csv
	bad "report: the output is a directory" 2 '--output sub: Is a directory' \
		report --output sub good.csv
	bad "report: a matrix that is not list's" 2 '--matrix good.csv: not JSON' \
		report --matrix good.csv --output r.html good.csv
	bad "report: the output is the results file" 2 'the same file' \
		report --output good.csv good.csv
fi

# A few cases under valgrind (not with a sanitizer build, which valgrind cannot run).
if ! command -v valgrind >/dev/null; then
	skip "valgrind cases" "no valgrind"
elif grep -q __asan_init "$BIN"; then
	skip "valgrind cases" "a sanitizer build"
elif [ "$(od -An -tx1 -j18 -N2 "$BIN")" != "$(od -An -tx1 -j18 -N2 /proc/self/exe)" ]; then
	# ELF e_machine: a cross build (scripts/test --arm64) runs under qemu-user, not valgrind.
	skip "valgrind cases" "a build for another architecture"
else
	vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite)
	for args in "frag --trace /dev/zero" "frag --trace in.csv --csv in-sym.csv" \
		"run --heaps memfd --tests alloc --iterations 1 --json j.json --csv /proc/x.csv" \
		"plot --plots sync --output sub good.csv" "plot --compare good.csv --output sub"; do
		# shellcheck disable=SC2086 # the words of each case
		run "${vg[@]}" "$BIN" $args
		if [ "$RC" = 2 ] && [ "$(wc -l <"$OUT/stderr")" = 1 ]; then
			pass "valgrind: $args (status 2, one line, no memory errors)"
		else
			fail "valgrind: $args" "expected status 2 and one stderr line"
		fi
	done
	run "${vg[@]}" "$BIN" "${F[@]}" --trace in.csv --csv vg.csv
	expect_rc "valgrind: frag writes its CSV whole" 0
	mkdir vgfigs
	run "${vg[@]}" "$BIN" plot --output vgfigs --format svg,png good.csv
	expect_rc "valgrind: plot draws its figures" 0
fi
finish
