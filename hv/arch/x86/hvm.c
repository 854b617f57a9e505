/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vendor-neutral vCPU layer: implements the arch_* hooks of
 * hv/include/hv/arch.h on top of the back end chosen at boot, and holds
 * what AMD-V and VT-x share: the CPUID policy guests see, the FPU/XCR0
 * switch and the XSETBV check.
 */
#include <asm/hvm.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <hv/arch.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

const struct hvm_ops *hvm;

unsigned int arch_cpu_id(void)
{
    return this_cpu()->cpu_id;
}

void arch_cpu_kick(unsigned int cpu)
{
    smp_kick(cpu);
}

void hvm_p2m_flush(struct domain *d)
{
    __atomic_fetch_add(&d->arch->p2m_generation, 1, __ATOMIC_SEQ_CST);
    /* Every other CPU in guest mode for d leaves it (and flushes at its
     * next entry) before the caller may free or reuse what was unmapped. */
    for (unsigned int c = 0; c < nr_cpus_online; c++) {
        struct vcpu *cur = __atomic_load_n(&percpu[c].current, __ATOMIC_ACQUIRE);

        if (c == this_cpu()->cpu_id || !cur || cur->domain != d)
            continue;
        smp_kick(c);
        while (__atomic_load_n(&percpu[c].current, __ATOMIC_ACQUIRE) == cur)
            cpu_relax();
    }
}

const char *arch_vendor(void)
{
    return hvm->vendor;
}

void hvm_init(void)
{
    const char *svm_why = NULL, *vmx_why = NULL;

    /* Chosen once, by what the CPU has: AMD-V, else VT-x. */
    hvm = svm_probe(&svm_why);
    if (!hvm)
        hvm = vmx_probe(&vmx_why);
    if (!hvm && cpu_features.vmx && !cpu_features.svm)
        panic("no usable hardware virtualization: %s (and it has no AMD-V)", vmx_why);
    if (!hvm)
        panic("no usable hardware virtualization: %s; %s", svm_why, vmx_why);
    printk("hv: vCPU back end: %s\n", hvm->name);
}

int arch_vcpu_create(struct vcpu *v)
{
    struct arch_vcpu *av = heap_alloc_page();
    int err;

    BUILD_BUG_ON(sizeof(struct arch_vcpu) > PAGE_SIZE);
    if (!av)
        return -HV_ENOMEM;
    av->fpu = heap_alloc_page();
    if (!av->fpu) {
        heap_free_page(av);
        return -HV_ENOMEM;
    }
    /* The initial FPU state: XRSTOR of an all-init header gives FNINIT's
     * state; MXCSR (offset 24) is always loaded from the image. */
    *(uint16_t *)av->fpu = 0x37f;
    *(uint32_t *)((uint8_t *)av->fpu + 24) = 0x1f80;
    av->xcr0 = XCR0_X87 | XCR0_SSE;
    av->exceptions_intercepted = true;
    av->fpu_cpu = -1;
    v->arch = av;
    err = hvm->vcpu_create(v);
    if (err) {
        heap_free_page(av->fpu);
        heap_free_page(av);
        v->arch = NULL;
    }
    return err;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if (!v->arch)
        return;
    /* vCPUs never move between CPUs yet, so only its own CPU can hold its
     * state; forget it there (the registers are simply overwritten). That
     * CPU may be switching to another vCPU right now, outside the
     * hypervisor lock, and saving this one's state as it goes: the
     * per-CPU FPU lock keeps it from writing into the freed area. */
    for (unsigned int c = 0; c < nr_cpus_online; c++) {
        spin_lock(&percpu[c].fpu_lock);
        if (percpu[c].fpu_owner == v)
            percpu[c].fpu_owner = NULL;
        spin_unlock(&percpu[c].fpu_lock);
    }
    hvm->vcpu_destroy(v);
    heap_free_page(v->arch->fpu);
    heap_free_page(v->arch);
    v->arch = NULL;
}

