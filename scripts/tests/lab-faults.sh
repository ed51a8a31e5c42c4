#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: bad input and faults each give one clear line and a nonzero status, and leave nothing
# running or behind.
set -u
. "$(dirname "$0")/lib.sh"

run "$LAB" run --kernel 5.4 -- true
expect_error "unknown --kernel" 2 'unknown kernel .5\.4.'
run "$LAB" run
expect_error "run without a command" 2 'needs a command'
run "$LAB" run true
expect_error "a command without --" 2 'put the command after --'
run "$LAB" run --mem lots -- true
expect_error "bad --mem" 2 "bad --mem 'lots'"
run "$LAB" run --mem 1G --cma 900M -- true
expect_error "--cma larger than half of --mem" 2 'more than half'
run "$LAB" run --cpus 0 -- true
expect_error "bad --cpus" 2 "bad --cpus '0'"
run "$LAB" run --icount 11 -- true
expect_error "bad --icount" 2 "bad --icount '11'"
run "$LAB" frobnicate
expect_error "unknown command" 2 "unknown command 'frobnicate'"
run env DHB_LAB_QEMU=/nonexistent/qemu "$LAB" run -- true
expect_error "missing QEMU" 125 'QEMU \(/nonexistent/qemu\) not found.*apt-get install qemu-system-x86'

run "$LAB" run -q -- dhb-no-such-command --flag
expect_error "a guest command that does not exist" 127 'dhb-no-such-command: command not found in the lab'

run "$LAB" run -q -- sh -c 'echo c > /proc/sysrq-trigger'
expect_error "a guest that panics" 125 'guest kernel panicked: Kernel panic'

# A guest that stops before its init starts (here: an init that does not exist, which the kernel
# panics on) is booted once more, then refused with the console's reason; the first stop is logged.
stops=${DHB_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dmaheap-bench/lab}/logs/early-stops.log
before=$(cat "$stops" 2>/dev/null | wc -l)
run "$LAB" run -q --kernel-arg init=/dhb-no-such-init -- true
expect_error "a guest that stops before its init" 125 \
	'stopped after [0-9]+ s, before its init started: Kernel panic - not syncing: Requested init /dhb-no-such-init failed'
after=$(cat "$stops" 2>/dev/null | wc -l)
[ "$((after - before))" = 1 ] && tail -n 1 "$stops" | grep -q 'Requested init /dhb-no-such-init' &&
	pass "a stop before the init is logged and booted once more" ||
	fail "a stop before the init is logged and booted once more" "early-stops.log: $before -> $after lines"

run "$LAB" run -q --timeout 10 -- sleep 600
expect_error "a guest that hangs is killed at --timeout" 124 'did not finish within 10 s'

