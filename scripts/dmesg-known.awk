# SPDX-License-Identifier: GPL-2.0
#
# scripts/dmesg-known.awk: pass a kernel log through, leaving out reports
# of the kernel's own that are known false positives (none of ipsec6's
# code in them), each replaced by one line that names it.  Used by
# tests/lib.sh (dmesg_clean) and scripts/guest-tests.sh (kernel-log.tap).
#
# Known: padata's "possible recursive locking detected" on &pd_list->lock
# in padata_do_serial() (6.1 with lockdep): padata_reorder() nests the
# locks of two per-CPU reorder lists of one lock class.  It comes from
# pcrypt, which crypto_async=1 (tests/60, 61) still uses on 6.1 kernels
# with crypto self-tests for the transforms cryptd cannot wrap there
# (module/crypto.c, ipsec6_crypto_cryptd_ok()).  Reports of a known kind
# are collected whole (up to </TASK>); to add one, give known() a pattern
# of its report and a name.

# The name of a known false positive whose report is @body, or "".
function known(body) {
	if (body ~ /is trying to acquire lock:.*&pd_list->lock.*at: padata_do_serial/ &&
	    body ~ /already holding lock:.*&pd_list->lock.*at: padata_do_serial/)
		return "padata pd_list->lock nesting (pcrypt, lockdep)"
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
