# SPDX-License-Identifier: GPL-2.0
#
# scripts/dmesg-known.awk: pass a kernel log through, leaving out reports
# of the kernel's own that are known false positives (none of ipsec6's
# code in them), each replaced by one line that names it.  Used by
# tests/lib.sh (dmesg_clean) and scripts/guest-tests.sh (kernel-log.tap).
#
# Known:
#  - padata, 6.1 (debug kernel with lockdep, pcrypt in tests/60 and 61):
#    padata_reorder() takes a reorder list's lock while holding a serial
#    queue's; both are struct padata_list locks, one lockdep class, no
#    nesting annotation: "possible recursive locking detected", held and
#    wanted both "&pd_list->lock" in padata_do_serial.  The order is
#    always serial -> reorder, never the other way round.
#    NB: lockdep switches itself off after any report, this one included.

function flush(known) {
	if (known)
		print "ipsec6-test: known kernel false positive left out: " known
	else
		for (i = 1; i <= n; i++)
			print buf[i]
	n = 0
	inrep = 0
}

inrep {
	buf[++n] = $0
	if ($0 ~ /<\/TASK>/ || n >= 120) {
		k = ""
		if (body ~ /trying to acquire lock:.*\(&pd_list->lock\).*already holding lock:.*\(&pd_list->lock\)/ &&
		    body ~ /padata_do_serial/)
			k = "padata pd_list->lock recursive locking (lockdep class shared by two lists)"
		flush(k)
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
