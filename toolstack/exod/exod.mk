# SPDX-License-Identifier: GPL-2.0-only
#
# exod, the control daemon: a library-OS application, $(BUILD)/guests/exod.elf,
# built by exo-cc like every guest. It compiles in the hypervisor's ELF
# checker and start-info writer (hv/common/elf.c, start_info_fdt.c), which
# need nothing of the hypervisor but the public headers and libfdt.
# $(EXOD_OBJS) are its objects, for images that add a file tree (the
# exod-build test).

EXOD_SRCS := toolstack/exod/main.c toolstack/exod/build.c toolstack/exod/chan.c \
	toolstack/exod/chan_test.c toolstack/exod/serve.c toolstack/exod/cache.c \
	toolstack/libexo/msg.c toolstack/libexo/msg_reader.c \
	hv/common/elf.c hv/common/start_info_fdt.c
EXOD_OBJS := $(patsubst %.c,$(BUILD)/guests/obj/exod/%.o,$(EXOD_SRCS))

# The message layer (toolstack/libexo) and the image cache hash with xxHash.
GUEST_FLAGS_exod := -Itoolstack/libexo -isystem $(abspath $(XXHASH_INCLUDE))
$(EXOD_OBJS): | $(XXHASH_INCLUDE)/xxhash.h

$(eval $(call guest_app,exod,$(EXOD_SRCS)))
