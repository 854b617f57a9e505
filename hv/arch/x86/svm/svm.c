/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD-V (SVM) back end: VMCB set-up for the paravirtual 64-bit entry,
 * the run loop, and exit decoding. Exits that are x86 business (CPUID, MSR,
 * XSETBV, I/O, host interrupts) are handled here; the rest are reported to
 * common code as struct vcpu_exit. Whatever a guest does, the outcome is an
 * error for the guest or its death, never a hypervisor crash.
 *
 * Instruction lengths: QEMU offers no NRIPS (next-RIP) support, so when
 * CPUID lacks it, RIP is advanced by the known length of the intercepted
 * instruction (VMMCALL, XSETBV: 3 bytes; CPUID, RDMSR, WRMSR, WBINVD: 2;
 * HLT: 1). A guest that pads these with prefixes only confuses itself.
 */
#include <asm/hvm.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/event.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

#include "vmcb.h"

#define MSRPM_PAGES 2

struct svm_vcpu {
    struct vmcb *vmcb;
    bool launched;
};

/* svm_entry.S; it keeps only rsp, rbp, rbx and r12. */
static inline void svm_vmrun(uint64_t vmcb_pa, struct guest_regs *regs, uint64_t host_vmcb_pa)
{
    __asm__ volatile("call svm_vmrun"
                     : "+D"(vmcb_pa), "+S"(regs), "+d"(host_vmcb_pa)
                     :
                     : "rax", "rcx", "r8", "r9", "r10", "r11", "r13", "r14", "r15", "memory",
                       "cc");
}

static unsigned int nr_asids;
static void *host_vmcb[CPU_MAX]; /* each CPU's state for VMSAVE/VMLOAD */
static uint8_t *msrpm;
/* Per CPU, the last vCPU that ran with each ASID: its TLB entries are the
 * only ones tagged with that ASID there. */
static struct vcpu *asid_owner[CPU_MAX][64];

/* What each CPU's TSC_AUX holds: the guest's own to read without an exit,
 * written through an exit (handle_msr), loaded when another vCPU's value
 * is needed. A value no 32-bit register holds means unknown. */
#define TSC_AUX_UNKNOWN UINT64_MAX
static uint64_t tsc_aux_live[CPU_MAX];

static uint64_t pa_of(const void *p) { return (uint64_t)(uintptr_t)p; }
static struct svm_vcpu *svm_of(struct vcpu *v) { return v->arch->vendor; }

/* Contiguous, page-aligned, zeroed: the allocator's block of 2^order pages. */
static void *alloc_pages_zeroed(unsigned int order)
{
    mfn_t mfn;
    void *p;

    if (page_alloc(order, &mfn))
        panic("out of memory setting up SVM");
    p = arch_frame_virt(mfn);
    memset(p, 0, PAGE_SIZE << order);
    return p;
}

/* Let the guest read and write msr without an exit. */
static void msrpm_allow(uint32_t msr)
{
    uint32_t base;

    if (msr < 0x2000)
        base = 0;
    else if (msr >= 0xc0000000 && msr < 0xc0002000)
        base = 0x800 * 8, msr -= 0xc0000000;
    else
        base = 0x1000 * 8, msr -= 0xc0010000;
    msrpm[(base + msr * 2) / 8] &= (uint8_t)~(3u << ((msr * 2) % 8));
}

/* Writes to msr exit again (msrpm_allow first); reads stay the guest's. */
static void msrpm_deny_write(uint32_t msr)
{
    uint32_t base = 0x800 * 8;

    BUG_ON(msr < 0xc0000000 || msr >= 0xc0002000);
    msr -= 0xc0000000;
    msrpm[(base + msr * 2) / 8] |= (uint8_t)(2u << ((msr * 2) % 8));
}

/* Turn SVM on for this CPU: EFER.SVME, the host save area, the host VMCB. */
static int svm_cpu_init(void)
{
    unsigned int cpu = this_cpu()->cpu_id;

    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, pa_of(alloc_pages_zeroed(0)));
    host_vmcb[cpu] = alloc_pages_zeroed(0);
    /* The state VMLOAD restores after each exit (the %fs per-CPU base, TR,
     * the system-call MSRs) is set up by now and never changes: saved once
     * here instead of before every VMRUN. */
    __asm__ volatile("vmsave %%rax" ::"a"(pa_of(host_vmcb[cpu])) : "memory");
    return 0;
}

