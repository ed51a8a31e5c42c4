#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tool names the revision it was built from.
# Usage: gitrev.sh DMAHEAP-BENCH SOURCE-DIR BUILD-DIR HEADER
#  - cmake/gitrev.cmake on a scratch repository: "g" and 8 hex digits of HEAD, "-dirty" once a
#    tracked file changes, the new revision after a commit, "unknown" outside a checkout, and the
#    header left untouched (same mtime) when the revision is the same;
#  - the binary's --version against HEADER, the header its build wrote; then the build's step
#    run again writes the tree's revision as it is now, and HEADER is put back as it was.
set -u
bin=$1 src=$2 build=$3 hdr=$4
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
command -v git >/dev/null || {
	echo "SKIP: git is not installed"
	exit 77
}
tmp=$(mktemp -d)
trap 'restore; rm -rf "$tmp"' EXIT
# HEADER as the binary's build left it (saved before the build's step below rewrites it): a
# header newer than the binary would fail the next run of this test, as scripts/test runs it
# three times under qemu-user, when a commit came during the run.
restore() { [ ! -e "$tmp/hdr" ] || cp -p "$tmp/hdr" "$hdr"; }

gen() {
	cmake -DSRC="$1" -DOUT="$tmp/rev.h" -DGIT="$(command -v git)" -P "$src/cmake/gitrev.cmake"
}
rev() { sed -n 's/^#define DHB_GIT_REV "\(.*\)"$/\1/p' "$tmp/rev.h"; }
g() { git -C "$tmp/repo" -c user.name=t -c user.email=t@example.org "$@"; }

mkdir "$tmp/repo" "$tmp/plain"
g init -q && echo a >"$tmp/repo/f" && g add f && g commit -qm one || exit 1
gen "$tmp/repo" || bad "gitrev.cmake failed"
want="g$(g rev-parse --short=8 HEAD)"
[ "$(rev)" = "$want" ] || bad "clean checkout: '$(rev)', want '$want'"
touch -d '2000-01-01' "$tmp/rev.h"
old=$(stat -c %Y "$tmp/rev.h")
touch "$tmp/repo/f" # touched, not changed: not dirty
gen "$tmp/repo"
[ "$(stat -c %Y "$tmp/rev.h")" = "$old" ] || bad "same revision: the header was rewritten"
[ "$(rev)" = "$want" ] || bad "a touched file made '$(rev)'"
echo b >"$tmp/repo/f"
gen "$tmp/repo"
[ "$(rev)" = "$want-dirty" ] || bad "changed file: '$(rev)', want '$want-dirty'"
g commit -qam two
gen "$tmp/repo"
want2="g$(g rev-parse --short=8 HEAD)"
if [ "$want2" = "$want" ] || [ "$(rev)" != "$want2" ]; then
	bad "after a commit: '$(rev)', want '$want2'"
fi
gen "$tmp/plain"
[ "$(rev)" = unknown ] || bad "outside a checkout: '$(rev)', want 'unknown'"

# The binary embeds what its build's header says; then the build's own step (the target
# dhb_gitrev) writes what the tree is now: a build after a commit or an edit names it. The tree
# may change while the tests run (an edit, a commit), so each is compared with its own moment.
got=$("$bin" --version | sed -n 's/.*(\(.*\))$/\1/p')
have=$(sed -n 's/^#define DHB_GIT_REV "\(.*\)"$/\1/p' "$hdr")
if [ -z "$got" ] || [ "$got" != "$have" ]; then
	bad "$bin --version names '$got', the header its build wrote '$have' ($hdr)"
fi
cp -p "$hdr" "$tmp/hdr" || bad "cannot keep a copy of $hdr"
cmake --build "$build" --target dhb_gitrev >/dev/null ||
	bad "cmake --build $build --target dhb_gitrev failed"
if git -C "$src" rev-parse --short=8 HEAD >/dev/null 2>&1; then
	want="g$(git -C "$src" rev-parse --short=8 HEAD)"
	git -C "$src" diff --quiet HEAD -- || want="$want-dirty"
else
	want=unknown
fi
now=$(sed -n 's/^#define DHB_GIT_REV "\(.*\)"$/\1/p' "$hdr")
[ "$now" = "$want" ] || bad "the build's step wrote '$now', the tree is at '$want'"
[ $fail = 0 ] && echo "ok: gitrev.cmake; --version ($got) as its header; the build's step ($now)"
exit $fail
