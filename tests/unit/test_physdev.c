/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of physdev_op on the host machine (which has no devices):
 * every command refused to an ordinary domain; I/O port grants recorded
 * and applied together, refused whole when the record is full or a port
 * is the machine's; DMA memory mapped 1:1, owned, released and accounted
 * (audit after every step, free frames back exactly); argument checks.
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/arch.h>
#include <hv/audit.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

#define MIB (1ull << 20)
#define ARG_GPA (1 * MIB) /* where a command's struct is put in the caller */

static int setup(void **state)
{
    host_machine_init(8192);
    memset(host_ioport_open, 0, sizeof(host_ioport_open));
    return 0;
}

static int64_t physdev(struct domain *d, uint64_t cmd, const void *arg, size_t len)
{
    uint64_t args[6] = {cmd, ARG_GPA, 0, 0, 0, 0};
    int64_t r;

    if (arg)
        assert_int_equal(copy_to_guest(d, ARG_GPA, arg, len), 0);
    else
        args[1] = (uint64_t)len; /* a plain number (a port) */
    r = hypercall_dispatch(d->vcpu[0], HV_HC_physdev_op, args);
    assert_int_equal(audit_frames(), 0);
    return r;
}

static int64_t ioport(struct domain *d, uint32_t domid, uint32_t first, uint32_t count,
                      uint32_t allow)
{
    struct hv_physdev_ioport io = {.domid = domid, .first = first, .count = count,
                                   .allow = allow};

    return physdev(d, HV_PHYSDEV_ioport_permission, &io, sizeof(io));
}

static bool ports_open(uint32_t domid, uint32_t first, uint32_t last)
{
    for (uint32_t p = first; p <= last; p++)
        if (!host_ioport_open[domid][p])
            return false;
    return true;
}

static bool ports_closed(uint32_t domid, uint32_t first, uint32_t last)
{
    for (uint32_t p = first; p <= last; p++)
        if (host_ioport_open[domid][p])
            return false;
    return true;
}

static void test_only_the_control_domain(void **state)
{
    struct domain *d;
    uint8_t zeros[64] = {0};

    setup(state);
    d = host_domain(1, 4 * MIB, 1);
    for (uint64_t cmd = 0; cmd < 12; cmd++)
        assert_int_equal(physdev(d, cmd, zeros, sizeof(zeros)), -HV_EPERM);
    assert_int_equal(physdev(d, UINT64_MAX, zeros, sizeof(zeros)), -HV_EPERM);
    assert_true(ports_closed(1, 0, 0xffff));
    domain_destroy(d);
}

static void test_ioport_grants(void **state)
{
    struct domain *ctl, *d;

    setup(state);
    ctl = host_domain(0, 4 * MIB, 1);
    d = host_domain(1, 4 * MIB, 1);
    ctl->privileged = true;
    assert_int_equal(ioport(ctl, 1, 0x2f8, 8, 1), 0);
    assert_true(ports_open(1, 0x2f8, 0x2ff));
    assert_true(ports_closed(1, 0, 0x2f7) && ports_closed(1, 0x300, 0xffff));
    assert_true(ports_closed(0, 0, 0xffff)); /* the target's, not the caller's */
    assert_int_equal(ioport(ctl, 1, 0x2fa, 1, 0), 0);
    assert_true(ports_open(1, 0x2f8, 0x2f9) && ports_closed(1, 0x2fa, 0x2fa) &&
                ports_open(1, 0x2fb, 0x2ff));
    /* The machine's console: refused, nothing changes. */
    assert_int_equal(ioport(ctl, 1, 0x3f0, 16, 1), -HV_EPERM);
    assert_true(ports_closed(1, 0x3f0, 0x3ff));
    /* Bad arguments. */
    assert_int_equal(ioport(ctl, 1, 0x100, 0, 1), -HV_EINVAL);
    assert_int_equal(ioport(ctl, 1, 0xfff0, 0x11, 1), -HV_EINVAL);
    assert_int_equal(ioport(ctl, 1, 0x10000, 1, 1), -HV_EINVAL);
    assert_int_equal(ioport(ctl, 1, 0xffff, UINT32_MAX, 1), -HV_EINVAL);
    assert_int_equal(ioport(ctl, 1, 0x100, 1, 2), -HV_EINVAL);
    assert_int_equal(ioport(ctl, 9, 0x100, 1, 1), -HV_ESRCH);
    assert_int_equal(ioport(ctl, UINT32_MAX, 0x100, 1, 1), -HV_ESRCH);
    assert_int_equal(ioport(ctl, 1, 0xffff, 1, 1), 0);
    /* A full record: the range it has no room for is refused whole, and
     * neither the record nor the bitmap changes. */
    for (uint32_t i = 0; i < HV_PHYSDEV_IOPORT_RANGES; i++) {
        int64_t r = ioport(ctl, 1, 0x1000 + 4 * i, 2, 1);

        assert_true(r == 0 || r == -HV_ENOSPC);
    }
    assert_int_equal(ioport(ctl, 1, 0x8000, 2, 1), -HV_ENOSPC);
    assert_true(ports_closed(1, 0x8000, 0x8001));
    /* Closing everything always fits. */
    assert_int_equal(ioport(ctl, 1, 0, 0x10000, 0), 0);
    assert_true(ports_closed(1, 0, 0xffff));
    assert_int_equal(ioport(ctl, 1, 0x8000, 2, 1), 0);
    domain_destroy(d);
    domain_destroy(ctl);
}

