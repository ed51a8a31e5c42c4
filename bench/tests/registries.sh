#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Adding a backend or a test is one file plus one registry line, and nothing else.
# Usage: registries.sh SOURCE-DIR SOURCES-FILE
#
# SOURCES-FILE lists the sources the build compiles into dhb_backends and dhb_workloads, one a
# line (bench/CMakeLists.txt generates it from the targets). For bench/backends/ and
# bench/workloads/ it checks that
#   - every .c file of the folder is compiled (the build globs the folder: no list to edit);
#   - every X(NAME) line of the folder's registry.c has exactly one file defining the descriptor
#     (`const struct dhb_backend_ops dhb_backend_NAME = {`, `const struct dhb_test
#     dhb_test_NAME = {`), and every descriptor defined in the folder has its line, so a file
#     without its line is not silently left out;
#   - a file defines one descriptor at most;
#   - no CMake file of the tree names a file of the folder.
# It checks a small tree that breaks each rule first, so a check that stopped finding anything
# would fail too.
set -u

# check DIR SOURCES: one line per breach on stdout; status 1 when there is one.
check() {
	local dir=$1 sources=$2 folder type prefix f name n bad=0
	local -a names defs
	for folder in backends workloads; do
		case $folder in
		backends) type=dhb_backend_ops prefix=dhb_backend_ ;;
		workloads) type=dhb_test prefix=dhb_test_ ;;
		esac
		for f in "$dir/bench/$folder"/*.c; do
			[ -e "$f" ] || continue
			if ! grep -qE "(^|/)bench/$folder/${f##*/}\$" "$sources"; then
				echo "bench/$folder/${f##*/}: not compiled (the build must take every file of the folder)"
				bad=1
			fi
			n=$(grep -cE "^const struct $type ${prefix}[a-z0-9_]+ = \{" "$f")
			if [ "$n" -gt 1 ]; then
				echo "bench/$folder/${f##*/}: $n descriptors (one per file)"
				bad=1
			fi
		done
		mapfile -t names < <(grep -oE '^[[:space:]]*X\([a-z0-9_]+\)' \
			"$dir/bench/$folder/registry.c" | sed -E 's/.*X\(([a-z0-9_]+)\)/\1/')
		if [ ${#names[@]} = 0 ]; then
			echo "bench/$folder/registry.c: no X(NAME) lines"
			bad=1
		fi
		for name in "${names[@]}"; do
			n=$(grep -lE "^const struct $type $prefix$name = \{" "$dir/bench/$folder"/*.c |
				wc -l)
			if [ "$n" != 1 ]; then
				echo "bench/$folder/registry.c: X($name) has $n files defining $prefix$name (one)"
				bad=1
			fi
		done
		mapfile -t defs < <(cat "$dir/bench/$folder"/*.c |
			sed -nE "s/^const struct $type $prefix([a-z0-9_]+) = \{.*/\1/p")
		for name in "${defs[@]}"; do
			if ! printf '%s\n' "${names[@]}" | grep -qx "$name"; then
				echo "bench/$folder: $prefix$name has no X($name) line in registry.c"
				bad=1
			fi
		done
		# No CMake list of the folder's files.
		if (cd "$dir" && find . \( -name 'build*' -o -name '.git' \) -prune -o \
			\( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print0 |
			xargs -0 -r grep -nHE "$folder/[A-Za-z0-9_]+\.c"); then
			bad=1
		fi
	done
	return $bad
}

top=$1
sources=$2
if [ ! -r "$sources" ]; then
	echo "not ok - cannot read the list of compiled sources, $sources"
	exit 1
fi
fixture=$(mktemp -d "${TMPDIR:-/tmp}/dhb-registries.XXXXXX")
trap 'rm -rf "$fixture"' EXIT
# A fixture with one breach of each kind: a file not compiled (b.c), a registry line without its
# file (X(gone)), a descriptor without its line (dhb_backend_b), two descriptors in one file
# (w.c), and a CMake list naming a file.
mkdir -p "$fixture/bench/backends" "$fixture/bench/workloads"
printf '#define L(X) \\\n\tX(a) \\\n\tX(gone)\n' >"$fixture/bench/backends/registry.c"
printf 'const struct dhb_backend_ops dhb_backend_a = {\n' >"$fixture/bench/backends/a.c"
printf 'const struct dhb_backend_ops dhb_backend_b = {\n' >"$fixture/bench/backends/b.c"
printf '#define L(X) \\\n\tX(w)\n' >"$fixture/bench/workloads/registry.c"
printf 'const struct dhb_test dhb_test_w = {\n};\nconst struct dhb_test dhb_test_v = {\n' \
	>"$fixture/bench/workloads/w.c"
printf 'add_library(x workloads/w.c)\n' >"$fixture/CMakeLists.txt"
printf '%s\n' /x/bench/backends/registry.c /x/bench/backends/a.c /x/bench/workloads/registry.c \
	/x/bench/workloads/w.c >"$fixture/sources.txt"
out=$(check "$fixture" "$fixture/sources.txt")
if [ "$(printf '%s\n' "$out" | wc -l)" != 6 ]; then
	echo "not ok - the check does not find the six breaches of its own fixture:"
	printf '#   %s\n' "$out"
	exit 1
fi

if out=$(check "$top" "$sources"); then
	echo "ok - every backend and test is one compiled file plus one registry line"
	exit 0
fi
echo "not ok - a backend or test is one file plus one registry line, and nothing else:"
printf '#   %s\n' "$out"
exit 1
