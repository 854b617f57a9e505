# SPDX-License-Identifier: GPL-2.0-only
#
# The hypervisor: $(BUILD)/hv.elf (ELF64 with multiboot1 and multiboot2
# headers, loadable by QEMU -kernel and by GRUB).
#
# Common code sees only hv/include; arch code also sees its own headers.
# The symbol table for backtraces is made in a second link: the first link
# gives the addresses, tools/hvsyms.sh writes them as data, the second link places
# that data after all code so no code address moves.

HV_COMMON := audit boot cmdline console console_input console_ring domain domain_build domctl elf event grant guest_access heap hypercall memory \
	start_info_fdt \
	page_alloc physdev physdev_msi printk rangeset sched time vcpu \
	string vsnprintf
HV_X86 := boot/head.S boot/multiboot.c boot/trampoline.S acpi.c apic.c cpu.c gdt.c \
	guest_build.c hvm.c iomem.c ioapic.c ioport.c msi.c pci.c smp.c \
	memory.c p2m.c paging.c serial.c setup.c symbols.c time.c traps.c traps_entry.S
HV_SVM := svm.c svm_entry.S
HV_VMX := caps.c ept.c exit.c vmcs.c vmx.c vmx_entry.S

HV_SRCS := $(addprefix hv/common/,$(addsuffix .c,$(HV_COMMON))) \
	$(addprefix hv/arch/x86/,$(HV_X86)) \
	$(addprefix hv/arch/x86/svm/,$(HV_SVM)) \
	$(addprefix hv/arch/x86/vmx/,$(HV_VMX))
HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(HV_SRCS)))

HV_CFLAGS := $(FREESTANDING) -mgeneral-regs-only -mcmodel=small \
	-Ihv/include -Ihv/include/libc -I$(FDT_INCLUDE)
HV_ARCH_CFLAGS := -Ihv/arch/x86/include
HV_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -T hv/arch/x86/hv.ld
HV_LIBS := $(LIBFDT_A)

$(BUILD)/hv/common/%.o: hv/common/%.c | $(FDT_INCLUDE)/libfdt.h
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/arch/%.o: hv/arch/%.c | $(FDT_INCLUDE)/libfdt.h
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HV_CFLAGS) $(HV_ARCH_CFLAGS) -c $< -o $@

$(BUILD)/hv/arch/%.o: hv/arch/%.S
	$(call msg,AS,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HV_CFLAGS) $(HV_ARCH_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/hv/hvsyms0.o: tools/hvsyms.sh
	@mkdir -p $(@D)
	$(Q)tools/hvsyms.sh < /dev/null > $(BUILD)/hv/hvsyms0.S
	$(Q)$(CC) -c $(BUILD)/hv/hvsyms0.S -o $@

$(BUILD)/hv.elf: $(HV_OBJS) $(BUILD)/hv/hvsyms0.o hv/arch/x86/hv.ld tools/hvsyms.sh
	$(call msg,LD,$@)
	$(Q)$(CC) $(HV_LDFLAGS) -o $(BUILD)/hv/hv.pass1 $(HV_OBJS) $(BUILD)/hv/hvsyms0.o $(HV_LIBS) -lgcc
	$(Q)$(NM) -n $(BUILD)/hv/hv.pass1 | tools/hvsyms.sh > $(BUILD)/hv/hvsyms.S
	$(Q)$(CC) -c $(BUILD)/hv/hvsyms.S -o $(BUILD)/hv/hvsyms.o
	$(Q)$(CC) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(BUILD)/hv/hvsyms.o $(HV_LIBS) -lgcc
	$(Q)$(NM) -n $@ | tools/hvsyms.sh --verify $(BUILD)/hv/hvsyms.S

all: $(BUILD)/hv.elf

# The compiler must not turn string.c's loops back into calls to themselves
# (clang already declines to inside functions of those names).
ifeq ($(CC_IS_CLANG),)
$(BUILD)/hv/common/string.o: HV_CFLAGS += -fno-tree-loop-distribute-patterns
endif
