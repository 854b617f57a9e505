# SPDX-License-Identifier: GPL-2.0-only
#
# Whole-system tests and running the system: the guest test programs, the
# GRUB ISO (make iso), every test tier (make check, through tests/run-tests)
# and an interactive boot of hv + hello in QEMU (make run).

# ---- Guest test programs --------------------------------------------------
# Each tests/guest/NAME/ holding a test.conf is one whole-system test; the
# programs its MODULES name are built to $(BUILD)/guests/NAME.elf. Their rules
# go here, and each such file is added to GUEST_TESTS, so that `make` and
# `make check` build them. Keep this block above the rules that use
# GUEST_TESTS.
GUEST_TEST_PROGRAMS := npf ud sse hypercalls misbehave timer domctl weights grant vcpus cycles evtchn upcall memory hostile pin syscalls migrate console redzone devices ioports threads
$(foreach t,$(GUEST_TEST_PROGRAMS),$(eval $(call guest_app,$(t),tests/guest/$(t)/$(t).c)))

# Programs that install their own IDT take interrupts on the stack they
# interrupt, so their code must leave no red zone there.
GUEST_FLAGS_upcall := -mno-red-zone
GUEST_FLAGS_misbehave := -mno-red-zone

# A boot module that is not an ELF image at all.
$(BUILD)/guests/notelf.bin:
	@mkdir -p $(@D)
	$(Q)printf 'This is not an ELF image.\n' > $@

GUEST_TESTS := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_TEST_PROGRAMS)) \
	$(BUILD)/guests/notelf.bin

# The file tree test: tests/guest/files/tree plus, made at build time so
# the repository stays small, big.bin (100 KiB of random bytes) and
# big.cksum (its POSIX cksum, which the guest recomputes from what it
# reads), linked in through tools/mkfiles. Modes and one mtime are set
# here so the guest can check that they come through the archive.
FILES_TEST_SRC := tests/guest/files/tree
FILES_TEST_TREE := $(BUILD)/tests/guest/files/tree
$(BUILD)/tests/guest/files/big.bin:
	@mkdir -p $(@D)
	$(Q)head -c 102400 /dev/urandom >$@.tmp && mv $@.tmp $@
$(FILES_TEST_TREE).stamp: $(shell find $(FILES_TEST_SRC) | sed 's/ /\\ /g') \
		$(BUILD)/tests/guest/files/big.bin
	$(call msg,GEN,$(FILES_TEST_TREE))
	$(Q)rm -rf $(FILES_TEST_TREE) && mkdir -p $(FILES_TEST_TREE)
	$(Q)cp -R $(FILES_TEST_SRC)/. $(BUILD)/tests/guest/files/big.bin $(FILES_TEST_TREE)/
	$(Q)cksum <$(FILES_TEST_TREE)/big.bin | cut -d' ' -f1 >$(FILES_TEST_TREE)/big.cksum
	$(Q)chmod -R u=rwX,go=rX $(FILES_TEST_TREE) && chmod 0600 $(FILES_TEST_TREE)/dir/sub/secret
	$(Q)touch -d @1700000000 $(FILES_TEST_TREE)/hello.txt
	$(Q)touch $@
# Linked with exo-cc --files, as a user's program would be.
$(BUILD)/guests/obj/files/%.o: %.c $(EXO_CC)
	$(call msg,EXO-CC,$<)
	@mkdir -p $(@D)
	$(Q)$(EXO_CC) $(APP_CFLAGS) -c $< -o $@
$(BUILD)/guests/files.elf: $(BUILD)/guests/obj/files/tests/guest/files/files.o \
		$(FILES_TEST_TREE).stamp $(EXO_LINK_DEPS)
	$(call msg,EXO-LD,$@)
	$(Q)$(EXO_CC) -o $@ $< --files $(FILES_TEST_TREE)
# files-partial: the same program over an archive whose third header is
# damaged (a padding byte, so only the checksum tells), which the library
# OS must report, keeping the two entries before it.
$(BUILD)/tests/guest/files/partial.tar: $(FILES_TEST_TREE).stamp
	$(call msg,TAR,$@)
	$(Q)tar --format=ustar --no-recursion -C $(FILES_TEST_TREE) -cf $@.tmp \
		./hello.txt ./dir/ ./dir/page.html ./empty
	$(Q)printf X | dd of=$@.tmp bs=1 seek=$$((3 * 512 + 500)) conv=notrunc status=none
	$(Q)mv $@.tmp $@
