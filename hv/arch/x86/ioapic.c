/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IOAPICs, for device interrupts on pins (legacy INTx and ISA IRQs)
 * that the control domain binds to event channels (physdev_msi.c). Every
 * pin starts masked; binding a GSI programs its redirection entry with a
 * host vector aimed at the boot CPU, with the trigger and polarity of its
 * bus (ISA: edge, active high, unless the MADT overrides it; PCI, GSI 16
 * and up: level, active low). A level-triggered pin is masked when it
 * fires, before the event is sent: the device keeps the line asserted
 * until its driver has handled it, so the pin is unmasked only when the
 * guest says so (arch_gsi_unmask, HV_PHYSDEV_irq_eoi).
 *
 * Locking: binding and unmasking run under the hypervisor lock; the
 * interrupt handler masks a pin without it, which is safe because that
 * pin's entry is only otherwise written by a bind or unmask, and those
 * happen with interrupts off on the CPU that handles the pin's vector.
 */
#include <asm/acpi.h>
#include <asm/irq.h>
#include <asm/setup.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <public/errno.h>

#define IOAPIC_SELECT 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIRECTION(pin) (0x10 + 2 * (pin))
#define RTE_POLARITY_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)
#define PCI_GSI_FIRST 16
#define PIRQS 64

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base;
    unsigned int pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

/* What each pirq bound to a pin is. */
static struct {
    bool bound, level;
    uint8_t ioapic, pin;
} pirq_pins[PIRQS];

static uint32_t ioapic_read(const struct ioapic *io, unsigned int reg)
{
    io->regs[IOAPIC_SELECT / 4] = reg;
    return io->regs[IOAPIC_WINDOW / 4];
}

static void ioapic_write(const struct ioapic *io, unsigned int reg, uint32_t value)
{
    io->regs[IOAPIC_SELECT / 4] = reg;
    io->regs[IOAPIC_WINDOW / 4] = value;
}

static void pin_mask(const struct ioapic *io, unsigned int pin, bool masked)
{
    uint32_t low = ioapic_read(io, IOAPIC_REDIRECTION(pin));

    ioapic_write(io, IOAPIC_REDIRECTION(pin), masked ? low | RTE_MASKED : low & ~RTE_MASKED);
}

void ioapic_init(void)
{
    for (unsigned int i = 0; i < acpi_nr_ioapics && nr_ioapics < ACPI_MAX_IOAPICS; i++) {
        struct ioapic *io = &ioapics[nr_ioapics];

        /* The low 4 GiB are identity-mapped; an IOAPIC above is ignored. */
        if (acpi_ioapics[i].address >= (4ull << 30))
            continue;
        io->regs = (volatile uint32_t *)(uintptr_t)acpi_ioapics[i].address;
        io->gsi_base = acpi_ioapics[i].gsi_base;
        io->pins = ((ioapic_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
        for (unsigned int pin = 0; pin < io->pins; pin++)
            ioapic_write(io, IOAPIC_REDIRECTION(pin), RTE_MASKED);
        nr_ioapics++;
        printk("hv: ioapic: GSIs %u-%u at %#lx\n", io->gsi_base, io->gsi_base + io->pins - 1,
               acpi_ioapics[i].address);
    }
}

/* The IOAPIC and pin of a GSI, or false. */
static bool find_pin(uint32_t gsi, unsigned int *ioapic, unsigned int *pin)
{
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].pins) {
            *ioapic = i;
            *pin = gsi - ioapics[i].gsi_base;
            return true;
        }
    }
    return false;
}

/* The trigger and polarity of gsi: its bus's, unless the MADT says. */
static unsigned int gsi_flags(uint32_t gsi)
{
    for (unsigned int i = 0; i < acpi_nr_overrides; i++)
        if (acpi_overrides[i].gsi == gsi)
            return acpi_overrides[i].flags;
    return gsi >= PCI_GSI_FIRST ? ACPI_IRQ_LEVEL | ACPI_IRQ_ACTIVE_LOW : 0;
}

/* ISA IRQs the hypervisor keeps (their GSIs, after overrides): the PIT
 * (0), COM1 (4), the RTC (8). */
static bool gsi_reserved(uint32_t gsi)
{
    static const uint8_t isa[] = {0, 4, 8};

    for (unsigned int i = 0; i < ARRAY_SIZE(isa); i++) {
        uint32_t g = isa[i];

        for (unsigned int j = 0; j < acpi_nr_overrides; j++)
            if (acpi_overrides[j].isa_irq == isa[i])
                g = acpi_overrides[j].gsi;
        if (g == gsi)
            return true;
    }
    return false;
}

int arch_gsi_bind(unsigned int pirq, uint32_t gsi)
{
    unsigned int ioapic, pin, flags;
    uint8_t vector;
    uint32_t low;
    int err;

    if (pirq >= PIRQS)
        return -HV_EINVAL;
    if (!find_pin(gsi, &ioapic, &pin))
        return -HV_ENOENT;
    if (gsi_reserved(gsi))
        return -HV_EPERM;
    if ((err = irq_vector_alloc(pirq, &vector)))
        return err;
    flags = gsi_flags(gsi);
    pirq_pins[pirq].bound = true;
    pirq_pins[pirq].level = flags & ACPI_IRQ_LEVEL;
    pirq_pins[pirq].ioapic = (uint8_t)ioapic;
    pirq_pins[pirq].pin = (uint8_t)pin;
    low = vector | (flags & ACPI_IRQ_LEVEL ? RTE_LEVEL : 0) |
          (flags & ACPI_IRQ_ACTIVE_LOW ? RTE_POLARITY_LOW : 0);
    /* Destination first, while the pin is still masked. */
    ioapic_write(&ioapics[ioapic], IOAPIC_REDIRECTION(pin) + 1, percpu[0].apic_id << 24);
    ioapic_write(&ioapics[ioapic], IOAPIC_REDIRECTION(pin), low);
    return 0;
}

void arch_gsi_unbind(unsigned int pirq)
{
    if (pirq >= PIRQS || !pirq_pins[pirq].bound)
        return;
    ioapic_write(&ioapics[pirq_pins[pirq].ioapic], IOAPIC_REDIRECTION(pirq_pins[pirq].pin),
                 RTE_MASKED);
    irq_vector_free(pirq);
    pirq_pins[pirq].bound = false;
}

void arch_gsi_unmask(unsigned int pirq)
{
    if (pirq < PIRQS && pirq_pins[pirq].bound)
        pin_mask(&ioapics[pirq_pins[pirq].ioapic], pirq_pins[pirq].pin, false);
}

void ioapic_interrupt(unsigned int pirq)
{
    if (pirq < PIRQS && pirq_pins[pirq].bound && pirq_pins[pirq].level)
        pin_mask(&ioapics[pirq_pins[pirq].ioapic], pirq_pins[pirq].pin, true);
}
