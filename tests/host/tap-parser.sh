#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness itself: sample results (pass, fail, skip, todo, no plan, plan
# mismatch, timeout, bail out, exit status, never ran, died while running)
# through scripts/tap_summary.py, the parser run-tests.sh uses.
# timeout: 60
. "$(dirname "$0")/../lib.sh"

REPO=$(cd "$(dirname "$0")/../.." && pwd -P)
SUMMARY=$REPO/scripts/tap_summary.py
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
work=$(mktemp -d)
at_exit rm -rf "$work"

plan_no

# sample ID RC TIMEOUT TAP: one test's results in group $g
g=$work/g
mkdir -p "$g"
echo sample >"$g/label"
sample() {
	local id=$1 rc=$2 to=$3
	printf '%s\ttests/%s.sh\n' "$id" "$id" >>"$g/expected"
	printf '%b' "$4" >"$g/$id.tap"
	printf 'rc=%s\ntimeout=%s\nlimit=5\nseconds=1\n' "$rc" "$to" >"$g/$id.status"
}
sample pass 0 0 '1..3\nok 1 - a\nok 2 - b\nok 3\n'
sample fail 1 0 '1..2\nok 1 - a\nnot ok 2 - b\n# got: 1\n# expected: 2\n'
sample skip 0 0 '1..2\nok 1 - a\nok 2 - b # SKIP no tshark\n'
sample todo 0 0 '1..2\nnot ok 1 - gap # TODO later\nok 2 - b\n'
sample skipall 0 0 '1..0 # SKIP not on this kernel\n'
sample noplan 0 0 'ok 1 - a\n'
sample mismatch 1 0 '1..3\nok 1 - a\nok 2 - b\n'
sample timeout 124 1 '1..2\nok 1 - a\n'
sample bail 255 0 '1..2\nok 1 - a\nBail out! no module\n'
sample rc 3 0 '1..1\nok 1 - a\n'
sample late 0 0 'ok 1 - a\nok 2 - b\n1..2\n'
printf 'never\ttests/never.sh\n' >>"$g/expected"
printf 'died\ttests/died.sh\n' >>"$g/expected"
printf '1..2\nok 1 - a\n' >"$g/died.tap"
printf '# ---- tests/died.sh (timeout 5s)\nKernel panic - not syncing: x\n' >"$g/serial.log"

json=$("$PY" "$SUMMARY" --json "$g")
is "$?" 1 "a failing run exits 1"

# count ID FIELD: a number from the JSON
count() {
	"$PY" -c 'import json, sys
d = json.loads(sys.argv[1])
for t in d["groups"][0]["tests"]:
    if t["id"] == sys.argv[2]:
        print(t[sys.argv[3]])' "$json" "$1" "$2"
}
# expect ID PASSED FAILED SKIPPED
expect() {
	is "$(count "$1" passed)/$(count "$1" failed)/$(count "$1" skipped)" \
		"$2/$3/$4" "$1: passed/failed/skipped"
}
expect pass 3 0 0
expect fail 1 1 0
expect skip 1 0 1
expect todo 2 0 0
expect skipall 0 0 1
expect noplan 1 1 0
expect mismatch 2 1 0
expect timeout 1 1 0
expect bail 1 1 0
expect rc 1 1 0
expect late 2 0 0
expect never 0 1 0
expect died 0 1 0
is "$(count todo todo)" 1 "todo counted as todo"
like "$(count mismatch problems)" "planned 3 points, ran 2" "mismatch reason"
unlike "$(count mismatch problems)" "exited" "mismatch not counted twice"
like "$(count timeout problems)" "timed out after 5 s" "timeout reason"
like "$(count bail problems)" "bailed out: no module" "bail-out reason"
like "$(count rc problems)" "exited with status 3" "exit status reason"
like "$(count never problems)" "did not run" "never-run reason"
like "$(count died problems)" "did not finish" "died-in reason"

text=$("$PY" "$SUMMARY" "$g")
is "$?" 1 "text mode exits 1 too"
is "$(tail -n 1 <<<"$text")" "15 passed, 8 failed, 2 skipped" "last line is the summary"
like "$text" $'\\[sample\\] tests/pass.sh \\.+ ok 3/3\n' "per-test line"
like "$text" "not ok 2 - b"$'\n'" +# got: 1" "failing point with its diagnostics"
like "$text" "Kernel panic - not syncing" "serial console quoted for the test the VM died in"

# All good: exit 0, no ", N skipped" without skips.
g=$work/ok
mkdir -p "$g"
sample pass 0 0 '1..2\nok 1\nok 2\n'
text=$("$PY" "$SUMMARY" "$g")
is "$?" 0 "a passing run exits 0"
is "$(tail -n 1 <<<"$text")" "2 passed, 0 failed" "summary without skips"

# Nothing ran at all is a failure.
g=$work/empty
mkdir -p "$g"
: >"$g/expected"
text=$("$PY" "$SUMMARY" "$g")
is "$?" 1 "an empty run exits 1"
is "$(tail -n 1 <<<"$text")" "0 passed, 1 failed" "an empty run counts one failure"