# Two lab commands at once: the second is refused while the first holds the lab, or waits for it
# with --wait. SIGTERM stops the first, its guest and its control directory. Their control
# directories go to a TMPDIR of this test's own, so that only these runs are looked at.
# A control directory whose lab command was killed (SIGKILL) is swept by the next one; one whose
# command still runs (this test, here) is left alone.
ctl=$OUT/ctl
mkdir -p "$ctl/dhb-lab.killed" "$ctl/dhb-lab.running"
echo "2147483647 1" >"$ctl/dhb-lab.killed/owner"
stat=$(cat /proc/$$/stat)
stat=${stat##*) }
echo "$$ $(echo "$stat" | cut -d' ' -f20)" >"$ctl/dhb-lab.running/owner"
TMPDIR=$ctl "$LAB" run -q -- sleep 600 >"$OUT/first.out" 2>&1 &
first=$!
for _ in $(seq 1 600); do
	pgrep -f "$ctl/dhb-lab\.[A-Za-z0-9]*/console.log" >/dev/null && break
	sleep 0.1
done
run "$LAB" run -- true
expect_error "a second lab command at once" 125 "another lab command is running \(pid $first"
TMPDIR=$ctl "$LAB" run -q --wait -- echo waited >"$OUT/waited.out" 2>&1 &
waiter=$!
sleep 2
kill -TERM "$first"
rc=0
wait "$first" || rc=$?
[ "$rc" = 143 ] && pass "SIGTERM stops a run (status 143)" || fail "SIGTERM stops a run" "status $rc"
rc=0
wait "$waiter" || rc=$?
[ "$rc" = 0 ] && [ "$(cat "$OUT/waited.out")" = waited ] && pass "--wait runs once the lab is free" ||
	fail "--wait runs once the lab is free" "status $rc: $(cat "$OUT/waited.out")"
[ ! -e "$ctl/dhb-lab.killed" ] && pass "a killed lab command's control directory is swept" ||
	fail "a killed lab command's control directory is swept"
[ -d "$ctl/dhb-lab.running" ] && pass "a running lab command's control directory is left alone" ||
	fail "a running lab command's control directory is left alone"
rm -rf "$ctl/dhb-lab.running"
if pgrep -f "$ctl/dhb-lab\.[A-Za-z0-9]*/console.log" >/dev/null || ls -d "$ctl"/dhb-lab.* 2>/dev/null; then
	fail "nothing is left running or behind after the runs" "left: $(ls -A "$ctl" | tr '\n' ' ')"
else
	pass "nothing is left running or behind after the runs"
fi

run sh -c "cd / && '$LAB' run -- true"
expect_error "refuses to share / read-write" 125 'run it from a project directory'

# A kernel build that fails says why in one line and leaves no cache entry behind.
mkdir -p "$OUT/bin" "$OUT/failcache"
printf '#!/bin/sh\necho "make: *** [Makefile:1: lab-test] Error 2" >&2\nexit 2\n' >"$OUT/bin/make"
chmod +x "$OUT/bin/make"
run env DHB_LAB_BUILD_PATH="$OUT/bin:$PATH" DHB_LAB_CACHE="$OUT/failcache" "$LAB" build -q --kernel 6.1
expect_error "a kernel build failure" 125 'kernel build failed for 6\.1: .*Error 2 \(log: '
no_entry() {
	[ -z "$(find "$1" -mindepth 1 -maxdepth 1 ! -name '.lock*' ! -name logs)" ]
}
no_entry "$OUT/failcache" && pass "a failed build leaves no cache entry" ||
	fail "a failed build leaves no cache entry"

# A build whose steps are stand-ins (tar, patch, make and merge_config.sh that only pretend), so
# that a late step can fail, or every step can "succeed" and leave nothing, in seconds:
# fake_build CACHE FAIL_TARGET [SLEEP_TARGET] runs 'lab build --kernel 6.1' with make failing
# on FAIL_TARGET (or none) and sleeping on SLEEP_TARGET, for 300.PID seconds: a sleep of this
# test's own, which the checks below find without taking another program's for it.
nap=300.$$
fake_build() {
	local bin=$OUT/fakebin
	rm -rf "$bin"
	mkdir -p "$bin"
	cat >"$bin/tar" <<'FAKE'
#!/bin/sh
# tar -xJf TARBALL -C DEST: a source tree with a merge_config.sh that writes the fragments.
dest=$4/linux-source-6.1
mkdir -p "$dest/scripts/kconfig"
printf '#!/bin/sh\nshift 2\ncat "$@" >.config\n' >"$dest/scripts/kconfig/merge_config.sh"
chmod +x "$dest/scripts/kconfig/merge_config.sh"
FAKE
	cat >"$bin/make" <<FAKE
#!/bin/sh
dir=.
[ "\$1" != -s ] || shift
[ "\$1" != -C ] || dir=\$2
case " \$* " in
*" $2 "*) echo "make: *** [Makefile:1: $2] Error 2 (dhb-fake-make)" >&2; exit 2 ;;
*" ${3:-none} "*) exec sleep $nap ;;
*" bzImage "*) mkdir -p "\$dir/arch/x86/boot" && echo fake >"\$dir/arch/x86/boot/bzImage" ;;
*" kernelrelease "*) echo 6.1.0-fake ;;
esac
exit 0
FAKE
	# patch fails as it does on a source the patch does not fit (FAIL_TARGET patch).
	if [ "$2" = patch ]; then
		printf '#!/bin/sh\necho "1 out of 1 hunk FAILED"\nexit 1\n' >"$bin/patch"
	else
		printf '#!/bin/sh\nexit 0\n' >"$bin/patch"
	fi
	chmod +x "$bin/tar" "$bin/make" "$bin/patch"
	run env DHB_LAB_BUILD_PATH="$bin:$PATH" DHB_LAB_CACHE="$1" "$LAB" build -q --kernel 6.1
}
fake_build "$OUT/latecache" headers_install
expect_error "a failing late step (headers_install) fails the build" 125 \
	'kernel build failed for 6\.1: .*headers_install\] Error 2'
no_entry "$OUT/latecache" && pass "a build failing late leaves no cache entry" ||
	fail "a build failing late leaves no cache entry"
