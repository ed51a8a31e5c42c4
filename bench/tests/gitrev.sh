#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tool names the revision it was built from. Usage: gitrev.sh DMAHEAP-BENCH SOURCE-DIR
#  - cmake/gitrev.cmake on a scratch repository: "g" and 8 hex digits of HEAD, "-dirty" once a
#    tracked file changes, the new revision after a commit, "unknown" outside a checkout, and the
#    header left untouched (same mtime) when the revision is the same;
#  - the built binary's --version against the source tree's HEAD now (the build refreshed it).
set -u
bin=$1 src=$2
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
trap 'rm -rf "$tmp"' EXIT

gen() { cmake -DSRC="$1" -DOUT="$tmp/rev.h" -DGIT="$(command -v git)" -P "$src/cmake/gitrev.cmake"; }
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

# The binary: built by the build that ran before this test, so from the tree as it is now.
got=$("$bin" --version | sed -n 's/.*(\(.*\))$/\1/p')
if git -C "$src" rev-parse --short=8 HEAD >/dev/null 2>&1; then
	want="g$(git -C "$src" rev-parse --short=8 HEAD)"
	git -C "$src" diff --quiet HEAD -- || want="$want-dirty"
	[ "$got" = "$want" ] ||
		bad "$bin --version names '$got', the tree is at '$want' (rebuild before testing)"
else
	[ "$got" = unknown ] || bad "$bin --version names '$got' outside a git checkout"
fi
[ $fail = 0 ] && echo "ok: gitrev.cmake and --version ($got)"
exit $fail
