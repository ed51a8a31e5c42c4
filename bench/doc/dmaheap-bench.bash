# SPDX-License-Identifier: MIT
# Bash completion of dmaheap-bench: commands, options, tests, heap names, sizes and frag's values.

_dmaheap_bench()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	if [[ $cword -eq 1 ]]; then
		mapfile -t COMPREPLY < <(compgen -W 'list run frag --help --version' -- "$cur")
		return
	fi
	local cmd=${words[1]} prefix list
	case $prev in
	--heaps)
		list="all udmabuf memfd"
		[[ -d /dev/dma_heap ]] && list+=" $(command ls /dev/dma_heap 2>/dev/null)"
		;;
	--heap)
		mapfile -t COMPREPLY < <(compgen -W "$(command ls /dev/dma_heap 2>/dev/null)" -- "$cur")
		return
		;;
	--workload) list="video camera random" ;;
	--policy) list="best-fit first-fit buddy all" ;;
	--region) list="64M 256M 1G" ;;
	--granule) list="4K 64K" ;;
	--trace | --emit-trace)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--seed | --util | --ops | --interval | --repeat) return ;;
	--tests) list="alloc map cpu sync" ;;
	--sizes) list="4K 64K 1M 8M 32M 4K..32M" ;;
	--table) list="full summary none" ;;
	--events) list="none kmem:mm_page_alloc kmem:mm_page_free cma:cma_alloc_start cma:cma_release" ;;
	--max-mem) list="256M 512M 1G 2G" ;;
	--csv | --json)
		if [[ $cmd == run || $cmd == frag ]]; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return
		fi
		;;
	--iterations | --duration | --warmup | --cpu) return ;;
	esac
	if [[ -n $list ]]; then
		# Comma lists: complete the item after the last comma.
		prefix=""
		[[ $cur == *,* ]] && prefix=${cur%,*},
		mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$list" -- "${cur##*,}")
		compopt -o nospace 2>/dev/null
		return
	fi
	# The options come from the command's own --help, which its option table prints.
	case $cmd in
	list | run | frag)
		list=$("${words[0]}" "$cmd" --help 2>/dev/null | grep -o -- '^  --[a-z-]*')
		mapfile -t COMPREPLY < <(compgen -W "$list" -- "$cur")
		;;
	esac
}
complete -F _dmaheap_bench dmaheap-bench