const struct hvm_ops *svm_probe(const char **why)
{
    static const uint32_t guest_msrs[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
        MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC_AUX, MSR_PAT,
    };

    if (!cpu_features.svm) {
        *why = cpu_features.vmx ? "this CPU has VT-x, whose back end is not built in; use "
                                  "qemu-system-x86_64 -cpu max (AMD-V)"
                                : "this CPU has no AMD-V (SVM); run QEMU with -cpu max";
        return NULL;
    }
    if (rdmsr(MSR_VM_CR) & (1u << 4)) {
        *why = "AMD-V is disabled by the firmware (VM_CR.SVMDIS)";
        return NULL;
    }
    if (!cpu_features.npt) {
        *why = "this CPU has AMD-V without nested paging (NPT); run QEMU with -cpu max";
        return NULL;
    }
    nr_asids = MIN(cpuid(0x8000000a, 0).ebx, (uint32_t)ARRAY_SIZE(asid_owner[0]));
    if (nr_asids < 2) {
        *why = "AMD-V offers no ASID for guests";
        return NULL;
    }

    svm_cpu_init();

    /* Deny by default: every MSR exits (ports: each domain's bitmap,
     * ioport.c)... */
    msrpm = alloc_pages_zeroed(1);
    memset(msrpm, 0xff, MSRPM_PAGES * PAGE_SIZE);
    /* ...except the MSRs that are the guest's own, which VMLOAD/VMSAVE or
     * the VMCB switch; TSC_AUX is read freely but written through an exit,
     * so that switching vCPUs never has to read it back. */
    for (unsigned int i = 0; i < ARRAY_SIZE(guest_msrs); i++)
        msrpm_allow(guest_msrs[i]);
    msrpm_deny_write(MSR_TSC_AUX);
    for (unsigned int c = 0; c < CPU_MAX; c++)
        tsc_aux_live[c] = TSC_AUX_UNKNOWN;

    printk("hv: svm: %u ASIDs, nested paging%s\n", nr_asids,
           cpu_features.nrips ? ", next-RIP saving" : ", no next-RIP saving");
    return &svm_ops;
}

static void set_segment(struct vmcb_segment *s, uint16_t sel, uint16_t attrib, uint32_t limit,
                        uint64_t base)
{
    *s = (struct vmcb_segment){sel, attrib, limit, base};
}

#define EXCEPTIONS_UNTIL_IDT                                                                  \
    ((1u << 0) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 10) | (1u << 11) |     \
     (1u << 12) | (1u << 13) | (1u << 14) | (1u << 16) | (1u << 17) | (1u << 19))

static int svm_vcpu_create(struct vcpu *v)
{
    struct svm_vcpu *s = heap_alloc_page();
    struct vmcb *vmcb;

    if (!s)
        return -HV_ENOMEM;
    vmcb = heap_alloc_page();
    if (!vmcb) {
        heap_free_page(s);
        return -HV_ENOMEM;
    }
    s->vmcb = vmcb;
    v->arch->vendor = s;

    vmcb->intercept_exceptions = EXCEPTIONS_UNTIL_IDT;
    vmcb->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI | INTERCEPT_INIT |
                            INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_HLT |
                            INTERCEPT_INVLPGA | INTERCEPT_IOIO | INTERCEPT_MSR |
                            INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
    vmcb->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
                            INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI |
                            INTERCEPT_SKINIT | INTERCEPT_ICEBP | INTERCEPT_WBINVD |
                            INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_MWAIT_COND |
                            INTERCEPT_XSETBV;
    vmcb->iopm_base_pa = mfn_x(v->domain->arch->io_bitmap) << PAGE_SHIFT;
    vmcb->msrpm_base_pa = pa_of(msrpm);
    vmcb->asid = 1 + v->domain->id % (nr_asids - 1);
    vmcb->vintr = VINTR_MASKING;
    vmcb->np_enable = 1;
    vmcb->n_cr3 = mfn_x(v->domain->arch->p2m_root) << PAGE_SHIFT;
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = svm_of(v);

    for (unsigned int c = 0; c < CPU_MAX; c++)
        for (unsigned int i = 0; i < ARRAY_SIZE(asid_owner[c]); i++)
            if (asid_owner[c][i] == v)
                asid_owner[c][i] = NULL;
    heap_free_page(s->vmcb);
    heap_free_page(s);
}

