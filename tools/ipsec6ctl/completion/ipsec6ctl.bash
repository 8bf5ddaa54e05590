# SPDX-License-Identifier: GPL-2.0
# bash completion for ipsec6ctl(8)

_ipsec6ctl_words()
{
	# Words of the native parsers, from the binary itself.
	"${COMP_WORDS[0]}" debug keywords "$1" 2>/dev/null
}

_ipsec6ctl()
{
	local cur prev i cmd="" cmdi=0
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# Find the command after the global options.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-b|-batch|--batch|-n|--netns)
			((i++)) ;;
		-*) ;;
		*)
			cmd=${COMP_WORDS[i]}
			cmdi=$i
			break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-b|-batch|--batch)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return ;;
		-n|--netns)
			mapfile -t COMPREPLY < <(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur")
			return ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-j --json -b -batch --batch -n --netns --dry-run -h --help -V --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "sp sa s l d policy stats monitor help" -- "$cur")
		fi
		return
	fi

	case $cmd in
	s|l)
		if [[ $cmd == l && $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--replace" -- "$cur")
			return
		fi
		# NAME: the .spd files without their extension, and folders.
		local f
		while IFS= read -r f; do
			COMPREPLY+=("${f%.spd}")
		done < <(compgen -f -X '!*.spd' -- "$cur")
		while IFS= read -r f; do
			COMPREPLY+=("$f/")
		done < <(compgen -d -- "$cur")
		compopt -o nospace 2>/dev/null
		return ;;
	d)
		if ((COMP_CWORD == cmdi + 1)); then
			mapfile -t COMPREPLY < <(compgen -W "sp sa" -- "$cur")
		elif ((COMP_CWORD == cmdi + 2)); then
			mapfile -t COMPREPLY < <(compgen -W "all" -- "$cur")
		fi
		return ;;
	help)
		mapfile -t COMPREPLY < <(compgen -W "sp sa s l d policy stats monitor" -- "$cur")
		return ;;
	sp|stats|monitor)
		return ;;
	policy|sa)
		case $prev in
		dev)
			mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
			return ;;
		keyfile)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return ;;
		esac
		if ((COMP_CWORD == cmdi + 1)); then
			mapfile -t COMPREPLY < <(compgen -W "add update del get list show ls flush count" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_ipsec6ctl_words "$cmd")" -- "$cur")
		fi
		return ;;
	esac
}

complete -F _ipsec6ctl ipsec6ctl
