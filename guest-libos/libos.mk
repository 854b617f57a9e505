# SPDX-License-Identifier: BSD-2-Clause
#
# The library OS and the unikernels built with it. Every guest is linked
# from its own objects, the library OS objects and libfdt into
# $(BUILD)/guests/NAME.elf by $(call guest_app,NAME,SOURCES).

LIBOS_SRCS := guest-libos/arch/x86_64/entry.S guest-libos/kernel/start.c \
	guest-libos/kernel/console.c guest-libos/kernel/grant.c guest-libos/kernel/printf.c \
	guest-libos/kernel/time.c guest-libos/kernel/vcpu.c guest-libos/kernel/event.c \
	hv/common/string.c
LIBOS_OBJS := $(patsubst %,$(BUILD)/libos/%.o,$(basename $(LIBOS_SRCS)))
LIBOS_LD := guest-libos/arch/x86_64/guest.ld

# The library OS's own C headers first, then those it shares with the
# hypervisor (string.h, limits.h: BSD-licensed for that reason).
GUEST_CFLAGS := $(FREESTANDING) -Ihv/include -Iguest-libos/include \
	-Iguest-libos/include/libc -Ihv/include/libc -I$(FDT_INCLUDE)
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -T $(LIBOS_LD)

$(BUILD)/libos/%.o: %.c | $(FDT_INCLUDE)/libfdt.h
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/libos/%.o: %.S
	$(call msg,AS,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

ifeq ($(CC_IS_CLANG),)
$(BUILD)/libos/hv/common/string.o: GUEST_CFLAGS += -fno-tree-loop-distribute-patterns
endif

# guest_app(NAME, SOURCES): the unikernel $(BUILD)/guests/NAME.elf
define guest_app
$(BUILD)/guests/$(1).elf: $(patsubst %,$(BUILD)/libos/%.o,$(basename $(2))) $(LIBOS_OBJS) $(LIBOS_LD)
	$$(call msg,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(GUEST_LDFLAGS) -o $$@ $(LIBOS_OBJS) \
		$(patsubst %,$(BUILD)/libos/%.o,$(basename $(2))) $$(LIBFDT_A) -lgcc
all: $(BUILD)/guests/$(1).elf
endef

$(eval $(call guest_app,hello,guest-libos/apps/hello/hello.c))
$(eval $(call guest_app,bench,guest-libos/apps/bench/bench.c))
