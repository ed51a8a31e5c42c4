#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: bad input exits 2 with one line on stderr; nothing testable (no permission) exits 3.
BIN=$1
. "$(dirname "$0")/lib.sh"

# Each case: expected status, then the arguments (one line each, split on blanks).
cat >cases.txt <<'CASES'
2 run --tests alloc,bogus
2 run --heaps nonesuch
2 run --heaps system,
2 run --sizes 4K,1MM
2 run --sizes 0
2 run --iterations 0
2 run --iterations 3 --duration 1
2 run --frobnicate
2 run --heaps
2 run --table wide
2 run --max-mem 1M --sizes 32M
2 run --cpu 1000
2 run --cpu 63 --tests alloc --sizes 4K
2 run stray
2 list --sizes 4K
2 frobnicate
2
CASES
cat >guest.sh <<'GUEST'
bin=$1
while read -r want args; do
	# shellcheck disable=SC2086
	"$bin" $args >case.out 2>case.err
	echo "case [$args] want=$want rc=$? stdout=$(wc -c <case.out) stderr_lines=$(wc -l <case.err) :: $(head -c 300 case.err)"
done <cases.txt
for args in "run" "run --heaps system" "run --heaps udmabuf,memfd"; do
	setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" $args --sizes 4K --iterations 2 \
		--table none >case.out 2>case.err
	echo "nobody [$args] rc=$? stderr_lines=$(wc -l <case.err) :: $(head -c 300 case.err)"
done
setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" run --heaps memfd --tests alloc \
	--sizes 4K --iterations 2 --table none
echo "nobody-memfd rc=$?"
GUEST
guest sh ./guest.sh "$BIN"
expect_rc "the guest script ran" 0
while IFS= read -r line; do
	case $line in
	"case "*)
		want=${line#*want=}
		want=${want%% *}
		rc=${line#*rc=}
		rc=${rc%% *}
		if [ "$rc" = "$want" ] && [[ $line == *" stdout=0 stderr_lines=1 "* ]]; then
			pass "${line%% want=*}: exit $rc, one stderr line"
		else
			fail "$line"
		fi
		;;
	esac
done <out.stdout
[ "$(grep -c '^case ' out.stdout)" = "$(wc -l <cases.txt)" ] && pass "every case ran" || fail "cases missing"
expect_out "unknown test named" stdout "unknown test 'bogus' \(tests: alloc, map, cpu, sync, import, fence\)"
expect_out "unknown heap named with what exists" stdout \
	"no heap matches 'nonesuch' \(here: reserved, system, udmabuf, drm-dumb:vkms, v4l2-mmap:vim2m, v4l2-mmap:vivid-000-vid-cap, memfd\)"
expect_out "budget refusal names the numbers" stdout "plan needs up to 128M .* budget is 1M"
expect_out "as nobody, run exits 3 with one line" stdout '^nobody \[run\] rc=3 stderr_lines=1 :: .*nothing to test.*Permission denied'
expect_out "as nobody, --heaps system exits 3" stdout '^nobody \[run --heaps system\] rc=3 stderr_lines=1 '
expect_out "as nobody, --heaps udmabuf,memfd exits 3" stdout '^nobody \[run --heaps udmabuf,memfd\] rc=3 stderr_lines=1 '
expect_out "as nobody, the memfd baseline alone still runs" stdout '^nobody-memfd rc=0$'
finish