static void svm_vcpu_set_boot_state(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    struct vmcb *vmcb = svm_of(v)->vmcb;

    set_segment(&vmcb->cs, HV_GUEST_SEL_CODE, 0xa9b, 0xffffffff, 0);
    set_segment(&vmcb->ss, HV_GUEST_SEL_DATA, 0xc93, 0xffffffff, 0);
    set_segment(&vmcb->ds, HV_GUEST_SEL_DATA, 0xc93, 0xffffffff, 0);
    set_segment(&vmcb->es, HV_GUEST_SEL_DATA, 0xc93, 0xffffffff, 0);
    set_segment(&vmcb->fs, 0, 0, 0, 0);
    set_segment(&vmcb->gs, 0, 0, 0, 0);
    set_segment(&vmcb->gdtr, 0, 0, 5 * 8 - 1, HV_GUEST_GDT_GPA);
    set_segment(&vmcb->idtr, 0, 0, 0, 0);
    set_segment(&vmcb->ldtr, 0, 0, 0, 0);
    set_segment(&vmcb->tr, HV_GUEST_SEL_TSS, 0x8b, 0x67, HV_GUEST_GDT_GPA + 0x100);
    vmcb->cpl = 0;
    vmcb->efer = HV_GUEST_EFER | EFER_SVME;
    vmcb->cr0 = HV_GUEST_CR0;
    vmcb->cr3 = HV_GUEST_PT_GPA;
    vmcb->cr4 = HV_GUEST_CR4;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->rflags = 0x2;
    vmcb->rip = entry;
    vmcb->rsp = 0;
    vmcb->rax = 0;
    vmcb->g_pat = 0x0007040600070406ull;
    vmcb->star = vmcb->lstar = vmcb->cstar = vmcb->sfmask = vmcb->kernel_gs_base = 0;
    vmcb->tlb_control = 1;
    v->arch->exceptions_intercepted = true;
    vmcb->intercept_exceptions = EXCEPTIONS_UNTIL_IDT;
    (void)arg; /* rdi: set in the saved registers by the caller */
}

static void skip_instruction(struct vmcb *vmcb, unsigned int len)
{
    vmcb->rip = cpu_features.nrips && vmcb->next_rip ? vmcb->next_rip : vmcb->rip + len;
    vmcb->interrupt_shadow = 0;
}

/* Raise #GP(0) in the guest. A guest without an IDT would only fault again
 * delivering it, so its death is reported directly: returns true and fills
 * exit in that case. */
static bool inject_gp(struct vcpu *v, struct vmcb *vmcb, struct vcpu_exit *exit)
{
    if (hvm_gp_is_fatal(v, exit))
        return true;
    vmcb->event_inject = 13 | EVENT_TYPE_EXCEPTION | EVENT_ERROR_VALID | EVENT_VALID;
    return false;
}

static void svm_hypercall_return(struct vcpu *v, int64_t result)
{
    struct vmcb *vmcb = svm_of(v)->vmcb;

    vmcb->rax = (uint64_t)result;
    skip_instruction(vmcb, 3);
}

static uint64_t svm_vcpu_rip(struct vcpu *v)
{
    return svm_of(v)->vmcb->rip;
}

/* Guest EFER writes: SCE, LME, NXE may change (LME only with paging off);
 * SVME stays set underneath, invisible to the guest. */
static bool efer_write(struct vmcb *vmcb, uint64_t value)
{
    if (!hvm_efer_write_ok(vmcb->efer & ~EFER_SVME, vmcb->cr0, value))
        return false;
    vmcb->efer = value | EFER_SVME;
    return true;
}

static bool handle_msr(struct vcpu *v, struct vmcb *vmcb, struct vcpu_exit *exit)
{
    struct guest_regs *r = &v->arch->regs;
    uint32_t msr = (uint32_t)r->rcx;
    bool write = vmcb->exit_info1 & 1;

    if (msr == MSR_EFER) {
        if (write && !efer_write(vmcb, (r->rdx << 32) | (uint32_t)vmcb->rax))
            return inject_gp(v, vmcb, exit);
        if (!write) {
            uint64_t val = vmcb->efer & ~EFER_SVME;

            vmcb->rax = (uint32_t)val;
            r->rdx = val >> 32;
        }
        skip_instruction(vmcb, 2);
        return false;
    }
    if (msr == MSR_TSC_AUX && write) {
        /* Bits 63:32 are reserved. v is running here: load it now. */
        if (r->rdx)
            return inject_gp(v, vmcb, exit);
        v->arch->tsc_aux = (uint32_t)vmcb->rax;
        wrmsr(MSR_TSC_AUX, v->arch->tsc_aux);
        tsc_aux_live[this_cpu()->cpu_id] = v->arch->tsc_aux;
        skip_instruction(vmcb, 2);
        return false;
    }
    /* Anything else is not the guest's to touch. */
    printk(LOG_DEBUG "hv: d%u: %s of MSR %#x denied\n", v->domain->id,
           write ? "write" : "read", msr);
    return inject_gp(v, vmcb, exit);
}

