# SPDX-License-Identifier: GPL-2.0-only
#
# Fuzz targets: libFuzzer harnesses built with clang, with AddressSanitizer
# and UndefinedBehaviorSanitizer, over the same hv/common files and host
# machine as the core unit tests (CORE_COMMON, tests/unit/unit.mk). Their
# objects are compiled apart, under $(BUILD)/fuzz/obj/, with clang and the
# fuzzer's instrumentation; they never mix with the gcc objects of
# $(BUILD)/host/.
#
#   make fuzz                    run the hypercall fuzzer for FUZZ_SECONDS (60), then
#                                the in-VM fuzzer (fuzz-vm)
#   make fuzz FUZZ_SECONDS=600   ... for ten minutes
#   make fuzz-vm [SEED=S] [COUNT=N]
#                                the in-VM fuzzer alone: N (2000000) seeded hypercalls
#                                from a guest, beside a canary (tests/fuzz/run-hcfuzz)
#
# make fuzz keeps what it learns in $(BUILD)/fuzz/corpus/hypercalls/ (seeded
# from tests/fuzz/corpus/hypercalls/, which it never writes) and saves
# crashing inputs as $(BUILD)/fuzz/crash-*. make check runs a fixed number
# of executions with a fixed seed instead (tests/run-tests, fuzz/hypercalls).

FUZZCC ?= $(or $(CLANG),clang)
FUZZ_SECONDS ?= 60
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(FUZZ_SANITIZE) -fno-omit-frame-pointer -MMD -MP \
	$(WARNINGS) -Ihv/include -Itests/unit

FUZZ_HYPERCALLS_SRCS := tests/fuzz/hypercalls.c tests/fuzz/pools.c tests/fuzz/ops_guest.c \
	tests/fuzz/ops_control.c tests/fuzz/ops_sharing.c
FUZZ_HYPERCALLS_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_HYPERCALLS_SRCS)) \
	$(BUILD)/fuzz/obj/tests/unit/host_machine.o \
	$(patsubst %,$(BUILD)/fuzz/obj/hv/common/%.o,$(CORE_COMMON))
FUZZ_TARGETS := $(BUILD)/fuzz/hypercalls
.SECONDARY: $(FUZZ_HYPERCALLS_OBJS)

$(BUILD)/fuzz/obj/%.o: %.c
	$(call msg,FUZZCC,$<)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_CFLAGS) -c $< -o $@

# The frame bookkeeping loops over every frame, several times per step:
# tracing each of those comparisons would cost more than all the rest, and
# guides nothing (no input reaches them but through the decoders).
$(addprefix $(BUILD)/fuzz/obj/,hv/common/page_alloc.o hv/common/audit.o \
	tests/unit/host_machine.o): FUZZ_CFLAGS += -fno-sanitize-coverage=trace-cmp

$(BUILD)/fuzz/obj/hv/common/start_info_fdt.o: FUZZ_CFLAGS += -I$(FDT_INCLUDE)
$(BUILD)/fuzz/obj/hv/common/start_info_fdt.o: | $(FDT_INCLUDE)/libfdt.h

$(BUILD)/fuzz/hypercalls: $(FUZZ_HYPERCALLS_OBJS)
	$(call msg,FUZZLD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_SANITIZE) -o $@ $^ -lfdt

# The library OS's ustar parser (guest-libos/kernel/tar.c), alone.
FUZZ_TAR_OBJS := $(BUILD)/fuzz/obj/tests/fuzz/tar.o $(BUILD)/fuzz/obj/guest-libos/kernel/tar.o
FUZZ_TARGETS += $(BUILD)/fuzz/tar
.SECONDARY: $(FUZZ_TAR_OBJS)
$(BUILD)/fuzz/obj/tests/fuzz/tar.o: FUZZ_CFLAGS += -Iguest-libos/kernel
$(BUILD)/fuzz/tar: $(FUZZ_TAR_OBJS)
	$(call msg,FUZZLD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_SANITIZE) -o $@ $^

