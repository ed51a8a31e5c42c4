#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: SIGINT and SIGTERM in the middle of a run release every buffer, exit 130 and 143.
BIN=$1
. "$(dirname "$0")/lib.sh"

# In the guest: start a long run, check buffers are live, signal it, wait, check none are left.
cat >guest.sh <<'GUEST'
bin=$1
# bufinfo ends with "Total N objects, B bytes" (each buffer also has a "Total N devices" line).
live() { awk '/^Total [0-9]+ objects/ { print $2 }' /sys/kernel/debug/dma_buf/bufinfo; }
for sig in INT TERM; do
	"$bin" run --tests cpu,sync --heaps system,reserved,udmabuf --sizes 32M --duration 20 \
		--csv sig-$sig.csv --table none &
	pid=$!
	n=0
	i=0
	while [ "$i" -lt 100 ] && [ "$n" = 0 ]; do
		sleep 0.2
		n=$(live)
		i=$((i + 1))
	done
	echo "live-$sig=$n"
	kill -$sig $pid
	wait $pid
	echo "rc-$sig=$?"
	echo "left-$sig=$(live)"
done
GUEST
rm -f sig-*.csv
guest sh ./guest.sh "$BIN"
expect_rc "the guest script ran" 0
expect_out "buffers were live before SIGINT" stdout '^live-INT=[1-9]'
expect_out "SIGINT: exit 130" stdout '^rc-INT=130$'
expect_out "SIGINT: no dma-buf left" stdout '^left-INT=0$'
expect_out "buffers were live before SIGTERM" stdout '^live-TERM=[1-9]'
expect_out "SIGTERM: exit 143" stdout '^rc-TERM=143$'
expect_out "SIGTERM: no dma-buf left" stdout '^left-TERM=0$'
expect_out "the run says it was stopped" stderr 'stopped by signal 2; every buffer is released'
[ -s sig-INT.csv ] && head -1 sig-INT.csv | grep -q '^schema_version,' &&
	pass "the interrupted run's CSV is well-formed" || fail "the interrupted run's CSV"
finish
