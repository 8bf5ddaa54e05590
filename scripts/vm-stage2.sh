#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of a scripts/vm.sh guest, after switch_root onto the host's / (a
# read-only 9p mount; scripts/vm-init.sh did all the mounting).  vm.sh copies
# this file to OUTDIR/.vm/stage2 next to .vm/env (REPO KVER IPSEC6_KO
# IPSEC6CTL RESULTS and -e variables) and .vm/cmd (the command as a bash
# array).  Runs the command with its output on the serial console and in
# $RESULTS/console.log, then writes $RESULTS/dmesg.txt and $RESULTS/rc and
# powers off.  Builtins only where possible: every exec of a host binary
# costs ~0.2 s under TCG.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
VMDIR=${0%/*}

# shellcheck disable=SC1091
. "$VMDIR/env"
# shellcheck disable=SC1091
. "$VMDIR/cmd"
export REPO KVER IPSEC6_KO IPSEC6CTL RESULTS
export IPSEC6_VM=1

echo ipsec6-vm >/proc/sys/kernel/hostname
# Warnings and worse on the console (boot was quiet); all of it in dmesg.txt.
echo 5 >/proc/sys/kernel/printk
read -r up _ </proc/uptime
echo "vm: $KVER up in ${up}s: ${CMD[*]}" >/dev/console

cd "$REPO" || echo "vm: cannot cd to $REPO" >/dev/console
# Output goes to a file, and tail copies it to the console: a daemon the
# command leaves behind cannot hold a pipe open and hang us.
"${CMD[@]}" </dev/null >"$RESULTS/console.log" 2>&1 &
pid=$!
tail -n +1 -s 0.2 --pid="$pid" -f "$RESULTS/console.log" >/dev/console 2>&1 &
tpid=$!
wait "$pid"
rc=$?
wait "$tpid"

dmesg >"$RESULTS/dmesg.txt" 2>&1
# The share is mounted sync: rc is on the host once echo returns.
echo "$rc" >"$RESULTS/rc"
read -r up _ </proc/uptime
echo "vm: done, rc=$rc, ${up}s" >/dev/console
echo o >/proc/sysrq-trigger
# Power-off is asynchronous; the host's filesystem may be gone by now, so
# builtins only.  Not reached past the timeout unless sysrq is compiled out.
read -rt 10 _ </dev/console
busybox poweroff -f 2>/dev/null
