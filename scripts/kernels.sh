#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kernels.sh - print the kernel versions the suite runs on, one a
# line: the newest installed Debian 6.1 and 6.12 -amd64 kernels that have
# both headers (/lib/modules/VER/build) and an image (/boot/vmlinuz-VER).
# KVERS="a b" overrides the selection.
set -euo pipefail

if [[ -n ${KVERS:-} ]]; then
	for k in $KVERS; do echo "$k"; done
	exit 0
fi

found=0
for series in 6.1 6.12; do
	best=
	for d in /lib/modules/"$series".*-amd64; do
		k=${d##*/}
		[[ -d $d/build && -f /boot/vmlinuz-$k ]] || continue
		best+="$k"$'\n'
	done
	best=$(printf '%s' "$best" | sort -V | tail -n 1)
	if [[ -n $best ]]; then
		echo "$best"
		found=1
	else
		echo "kernels: no usable $series.*-amd64 kernel (run scripts/deps.sh)" >&2
	fi
done
((found))
