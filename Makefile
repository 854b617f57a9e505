# SPDX-License-Identifier: GPL-2.0-only
#
# Exovisor build: plain GNU make, explicit object lists per folder (in each
# folder's *.mk), everything built out of tree under $(BUILD).
#
#   make            build the hypervisor, the guests and the host tests
#   make check      build, then run every test (host unit tests, whole-system
#                   tests under QEMU, the ISO boot); ends with "N passed, N failed"
#   make run        boot the hypervisor with the hello unikernel in QEMU
#   make iso        a GRUB multiboot2 ISO of hv + hello: $(BUILD)/exovisor.iso
#   make install    exo-cc, the unikernel compiler, with the library OS, and
#                   exo with what it boots, into $(PREFIX) (from ./configure
#                   --prefix; DESTDIR= stages it)
#   make clean      remove $(BUILD)
#
# ./configure writes config.mk (tool paths); without it the defaults below hold.

-include config.mk

BUILD ?= build
CC ?= gcc
HOSTCC ?= gcc
LD ?= ld
OBJCOPY ?= objcopy
NM ?= nm
QEMU ?= qemu-system-x86_64
BOCHS ?= bochs
GRUB_MKRESCUE ?= grub-mkrescue
LIBFDT_A ?= /usr/lib/x86_64-linux-gnu/libfdt.a
LIBFDT_INCLUDE ?= /usr/include

V ?= 0
ifeq ($(V),0)
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2);
else
Q :=
msg =
endif

GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)

# Warnings for all project code.
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wcast-qual -Wundef \
	-Wpointer-arith -Wvla -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter

# Code that runs on the bare (virtual) machine: no libc, no red zone, no
# position independence, frame pointers for backtraces.
FREESTANDING := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -fno-common -fno-strict-aliasing -mno-red-zone \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fstack-protector-strong -MMD -MP $(WARNINGS)

.PHONY: all check run iso clean bench install
all:

# libfdt's headers, alone: freestanding code must not see /usr/include.
FDT_INCLUDE := $(BUILD)/include/fdt
$(FDT_INCLUDE)/libfdt.h:
	@mkdir -p $(@D)
	$(Q)for h in libfdt.h libfdt_env.h fdt.h; do ln -sf $(LIBFDT_INCLUDE)/$$h $(@D)/$$h; done

# xxhash.h alone, used header-only (XXH_INLINE_ALL) by the library OS's
# code and the toolstack: freestanding code must not see /usr/include.
XXHASH_H ?= /usr/include/xxhash.h
XXHASH_INCLUDE := $(BUILD)/include/xxhash
$(XXHASH_INCLUDE)/xxhash.h:
	@mkdir -p $(@D)
	$(Q)ln -sf $(XXHASH_H) $@

include hv/hv.mk
include guest-libos/libos.mk
include toolstack/libexo/libexo.mk
include toolstack/exod/exod.mk
include toolstack/exo/exo.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/guest/guest.mk
include tests/bench/bench.mk

install: install-exo-cc install-exo

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
