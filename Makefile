# SPDX-License-Identifier: GPL-2.0
#
# make                 module/ipsec6.ko and tools/ipsec6ctl/ipsec6ctl
# make KDIR=DIR        build the module against the kernel build dir DIR
# make check           build for and run the suite on both Debian kernels
# make check-debug     the suite on a KASAN/kmemleak/lockdep/UBSAN 6.1 kernel
# make demo            boot a VM and show two hosts talking through ipsec6
# make lint            checkpatch --strict and sparse
# make fuzz            long fuzzing: libFuzzer, 1M netlink messages, 100k packets
# make bench           side-by-side benchmark against Linux XFRM
# make install         module to extra/, tool to $(PREFIX)/sbin, man page
# make dkms-install    source to /usr/src/ipsec6-VERSION, dkms add + install
# make strongswan      the charon plugin tools/strongswan/libstrongswan-kernel-ipsec6.so
# make strongswan-install  plugin and kernel-ipsec6.conf into charon's dirs

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
NEWEST_KDIR := $(lastword $(sort $(wildcard /lib/modules/*-amd64/build)))
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)),$(RUNNING_KDIR),$(NEWEST_KDIR))
PREFIX ?= /usr/local
VERSION := $(shell cat VERSION)
DESTDIR ?=

.PHONY: all module tools check check-debug demo lint bench install dkms-install clean fuzz help \
	strongswan strongswan-install

all: module tools

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "no kernel build dir; install linux-headers-amd64 or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/ipsec6ctl

check:
	scripts/check.sh

check-debug:
	scripts/check-debug.sh

demo:
	scripts/demo.sh

lint:
	scripts/lint.sh

bench:
	scripts/bench.sh

fuzz:
	tests/fuzz/long.sh

# DESTDIR stages an install (packaging, tests); the module goes to
# $(DESTDIR)/lib/modules/KVER/extra/ and depmod runs on that tree.
install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) \
		$$(modinfo -F vermagic module/ipsec6.ko | cut -d' ' -f1)
	$(MAKE) -C tools/ipsec6ctl PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install

# DKMS: the source in /usr/src/ipsec6-VERSION, rebuilt for every kernel
# (dkms.conf); needs the dkms package.
dkms-install:
	rm -rf $(DESTDIR)/usr/src/ipsec6-$(VERSION)
	mkdir -p $(DESTDIR)/usr/src/ipsec6-$(VERSION)/module/uapi
	install -m 0644 Kbuild dkms.conf VERSION $(DESTDIR)/usr/src/ipsec6-$(VERSION)/
	install -m 0644 module/Kbuild module/*.c module/*.h \
		$(DESTDIR)/usr/src/ipsec6-$(VERSION)/module/
	install -m 0644 module/uapi/*.h $(DESTDIR)/usr/src/ipsec6-$(VERSION)/module/uapi/
	$(if $(DESTDIR),,dkms add ipsec6/$(VERSION) && dkms install ipsec6/$(VERSION))

# strongSwan's charon plugin (tools/strongswan/README.md); needs the
# packages of scripts/deps.sh and configures strongSwan's headers once.
strongswan:
	$(MAKE) -C tools/strongswan

strongswan-install:
	$(MAKE) -C tools/strongswan DESTDIR=$(DESTDIR) install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C tools/ipsec6ctl clean
	$(MAKE) -C tools/strongswan clean
	rm -rf build
