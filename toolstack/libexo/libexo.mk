# SPDX-License-Identifier: GPL-2.0-only
#
# toolstack/libexo: code shared by the host tool (exo) and dom0's daemon
# (exod), so built twice: for the host with the C library, libfdt (-lfdt)
# and xxhash.h, and with the library OS's flags (GUEST_CFLAGS: musl's
# headers, no red zone), as exod links it. Both builds use the project's
# warnings with -Werror.
#
#   LIBEXO_HOST     host objects, $(BUILD)/toolstack/host/...
#   LIBEXO_CLIENT   the host-only client (client.c: Unix sockets), host objects
#   LIBEXO_LIBOS    library OS objects, $(BUILD)/libos/toolstack/...
#   LIBEXO_CFLAGS   what code including its headers needs

LIBEXO_SRCS := toolstack/libexo/msg.c toolstack/libexo/msg_reader.c
LIBEXO_CFLAGS := -Itoolstack/libexo

TOOLSTACK_HOST_CFLAGS := -std=gnu11 -O2 -g -MMD -MP $(WARNINGS) $(LIBEXO_CFLAGS)
LIBEXO_HOST := $(patsubst %.c,$(BUILD)/toolstack/host/%.o,$(LIBEXO_SRCS))
LIBEXO_CLIENT := $(BUILD)/toolstack/host/toolstack/libexo/client.o

$(BUILD)/toolstack/host/%.o: %.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(TOOLSTACK_HOST_CFLAGS) -c $< -o $@

LIBEXO_LIBOS := $(patsubst %.c,$(BUILD)/libos/%.o,$(LIBEXO_SRCS))
$(LIBEXO_LIBOS): GUEST_CFLAGS += -isystem $(XXHASH_INCLUDE) $(LIBEXO_CFLAGS)
$(LIBEXO_LIBOS): | $(XXHASH_INCLUDE)/xxhash.h

all: $(LIBEXO_HOST) $(LIBEXO_CLIENT) $(LIBEXO_LIBOS)
