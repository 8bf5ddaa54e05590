#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/build.sh [KVER...]
#
# Builds the module for each KVER (default: scripts/kernels.sh) out of the
# source tree: Kbuild and module/ are mirrored into build/KVER/ and built
# there with W=1, giving build/KVER/module/ipsec6.ko.  Builds the tool once
# on the host (make -C tools/ipsec6ctl), skipping it while it does not exist.
# Fails if any build fails or the compiler printed a warning (printed).
# Logs: build/KVER.log, build/ipsec6ctl.log (build/ is $BUILD_DIR).
#   --tool-only / --module-only   build just one half
#   --sparse                      module only, with sparse (C=2, every file
#                                 checked) in build/KVER-sparse/; sparse
#                                 warnings fail it too (scripts/lint.sh)
# The kernel build dir of KVER is /lib/modules/KVER/build, or for a kernel
# the host has not installed, $IPSEC6_CACHE/kernels/KVER/build (registered
# by scripts/debug-kernel.sh; IPSEC6_CACHE defaults to /var/cache/ipsec6).
# KDIRS="KVER=DIR ..." names build dirs explicitly.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"
# BUILD_DIR (absolute, default build/ in the tree): separate ones let
# several checkouts' or people's runs build at once.
BUILD_DIR=${BUILD_DIR:-$REPO/build}
mkdir -p "$BUILD_DIR"
JOBS=${JOBS:-$(nproc)}

do_tool=1 do_module=1 sparse=0
kvers=()
for a in "$@"; do
	case $a in
	--tool-only) do_module=0 ;;
	--module-only) do_tool=0 ;;
	--sparse) do_tool=0 sparse=1 ;;
	-*) echo "usage: $0 [--tool-only|--module-only|--sparse] [KVER...]" >&2; exit 2 ;;
	*) kvers+=("$a") ;;
	esac
done
if ((do_module && ${#kvers[@]} == 0)); then
	mapfile -t kvers < <(scripts/kernels.sh)
fi
mkdir -p build

# Lines the compiler or kbuild flags; W=1 is on, so this is strict.
WARN_RE='(warning|error):|^WARNING:'
fail=0

build_tool() {
	local log=$BUILD_DIR/ipsec6ctl.log
	if [[ ! -f tools/ipsec6ctl/Makefile ]]; then
		echo "build: tools/ipsec6ctl/Makefile not there yet, tool skipped"
		return 0
	fi
	if ! make -C tools/ipsec6ctl -j"$JOBS" >"$log" 2>&1; then
		if grep -qE "$WARN_RE" "$log"; then
			show_warnings "$log"
		else
			tail -n 30 "$log"
		fi
		echo "build: ipsec6ctl FAILED (log: $log)"
		return 1
	fi
	if grep -qE "$WARN_RE" "$log"; then
		show_warnings "$log"
		# Rebuild from scratch next time, so the warnings show again.
		make -C tools/ipsec6ctl clean >/dev/null 2>&1 || true
		echo "build: ipsec6ctl has compiler warnings (log: $log)"
		return 1
	fi
	echo "build: ipsec6ctl ok"
}

# Print the findings of a log, with the lines that explain them
# (sparse's "expected/got", gcc's caret lines).
show_warnings() {
	grep -E -A 3 "$WARN_RE" "$1" | head -n 200
}

# kdir_of KVER: the kernel build dir to build against.
kdir_of() {
	local kv
	for kv in ${KDIRS:-}; do
		[[ ${kv%%=*} == "$1" ]] && { echo "${kv#*=}"; return; }
	done
	local reg=${IPSEC6_CACHE:-/var/cache/ipsec6}/kernels/$1/build
	if [[ ! -d /lib/modules/$1/build && -d $reg ]]; then
		echo "$reg"
		return
	fi
	echo "/lib/modules/$1/build"
}

build_module() {
	local k=$1 kdir out=$BUILD_DIR/$1
	kdir=$(kdir_of "$1")
	local log=$BUILD_DIR/$1.log
	local -a extra=()
	if ((sparse)); then
		out=$BUILD_DIR/$1-sparse log=$BUILD_DIR/$1-sparse.log extra=(C=2)
	fi
	if [[ ! -d $kdir ]]; then
		echo "build: no $kdir (linux-headers-$k missing?)"
		return 1
	fi
	mkdir -p "$out/module"
	# Mirror sources only; keep our objects for incremental builds, drop
	# objects and sources the tree no longer has (rsync --delete spares
	# excluded files, so stale objects are removed by make itself).
	local ex=(--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c'
		--exclude='.*.cmd' --exclude='*.order' --exclude='Module.symvers'
		--exclude='*.d' --exclude='.tmp_*' --exclude='*.a')
	if command -v rsync >/dev/null; then
		rsync -a --delete "${ex[@]}" module/ "$out/module/"
		rsync -a Kbuild "$out/Kbuild"
	else
		rm -rf "$out/module" && mkdir -p "$out/module"
		tar -C module -cf - "${ex[@]}" . | tar -C "$out/module" -xf -
		cp -p Kbuild "$out/Kbuild"
	fi
	rm -f "$out/module/ipsec6.ko"
	# Objects that warned are removed so the next build warns again.
	if ! make -C "$kdir" M="$out" W=1 "${extra[@]}" -j"$JOBS" modules >"$log" 2>&1; then
		if grep -qE "$WARN_RE" "$log"; then
			show_warnings "$log"
		else
			tail -n 30 "$log"
		fi
		find "$out" -name '*.o' -delete
		echo "build: $k${extra[*]:+ (${extra[*]})} FAILED (log: $log)"
		return 1
	fi
	if grep -qE "$WARN_RE" "$log"; then
		show_warnings "$log"
		find "$out" -name '*.o' -delete
		echo "build: $k${extra[*]:+ (${extra[*]})} has warnings (log: $log)"
		return 1
	fi
	if [[ ! -f $out/module/ipsec6.ko ]]; then
		echo "build: $k: no $out/module/ipsec6.ko (log: $log)"
		return 1
	fi
	echo "build: $k${extra[*]:+ (${extra[*]})} ok"
}

((do_tool)) && { build_tool || fail=1; }
if ((do_module)); then
	for k in "${kvers[@]}"; do
		build_module "$k" || fail=1
	done
fi
exit "$fail"