# exo's configuration-file parser (the sources toolstack/exo/exo.mk names),
# alone; its seeds are real configuration files naming the kernel k.elf,
# which the harness puts in a scratch folder.
FUZZ_CONFIG_OBJS := $(BUILD)/fuzz/obj/tests/fuzz/config.o \
	$(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(EXO_CONFIG_SRCS))
FUZZ_TARGETS += $(BUILD)/fuzz/config
.SECONDARY: $(FUZZ_CONFIG_OBJS)
$(BUILD)/fuzz/obj/tests/fuzz/config.o: FUZZ_CFLAGS += -Itoolstack/exo
$(BUILD)/fuzz/config: $(FUZZ_CONFIG_OBJS)
	$(call msg,FUZZLD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_SANITIZE) -o $@ $^

# The hypervisor's ELF loader (hv/common/elf.c), alone.
FUZZ_ELF_OBJS := $(BUILD)/fuzz/obj/tests/fuzz/elf.o $(BUILD)/fuzz/obj/hv/common/elf.o
FUZZ_TARGETS += $(BUILD)/fuzz/elf
.SECONDARY: $(FUZZ_ELF_OBJS)
$(BUILD)/fuzz/elf: $(FUZZ_ELF_OBJS)
	$(call msg,FUZZLD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_SANITIZE) -o $@ $^

.PHONY: fuzz-targets fuzz fuzz-seeds
fuzz-targets: $(FUZZ_TARGETS)
all: fuzz-targets

# The library OS's start-info reader (guest-libos/kernel/start_info.c), over
# the system's libfdt as in its unit test.
FUZZ_START_INFO_OBJS := $(BUILD)/fuzz/obj/tests/fuzz/start_info.o \
	$(BUILD)/fuzz/obj/guest-libos/kernel/start_info.o
FUZZ_TARGETS += $(BUILD)/fuzz/start_info
.SECONDARY: $(FUZZ_START_INFO_OBJS)
$(FUZZ_START_INFO_OBJS): FUZZ_CFLAGS += -Iguest-libos/kernel -I$(FDT_INCLUDE)
$(FUZZ_START_INFO_OBJS): | $(FDT_INCLUDE)/libfdt.h
$(BUILD)/fuzz/start_info: $(FUZZ_START_INFO_OBJS)
	$(call msg,FUZZLD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_SANITIZE) -o $@ $^ -lfdt

