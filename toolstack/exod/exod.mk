# SPDX-License-Identifier: GPL-2.0-only
#
# exod, the control daemon: a library-OS application, $(BUILD)/guests/exod.elf,
# built by exo-cc like every guest. It compiles in the hypervisor's ELF
# checker and start-info writer (hv/common/elf.c, start_info_fdt.c), which
# need nothing of the hypervisor but the public headers and libfdt.
# $(EXOD_OBJS) are its objects, for images that add a file tree (the
# exod-build test).

EXOD_SRCS := toolstack/exod/main.c toolstack/exod/build.c toolstack/exod/chan.c \
	toolstack/exod/chan_test.c \
	hv/common/elf.c hv/common/start_info_fdt.c
EXOD_OBJS := $(patsubst %.c,$(BUILD)/guests/obj/exod/%.o,$(EXOD_SRCS))

$(eval $(call guest_app,exod,$(EXOD_SRCS)))
