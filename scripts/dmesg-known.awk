# SPDX-License-Identifier: GPL-2.0
#
# scripts/dmesg-known.awk: pass a kernel log through, leaving out reports
# of the kernel's own that are known false positives (none of ipsec6's
# code in them), each replaced by one line that names it.  Used by
# tests/lib.sh (dmesg_clean) and scripts/guest-tests.sh (kernel-log.tap).
#
# Known: none at present.  The one there was, padata's "possible recursive
# locking detected" on &pd_list->lock in padata_do_serial() (6.1, lockdep),
# came from pcrypt, which tests/60 and 61 no longer use: crypto_async=1
# goes through cryptd.  To add one, give known() a pattern of its report
# and a name; reports of that kind are collected whole (up to </TASK>).

# The name of a known false positive whose report is @body, or "".
function known(body) {
	return ""
}

function flush(name) {
	if (name)
		print "ipsec6-test: known kernel false positive left out: " name
	else
		for (i = 1; i <= n; i++)
			print buf[i]
	n = 0
	inrep = 0
}

inrep {
	buf[++n] = $0
	if ($0 ~ /<\/TASK>/ || n >= 120) {
		flush(known(body))
	} else {
		body = body " " $0
	}
	next
}

/WARNING: possible recursive locking detected/ {
	inrep = 1
	n = 0
	buf[++n] = $0
	body = ""
	next
}

{ print }

END { if (inrep) flush("") }
