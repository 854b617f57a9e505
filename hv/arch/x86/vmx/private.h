/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the VT-x back end share: the settings chosen at probe
 * time, per-CPU and per-vCPU state, and the VMX instructions. vmx.c brings
 * VMX up and owns the per-CPU state, vmcs.c sets a VMCS up, exit.c runs
 * vCPUs and decodes their exits, vmx_entry.S enters the guest.
 */
#ifndef VMX_PRIVATE_H
#define VMX_PRIVATE_H

#include <asm/hvm.h>
#include <hv/types.h>

#include "caps.h"
#include "vmcs.h"

#define X86_CR4_VMXE (1ull << 13)

/* What vmx_probe() found and chose; fixed after boot. */
struct vmx_config {
    uint32_t revision;   /* VMCS revision identifier */
    uint32_t pin, proc, proc2, exit, entry; /* the control words */
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid_cap;
    bool vpid;           /* VPIDs tag the guest's TLB entries */
    uint64_t io_bitmap_a, io_bitmap_b, msr_bitmap; /* physical addresses */
};
extern struct vmx_config vmx_config;

/* Per physical CPU. */
struct vmx_cpu {
    void *vmxon_region;
    struct vcpu *msr_owner;   /* whose guest-owned MSRs and CR2 are loaded */
    struct vcpu *vpid_owner[64]; /* last vCPU that ran with each VPID here */
};
struct vmx_cpu *vmx_this_cpu(void);

/*
 * Per vCPU (struct arch_vcpu's vendor pointer). Its VMCS is active (loaded
 * with VMPTRLD) only while vmx_vcpu_run() runs it: a CPU may cache an
 * active VMCS and write it back at any time, only that CPU can VMCLEAR it,
 * and the hypervisor cannot ask another CPU to (a CPU waiting for the
 * hypervisor lock has interrupts off). So any CPU may build, destroy or
 * run a vCPU, at the price of VMCLEAR, VMPTRLD and VMLAUNCH each time a
 * vCPU's exit goes to common code.
 */
struct vmx_vcpu {
    void *vmcs;
    bool launched;           /* VMRESUME rather than VMLAUNCH next */
    bool skip_pending;       /* step past the hypercall at the next entry */
    bool interrupt_window;   /* interrupt-window exiting is on */
    int host_cpu;            /* whose host state the VMCS holds, or -1 */
    int last_cpu;            /* where it ran last, or -1 */
    uint8_t cr8;             /* the guest's TPR as MOV CR8 sees it */
    uint64_t rip;            /* the guest's rip as of its last exit */
    uint32_t exit_len;       /* length of the instruction that exited */
    /* State the VMCS does not switch, saved whenever the VMCS is put
     * away: the CPU keeps the guest's values in the meantime and loads
     * another vCPU's only when that one runs (the hypervisor never uses
     * SYSCALL or SWAPGS and takes no page faults). */
    uint64_t kernel_gs_base, star, lstar, cstar, sfmask, cr2;
};

static inline struct vmx_vcpu *vmx_of(struct vcpu *v) { return v->arch->vendor; }
static inline uint64_t vmx_pa(const void *p) { return (uint64_t)(uintptr_t)p; }

/* VMREAD and VMWRITE of the current VMCS. A failed VMWRITE (a field this
 * CPU lacks) is counted, so that set-up can refuse a half-written VMCS. */
extern unsigned int vmx_vmwrite_failures;

static inline uint64_t vmread(enum vmcs_field field)
{
    uint64_t value;

    __asm__ volatile("vmread %1, %0" : "=rm"(value) : "r"((uint64_t)field) : "cc");
    return value;
}

static inline void vmwrite(enum vmcs_field field, uint64_t value)
{
    bool failed;

    /* CF or ZF set: VMfailInvalid or VMfailValid. */
    __asm__ volatile("vmwrite %2, %1"
                     : "=@ccbe"(failed)
                     : "r"((uint64_t)field), "rm"(value)
                     : "memory");
    if (unlikely(failed))
        __atomic_fetch_add(&vmx_vmwrite_failures, 1, __ATOMIC_RELAXED);
}

/* Make s's VMCS active and current on this CPU, and put it away again
 * (VMCLEAR: written back, inactive, to be entered with VMLAUNCH). */
void vmx_vmcs_load(struct vmx_vcpu *s);
void vmx_vmcs_put(struct vmx_vcpu *s);

/* vmcs.c */
int vmx_vcpu_create(struct vcpu *v);
void vmx_vcpu_destroy(struct vcpu *v);
void vmx_vcpu_set_boot_state(struct vcpu *v, uint64_t entry, uint64_t arg);
/* Write this CPU's state as the host state of the current VMCS. */
void vmx_write_host_state(void);
/* Exceptions that kill a guest with no IDT of its own (as on AMD-V). */
#define VMX_EXCEPTIONS_UNTIL_IDT                                                              \
    ((1u << 0) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 10) | (1u << 11) |     \
     (1u << 12) | (1u << 13) | (1u << 14) | (1u << 16) | (1u << 17) | (1u << 19))

/* exit.c */
void vmx_vcpu_run(struct vcpu *v, struct vcpu_exit *exit);
void vmx_hypercall_return(struct vcpu *v, int64_t result);
uint64_t vmx_vcpu_rip(struct vcpu *v);

/* vmx.c: TLB tags. */
void vmx_ept_changed(struct domain *d);
/* Before entering v on this CPU: flush what another vCPU, an older p2m,
 * or v itself before it ran elsewhere (moved) left tagged with v's VPID
 * and EPT pointer. */
void vmx_tlb_prepare(struct vcpu *v, bool moved);
/* No CPU holds v's VPID translations or guest-owned MSRs any more. */
void vmx_forget_vcpu(struct vcpu *v);
uint16_t vmx_vpid_for(struct vcpu *v);

/* vmx_entry.S: enter the guest with VMLAUNCH (launched false) or
 * VMRESUME. Returns 0 after a VM exit, 1 for VMfailInvalid, 2 for
 * VMfailValid (the VM-instruction error field says why). */
int vmx_enter(struct guest_regs *regs, bool launched);
void vmx_exit_entry(void);

#endif