fake_build "$OUT/patchcache" patch
expect_error "a lab patch that does not apply fails the build, naming it" 125 \
	'kernel build failed for 6\.1: lab: error: [a-z0-9-]+\.patch does not apply to linux-source-6\.1 \(log: '
no_entry "$OUT/patchcache" && pass "a patch that does not apply leaves no cache entry" ||
	fail "a patch that does not apply leaves no cache entry"
fake_build "$OUT/emptycache" none
expect_error "a build that leaves files out is refused" 125 'kernel build failed for 6\.1: the build left no build/Makefile'
no_entry "$OUT/emptycache" && pass "an incomplete build leaves no cache entry" ||
	fail "an incomplete build leaves no cache entry"

# SIGTERM during a build stops the build too, and leaves no build directory behind.
fake_build "$OUT/termcache" none bzImage &
builder=$!
for _ in $(seq 1 300); do
	pgrep -xf "sleep $nap" >/dev/null && break
	sleep 0.1
done
pkill -TERM -f "lab build -q --kernel 6.1" || true
wait "$builder" || true
sleep 0.5
if pgrep -xf "sleep $nap" >/dev/null; then
	fail "SIGTERM during a build stops it" "left running: $(pgrep -axf "sleep $nap")"
	pkill -xf "sleep $nap"
else
	pass "SIGTERM during a build stops it"
fi
no_entry "$OUT/termcache" && [ -z "$(find "$OUT/termcache" -maxdepth 1 -name '.build-*')" ] &&
	pass "an interrupted build leaves nothing behind" || fail "an interrupted build leaves nothing behind"

# A cache entry that lacks a part (here the selftest, as a build without rsync left it) is not
# used: 'path' refuses it, and a command that needs the kernel builds it again. The entry is the
# real one's parts as symbolic links, with one part left out (links to its folders, not to every
# file in them: copying the build tree's 90000 files took a minute).
real=$("$LAB" path --kernel 6.1)
repo=$(cd "$(dirname "$LAB")/.." && pwd)
grep -qx /usr/bin/make "$real/execs" && grep -qx /usr/bin/rsync "$real/execs" &&
	! grep -qE "^($(dirname "$real")|$repo)/" "$real/execs" &&
	pass "the entry records the programs its build ran, not its own or the project's" ||
	fail "the entry records the programs its build ran" "$(head -c 300 "$real/execs")"
part=$OUT/partcache/$(basename "$real")
mkdir -p "$part/selftest"
for f in "$real"/* "$real"/.config; do
	[ "${f##*/}" = selftest ] || ln -s "$f" "$part/"
done
for f in "$real"/selftest/*; do
	[ "${f##*/}" = dmabuf-heap ] || ln -s "$f" "$part/selftest/"
done
run env DHB_LAB_CACHE="$OUT/partcache" "$LAB" path --kernel 6.1
expect_error "an incomplete cache entry is refused" 125 'incomplete \(no selftest/dmabuf-heap\)'
# The build that follows stops at once (a stand-in tar that fails): only its start is checked.
mkdir -p "$OUT/notar"
printf '#!/bin/sh\necho "tar: stand-in that fails" >&2\nexit 2\n' >"$OUT/notar/tar"
chmod +x "$OUT/notar/tar"
run env DHB_LAB_BUILD_PATH="$OUT/notar:$PATH" DHB_LAB_CACHE="$OUT/partcache" "$LAB" build --kernel 6.1
expect_out "an incomplete cache entry is built again" stderr 'incomplete \(no selftest/dmabuf-heap\); building it again'
no_entry "$OUT/partcache" && pass "the incomplete entry is gone" || fail "the incomplete entry is gone"

# A cache on a filesystem too small for a kernel build is refused before anything is unpacked.
if [ "$(id -u)" = 0 ] && mkdir -p "$OUT/small" && mount -t tmpfs -o size=64M tmpfs "$OUT/small" 2>/dev/null; then
	run env DHB_LAB_CACHE="$OUT/small/cache" "$LAB" build --kernel 6.1
	expect_error "no free disk for the build" 125 'not enough free disk'
	[ -z "$(find "$OUT/small/cache" -mindepth 1 -maxdepth 1 ! -name '.lock*' ! -name logs)" ] &&
		pass "a refused build leaves no cache entry" || fail "a refused build leaves no cache entry"
	umount "$OUT/small"
else
	skip "no free disk for the build" "needs root to mount a small tmpfs"
fi

finish
