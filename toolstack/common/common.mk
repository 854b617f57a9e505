# SPDX-License-Identifier: GPL-2.0-only
#
# toolstack/common: code shared by the host tool (exo) and dom0's daemon
# (exod), so built twice: for the host with the C library, libfdt (-lfdt)
# and xxhash.h, and with the library OS's flags (GUEST_CFLAGS: musl's
# headers, no red zone), as exod links it. Both builds use the project's
# warnings with -Werror.
#
#   TOOLSTACK_COMMON_HOST     host objects, $(BUILD)/toolstack/host/...
#   TOOLSTACK_COMMON_LIBOS    library OS objects, $(BUILD)/libos/toolstack/...
#   TOOLSTACK_COMMON_CFLAGS   what code including its headers needs
#   XXHASH_INCLUDE            xxhash.h alone, for code that must not see
#                             /usr/include (the library OS's)

TOOLSTACK_COMMON_SRCS := toolstack/common/msg.c toolstack/common/msg_reader.c
TOOLSTACK_COMMON_CFLAGS := -Itoolstack/common

XXHASH_HEADER ?= /usr/include/xxhash.h
XXHASH_INCLUDE := $(BUILD)/include/xxhash
$(XXHASH_INCLUDE)/xxhash.h:
	@mkdir -p $(@D)
	$(Q)ln -sf $(XXHASH_HEADER) $@

TOOLSTACK_HOST_CFLAGS := -std=gnu11 -O2 -g -MMD -MP $(WARNINGS) $(TOOLSTACK_COMMON_CFLAGS)
TOOLSTACK_COMMON_HOST := $(patsubst %.c,$(BUILD)/toolstack/host/%.o,$(TOOLSTACK_COMMON_SRCS))

$(BUILD)/toolstack/host/%.o: %.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(TOOLSTACK_HOST_CFLAGS) -c $< -o $@

TOOLSTACK_COMMON_LIBOS := $(patsubst %.c,$(BUILD)/libos/%.o,$(TOOLSTACK_COMMON_SRCS))
$(TOOLSTACK_COMMON_LIBOS): GUEST_CFLAGS += -isystem $(XXHASH_INCLUDE) $(TOOLSTACK_COMMON_CFLAGS)
$(TOOLSTACK_COMMON_LIBOS): | $(XXHASH_INCLUDE)/xxhash.h

all: $(TOOLSTACK_COMMON_HOST) $(TOOLSTACK_COMMON_LIBOS)
