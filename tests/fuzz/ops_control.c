/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ops of the hypercall fuzzer for the control operations, domctl, sysctl
 * and physdev_op: every command with every field of its struct fuzzed. Any domain
 * may try them; only domain 0 may succeed, and the driver checks that
 * everyone else gets -HV_EPERM.
 */
#include "harness.h"

#include <hv/domain.h>
#include <public/hv.h>
#include <string.h>

/* Name bytes for a new domain: n of them, NUL-terminated when they leave room. */
static void take_name(struct step *s, char name[HV_DOMAIN_NAME_MAX])
{
    size_t n = take8(s->body);

    memset(name, 0, HV_DOMAIN_NAME_MAX);
    take_bytes(s->body, name, MIN(n, (size_t)HV_DOMAIN_NAME_MAX));
}

bool op_domctl_create(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_create c;
    uint64_t gpa = take_gpa(s, sizeof(c));

    c.domid = (uint32_t)take_domid(s);
    c.vcpus = (uint32_t)take_vcpu(s);
    c.memory = take_memory(s);
    take_name(s, c.name);
    guest_write(s, gpa, &c, sizeof(c));
    hypercall(s, exit, FUZZ_OP_DOMCTL_CREATE, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_create, gpa});
    return true;
}

bool op_domctl_id(struct step *s, struct vcpu_exit *exit)
{
    static const uint64_t cmds[] = {HV_DOMCTL_destroy, HV_DOMCTL_pause, HV_DOMCTL_unpause};
    uint64_t cmd = cmds[take8(s->body) % ARRAY_SIZE(cmds)];

    hypercall(s, exit, FUZZ_OP_DOMCTL_ID, HV_HC_domctl, (uint64_t[6]){cmd, take_domid(s)});
    return true;
}

bool op_domctl_getinfo(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_info info;
    uint64_t gpa = take_gpa(s, sizeof(info));

    memset(&info, 0xa5, sizeof(info));
    info.domid = (uint32_t)take_domid(s);
    guest_write(s, gpa, &info, sizeof(info));
    hypercall(s, exit, FUZZ_OP_DOMCTL_GETINFO, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_getinfo, gpa});
    return true;
}

bool op_domctl_shutdown(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_shutdown sd;
    uint64_t gpa = take_gpa(s, sizeof(sd));

    sd.domid = (uint32_t)take_domid(s);
    sd.reason = (uint32_t)take_small(s);
    sd.code = (uint32_t)take_small(s);
    sd.pad = (uint32_t)take_small(s);
    guest_write(s, gpa, &sd, sizeof(sd));
    hypercall(s, exit, FUZZ_OP_DOMCTL_SHUTDOWN, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_shutdown, gpa});
    return true;
}

bool op_domctl_copy_to(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_copy c;
    uint64_t gpa = take_gpa(s, sizeof(c));
    struct domain *target;

    c.domid = (uint32_t)take_domid(s);
    c.pad = (uint32_t)take_small(s);
    /* The length first would be the natural order for the addresses'
     * pools, but the struct's order keeps the format easy to follow:
     * their pools use the largest copy as the object's size. */
    target = domain_lookup(c.domid);
    c.dst_gpa = take_gpa_in(s, target ? target : s->d, HV_DOMCTL_COPY_MAX);
    c.src_gpa = take_gpa(s, HV_DOMCTL_COPY_MAX);
    c.len = take_len(s);
    guest_write(s, gpa, &c, sizeof(c));
    hypercall(s, exit, FUZZ_OP_DOMCTL_COPY_TO, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_copy_to, gpa});
    return true;
}

bool op_domctl_vcpu_context(struct step *s, struct vcpu_exit *exit)
{
    bool set = take8(s->body) & 1;
    struct hv_domctl_vcpu_context c;
    uint64_t gpa = take_gpa(s, sizeof(c));

    memset(&c, 0xa5, sizeof(c));
    c.domid = (uint32_t)take_domid(s);
    c.vcpu = (uint32_t)take_vcpu(s);
    c.rip = take_small(s);
    c.rdi = take_small(s);
    guest_write(s, gpa, &c, sizeof(c));
    hypercall(s, exit, FUZZ_OP_DOMCTL_VCPU_CONTEXT, HV_HC_domctl,
              (uint64_t[6]){set ? HV_DOMCTL_set_vcpu_context : HV_DOMCTL_get_vcpu_context, gpa});
    return true;
}

bool op_domctl_weight(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_weight w;
    uint64_t gpa = take_gpa(s, sizeof(w));

    w.domid = (uint32_t)take_domid(s);
    w.weight = (uint32_t)take_weight(s);
    guest_write(s, gpa, &w, sizeof(w));
    hypercall(s, exit, FUZZ_OP_DOMCTL_WEIGHT, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_set_weight, gpa});
    return true;
}