void arch_vcpu_set_boot_state(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    memset(&v->arch->regs, 0, sizeof(v->arch->regs));
    v->arch->regs.rdi = arg;
    hvm->vcpu_set_boot_state(v, entry, arg);
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
    hvm->vcpu_run(v, exit);
}

uint64_t arch_vcpu_rip(struct vcpu *v)
{
    return hvm->vcpu_rip(v);
}

void arch_vcpu_hypercall_return(struct vcpu *v, int64_t result)
{
    hvm->hypercall_return(v, result);
}

/* Components XSAVE/XRSTOR may touch: what the policy offers, so the area
 * (one page) always has room, whatever the guest managed to enable.
 * Returns what XCR0 holds (0 without XSAVE). */
static inline uint64_t fpu_save(struct vcpu *v)
{
    uint32_t lo = (uint32_t)cpu_features.xcr0, hi = (uint32_t)(cpu_features.xcr0 >> 32);
    uint64_t live = 0;

    if (cpu_features.xsave) {
        /* The guest's XCR0 is live while it runs; XSETBV is intercepted,
         * but QEMU's emulation does not honour that intercept, so read the
         * register rather than trust the copy. */
        live = xgetbv(0);
        v->arch->xcr0 = (live & cpu_features.xcr0) | XCR0_X87;
        __asm__ volatile("xsave64 (%0)" ::"r"(v->arch->fpu), "a"(lo), "d"(hi) : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)" ::"r"(v->arch->fpu) : "memory");
    }
    /* Only now is the state in memory, for another CPU to load. */
    __atomic_store_n(&v->arch->fpu_cpu, -1, __ATOMIC_RELEASE);
    return live;
}

/* live_xcr0: what XCR0 holds now, 0 if unknown; setting it to what it
 * holds already is skipped (XSETBV is a serialising instruction). */
static inline void fpu_restore(struct vcpu *v, uint64_t live_xcr0)
{
    if (cpu_features.xsave) {
        if (v->arch->xcr0 != live_xcr0)
            xsetbv(0, v->arch->xcr0);
        __asm__ volatile("xrstor64 (%0)" ::"r"(v->arch->fpu), "a"((uint32_t)cpu_features.xcr0),
                         "d"((uint32_t)(cpu_features.xcr0 >> 32))
                         : "memory");
    } else {
        __asm__ volatile("fxrstor64 (%0)" ::"r"(v->arch->fpu) : "memory");
    }
}

void hvm_fpu_switch_slow(struct vcpu *v)
{
    /* The hypervisor never uses the FPU, so a vCPU's state can stay in the
     * registers across exits; it moves only when another vCPU runs. */
    struct percpu *cpu = this_cpu();
    uint64_t live_xcr0 = 0;
    int held;

    /* A vCPU moved here from another CPU may have left its state in that
     * CPU's registers: ask that CPU to save it (hvm_fpu_flush, from its
     * kick interrupt) and wait. It needs nothing this CPU holds. */
    while ((held = __atomic_load_n(&v->arch->fpu_cpu, __ATOMIC_ACQUIRE)) >= 0 &&
           (unsigned int)held != cpu->cpu_id) {
        __atomic_store_n(&percpu[held].fpu_flush, true, __ATOMIC_RELEASE);
        smp_kick((unsigned int)held);
        for (unsigned int i = 0; i < 10000 && v->arch->fpu_cpu == held; i++)
            cpu_relax();
    }

    spin_lock(&cpu->fpu_lock);
    if (cpu->fpu_owner)
        live_xcr0 = fpu_save(cpu->fpu_owner);
    fpu_restore(v, live_xcr0);
    cpu->fpu_owner = v;
    __atomic_store_n(&v->arch->fpu_cpu, (int)cpu->cpu_id, __ATOMIC_RELEASE);
    spin_unlock(&cpu->fpu_lock);
}

void hvm_fpu_flush(void)
{
    struct percpu *cpu = this_cpu();
    struct vcpu *owner;

    spin_lock(&cpu->fpu_lock);
    owner = cpu->fpu_owner;
    if (owner && owner->processor != cpu->cpu_id) {
        fpu_save(owner);
        cpu->fpu_owner = NULL;
    }
    spin_unlock(&cpu->fpu_lock);
}

