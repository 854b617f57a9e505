/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devices for the control domain, with QEMU's "edu" PCI device. As domain
 * 0 ("control") it finds the device through the hypervisor's PCI
 * configuration access, has its register BAR mapped 1:1, checks the
 * identification register, the liveness check and the factorial unit,
 * binds the device's MSI to an event channel and receives two interrupts
 * on it (one raised by hand, one at the end of a DMA), then binds its
 * legacy interrupt (an IOAPIC pin) and receives three, ending each with
 * irq_eoi, and moves bytes
 * from DMA memory mapped 1:1 into the device and back. It opens QEMU's
 * fw_cfg ports and reads the "QEMU" signature through them with in/out.
 * Then the hostile part: the hypervisor's own ports, RAM and the local
 * APIC as device memory, bad configuration registers, BAR and MSI writes
 * are all refused. As any other domain ("other") it checks that every
 * physdev command is refused.
 */
#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <exo/time.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_BAR_BYTES (1u << 20)
#define EDU_ID 0x00
#define EDU_LIVENESS 0x04
#define EDU_FACTORIAL 0x08
#define EDU_STATUS 0x20
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_BUFFER 0x40000
#define EDU_DMA_START 1u
#define EDU_DMA_TO_RAM 2u
#define EDU_DMA_IRQ 4u
#define EDU_DMA_IRQ_VALUE 0x100
#define DMA_BYTES 2048

#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_PWT 8ull
#define PTE_PCD 16ull
#define PTE_PS 128ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s (got %#lx)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static long physdev(long cmd, const void *arg) { return hv_physdev_op(cmd, (long)arg); }

static long conf_read(unsigned int bus, unsigned int devfn, unsigned int reg, unsigned int size,
                      uint32_t *value)
{
    struct hv_physdev_pci_conf c = {.bus = (uint8_t)bus, .devfn = (uint8_t)devfn,
                                    .reg = (uint16_t)reg, .size = (uint8_t)size};
    long r = physdev(HV_PHYSDEV_pci_conf_read, &c);

    *value = c.value;
    return r;
}

static long conf_write(unsigned int bus, unsigned int devfn, unsigned int reg, unsigned int size,
                       uint32_t value)
{
    struct hv_physdev_pci_conf c = {.bus = (uint8_t)bus, .devfn = (uint8_t)devfn,
                                    .reg = (uint16_t)reg, .size = (uint8_t)size,
                                    .value = value};

    return physdev(HV_PHYSDEV_pci_conf_write, &c);
}

/* Page-table pages for the mappings below (virtual = physical here). */
static uint64_t pt_pool[16][512] __attribute__((aligned(4096)));
static unsigned int pt_used;

static uint64_t *next_table(uint64_t *entry)
{
    if (!(*entry & PTE_P)) {
        uint64_t *t = pt_pool[pt_used++];

        memset(t, 0, 4096);
        *entry = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
    }
    return (uint64_t *)(uintptr_t)(*entry & PTE_ADDR);
}

/* Map [addr, addr + len) at the same virtual address, 4 KiB pages. */
static void map_identity(uint64_t addr, uint64_t len, int uncached)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    for (uint64_t a = addr; a < addr + len; a += 4096) {
        uint64_t *pml4 = (uint64_t *)(uintptr_t)(cr3 & PTE_ADDR);
        uint64_t *pdpt = next_table(&pml4[(a >> 39) & 511]);
        uint64_t *pd = next_table(&pdpt[(a >> 30) & 511]);
        uint64_t *pt;

        if (pd[(a >> 21) & 511] & PTE_PS)
            continue; /* inside a large page already */
        pt = next_table(&pd[(a >> 21) & 511]);
        pt[(a >> 12) & 511] = a | PTE_P | PTE_W | PTE_NX | (uncached ? PTE_PCD | PTE_PWT : 0);
    }
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

static volatile uint32_t *regs;

static uint32_t rd(unsigned int off) { return regs[off / 4]; }
static void wr(unsigned int off, uint32_t v) { regs[off / 4] = v; }
static void wr64(unsigned int off, uint64_t v)
{
    *(volatile uint64_t *)(uintptr_t)((uintptr_t)regs + off) = v;
}

