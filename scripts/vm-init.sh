#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the initramfs that scripts/vm.sh builds (busybox sh, not bash).
# Loads the virtio/9p modules copied in at build time, mounts the host's /
# read-only at /newroot and the results share at its host path inside it,
# prepares every mount the guest needs, then switch_root's into the host's
# bash running scripts/vm-stage2.sh (copied into the share by vm.sh).
# The mounting is done here because busybox runs from RAM: each dynamically
# linked host binary exec'd over 9p under TCG costs ~0.2 s.
export PATH=/bin
R=/newroot

die() {
	echo "vm-init: $*"
	echo o >/proc/sysrq-trigger
	sleep 10
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

while read -r m; do
	insmod "/lib/modules/$m" || echo "vm-init: insmod $m failed"
done </lib/modules/order

o=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$o,ro,cache=loose" root $R || die "cannot mount the host's /"
mkdir -p /out
mount -t 9p -o "$o" out /out || die "cannot mount the results share"
{ read -r OUTDIR; read -r REPO; read -r MODDIR; read -r KVER; } </out/.vm/paths ||
	die "no .vm/paths in the results share"
mount -o move /out "$R$OUTDIR" || die "cannot move the results share to $OUTDIR"
# A kernel the host has not installed (scripts/debug-kernel.sh): its module
# dir from the cache becomes /lib/modules/KVER (a tmpfs hides the host's).
if [ -n "$MODDIR" ]; then
	mount -t tmpfs -o mode=755 tmpfs $R/lib/modules ||
		die "cannot mount a tmpfs on /lib/modules"
	mkdir -p "$R/lib/modules/$KVER"
	mount -o bind "$R$MODDIR" "$R/lib/modules/$KVER" ||
		die "cannot mount $MODDIR at /lib/modules/$KVER"
fi

for d in proc sys dev; do
	mount -o move "/$d" "$R/$d" || die "cannot move /$d"
done
mkdir -p $R/dev/pts $R/dev/shm 2>/dev/null
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
ln -sfn /proc/self/fd $R/dev/fd 2>/dev/null
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t bpf bpf $R/sys/fs/bpf 2>/dev/null

# Writable tmpfs over the host's read-only directories that tools write:
# /run: ip netns (/run/netns; /var/run -> /run), iptables (xtables.lock);
# /root: $HOME for tshark/wireshark profiles, python; /tmp, /var/tmp: dumpcap
# ring files, mktemp.  /var/lib stays the host's (nothing here writes it).
# A repository or results directory inside one of them (a clone in /root or
# /tmp) is bound back on top.
mount -t tmpfs -o mode=755 tmpfs $R/run
mkdir -p $R/run/netns $R/run/lock $R/run/vm-orig
for d in /tmp /var/tmp /root; do
	keep=
	case $REPO in "$d"/*) keep=$REPO ;; esac
	case $OUTDIR in
	"$REPO"/*) ;;	# comes along with REPO's rbind
	"$d"/*) keep="$keep $OUTDIR" ;;
	esac
	if [ -n "$keep" ]; then
		mkdir -p "$R/run/vm-orig$d"
		mount -o rbind "$R$d" "$R/run/vm-orig$d"
	fi
	mount -t tmpfs -o mode=1777 tmpfs "$R$d"
	for p in $keep; do
		mkdir -p "$R$p"
		mount -o rbind "$R/run/vm-orig$p" "$R$p"
	done
done
chmod 700 $R/root
ip link set lo up

# shellcheck disable=SC2093 # exec only returns if switch_root failed
exec switch_root $R /bin/bash "$OUTDIR/.vm/stage2"
die "switch_root failed"
