/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's VMCS: its controls, written at creation; the hypervisor's
 * (host) state, written at creation and again whenever the vCPU runs on
 * another CPU; and the guest state of public/start_info.h's 64-bit entry.
 * Every field a VM entry checks is written explicitly: a VMCS region's
 * initial contents are not architectural.
 */
#include <asm/hvm.h>
#include <asm/setup.h>
#include <asm/x86.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <public/hv.h>

#include "private.h"

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __packed;

static uint16_t read_selector(unsigned int which)
{
    uint16_t sel = 0;

    switch (which) {
    case 0: __asm__("mov %%ds, %0" : "=r"(sel)); break;
    case 1: __asm__("mov %%es, %0" : "=r"(sel)); break;
    case 2: __asm__("mov %%fs, %0" : "=r"(sel)); break;
    case 3: __asm__("mov %%gs, %0" : "=r"(sel)); break;
    }
    return sel;
}

/* The base of the hypervisor's TSS, read back from its descriptor: the
 * VMCS needs it because a VM exit reloads TR. */
static uint64_t host_tr_base(const struct descriptor_pointer *gdtr)
{
    const uint64_t *gdt = (const uint64_t *)gdtr->base;
    uint16_t tr;
    uint64_t lo, hi;

    __asm__("str %0" : "=r"(tr));
    BUG_ON(tr != HV_TSS);
    lo = gdt[tr >> 3];
    hi = gdt[(tr >> 3) + 1];
    return ((lo >> 16) & 0xffffff) | (((lo >> 56) & 0xff) << 24) | (hi << 32);
}

/* What a VM exit restores: this CPU's hypervisor state (its own GDT, TSS
 * and per-CPU block). The stub writes HOST_RSP at each entry; interrupts
 * stay off (RFLAGS is 0x2 after exit). */
