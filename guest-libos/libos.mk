# SPDX-License-Identifier: BSD-2-Clause
#
# The library OS and the unikernels built with it. Every guest is linked
# from its own objects, the library OS objects, libfdt and musl's libc.a
# into $(BUILD)/guests/NAME.elf by $(call guest_app,NAME,SOURCES).

LIBOS_SRCS := guest-libos/arch/x86_64/entry.S guest-libos/arch/x86_64/syscall.S \
	guest-libos/kernel/start.c guest-libos/kernel/syscall.c guest-libos/kernel/process.c \
	guest-libos/kernel/console.c guest-libos/kernel/memory.c guest-libos/kernel/random.c \
	guest-libos/kernel/grant.c guest-libos/kernel/time.c guest-libos/kernel/vcpu.c \
	guest-libos/kernel/event.c guest-libos/kernel/thread.c guest-libos/kernel/sched.c \
	guest-libos/kernel/futex.c guest-libos/kernel/timerq.c guest-libos/arch/x86_64/switch.S
LIBOS_OBJS := $(patsubst %,$(BUILD)/libos/%.o,$(basename $(LIBOS_SRCS)))
LIBOS_LD := guest-libos/arch/x86_64/guest.ld

# musl (Debian's musl-dev) is the C library of every guest: its headers
# before the compiler's own (as musl-gcc's specs have it), its libc.a
# linked statically. The library OS owns _start (arch/x86_64/entry.S) and
# calls musl's __libc_start_main itself, so musl's crt files are not used.
MUSL_INCLUDE ?= /usr/include/x86_64-linux-musl
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl

# Guest code is ordinary hosted C for musl, compiled for the bare machine:
# no position independence, no red zone in the library OS's and the
# tests' own code, the stack protector, frame pointers for backtraces.
GUEST_CFLAGS := -std=gnu11 -O2 -g -nostdinc -isystem $(MUSL_INCLUDE) -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -fno-common -fno-strict-aliasing -mno-red-zone \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fstack-protector-strong -MMD -MP $(WARNINGS) \
	-Ihv/include -Iguest-libos/include -I$(FDT_INCLUDE)
# --wrap: stack-protector failures anywhere, musl included, reach the
# library OS's report instead of musl's bare HLT (kernel/process.c).
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--wrap=__stack_chk_fail -T $(LIBOS_LD)
GUEST_LIBS := $(LIBFDT_A) -Wl,--start-group $(MUSL_LIBDIR)/libc.a -lgcc -Wl,--end-group

$(BUILD)/libos/%.o: %.c | $(FDT_INCLUDE)/libfdt.h
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/libos/%.o: %.S
	$(call msg,AS,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# guest_app(NAME, SOURCES): the unikernel $(BUILD)/guests/NAME.elf
define guest_app
$(BUILD)/guests/$(1).elf: $(patsubst %,$(BUILD)/libos/%.o,$(basename $(2))) $(LIBOS_OBJS) $(LIBOS_LD)
	$$(call msg,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(GUEST_LDFLAGS) -o $$@ $(LIBOS_OBJS) \
		$(patsubst %,$(BUILD)/libos/%.o,$(basename $(2))) $$(GUEST_LIBS)
all: $(BUILD)/guests/$(1).elf
endef

$(eval $(call guest_app,hello,guest-libos/apps/hello/hello.c))
$(eval $(call guest_app,bench,guest-libos/apps/bench/bench.c))
