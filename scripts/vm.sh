#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vm.sh - run a command in a fresh QEMU guest of a Debian kernel.
#
#   scripts/vm.sh -k KVER -o OUTDIR [-m MEM_MB] [-c CPUS] [-t TIMEOUT_S]
#                 [-q] [-e NAME=VALUE]... -- CMD [ARGS...]
#
# The guest boots /boot/vmlinuz-KVER (TCG, no KVM) with a small busybox
# initramfs, runs on the host's / mounted read-only over virtio-9p and gets
# OUTDIR as a writable share mounted at the same path.  CMD runs as root in
# REPO (this repository, same path as on the host) with REPO, KVER,
# IPSEC6_KO, IPSEC6CTL and RESULTS (= OUTDIR) exported.
#
# OUTDIR afterwards: console.log (CMD's output), dmesg.txt (the guest's
# kernel log at the end), rc (CMD's exit code), serial.log (the whole serial
# console as the host saw it, boot and kernel messages included).
#
# Exit: CMD's exit code; 124 when the timeout killed QEMU; 125 when the
# guest ended without writing rc (panic, crash, QEMU failure); 2 on usage.
#
#   -m MEM_MB    guest memory (default 1024, env VM_MEM)
#   -c CPUS      vCPUs (default 1, env VM_CPUS)
#   -t TIMEOUT_S wall-clock limit for the whole VM (default 1800, env VM_TIMEOUT)
#   -q           serial console only to OUTDIR/serial.log, not to stdout
#   -e N=V       export N=V in the guest too (repeatable)
# Env VM_APPEND adds kernel parameters; VM_BZIMAGE=1 boots the compressed
# bzImage instead of the extracted vmlinux (slower; for kernels without
# CONFIG_PVH); IPSEC6_CACHE moves the initramfs/vmlinux cache (default
# /var/cache/ipsec6, falling back to build/ if not writable).
# A KVER not installed in /boot is looked up in $IPSEC6_CACHE/kernels/KVER/
# (scripts/debug-kernel.sh registers its kernel there): vmlinux is booted
# as it is, and root/lib/modules/KVER is bind-mounted over /lib/modules/KVER
# in the guest.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$SCRIPTS/.." && pwd -P)

usage() {
	sed -n '4,31s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

KVER='' OUTDIR='' MEM=${VM_MEM:-1024} CPUS=${VM_CPUS:-1} TIMEOUT=${VM_TIMEOUT:-1800}
QUIET=0
EXTRA_ENV=()
while getopts k:o:m:c:t:qe:h opt; do
	case $opt in
	k) KVER=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	m) MEM=$OPTARG ;;
	c) CPUS=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	q) QUIET=1 ;;
	e) [[ $OPTARG == [A-Za-z_]*=* ]] || usage; EXTRA_ENV+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ -n $KVER && -n $OUTDIR && $# -gt 0 ]] || usage
KERNEL=/boot/vmlinuz-$KVER
# MODROOT: where lib/modules/KVER is ("" = the host's /lib/modules).
MODROOT=''
KREG=${IPSEC6_CACHE:-/var/cache/ipsec6}/kernels/$KVER
if [[ ! -e $KERNEL && -r $KREG/vmlinux && -d $KREG/root ]]; then
	KERNEL=$(readlink -f "$KREG/vmlinux")
	# The debug kernel registers its bzImage: its PVH entry does not boot.
	[[ -r $KREG/bzImage ]] && KERNEL=$(readlink -f "$KREG/bzImage")
	MODROOT=$(readlink -f "$KREG/root")
fi
MODDIR=$MODROOT/lib/modules/$KVER
[[ -r $KERNEL ]] || { echo "vm: no $KERNEL" >&2; exit 2; }
[[ -d $MODDIR ]] || { echo "vm: no $MODDIR" >&2; exit 2; }
for need in qemu-system-x86_64 modprobe cpio xz readelf; do
	command -v "$need" >/dev/null ||
		{ echo "vm: $need not found (run scripts/deps.sh)" >&2; exit 2; }
done
[[ -x /bin/busybox ]] || { echo "vm: no /bin/busybox (busybox-static)" >&2; exit 2; }

