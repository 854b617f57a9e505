/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a vCPU on VT-x and decoding its exits. Exits that are x86
 * business (CPUID, MSR, XSETBV, CR8, I/O, host interrupts) are handled here
 * exactly as the AMD-V back end handles them, and event upcalls are
 * injected as it delivers them; the rest are reported to common code as
 * struct vcpu_exit. Whatever a guest does, including state the CPU refuses
 * to enter, the outcome is an error for the guest or its death, never a
 * hypervisor crash.
 *
 * Unlike a VMCB, the VMCS does not hold the guest's rax: struct guest_regs
 * has all of its general registers except rsp.
 */
#include <asm/hvm.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <public/hv.h>

#include "private.h"

/* Guest general register n in the VT-x numbering (rax, rcx, rdx, rbx,
 * rsp, rbp, rsi, rdi, r8-r15); rsp lives in the VMCS. */
static uint64_t *gpr(struct vcpu *v, unsigned int n)
{
    struct guest_regs *r = &v->arch->regs;
    uint64_t *const regs[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return regs[n & 15];
}

static uint64_t gpr_read(struct vcpu *v, unsigned int n)
{
    return (n & 15) == 4 ? vmread(VMCS_GUEST_RSP) : *gpr(v, n);
}

static void gpr_write(struct vcpu *v, unsigned int n, uint64_t value)
{
    if ((n & 15) == 4)
        vmwrite(VMCS_GUEST_RSP, value);
    else
        *gpr(v, n) = value;
}

/* Step past the instruction of len bytes that exited; that ends any STI or
 * MOV SS shadow. */
static void skip(uint64_t len)
{
    uint64_t shadow = vmread(VMCS_GUEST_INTERRUPTIBILITY);

    vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + len);
    if (shadow & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
                shadow & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

static void skip_instruction(void)
{
    skip(vmread(VMCS_EXIT_INSTRUCTION_LEN));
}

/* Raise #GP(0) in the guest. A guest without an IDT would only fault again
 * delivering it, so its death is reported directly: returns true and fills
 * exit in that case. */
static bool inject_gp(struct vcpu *v, struct vcpu_exit *exit)
{
    if (hvm_gp_is_fatal(v, exit))
        return true;
    vmwrite(VMCS_ENTRY_INTR_INFO, 13 | (INTR_TYPE_HARDWARE_EXCEPTION << 8) |
                                      INTR_INFO_ERROR_CODE | INTR_INFO_VALID);
    vmwrite(VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
    return false;
}

uint64_t vmx_vcpu_rip(struct vcpu *v)
{
    return vmx_of(v)->rip;
}

void vmx_hypercall_return(struct vcpu *v, int64_t result)
{
    struct vmx_vcpu *s = vmx_of(v);

    /* The VMCS is put away; the step past VMCALL waits for the next entry. */
    v->arch->regs.rax = (uint64_t)result;
    s->skip_pending = true;
    s->rip += s->exit_len;
}

/* Guest EFER writes: SCE, LME, NXE may change (LME only with paging off,
 * which VMX without unrestricted guest never has). */
static bool efer_write(uint64_t value)
{
    if (!hvm_efer_write_ok(vmread(VMCS_GUEST_IA32_EFER), vmread(VMCS_GUEST_CR0), value))
        return false;
    vmwrite(VMCS_GUEST_IA32_EFER, value);
    return true;
}

static bool handle_msr(struct vcpu *v, bool write, struct vcpu_exit *exit)
{
    struct guest_regs *r = &v->arch->regs;
    uint32_t msr = (uint32_t)r->rcx;

    if (msr == MSR_EFER) {
        if (write && !efer_write((r->rdx << 32) | (uint32_t)r->rax))
            return inject_gp(v, exit);
        if (!write) {
            uint64_t val = vmread(VMCS_GUEST_IA32_EFER);

            r->rax = (uint32_t)val;
            r->rdx = val >> 32;
        }
        skip_instruction();
        return false;
    }
    /* Anything else is not the guest's to touch. */
    printk(LOG_DEBUG "hv: d%u: %s of MSR %#x denied\n", v->domain->id,
           write ? "write" : "read", msr);
    return inject_gp(v, exit);
}

/* MOV to or from CR8 (the task priority: kept per vCPU, never the host's
 * TPR), and writes to the CR0/CR4 bits the hypervisor owns (#GP). */
static bool handle_cr(struct vcpu *v, uint64_t qual, struct vcpu_exit *exit)
{
    unsigned int cr = qual & 15, access = (qual >> 4) & 3, reg = (qual >> 8) & 15;

    if (cr == 8 && access == 0) {
        uint64_t value = gpr_read(v, reg);

        if (value > 15)
            return inject_gp(v, exit);
        vmx_of(v)->cr8 = (uint8_t)value;
        skip_instruction();
        return false;
    }
    if (cr == 8 && access == 1) {
        gpr_write(v, reg, vmx_of(v)->cr8);
        skip_instruction();
        return false;
    }
    if ((cr == 0 || cr == 4) && access == 0)
        return inject_gp(v, exit);
    exit->reason = EXIT_UNHANDLED;
    exit->unhandled.code = EXIT_REASON_CR_ACCESS;
    exit->unhandled.info1 = qual;
    exit->unhandled.info2 = 0;
    return true;
}

static bool handle_exception(struct vcpu *v, uint64_t qual, struct vcpu_exit *exit)
{
    uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
    unsigned int vector = INTR_INFO_VECTOR(info);

    if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
        /* NMI exiting kept it from the guest; the host takes it as if
         * it had arrived in the hypervisor (as after STGI on AMD-V). */
        __asm__ volatile("int $2" ::: "memory");
        return false;
    }
    exit->reason = EXIT_EXCEPTION;
    exit->exception.vector = vector;
    exit->exception.has_error_code = info & INTR_INFO_ERROR_CODE;
    exit->exception.error_code =
        info & INTR_INFO_ERROR_CODE ? (uint32_t)vmread(VMCS_EXIT_INTR_ERROR_CODE) : 0;
    /* A #PF exit leaves CR2 alone; the qualification has the address. */
    exit->exception.cr2 = vector == 14 ? qual : 0;
    return true;
}

/* An exit in the middle of delivering an event (an interrupt arriving
 * while a #GP is being injected, say) must not lose the event. */
static void requeue_interrupted_event(void)
{
    uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
    unsigned int type = INTR_INFO_TYPE(info);

    if (!(info & INTR_INFO_VALID))
        return;
    vmwrite(VMCS_ENTRY_INTR_INFO, info & ~INTR_INFO_NMI_UNBLOCKED);
    if (info & INTR_INFO_ERROR_CODE)
        vmwrite(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmread(VMCS_IDT_VECTORING_ERROR_CODE));
    if (type == INTR_TYPE_SOFTWARE_INTERRUPT || type == INTR_TYPE_PRIVILEGED_SOFTWARE ||
        type == INTR_TYPE_SOFTWARE_EXCEPTION)
        vmwrite(VMCS_ENTRY_INSTRUCTION_LEN, vmread(VMCS_EXIT_INSTRUCTION_LEN));
}

static bool unhandled(struct vcpu *v, unsigned int reason, uint64_t qual, uint64_t info2,
                      struct vcpu_exit *exit)
{
    printk(LOG_ERR "hv: d%u: vmx: exit %u (%s) is not the guest's to make\n", v->domain->id,
           reason, vmx_exit_reason_name(reason));
    exit->reason = EXIT_UNHANDLED;
    exit->unhandled.code = reason;
    exit->unhandled.info1 = qual;
    exit->unhandled.info2 = info2;
    return true;
}

/* Decode an exit: true when common code must handle it (exit filled in). */
static bool handle_exit(struct vcpu *v, struct vcpu_exit *exit)
{
    struct guest_regs *r = &v->arch->regs;
    uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON);
    uint64_t qual = vmread(VMCS_EXIT_QUALIFICATION);

    exit->rip = vmread(VMCS_GUEST_RIP);
    if (reason & EXIT_REASON_ENTRY_FAILED) {
        /* The guest state broke a VM-entry check (the state the guest
         * controls, such as a segment it loaded, not the hypervisor's). */
        printk(LOG_ERR "hv: d%u: vmx: VM entry failed: %s (qualification %lu)\n",
               v->domain->id, vmx_exit_reason_name(reason & 0xffff), qual);
        exit->reason = EXIT_INVALID_STATE;
        return true;
    }
    vmx_of(v)->launched = true;
    requeue_interrupted_event();

    switch (reason & 0xffff) {
    case EXIT_REASON_EXCEPTION_NMI:
        return handle_exception(v, qual, exit);
    case EXIT_REASON_EXTERNAL_INTERRUPT:
        /* Not acknowledged on exit: it is still pending, and the host's
         * handler takes it now; then the scheduler may look again. */
        irq_poll();
        exit->reason = EXIT_INTERRUPT;
        return true;
    case EXIT_REASON_INTERRUPT_WINDOW:
        return false; /* the guest can take the pending upcall now */
    case EXIT_REASON_VMCALL:
        vmx_of(v)->exit_len = (uint32_t)vmread(VMCS_EXIT_INSTRUCTION_LEN);
        hvm_hypercall_exit(exit, r->rax, r);
        return true;
    case EXIT_REASON_CPUID: {
        struct cpuid_regs c;

        hvm_cpuid(v, (uint32_t)r->rax, (uint32_t)r->rcx,
                  vmread(VMCS_GUEST_CR4) & X86_CR4_OSXSAVE, &c);
        r->rax = c.eax;
        r->rbx = c.ebx;
        r->rcx = c.ecx;
        r->rdx = c.edx;
        skip_instruction();
        return false;
    }
    case EXIT_REASON_RDMSR:
    case EXIT_REASON_WRMSR:
        return handle_msr(v, (reason & 0xffff) == EXIT_REASON_WRMSR, exit);
    case EXIT_REASON_XSETBV:
        if (!(vmread(VMCS_GUEST_CR4) & X86_CR4_OSXSAVE) ||
            !hvm_xsetbv(v, (uint32_t)r->rcx, (r->rdx << 32) | (uint32_t)r->rax))
            return inject_gp(v, exit);
        skip_instruction();
        return false;
    case EXIT_REASON_CR_ACCESS:
        return handle_cr(v, qual, exit);
    case EXIT_REASON_IO:
        /* No port belongs to a guest yet. */
        printk(LOG_DEBUG "hv: d%u: I/O port %#lx denied\n", v->domain->id, qual >> 16);
        return inject_gp(v, exit);
    case EXIT_REASON_WBINVD:
        skip_instruction(); /* caches are the host's business */
        return false;
    case EXIT_REASON_HLT:
        skip_instruction();
        exit->reason = EXIT_HALT;
        return true;
    case EXIT_REASON_EPT_VIOLATION:
        exit->reason = EXIT_NPF;
        exit->npf.gpa = vmread(VMCS_GUEST_PHYSICAL_ADDRESS);
        exit->npf.write = qual & EPT_QUAL_WRITE;
        exit->npf.fetch = qual & EPT_QUAL_FETCH;
        return true;
    case EXIT_REASON_EPT_MISCONFIG:
        /* The hypervisor wrote a malformed EPT entry: a bug, but one the
         * guest pays for, not the machine. */
        printk(LOG_ERR "hv: d%u: vmx: EPT misconfiguration at guest-physical %#lx\n",
               v->domain->id, vmread(VMCS_GUEST_PHYSICAL_ADDRESS));
        return unhandled(v, reason, qual, vmread(VMCS_GUEST_PHYSICAL_ADDRESS), exit);
    case EXIT_REASON_TRIPLE_FAULT:
        exit->reason = EXIT_TRIPLE_FAULT;
        return true;
    default:
        return unhandled(v, reason & 0xffff, qual, vmread(VMCS_EXIT_INSTRUCTION_INFO), exit);
    }
}

/* The state VT-x leaves in the CPU (the SYSCALL MSRs, KERNEL_GS_BASE,
 * TSC_AUX, CR2) is loaded when another vCPU's is there... */
static void load_guest_msrs(struct vcpu *v, bool moved)
{
    struct vmx_cpu *c = vmx_this_cpu();
    struct vmx_vcpu *s = vmx_of(v);

    /* After a run elsewhere, what this CPU still holds may be stale. */
    if (c->msr_owner == v && !moved)
        return;
    wrmsr(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
    wrmsr(MSR_STAR, s->star);
    wrmsr(MSR_LSTAR, s->lstar);
    wrmsr(MSR_CSTAR, s->cstar);
    wrmsr(MSR_SFMASK, s->sfmask);
    wrmsr(MSR_TSC_AUX, v->arch->tsc_aux);
    write_cr2(s->cr2);
    c->msr_owner = v;
}

/* ...and saved whenever the vCPU goes back to common code, which may run
 * it next on another CPU or destroy it from one. */
static void save_guest_msrs(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_of(v);

    s->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
    s->star = rdmsr(MSR_STAR);
    s->lstar = rdmsr(MSR_LSTAR);
    s->cstar = rdmsr(MSR_CSTAR);
    s->sfmask = rdmsr(MSR_SFMASK);
    v->arch->tsc_aux = rdmsr(MSR_TSC_AUX);
    s->cr2 = read_cr2();
}

/* VMLAUNCH or VMRESUME failed as an instruction: the VMCS itself was
 * refused. Name the reason; the guest dies, the hypervisor carries on. */
static void entry_failed(struct vcpu *v, int status, struct vcpu_exit *exit)
{
    const char *insn = vmx_of(v)->launched ? "VMRESUME" : "VMLAUNCH";

    if (status == 1) {
        printk(LOG_ERR "hv: d%u: vmx: %s failed: no current VMCS\n", v->domain->id, insn);
    } else {
        unsigned int error = (unsigned int)vmread(VMCS_VM_INSTRUCTION_ERROR);

        printk(LOG_ERR "hv: d%u: vmx: %s failed: VM-instruction error %u (%s)\n",
               v->domain->id, insn, error, vmx_instruction_error_name(error));
    }
    exit->reason = EXIT_INVALID_STATE;
    exit->rip = vmread(VMCS_GUEST_RIP);
}

/*
 * An event upcall (public/shared_info.h) arrives as an external interrupt
 * on HV_UPCALL_VECTOR as soon as the guest can take one, as AMD-V's
 * virtual interrupt does: injected now if the guest's IF allows and
 * nothing else is being injected, else an interrupt-window exit comes when
 * it can. While the guest masks upcalls nothing is injected.
 */
static void prepare_upcall(struct vcpu *v, struct vmx_vcpu *s)
{
    bool window = false;

    if (event_upcall_deliverable(v)) {
        if (!(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID) &&
            (vmread(VMCS_GUEST_RFLAGS) & X86_RFLAGS_IF) &&
            !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
              (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)))
            vmwrite(VMCS_ENTRY_INTR_INFO,
                    HV_UPCALL_VECTOR | (INTR_TYPE_EXTERNAL << 8) | INTR_INFO_VALID);
        else
            window = true;
    }
    if (window != s->interrupt_window) {
        s->interrupt_window = window;
        vmwrite(VMCS_PROC_CONTROLS,
                vmx_config.proc | (window ? PROC_INTERRUPT_WINDOW_EXITING : 0));
    }
}

/* Run until an exit common code must see; the exits handled here loop. */
static void run(struct vcpu *v, struct vmx_vcpu *s, bool moved, struct vcpu_exit *exit)
{
    for (;; moved = false) {
        int status;

        hvm_fpu_switch_to(v);
        /* Exceptions are fatal until the guest has an IDT of its own. */
        if (v->arch->exceptions_intercepted && vmread(VMCS_GUEST_IDTR_LIMIT)) {
            v->arch->exceptions_intercepted = false;
            vmwrite(VMCS_EXCEPTION_BITMAP, 0);
        }
        hvm_enter_guest(v);
        vmx_tlb_prepare(v, moved);
        prepare_upcall(v, s);
        status = vmx_enter(&v->arch->regs, s->launched);
        hvm_leave_guest();
        if (status) {
            entry_failed(v, status, exit);
            return;
        }
        if (handle_exit(v, exit))
            return;
    }
}

void vmx_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
    struct vmx_vcpu *s = vmx_of(v);
    unsigned int cpu = this_cpu()->cpu_id;
    bool moved = s->last_cpu != (int)cpu;

    vmx_vmcs_load(s);
    s->last_cpu = (int)cpu;
    if (s->host_cpu != (int)cpu) {
        vmx_write_host_state();
        s->host_cpu = (int)cpu;
    }
    if (s->skip_pending) {
        skip(s->exit_len);
        s->skip_pending = false;
    }
    load_guest_msrs(v, moved);
    run(v, s, moved, exit);
    s->rip = vmread(VMCS_GUEST_RIP);
    save_guest_msrs(v);
    vmx_vmcs_put(s);
}
