#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The option tables against what is written from them elsewhere: dmaheap-bench(1) has a section
# "COMMAND OPTIONS" per command that lists every option of the command's table (each missing one
# is named), and the bash completion offers exactly the table's commands, options and values.
# Usage: options.sh DMAHEAP-BENCH MANPAGE COMPLETION
set -u
BIN=$1 MAN=$2 COMP=$3
status=0

ok() { echo "ok - $*"; }
notok() {
	echo "not ok - $*"
	status=1
}

mapfile -t cmds < <("$BIN" --options | cut -f1)
[ ${#cmds[@]} -gt 0 ] || {
	echo "not ok - dmaheap-bench --options lists no command"
	exit 1
}

# section NAME: the roff text of ".SH NAME" up to the next .SH.
section() {
	awk -v want=".SH $1" '/^\.SH/ { on = ($0 == want); next } on' "$MAN"
}

# --- the manual -------------------------------------------------------------------------------
for cmd in "${cmds[@]}"; do
	title=$(tr '[:lower:]' '[:upper:]' <<<"$cmd")
	text=$(section "$title OPTIONS")
	if [ -z "$text" ]; then
		notok "dmaheap-bench(1) has no section '$title OPTIONS' for the command $cmd"
		continue
	fi
	missing=()
	while IFS=$'\t' read -r name _; do
		# roff escapes every '-': --max-mem is \-\-max\-mem; a tag line after .TP names it.
		roff=${name//-/\\-}
		grep -qF -- "$roff" <<<"$(grep -A1 '^\.TP' <<<"$text" | grep -v '^\.TP')" ||
			missing+=("$name")
	done < <("$BIN" --options "$cmd")
	if [ ${#missing[@]} -eq 0 ]; then
		ok "dmaheap-bench(1) '$title OPTIONS' lists every option of $cmd"
	else
		notok "dmaheap-bench(1) '$title OPTIONS' lacks: $cmd ${missing[*]}"
	fi
done

# --- the completion ---------------------------------------------------------------------------
# complete WORD...: what the completion offers for the command line WORD... (the last one is
# being typed), sorted, one a line.
complete_words() {
	bash --norc --noprofile -c '
		compopt() { :; }
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_dmaheap_bench
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$BIN" "$@" | sort
}

want=$(printf '%s\n' "${cmds[@]}" --help --version --options | sort)
got=$(complete_words "")
if [ "$got" = "$want" ]; then
	ok "the completion offers the commands of --options"
else
	notok "the completion offers other commands:" "$(diff <(echo "$want") <(echo "$got"))"
fi
for cmd in "${cmds[@]}"; do
	want=$("$BIN" --options "$cmd" | cut -f1 | sort)
	got=$(complete_words "$cmd" "")
	if [ "$got" = "$want" ]; then
		ok "the completion offers every option of $cmd"
	else
		notok "the completion of $cmd differs from its table: $(diff <(echo "$want") \
			<(echo "$got") | tr '\n' ' ')"
	fi
	while IFS=$'\t' read -r name kind values; do
		[ "$kind" = word ] || [ "$kind" = list ] || continue
		want=$(tr ' ' '\n' <<<"$values" | sed '/^$/d' | sort)
		got=$(complete_words "$cmd" "$name" "")
		if [ "$got" != "$want" ]; then
			notok "the completion of $cmd $name offers '$(echo $got)', the table '$values'"
		fi
	done < <("$BIN" --options "$cmd")
done
first=$("$BIN" --options run | awk -F'\t' '$1 == "--tests" { split($3, v, " "); print v[1], v[2] }')
read -r t1 t2 <<<"$first"
got=$(complete_words run --tests "$t1,")
if grep -qx "$t1,$t2" <<<"$got"; then
	ok "the completion of a comma list goes on after the comma ($t1,$t2)"
else
	notok "the completion of run --tests '$t1,' offers '$(echo $got)'"
fi
if grep -qE 'alloc|best-fit|video|--heaps|--trace' "$COMP"; then
	notok "the completion names tests, policies, workloads or options itself:" \
		"$(grep -nE 'alloc|best-fit|video|--heaps|--trace' "$COMP")"
else
	ok "the completion names no test, policy, workload or option: it reads --options"
fi
exit $status
