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
GUEST_TEST_PROGRAMS := npf ud sse hypercalls misbehave timer domctl weights grant vcpus cycles evtchn upcall memory hostile pin syscalls migrate console redzone devices ioports
$(foreach t,$(GUEST_TEST_PROGRAMS),$(eval $(call guest_app,$(t),tests/guest/$(t)/$(t).c)))

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
$(BUILD)/libos/tests/guest/files/tree.o: $(FILES_TEST_TREE).stamp tools/mkfiles
	$(call msg,MKFILES,$@)
	$(Q)tools/mkfiles $(FILES_TEST_TREE) $@
$(eval $(call guest_app,files,tests/guest/files/files.c tests/guest/files/tree.o))
# files-partial: the same program over an archive whose third header is
# damaged (a padding byte, so only the checksum tells), which the library
# OS must report, keeping the two entries before it.
$(BUILD)/libos/tests/guest/files/partial.o: $(FILES_TEST_TREE).stamp tools/mkfiles
	$(call msg,MKFILES,$@)
	$(Q)tar --format=ustar --no-recursion -C $(FILES_TEST_TREE) -cf $@.tar \
		./hello.txt ./dir/ ./dir/page.html ./empty
	$(Q)printf X | dd of=$@.tar bs=1 seek=$$((3 * 512 + 500)) conv=notrunc status=none
	$(Q)tools/mkfiles $@.tar $@
$(eval $(call guest_app,files-partial,tests/guest/files/files.c tests/guest/files/partial.o))
GUEST_TESTS += $(BUILD)/guests/files.elf $(BUILD)/guests/files-partial.elf
# The crash tests' image names functions in its reports: linked a second
# time with the first link's symbol table (tools/mksymbols), which must not
# move any code.
$(eval $(call guest_app,crash-nosyms,tests/guest/crash/crash.c))
$(BUILD)/guests/crash-symbols.S: $(BUILD)/guests/crash-nosyms.elf tools/mksymbols
	$(call msg,GEN,$@)
	$(Q)nm -n -S --defined-only $< | tools/mksymbols > $@
$(BUILD)/guests/crash.elf: $(BUILD)/guests/crash-symbols.S
	$(call msg,LD,$@)
	$(Q)$(CC) $(GUEST_LDFLAGS) -o $@ $(LIBOS_OBJS) $(BUILD)/libos/tests/guest/crash/crash.o $< \
		$(GUEST_LIBS)
	$(Q)nm -n $(BUILD)/guests/crash-nosyms.elf | grep ' [tTW] ' > $@.text1
	$(Q)nm -n $@ | grep ' [tTW] ' > $@.text2
	$(Q)cmp -s $@.text1 $@.text2 || { echo "$@: the symbol table moved code" >&2; rm -f $@; exit 1; }
GUEST_TESTS += $(BUILD)/guests/crash.elf

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
