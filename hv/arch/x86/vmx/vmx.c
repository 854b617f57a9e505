/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Intel VT-x (VMX) back end: capability checks and bring-up (VMXON on
 * every CPU), the deny-by-default I/O and MSR bitmaps, loading and putting
 * away a VMCS, the TLB tags (EPT pointers and VPIDs) and the table of
 * operations. A CPU that lacks something the back end needs is refused
 * with a message naming it; nothing here can fault, because every
 * instruction's preconditions are checked before it runs.
 */
#include <asm/hvm.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <public/hv.h>
#include <string.h>

#include "private.h"

#define VMX_VPIDS 64 /* VPID 0 is the host's; guests share 1..63 by domain id */

struct vmx_config vmx_config;
unsigned int vmx_vmwrite_failures;
static struct vmx_cpu vmx_cpus[CPU_MAX];

/* p2m.c tests the large-page bit of NPT entries; EPT keeps it in the same place. */
BUILD_BUG_ON(EPT_LARGE != PTE_PS);
BUILD_BUG_ON(ARRAY_SIZE(vmx_cpus[0].vpid_owner) != VMX_VPIDS);

struct vmx_cpu *vmx_this_cpu(void)
{
    return &vmx_cpus[this_cpu()->cpu_id];
}

void vmx_vmcs_load(struct vmx_vcpu *s)
{
    uint64_t pa = vmx_pa(s->vmcs);
    bool failed;

    __asm__ volatile("vmptrld %1" : "=@ccbe"(failed) : "m"(pa) : "memory");
    /* Only a bad address or revision fails, both hypervisor bugs. */
    BUG_ON(failed);
}

void vmx_vmcs_put(struct vmx_vcpu *s)
{
    uint64_t pa = vmx_pa(s->vmcs);
    bool failed;

    __asm__ volatile("vmclear %1" : "=@ccbe"(failed) : "m"(pa) : "memory");
    BUG_ON(failed);
    s->launched = false;
}

static bool invept(unsigned int type, uint64_t eptp)
{
    struct {
        uint64_t eptp, reserved;
    } desc = {eptp, 0};
    bool failed;

    __asm__ volatile("invept %1, %2"
                     : "=@ccbe"(failed)
                     : "m"(desc), "r"((uint64_t)type)
                     : "memory");
    return !failed;
}

static bool invvpid(unsigned int type, uint16_t vpid)
{
    struct {
        uint64_t vpid, address;
    } desc = {vpid, 0};
    bool failed;

    __asm__ volatile("invvpid %1, %2"
                     : "=@ccbe"(failed)
                     : "m"(desc), "r"((uint64_t)type)
                     : "memory");
    return !failed;
}

void vmx_ept_changed(struct domain *d)
{
    /* Each CPU flushes at its next entry of one of d's vCPUs (see
     * vmx_tlb_prepare); CPUs running one now are made to leave first. */
    hvm_p2m_flush(d);
}

uint16_t vmx_vpid_for(struct vcpu *v)
{
    return (uint16_t)(1 + v->domain->id % (VMX_VPIDS - 1));
}

void vmx_tlb_prepare(struct vcpu *v, bool moved)
{
    struct vmx_cpu *c = vmx_this_cpu();
    const uint64_t *gen = &v->domain->arch->p2m_generation;
    uint64_t now = __atomic_load_n(gen, __ATOMIC_ACQUIRE);
    bool ok = true;

    /* INVEPT and INVVPID act on this CPU only. A vCPU's generation says
     * what the CPU it last ran on flushed, so a vCPU that moved flushes
     * here whatever its generation. A new domain's first entry always
     * flushes (its p2m was built after generation 0), which also clears
     * what an earlier domain with the same root page left. */
    if (moved || v->arch->p2m_generation != now) {
        ok = invept(vmx_invept_type(vmx_config.ept_vpid_cap),
                    vmx_ept_pointer(v->domain->arch->p2m_root));
        v->arch->p2m_generation = now;
    }
    /* Another vCPU's linear translations may carry this VPID here, or
     * this vCPU's from before it ran elsewhere and changed its tables. */
    if (vmx_config.vpid && (moved || c->vpid_owner[vmx_vpid_for(v)] != v)) {
        ok &= invvpid(vmx_invvpid_type(vmx_config.ept_vpid_cap), vmx_vpid_for(v));
        c->vpid_owner[vmx_vpid_for(v)] = v;
    }
    ASSERT(ok);
    (void)ok;
}

