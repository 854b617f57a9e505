/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Each domain's I/O permission bitmap: one bit per port, set = the access
 * exits (and the guest gets #GP). AMD's IOPM and Intel's I/O bitmaps A and
 * B have the same layout for ports 0-0xffff (A is 0-0x7fff, B the rest),
 * so one 12 KiB block serves both back ends: SVM points at its start, VT-x
 * at its first two pages; the third page (all ones) is SVM's, for accesses
 * that run past port 0xffff. Every domain has its own, all ones until the
 * control domain opens ports in it (physdev.c).
 */
#include <asm/hvm.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/errno.h>
#include <string.h>

#define IO_BITMAP_ORDER 2 /* 3 pages used */
#define IO_BITMAP_BYTES (3 * PAGE_SIZE)

/* Ports the hypervisor drives, or that would let a guest take the machine
 * from it: never given to a domain. */
static const struct {
    uint16_t first, last;
} hypervisor_ports[] = {
    {0x0020, 0x0023}, /* master PIC, IMCR */
    {0x0040, 0x0043}, /* PIT */
    {0x0061, 0x0061}, /* PIT gate (TSC calibration) */
    {0x0070, 0x0071}, /* RTC (the wall clock) */
    {0x0080, 0x008f}, /* DMA page registers, POST codes */
    {0x0092, 0x0092}, /* fast A20 and reset */
    {0x00a0, 0x00a1}, /* slave PIC */
    {0x00f4, 0x00f7}, /* isa-debug-exit: power off */
    {0x03f8, 0x03ff}, /* COM1: the hypervisor's console */
    {0x04d0, 0x04d1}, /* ELCR: interrupt trigger modes */
    {0x0600, 0x067f}, /* ACPI PM block (QEMU q35) */
    {0x0cf8, 0x0cff}, /* PCI configuration ports, reset control */
    {0x8900, 0x8900}, /* Bochs shutdown */
    {0xb000, 0xb03f}, /* ACPI PM block (QEMU i440fx, Bochs) */
};

int ioport_domain_init(struct domain *d)
{
    mfn_t mfn;

    if (page_alloc(IO_BITMAP_ORDER, &mfn))
        return -HV_ENOMEM;
    memset(arch_frame_virt(mfn), 0xff, IO_BITMAP_BYTES);
    d->arch->io_bitmap = mfn;
    return 0;
}

void ioport_domain_destroy(struct domain *d)
{
    BUG_ON(page_free(d->arch->io_bitmap, IO_BITMAP_ORDER));
}

int arch_ioport_permit(struct domain *d, uint32_t first, uint32_t last, bool allow)
{
    uint8_t *bits = arch_frame_virt(d->arch->io_bitmap);

    if (first > last || last > 0xffff)
        return -HV_EINVAL;
    if (allow)
        for (size_t i = 0; i < ARRAY_SIZE(hypervisor_ports); i++)
            if (first <= hypervisor_ports[i].last && hypervisor_ports[i].first <= last)
                return -HV_EPERM;
    for (uint32_t port = first; port <= last; port++) {
        if (allow)
            bits[port / 8] &= (uint8_t)~(1u << (port % 8));
        else
            bits[port / 8] |= (uint8_t)(1u << (port % 8));
    }
    /* The processor reads the bitmap at each I/O instruction: a vCPU in
     * guest mode sees the change at its next access. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return 0;
}
