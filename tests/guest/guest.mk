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
GUEST_TEST_PROGRAMS := npf ud sse hypercalls misbehave timer domctl weights grant vcpus cycles evtchn upcall memory hostile pin syscalls threads
$(foreach t,$(GUEST_TEST_PROGRAMS),$(eval $(call guest_app,$(t),tests/guest/$(t)/$(t).c)))

# A boot module that is not an ELF image at all.
$(BUILD)/guests/notelf.bin:
	@mkdir -p $(@D)
	$(Q)printf 'This is not an ELF image.\n' > $@

GUEST_TESTS := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_TEST_PROGRAMS)) \
	$(BUILD)/guests/notelf.bin

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
