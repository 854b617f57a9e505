# SPDX-License-Identifier: GPL-2.0-only
#
# Host unit tests: each test links the hv/common file under test with
# hv/common/printk.c, the host's side of hv/arch.h (host_arch.c) and cmocka, built with ASan and UBSan so that any memory or
# arithmetic error fails the test. Host objects live under $(BUILD)/host/,
# apart from the freestanding ones, and see the C library's headers rather
# than hv/include/libc.

UNIT_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -MMD -MP $(WARNINGS) -Ihv/include
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_LIBS := -lcmocka

UNIT_SHIM := $(BUILD)/host/tests/unit/host_arch.o $(BUILD)/host/hv/common/printk.o

# test name -> the hv/common file it tests
UNIT_NAMES := page_alloc elf cmdline vsnprintf rangeset
UNIT_TESTS := $(addprefix $(BUILD)/tests/unit/test_,$(UNIT_NAMES))
UNIT_OBJS := $(UNIT_SHIM) $(foreach n,$(UNIT_NAMES), \
	$(BUILD)/host/tests/unit/test_$(n).o $(BUILD)/host/hv/common/$(n).o)

# Built through the pattern rules below, but kept for incremental builds.
.SECONDARY: $(UNIT_OBJS)

$(BUILD)/host/%.o: %.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -c $< -o $@

# The formatter is renamed so that it is compared with the C library's
# instead of replacing it.
$(BUILD)/host/hv/common/vsnprintf.o: UNIT_CFLAGS += -Dvsnprintf=hv_test_vsnprintf \
	-Dsnprintf=hv_test_snprintf

# Tests of the hypervisor core (domains, scheduler, hypercalls) link all of
# hv/common that runs on the host, over the host machine (host_machine.c).
CORE_NAMES := domain sched grant event memory console physdev
CORE_COMMON := audit console console_input console_ring domain domain_build domctl elf event grant guest_access heap hypercall memory \
	start_info_fdt page_alloc physdev physdev_msi rangeset \
	printk sched time vcpu
CORE_OBJS := $(BUILD)/host/tests/unit/host_machine.o \
	$(patsubst %,$(BUILD)/host/hv/common/%.o,$(CORE_COMMON))
UNIT_TESTS += $(addprefix $(BUILD)/tests/unit/test_,$(CORE_NAMES))
.SECONDARY: $(CORE_OBJS)

# libfdt for the start-info writer; its headers come through FDT_INCLUDE.
$(BUILD)/host/hv/common/start_info_fdt.o: UNIT_CFLAGS += -I$(FDT_INCLUDE)
$(BUILD)/host/hv/common/start_info_fdt.o: | $(FDT_INCLUDE)/libfdt.h

$(addprefix $(BUILD)/tests/unit/test_,$(CORE_NAMES)): $(BUILD)/tests/unit/test_%: \
		$(BUILD)/host/tests/unit/test_%.o $(CORE_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS) -lfdt

$(filter-out $(addprefix $(BUILD)/tests/unit/test_,$(CORE_NAMES)),$(UNIT_TESTS)): \
$(BUILD)/tests/unit/test_%: $(BUILD)/host/tests/unit/test_%.o $(BUILD)/host/hv/common/%.o \
		$(UNIT_SHIM)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# The VT-x back end's pure parts (hv/arch/x86/vmx/caps.c and ept.c): VMCS
# field encodings, control and capability logic, the EPT entry format.
VMX_UNIT_OBJS := $(BUILD)/host/hv/arch/x86/vmx/caps.o $(BUILD)/host/hv/arch/x86/vmx/ept.o
UNIT_TESTS += $(BUILD)/tests/unit/test_vmx
.SECONDARY: $(VMX_UNIT_OBJS)
$(BUILD)/host/tests/unit/test_vmx.o: UNIT_CFLAGS += -Ihv/arch/x86/vmx