void vmx_forget_vcpu(struct vcpu *v)
{
    for (unsigned int cpu = 0; cpu < CPU_MAX; cpu++) {
        for (unsigned int i = 0; i < VMX_VPIDS; i++)
            if (vmx_cpus[cpu].vpid_owner[i] == v)
                vmx_cpus[cpu].vpid_owner[i] = NULL;
        if (vmx_cpus[cpu].msr_owner == v)
            vmx_cpus[cpu].msr_owner = NULL;
    }
}

/* Let the guest read and write msr without an exit. */
static void msr_bitmap_allow(uint8_t *bitmap, uint32_t msr)
{
    /* Read bitmaps for low and high MSRs, then the write bitmaps. */
    unsigned int base = msr >= 0xc0000000 ? 1024 : 0;
    uint32_t bit = msr & 0x1fff;

    bitmap[base + bit / 8] &= (uint8_t)~(1u << (bit % 8));
    bitmap[2048 + base + bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

static const char *build_bitmaps(void)
{
    /* The MSRs that are the guest's own: the VMCS switches FS/GS bases,
     * SYSENTER and PAT; vmx_vcpu_run switches the SYSCALL MSRs,
     * KERNEL_GS_BASE and TSC_AUX when another vCPU runs. */
    static const uint32_t guest_msrs[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
        MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC_AUX, MSR_PAT,
    };
    uint8_t *a = heap_alloc_page(), *b = heap_alloc_page(), *msr = heap_alloc_page();

    if (!a || !b || !msr) {
        heap_free_page(a);
        heap_free_page(b);
        heap_free_page(msr);
        return "out of memory for the VT-x bitmaps";
    }
    /* Deny by default: every port and every MSR exits... */
    memset(a, 0xff, PAGE_SIZE);
    memset(b, 0xff, PAGE_SIZE);
    memset(msr, 0xff, PAGE_SIZE);
    /* ...except the MSRs the guest owns. */
    for (unsigned int i = 0; i < ARRAY_SIZE(guest_msrs); i++)
        msr_bitmap_allow(msr, guest_msrs[i]);
    vmx_config.io_bitmap_a = vmx_pa(a);
    vmx_config.io_bitmap_b = vmx_pa(b);
    vmx_config.msr_bitmap = vmx_pa(msr);
    return NULL;
}

/* One control word: (wanted | allowed-0) & allowed-1; *why names the first
 * required control the CPU cannot set. */
static bool control(enum vmx_control_set set, uint32_t msr, uint32_t wanted, uint32_t required,
                    uint32_t forbidden, uint32_t *out, const char **why)
{
    static char message[96];
    uint32_t missing, forced;

    *out = vmx_control_compute(rdmsr(msr), wanted, required, &missing, &forced);
    if (!missing && !(forced & forbidden))
        return true;
    if ((set == VMX_PROC && (missing & PROC_SECONDARY_CONTROLS)) ||
        (set == VMX_PROC2 && (missing & PROC2_EPT))) {
        *why = "this CPU's VT-x has no EPT; under Bochs, use a CPU model with EPT such as "
               "corei7_skylake_x";
        return false;
    }
    if (missing) {
        snprintf(message, sizeof(message), "this CPU's VT-x cannot set the control \"%s\"",
                 vmx_control_name(set, (unsigned int)__builtin_ctz(missing)));
    } else {
        snprintf(message, sizeof(message), "this CPU's VT-x cannot clear the control \"%s\"",
                 vmx_control_name(set, (unsigned int)__builtin_ctz(forced & forbidden)));
    }
    *why = message;
    return false;
}

static bool compute_controls(uint64_t basic, const char **why)
{
    bool true_msrs = basic & VMX_BASIC_TRUE_CONTROLS;
    struct vmx_config *c = &vmx_config;
    uint32_t allowed1;

    if (!control(VMX_PIN, true_msrs ? MSR_VMX_TRUE_PINBASED_CTLS : MSR_VMX_PINBASED_CTLS,
                 PIN_NMI_EXITING, PIN_EXTERNAL_INTERRUPT_EXITING, 0, &c->pin, why))
        return false;
    /* CR8 accesses exit (there is no TPR shadow, and a guest must not
     * reach the host's TPR); CR3 accesses must not (EPT makes them the
     * guest's own, and they are not emulated). */
    /* Interrupt-window exiting is turned on and off per entry (upcalls):
     * it must be possible, and off in the base setting. */
    if (!(rdmsr(true_msrs ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS) >> 32 &
          PROC_INTERRUPT_WINDOW_EXITING)) {
        *why = "this CPU's VT-x has no interrupt-window exiting";
        return false;
    }
    if (!control(VMX_PROC, true_msrs ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS,
                 PROC_MWAIT_EXITING | PROC_MONITOR_EXITING,
                 PROC_HLT_EXITING | PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING |
                     PROC_IO_BITMAPS | PROC_MSR_BITMAPS | PROC_SECONDARY_CONTROLS,
                 PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_TPR_SHADOW |
                     PROC_UNCONDITIONAL_IO_EXITING | PROC_INTERRUPT_WINDOW_EXITING,
                 &c->proc, why))
        return false;
    /* The secondary controls have no "true" MSR. RDTSCP and INVPCID are
     * offered when the CPU has them (CPUID passes them on); VPID only
     * with a usable INVVPID. */
    allowed1 = (uint32_t)(rdmsr(MSR_VMX_PROCBASED_CTLS2) >> 32);
    c->ept_vpid_cap = allowed1 & (PROC2_EPT | PROC2_VPID) ? rdmsr(MSR_VMX_EPT_VPID_CAP) : 0;
    if (!control(VMX_PROC2, MSR_VMX_PROCBASED_CTLS2,
                 PROC2_RDTSCP | PROC2_INVPCID | PROC2_WBINVD_EXITING |
                     (vmx_vpid_usable(c->ept_vpid_cap) ? PROC2_VPID : 0),
                 PROC2_EPT, PROC2_UNRESTRICTED_GUEST | PROC2_VIRTUALIZE_APIC, &c->proc2, why))
        return false;
    c->vpid = c->proc2 & PROC2_VPID;
    if (!control(VMX_EXIT, true_msrs ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS,
                 EXIT_SAVE_DEBUG_CONTROLS,
                 EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER |
                     EXIT_LOAD_EFER,
                 EXIT_ACK_INTERRUPT, &c->exit, why))
        return false;
    return control(VMX_ENTRY, true_msrs ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS,
                   ENTRY_LOAD_DEBUG_CONTROLS,
                   ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, 0, &c->entry, why);
}

/* VMXON on this CPU. Every condition under which VMXON would fault is
 * checked first, so a refusal is a message, not a hypervisor crash. */
static const char *vmx_cpu_up(void)
{
    struct vmx_cpu *c = vmx_this_cpu();
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL), cr0 = read_cr0(), cr4;
    uint64_t pa;
    bool failed;

    if (!(fc & FEATURE_CONTROL_LOCKED))
        wrmsr(MSR_IA32_FEATURE_CONTROL,
              fc | FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
    else if (!(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
        return "VT-x is disabled by the firmware (IA32_FEATURE_CONTROL)";
    if (vmx_fixed_apply(cr0, vmx_config.cr0_fixed0, vmx_config.cr0_fixed1) != cr0)
        return "the hypervisor's CR0 does not meet VMX's fixed bits";
    cr4 = read_cr4() | X86_CR4_VMXE;
    if (vmx_fixed_apply(cr4, vmx_config.cr4_fixed0, vmx_config.cr4_fixed1) != cr4)
        return "the hypervisor's CR4 does not meet VMX's fixed bits";

    if (!c->vmxon_region) {
        c->vmxon_region = heap_alloc_page();
        if (!c->vmxon_region)
            return "out of memory for the VMXON region";
    }
    *(uint32_t *)c->vmxon_region = vmx_config.revision;
    write_cr4(cr4);
    pa = vmx_pa(c->vmxon_region);
    __asm__ volatile("vmxon %1" : "=@ccbe"(failed) : "m"(pa) : "memory");
    if (failed) {
        write_cr4(cr4 & ~X86_CR4_VMXE);
        return "VMXON failed";
    }
    return NULL;
}

/* An application processor joins (the boot CPU's checks already passed). */
static int vmx_cpu_init(void)
{
    const char *why = vmx_cpu_up();

    if (!why)
        return 0;
    printk(LOG_ERR "hv: cpu%u: vmx: %s\n", this_cpu()->cpu_id, why);
    return -HV_EIO;
}

const struct hvm_ops *vmx_probe(const char **why)
{
    struct vmx_config *c = &vmx_config;
    uint64_t basic;

    if (!cpu_features.vmx) {
        *why = "this CPU has no VT-x (VMX); under Bochs, use a CPU model with VMX and EPT "
               "such as corei7_skylake_x";
        return NULL;
    }
    basic = rdmsr(MSR_VMX_BASIC);
    if ((*why = vmx_basic_problem(basic)))
        return NULL;
    c->revision = VMX_BASIC_REVISION(basic);
    if (!compute_controls(basic, why))
        return NULL;
    if ((*why = vmx_ept_problem(c->ept_vpid_cap)))
        return NULL;
    c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    /* The entry state of public/start_info.h must be possible in VMX
     * non-root operation (without unrestricted guest). */
    if (vmx_fixed_apply(HV_GUEST_CR0, c->cr0_fixed0, c->cr0_fixed1) !=
        (HV_GUEST_CR0 | c->cr0_fixed0)) {
        *why = "this CPU's VT-x forbids a CR0 bit guests start with";
        return NULL;
    }
    if (vmx_fixed_apply(HV_GUEST_CR4 | X86_CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1) !=
        (HV_GUEST_CR4 | X86_CR4_VMXE | c->cr4_fixed0)) {
        *why = "this CPU's VT-x forbids a CR4 bit guests start with";
        return NULL;
    }
    if ((*why = vmx_cpu_up()) || (*why = build_bitmaps()))
        return NULL;

    printk("hv: vmx: VMCS revision %#x, EPT with 2 MiB pages, INVEPT %s%s%s%s\n", c->revision,
           vmx_invept_type(c->ept_vpid_cap) == INVEPT_SINGLE_CONTEXT ? "single-context"
                                                                     : "all-context",
           c->vpid ? ", VPID" : ", no VPID (TLB flushed on every exit)",
           c->proc2 & PROC2_RDTSCP ? ", RDTSCP" : "",
           basic & VMX_BASIC_TRUE_CONTROLS ? ", true controls" : "");
    printk(LOG_DEBUG "hv: vmx: controls pin %#x proc %#x proc2 %#x exit %#x entry %#x\n",
           c->pin, c->proc, c->proc2, c->exit, c->entry);
    return &vmx_ops;
}

const struct hvm_ops vmx_ops = {
    .name = "Intel VT-x (VMX) with EPT",
    .vendor = "vmx",
    .hypercall_feature = HV_CPUID_F_VMCALL,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_set_boot_state = vmx_vcpu_set_boot_state,
    .vcpu_run = vmx_vcpu_run,
    .hypercall_return = vmx_hypercall_return,
    .vcpu_rip = vmx_vcpu_rip,
    .p2m_leaf = vmx_ept_leaf,
    .p2m_table = vmx_ept_table,
    .p2m_present = vmx_ept_present,
    .p2m_perms = vmx_ept_perms,
    .p2m_changed = vmx_ept_changed,
    .cpu_init = vmx_cpu_init,
};