void vmx_write_host_state(void)
{
    struct descriptor_pointer gdtr, idtr;

    __asm__("sgdt %0" : "=m"(gdtr));
    __asm__("sidt %0" : "=m"(idtr));
    vmwrite(VMCS_HOST_CR0, read_cr0());
    vmwrite(VMCS_HOST_CR3, read_cr3());
    vmwrite(VMCS_HOST_CR4, read_cr4());
    vmwrite(VMCS_HOST_CS_SELECTOR, HV_CS);
    vmwrite(VMCS_HOST_SS_SELECTOR, HV_DS);
    /* Selector fields must have RPL and TI clear. */
    vmwrite(VMCS_HOST_DS_SELECTOR, read_selector(0) & ~7u);
    vmwrite(VMCS_HOST_ES_SELECTOR, read_selector(1) & ~7u);
    vmwrite(VMCS_HOST_FS_SELECTOR, read_selector(2) & ~7u);
    vmwrite(VMCS_HOST_GS_SELECTOR, read_selector(3) & ~7u);
    vmwrite(VMCS_HOST_TR_SELECTOR, HV_TSS);
    /* %fs holds the per-CPU block and the stack protector's canary. */
    vmwrite(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmwrite(VMCS_HOST_TR_BASE, host_tr_base(&gdtr));
    vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
    vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
    vmwrite(VMCS_HOST_SYSENTER_CS, 0);
    vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
    vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
    vmwrite(VMCS_HOST_IA32_PAT, rdmsr(MSR_PAT));
    vmwrite(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
    vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
}

static void write_controls(struct vcpu *v)
{
    const struct vmx_config *c = &vmx_config;

    vmwrite(VMCS_PIN_CONTROLS, c->pin);
    vmwrite(VMCS_PROC_CONTROLS, c->proc);
    vmwrite(VMCS_PROC2_CONTROLS, c->proc2);
    vmwrite(VMCS_EXIT_CONTROLS, c->exit);
    vmwrite(VMCS_ENTRY_CONTROLS, c->entry);
    vmwrite(VMCS_EXCEPTION_BITMAP, VMX_EXCEPTIONS_UNTIL_IDT);
    /* Every #PF the bitmap selects exits. */
    vmwrite(VMCS_PF_ERROR_CODE_MASK, 0);
    vmwrite(VMCS_PF_ERROR_CODE_MATCH, 0);
    vmwrite(VMCS_CR3_TARGET_COUNT, 0);
    vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VMCS_ENTRY_INTR_INFO, 0);
    vmwrite(VMCS_TSC_OFFSET, 0);
    /* The domain's own I/O bitmap (ioport.c): A is its first page, B its
     * second. */
    vmwrite(VMCS_IO_BITMAP_A, mfn_x(v->domain->arch->io_bitmap) << PAGE_SHIFT);
    vmwrite(VMCS_IO_BITMAP_B, (mfn_x(v->domain->arch->io_bitmap) + 1) << PAGE_SHIFT);
    vmwrite(VMCS_MSR_BITMAP, c->msr_bitmap);
    vmwrite(VMCS_EPT_POINTER, vmx_ept_pointer(v->domain->arch->p2m_root));
    if (c->vpid)
        vmwrite(VMCS_VPID, vmx_vpid_for(v));

    /* The guest owns CR0 (within VMX's fixed bits, whose violation is a
     * #GP in the guest) and CR4 except the VMXE bit VMX operation needs,
     * which reads as clear and cannot be set. */
    vmwrite(VMCS_CR0_GUEST_HOST_MASK, c->cr0_fixed0 & ~HV_GUEST_CR0);
    vmwrite(VMCS_CR0_READ_SHADOW, HV_GUEST_CR0);
    vmwrite(VMCS_CR4_GUEST_HOST_MASK, X86_CR4_VMXE | (c->cr4_fixed0 & ~HV_GUEST_CR4));
    vmwrite(VMCS_CR4_READ_SHADOW, HV_GUEST_CR4);
}

int vmx_vcpu_create(struct vcpu *v)
{
    struct vmx_vcpu *s = heap_alloc_page();
    unsigned int failures;

    if (!s)
        return -HV_ENOMEM;
    s->vmcs = heap_alloc_page();
    if (!s->vmcs) {
        heap_free_page(s);
        return -HV_ENOMEM;
    }
    *(uint32_t *)s->vmcs = vmx_config.revision;
    v->arch->vendor = s;

    /* VMCLEAR first: it gives the region its launch state. Host state is
     * written again when the vCPU runs on another CPU. */
    vmx_vmcs_put(s);
    vmx_vmcs_load(s);
    failures = __atomic_load_n(&vmx_vmwrite_failures, __ATOMIC_RELAXED);
    write_controls(v);
    vmx_write_host_state();
    s->host_cpu = (int)this_cpu()->cpu_id;
    s->last_cpu = -1;
    vmx_vmcs_put(s);
    failures = __atomic_load_n(&vmx_vmwrite_failures, __ATOMIC_RELAXED) - failures;
    if (failures) {
        printk(LOG_ERR "hv: vmx: %u VMCS fields could not be written\n", failures);
        vmx_vcpu_destroy(v);
        return -HV_EINVAL;
    }
    return 0;
}

void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_of(v);

    /* Not active anywhere (see struct vmx_vcpu): nothing to write back. */
    vmx_forget_vcpu(v);
    heap_free_page(s->vmcs);
    heap_free_page(s);
    v->arch->vendor = NULL;
}

static void set_segment(enum vmcs_field selector, uint16_t sel, uint32_t access, uint32_t limit,
                        uint64_t base)
{
    /* Selector, limit, access rights and base fields keep the same order
     * for every segment register (appendix B): ES, CS, SS, DS, FS, GS,
     * LDTR, TR, each 2 apart. */
    unsigned int i = (selector - VMCS_GUEST_ES_SELECTOR);

    vmwrite(selector, sel);
    vmwrite((enum vmcs_field)(VMCS_GUEST_ES_LIMIT + i), limit);
    vmwrite((enum vmcs_field)(VMCS_GUEST_ES_ACCESS + i), access);
    vmwrite((enum vmcs_field)(VMCS_GUEST_ES_BASE + i), base);
}