bool hvm_xsetbv(struct vcpu *v, uint32_t index, uint64_t value)
{
    /* x87 always on; AVX needs SSE; nothing the host does not offer. */
    if (index != 0 || !(value & XCR0_X87) || (value & ~cpu_features.xcr0) ||
        ((value & XCR0_AVX) && !(value & XCR0_SSE)))
        return false;
    v->arch->xcr0 = value;
    xsetbv(0, value);
    return true;
}

/* CPUID bits by position, for readability of the policy below. */
#define BIT(n) (1u << (n))

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, bool guest_osxsave,
               struct cpuid_regs *r)
{
    uint32_t max_basic = MIN(cpuid(0, 0).eax, 0xdu);
    uint32_t max_ext = MIN(cpuid(0x80000000, 0).eax, 0x80000008u);

    *r = (struct cpuid_regs){0, 0, 0, 0};
    if (leaf == HV_CPUID_BASE) {
        *r = (struct cpuid_regs){HV_CPUID_FEATURES, HV_CPUID_SIGNATURE_EBX,
                                 HV_CPUID_SIGNATURE_ECX, 0};
        return;
    }
    if (leaf == HV_CPUID_FEATURES) {
        r->eax = HV_ABI_VERSION;
        r->ebx = hvm->hypercall_feature;
        return;
    }
    if ((leaf <= max_basic) || (leaf >= 0x80000000 && leaf <= max_ext))
        *r = cpuid(leaf, subleaf);
    else
        return;

    switch (leaf) {
    case 0:
        r->eax = max_basic;
        break;
    case 1:
        /* No VMX, SMX, MONITOR, x2APIC or TSC deadline: none is offered.
         * OSXSAVE mirrors the guest's CR4; the hypervisor bit is set. */
        r->ecx &= ~(BIT(3) | BIT(5) | BIT(6) | BIT(21) | BIT(24) | BIT(27));
        r->ecx |= (guest_osxsave ? BIT(27) : 0) | BIT(31);
        if (!cpu_features.xsave)
            r->ecx &= ~BIT(26);
        /* No local APIC, MTRRs, ACPI thermal or TM for guests. */
        r->edx &= ~(BIT(9) | BIT(12) | BIT(22) | BIT(29));
        r->ebx = (v->id << 24) | (1u << 16) | (r->ebx & 0xffff);
        break;
    case 7:
        if (subleaf != 0) {
            *r = (struct cpuid_regs){0, 0, 0, 0};
            break;
        }
        /* No SGX, no WAITPKG (UMWAIT could stall the host). */
        r->ebx &= ~BIT(2);
        r->ecx &= ~BIT(5);
        break;
    case 0xd:
        if (subleaf == 0) {
            r->eax = (uint32_t)cpu_features.xcr0;
            r->edx = 0;
            r->ecx = cpu_features.xsave_size;
            r->ebx = guest_osxsave && v->arch->xcr0 != (XCR0_X87 | XCR0_SSE)
                         ? cpuid(0xd, 0).ebx
                         : 576;
        } else if (subleaf == 1) {
            r->eax &= BIT(0); /* XSAVEOPT only: no XSAVES/XSAVEC */
            r->ebx = r->ecx = r->edx = 0;
        } else if (subleaf != 2 || !(cpu_features.xcr0 & XCR0_AVX)) {
            *r = (struct cpuid_regs){0, 0, 0, 0};
        }
        break;
    case 0x80000000:
        r->eax = max_ext;
        break;
    case 0x80000001:
        r->ecx &= ~BIT(2); /* no SVM */
        break;
    case 0x80000007:
        r->eax = r->ebx = r->ecx = 0;
        r->edx &= BIT(8); /* invariant TSC only */
        break;
    case 2: case 4: case 0x80000002: case 0x80000003: case 0x80000004:
    case 0x80000005: case 0x80000006: case 0x80000008:
        break; /* cache and brand information, address sizes: as is */
    default:
        *r = (struct cpuid_regs){0, 0, 0, 0};
        break;
    }
}