$(BUILD)/guests/files-partial.elf: $(BUILD)/guests/obj/files/tests/guest/files/files.o \
		$(BUILD)/tests/guest/files/partial.tar $(EXO_LINK_DEPS)
	$(call msg,EXO-LD,$@)
	$(Q)$(EXO_CC) -o $@ $< --files $(BUILD)/tests/guest/files/partial.tar
GUEST_TESTS += $(BUILD)/guests/files.elf $(BUILD)/guests/files-partial.elf
# The crash tests' image names functions in its reports: exo-cc links it
# with its own symbol table.
$(eval $(call guest_app,crash,tests/guest/crash/crash.c))
GUEST_TESTS += $(BUILD)/guests/crash.elf

# A program built the way an existing C program's build would call exo-cc:
# by its own script, with no help from guest_app.
$(BUILD)/guests/exocc.elf: tests/guest/exocc/build $(wildcard tests/guest/exocc/*.[ch]) \
		$(shell find tests/guest/exocc/files) $(EXO_LINK_DEPS)
	$(call msg,BUILD,$@)
	$(Q)tests/guest/exocc/build $(EXO_CC) $(BUILD)/guests/obj/exocc $@

GUEST_TESTS += $(BUILD)/guests/exocc.elf

# exod-build: exod (toolstack/exod/exod.mk) with a file tree of its jobs
# (tests/guest/exod-build/jobs) and the images they build: hello.elf,
# spin.elf (runs until stopped), and bad inputs made at build time --
# hello.elf's first 4 KiB (headers, but not the segments they describe),
# text that is no ELF file, an image too big for 8 MiB (big.c), and a
# command line of 2040 bytes whose start-info tree with 32 vCPUs cannot fit.
$(eval $(call guest_app,exod-big,tests/guest/exod-build/big.c))
$(eval $(call guest_app,exod-spin,tests/guest/exod-build/spin.c))
EXOD_TEST_TREE := $(BUILD)/tests/guest/exod-build/tree
$(EXOD_TEST_TREE).stamp: $(BUILD)/guests/hello.elf $(BUILD)/guests/exod-big.elf \
		$(BUILD)/guests/exod-spin.elf \
		tests/guest/exod-build/jobs
	$(call msg,GEN,$(EXOD_TEST_TREE))
	$(Q)rm -rf $(EXOD_TEST_TREE) && mkdir -p $(EXOD_TEST_TREE)
	$(Q)cp tests/guest/exod-build/jobs $(EXOD_TEST_TREE)/jobs
	$(Q)cp $(BUILD)/guests/hello.elf $(EXOD_TEST_TREE)/hello.elf
	$(Q)head -c 4096 $(BUILD)/guests/hello.elf >$(EXOD_TEST_TREE)/truncated.elf
	$(Q)yes 'This is not an ELF image.' | head -c 1024 >$(EXOD_TEST_TREE)/garbage.elf
	$(Q)cp $(BUILD)/guests/exod-big.elf $(EXOD_TEST_TREE)/big.elf
	$(Q)cp $(BUILD)/guests/exod-spin.elf $(EXOD_TEST_TREE)/spin.elf
	$(Q){ printf 'hello '; printf '%2034s' '' | tr ' ' x; } >$(EXOD_TEST_TREE)/long-cmdline
	$(Q)touch $@
$(BUILD)/guests/exod-build.elf: $(EXOD_OBJS) $(EXOD_TEST_TREE).stamp $(EXO_LINK_DEPS)
	$(call msg,EXO-LD,$@)
	$(Q)$(EXO_CC) -o $@ $(EXOD_OBJS) --files $(EXOD_TEST_TREE)
GUEST_TESTS += $(BUILD)/guests/exod-build.elf
# The management protocol's message layer, as exod links it.
$(eval $(call guest_app,msg,tests/guest/msg/msg.c $(LIBEXO_SRCS)))
GUEST_FLAGS_msg := $(LIBEXO_CFLAGS) -Itests/unit -isystem $(XXHASH_INCLUDE)
$(patsubst %.c,$(BUILD)/guests/obj/msg/%.o,tests/guest/msg/msg.c $(LIBEXO_SRCS)): \
	| $(XXHASH_INCLUDE)/xxhash.h
GUEST_TESTS += $(BUILD)/guests/msg.elf
# exod-serve: the host side is a C client (libexo's client and message
# layer, built for the host), and the image it uploads is hello without
# its symbols and debug sections, a third of the bytes over a slow channel.
EXOD_SERVE_DIR := $(BUILD)/tests/guest/exod-serve
$(EXOD_SERVE_DIR)/client.o: tests/guest/exod-serve/client.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(TOOLSTACK_HOST_CFLAGS) -Ihv/include -c $< -o $@
$(EXOD_SERVE_DIR)/client: $(EXOD_SERVE_DIR)/client.o $(LIBEXO_CLIENT) $(LIBEXO_HOST)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) -o $@ $^ -lfdt
$(EXOD_SERVE_DIR)/hello.elf: $(BUILD)/guests/hello.elf
	$(call msg,STRIP,$@)
	@mkdir -p $(@D)
	$(Q)strip -o $@ $<
GUEST_TESTS += $(EXOD_SERVE_DIR)/client $(EXOD_SERVE_DIR)/hello.elf

# ---- end of guest test programs -------------------------------------------

all: $(GUEST_TESTS)

ISO_CMDLINE := poweroff

$(BUILD)/exovisor.iso: $(BUILD)/hv.elf $(BUILD)/guests/hello.elf tools/mkiso
	$(call msg,MKISO,$@)
	$(Q)GRUB_MKRESCUE='$(GRUB_MKRESCUE)' tools/mkiso $@ $(BUILD)/hv.elf \
		'$(ISO_CMDLINE)' $(BUILD)/guests/hello.elf

iso: $(BUILD)/exovisor.iso

# CHECK_FLAGS=--platform=bochs runs the whole-system tests under Bochs;
# TESTS=REGEX picks tests by name (docs/testing.md).
CHECK_FLAGS ?=

check: all iso
	$(Q)QEMU='$(QEMU)' BOCHS='$(BOCHS)' GRUB_MKRESCUE='$(GRUB_MKRESCUE)' \
		tests/run-tests $(CHECK_FLAGS) $(BUILD)

# make check-vmx: every whole-system test under Bochs on VT-x (BOCHS_CPU,
# corei7_skylake_x by default); TESTS=REGEX narrows it as for make check.
.PHONY: check-vmx
check-vmx: all
	$(Q)QEMU='$(QEMU)' BOCHS='$(BOCHS)' GRUB_MKRESCUE='$(GRUB_MKRESCUE)' \
		TESTS='$(or $(TESTS),^guest/)' tests/run-tests --platform bochs $(BUILD)

# make run: the serial console on the terminal; exits 0 when domain 0 powers
# off with code 0, which QEMU reports as status 1 (docs/testing.md).
RUN_CMDLINE ?= poweroff
RUN_QEMU = $(QEMU) -machine q35 -cpu max -accel tcg -m 256 -display none \
	-nodefaults -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel $(BUILD)/hv.elf -append '$(RUN_CMDLINE)' \
	-initrd $(BUILD)/guests/hello.elf $(QEMU_EXTRA)

run: $(BUILD)/hv.elf $(BUILD)/guests/hello.elf
	@echo "$(RUN_QEMU)"
	@$(RUN_QEMU); status=$$?; v=$$((status >> 1)); \
	if [ $$status -eq 1 ]; then exit 0; \
	elif [ $$status -eq 255 ]; then echo "run: the hypervisor panicked" >&2; \
	elif [ $$((status & 1)) -eq 1 ]; then \
		echo "run: domain 0 ended with reason $$((v >> 5)) (0 poweroff, 1 reboot," \
			"2 crash), code $$((v & 31))" >&2; \
	else echo "run: QEMU exited with status $$status (0: the machine reset)" >&2; \
	fi; exit 1