static int find_edu(unsigned int *devfn)
{
    for (unsigned int dev = 0; dev < 32; dev++) {
        uint32_t id;

        if (conf_read(0, dev << 3, 0, 4, &id) == 0 &&
            id == (EDU_DEVICE << 16 | EDU_VENDOR)) {
            *devfn = dev << 3;
            return 0;
        }
    }
    return -1;
}

static void dma(uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd)
{
    wr64(EDU_DMA_SRC, src);
    wr64(EDU_DMA_DST, dst);
    wr64(EDU_DMA_COUNT, count);
    wr64(EDU_DMA_CMD, EDU_DMA_START | cmd);
    while (rd(EDU_DMA_CMD) & EDU_DMA_START)
        __asm__ volatile("pause");
}

static uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }

static void hostile(unsigned int devfn, uint64_t bar)
{
    struct hv_physdev_ioport io = {.domid = 0, .first = 0x3f8, .count = 8, .allow = 1};
    struct hv_physdev_iomem m = {.domid = 0, .frame = 0x200, .count = 1};
    struct hv_physdev_bind_msi b = {.devfn = (uint8_t)devfn};
    uint32_t v;
    long r;

    check(physdev(HV_PHYSDEV_ioport_permission, &io) == -HV_EPERM, "COM1 is refused", 0);
    io.first = 0xcf8;
    io.count = 1;
    check(physdev(HV_PHYSDEV_ioport_permission, &io) == -HV_EPERM, "0xcf8 is refused", 0);
    io.first = 0xf4;
    check(physdev(HV_PHYSDEV_ioport_permission, &io) == -HV_EPERM, "the exit port is refused",
          0);
    io.first = 0xfff0;
    io.count = 0x20;
    check(physdev(HV_PHYSDEV_ioport_permission, &io) == -HV_EINVAL, "ports past 0xffff", 0);
    io.domid = 77;
    io.first = 0x510;
    io.count = 2;
    check(physdev(HV_PHYSDEV_ioport_permission, &io) == -HV_ESRCH, "no such domain", 0);

    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EPERM, "RAM (2 MiB) as device memory is refused", r);
    m.frame = 0xfee00;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EPERM, "the local APIC page is refused", r);
    m.frame = 0xfec00;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EPERM, "the IOAPIC page is refused", r);
    m.frame = 0xb0000;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EPERM, "the PCI configuration window (ECAM) is refused", r);
    m.frame = bar >> 12;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EEXIST, "mapping the BAR twice is refused", r);
    m.frame = (1ull << 52) >> 12;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EPERM, "past the physical address width", r);
    m.frame = 0x200;
    r = physdev(HV_PHYSDEV_iomem_unmap, &m);
    check(r == -HV_EPERM || r == -HV_EINVAL, "unmapping RAM is refused", r);
    m.frame = bar >> 12;
    m.count = HV_PHYSDEV_IOMEM_MAX + 1;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_E2BIG, "too many frames at once", r);

    check(conf_read(0, devfn, 0, 3, &v) == -HV_EINVAL, "config read of size 3", 0);
    check(conf_read(0, devfn, 2, 4, &v) == -HV_EINVAL, "misaligned config read", 0);
    check(conf_read(0, devfn, 256, 1, &v) == -HV_EINVAL, "config register 256", 0);
    {
        struct hv_physdev_pci_conf c = {.segment = 1, .size = 4};

        check(physdev(HV_PHYSDEV_pci_conf_read, &c) == -HV_EINVAL, "segment 1", 0);
    }
    r = conf_write(0, devfn, 0x10, 4, 0xffffffffu);
    check(r == -HV_EPERM, "moving BAR0 is refused", r);
    conf_read(0, devfn, 0x10, 4, &v);
    check((v & ~0xfu) == bar, "BAR0 is where it was", v);
    r = conf_write(0, devfn, 0x18, 4, 0);
    check(r == -HV_EPERM, "BAR2 of an ordinary function is refused", r);
    r = conf_write(0, devfn, 0x3c, 1, 0x0b);
    conf_read(0, devfn, 0x3c, 1, &v);
    check(r == 0 && v == 0x0b, "the interrupt line register is writable", r ? r : (long)v);
    r = conf_write(0, devfn, 0x31, 1, 1);
    check(r == -HV_EPERM, "the expansion ROM BAR is refused", r);
    r = physdev(HV_PHYSDEV_bind_msi, &b);
    check(r == -HV_EBUSY, "binding the MSI twice is refused", r);
    b.devfn = 31 << 3 | 7;
    b.bus = 200;
    r = physdev(HV_PHYSDEV_bind_msi, &b);
    check(r == -HV_ENOENT, "MSI of a function that does not exist", r);
    {
        uint32_t plain;

        r = event_alloc_unbound(0, &plain);
        check(r == 0 && physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)plain) == -HV_EINVAL,
              "unbind of a port that is no binding", plain);
        event_close(plain);
        check(physdev(HV_PHYSDEV_unbind, (void *)4000) == -HV_EINVAL, "unbind of a free port",
              0);
    }
    {
        struct hv_physdev_dma d = {.size = 3 * 4096};

        r = physdev(HV_PHYSDEV_dma_alloc, &d);
        check(r == -HV_EINVAL, "DMA size not a power of two", r);
        d.size = 4u << 20;
        r = physdev(HV_PHYSDEV_dma_alloc, &d);
        check(r == -HV_EINVAL, "DMA size too large", r);
    }
    check(physdev(99, &m) == -HV_ENOSYS, "unknown command", 0);
}

