#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Capabilities, not names: no code outside a backend's or a test's own file recognises it by its
# name. Usage: names.sh SOURCE-DIR
#
# The names are read from the descriptors (the `.name = "..."` of each `const struct
# dhb_backend_ops dhb_backend_X` in bench/backends/ and `const struct dhb_test dhb_test_X` in
# bench/workloads/). In every C file under bench/ but the tests (bench/tests/, bench/fuzz/) and
# the name's own file, it finds
#   - a string literal that is a backend's name, anywhere ("dma-heap", "udmabuf", "memfd" are
#     not words with another meaning);
#   - a string literal that is a test's name on a line that compares strings (strcmp and its
#     kin, fnmatch) or looks a name up (a *_find( call): test names are ordinary words
#     ("alloc", "cpu"), so only a comparison is taken for a name check;
#   - any dhb_backend_find("...") or dhb_test_find("...") with a literal.
# EXEMPT lists the comparisons that are about something else that happens to share a test's
# name, each with its reason. It checks a small tree that breaks each rule first, so a check
# that stopped finding anything would fail too.
set -u

# FILE:WORD pairs that compare a word that is not a test's name.
EXEMPT=(
	# The trace format's operations "alloc" and "free" (heaps-ref/TRACE.md).
	bench/frag/trace.c:alloc
)

# names DIR FOLDER TYPE: "FILE NAME" for each descriptor of FOLDER.
names() {
	local f
	for f in "$1/bench/$2"/*.c; do
		[ -e "$f" ] || continue
		awk -v file="bench/$2/${f##*/}" -v type="$3" '
			$0 ~ "^const struct " type " " { inside = 1; next }
			inside && match($0, /\.name = "[^"]*"/) {
				print file, substr($0, RSTART + 9, RLENGTH - 10); inside = 0
			}
			/^};/ { inside = 0 }' "$f"
	done
}

# check DIR: one line per breach on stdout; status 1 when there is one. Comment lines (examples
# in the documentation) do not count.
check() {
	local dir=$1
	local -a srcs
	mapfile -t srcs < <(cd "$dir" && find bench \( -path bench/tests -o -path bench/fuzz \) -prune \
		-o \( -name '*.c' -o -name '*.h' \) -type f -print | sort)
	[ ${#srcs[@]} -gt 0 ] || return 0
	{
		names "$dir" backends dhb_backend_ops | sed 's/^/backend /'
		names "$dir" workloads dhb_test | sed 's/^/test /'
		printf 'exempt %s\n' "${EXEMPT[@]}"
	} | (cd "$dir" && awk '
		FNR == NR { # the names, then the exemptions, from standard input
			if ($1 == "exempt") { exempt[$2] = 1; next }
			n++; kind[n] = $1; own[n] = $2; name[n] = $3; next
		}
		/^[ \t]*(\/\/|\/\*|\*)/ { next }
		{
			for (i = 1; i <= n; i++) {
				if (FILENAME == own[i] || !index($0, "\"" name[i] "\""))
					continue
				if (kind[i] == "test" && \
				    ($0 !~ /(^|[^A-Za-z0-9_])(str(n)?(case)?cmp|fnmatch)[ \t]*\(|_find[ \t]*\(/ || \
				     exempt[FILENAME ":" name[i]]))
					continue
				printf "%s:%d: the %s name \"%s\" (%s): %s\n", FILENAME, FNR, kind[i], \
				       name[i], own[i], $0
				bad = 1
			}
			if ($0 ~ /dhb_(backend|test)_find[ \t]*\([ \t]*"/) {
				printf "%s:%d: a look-up by name: %s\n", FILENAME, FNR, $0
				bad = 1
			}
		}
		END { exit bad }' - "${srcs[@]}")
}

top=$1
fixture=$(mktemp -d "${TMPDIR:-/tmp}/dhb-names.XXXXXX")
trap 'rm -rf "$fixture"' EXIT
# A fixture with a backend "xb" and a test "xt", and three breaches: a backend's name in a
# condition, a test's name compared, a look-up by name. A test's name that is not compared, and
# the names in their own files, are fine.
mkdir -p "$fixture/bench/backends" "$fixture/bench/workloads" "$fixture/bench/cli"
printf 'const struct dhb_backend_ops dhb_backend_xb = {\n\t.name = "xb",\n};\nif (!strcmp(n, "xb"))\n' \
	>"$fixture/bench/backends/xb.c"
printf 'const struct dhb_test dhb_test_xt = {\n\t.name = "xt",\n};\n' >"$fixture/bench/workloads/xt.c"
printf 'if (ops->caps && !strcmp(o->name,\n "xb"))\nx = "xt";\nif (strcmp(t->name, "xt"))\n' \
	>"$fixture/bench/cli/a.c"
printf 'ops = dhb_backend_find("other");\n' >"$fixture/bench/cli/b.c"
out=$(check "$fixture")
if [ "$(printf '%s\n' "$out" | wc -l)" != 3 ]; then
	echo "not ok - the check does not find the three breaches of its own fixture:"
	printf '#   %s\n' "$out"
	exit 1
fi

if out=$(check "$top"); then
	echo "ok - no backend or test is recognised by its name outside its own file"
	exit 0
fi
echo "not ok - ask a backend or a test for a capability or a need, not for its name:"
printf '#   %s\n' "$out"
exit 1