$(BUILD)/tests/unit/test_vmx: $(BUILD)/host/tests/unit/test_vmx.o $(VMX_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# The deadline queues of the library OS.s scheduler
# (guest-libos/kernel/timerq.c), built for the host unchanged.
TIMERQ_UNIT_OBJS := $(BUILD)/host/guest-libos/kernel/timerq.o
UNIT_TESTS += $(BUILD)/tests/unit/test_timerq
.SECONDARY: $(TIMERQ_UNIT_OBJS)
$(BUILD)/host/tests/unit/test_timerq.o: UNIT_CFLAGS += -Iguest-libos/kernel

$(BUILD)/tests/unit/test_timerq: $(BUILD)/host/tests/unit/test_timerq.o $(TIMERQ_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# The library OS's pure parts (guest-libos/kernel/NAME.c), built for the
# host: test_NAME links that file alone, with libfdt. The start-info reader
# is tested against the builders' writer too.
LIBOS_UNIT_NAMES := start_info page_run
UNIT_TESTS += $(addprefix $(BUILD)/tests/unit/test_,$(LIBOS_UNIT_NAMES))
.SECONDARY: $(patsubst %,$(BUILD)/host/guest-libos/kernel/%.o,$(LIBOS_UNIT_NAMES))

$(BUILD)/tests/unit/test_start_info: $(BUILD)/host/hv/common/start_info_fdt.o
$(addprefix $(BUILD)/tests/unit/test_,$(LIBOS_UNIT_NAMES)): $(BUILD)/tests/unit/test_%: \
		$(BUILD)/host/tests/unit/test_%.o $(BUILD)/host/guest-libos/kernel/%.o
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS) -lfdt

# The library OS's ustar parser (guest-libos/kernel/tar.c): pure C, built
# for the host unchanged.
UNIT_TESTS += $(BUILD)/tests/unit/test_tar
.SECONDARY: $(BUILD)/host/guest-libos/kernel/tar.o
$(BUILD)/host/tests/unit/test_tar.o: UNIT_CFLAGS += -Iguest-libos/kernel
$(BUILD)/tests/unit/test_tar: $(BUILD)/host/tests/unit/test_tar.o $(BUILD)/host/guest-libos/kernel/tar.o
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# exod's domain builder (toolstack/exod/build.c) over a fake hypervisor:
# tests/unit/fake/exo/hypercall.h sends its hypercalls to the test.
EXOD_UNIT_OBJS := $(BUILD)/host/toolstack/exod/build.o $(BUILD)/host/hv/common/elf.o \
	$(BUILD)/host/hv/common/start_info_fdt.o
UNIT_TESTS += $(BUILD)/tests/unit/test_exod_build
.SECONDARY: $(EXOD_UNIT_OBJS)
$(BUILD)/host/toolstack/exod/build.o $(BUILD)/host/tests/unit/test_exod_build.o: \
	UNIT_CFLAGS += -Itests/unit/fake -I$(FDT_INCLUDE)
$(BUILD)/host/tests/unit/test_exod_build.o: | $(FDT_INCLUDE)/libfdt.h
$(BUILD)/tests/unit/test_exod_build: $(BUILD)/host/tests/unit/test_exod_build.o $(EXOD_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS) -lfdt

# exod's image cache (toolstack/exod/cache.c), pure C with xxhash.h.
UNIT_TESTS += $(BUILD)/tests/unit/test_exod_cache
.SECONDARY: $(BUILD)/host/toolstack/exod/cache.o
$(BUILD)/host/tests/unit/test_exod_cache.o: UNIT_CFLAGS += -Itoolstack/exod
$(BUILD)/tests/unit/test_exod_cache: $(BUILD)/host/tests/unit/test_exod_cache.o \
		$(BUILD)/host/toolstack/exod/cache.o
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# The management protocol's message layer (toolstack/libexo/msg*.c), with
# libfdt and xxhash.h as the host tools have them.
MSG_UNIT_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(LIBEXO_SRCS))
UNIT_TESTS += $(BUILD)/tests/unit/test_msg
.SECONDARY: $(MSG_UNIT_OBJS)
$(BUILD)/host/tests/unit/test_msg.o: UNIT_CFLAGS += $(LIBEXO_CFLAGS)
$(BUILD)/tests/unit/test_msg: $(BUILD)/host/tests/unit/test_msg.o $(MSG_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS) -lfdt

# libexo's host-side client (toolstack/libexo/client.c) against a scripted
# server thread on a Unix socket.
UNIT_TESTS += $(BUILD)/tests/unit/test_exo_client
.SECONDARY: $(BUILD)/host/toolstack/libexo/client.o
$(BUILD)/host/tests/unit/test_exo_client.o: UNIT_CFLAGS += $(LIBEXO_CFLAGS)
$(BUILD)/tests/unit/test_exo_client: $(BUILD)/host/tests/unit/test_exo_client.o \
		$(BUILD)/host/toolstack/libexo/client.o $(MSG_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS) -lfdt -lpthread

# exo's configuration-file parser (toolstack/exo/exo.mk's sources), host
# code built here with the sanitizers; the test writes its files into a
# temporary folder.
EXO_CONFIG_UNIT_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(EXO_CONFIG_SRCS))
UNIT_TESTS += $(BUILD)/tests/unit/test_config
.SECONDARY: $(EXO_CONFIG_UNIT_OBJS)
$(BUILD)/host/tests/unit/test_config.o: UNIT_CFLAGS += -Itoolstack/exo
$(BUILD)/tests/unit/test_config: $(BUILD)/host/tests/unit/test_config.o $(EXO_CONFIG_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# exo's multiplexer (toolstack/exo/mux.c) against a fake exod, with the
# message layer's objects of test_msg.
UNIT_TESTS += $(BUILD)/tests/unit/test_exo_mux
.SECONDARY: $(BUILD)/host/toolstack/exo/mux.o
$(BUILD)/host/toolstack/exo/mux.o $(BUILD)/host/tests/unit/test_exo_mux.o: \
	UNIT_CFLAGS += -Itoolstack/exo $(LIBEXO_CFLAGS)
$(BUILD)/tests/unit/test_exo_mux: $(BUILD)/host/tests/unit/test_exo_mux.o \
		$(BUILD)/host/toolstack/exo/mux.o $(MSG_UNIT_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS) -lfdt

# exo's pure checks: the state folder, names, numbers.
UNIT_TESTS += $(BUILD)/tests/unit/test_exo_state
$(BUILD)/host/tests/unit/test_exo_state.o: UNIT_CFLAGS += -Itoolstack/exo
$(BUILD)/tests/unit/test_exo_state: $(BUILD)/host/tests/unit/test_exo_state.o \
		$(BUILD)/host/toolstack/exo/state.o
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LIBS)

.PHONY: unit-tests
unit-tests: $(UNIT_TESTS)

all: unit-tests
