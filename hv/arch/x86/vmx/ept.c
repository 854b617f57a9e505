/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The EPT entry format behind the vendor-neutral p2m (hv/arch/x86/p2m.c
 * walks the 4-level table; these say what an entry holds). Leaves map
 * write-back memory and leave the guest's PAT in force, as NPT does; they
 * are always readable, because EPT treats write-without-read as a
 * misconfiguration. Pure: the host unit tests check it.
 */
#include <hv/arch.h>

#include "caps.h"
#include "vmcs.h"

uint64_t vmx_ept_leaf(mfn_t mfn, unsigned int perms, bool large)
{
    /* Device memory is uncached (memory type 0), RAM write-back. */
    uint64_t type = perms & P2M_MMIO ? VMX_MEMORY_TYPE_UC : VMX_MEMORY_TYPE_WB;

    return (mfn_x(mfn) << PAGE_SHIFT) | EPT_R | (perms & P2M_W ? EPT_W : 0) |
           (perms & P2M_X ? EPT_X : 0) | (type << EPT_MEMORY_TYPE_SHIFT) | (large ? EPT_LARGE : 0);
}

/* Non-leaf entries grant everything; the leaf decides. */
uint64_t vmx_ept_table(mfn_t mfn) { return (mfn_x(mfn) << PAGE_SHIFT) | EPT_R | EPT_W | EPT_X; }

/* An entry with no access bit is not present. */
bool vmx_ept_present(uint64_t entry) { return entry & (EPT_R | EPT_W | EPT_X); }

unsigned int vmx_ept_perms(uint64_t entry)
{
    return (entry & EPT_R ? P2M_R : 0) | (entry & EPT_W ? P2M_W : 0) |
           (entry & EPT_X ? P2M_X : 0) |
           (((entry >> EPT_MEMORY_TYPE_SHIFT) & 7) == VMX_MEMORY_TYPE_UC ? P2M_MMIO : 0);
}

uint64_t vmx_ept_pointer(mfn_t root)
{
    return (mfn_x(root) << PAGE_SHIFT) | EPTP_WALK_LENGTH_4 | VMX_MEMORY_TYPE_WB;
}
