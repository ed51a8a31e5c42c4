#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Test of scripts/exec-record, which records what scripts/test and the lab's kernel builds run
# for scripts/deps-check: every program of a process tree (a child, a grandchild that forked
# before executing, a script and its interpreter), the command's status, bad usage, and no
# tracefs instance left behind.
set -u
. "$(dirname "$0")/lib.sh"
REC=$(dirname "$LAB")/exec-record
# instances: the tracefs instances of exec-record that exist now (others may run meanwhile: the
# lab's kernel builds, a scripts/test around this one).
instances() {
	local i
	for i in /sys/kernel/tracing/instances/dhb-exec-*; do
		[ ! -e "$i" ] || echo "${i##*/}"
	done
}
before=$(instances)

how="strace (not root)"
[ "$(id -u)" != 0 ] || how="the kernel's exec event (root)"
echo "# recording through $how"

printf '#!/bin/sh\nexit 0\n' >"$OUT/script"
chmod +x "$OUT/script"
run "$REC" "$OUT/tree.list" /bin/sh -c "/usr/bin/env true; (sleep 0; /usr/bin/printf x) >/dev/null; '$OUT/script'; exit 7"
expect_rc "the command's own status" 7
for p in /bin/sh /usr/bin/env /usr/bin/true /usr/bin/printf "$OUT/script"; do
	if grep -qxF "$p" "$OUT/tree.list" || grep -qx "/usr$p" "$OUT/tree.list"; then
		pass "recorded: $p"
	else
		fail "recorded: $p" "not in the record: $(tr '\n' ' ' <"$OUT/tree.list")"
	fi
done
if LC_ALL=C sort -uc "$OUT/tree.list"; then pass "the record is sorted, each program once"; else fail "the record is sorted, each program once"; fi
if grep -q '^lost:' "$OUT/tree.list"; then fail "nothing lost" "$(grep '^lost:' "$OUT/tree.list")"; else pass "nothing lost"; fi

# Only the command's processes: a program another process runs meanwhile is not in the record.
sleep 3 &
other=$!
(sleep 0.5 && /usr/bin/od -An /dev/null) &
run "$REC" "$OUT/only.list" /bin/sleep 1.5
wait
kill "$other" 2>/dev/null
expect_rc "a command beside another process" 0
if grep -q 'od$' "$OUT/only.list"; then fail "another process's program is not recorded" "$(cat "$OUT/only.list")"; else pass "another process's program is not recorded"; fi

run "$REC" "$OUT/sig.list" /bin/sh -c 'kill -TERM $$'
expect_rc "a command killed by a signal: 128 + the signal" 143

run "$REC" "$OUT/none.list" "$OUT/no-such-program"
expect_rc "a command that cannot be executed" 127

run "$REC"
expect_error "no arguments" 2 '^exec-record: usage'
run "$REC" "$OUT/x.list"
expect_error "no command" 2 '^exec-record: no command given'
run "$REC" "$OUT/no-such-dir/x.list" /bin/true
expect_error "an output that cannot be written" 126 '^exec-record: cannot write '

# As root, the way a user without root records too (strace), as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# A copy of the script: the checkout may be where nobody cannot reach (a 0700 directory).
	chmod 755 "$OUT"
	mkdir -m 777 "$OUT/nobody"
	cp "$REC" "$OUT/exec-record"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$OUT/exec-record" "$OUT/nobody/tree.list" \
		/bin/sh -c '/usr/bin/env true; exit 3'
	expect_rc "as nobody (strace): the command's own status" 3
	expect_out "as nobody (strace): the child's program is recorded" "$OUT/nobody/tree.list" '^/usr/bin/env$'
	if [ -e "$OUT/nobody/tree.list.strace" ]; then fail "as nobody (strace): strace's log removed"; else pass "as nobody (strace): strace's log removed"; fi
fi

# An instance left by an exec-record killed with SIGKILL (its process gone) is removed by the next.
if [ "$(id -u)" = 0 ] && [ -d /sys/kernel/tracing/instances ]; then
	/bin/true &
	dead=$!
	wait "$dead"
	mkdir "/sys/kernel/tracing/instances/dhb-exec-$dead"
	run "$REC" "$OUT/sweep.list" /bin/true
	if [ -d "/sys/kernel/tracing/instances/dhb-exec-$dead" ]; then
		fail "a killed exec-record's instance is removed by the next"
		rmdir "/sys/kernel/tracing/instances/dhb-exec-$dead"
	else
		pass "a killed exec-record's instance is removed by the next"
	fi
fi

left=$(comm -13 <(echo "$before") <(instances))
if [ -z "$left" ]; then pass "no tracefs instance left behind"; else fail "no tracefs instance left behind" "left: $left"; fi
finish