static void test_dma_memory(void **state)
{
    uint64_t before;
    struct domain *ctl;
    struct hv_physdev_dma dma = {.size = 4 * 4096};
    uint64_t frames, max;
    mfn_t mfn;
    unsigned int perms;

    setup(state);
    before = host_free_frames();
    ctl = host_domain(0, 4 * MIB, 1);
    ctl->privileged = true;
    frames = ctl->nr_frames;
    max = ctl->max_frames;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_dma_alloc, &dma, sizeof(dma)), 0);
    assert_int_equal(copy_from_guest(ctl, &dma, ARG_GPA, sizeof(dma)), 0);
    assert_true(dma.address && dma.address % (4 * 4096) == 0);
    assert_true(dma.address >= 4 * MIB); /* clear of its RAM */
    assert_int_equal(ctl->nr_frames, frames + 4);
    assert_int_equal(ctl->max_frames, max + 4);
    for (uint64_t i = 0; i < 4; i++) {
        uint64_t f = (dma.address >> 12) + i;

        assert_int_equal(arch_p2m_lookup(ctl, _gfn(f), &mfn, &perms), 0);
        assert_int_equal(mfn_x(mfn), f); /* 1:1 */
        assert_true(mfn_to_page(mfn)->owner == ctl);
    }
    /* Released one frame at a time like any other memory. */
    {
        const uint64_t args[6] = {HV_MEMOP_release, dma.address >> 12, 2, 0, 0, 0};

        assert_int_equal(hypercall_dispatch(ctl->vcpu[0], HV_HC_memory_op, args), 2);
        assert_int_equal(audit_frames(), 0);
    }
    dma.size = 3 * 4096;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_dma_alloc, &dma, sizeof(dma)), -HV_EINVAL);
    dma.size = 2048;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_dma_alloc, &dma, sizeof(dma)), -HV_EINVAL);
    dma.size = 2 * HV_PHYSDEV_DMA_MAX;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_dma_alloc, &dma, sizeof(dma)), -HV_EINVAL);
    dma.size = HV_PHYSDEV_DMA_MAX;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_dma_alloc, &dma, sizeof(dma)), 0);
    domain_destroy(ctl);
    assert_int_equal(audit_frames(), 0);
    assert_int_equal(host_free_frames(), before);
}

static void test_devices_the_host_lacks(void **state)
{
    struct domain *ctl;
    struct hv_physdev_iomem m = {.domid = 0, .frame = 0xfea00, .count = 1};
    struct hv_physdev_pci_conf c = {.size = 4};
    struct hv_physdev_bind_msi b = {0};
    struct hv_physdev_bind_irq irq = {.gsi = 21};

    setup(state);
    ctl = host_domain(0, 4 * MIB, 1);
    ctl->privileged = true;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_iomem_map, &m, sizeof(m)), -HV_EPERM);
    m.count = HV_PHYSDEV_IOMEM_MAX + 1;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_iomem_map, &m, sizeof(m)), -HV_E2BIG);
    m.count = 0;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_iomem_map, &m, sizeof(m)), -HV_EINVAL);
    m.count = 1;
    m.pad = 1;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_iomem_map, &m, sizeof(m)), -HV_EINVAL);
    /* No such function: all ones. */
    assert_int_equal(physdev(ctl, HV_PHYSDEV_pci_conf_read, &c, sizeof(c)), 0);
    assert_int_equal(copy_from_guest(ctl, &c, ARG_GPA, sizeof(c)), 0);
    assert_int_equal(c.value, 0xffffffffu);
    c.size = 3;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_pci_conf_read, &c, sizeof(c)), -HV_EINVAL);
    c.size = 2;
    c.reg = 1;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_pci_conf_read, &c, sizeof(c)), -HV_EINVAL);
    c.reg = 0x14;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_pci_conf_write, &c, sizeof(c)), -HV_EPERM);
    c.reg = 0x100;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_pci_conf_write, &c, sizeof(c)), -HV_EINVAL);
    assert_int_equal(physdev(ctl, HV_PHYSDEV_bind_msi, &b, sizeof(b)), -HV_ENOENT);
    b.vcpu = 5;
    assert_int_equal(physdev(ctl, HV_PHYSDEV_bind_msi, &b, sizeof(b)), -HV_EINVAL);
    {
        struct hv_physdev_bind_msix x = {.entry = 1};

        assert_int_equal(physdev(ctl, HV_PHYSDEV_bind_msix, &x, sizeof(x)), -HV_ENOENT);
        x.pad = 1;
        assert_int_equal(physdev(ctl, HV_PHYSDEV_bind_msix, &x, sizeof(x)), -HV_EINVAL);
    }
    /* No IOAPIC: the port it took is given back. */
    assert_int_equal(physdev(ctl, HV_PHYSDEV_bind_irq, &irq, sizeof(irq)), -HV_ENOENT);
    assert_int_equal(physdev(ctl, HV_PHYSDEV_unbind, NULL, 1), -HV_EINVAL);
    assert_int_equal(physdev(ctl, HV_PHYSDEV_irq_eoi, NULL, 1), -HV_EINVAL);
    {
        const uint64_t args[6] = {HV_PHYSDEV_dma_alloc, 1ull << 40, 0, 0, 0, 0};

        assert_int_equal(hypercall_dispatch(ctl->vcpu[0], HV_HC_physdev_op, args), -HV_EFAULT);
    }
    assert_int_equal(physdev(ctl, 12345, &c, sizeof(c)), -HV_ENOSYS);
    domain_destroy(ctl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_the_control_domain),
        cmocka_unit_test(test_ioport_grants),
        cmocka_unit_test(test_dma_memory),
        cmocka_unit_test(test_devices_the_host_lacks),
    };

    return RUN_TESTS(tests);
}
