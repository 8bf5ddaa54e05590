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

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
NEWEST_KDIR := $(lastword $(sort $(wildcard /lib/modules/*-amd64/build)))
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)),$(RUNNING_KDIR),$(NEWEST_KDIR))
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all module tools check check-debug demo lint bench install clean fuzz help

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

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	$(MAKE) -C tools/ipsec6ctl PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C tools/ipsec6ctl clean
	rm -rf build
