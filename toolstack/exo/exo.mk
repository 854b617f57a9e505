# SPDX-License-Identifier: GPL-2.0-only
#
# The host tool `exo` (toolstack/exo/), $(BUILD)/bin/exo, usable from the
# build tree: it finds the hypervisor and exod next to it (BUILD/hv.elf,
# BUILD/guests/). Its configuration-file parser (config.c and its helpers,
# docs/toolstack.md) is a static library of its own,
# $(BUILD)/toolstack/exo/libexoconfig.a, which the unit test and the fuzz
# target build again with their sanitizers (tests/unit/unit.mk,
# tests/fuzz/fuzz.mk). `make install` puts exo in $(PREFIX)/bin and what it
# boots in $(PREFIX)/share/exovisor/.

EXO_CONFIG_SRCS := toolstack/exo/config.c toolstack/exo/config_syntax.c \
	toolstack/exo/config_devices.c
EXO_HOST_CFLAGS := -std=gnu11 -O2 -g -fstack-protector-strong -MMD -MP $(WARNINGS) -Ihv/include
EXO_CONFIG_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(EXO_CONFIG_SRCS))
EXO_CONFIG_LIB := $(BUILD)/toolstack/exo/libexoconfig.a

$(BUILD)/toolstack/exo/%.o: toolstack/exo/%.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(EXO_HOST_CFLAGS) -c $< -o $@

$(EXO_CONFIG_LIB): $(EXO_CONFIG_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

all: $(EXO_CONFIG_LIB)

EXO_SRCS := toolstack/exo/main.c toolstack/exo/state.c toolstack/exo/domain.c \
	toolstack/exo/host.c toolstack/exo/host_status.c toolstack/exo/host_files.c \
	toolstack/exo/host_qemu.c toolstack/exo/host_mux.c toolstack/exo/mux.c
EXO_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(EXO_SRCS))
EXO := $(BUILD)/bin/exo
EXO_VERSION_H := $(BUILD)/toolstack/exo/version.h
EXO_DATADIR = $(PREFIX)/share/exovisor
# What exo boots: the hypervisor, exod as domain 0, and hello for the test
# boot that decides whether KVM can be used.
EXO_IMAGES := $(BUILD)/hv.elf $(BUILD)/guests/exod.elf $(BUILD)/guests/hello.elf

# The version from git, rewritten only when it changes, so that exo is
# relinked then and only then.
EXO_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
.PHONY: exo-version-force
$(EXO_VERSION_H): exo-version-force
	@mkdir -p $(@D)
	$(Q)printf '#define EXO_VERSION "%s"\n' '$(EXO_VERSION)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

$(BUILD)/toolstack/exo/main.o: EXO_HOST_CFLAGS += -I$(BUILD)/toolstack/exo
$(BUILD)/toolstack/exo/main.o: $(EXO_VERSION_H)

# The multiplexer (mux.c, run by exo host start as `exo __mux`) reads and
# renumbers frames with libexo's host build.
$(BUILD)/toolstack/exo/mux.o: EXO_HOST_CFLAGS += $(LIBEXO_CFLAGS)
# The domain commands are clients of exod (libexo's client).
$(BUILD)/toolstack/exo/domain.o: EXO_HOST_CFLAGS += $(LIBEXO_CFLAGS)

$(EXO): $(EXO_OBJS) $(EXO_CONFIG_LIB) $(LIBEXO_HOST) $(LIBEXO_CLIENT)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $(EXO_OBJS) $(EXO_CONFIG_LIB) $(LIBEXO_HOST) $(LIBEXO_CLIENT) -lfdt

all: $(EXO)

.PHONY: install-exo
install-exo: $(EXO) $(EXO_IMAGES)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX)/bin/exo)
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(EXO_DATADIR)
	$(Q)install -m 755 $(EXO) $(DESTDIR)$(PREFIX)/bin/exo
	$(Q)install -m 644 $(EXO_IMAGES) $(DESTDIR)$(EXO_DATADIR)/
