#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Test of scripts/deps-check, which fails scripts/test when a program that ran comes from a package
# in no setup group: each kind of finding it must report, and what it must let pass.
set -u
. "$(dirname "$0")/lib.sh"
CHECK=$(dirname "$LAB")/deps-check

printf '/usr/bin/ls\n/usr/bin/env\n' >"$OUT/essential.list"
run "$CHECK" "$OUT/essential.list"
expect_rc "programs from packages every Debian machine has" 0
expect_out "the summary counts them" stdout '^deps-check: 2 programs from 1 packages'

mkdir -p "$OUT/own"
printf '#!/bin/sh\n' >"$OUT/own/tool"
chmod +x "$OUT/own/tool"
printf '%s\n/usr/bin/cmake\n' "$OUT/own/tool" >"$OUT/own.list"
run "$CHECK" --ignore "$OUT/own" "$OUT/own.list"
expect_rc "the project's own program is not checked, cmake (build group) is" 0
expect_out "the project's own program is not counted, its interpreter is" stdout '2 programs .*1 of the project.s own'

run "$CHECK" "$OUT/own.list"
expect_error "a program from no package" 1 "$OUT/own/tool is run but comes from no Debian package"

# A program from an installed package that no group lists (a debugger or linter the machine has).
other=
for p in /usr/bin/gdb /usr/bin/cppcheck /usr/bin/bear /usr/bin/clang-tidy; do
	[ -x "$p" ] && ! grep -qE "[[:space:]]$(dpkg-query -S "$p" 2>/dev/null | cut -d: -f1)[[:space:]]" \
		"$(dirname "$LAB")/deps.list" && other=$p && break
done
if [ -n "$other" ]; then
	echo "$other" >"$OUT/other.list"
	run "$CHECK" "$OUT/other.list"
	expect_error "a program whose package is in no group" 1 "$other is run but its package .* is in no setup group"
else
	skip "a program whose package is in no group" "none of gdb, cppcheck, bear, clang-tidy is installed"
fi

printf '/usr/bin/ls\nlost: the trace buffer overflowed\n' >"$OUT/lost.list"
run "$CHECK" "$OUT/lost.list"
expect_error "a guest trace that lost programs" 1 'lost: the trace buffer overflowed'

printf 'test\tcoreutils\tls dhb-no-such-command\n' >"$OUT/deps.list"
run "$CHECK" --list "$OUT/deps.list" "$OUT/essential.list"
expect_error "a listed command that its package does not have" 1 \
	'command dhb-no-such-command is not in package coreutils \(not found\)'
printf 'test\tcoreutils\n' >"$OUT/short.list"
run "$CHECK" --list "$OUT/short.list" "$OUT/essential.list"
expect_error "a malformed list line" 2 'short\.list:1: want'

run "$CHECK"
expect_error "no logs" 2 'no logs given'
run "$CHECK" "$OUT/nonexistent.list"
expect_error "a missing log" 1 'nonexistent\.list: No such file'
finish
