#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-kernel.sh - build (once, cached) the debug kernel of
# "make check-debug": Debian's linux-source-6.1 with KASAN, kmemleak,
# lockdep (PROVE_LOCKING, PROVE_RCU), DEBUG_ATOMIC_SLEEP, UBSAN and
# debugobjects (scripts/debug-kernel.config).
#
#   scripts/debug-kernel.sh [--print]
#
# Builds out of the source tree in $CACHE/debug-kernel/KEY/obj (KEY hashes
# the config fragment, the kernel source version, the compiler and the
# recipe below, so changing any of them rebuilds) and registers the result
# as $CACHE/kernels/KVER/, where scripts/vm.sh and scripts/build.sh look for
# kernels that are not installed on the host:
#   bzImage  the kernel QEMU boots (this KASAN kernel triple-faults when
#            started from the PVH entry of its ELF vmlinux, before any
#            console output, so it is booted compressed: ~3 s more a boot)
#   vmlinux  the ELF kernel, for symbols
#   build    the kbuild output dir, usable as KDIR for external modules
#   root     an INSTALL_MOD_PATH tree: root/lib/modules/KVER has
#            modules.builtin, modules.dep, ... (the guest bind-mounts it
#            over /lib/modules/KVER, so "modprobe veth" finds it built in)
# The last line of stdout is the kernel release (KVER); progress goes to
# stderr and the whole build log to $CACHE/debug-kernel/KEY/build.log.
# --print: print KVER of the cached build and exit 1 if there is none.
#
# Steps: x86_64_defconfig + kernel/configs/kvm_guest.config + our fragment
# (scripts/kconfig/merge_config.sh), olddefconfig, then every option of the
# fragment must have come out as written (else: fail, naming it); then
# "nice -n 19 make -jJOBS bzImage modules" (JOBS default 2: the machine is
# shared) and modules_install.  The source is /var/cache/ipsec6/
# linux-source-6.1 (env DEBUG_KERNEL_SRC), extracted from
# /usr/src/linux-source-6.1.tar.xz (package linux-source-6.1) if missing.
# Env IPSEC6_CACHE moves the cache (default /var/cache/ipsec6).
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
FRAGMENT=$SCRIPTS/debug-kernel.config
CACHE=${IPSEC6_CACHE:-/var/cache/ipsec6}
SRC=${DEBUG_KERNEL_SRC:-$CACHE/linux-source-6.1}
JOBS=${JOBS:-2}
# Bump when the steps below change in a way that changes the result.
RECIPE=1

print_only=0
case ${1:-} in
--print) print_only=1 ;;
'') ;;
*) sed -n '4,33s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac

log() { echo "debug-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

# --- what a kernel build needs beyond scripts/deps.sh -----------------------
need=(flex bison bc libelf-dev libssl-dev)
missing=()
for p in "${need[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $st == ii* ]] || missing+=("$p")
done
if ((${#missing[@]})) && ((print_only == 0)); then
	((EUID == 0)) || die "missing packages: ${missing[*]}; install them (as root)"
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" </dev/null >&2 || die "apt-get install ${missing[*]} failed"
fi

# --- the source ------------------------------------------------------------
if [[ ! -f $SRC/Makefile ]]; then
	((print_only)) && exit 1
	tarball=
	for t in /usr/src/linux-source-6.1.tar.*; do
		[[ -f $t ]] && tarball=$t
	done
	[[ -n $tarball ]] ||
		die "no $SRC and no /usr/src/linux-source-6.1.tar.*; install linux-source-6.1 (scripts/deps.sh)"
	log "extracting $tarball into $SRC"
	mkdir -p "$SRC.tmp"
	tar -xf "$tarball" -C "$SRC.tmp" --strip-components=1
	mv "$SRC.tmp" "$SRC"
fi
srcver=$(sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\|EXTRAVERSION\) *= *//p' "$SRC/Makefile" | paste -sd .)
pkgver=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null || true)

key=$( {
	echo "recipe $RECIPE"
	cat "$FRAGMENT"
	echo "source $srcver $pkgver"
	gcc --version | head -n 1
	ld --version | head -n 1
} | sha256sum | cut -c1-12)
TOP=$CACHE/debug-kernel/$key
O=$TOP/obj
MODROOT=$TOP/root

register() {
	local kver=$1 reg=$CACHE/kernels/$1
	mkdir -p "$reg"
	ln -sfn "$O/vmlinux" "$reg/vmlinux"
	ln -sfn "$O/arch/x86/boot/bzImage" "$reg/bzImage"
	ln -sfn "$O" "$reg/build"
	ln -sfn "$MODROOT" "$reg/root"
	echo "$key" >"$reg/key"
}

if [[ -f $TOP/done ]]; then
	kver=$(<"$TOP/done")
	[[ -L $CACHE/kernels/$kver/build && $(readlink "$CACHE/kernels/$kver/build") == "$O" &&
		-L $CACHE/kernels/$kver/bzImage ]] ||
		register "$kver"
	((print_only)) || log "cached: $kver in $TOP ($(cat "$TOP/build-time" 2>/dev/null || echo '?'))"
	echo "$kver"
	exit 0
fi
((print_only)) && exit 1

mkdir -p "$TOP"
exec 9>"$TOP/lock"
flock -n 9 || { log "another build of $key is running; waiting"; flock 9; }
if [[ -f $TOP/done ]]; then	# it finished while we waited
	exec 9>&-
	exec "$0"
fi

BLOG=$TOP/build.log
: >"$BLOG"
start=$(date +%s)
mk() { nice -n 19 make -C "$SRC" O="$O" "$@" >>"$BLOG" 2>&1; }
fail() { tail -n 40 "$BLOG" >&2; die "$* (log: $BLOG)"; }

log "configuring ${srcver%.} in $O (log: $BLOG)"
mkdir -p "$O"
mk x86_64_defconfig || fail "defconfig failed"
(cd "$O" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" \
	"$SRC/kernel/configs/kvm_guest.config" "$FRAGMENT") >>"$BLOG" 2>&1 ||
	fail "merge_config.sh failed"
mk olddefconfig || fail "olddefconfig failed"

# Every option of the fragment as written: "CONFIG_X=v" must be in .config
# exactly; "# CONFIG_X is not set" means X must not be set to anything.
bad=0
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		grep -qxF -- "$line" "$O/.config" && continue
		got=$(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$O/.config" || echo "absent")
		log "wanted $line, got: $got"
		bad=1
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		got=$(grep -E "^${BASH_REMATCH[1]}=" "$O/.config" || true)
		[[ -z $got ]] && continue
		log "wanted $line, got: $got"
		bad=1
	fi
done <"$FRAGMENT"
((bad == 0)) || die "the config lost options of $FRAGMENT (a dependency missing?); see $O/.config"
log "config ok; building with -j$JOBS under nice 19 (takes long; tail -f $BLOG)"

mk -j"$JOBS" bzImage modules || fail "kernel build failed"
# "make kernelrelease" before a build misses CONFIG_LOCALVERSION.
kver=$(<"$O/include/config/kernel.release")
# The full build leaves O usable as KDIR (scripts, Module.symvers, headers);
# modules_prepare makes sure of it.
mk modules_prepare || fail "modules_prepare failed"
rm -rf "$MODROOT"
mk INSTALL_MOD_PATH="$MODROOT" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod \
	modules_install || fail "modules_install failed"
[[ -s $MODROOT/lib/modules/$kver/modules.builtin && -s $O/vmlinux ]] ||
	fail "no modules.builtin or vmlinux after the build"
# The installed tree links back to the source and the build dir.
rm -f "$MODROOT/lib/modules/$kver/build" "$MODROOT/lib/modules/$kver/source"
ln -s "$O" "$MODROOT/lib/modules/$kver/build"

secs=$(($(date +%s) - start))
printf '%dm%02ds\n' $((secs / 60)) $((secs % 60)) >"$TOP/build-time"
echo "$kver" >"$TOP/done"
register "$kver"
log "built $kver in $(cat "$TOP/build-time"): $TOP"
# Older builds (other keys) of the same kernel are dead weight (GBs).
for d in "$CACHE"/debug-kernel/*/; do
	d=${d%/}
	[[ $d == "$TOP" ]] && continue
	if [[ -f $d/done ]] && exec 8>"$d/lock" && flock -n 8; then
		log "removing the older build $d"
		rm -rf "$d"
	fi
	exec 8>&-
done
echo "$kver"