# --- initramfs: busybox + the modules needed to mount 9p, cached ----------
# Keyed by the kernel's module set and the scripts that shape the image.
CACHE=${IPSEC6_CACHE:-/var/cache/ipsec6}
mkdir -p "$CACHE/initramfs" 2>/dev/null && [[ -w $CACHE/initramfs ]] ||
	CACHE=$REPO/build
mkdir -p "$CACHE/initramfs"
key=$( {
	cat "$SCRIPTS/vm.sh" "$SCRIPTS/vm-init.sh"
	echo "$KVER"
	stat -c '%s %Y' "$MODDIR/modules.dep" /bin/busybox
} | sha256sum | cut -c1-16)
INITRD=$CACHE/initramfs/$KVER-$key.cpio

build_initramfs() {
	local d m line f seen=" "
	d=$(mktemp -d "$CACHE/initramfs/tmp.XXXXXX")
	mkdir -p "$d"/{bin,dev,proc,sys,newroot,lib/modules}
	cp /bin/busybox "$d/bin/busybox"
	for a in sh mount insmod mkdir ln chmod ip switch_root cat echo sleep \
		poweroff; do
		ln -s busybox "$d/bin/$a"
	done
	install -m 755 "$SCRIPTS/vm-init.sh" "$d/init"
	: >"$d/lib/modules/order"
	for m in virtio_pci 9pnet_virtio 9p; do
		# Dry run: reads modules.dep of KVER, loads nothing.
		while read -r line; do
			[[ $line == insmod\ * ]] || continue	# "builtin NAME"
			f=${line#insmod }
			f=${f%% *}
			[[ $seen == *" $f "* ]] && continue
			seen+="$f "
			m=${f##*/}
			m=${m%%.ko*}.ko
			case $f in
			*.ko.xz) xz -dc "$f" >"$d/lib/modules/$m" ;;
			*.ko.zst) zstd -qdc "$f" >"$d/lib/modules/$m" ;;
			*.ko.gz) gzip -dc "$f" >"$d/lib/modules/$m" ;;
			*) cp "$f" "$d/lib/modules/$m" ;;
			esac
			echo "$m" >>"$d/lib/modules/order"
		done < <(modprobe ${MODROOT:+-d "$MODROOT"} -S "$KVER" --show-depends "$m")
	done
	(cd "$d" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet) >"$d.cpio"
	rm -f "$CACHE/initramfs/$KVER"-*.cpio	# older keys
	mv "$d.cpio" "$INITRD"
	rm -rf "$d"
}
[[ -s $INITRD ]] || build_initramfs

# --- the kernel, uncompressed ----------------------------------------------
# Debian's bzImage is xz (6.1) or zstd (6.12) compressed; decompressing it
# under TCG costs ~3 s per boot.  QEMU boots the ELF vmlinux directly (PVH
# entry, CONFIG_PVH=y), so extract it once, like the kernel's
# scripts/extract-vmlinux does.
VMLINUX=$CACHE/initramfs/vmlinux-$KVER-$(stat -c '%s-%Y' "$KERNEL")
extract_vmlinux() {
	local magic cmd off old tmp=$VMLINUX.tmp.$$
	for magic in "\xfd7zXZ\x00:xz -dc" "\x28\xb5\x2f\xfd:zstd -qdc" \
		"\x1f\x8b\x08:gzip -dc"; do
		cmd=${magic#*:}
		command -v "${cmd%% *}" >/dev/null || continue
		for off in $(LC_ALL=C grep -aobUP "${magic%%:*}" "$KERNEL" |
			cut -d: -f1 | head -n 5); do
			tail -c +$((off + 1)) "$KERNEL" | $cmd >"$tmp" 2>/dev/null
			if readelf -h "$tmp" >/dev/null 2>&1; then
				mv "$tmp" "$VMLINUX" || return 1
				for old in "$CACHE/initramfs/vmlinux-$KVER"-*; do
					[[ $old == "$VMLINUX" || $old == *.tmp.* ]] ||
						rm -f "$old"
				done
				return 0
			fi
		done
	done
	rm -f "$tmp"
	return 1
}
if [[ -n ${VM_BZIMAGE:-} ]]; then
	VMLINUX=$KERNEL		# a kernel without CONFIG_PVH
elif [[ -n $MODROOT ]]; then
	VMLINUX=$KERNEL		# a registered kernel boots as registered
elif [[ ! -s $VMLINUX ]] && ! extract_vmlinux; then
	echo "vm: cannot extract vmlinux from $KERNEL, booting it compressed" >&2
	VMLINUX=$KERNEL
fi

# --- the results share ------------------------------------------------------
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd -P)
rm -rf "$OUTDIR/.vm" "$OUTDIR/rc" "$OUTDIR/console.log" \
	"$OUTDIR/dmesg.txt" "$OUTDIR/serial.log"