bool op_domctl_max_mem(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_max_mem m;
    uint64_t gpa = take_gpa(s, sizeof(m));

    m.domid = (uint32_t)take_domid(s);
    m.pad = (uint32_t)take_small(s);
    m.bytes = take_memory(s);
    guest_write(s, gpa, &m, sizeof(m));
    hypercall(s, exit, FUZZ_OP_DOMCTL_MAX_MEM, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_set_max_mem, gpa});
    return true;
}

bool op_domctl_affinity(struct step *s, struct vcpu_exit *exit)
{
    struct hv_domctl_affinity a;
    uint64_t gpa = take_gpa(s, sizeof(a));

    a.domid = (uint32_t)take_domid(s);
    a.vcpu = (uint32_t)take_vcpu(s);
    a.cpu = (uint32_t)take_small(s);
    a.pad = (uint32_t)take_small(s);
    guest_write(s, gpa, &a, sizeof(a));
    hypercall(s, exit, FUZZ_OP_DOMCTL_AFFINITY, HV_HC_domctl,
              (uint64_t[6]){HV_DOMCTL_set_affinity, gpa});
    return true;
}

bool op_sysctl(struct step *s, struct vcpu_exit *exit)
{
    uint64_t cmd = take_small(s);
    struct hv_sysctl_readlog r;
    uint64_t gpa = take_gpa(s, sizeof(struct hv_sysctl_physinfo));

    r.offset = take_small(s);
    r.buf = take_gpa(s, PAGE_SIZE);
    r.len = take_len(s);
    guest_write(s, gpa, &r, sizeof(r));
    hypercall(s, exit, FUZZ_OP_SYSCTL, HV_HC_sysctl, (uint64_t[6]){cmd, gpa});
    return true;
}

/* physdev_op: the host machine has no devices, but I/O port grants, DMA
 * memory and every argument check run; a, b and c fill the struct's
 * fields in the order they come. */
bool op_physdev(struct step *s, struct vcpu_exit *exit)
{
    uint64_t cmd = take_small(s), gpa = take_gpa(s, 24), domid = take_domid(s);
    uint64_t a = take_small(s), b = take_small(s), c = take_small(s);
    union {
        struct hv_physdev_ioport io;
        struct hv_physdev_iomem mem;
        struct hv_physdev_pci_conf conf;
        struct hv_physdev_bind_msi msi;
        struct hv_physdev_bind_irq irq;
        struct hv_physdev_bind_msix msix;
        struct hv_physdev_dma dma;
        uint8_t bytes[24];
    } u;

    memset(&u, 0, sizeof(u));
    switch (cmd) {
    case HV_PHYSDEV_ioport_permission:
        u.io = (struct hv_physdev_ioport){(uint32_t)domid, (uint32_t)a, (uint32_t)b,
                                          (uint32_t)c};
        break;
    case HV_PHYSDEV_iomem_map:
    case HV_PHYSDEV_iomem_unmap:
        u.mem = (struct hv_physdev_iomem){.domid = (uint32_t)domid, .pad = (uint32_t)c,
                                          .frame = a, .count = b};
        break;
    case HV_PHYSDEV_pci_conf_read:
    case HV_PHYSDEV_pci_conf_write:
        u.conf = (struct hv_physdev_pci_conf){.bus = (uint8_t)domid, .devfn = (uint8_t)c,
                                              .reg = (uint16_t)a, .size = (uint8_t)b,
                                              .value = (uint32_t)c};
        break;
    case HV_PHYSDEV_bind_msi:
        u.msi = (struct hv_physdev_bind_msi){.bus = (uint8_t)a, .devfn = (uint8_t)b,
                                             .vcpu = (uint32_t)c};
        break;
    case HV_PHYSDEV_bind_irq:
        u.irq = (struct hv_physdev_bind_irq){.gsi = (uint32_t)a, .vcpu = (uint32_t)b,
                                             .pad = (uint32_t)c};
        break;
    case HV_PHYSDEV_bind_msix:
        u.msix = (struct hv_physdev_bind_msix){.bus = (uint8_t)domid, .devfn = (uint8_t)a,
                                               .entry = (uint16_t)b, .vcpu = (uint32_t)c};
        break;
    case HV_PHYSDEV_unbind:
    case HV_PHYSDEV_irq_eoi:
        gpa = take_port(s);
        break;
    default: /* dma_alloc, and commands that do not exist */
        u.dma.size = a < 64 ? 1ull << a : a;
        break;
    }
    if (cmd != HV_PHYSDEV_unbind && cmd != HV_PHYSDEV_irq_eoi)
        guest_write(s, gpa, &u, sizeof(u));
    hypercall(s, exit, FUZZ_OP_PHYSDEV, HV_HC_physdev_op, (uint64_t[6]){cmd, gpa});
    return true;
}
