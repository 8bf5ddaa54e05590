#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl command line: the help is true (every word the native parsers
# accept is in the usage and every word of the usage is accepted), options
# and commands exist, exit codes, the man page renders without warnings,
# the bash completion is valid, make install / clean.
# timeout: 180

. "$(dirname "$0")/ctl-lib.sh"

build_ctl
cd "$WORK" || exit 1

# --- Native help = parser -------------------------------------------------

# Words of the synopsis (up to the first blank line), placeholders and
# "ipsec6ctl FAMILY" left out.
synopsis_words()
{
	"$CTL" "$1" --help | sed '/^$/q' | tr -c 'a-zA-Z0-9_-' '\n' |
		grep -E '^[a-z][a-z0-9_-]*$' | grep -vxE "ipsec6ctl|$1" |
		sort -u
}

for fam in sa policy; do
	want=$("$CTL" debug keywords $fam)
	got=$(synopsis_words $fam)
	if [[ -n $want && $want == "$got" ]]; then
		ok "$fam --help lists exactly the words its parser accepts"
	else
		not_ok "$fam --help lists exactly the words its parser accepts" \
			"parser only: $(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')" \
			"help only: $(comm -13 <(echo "$want") <(echo "$got") | tr '\n' ' ')"
	fi
	for sub in add update del delete get list show ls flush count; do
		run_ctl out err --dry-run $fam $sub
		if grep -q "unknown subcommand" err; then
			not_ok "$fam $sub is a subcommand" "$(cat err)"
			continue 2
		fi
	done
	ok "every $fam subcommand of the help exists"
done

# Each keyword is really taken as a keyword (not an unknown argument).
bad=""
for w in src dst proto spi mode reqid replay-window flag auth auth-trunc \
	 enc aead limit sel index policy dir; do
	run_ctl out err --dry-run sa add $w
	grep -q "unknown argument '$w'" err && bad+=" $w"
done
for w in src dst proto sport dport type code dev dir index priority action \
	 tmpl bundle flag ptype; do
	run_ctl out err --dry-run policy add $w
	grep -q "unknown argument '$w'" err && bad+=" policy:$w"
done
expect_eq "every keyword of the help is accepted" "" "$bad"

# --- Commands, options, exit codes --------------------------------------

run_ctl out err help
expect_eq "help: exit 0, usage on stdout" "0:Usage: ipsec6ctl [OPTIONS] COMMAND [ARGUMENTS]" \
	"$RC:$(head -1 out)"
cmds=$(sed -n '/^Commands of the Windows/,/^$/p;/^Native commands/,/^$/p' out |
	awk '/^  [a-z]/ { print $1 }')
expect_eq "help lists the commands" "sp sa s l d policy sa stats monitor help" \
	"$(tr '\n' ' ' <<<"$cmds" | sed 's/ $//')"
for c in $cmds; do
	run_ctl out err "$c" --help
	usage_of=$c
	[[ $c == help ]] && usage_of="\[OPTIONS\]"
	if [[ $RC != 0 ]] || ! grep -q "^Usage: ipsec6ctl $usage_of" out; then
		not_ok "$c --help prints its usage" "exit $RC: $(cat out err)"
		continue
	fi
	run_ctl out2 err help "$c"
	if [[ $RC != 0 ]] || ! cmp -s out out2; then
		not_ok "help $c = $c --help" "$(diff out out2)"
		continue
	fi
	ok "$c --help and help $c print its usage"
done

# Options of the help: each is accepted.
run_ctl out err --help
opts=$(sed -n '/^Options/,/^$/p' out | grep -oE '(^|[ ,])--?[a-zA-Z][a-z-]*' |
	tr -d ' ,' | sort -u)
expect_eq "help lists the options" \
	"$(printf '%s\n' --batch --dry-run --help --json --netns --version -V -b -batch -h -j -n | sort)" \
	"$opts"
: >empty.batch
for o in $opts; do
	case $o in
	-b|-batch|--batch) args=("$o" empty.batch) ;;
	-n|--netns) args=("$o" nosuchns sp) ;;
	-h|--help|-V|--version) args=("$o") ;;
	*) args=("$o" --dry-run sp) ;;
	esac
	run_ctl out err "${args[@]}"
	case $o in
	-n|--netns)
		if grep -q "netns nosuchns: /run/netns/nosuchns" err; then
			ok "option $o is accepted"
		else
			not_ok "option $o is accepted" "$(cat err)"
		fi ;;
	*)
		expect_eq "option $o is accepted" "0" "$RC" ;;
	esac
done
run_ctl out err -V
expect_eq "-V prints the version" "ipsec6ctl 0.1 (ipsec6 netlink family version 1)" "$(cat out)"

run_ctl out err frobnicate
expect_eq "an unknown command: exit 2, usage on stderr, nothing on stdout" \
	"2::Usage: ipsec6ctl [OPTIONS] COMMAND [ARGUMENTS]" "$RC:$(cat out):$(head -1 err)"