# Planted bugs: the hypercall harness built against a copy of one hv/common
# file with a known fix taken out (tests/fuzz/plants/NAME.patch, which names
# the file in its "+++ b/" line), as $(BUILD)/fuzz-plants/NAME. tests/run-tests
# runs each with make check's budget and passes only if the fuzzer finds the
# bug (fuzz-plants/NAME). A patch that no longer applies exactly (no fuzz
# factor, not reversed) stops the build: the plant must never quietly
# become the fixed code.
FUZZ_PLANTS := $(basename $(notdir $(wildcard tests/fuzz/plants/*.patch)))
fuzz_plant_file = $(shell sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' tests/fuzz/plants/$(1).patch)

# $(1): the plant's name, $(2): the file it changes, $(3): its object's path in the tree.
define fuzz_plant
$(BUILD)/fuzz/plants/$(1)/$(2): $(2) tests/fuzz/plants/$(1).patch
	$$(call msg,PLANT,$$@)
	@mkdir -p $$(@D)
	$(Q)rm -f $$@ $$@.tmp $$@.rej
	$(Q)patch --batch --forward --fuzz=0 --no-backup-if-mismatch --quiet -r $$@.rej \
		-o $$@.tmp $(2) tests/fuzz/plants/$(1).patch >/dev/null || { \
		echo "fuzz plant $(1): tests/fuzz/plants/$(1).patch no longer applies to $(2);" \
			"refresh it so that it takes out the same check" >&2; \
		rm -f $$@.tmp $$@.rej; exit 1; }
	$(Q)! cmp -s $$@.tmp $(2) || { echo "fuzz plant $(1): the patch changes nothing" >&2; exit 1; }
	$(Q)mv $$@.tmp $$@
$(BUILD)/fuzz/plants/$(1)/obj/$(3): $(BUILD)/fuzz/plants/$(1)/$(2)
	$$(call msg,FUZZCC,$$<)
	@mkdir -p $$(@D)
	$(Q)$$(FUZZCC) $$(FUZZ_CFLAGS) -c $$< -o $$@
$(BUILD)/fuzz-plants/$(1): $(filter-out $(BUILD)/fuzz/obj/$(3),$(FUZZ_HYPERCALLS_OBJS)) \
		$(BUILD)/fuzz/plants/$(1)/obj/$(3)
	$$(call msg,FUZZLD,$$@)
	@mkdir -p $$(@D)
	$(Q)$$(FUZZCC) $$(FUZZ_SANITIZE) -o $$@ $$^ -lfdt
FUZZ_PLANT_TARGETS += $(BUILD)/fuzz-plants/$(1)
endef
$(foreach p,$(FUZZ_PLANTS),$(if $(filter 1,$(words $(call fuzz_plant_file,$(p)))),,$(error \
	tests/fuzz/plants/$(p).patch must change exactly one file (one "+++ b/FILE" line))))
$(foreach p,$(FUZZ_PLANTS),$(eval $(call fuzz_plant,$(p),$(call fuzz_plant_file,$(p)),$(patsubst \
	%.c,%.o,$(call fuzz_plant_file,$(p))))))

.PHONY: fuzz-targets fuzz-plants fuzz fuzz-seeds
fuzz-targets: $(FUZZ_TARGETS)
fuzz-plants: $(FUZZ_PLANT_TARGETS)
all: fuzz-targets fuzz-plants

# make fuzz-seeds rewrites the seed corpora and the dictionary from
# tests/fuzz/gen_*seeds.c, after a change of an input format. The generators
# are host tools, not fuzz targets: they live under $(BUILD)/host/.
$(BUILD)/host/tests/fuzz/gen_seeds: tests/fuzz/gen_seeds.c tests/fuzz/hypercalls.h
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g $(WARNINGS) -Ihv/include -o $@ $<

$(BUILD)/host/tests/fuzz/gen_elf_seeds: tests/fuzz/gen_elf_seeds.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g $(WARNINGS) -o $@ $<

$(BUILD)/host/tests/fuzz/gen_start_info_seeds: tests/fuzz/gen_start_info_seeds.c \
		hv/common/start_info_fdt.c | $(FDT_INCLUDE)/libfdt.h
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g $(WARNINGS) -Ihv/include -I$(FDT_INCLUDE) -o $@ $^ -lfdt

fuzz-seeds: $(BUILD)/host/tests/fuzz/gen_seeds $(BUILD)/host/tests/fuzz/gen_msg_seeds \
		$(BUILD)/host/tests/fuzz/gen_elf_seeds $(BUILD)/host/tests/fuzz/gen_start_info_seeds
	@mkdir -p tests/fuzz/corpus/hypercalls tests/fuzz/corpus/msg tests/fuzz/corpus/elf \
		tests/fuzz/corpus/start_info
	$(Q)rm -f tests/fuzz/corpus/hypercalls/* tests/fuzz/corpus/msg/* tests/fuzz/corpus/elf/* \
		tests/fuzz/corpus/start_info/*
	$(Q)$(BUILD)/host/tests/fuzz/gen_seeds tests/fuzz/corpus/hypercalls tests/fuzz/hypercalls.dict
	$(Q)$(BUILD)/host/tests/fuzz/gen_msg_seeds tests/fuzz/corpus/msg
	$(Q)$(BUILD)/host/tests/fuzz/gen_elf_seeds tests/fuzz/corpus/elf
	$(Q)$(BUILD)/host/tests/fuzz/gen_start_info_seeds tests/fuzz/corpus/start_info

# A wall-clock bound is right for exploring, never for make check. Inputs
# may grow well past the seeds: longer sequences reach deeper states.
fuzz: $(BUILD)/fuzz/hypercalls
	@mkdir -p $(BUILD)/fuzz/corpus/hypercalls
	$(Q)cp -n tests/fuzz/corpus/hypercalls/* $(BUILD)/fuzz/corpus/hypercalls/
	$(BUILD)/fuzz/hypercalls -max_total_time=$(FUZZ_SECONDS) -max_len=2048 -print_final_stats=1 \
		-dict=tests/fuzz/hypercalls.dict -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/corpus/hypercalls
	$(Q)$(MAKE) --no-print-directory fuzz-vm

# The in-VM leg: a count, never a time, so that SEED and COUNT repeat it.
.PHONY: fuzz-vm
fuzz-vm: $(BUILD)/hv.elf $(BUILD)/guests/hcfuzz.elf
	$(Q)QEMU='$(QEMU)' BUILD='$(BUILD)' SEED='$(SEED)' COUNT='$(COUNT)' tests/fuzz/run-hcfuzz

# make fuzz-coverage: line and branch coverage of hv/common by the
# hypercall fuzzer's corpus (what make fuzz learned, else the seeds),
# from a build of the same harness with clang's source-based coverage in
# place of the sanitizers. The report lands in $(BUILD)/fuzz-cov/report.txt.
FUZZ_COV_FLAGS := -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_OBJS := $(patsubst $(BUILD)/fuzz/obj/%,$(BUILD)/fuzz-cov/obj/%,$(FUZZ_HYPERCALLS_OBJS))
.SECONDARY: $(FUZZ_COV_OBJS)
$(BUILD)/fuzz-cov/obj/%.o: %.c
	$(call msg,FUZZCC,$<)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) -std=gnu11 -O1 -g $(FUZZ_COV_FLAGS) -MMD -MP $(WARNINGS) -Ihv/include \
		-Itests/unit -I$(FDT_INCLUDE) -c $< -o $@
$(BUILD)/fuzz-cov/hypercalls: $(FUZZ_COV_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZCC) $(FUZZ_COV_FLAGS) -o $@ $^ -lfdt

.PHONY: fuzz-coverage
fuzz-coverage: $(BUILD)/fuzz-cov/hypercalls | $(FDT_INCLUDE)/libfdt.h
	$(Q)rm -f $(BUILD)/fuzz-cov/*.profraw
	$(Q)corpus=$(BUILD)/fuzz/corpus/hypercalls; [ -d $$corpus ] || corpus=tests/fuzz/corpus/hypercalls; \
		echo "fuzz-coverage: replaying $$(ls $$corpus | wc -l) inputs from $$corpus"; \
		LLVM_PROFILE_FILE=$(BUILD)/fuzz-cov/run.profraw $< -runs=0 $$corpus >/dev/null 2>&1
	$(Q)llvm-profdata merge -sparse $(BUILD)/fuzz-cov/run.profraw -o $(BUILD)/fuzz-cov/run.profdata
	$(Q)llvm-cov report $< -instr-profile=$(BUILD)/fuzz-cov/run.profdata \
		$(addprefix hv/common/,$(addsuffix .c,$(CORE_COMMON))) | tee $(BUILD)/fuzz-cov/report.txt

# The management protocol's message layer (toolstack/libexo/msg*.c):
# framing, the stream reader and the payload getters, with libfdt.
FUZZ_MSG_OBJS := $(BUILD)/fuzz/obj/tests/fuzz/msg.o \
	$(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(LIBEXO_SRCS))
FUZZ_TARGETS += $(BUILD)/fuzz/msg
.SECONDARY: $(FUZZ_MSG_OBJS)
$(BUILD)/fuzz/obj/tests/fuzz/msg.o: FUZZ_CFLAGS += $(LIBEXO_CFLAGS)
$(BUILD)/fuzz/msg: $(FUZZ_MSG_OBJS)
	$(call msg,FUZZLD,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_SANITIZE) -o $@ $^ -lfdt
all: $(BUILD)/fuzz/msg

# The message fuzzer's seeds come from the unit tests' sample messages.
$(BUILD)/host/tests/fuzz/gen_msg_seeds: tests/fuzz/gen_msg_seeds.c tests/unit/msg_samples.h \
		$(LIBEXO_HOST)
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g $(WARNINGS) $(LIBEXO_CFLAGS) -Itests/unit \
		-o $@ $< $(LIBEXO_HOST) -lfdt
