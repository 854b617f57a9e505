/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure parts of the VT-x back end (caps.c, ept.c): turning capability
 * MSR values into control settings and verdicts, naming exit reasons and
 * VM-instruction errors, and the EPT entry format. No machine access, so
 * the host unit tests (tests/unit/test_vmx.c) link them as they are.
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <hv/types.h>

/* The five control words, for naming their bits. */
enum vmx_control_set { VMX_PIN, VMX_PROC, VMX_PROC2, VMX_EXIT, VMX_ENTRY };

/*
 * A control word from its capability MSR (allowed-0 settings in bits 31:0,
 * allowed-1 settings in bits 63:32): (wanted | allowed0) & allowed1.
 * *missing gets the bits of required that cannot be set, and any bit the
 * CPU insists on that it also forbids (a contradictory MSR); *forced the
 * bits the CPU sets that were not wanted.
 */
uint32_t vmx_control_compute(uint64_t cap, uint32_t wanted, uint32_t required,
                             uint32_t *missing, uint32_t *forced);

/* A human name for bit of a control word, such as "enable EPT". */
const char *vmx_control_name(enum vmx_control_set set, unsigned int bit);

/* value with the CR0/CR4 fixed bits of VMX operation applied. */
static inline uint64_t vmx_fixed_apply(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    return (value | fixed0) & fixed1;
}

/* Checks IA32_VMX_BASIC: a VMCS that fits a page, in write-back memory,
 * anywhere in the physical address space.
 * Returns NULL when usable, else what is wrong. */
const char *vmx_basic_problem(uint64_t basic);

/* Checks IA32_VMX_EPT_VPID_CAP for what the p2m needs: 4-level tables,
 * write-back memory, 2 MiB pages and INVEPT. Returns NULL or the problem. */
const char *vmx_ept_problem(uint64_t cap);

/* The INVEPT type to use: single-context when offered, else all-context. */
unsigned int vmx_invept_type(uint64_t cap);

/* Whether VPIDs can be used (INVVPID with a usable type), and its type. */
bool vmx_vpid_usable(uint64_t cap);
unsigned int vmx_invvpid_type(uint64_t cap);

/* Names for diagnostics. */
const char *vmx_exit_reason_name(unsigned int reason);
const char *vmx_instruction_error_name(unsigned int error);

/* EPT entries for struct hvm_ops (ept.c). */
uint64_t vmx_ept_leaf(mfn_t mfn, unsigned int perms, bool large);
uint64_t vmx_ept_table(mfn_t mfn);
bool vmx_ept_present(uint64_t entry);
unsigned int vmx_ept_perms(uint64_t entry);
/* The EPT pointer of a 4-level table whose root is root. */
uint64_t vmx_ept_pointer(mfn_t root);

#endif
