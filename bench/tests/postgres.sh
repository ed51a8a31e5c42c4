#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The PostgreSQL recipe of results/STORE.md on a throw-away cluster: Debian's PostgreSQL started
# unprivileged under a temporary directory, listening on loopback only; results/postgres.sql
# loaded, real result files (a host run of the memfd baseline) copied in with \copy, the
# dashboard views queried, and bad CSV refused. Usage: postgres.sh DMAHEAP-BENCH SOURCE-DIR
set -u
bin=$1
src=$2
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
	echo "postgres: Debian's postgresql is not installed (scripts/setup test)" >&2
	exit 1
fi
tmp=$(mktemp -d)
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
	# initdb refuses root: the cluster belongs to the package's own unprivileged user.
	chown postgres "$tmp"
	as_owner() { runuser -u postgres -- "$@"; }
fi
port=$((20000 + $$ % 20000))
cleanup() {
	as_owner "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
pass() { echo "ok - $*"; }
fail() {
	echo "not ok - $*"
	fails=$((fails + 1))
}

"$bin" run --heaps memfd --tests alloc,map --sizes 4K,64K --iterations 10 --table none \
	--csv "$tmp/a.csv" >/dev/null 2>&1 || {
	echo "postgres: the host run failed" >&2
	exit 1
}
sleep 1 # a run is its timestamp (seconds) and host
"$bin" run --heaps memfd --tests alloc,map --sizes 4K,64K --iterations 10 --table none \
	--csv "$tmp/b.csv" >/dev/null 2>&1 || exit 1
chmod a+r "$tmp"/*.csv
rows=$(($(wc -l <"$tmp/a.csv") - 1))

as_owner "$pgbin/initdb" -D "$tmp/data" -A trust -U dhb --no-sync >"$tmp/initdb.log" 2>&1 ||
	{ cat "$tmp/initdb.log" >&2; exit 1; }
as_owner "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w -o \
	"-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off" start >/dev/null ||
	{ cat "$tmp/pg.log" >&2; exit 1; }
psql() { command "$pgbin/psql" -X -q -h 127.0.0.1 -p "$port" -U dhb -d postgres -v ON_ERROR_STOP=1 "$@"; }

psql -f "$src/results/postgres.sql" && pass "results/postgres.sql loads" || fail "postgres.sql"
psql -c "\\copy results FROM '$tmp/a.csv' WITH (FORMAT csv, HEADER true)" &&
	psql -c "\\copy results FROM '$tmp/b.csv' WITH (FORMAT csv, HEADER true)" &&
	pass "two runs' CSV files load with \\copy" || fail "\\copy"
n=$(psql -At -c "SELECT count(*) FROM results")
[ "$n" = $((rows * 2)) ] && pass "$n rows, as in the files" || fail "rows: $n, want $((rows * 2))"
n=$(psql -At -c "SELECT min(runs) || ' ' || max(runs) FROM kernel_medians")
[ "$n" = "2 2" ] && pass "kernel_medians: every key has 2 runs" || fail "kernel_medians runs: $n"
q=$(psql -At -F' ' -c "SELECT heap, size_bytes, median > 0 FROM heap_size_medians
	WHERE metric = 'alloc_latency' ORDER BY size_bytes")
[ "$q" = $'memfd 4096 t\nmemfd 65536 t' ] && pass "heap_size_medians: memfd 4K and 64K" ||
	fail "heap_size_medians: $q"
n=$(psql -At -c "SELECT count(*) FROM run_medians WHERE metric = 'alloc_latency'")
[ "$n" = 4 ] && pass "run_medians: 2 runs x 2 sizes of alloc_latency" || fail "run_medians: $n"

n=$(psql -At -c "SELECT count(DISTINCT boot_id) || ' ' || min(repetition) || ' ' || max(repetition)
	FROM run_medians")
[ "$n" = "1 1 1" ] && pass "run_medians: the boot and the repetition of every row" ||
	fail "run_medians boot, repetition: $n"

# A file of schema version 1 (no boot_id, no repetition) loads by naming its columns.
python3 - "$tmp/a.csv" "$tmp/old.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
drop = [rows[0].index("boot_id"), rows[0].index("repetition")]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for i, r in enumerate(rows):
        r = [v for j, v in enumerate(r) if j not in drop]
        if i:
            r[0] = "1"
            r[3] = "2001-01-01T00:00:00Z"  # another run than a.csv's
        w.writerow(r)
PY
chmod a+r "$tmp/old.csv"
cols=$(head -n 1 "$tmp/old.csv" | sed 's/timestamp/"timestamp"/')
psql -c "\\copy results ($cols) FROM '$tmp/old.csv' WITH (FORMAT csv, HEADER true)" &&
	pass "a version 1 file loads with its columns named" || fail "\\copy of a version 1 file"
n=$(psql -At -c "SELECT count(*) FROM run_medians WHERE repetition IS NULL AND boot_id IS NULL")
[ "$n" = "$rows" ] && pass "its rows: boot and repetition unknown" || fail "version 1 rows: $n"
psql -c "DELETE FROM results WHERE schema_version = 1" >/dev/null

# Bad CSV: another schema version, a missing column.
sed '2s/^2,/3,/' "$tmp/a.csv" >"$tmp/v3.csv"
cut -d, -f1-29 "$tmp/a.csv" >"$tmp/short.csv"
chmod a+r "$tmp"/*.csv
for f in v3 short; do
	if psql -c "\\copy results FROM '$tmp/$f.csv' WITH (FORMAT csv, HEADER true)" 2>/dev/null; then
		fail "$f.csv refused"
	else
		pass "$f.csv refused"
	fi
done
n=$(psql -At -c "SELECT count(*) FROM results")
[ "$n" = $((rows * 2)) ] && pass "a refused file adds nothing" || fail "rows after refusals: $n"
[ "$fails" = 0 ]