/* Out of line: its result buffer (and the stack canary that comes with
 * it) stays off the run loop that every exit goes through. */
static __attribute__((noinline)) void handle_cpuid(struct vcpu *v, struct vmcb *vmcb)
{
    struct guest_regs *r = &v->arch->regs;
    struct cpuid_regs c;

    hvm_cpuid(v, (uint32_t)vmcb->rax, (uint32_t)r->rcx, vmcb->cr4 & X86_CR4_OSXSAVE, &c);
    vmcb->rax = c.eax;
    r->rbx = c.ebx;
    r->rcx = c.ecx;
    r->rdx = c.edx;
    skip_instruction(vmcb, 2);
}

/* Most hypercalls leave the vCPU where it is: finish them here and go
 * straight back into the guest. */
static inline bool handle_vmmcall(struct vcpu *v, unsigned int cpu, struct vmcb *vmcb,
                                  struct vcpu_exit *exit)
{
    struct guest_regs *r = &v->arch->regs;
    struct hypercall_outcome out = vcpu_hypercall_direct(v, cpu, vmcb->rax, r->args);

    if (!out.direct) {
        exit->reason = EXIT_HYPERCALL;
        /* Dispatched already (it blocked or yielded, say): common code
         * only needs the reason. */
        if (!v->hypercall_done) {
            exit->rip = vmcb->rip;
            hvm_hypercall_exit(exit, vmcb->rax, r);
        }
        return true;
    }
    vmcb->rax = (uint64_t)out.result;
    skip_instruction(vmcb, 3);
    return false;
}

/* Decode an exit: true when common code must handle it (exit filled in). */
static bool handle_exit(struct vcpu *v, unsigned int cpu, struct vmcb *vmcb,
                        struct vcpu_exit *exit)
{
    struct guest_regs *r = &v->arch->regs;
    uint32_t code = (uint32_t)vmcb->exit_code;

    /* Hypercalls first: the exit that must be fastest, ahead of the
     * switch's range checks. */
    if (code == VMEXIT_VMMCALL)
        return handle_vmmcall(v, cpu, vmcb, exit);
    exit->rip = vmcb->rip;
    switch (code) {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
    case VMEXIT_SMI:
        irq_poll();
        exit->reason = EXIT_INTERRUPT;
        return true;
    case VMEXIT_CPUID:
        handle_cpuid(v, vmcb);
        return false;
    case VMEXIT_MSR:
        return handle_msr(v, vmcb, exit);
    case VMEXIT_XSETBV:
        if (!(vmcb->cr4 & X86_CR4_OSXSAVE) ||
            !hvm_xsetbv(v, (uint32_t)r->rcx, (r->rdx << 32) | (uint32_t)vmcb->rax))
            return inject_gp(v, vmcb, exit);
        skip_instruction(vmcb, 3);
        return false;
    case VMEXIT_IOIO:
        /* No port belongs to a guest yet. */
        printk(LOG_DEBUG "hv: d%u: I/O port %#lx denied\n", v->domain->id,
               vmcb->exit_info1 >> 16);
        return inject_gp(v, vmcb, exit);
    case VMEXIT_WBINVD:
        skip_instruction(vmcb, 2); /* caches are the host's business */
        return false;
    case VMEXIT_HLT:
        skip_instruction(vmcb, 1);
        exit->reason = EXIT_HALT;
        return true;
    case VMEXIT_NPF:
        exit->reason = EXIT_NPF;
        exit->npf.gpa = vmcb->exit_info2;
        exit->npf.write = vmcb->exit_info1 & (1u << 1);
        exit->npf.fetch = vmcb->exit_info1 & (1u << 4);
        return true;
    case VMEXIT_SHUTDOWN:
        exit->reason = EXIT_TRIPLE_FAULT;
        return true;
    case VMEXIT_INVALID:
        exit->reason = EXIT_INVALID_STATE;
        return true;
    default:
        if (code >= VMEXIT_EXCEPTION_BASE && code < VMEXIT_EXCEPTION_BASE + 32) {
            unsigned int vector = code - VMEXIT_EXCEPTION_BASE;

            exit->reason = EXIT_EXCEPTION;
            exit->exception.vector = vector;
            exit->exception.has_error_code = (0x227d00u >> vector) & 1;
            exit->exception.error_code = (uint32_t)vmcb->exit_info1;
            exit->exception.cr2 = vector == 14 ? vmcb->exit_info2 : 0;
            return true;
        }
        exit->reason = EXIT_UNHANDLED;
        exit->unhandled.code = vmcb->exit_code;
        exit->unhandled.info1 = vmcb->exit_info1;
        exit->unhandled.info2 = vmcb->exit_info2;
        return true;
    }
}