/* The legacy interrupt, through the IOAPIC. Its GSI is what QEMU q35's
 * ACPI _PRT says for the slot: INTA-INTD of slot s go to PIRQ E-H as
 * (s + pin) % 4 + 4, and PIRQ n is GSI 16 + n. */
static void legacy(unsigned int devfn)
{
    struct hv_physdev_bind_irq b = {.vcpu = 0};
    uint32_t pin;
    long r;

    conf_read(0, devfn, 0x3d, 1, &pin);
    check(pin >= 1 && pin <= 4, "the device has an interrupt pin", pin);
    b.gsi = 16 + ((devfn >> 3) + pin - 1) % 4 + 4;
    r = physdev(HV_PHYSDEV_bind_irq, &b);
    check(r == 0 && b.port > 0, "GSI bound to an event channel", r ? r : (long)b.gsi);
    if (r)
        return;
    for (uint32_t round = 1; round <= 3; round++) {
        wr(EDU_IRQ_RAISE, round);
        r = event_wait(b.port);
        check(r == 0 && rd(EDU_IRQ_STATUS) == round, "legacy interrupt arrives as an event",
              rd(EDU_IRQ_STATUS));
        wr(EDU_IRQ_ACK, round); /* the device lowers its line */
        r = physdev(HV_PHYSDEV_irq_eoi, (void *)(uintptr_t)b.port);
        check(r == 0, "end of interrupt unmasks the pin", r);
    }
    /* Not handled: the line stays up, and the pin stays masked. Only the
     * end of interrupt lets it fire again. */
    wr(EDU_IRQ_RAISE, 4);
    event_wait(b.port);
    /* Long enough for an unmasked pin to fire again, even past QEMU's
     * IOAPIC slowing down a storm (10 ms after 10000 interrupts). */
    for (uint64_t end = libos_time_ns() + 50000000; libos_time_ns() < end;)
        hv_sched_op(HV_SCHED_yield, 0, 0);
    check(!event_test_and_clear(b.port), "a level pin stays masked until its end of interrupt",
          0);
    r = physdev(HV_PHYSDEV_irq_eoi, (void *)(uintptr_t)b.port);
    check(r == 0 && event_wait(b.port) == 0, "a line still up fires again after it", r);
    wr(EDU_IRQ_ACK, 4);
    check(physdev(HV_PHYSDEV_irq_eoi, (void *)(uintptr_t)b.port) == 0, "end of interrupt", 0);
    {
        struct hv_physdev_bind_irq again = b;

        r = physdev(HV_PHYSDEV_bind_irq, &again);
        check(r == -HV_EBUSY, "binding the GSI twice is refused", r);
        again.gsi = 4;
        r = physdev(HV_PHYSDEV_bind_irq, &again);
        check(r == -HV_EPERM, "COM1's IRQ is refused", r);
        again.gsi = 9999;
        r = physdev(HV_PHYSDEV_bind_irq, &again);
        check(r == -HV_ENOENT, "a GSI no IOAPIC has", r);
    }
    r = physdev(HV_PHYSDEV_irq_eoi, (void *)4000);
    check(r == -HV_EINVAL, "end of interrupt on a port that is no binding", r);
    r = physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)b.port);
    check(r == 0, "GSI unbound", r);
}

