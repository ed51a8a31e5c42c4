#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: 'scripts/lab run' boots the lab kernels and runs commands in them faithfully.
set -u
. "$(dirname "$0")/lib.sh"

run "$LAB" run -- cat /proc/version
expect_rc "run cat /proc/version" 0
expect_out "the default lab kernel is 6.12" stdout '^Linux version 6\.12\.'
expect_out "the lab says which accelerator ran" stderr 'booting 6\.12.*\((KVM|TCG)'

run "$LAB" run -q -- sh -c 'exit 7'
expect_rc "the command's exit status comes back" 7
[ ! -s "$OUT/stderr" ] && pass "--quiet prints nothing of the lab's own" || fail "--quiet prints nothing"

run "$LAB" run -q -- ls /dev/dma_heap
expect_rc "ls /dev/dma_heap" 0
expect_out "the system heap is there" stdout '^system$'
expect_out "the CMA heap is there (named 'reserved')" stdout '^reserved$'

run "$LAB" run -q -- sh -c 'echo to-stdout; echo to-stderr >&2'
if [ "$(cat "$OUT/stdout")" = to-stdout ] && [ "$(cat "$OUT/stderr")" = to-stderr ]; then
	pass "stdout and stderr stay apart"
else
	fail "stdout and stderr stay apart"
fi

run "$LAB" run -q -- printf '[%s]' 'a b' "it's" '$HOME' '*' ''
[ "$(cat "$OUT/stdout")" = "[a b][it's][\$HOME][*][]" ] && pass "arguments arrive unchanged" ||
	fail "arguments arrive unchanged"

rm -f written-in-lab
run "$LAB" run -q -- sh -c 'pwd; echo hello > written-in-lab'
[ "$(cat "$OUT/stdout")" = "$PWD" ] && [ "$(cat written-in-lab 2>/dev/null)" = hello ] &&
	pass "the working directory is shared read-write at the same path" ||
	fail "the working directory is shared read-write at the same path"
rm -f written-in-lab

run "$LAB" run -q -- sh -c 'touch /usr/dhb-lab-must-not-exist'
[ "$RC" != 0 ] && [ ! -e /usr/dhb-lab-must-not-exist ] && pass "the host root is read-only" ||
	fail "the host root is read-only"

run "$LAB" run -q -e DHB_TEST_VALUE='x y' -- sh -c 'echo "$DHB_TEST_VALUE|$DHB_IN_LAB"'
[ "$(cat "$OUT/stdout")" = "x y|1" ] && pass "--env reaches the command" || fail "--env reaches the command"

run "$LAB" run -q --mem 1G --cma 64M --cpus 1 --kernel-arg dhb.test=1 -- sh -c \
	'nproc; awk "/^CmaTotal:/ { print \$2 }" /proc/meminfo; awk "/^MemTotal:/ { print (\$2 < 1048576) }" /proc/meminfo; grep -o dhb.test=1 /proc/cmdline'
[ "$(tr '\n' ' ' <"$OUT/stdout")" = "1 65536 1 dhb.test=1 " ] &&
	pass "--cpus, --cma, --mem and --kernel-arg take effect" ||
	fail "--cpus, --cma, --mem and --kernel-arg take effect"

run "$LAB" run -q -- sh -c 'test -c /dev/udmabuf && test -e /sys/kernel/debug/sync/sw_sync &&
	test -e /sys/kernel/debug/dma_buf/bufinfo && test -d /sys/kernel/dmabuf/buffers &&
	test -c /dev/dri/card0 && test -c /dev/video0 && test -d /sys/kernel/tracing/events &&
	test "$(nproc)" = 2 &&
	test "$(date +%Y)" -ge 2025 && cat </dev/stdin'
expect_rc "udmabuf, sw_sync, bufinfo, dmabuf stats, DRM, V4L2, tracing, 2 CPUs, wall clock, empty stdin" 0

# Wherever the project and the working directory are: files under the host's /tmp are visible
# in the guest (and what the guest writes to /tmp stays in the guest); a checkout and a working
# directory whose paths have spaces and commas work.
hostdir=$(mktemp -d "${TMPDIR:-/tmp}/dhb-lab-tmpview.XXXXXX")
echo "from the host" >"$hostdir/file"
run "$LAB" run -q -- sh -c "cat '$hostdir/file' && echo guest >'$hostdir/guest-file' && ls '$hostdir'"
expect_rc "the guest reads a file under the host's /tmp" 0
expect_out "the guest sees the host's /tmp" stdout '^from the host$'
[ ! -e "$hostdir/guest-file" ] && pass "what the guest writes to /tmp stays in the guest" ||
	fail "what the guest writes to /tmp stays in the guest"
odd="$hostdir/a checkout, with spaces"
mkdir -p "$odd/scripts" "$odd/work dir,2"
cp -r "$(dirname "$LAB")/lab" "$(dirname "$LAB")/lab.d" "$(dirname "$LAB")/deps.list" "$odd/scripts/"
echo data >"$odd/work dir,2/in"
run sh -c "cd '$odd/work dir,2' && '$odd/scripts/lab' run -q -- sh -c 'pwd; cat in; echo out >out'"
expect_rc "a checkout and a working directory with spaces and commas" 0
[ "$(head -n 2 "$OUT/stdout" | tr '\n' '|')" = "$odd/work dir,2|data|" ] &&
	[ "$(cat "$odd/work dir,2/out" 2>/dev/null)" = out ] &&
	pass "the odd working directory is shared read-write at the same path" ||
	fail "the odd working directory is shared read-write at the same path"
if [ -w /run ]; then
	rundir=$(mktemp -d /run/dhb-lab-test.XXXXXX)
	mkdir -p "$rundir/scripts"
	cp -r "$(dirname "$LAB")/lab" "$(dirname "$LAB")/lab.d" "$rundir/scripts/"
	run sh -c "cd '$hostdir' && '$rundir/scripts/lab' run -q -- true"
	expect_error "a checkout under /run is refused" 125 'the project is under /run/, which the guest has its own of'
	rm -rf "$rundir"
else
	skip "a checkout under /run is refused" "/run is not writable here"
fi
rm -rf "$hostdir"

# DHB_LAB_TRACE_EXECS: the programs the guest ran, for scripts/deps-check.
run env DHB_LAB_TRACE_EXECS="$OUT/execs" "$LAB" run -q -- sh -c 'ls / >/dev/null; uname -r'
expect_rc "a run with DHB_LAB_TRACE_EXECS" 0
grep -qx /usr/bin/ls "$OUT/execs" && grep -qx /usr/bin/uname "$OUT/execs" &&
	pass "the guest's programs are recorded" || fail "the guest's programs are recorded" "$(head -c 300 "$OUT/execs")"

log=$OUT/console.log
run "$LAB" run -q --log "$log" -- true
[ "$RC" = 0 ] && grep -q 'Linux version' "$log" && pass "--log keeps the console log" ||
	fail "--log keeps the console log"

run "$LAB" run -q --kernel 6.1 -- sh -c 'cat /proc/version; ls /dev/dma_heap'
expect_rc "run on the 6.1 lab kernel" 0
expect_out "--kernel 6.1 boots 6.1" stdout '^Linux version 6\.1\.'
expect_out "6.1 has the CMA heap" stdout '^reserved$'
expect_out "6.1 has the system heap" stdout '^system$'

finish
