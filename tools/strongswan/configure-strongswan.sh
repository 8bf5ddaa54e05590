#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/strongswan/configure-strongswan.sh - strongSwan's headers, configured
# the way Debian built the installed charon, for compiling the kernel-ipsec6
# plugin out of tree.  Prints the compiler flags to use (-include config.h
# and the include directories).
#
# A plugin is a shared object that charon dlopen()s and that reads and
# writes structures of libcharon.so.0 and libstrongswan.so.0.  Their layout
# depends on config.h (daemon_t has two more members with the mediation
# extension, ME), so the headers must be configured like Debian's build:
#
# 1. the source: the upstream tarball of the installed strongswan-charon's
#    version, from Debian's archive (apt-get source --download-only; needs
#    a deb-src entry, see scripts/deps.sh).  The revision's .dsc may be
#    missing from the security suite (404): only the orig tarball matters.
#    It is unpacked once in $SS_CACHE/strongswan-src (shared, read only).
# 2. configure, run once per (version, flags) into a build directory of
#    its own ($SS_CACHE/strongswan-build/KEY, a VPATH build: the source
#    stays unconfigured) with the flags of Debian's debian/rules for
#    5.9.8-5 on amd64 (below).  Only a few plugins are left out, those
#    whose libraries Debian builds against but we do not install (curl,
#    ldap, tpm/tss2, xauth-pam, nm, systemd; connmark and forecast need
#    libiptc): their switches only add
#    automake conditionals and libraries to link, none of the config.h
#    macros that libstrongswan's or libcharon's headers test (those are
#    ME, CAPABILITIES_*, HAVE_* of libc, USE_VSTR/USE_BUILTIN_PRINTF,
#    CHARON_*_PORT; checked with grep when this was written).
#
# Why not a hand-written config.h: configure answers the libc questions
# (HAVE_*) the same way Debian's build did on the same distribution, and a
# new Debian version brings its own configure; a hand-written file would
# silently go stale.
#
# Environment: SS_CACHE (default /var/cache/ipsec6).  Needs the packages
# scripts/deps.sh installs (strongswan-charon, libgmp-dev, libssl-dev,
# libgcrypt20-dev, libcap-dev, bzip2, pkg-config, gcc, make).
set -euo pipefail

SS_CACHE=${SS_CACHE:-/var/cache/ipsec6}

die() {
	echo "configure-strongswan: $*" >&2
	exit 1
}

debver=$(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null) ||
	die "strongswan-charon is not installed (scripts/deps.sh)"
upver=${debver#*:}
upver=${upver%-*}
[[ -n $upver ]] || die "cannot tell the upstream version of '$debver'"

# Debian's debian/rules (5.9.8-5, CONFIGUREARGS and the Linux/amd64 parts).
DEBIAN_FLAGS=(
	--prefix=/usr --sysconfdir=/etc --localstatedir=/var
	--libdir=/usr/lib --libexecdir=/usr/lib
	--enable-addrblock --enable-agent --enable-bypass-lan --enable-ccm
	--enable-certexpire --enable-chapoly --enable-cmd --enable-ctr
	--enable-curl --enable-eap-aka --enable-eap-gtc --enable-eap-identity
	--enable-eap-md5 --enable-eap-mschapv2 --enable-eap-radius
	--enable-eap-tls --enable-eap-tnc --enable-eap-ttls
	--enable-error-notify --enable-forecast --enable-gcm --enable-gcrypt
	--enable-ha --enable-kernel-libipsec --enable-ldap --enable-led
	--enable-lookip --enable-mediation --enable-openssl --enable-pkcs11
	--enable-test-vectors --enable-tpm --enable-tss-tss2 --enable-unity
	--enable-xauth-eap --enable-xauth-pam --disable-blowfish
	--disable-fast --disable-des
	--enable-rdrand --enable-aesni
	--enable-nm --with-nm-ca-dir=/etc/ssl/certs --with-capabilities=libcap
	--enable-farp --enable-dhcp --enable-af-alg --enable-connmark
	--enable-systemd --enable-swanctl
)
# Left out (see above): they need libraries we do not install.
OUR_FLAGS=(
	--disable-curl --disable-ldap --disable-tpm --disable-tss-tss2
	--disable-xauth-pam --disable-nm --disable-systemd
	--disable-connmark --disable-forecast
)

src_root=$SS_CACHE/strongswan-src
src=$src_root/strongswan-$upver
mkdir -p "$src_root" "$SS_CACHE/strongswan-build"
# One configure at a time (make -j, the suite and a user's make at once).
exec 9>"$SS_CACHE/strongswan-build/.lock"
flock 9
if [[ ! -f $src/configure ]]; then
	tarball=$src_root/strongswan_$upver.orig.tar.bz2
	if [[ ! -f $tarball ]]; then
		echo "configure-strongswan: fetching strongswan $debver source" >&2
		# The .dsc/.debian.tar.xz of a security revision may 404; what
		# counts is that the orig tarball arrived (apt checks its hash).
		(cd "$src_root" && apt-get source --download-only -q \
			"strongswan=$debver" >&2) || true
		[[ -f $tarball ]] ||
			die "no $tarball: is there a deb-src entry (scripts/deps.sh)?"
	fi
	tmp=$(mktemp -d "$src_root/.unpack.XXXXXX")
	tar -C "$tmp" -xjf "$tarball"
	[[ -f $tmp/strongswan-$upver/configure ]] || die "unexpected tarball layout"
	mv -T "$tmp/strongswan-$upver" "$src" 2>/dev/null || true
	rm -rf "$tmp"
	[[ -f $src/configure ]] || die "cannot unpack into $src"
fi
[[ ! -f $src/config.status ]] ||
	die "$src is configured in place; a VPATH build needs it clean (make distclean there)"

key=$({
	echo "$debver"
	printf '%s\n' "${DEBIAN_FLAGS[@]}" "${OUR_FLAGS[@]}"
} | sha256sum | cut -c1-12)
build=$SS_CACHE/strongswan-build/$upver-$key
if [[ ! -f $build/config.h ]]; then
	echo "configure-strongswan: configuring strongswan $upver in $build (once)" >&2
	rm -rf "$build.tmp"
	mkdir -p "$build.tmp"
	if ! (cd "$build.tmp" && "$src/configure" -q "${DEBIAN_FLAGS[@]}" \
		"${OUR_FLAGS[@]}" >configure.out 2>&1); then
		tail -n 30 "$build.tmp/configure.out" >&2
		die "configure failed (log: $build.tmp/configure.out)"
	fi
	grep -q '^#define ME ' "$build.tmp/config.h" ||
		die "config.h lacks ME (mediation): not Debian's layout"
	rm -rf "$build"
	mv "$build.tmp" "$build"
fi

# -isystem: their headers are not written for our warning flags.
echo "-include $build/config.h -isystem $src/src/libstrongswan -isystem $src/src/libcharon"
