# SPDX-License-Identifier: GPL-2.0-only
#
# The host tool `exo` (toolstack/exo/). So far its configuration-file parser
# (config.c and its helpers, docs/toolstack.md), built as a static library
# that the command links: $(BUILD)/toolstack/exo/libexoconfig.a. The unit
# test and the fuzz target build the same sources with their sanitizers
# (tests/unit/unit.mk, tests/fuzz/fuzz.mk).

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
