/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_start(): the boot CPU's path from the loader to running domains.
 * Order matters: the console first, so everything after can report; the
 * command line before anything it configures; memory before paging, paging
 * before anything allocates; the vCPU back end last.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/boot.h>
#include <asm/irq.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/cmdline.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

void hv_start(uint32_t magic, uint32_t info);

static struct boot_info boot_info;
static struct hv_options options;
static struct boot_image images[BOOT_MAX_MODULES];

#define ISA_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

void arch_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_power_off(unsigned int value)
{
    /* QEMU's isa-debug-exit makes QEMU exit with (value << 1) | 1; Bochs
     * stops on "Shutdown" written to its port. On hardware both are
     * harmless, and the machine halts. */
    serial_drain();
    outl(ISA_DEBUG_EXIT_PORT, value);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    arch_halt();
}

/* Called by code built with the stack protector when a canary was overwritten. */
__noreturn void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    panic("stack smashing detected");
}

static void cmdline_warn(const char *msg)
{
    printk(LOG_WARN "hv: command line: %s\n", msg);
}

/* Loaders pass the kernel's own path first (QEMU, GRUB); skip it. */
static const char *skip_image_name(const char *cmdline)
{
    const char *end = cmdline;

    while (*end && *end != ' ')
        end++;
    for (const char *p = cmdline; p < end; p++)
        if (*p == '/' || (*p == '.' && end - p == 4 && !strncmp(p, ".elf", 4)))
            return end;
    return cmdline;
}

void hv_start(uint32_t magic, uint32_t info)
{
    int err;

    serial_init();
    printk("\nExovisor hypervisor, ABI version %u\n", HV_ABI_VERSION);
    err = multiboot_parse(magic, info, &boot_info);
    cmdline_defaults(&options);
    cmdline_parse(skip_image_name(boot_info.cmdline), &options, cmdline_warn);
    log_level = options.loglvl;
    printk("hv: loaded by %s (%s), command line '%s'\n",
           boot_info.loader[0] ? boot_info.loader : "an unnamed loader", boot_info.protocol,
           boot_info.cmdline);
    if (err)
        panic("the boot loader gave no usable memory map (magic %#x)", magic);

    cpu_init();
    memory_init(&boot_info);
    iomem_init(&boot_info);
    smp_prepare_trampoline();
    acpi_early_init();
    paging_init();
    gdt_init(0, (uint64_t)ist_df_top, (uint64_t)ist_nmi_top, (uint64_t)ist_mc_top);
    traps_init();
    lapic_init();
    time_init();
    hvm_init();
    smp_init(&boot_info, options.maxcpus);
    ioapic_init();

    for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
        struct boot_module *m = &boot_info.modules[i];

        images[i] = (struct boot_image){(const void *)(uintptr_t)m->start, m->end - m->start,
                                        m->cmdline};
    }
    boot_run_domains(images, boot_info.nr_modules, &options);
}
