/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VT-x capability logic and names, kept free of machine access so that the
 * host unit tests check exactly what the hypervisor runs: control words
 * from the (true) capability MSRs, the VMX_BASIC and EPT/VPID verdicts,
 * and readable names for controls, exit reasons and VM-instruction errors.
 */
#include "caps.h"
#include "vmcs.h"

uint32_t vmx_control_compute(uint64_t cap, uint32_t wanted, uint32_t required,
                             uint32_t *missing, uint32_t *forced)
{
    uint32_t allowed0 = (uint32_t)cap, allowed1 = (uint32_t)(cap >> 32);
    uint32_t value = (wanted | required | allowed0) & allowed1;

    /* A bit that must be 1 yet may not be 1 can never be satisfied. */
    *missing = (required & ~value) | (allowed0 & ~allowed1);
    *forced = value & ~(wanted | required);
    return value;
}

static const char *const pin_names[32] = {
    [0] = "external-interrupt exiting", [3] = "NMI exiting", [5] = "virtual NMIs",
    [6] = "VMX-preemption timer",
};

static const char *const proc_names[32] = {
    [2] = "interrupt-window exiting", [3] = "TSC offsetting", [7] = "HLT exiting",
    [9] = "INVLPG exiting", [10] = "MWAIT exiting", [11] = "RDPMC exiting",
    [12] = "RDTSC exiting", [15] = "CR3-load exiting", [16] = "CR3-store exiting",
    [19] = "CR8-load exiting", [20] = "CR8-store exiting", [21] = "TPR shadow",
    [22] = "NMI-window exiting", [23] = "MOV-DR exiting", [24] = "unconditional I/O exiting",
    [25] = "I/O bitmaps", [27] = "monitor trap flag", [28] = "MSR bitmaps",
    [29] = "MONITOR exiting", [30] = "PAUSE exiting", [31] = "secondary controls",
};

static const char *const proc2_names[32] = {
    [0] = "APIC-access virtualization", [1] = "enable EPT", [2] = "descriptor-table exiting",
    [3] = "enable RDTSCP", [4] = "x2APIC virtualization", [5] = "enable VPID",
    [6] = "WBINVD exiting", [7] = "unrestricted guest", [12] = "enable INVPCID",
    [20] = "enable XSAVES/XRSTORS",
};

static const char *const exit_names[32] = {
    [2] = "save debug controls", [9] = "host address-space size",
    [12] = "load IA32_PERF_GLOBAL_CTRL", [15] = "acknowledge interrupt on exit",
    [18] = "save IA32_PAT", [19] = "load IA32_PAT", [20] = "save IA32_EFER",
    [21] = "load IA32_EFER", [22] = "save VMX-preemption timer",
};

static const char *const entry_names[32] = {
    [2] = "load debug controls", [9] = "IA-32e mode guest", [10] = "entry to SMM",
    [13] = "load IA32_PERF_GLOBAL_CTRL", [14] = "load IA32_PAT", [15] = "load IA32_EFER",
};

const char *vmx_control_name(enum vmx_control_set set, unsigned int bit)
{
    static const char *const *const sets[] = {
        [VMX_PIN] = pin_names, [VMX_PROC] = proc_names, [VMX_PROC2] = proc2_names,
        [VMX_EXIT] = exit_names, [VMX_ENTRY] = entry_names,
    };
    const char *name;

    if ((unsigned int)set >= ARRAY_SIZE(sets) || bit >= 32)
        return "unknown control";
    name = sets[set][bit];
    return name ? name : "reserved control";
}

const char *vmx_basic_problem(uint64_t basic)
{
    unsigned int size = VMX_BASIC_REGION_SIZE(basic);

    if (size == 0 || size > PAGE_SIZE)
        return "this CPU's VMCS does not fit in a page (IA32_VMX_BASIC)";
    if (basic & VMX_BASIC_32BIT_ADDRESSES)
        return "this CPU's VT-x limits its structures to 32-bit addresses (IA32_VMX_BASIC)";
    if (VMX_BASIC_MEMORY_TYPE(basic) != VMX_MEMORY_TYPE_WB)
        return "this CPU's VT-x wants the VMCS in memory that is not write-back (IA32_VMX_BASIC)";
    return NULL;
}