expect_grep "an unknown command is named" err "unknown command 'frobnicate'"
run_ctl out err --frobnicate sp
expect_eq "an unknown option: exit 2, usage on stderr" \
	"2:Usage: ipsec6ctl [OPTIONS] COMMAND [ARGUMENTS]" "$RC:$(head -1 err)"
run_ctl out err
expect_eq "no command: exit 2" 2 "$RC"
run_ctl out err -batch
expect_eq "an option without its value: exit 2" 2 "$RC"
run_ctl out err -batch empty.batch sp
expect_eq "-batch with a command: exit 2" 2 "$RC"
run_ctl out err --dry-run sp x
expect_eq "sp with a bad IFINDEX: exit 2" 2 "$RC"
run_ctl out err --dry-run l
expect_eq "l without NAME: exit 2" 2 "$RC"
run_ctl out err --dry-run l --force x
expect_eq "l with an unknown option: exit 2" 2 "$RC"
run_ctl out err --dry-run s
expect_eq "s without NAME: exit 2" 2 "$RC"
run_ctl out err --dry-run stats now
expect_eq "stats with an argument: exit 2" 2 "$RC"
run_ctl out err --dry-run l missing
expect_eq "a failing command: exit 1, 'ipsec6ctl: ' messages" \
	"1:ipsec6ctl: missing.spd: No such file or directory" "$RC:$(head -1 err)"

# Without the module (this host never loads it) the message says so.
if ! grep -qw '^ipsec6' /proc/modules 2>/dev/null; then
	run_ctl out err sp
	expect_eq "without the module: a clear message" \
		"1:ipsec6ctl: the ipsec6 module is not loaded (modprobe ipsec6 / insmod ipsec6.ko)" \
		"$RC:$(cat err)"
else
	ok "without the module: a clear message # SKIP the module is loaded"
fi

# --- Man page, completion, install --------------------------------------

MAN=$CTLDIR/ipsec6ctl.8
if command -v man >/dev/null; then
	warn=$(man --warnings -E UTF-8 -l "$MAN" 2>&1 >/dev/null)
	expect_eq "the man page renders without warnings" "" "$warn"
else
	ok "the man page renders without warnings # SKIP no man(1)"
fi
missing=""
for w in sp sa s l d policy stats monitor help --json --batch --netns \
	 --dry-run --replace IPSEC6CTL_TEST_DUMP_INTR IPSEC6CTL_DUMP_MSGS \
	 PRIORITY= REQID= FLAGS= TUNNEL_LOCAL= ICMP_TYPE= AEAD= ENC= \
	 ENCKEYFILE= ICV= REPLAY= ESN=1 SRC= PROTO= MODE= SOFT_BYTES= \
	 HARD_USE_SECONDS=; do
	grep -qF -- "${w//-/\\-}" "$MAN" || missing+=" $w"
done
expect_eq "the man page documents commands, options, extensions" "" "$missing"

COMP=$CTLDIR/completion/ipsec6ctl.bash
check "the bash completion is valid bash" bash -n "$COMP"
compl()
{
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_WORDS[0]=$CTL
		_ipsec6ctl; echo "${COMPREPLY[*]}"' _ "$COMP" "$@"
}
export CTL
expect_eq "completion: commands" "policy" "$(compl ipsec6ctl po)"
expect_eq "completion: keywords from the parser" "proto" \
	"$(compl ipsec6ctl sa add src A pro)"
expect_eq "completion: options" "--dry-run" "$(compl ipsec6ctl --dr)"

mkdir -p src/tools src/module
cp -r "$CTLDIR" src/tools/
cp -r "$REPO/module/uapi" src/module/
rm -f src/tools/ipsec6ctl/*.o src/tools/ipsec6ctl/*.d src/tools/ipsec6ctl/ipsec6ctl
out=$(make -s -C src/tools/ipsec6ctl 2>&1)
expect_eq "a clean build has no warning" "" "$(grep -E 'warning|error' <<<"$out")"
make -s -C src/tools/ipsec6ctl install PREFIX=/usr/local DESTDIR="$WORK/root" >/dev/null 2>&1
if [[ -x root/usr/local/sbin/ipsec6ctl &&
      -f root/usr/local/share/man/man8/ipsec6ctl.8 &&
      -f root/usr/local/share/bash-completion/completions/ipsec6ctl ]]; then
	ok "make install puts binary, man page and completion under PREFIX"
else
	not_ok "make install" "$(cd root && find . -type f)"
fi
make -s -C src/tools/ipsec6ctl clean >/dev/null 2>&1
left=$(cd src/tools/ipsec6ctl && ls ./*.o ./*.d ipsec6ctl 2>/dev/null)
expect_eq "make clean removes what the build made" "" "$left"

done_testing