mkdir "$OUTDIR/.vm"
# The 3rd and 4th lines: the module dir to mount over /lib/modules/KVER.
printf '%s\n' "$OUTDIR" "$REPO" "${MODROOT:+$MODDIR}" "$KVER" >"$OUTDIR/.vm/paths"
install -m 755 "$SCRIPTS/vm-stage2.sh" "$OUTDIR/.vm/stage2"
{
	printf 'REPO=%q\n' "$REPO"
	printf 'KVER=%q\n' "$KVER"
	printf 'IPSEC6_KO=%q\n' "${BUILD_DIR:-$REPO/build}/$KVER/module/ipsec6.ko"
	printf 'IPSEC6CTL=%q\n' "$REPO/tools/ipsec6ctl/ipsec6ctl"
	printf 'RESULTS=%q\n' "$OUTDIR"
	for e in "${EXTRA_ENV[@]}"; do
		printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
	done
} >"$OUTDIR/.vm/env"
{
	printf 'CMD=('
	printf '%q ' "$@"
	printf ')\n'
} >"$OUTDIR/.vm/cmd"

# --- boot ------------------------------------------------------------------
# quiet: the console carries CMD's output; vm-stage2 raises the console
# loglevel to warnings after boot.  panic=-1 + -no-reboot: a panic ends QEMU
# at once (reported as 125) instead of hanging until the timeout.  An oops or
# WARN does not panic: the run goes on and the suite fails on dmesg.txt.
# mitigations=off: PTI and friends only slow emulated syscalls down.
# no_timer_check: on a loaded host the emulated 8254 may not tick within
# the kernel's early IO-APIC timer check, which then panics at boot ("IO-APIC
# + timer doesn't work!", seen under load average 7).
APPEND="console=ttyS0 quiet panic=-1 mitigations=off no_timer_check 8250.nr_uarts=1 ${VM_APPEND:-}"
QEMU=(qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp "$CPUS"
	-nodefaults -no-user-config -display none -no-reboot
	-serial stdio
	-kernel "$VMLINUX" -initrd "$INITRD" -append "$APPEND"
	-virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$OUTDIR,mount_tag=out,security_model=none,multidevs=remap")

start=$(date +%s.%N)
set +e
if ((QUIET)); then
	timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 |
		sed -u 's/\r$//' >"$OUTDIR/serial.log"
else
	timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 |
		sed -u 's/\r$//' | tee "$OUTDIR/serial.log"
fi
qrc=${PIPESTATUS[0]}
set -e
# The guest's last line ("reboot: Power down") has no newline.
if [[ -s $OUTDIR/serial.log && -n $(tail -c 1 "$OUTDIR/serial.log") ]]; then
	echo >>"$OUTDIR/serial.log"
	((QUIET)) || echo
fi
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

if ((qrc == 124 || qrc == 137)); then
	echo "vm: $KVER: timed out after ${TIMEOUT}s, QEMU killed (serial log: $OUTDIR/serial.log)" >&2
	exit 124
fi
if [[ -s $OUTDIR/rc ]]; then
	rc=$(<"$OUTDIR/rc")
	[[ $rc =~ ^[0-9]+$ ]] || rc=125
	echo "vm: $KVER: rc=$rc after ${secs}s" >&2
	exit "$rc"
fi
echo "vm: $KVER: guest ended without an exit code (qemu rc $qrc) after ${secs}s; last serial lines:" >&2
tail -n 30 "$OUTDIR/serial.log" | sed 's/^/  | /' >&2
exit 125
