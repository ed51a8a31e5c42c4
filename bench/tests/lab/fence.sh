#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test, both lab kernels: the fence test's rows on system, reserved (CMA) and udmabuf with
# sw_sync and vgem fences; SIGINT in its middle exits 130 at once (no vgem fence left to its 10 s
# timeout), leaves no dma-buf and no sw_sync timeline or sync_file behind.
BIN=$1
. "$(dirname "$0")/lib.sh"

# In the guest (argument: the binary, the kernel series): one short run, then one interrupted.
cat >guest.sh <<'GUEST'
bin=$1
k=$2
# bufinfo ends with "Total N objects, B bytes" (each buffer also has a "Total N devices" line).
live() { awk '/^Total [0-9]+ objects/ { print $2 }' /sys/kernel/debug/dma_buf/bufinfo; }
# sync/info lists sw_sync timelines (with their unsignalled fences) and open sync_files.
syncinfo() { awk '/^(objs|fences):/ { s = $1; next } /^-+$/ { next } NF { n[s]++ }
	END { printf "objs=%d fences=%d\n", n["objs:"], n["fences:"] }' /sys/kernel/debug/sync/info; }
"$bin" run --tests fence --heaps system,reserved,udmabuf --sizes 1M --iterations 20 --warmup 2 \
	--csv fence-$k.csv --table none
echo "rc=$?"
echo "left=$(live)"
# Without vgem (another card selected): its rows are absent and the run says why once.
"$bin" run --tests fence --heaps system,udmabuf --sizes 64K --iterations 2 --warmup 0 \
	--devices vkms --csv novgem-$k.csv --json novgem-$k.json --table none 2>novgem-$k.err
echo "rc-novgem=$?"
"$bin" run --tests fence --heaps system,reserved,udmabuf --sizes 1M --duration 30 \
	--csv sig-$k.csv --table none &
pid=$!
n=0
i=0
while [ "$i" -lt 100 ] && [ "$n" = 0 ]; do
	sleep 0.2
	n=$(live)
	i=$((i + 1))
done
sleep 1
echo "live-INT=$n during: $(syncinfo)"
t0=$(date +%s%N)
kill -INT $pid
wait $pid
echo "rc-INT=$?"
t1=$(date +%s%N)
echo "stop-ms=$(((t1 - t0) / 1000000))"
echo "left-INT=$(live)"
echo "after: $(syncinfo)"
GUEST

heaps="system,dma-heap reserved,dma-heap udmabuf,udmabuf"
for k in 6.12 6.1; do
	# shellcheck disable=SC2034 # read by guest() in lib.sh
	LAB_OPTS=(--kernel "$k")
	rm -f "fence-$k.csv" "sig-$k.csv" "novgem-$k.csv" "novgem-$k.err" "novgem-$k.json"
	guest sh ./guest.sh "$BIN" "$k"
	expect_rc "$k: the guest script ran" 0
	expect_out "$k: fence run exits 0" stdout '^rc=0$'
	expect_out "$k: no dma-buf left after the run" stdout '^left=0$'
	if grep -qE '^(error|note): ' out.stderr; then
		fail "$k: no error and no note (sw_sync and vgem are there)" "$(grep -E '^(error|note): ' out.stderr | head -3)"
	else
		pass "$k: no error and no note (sw_sync and vgem are there)"
	fi
	for h in $heaps; do
		for mp in export_sync_file_latency,direction=read import_sync_file_latency,direction=write \
			sync_merge_latency,fences=2 sync_merge_latency,fences=16 \
			fence_wait_signalled_latency,wait=dmabuf fence_wait_signalled_latency,wait=sync_file; do
			expect_out "$k: ${h%%,*} $mp row" "fence-$k.csv" ",$h,1048576,$mp,"
		done
		for f in sw_sync vgem; do
			for w in dmabuf sync_file; do
				for c in user kernel; do
					expect_out "$k: ${h%%,*} wake-up $f $w $c row" "fence-$k.csv" \
						",$h,1048576,fence_wakeup_latency,fence=$f;wait=$w;clock=$c,"
				done
			done
		done
	done
	expect_out "$k: without vgem: exit 0" stdout '^rc-novgem=0$'
	if [ "$(grep -c '^note: fence: no vgem fences' "novgem-$k.err")" = 1 ] &&
		! grep -q 'fence=vgem' "novgem-$k.csv" && grep -q 'fence=sw_sync' "novgem-$k.csv"; then
		pass "$k: without vgem: one note, no vgem rows, the sw_sync ones"
	else
		fail "$k: without vgem: one note, no vgem rows, the sw_sync ones" "$(cat "novgem-$k.err")"
	fi
	if python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["environment"]
sys.exit(not all("no vgem fences" in e.get("note.fence." + h + ".64K", "") for h in ("system", "udmabuf")))' "novgem-$k.json"; then
		pass "$k: without vgem: the JSON keeps the note for each item"
	else
		fail "$k: without vgem: the JSON keeps the note for each item" "$(grep -o '"note[^,]*' "novgem-$k.json")"
	fi
	expect_out "$k: fences were live before SIGINT" stdout '^live-INT=[1-9]'
	expect_out "$k: SIGINT: exit 130" stdout '^rc-INT=130$'
	expect_out "$k: SIGINT: stopped well under vgem's 10 s timeout" stdout '^stop-ms=([0-9]{1,3}|[1-4][0-9]{3})$'
	expect_out "$k: SIGINT: no dma-buf left" stdout '^left-INT=0$'
	expect_out "$k: SIGINT: no sw_sync timeline or sync_file left" stdout '^after: objs=0 fences=0$'
	expect_out "$k: the run says it was stopped" stderr 'stopped by signal 2; every buffer is released'
	[ -s "sig-$k.csv" ] && head -1 "sig-$k.csv" | grep -q '^schema_version,' &&
		pass "$k: the interrupted run's CSV is well-formed" || fail "$k: the interrupted run's CSV"
	# For the log: the SIGINT figures and the p50s (us) per heap.
	sed -n 's/^\(live-INT\|stop-ms\|after\)/# '"$k"': \1/p' out.stdout
	python3 - "fence-$k.csv" "$k" <<'PY' || true
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if "." not in r["metric"]]
heaps = list(dict.fromkeys(r["heap"] for r in rows))
keys = list(dict.fromkeys((r["metric"], r["params"]) for r in rows))
p50 = {(r["metric"], r["params"], r["heap"]): float(r["p50"]) / 1000 for r in rows}
print("# %s: p50 us, %s" % (sys.argv[2], " / ".join(heaps)))
for m, p in keys:
    print("#   %-28s %-42s %s" % (m, p, " ".join("%7.1f" % p50.get((m, p, h), float("nan")) for h in heaps)))
PY
done
finish
