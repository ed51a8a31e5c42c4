# SPDX-License-Identifier: MIT
# Bash completion of dmaheap-bench, read from the command itself: `dmaheap-bench --options` lists
# the commands and `dmaheap-bench --options COMMAND` a command's options, one a line
# "--NAME<TAB>KIND<TAB>VALUES" (KIND flag, text, file, word or list), from its option table.
# Nothing here names a command, an option, a test or a heap (bench.options checks).

_dmaheap_bench()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	local bin=${words[0]} cmd=${words[1]} line name kind values prefix
	local -a opts=()
	if [[ $cword -eq 1 || ($cword -eq 2 && $cmd == --options) ]]; then
		values=$("$bin" --options 2>/dev/null | cut -f1)
		[[ $cword -eq 1 ]] && values+=" --help --version --options"
		mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
		return
	fi
	while IFS=$'\t' read -r name kind values; do
		opts+=("$name")
		[[ $name == "$prev" ]] && line=$kind$'\t'$values
	done < <("$bin" --options "$cmd" 2>/dev/null)
	if [[ -n $line && $line != flag$'\t'* ]]; then
		kind=${line%%$'\t'*}
		values=${line#*$'\t'}
		case $kind in
		file)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			;;
		word)
			mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
			;;
		list | text)
			# A comma list: complete the item after the last comma; text: suggestions.
			prefix=""
			[[ $kind == list && $cur == *,* ]] && prefix=${cur%,*},
			mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$values" -- "${cur##*,}")
			[[ $kind == list ]] && compopt -o nospace 2>/dev/null
			;;
		esac
		return
	fi
	mapfile -t COMPREPLY < <(compgen -W "${opts[*]}" -- "$cur")
}
complete -F _dmaheap_bench dmaheap-bench