void vmx_vcpu_set_boot_state(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    struct vmx_vcpu *s = vmx_of(v);
    const struct vmx_config *c = &vmx_config;

    /* The vCPU is not running (common code's rule), so its VMCS is not
     * active anywhere and this CPU may load it. */
    vmx_vmcs_load(s);
    set_segment(VMCS_GUEST_CS_SELECTOR, HV_GUEST_SEL_CODE, ACCESS_CODE64, 0xffffffff, 0);
    set_segment(VMCS_GUEST_SS_SELECTOR, HV_GUEST_SEL_DATA, ACCESS_DATA, 0xffffffff, 0);
    set_segment(VMCS_GUEST_DS_SELECTOR, HV_GUEST_SEL_DATA, ACCESS_DATA, 0xffffffff, 0);
    set_segment(VMCS_GUEST_ES_SELECTOR, HV_GUEST_SEL_DATA, ACCESS_DATA, 0xffffffff, 0);
    /* Null selectors: unusable, with base 0 (64-bit mode uses the bases). */
    set_segment(VMCS_GUEST_FS_SELECTOR, 0, ACCESS_UNUSABLE, 0, 0);
    set_segment(VMCS_GUEST_GS_SELECTOR, 0, ACCESS_UNUSABLE, 0, 0);
    set_segment(VMCS_GUEST_LDTR_SELECTOR, 0, ACCESS_UNUSABLE, 0, 0);
    set_segment(VMCS_GUEST_TR_SELECTOR, HV_GUEST_SEL_TSS, ACCESS_TSS64_BUSY, 0x67,
                HV_GUEST_GDT_GPA + 0x100);
    vmwrite(VMCS_GUEST_GDTR_BASE, HV_GUEST_GDT_GPA);
    vmwrite(VMCS_GUEST_GDTR_LIMIT, 5 * 8 - 1);
    vmwrite(VMCS_GUEST_IDTR_BASE, 0);
    vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);

    vmwrite(VMCS_GUEST_CR0, vmx_fixed_apply(HV_GUEST_CR0, c->cr0_fixed0, c->cr0_fixed1));
    vmwrite(VMCS_GUEST_CR3, HV_GUEST_PT_GPA);
    vmwrite(VMCS_GUEST_CR4,
            vmx_fixed_apply(HV_GUEST_CR4 | X86_CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1));
    vmwrite(VMCS_GUEST_IA32_EFER, HV_GUEST_EFER);
    vmwrite(VMCS_GUEST_IA32_PAT, 0x0007040600070406ull);
    vmwrite(VMCS_GUEST_IA32_DEBUGCTL, 0);
    vmwrite(VMCS_GUEST_DR7, 0x400);
    vmwrite(VMCS_GUEST_RSP, 0);
    vmwrite(VMCS_GUEST_RIP, entry);
    vmwrite(VMCS_GUEST_RFLAGS, 0x2);
    vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
    vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
    vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
    vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, 0);
    vmwrite(VMCS_GUEST_PENDING_DEBUG, 0);
    vmwrite(VMCS_VMCS_LINK_POINTER, ~0ull);
    vmwrite(VMCS_ENTRY_INTR_INFO, 0);
    v->arch->exceptions_intercepted = true;
    vmwrite(VMCS_EXCEPTION_BITMAP, VMX_EXCEPTIONS_UNTIL_IDT);
    vmx_vmcs_put(s);

    s->rip = entry;
    s->skip_pending = false;
    s->kernel_gs_base = s->star = s->lstar = s->cstar = s->sfmask = s->cr2 = 0;
    s->cr8 = 0;
    v->arch->tsc_aux = 0;
    /* Whichever CPU holds this vCPU's old values must load these. */
    vmx_forget_vcpu(v);
    (void)arg; /* rdi: set in the saved registers by the caller */
}