const char *vmx_ept_problem(uint64_t cap)
{
    if (!(cap & EPT_CAP_WALK_4))
        return "this CPU's EPT has no 4-level page walk";
    if (!(cap & EPT_CAP_WB))
        return "this CPU's EPT cannot map write-back memory";
    if (!(cap & EPT_CAP_2M))
        return "this CPU's EPT has no 2 MiB pages, which the p2m uses";
    if (!(cap & EPT_CAP_INVEPT) || !(cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)))
        return "this CPU's EPT has no usable INVEPT";
    return NULL;
}

unsigned int vmx_invept_type(uint64_t cap)
{
    return cap & EPT_CAP_INVEPT_SINGLE ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;
}

bool vmx_vpid_usable(uint64_t cap)
{
    return (cap & VPID_CAP_INVVPID) && (cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
}

unsigned int vmx_invvpid_type(uint64_t cap)
{
    return cap & VPID_CAP_INVVPID_SINGLE ? INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT;
}

const char *vmx_exit_reason_name(unsigned int reason)
{
    static const char *const names[] = {
        [0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault",
        [3] = "INIT signal", [4] = "start-up IPI", [5] = "I/O SMI", [6] = "other SMI",
        [7] = "interrupt window", [8] = "NMI window", [9] = "task switch", [10] = "CPUID",
        [11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG", [15] = "RDPMC",
        [16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR", [20] = "VMLAUNCH",
        [21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD", [24] = "VMRESUME",
        [25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON", [28] = "control-register access",
        [29] = "MOV DR", [30] = "I/O instruction", [31] = "RDMSR", [32] = "WRMSR",
        [33] = "VM entry with invalid guest state", [34] = "VM entry with MSR loading",
        [36] = "MWAIT", [37] = "monitor trap flag", [39] = "MONITOR", [40] = "PAUSE",
        [41] = "VM entry with machine check", [43] = "TPR below threshold",
        [44] = "APIC access", [45] = "virtualized EOI", [46] = "GDTR or IDTR access",
        [47] = "LDTR or TR access", [48] = "EPT violation", [49] = "EPT misconfiguration",
        [50] = "INVEPT", [51] = "RDTSCP", [52] = "VMX-preemption timer", [53] = "INVVPID",
        [54] = "WBINVD", [55] = "XSETBV", [56] = "APIC write", [57] = "RDRAND",
        [58] = "INVPCID", [59] = "VMFUNC", [60] = "ENCLS", [61] = "RDSEED",
        [62] = "page-modification log full", [63] = "XSAVES", [64] = "XRSTORS",
    };

    return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "unknown exit";
}

const char *vmx_instruction_error_name(unsigned int error)
{
    static const char *const names[] = {
        [1] = "VMCALL executed in VMX root operation",
        [2] = "VMCLEAR with an invalid physical address",
        [3] = "VMCLEAR with the VMXON pointer",
        [4] = "VMLAUNCH with a non-clear VMCS",
        [5] = "VMRESUME with a non-launched VMCS",
        [6] = "VMRESUME after VMXOFF",
        [7] = "VM entry with invalid control fields",
        [8] = "VM entry with invalid host-state fields",
        [9] = "VMPTRLD with an invalid physical address",
        [10] = "VMPTRLD with the VMXON pointer",
        [11] = "VMPTRLD with an incorrect VMCS revision identifier",
        [12] = "VMREAD or VMWRITE of an unsupported VMCS component",
        [13] = "VMWRITE to a read-only VMCS component",
        [15] = "VMXON executed in VMX root operation",
        [16] = "VM entry with an invalid executive-VMCS pointer",
        [17] = "VM entry with a non-launched executive VMCS",
        [18] = "VM entry with an executive-VMCS pointer that is not the VMXON pointer",
        [19] = "VMCALL with a non-clear VMCS",
        [20] = "VMCALL with invalid VM-exit control fields",
        [22] = "VMCALL with an incorrect MSEG revision identifier",
        [23] = "VMXOFF under the dual-monitor treatment of SMIs and SMM",
        [24] = "VMCALL with invalid SMM-monitor features",
        [25] = "VM entry with invalid VM-execution control fields in the executive VMCS",
        [26] = "VM entry with events blocked by MOV SS",
        [28] = "invalid operand to INVEPT or INVVPID",
    };

    return error < ARRAY_SIZE(names) && names[error] ? names[error] : "unknown VM-instruction error";
}