/* QEMU's e1000e (82574): MSI-X, five entries in BAR3. Its "other" cause
 * goes to the vector IVAR names; setting a cause through ICS raises it. */
#define E1000E_DEVICE 0x10d3
#define E1000E_ICS 0xc8
#define E1000E_IMS 0xd0
#define E1000E_IVAR 0xe4
#define E1000E_ICR_LSC (1u << 2)
#define E1000E_ICR_OTHER (1u << 24)
#define E1000E_IVAR_OTHER_VALID (1u << 19)
#define E1000E_BAR0_BYTES (128u << 10)

/* Wait up to a second for port; 1 if it came. */
static int event_wait_bounded(uint32_t port)
{
    for (uint64_t end = libos_time_ns() + 1000000000; libos_time_ns() < end;) {
        if (event_test_and_clear(port))
            return 1;
        hv_sched_op(HV_SCHED_yield, 0, 0);
    }
    return 0;
}

static unsigned int find_cap(unsigned int devfn, unsigned int id)
{
    uint32_t at, v;

    conf_read(0, devfn, 0x34, 1, &at);
    for (int hops = 0; hops < 48 && at >= 0x40; hops++) {
        conf_read(0, devfn, at, 1, &v);
        if (v == id)
            return at;
        conf_read(0, devfn, at + 1, 1, &at);
    }
    return 0;
}

static void msix(void)
{
    struct hv_physdev_bind_msix b = {.entry = 0, .vcpu = 0};
    struct hv_physdev_iomem m = {.domid = 0};
    unsigned int devfn = 0xff, cap;
    uint32_t id, v, table, bar;
    volatile uint32_t *nic;
    long r;

    for (unsigned int dev = 0; dev < 32 && devfn == 0xff; dev++)
        if (conf_read(0, dev << 3, 0, 4, &id) == 0 && id == (E1000E_DEVICE << 16 | 0x8086))
            devfn = dev << 3;
    check(devfn != 0xff, "e1000e found", devfn);
    if (devfn == 0xff)
        return;
    cap = find_cap(devfn, 0x11);
    check(cap != 0, "it has an MSI-X capability", cap);
    conf_read(0, devfn, 0x04, 2, &v);
    conf_write(0, devfn, 0x04, 2, v | 0x6);
    conf_read(0, devfn, 0x10, 4, &bar);
    bar &= ~0xfu;
    m.frame = bar >> 12;
    m.count = E1000E_BAR0_BYTES >> 12;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == 0, "e1000e registers mapped 1:1", r);
    map_identity(bar, E1000E_BAR0_BYTES, 1);
    nic = (volatile uint32_t *)(uintptr_t)bar;

    b.devfn = (uint8_t)devfn;
    r = physdev(HV_PHYSDEV_bind_msix, &b);
    check(r == 0 && b.port > 0, "MSI-X entry 0 bound to an event channel", r ? r : (long)b.port);
    conf_read(0, devfn, cap + 2, 2, &v);
    check((v & 0xc000) == 0x8000, "MSI-X enabled, function unmasked", v);
    r = physdev(HV_PHYSDEV_bind_msix, &b);
    check(r == -HV_EBUSY, "binding the entry twice is refused", r);
    {
        struct hv_physdev_bind_msi msi = {.devfn = (uint8_t)devfn};

        r = physdev(HV_PHYSDEV_bind_msi, &msi);
        check(r == -HV_EBUSY, "MSI while MSI-X is bound is refused", r);
        if (r == 0)
            physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)msi.port);
    }
    b.entry = 5000;
    r = physdev(HV_PHYSDEV_bind_msix, &b);
    check(r == -HV_EINVAL, "an entry past the table", r);
    /* The table's page is the hypervisor's while an entry is bound. */
    conf_read(0, devfn, cap + 4, 4, &table);
    conf_read(0, devfn, 0x10 + 4 * (table & 7), 4, &v);
    m.frame = ((v & ~0xfu) + (table & ~7u)) >> 12;
    m.count = 1;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == -HV_EPERM, "mapping the bound MSI-X table is refused", r);
    r = conf_write(0, devfn, cap + 2, 2, 0);
    check(r == -HV_EPERM, "writing the MSI-X capability is refused", r);

    nic[E1000E_IVAR / 4] = E1000E_IVAR_OTHER_VALID; /* "other" -> entry 0 */
    nic[E1000E_IMS / 4] = E1000E_ICR_OTHER | E1000E_ICR_LSC;
    nic[E1000E_ICS / 4] = E1000E_ICR_OTHER | E1000E_ICR_LSC;
    check(event_wait_bounded(b.port), "an MSI-X message arrives as an event", 0);

    r = physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)b.port);
    check(r == 0, "MSI-X entry unbound", r);
    conf_read(0, devfn, cap + 2, 2, &v);
    check(!(v & 0x8000), "MSI-X disabled with its last entry", v);
    m.frame = bar >> 12;
    m.count = E1000E_BAR0_BYTES >> 12;
    check(physdev(HV_PHYSDEV_iomem_unmap, &m) == 0, "e1000e registers unmapped", 0);
}

