#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The layers' first rule: only bench/cli/ (main.c and the commands) includes a header of
# bench/cli/, and no build target gets cli/ on its include path. Usage: layers.sh SOURCE-DIR
#
# It looks at every C source and header of the tree (git's list of tracked and untracked files
# when there is one, else every *.c and *.h outside build directories) for an #include of a
# header that lives in bench/cli/, by any path ("cli.h", "../cli/cli.h", <cli.h>), and at every
# CMake file for an include directory naming cli. It checks a small tree that breaks the rule
# first, so a check that stopped finding anything would fail too.
set -u

# files DIR: the C files of DIR's tree, relative to DIR.
files() {
	if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$1" ls-files -co --exclude-standard -- '*.c' '*.h'
	else
		(cd "$1" && find . \( -name 'build*' -o -name '.git' \) -prune -o \
			\( -name '*.c' -o -name '*.h' \) -type f -print | sed 's|^\./||')
	fi
}

# check DIR: one line per breach on stdout; status 1 when there is one.
check() {
	local dir=$1 h re bad=0
	local -a hdrs srcs cmake
	mapfile -t hdrs < <(cd "$dir" && find bench/cli -maxdepth 1 -name '*.h' -printf '%f\n')
	mapfile -t srcs < <(files "$dir" | grep -v '^bench/cli/')
	for h in "${hdrs[@]}"; do
		re="^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]([^\">]*/)?${h//./\\.}[\">]"
		if [ ${#srcs[@]} -gt 0 ] && (cd "$dir" && grep -nHE -- "$re" "${srcs[@]}"); then
			bad=1
		fi
	done
	# CMake: no include directory that reaches into cli/.
	mapfile -t cmake < <(cd "$dir" && find . \( -name 'build*' -o -name '.git' \) -prune -o \
		\( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print | sed 's|^\./||')
	if [ ${#cmake[@]} -gt 0 ] &&
		(cd "$dir" && grep -nHE 'include_directories\(.*cli' "${cmake[@]}"); then
		bad=1
	fi
	return $bad
}

top=$1
# The check must find a breach: a tree with an engine that includes cli.h, and a target whose
# include path has cli/.
fixture=$(mktemp -d "${TMPDIR:-/tmp}/dhb-layers.XXXXXX")
trap 'rm -rf "$fixture"' EXIT
mkdir -p "$fixture/bench/cli" "$fixture/bench/frag"
printf '// x\n' >"$fixture/bench/cli/cli.h"
printf '#include "cli.h"\n' >"$fixture/bench/cli/main.c"
printf '#include <stdio.h>\n #include "../cli/cli.h"\n' >"$fixture/bench/frag/x.c"
printf 'target_include_directories(x PRIVATE cli)\n' >"$fixture/CMakeLists.txt"
if [ "$(check "$fixture" | wc -l)" != 2 ]; then
	echo "not ok - the check does not find the two breaches of its own fixture"
	exit 1
fi

if out=$(check "$top"); then
	echo "ok - no file outside bench/cli/ includes a header of bench/cli/"
	exit 0
fi
echo "not ok - headers of bench/cli/ are for main.c and the commands only:"
printf '#   %s\n' "$out"
exit 1