static void svm_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
    struct svm_vcpu *s = svm_of(v);
    struct vmcb *vmcb = s->vmcb;
    unsigned int cpu = this_cpu()->cpu_id;
    const uint64_t *gen = &v->domain->arch->p2m_generation;
    uint64_t vmcb_pa = pa_of(vmcb), host_pa = pa_of(host_vmcb[cpu]);

    /* Flush the TLB if another vCPU used this ASID here since. Only this
     * CPU's runs change its owners, and no other vCPU runs here before this
     * returns: once is enough. */
    if (asid_owner[cpu][vmcb->asid] != v) {
        asid_owner[cpu][vmcb->asid] = v;
        vmcb->tlb_control = 1;
    }
    if (tsc_aux_live[cpu] != v->arch->tsc_aux) {
        wrmsr(MSR_TSC_AUX, v->arch->tsc_aux);
        tsc_aux_live[cpu] = v->arch->tsc_aux;
    }
    for (;;) {
        hvm_fpu_switch_to(v);
        /* Exceptions are fatal until the guest has an IDT of its own. */
        if (v->arch->exceptions_intercepted && vmcb->idtr.limit) {
            v->arch->exceptions_intercepted = false;
            vmcb->intercept_exceptions = 0;
        }
        hvm_enter_guest(v);
        /* Flush it too if the p2m changed since this vCPU's last flush. */
        if (v->arch->p2m_generation != __atomic_load_n(gen, __ATOMIC_ACQUIRE)) {
            v->arch->p2m_generation = __atomic_load_n(gen, __ATOMIC_ACQUIRE);
            vmcb->tlb_control = 1;
        }
        /* An event upcall is delivered by the hardware as soon as the
         * guest's IF allows; withdrawn while the guest has it masked. */
        if (event_upcall_deliverable(v)) {
            vmcb->vintr |= VINTR_IRQ | VINTR_PRIO_MAX | VINTR_IGN_TPR;
            vmcb->vintr_vector = HV_UPCALL_VECTOR;
        } else if (vmcb->vintr & VINTR_IRQ) {
            vmcb->vintr &= ~VINTR_IRQ;
        }
        /* The guest's rax lives in the VMCB, not in regs. */
        svm_vmrun(vmcb_pa, &v->arch->regs, host_pa);
        hvm_leave_guest();
        vmcb->tlb_control = 0;
        vmcb->event_inject = 0;
        if (handle_exit(v, cpu, vmcb, exit))
            return;
    }
}

static uint64_t npt_leaf(mfn_t mfn, unsigned int perms, bool large)
{
    /* Nested walks are user accesses: U must be set at every level. */
    /* Device memory: PCD|PWT selects UC through the host PAT's entry 3. */
    return (mfn_x(mfn) << PAGE_SHIFT) | PTE_P | PTE_U | (perms & P2M_W ? PTE_W : 0) |
           (perms & P2M_X ? 0 : PTE_NX) | (large ? PTE_PS : 0) |
           (perms & P2M_MMIO ? PTE_PCD | PTE_PWT : 0);
}

static uint64_t npt_table(mfn_t mfn) { return (mfn_x(mfn) << PAGE_SHIFT) | PTE_P | PTE_W | PTE_U; }
static bool npt_present(uint64_t e) { return e & PTE_P; }

static unsigned int npt_perms(uint64_t e)
{
    return P2M_R | (e & PTE_W ? P2M_W : 0) | (e & PTE_NX ? 0 : P2M_X) |
           (e & PTE_PCD ? P2M_MMIO : 0);
}

static void npt_changed(struct domain *d)
{
    /* Without flush-by-ASID: a full flush at each vCPU's next VMRUN. */
    hvm_p2m_flush(d);
}

const struct hvm_ops svm_ops = {
    .name = "AMD-V (SVM) with nested paging",
    .vendor = "svm",
    .hypercall_feature = HV_CPUID_F_VMMCALL,
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_set_boot_state = svm_vcpu_set_boot_state,
    .vcpu_run = svm_vcpu_run,
    .hypercall_return = svm_hypercall_return,
    .vcpu_rip = svm_vcpu_rip,
    .p2m_leaf = npt_leaf,
    .p2m_table = npt_table,
    .p2m_present = npt_present,
    .p2m_perms = npt_perms,
    .p2m_changed = npt_changed,
    .cpu_init = svm_cpu_init,
};
