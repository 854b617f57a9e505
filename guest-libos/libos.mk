# SPDX-License-Identifier: BSD-2-Clause
#
# The library OS and the unikernels built with it. The library OS is
# compiled here into one archive, $(BUILD)/lib/libexo.a; every guest is
# compiled and linked by exo-cc (tools/exo-cc.in), the same command any
# program's build uses, into $(BUILD)/guests/NAME.elf by
# $(call guest_app,NAME,SOURCES).

LIBOS_SRCS := guest-libos/arch/x86_64/entry.S guest-libos/arch/x86_64/syscall.S \
	guest-libos/kernel/start.c guest-libos/kernel/syscall.c guest-libos/kernel/process.c \
	guest-libos/kernel/console.c guest-libos/kernel/memory.c guest-libos/kernel/random.c \
	guest-libos/kernel/grant.c guest-libos/kernel/time.c guest-libos/kernel/vcpu.c \
	guest-libos/kernel/event.c guest-libos/kernel/start_info.c \
	guest-libos/kernel/file.c guest-libos/kernel/path.c guest-libos/kernel/tar.c \
	guest-libos/kernel/poll.c \
	guest-libos/arch/x86_64/trap.S guest-libos/kernel/trap.c \
	guest-libos/kernel/paging.c guest-libos/kernel/crash.c guest-libos/kernel/page_run.c \
	guest-libos/kernel/thread.c guest-libos/kernel/sched.c guest-libos/kernel/futex.c \
	guest-libos/kernel/timerq.c guest-libos/arch/x86_64/switch.S
LIBOS_OBJS := $(patsubst %,$(BUILD)/libos/%.o,$(basename $(LIBOS_SRCS)))
LIBOS_LD := guest-libos/arch/x86_64/guest.ld

# musl (Debian's musl-dev) is the C library of every guest: its headers
# before the compiler's own (as musl-gcc's specs have it), its libc.a
# linked statically. The library OS owns _start (arch/x86_64/entry.S) and
# calls musl's __libc_start_main itself, so musl's crt files are not used.
MUSL_INCLUDE ?= /usr/include/x86_64-linux-musl
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl

# The library OS is ordinary hosted C for musl, compiled for the bare
# machine: no position independence, the stack protector, frame pointers
# for backtraces, and no red zone: its code runs when interrupts come.
# (Applications keep theirs; exo-cc compiles them.)
GUEST_CFLAGS := -std=gnu11 -O2 -g -nostdinc -isystem $(MUSL_INCLUDE) -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -fno-common -fno-strict-aliasing -mno-red-zone \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fstack-protector-strong -MMD -MP $(WARNINGS) \
	-Ihv/include -Iguest-libos/include -I$(FDT_INCLUDE)

$(BUILD)/libos/%.o: %.c | $(FDT_INCLUDE)/libfdt.h
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/libos/%.o: %.S
	$(call msg,AS,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

include tools/exo-cc.mk

# The project's applications get the project's warnings. -MD rather than
# -MMD: exo-cc passes the library OS's headers as system headers, and a
# change to them must rebuild the applications too.
APP_CFLAGS := -std=gnu11 -O2 -g -fno-strict-aliasing -MD -MP $(WARNINGS)

# guest_app(NAME, SOURCES): the unikernel $(BUILD)/guests/NAME.elf, its
# sources compiled (objects under $(BUILD)/guests/obj/NAME/) and linked by
# exo-cc, with GUEST_FLAGS_NAME added to both (-mno-red-zone, for a
# program that takes interrupts on its own stack).
define guest_app
$(BUILD)/guests/obj/$(1)/%.o: %.c $(EXO_CC)
	$$(call msg,EXO-CC,$$<)
	@mkdir -p $$(@D)
	$$(Q)$(EXO_CC) $$(APP_CFLAGS) $$(GUEST_FLAGS_$(1)) -c $$< -o $$@
$(BUILD)/guests/obj/$(1)/%.o: %.S $(EXO_CC)
	$$(call msg,EXO-CC,$$<)
	@mkdir -p $$(@D)
	$$(Q)$(EXO_CC) $$(APP_CFLAGS) $$(GUEST_FLAGS_$(1)) -c $$< -o $$@
$(BUILD)/guests/$(1).elf: $(patsubst %,$(BUILD)/guests/obj/$(1)/%.o,$(basename $(2))) \
		$(EXO_LINK_DEPS)
	$$(call msg,EXO-LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$(EXO_CC) $$(GUEST_FLAGS_$(1)) -o $$@ \
		$(patsubst %,$(BUILD)/guests/obj/$(1)/%.o,$(basename $(2)))
all: $(BUILD)/guests/$(1).elf
endef

$(eval $(call guest_app,hello,guest-libos/apps/hello/hello.c))
$(eval $(call guest_app,bench,guest-libos/apps/bench/bench.c))

# hcfuzz, the in-VM hypercall fuzzer with its canary and referee. The
# canary checksums with xxHash (XXHASH_INCLUDE, the Makefile's).
HCFUZZ_SRCS := $(addprefix guest-libos/apps/hcfuzz/,main.c fuzz.c gen.c args.c canary.c referee.c)
GUEST_FLAGS_hcfuzz := -isystem $(abspath $(XXHASH_INCLUDE))
$(eval $(call guest_app,hcfuzz,$(HCFUZZ_SRCS)))
$(BUILD)/guests/obj/hcfuzz/guest-libos/apps/hcfuzz/canary.o: | $(XXHASH_INCLUDE)/xxhash.h
