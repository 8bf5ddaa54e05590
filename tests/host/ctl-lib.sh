# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of the ipsec6ctl host tests (ctl-*.sh): build the tool,
# a scratch folder, TAP output.  Sourced, not run.  No kernel needed: the
# tests use --dry-run (requests printed, queries see a fresh namespace).

set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CTLDIR=$REPO/tools/ipsec6ctl
CTL=$CTLDIR/ipsec6ctl
FIX=$REPO/tests/host/fixtures/ctl
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ipsec6ctl-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
unset IPSEC6CTL_TEST_DUMP_INTR IPSEC6CTL_DUMP_MSGS
export LC_ALL=C

T_N=0
T_FAILED=0
# The exit code of the last run_ctl.
# shellcheck disable=SC2034
RC=0

ok()
{
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok()
{
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"
	shift
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
}

# check NAME COMMAND...: ok if COMMAND succeeds.
check()
{
	local name=$1
	shift
	if "$@" >"$WORK/.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "command failed: $*" "$(head -c 2000 "$WORK/.out")"
	fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq()
{
	if [[ $2 == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1" "expected:" "$2" "got:" "$3"
	fi
}

# expect_line NAME FILE LINE: FILE has exactly this line.
expect_line()
{
	if grep -qxF -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1" "no line: $3" "in:" "$(head -c 2000 "$2")"
	fi
}

# expect_grep NAME FILE FIXED-STRING
expect_grep()
{
	if grep -qF -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1" "missing: $3" "in:" "$(head -c 2000 "$2")"
	fi
}

# expect_no_grep NAME FILE FIXED-STRING
expect_no_grep()
{
	if grep -qF -- "$3" "$2"; then
		not_ok "$1" "unexpected: $3" "$(grep -F -- "$3" "$2" | head -5)"
	else
		ok "$1"
	fi
}

# run_ctl OUT ERR ARGS...: run the tool, set $RC.
run_ctl()
{
	local out=$1 err=$2
	shift 2
	# shellcheck disable=SC2034
	RC=0
	# shellcheck disable=SC2034
	"$CTL" "$@" >"$out" 2>"$err" || RC=$?
}

done_testing()
{
	echo "1..$T_N"
	[[ $T_FAILED -eq 0 ]]
}

build_ctl()
{
	local out
	if ! out=$(cd "$CTLDIR" && flock .build.lock make -s 2>&1) ||
	   [[ ! -x $CTL ]]; then
		echo "Bail out! ipsec6ctl does not build: $out"
		exit 1
	fi
	if grep -q 'warning:' <<<"$out"; then
		not_ok "ipsec6ctl builds without warnings" "$out"
	else
		ok "ipsec6ctl builds without warnings"
	fi
}

# The Windows example of the spec: two policies, two SAs, one key file.
example_files()
{
	local dir=$1
	mkdir -p "$dir"
	cp "$FIX/example.spd" "$FIX/example.sad" "$dir/"
	printf 'This is a test' >"$dir/Test.key"
}

# A .spd / .sad with the given entry lines between the borders.
mk_spd()
{
	local f=$1
	shift
	{
		printf '\nSecurity Policy List\n\nPolicy RemoteIPAddr LocalIPAddr Protocol RemotePort LocalPort IPSecProtocol IPSecMode RemoteGWIPAddr SABundleIndex Direction Action InterfaceIndex\n'
		echo '________________'
		printf '%s\n' "$@"
		echo '________________'
		printf '\n- = Take selector from policy.\n+ = Take selector from packet.\n'
	} >"$f"
}

mk_sad()
{
	local f=$1
	shift
	{
		printf '\nSecurity Association List\n\nSAEntry SPI SADestIPAddr DestIPAddr SrcIPAddr Protocol DestPort SrcPort AuthAlg KeyFile Direction SecPolicyIndex\n'
		echo '________________'
		printf '%s\n' "$@"
		echo '________________'
	} >"$f"
}
