#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make install" and "make dkms-install", staged with DESTDIR in a
# throw-away copy of the tree: the module lands in extra/ with a modules.dep
# entry, the tool, its man page and completion under PREFIX; the DKMS
# source tree has what dkms.conf names and builds with dkms.conf's own
# MAKE line.  Nothing is installed on the machine.
# timeout: 300
. "$(dirname "$0")/../lib.sh"

REPO=$(cd "$(dirname "$0")/../.." && pwd -P)
plan_no
KVER=$("$REPO/scripts/kernels.sh" | sed -n 1p)
KDIR=/lib/modules/$KVER/build
[[ -d $KDIR ]] || skip_all "no kernel headers for $KVER"

W=$(mktemp -d)
at_exit rm -rf "$W"
# A copy without build products, so the tree's own build/ is untouched.
rsync -a --exclude=build --exclude=results --exclude='*.o' --exclude='*.ko' \
	--exclude='.*.cmd' --exclude=.git "$REPO/" "$W/src/"
check "make install DESTDIR=... builds and installs" \
	make -s -C "$W/src" -j"$(nproc)" KDIR="$KDIR" DESTDIR="$W/root" install
ko=$(find "$W/root/lib/modules/$KVER/extra" -name 'ipsec6.ko*' 2>/dev/null)
ok $(( ${#ko} == 0 )) "the module is in lib/modules/$KVER/extra/"
like "$(cat "$W/root/lib/modules/$KVER/modules.dep" 2>/dev/null)" \
	'^extra/(module/)?ipsec6\.ko[^:]*:' "depmod ran on the staged tree"
check "the tool is in /usr/local/sbin" test -x "$W/root/usr/local/sbin/ipsec6ctl"
check "the man page is in /usr/local/share/man/man8" \
	test -f "$W/root/usr/local/share/man/man8/ipsec6ctl.8"
check "the bash completion is installed" \
	test -f "$W/root/usr/local/share/bash-completion/completions/ipsec6ctl"

# ---- DKMS ----------------------------------------------------------------
ver=$(cat "$REPO/VERSION")
like "$(cat "$REPO/dkms.conf")" "PACKAGE_VERSION=\"$ver\"" \
	"dkms.conf and VERSION agree ($ver)"
check "make dkms-install DESTDIR=... stages the source" \
	make -s -C "$W/src" DESTDIR="$W/dkms" dkms-install
D=$W/dkms/usr/src/ipsec6-$ver
check "the staged tree has Kbuild, dkms.conf and the uapi header" \
	test -f "$D/Kbuild" -a -f "$D/dkms.conf" -a -f "$D/module/uapi/ipsec6.h"
# dkms.conf's MAKE line, with dkms's variables filled in by hand.
mk=$(sed -n 's/^MAKE\[0\]="\(.*\)"$/\1/p' "$D/dkms.conf")
mk=${mk//\$\{kernel_source_dir\}/$KDIR}
mk=${mk//\$\{dkms_tree\}\/\$\{PACKAGE_NAME\}\/\$\{PACKAGE_VERSION\}\/build/$D}
check "dkms.conf's MAKE line builds the staged tree" \
	bash -c "cd '$D' && $mk -s -j$(nproc)"
# shellcheck disable=SC1091
loc=$(. "$D/dkms.conf" && echo "${BUILT_MODULE_LOCATION[0]}${BUILT_MODULE_NAME[0]}.ko")
check "... giving BUILT_MODULE_LOCATION/BUILT_MODULE_NAME.ko" test -f "$D/$loc"