static int control(void)
{
    struct hv_physdev_ioport io = {.domid = 0, .first = 0x510, .count = 2, .allow = 1};
    struct hv_physdev_iomem m = {.domid = 0, .count = EDU_BAR_BYTES >> 12};
    struct hv_physdev_bind_msi b = {.vcpu = 0};
    struct hv_physdev_dma dmabuf = {.size = 8192};
    unsigned int devfn;
    uint32_t v, cmd, msi_control;
    uint64_t bar;
    char sig[5] = {0};
    uint8_t *buf;
    long r;

    /* I/O ports: QEMU's fw_cfg selector (0x510) and data (0x511). */
    r = physdev(HV_PHYSDEV_ioport_permission, &io);
    check(r == 0, "fw_cfg ports given", r);
    outw(0x510, 0); /* the signature item */
    for (int i = 0; i < 4; i++)
        sig[i] = (char)inb(0x511);
    check(!strcmp(sig, "QEMU"), "fw_cfg signature read with in/out", sig[0]);
    io.allow = 0;
    check(physdev(HV_PHYSDEV_ioport_permission, &io) == 0, "fw_cfg ports taken back", 0);

    if (find_edu(&devfn)) {
        check(0, "edu device found", 0);
        return 1;
    }
    check(1, "edu device found", devfn);
    conf_read(0, devfn, 0x10, 4, &v);
    bar = v & ~0xfu;
    check(bar >= (1ull << 20) && !(v & 1), "BAR0 is memory", v);
    conf_read(0, devfn, 0x04, 2, &cmd);
    r = conf_write(0, devfn, 0x04, 2, cmd | 0x6); /* memory space, bus master */
    check(r == 0, "command register written", r);

    m.frame = bar >> 12;
    r = physdev(HV_PHYSDEV_iomem_map, &m);
    check(r == 0, "BAR0 mapped 1:1", r);
    map_identity(bar, EDU_BAR_BYTES, 1);
    regs = (volatile uint32_t *)(uintptr_t)bar;
    v = rd(EDU_ID);
    check((v & 0xff) == 0xed, "edu identification register", v);
    wr(EDU_LIVENESS, 0x12345678);
    check(rd(EDU_LIVENESS) == ~0x12345678u, "liveness check inverts", rd(EDU_LIVENESS));
    wr(EDU_FACTORIAL, 10);
    while (rd(EDU_STATUS) & 1)
        __asm__ volatile("pause");
    check(rd(EDU_FACTORIAL) == 3628800, "factorial of 10", rd(EDU_FACTORIAL));

    /* MSI: programmed by the hypervisor, delivered on a port. */
    b.devfn = (uint8_t)devfn;
    r = physdev(HV_PHYSDEV_bind_msi, &b);
    check(r == 0 && b.port > 0, "MSI bound to an event channel", r ? r : (long)b.port);
    {
        struct hv_evtchn_status s = {.port = b.port};

        event_status(b.port, &s);
        check(s.state == HV_EVTCHN_STATE_pirq, "the port is a pirq port", s.state);
    }
    wr(EDU_IRQ_RAISE, 0x5a);
    r = event_wait(b.port);
    check(r == 0 && rd(EDU_IRQ_STATUS) == 0x5a, "raised interrupt arrives as an event",
          rd(EDU_IRQ_STATUS));
    wr(EDU_IRQ_ACK, 0x5a);

    /* DMA through memory mapped 1:1. */
    r = physdev(HV_PHYSDEV_dma_alloc, &dmabuf);
    check(r == 0 && dmabuf.address && !(dmabuf.address & (dmabuf.size - 1)) &&
              dmabuf.address >= libos_memory_size(),
          "DMA memory allocated, aligned, outside RAM", r ? r : (long)dmabuf.address);
    if (r)
        return 1; /* the device would be sent to address 0 */
    map_identity(dmabuf.address, dmabuf.size, 0);
    buf = (uint8_t *)(uintptr_t)dmabuf.address;
    /* QEMU 7.2's edu refuses a transfer that ends at the end of its
     * buffer: stay below it. */
    for (int i = 0; i < DMA_BYTES; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    dma(dmabuf.address, EDU_DMA_BUFFER, DMA_BYTES, 0);
    memset(buf + 4096, 0, DMA_BYTES);
    dma(EDU_DMA_BUFFER, dmabuf.address + 4096, DMA_BYTES, EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    check(!memcmp(buf, buf + 4096, DMA_BYTES), "2048 bytes to the device and back by DMA",
          buf[4096]);
    r = event_wait(b.port);
    check(r == 0 && (rd(EDU_IRQ_STATUS) & EDU_DMA_IRQ_VALUE), "DMA completion interrupt",
          rd(EDU_IRQ_STATUS));
    wr(EDU_IRQ_ACK, rd(EDU_IRQ_STATUS));

    hostile(devfn, bar);

    conf_read(0, devfn, 0x34, 1, &v);
    r = physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)b.port);
    check(r == 0, "MSI unbound", r);
    /* The MSI enable bit of the first capability (edu's only one) is off. */
    conf_read(0, devfn, (v & 0xfc) + 2, 2, &msi_control);
    check(!(msi_control & 1), "MSI disabled on the device", msi_control);
    legacy(devfn);
    msix();

    m.frame = bar >> 12;
    r = physdev(HV_PHYSDEV_iomem_unmap, &m);
    check(r == 0, "BAR0 unmapped", r);
    r = hv_memory_op(HV_MEMOP_release, (long)(dmabuf.address >> 12), 1);
    check(r == 1, "a DMA frame released with memory_op", r);

    printf("devices: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}

static int other(void)
{
    struct hv_physdev_ioport io = {.domid = libos_domain_id(), .first = 0x510, .count = 2,
                                   .allow = 1};
    struct hv_physdev_iomem m = {.domid = libos_domain_id(), .frame = 0xfea00, .count = 1};
    struct hv_physdev_pci_conf c = {.size = 4};
    struct hv_physdev_bind_msi b = {0};
    struct hv_physdev_dma d = {.size = 4096};
    struct hv_physdev_bind_irq irq = {.gsi = 21};

    check(physdev(HV_PHYSDEV_ioport_permission, &io) == -HV_EPERM, "ioport_permission", 0);
    check(physdev(HV_PHYSDEV_iomem_map, &m) == -HV_EPERM, "iomem_map", 0);
    check(physdev(HV_PHYSDEV_iomem_unmap, &m) == -HV_EPERM, "iomem_unmap", 0);
    check(physdev(HV_PHYSDEV_pci_conf_read, &c) == -HV_EPERM, "pci_conf_read", 0);
    check(physdev(HV_PHYSDEV_pci_conf_write, &c) == -HV_EPERM, "pci_conf_write", 0);
    check(physdev(HV_PHYSDEV_bind_msi, &b) == -HV_EPERM, "bind_msi", 0);
    check(physdev(HV_PHYSDEV_unbind, (void *)1) == -HV_EPERM, "unbind", 0);
    check(physdev(HV_PHYSDEV_dma_alloc, &d) == -HV_EPERM, "dma_alloc", 0);
    check(physdev(HV_PHYSDEV_bind_irq, &irq) == -HV_EPERM, "bind_irq", 0);
    check(physdev(HV_PHYSDEV_irq_eoi, (void *)1) == -HV_EPERM, "irq_eoi", 0);
    {
        struct hv_physdev_bind_msix x = {0};

        check(physdev(HV_PHYSDEV_bind_msix, &x) == -HV_EPERM, "bind_msix", 0);
    }
    check(physdev(12345, &d) == -HV_EPERM, "an unknown command", 0);
    printf("devices: d%u: every physdev command refused (%d checks, %d failures)\n",
           libos_domain_id(), checks, failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "control"))
        return control();
    return other();
}
