/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vendor-neutral layer over AMD-V (svm/) and VT-x (vmx/): the table of
 * operations a back end provides, chosen once at boot, and the x86 state of
 * domains and vCPUs that both back ends share. Nothing outside svm/ and
 * vmx/ touches a VMCB or VMCS.
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <asm/guest_regs.h>
#include <asm/setup.h>
#include <asm/x86.h>
#include <hv/domain.h>
#include <hv/types.h>

/* Guest registers the hardware does not switch; saved by the entry stubs.
 * rsp and rip live in the VMCB/VMCS. Layout shared with the stubs
 * (asm/guest_regs.h): the hypercall arguments are an array in place. */
struct guest_regs {
    uint64_t rax;
    union {
        struct {
            uint64_t rdi, rsi, rdx, r10, r8, r9;
        };
        uint64_t args[6]; /* hypercall arguments, in calling-convention order */
    };
    uint64_t rbx, rcx, rbp, r11, r12, r13, r14, r15;
};
_Static_assert(__builtin_offsetof(struct guest_regs, rax) == REG_RAX, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, rdi) == REG_RDI, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, r9) == REG_R9, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, rbx) == REG_RBX, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, rcx) == REG_RCX, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, rbp) == REG_RBP, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, r11) == REG_R11, "guest_regs layout");
_Static_assert(__builtin_offsetof(struct guest_regs, r15) == REG_R15, "guest_regs layout");
_Static_assert(sizeof(struct guest_regs) == REG_R15 + 8, "guest_regs layout");

struct arch_vcpu {
    struct guest_regs regs;
    void *fpu;             /* XSAVE (or FXSAVE) area, one page */
    uint64_t xcr0;         /* the guest's XCR0 */
    uint64_t tsc_aux;
    bool exceptions_intercepted; /* until the guest loads an IDT */
    uint64_t p2m_generation;     /* of its domain's p2m at its last TLB flush */
    int fpu_cpu;                 /* the CPU whose registers hold its FPU state, or -1 */
    void *vendor;          /* the back end's per-vCPU state */
};

struct arch_domain {
    mfn_t p2m_root;          /* top of the nested page table (NPT or EPT) */
    uint64_t p2m_generation; /* bumped by every change (hvm_p2m_flush) */
    mfn_t io_bitmap;         /* I/O permission bitmap, 3 pages (ioport.c) */
};

/* The domain's I/O permission bitmap (ioport.c), created and freed with
 * its p2m. */
int ioport_domain_init(struct domain *d) __must_check;
void ioport_domain_destroy(struct domain *d);

struct hvm_ops {
    const char *name;
    const char *vendor; /* short name for sysctl: "svm", "vmx" */
    unsigned int hypercall_feature; /* HV_CPUID_F_VMMCALL or _VMCALL */
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*vcpu_set_boot_state)(struct vcpu *v, uint64_t entry, uint64_t arg);
    void (*vcpu_run)(struct vcpu *v, struct vcpu_exit *exit);
    void (*hypercall_return)(struct vcpu *v, int64_t result);
    uint64_t (*vcpu_rip)(struct vcpu *v);
    /* p2m leaf and table formats differ between NPT and EPT */
    uint64_t (*p2m_leaf)(mfn_t mfn, unsigned int perms, bool large);
    uint64_t (*p2m_table)(mfn_t mfn);
    bool (*p2m_present)(uint64_t entry);
    unsigned int (*p2m_perms)(uint64_t entry);
    void (*p2m_changed)(struct domain *d); /* flush cached translations */
    int (*cpu_init)(void); /* start the back end on another CPU: 0 or -HV_E* */
};

extern const struct hvm_ops *hvm;
extern const struct hvm_ops svm_ops;
extern const struct hvm_ops vmx_ops;

/* Back-end probes: the ops if this CPU can run the back end, else NULL and
 * *why names what is missing. */
const struct hvm_ops *svm_probe(const char **why);
const struct hvm_ops *vmx_probe(const char **why);

/* Shared by the back ends (hvm.c). */
void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, bool guest_osxsave,
               struct cpuid_regs *out);
/* Load v's FPU state and XCR0 if another vCPU's are loaded. */
void hvm_fpu_switch_slow(struct vcpu *v);
/* From the kick interrupt: save the FPU state of a vCPU that moved to
 * another CPU, so that CPU can load it. */
void hvm_fpu_flush(void);
static inline void hvm_fpu_switch_to(struct vcpu *v)
{
    if (this_cpu()->fpu_owner != v)
        hvm_fpu_switch_slow(v);
}
/* Around guest mode on this CPU: the back ends call these right before
 * entering (before checking the p2m generation) and right after leaving.
 * Inline: they are on every exit's path. */
static inline void hvm_enter_guest(struct vcpu *v)
{
    this_cpu()->current = v;
    /* Publish "in guest mode" before reading the p2m generation: a CPU
     * changing the p2m bumps the generation, then waits for us to leave. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void hvm_leave_guest(void)
{
    __atomic_store_n(&this_cpu()->current, NULL, __ATOMIC_RELEASE);
}

/* After a change to d's p2m: bump its generation and wait until no other
 * CPU is in guest mode for d with the old translations. */
void hvm_p2m_flush(struct domain *d);

/* Describe a hypercall exit: number nr, arguments in the registers of the
 * calling convention (public/hypercall.h). */
static inline void hvm_hypercall_exit(struct vcpu_exit *exit, uint64_t nr,
                                      const struct guest_regs *r)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = nr;
    exit->hypercall.args[0] = r->args[0];
    exit->hypercall.args[1] = r->args[1];
    exit->hypercall.args[2] = r->args[2];
    exit->hypercall.args[3] = r->args[3];
    exit->hypercall.args[4] = r->args[4];
    exit->hypercall.args[5] = r->args[5];
}

/* The EFER policy both back ends apply to a guest's write: SCE, LME and
 * NXE may change, LME/LMA only with paging off, nothing else. */
static inline bool hvm_efer_write_ok(uint64_t old, uint64_t cr0, uint64_t value)
{
    uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

    if (value & ~allowed)
        return false;
    return !((cr0 & X86_CR0_PG) && ((value ^ old) & (EFER_LME | EFER_LMA)));
}

/* Before raising #GP(0) in v: a guest without an IDT of its own would only
 * fault again delivering it, so its death is reported directly. Returns
 * true with exit filled in then; false means inject the #GP. */
static inline bool hvm_gp_is_fatal(struct vcpu *v, struct vcpu_exit *exit)
{
    if (!v->arch->exceptions_intercepted)
        return false;
    exit->reason = EXIT_EXCEPTION;
    exit->exception.vector = 13;
    exit->exception.has_error_code = true;
    exit->exception.error_code = 0;
    exit->exception.cr2 = 0;
    return true;
}

/* Validate and apply an XSETBV; false means inject #GP. */
bool hvm_xsetbv(struct vcpu *v, uint32_t index, uint64_t value);

#endif
