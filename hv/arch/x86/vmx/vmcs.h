/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VT-x architecture as the VMX back end uses it: VMCS field encodings,
 * the bits of the VM-execution, VM-exit and VM-entry controls, exit reasons,
 * the capability MSRs, and helpers that decode a field encoding. Private to
 * hv/arch/x86/vmx/; nothing else names a VMCS field. Pure C with no arch
 * headers, so the host unit tests compile it too.
 */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include <hv/types.h>

/*
 * A field encoding (Intel SDM vol. 3, appendix B): bit 0 selects the high
 * half of a 64-bit field, bits 9:1 are the index, bits 11:10 the type and
 * bits 14:13 the width; bits 12 and 15 and up are zero.
 */
enum vmcs_width { VMCS_W16 = 0, VMCS_W64 = 1, VMCS_W32 = 2, VMCS_WNAT = 3 };
enum vmcs_type { VMCS_CONTROL = 0, VMCS_EXIT_INFO = 1, VMCS_GUEST = 2, VMCS_HOST = 3 };

static inline unsigned int vmcs_field_width(uint32_t f) { return (f >> 13) & 3; }
static inline unsigned int vmcs_field_type(uint32_t f) { return (f >> 10) & 3; }
static inline unsigned int vmcs_field_index(uint32_t f) { return (f >> 1) & 0x1ff; }
static inline bool vmcs_field_is_high(uint32_t f) { return f & 1; }

/* A well-formed encoding: no reserved bit, and a high half only of a 64-bit field. */
static inline bool vmcs_field_valid(uint32_t f)
{
    return !(f & ~0x6fffu) && (!vmcs_field_is_high(f) || vmcs_field_width(f) == VMCS_W64);
}

/* Builds an encoding; the X-macro list below is checked against it. */
#define VMCS_ENCODE(width, type, index) (((width) << 13) | ((type) << 10) | ((index) << 1))

/* X(name, encoding, width, type): every field the back end touches. */
#define VMCS_FIELDS(X)                                                                   \
    X(VPID, 0x0000, VMCS_W16, VMCS_CONTROL)                                              \
    X(GUEST_ES_SELECTOR, 0x0800, VMCS_W16, VMCS_GUEST)                                   \
    X(GUEST_CS_SELECTOR, 0x0802, VMCS_W16, VMCS_GUEST)                                   \
    X(GUEST_SS_SELECTOR, 0x0804, VMCS_W16, VMCS_GUEST)                                   \
    X(GUEST_DS_SELECTOR, 0x0806, VMCS_W16, VMCS_GUEST)                                   \
    X(GUEST_FS_SELECTOR, 0x0808, VMCS_W16, VMCS_GUEST)                                   \
    X(GUEST_GS_SELECTOR, 0x080a, VMCS_W16, VMCS_GUEST)                                   \
    X(GUEST_LDTR_SELECTOR, 0x080c, VMCS_W16, VMCS_GUEST)                                 \
    X(GUEST_TR_SELECTOR, 0x080e, VMCS_W16, VMCS_GUEST)                                   \
    X(HOST_ES_SELECTOR, 0x0c00, VMCS_W16, VMCS_HOST)                                     \
    X(HOST_CS_SELECTOR, 0x0c02, VMCS_W16, VMCS_HOST)                                     \
    X(HOST_SS_SELECTOR, 0x0c04, VMCS_W16, VMCS_HOST)                                     \
    X(HOST_DS_SELECTOR, 0x0c06, VMCS_W16, VMCS_HOST)                                     \
    X(HOST_FS_SELECTOR, 0x0c08, VMCS_W16, VMCS_HOST)                                     \
    X(HOST_GS_SELECTOR, 0x0c0a, VMCS_W16, VMCS_HOST)                                     \
    X(HOST_TR_SELECTOR, 0x0c0c, VMCS_W16, VMCS_HOST)                                     \
    X(IO_BITMAP_A, 0x2000, VMCS_W64, VMCS_CONTROL)                                       \
    X(IO_BITMAP_B, 0x2002, VMCS_W64, VMCS_CONTROL)                                       \
    X(MSR_BITMAP, 0x2004, VMCS_W64, VMCS_CONTROL)                                        \
    X(EXIT_MSR_STORE_ADDR, 0x2006, VMCS_W64, VMCS_CONTROL)                               \
    X(EXIT_MSR_LOAD_ADDR, 0x2008, VMCS_W64, VMCS_CONTROL)                                \
    X(ENTRY_MSR_LOAD_ADDR, 0x200a, VMCS_W64, VMCS_CONTROL)                               \
    X(TSC_OFFSET, 0x2010, VMCS_W64, VMCS_CONTROL)                                        \
    X(EPT_POINTER, 0x201a, VMCS_W64, VMCS_CONTROL)                                       \
    X(GUEST_PHYSICAL_ADDRESS, 0x2400, VMCS_W64, VMCS_EXIT_INFO)                          \
    X(VMCS_LINK_POINTER, 0x2800, VMCS_W64, VMCS_GUEST)                                   \
    X(GUEST_IA32_DEBUGCTL, 0x2802, VMCS_W64, VMCS_GUEST)                                 \
    X(GUEST_IA32_PAT, 0x2804, VMCS_W64, VMCS_GUEST)                                      \
    X(GUEST_IA32_EFER, 0x2806, VMCS_W64, VMCS_GUEST)                                     \
    X(HOST_IA32_PAT, 0x2c00, VMCS_W64, VMCS_HOST)                                        \
    X(HOST_IA32_EFER, 0x2c02, VMCS_W64, VMCS_HOST)                                       \
    X(PIN_CONTROLS, 0x4000, VMCS_W32, VMCS_CONTROL)                                      \
    X(PROC_CONTROLS, 0x4002, VMCS_W32, VMCS_CONTROL)                                     \
    X(EXCEPTION_BITMAP, 0x4004, VMCS_W32, VMCS_CONTROL)                                  \
    X(PF_ERROR_CODE_MASK, 0x4006, VMCS_W32, VMCS_CONTROL)                                \
    X(PF_ERROR_CODE_MATCH, 0x4008, VMCS_W32, VMCS_CONTROL)                               \
    X(CR3_TARGET_COUNT, 0x400a, VMCS_W32, VMCS_CONTROL)                                  \
    X(EXIT_CONTROLS, 0x400c, VMCS_W32, VMCS_CONTROL)                                     \
    X(EXIT_MSR_STORE_COUNT, 0x400e, VMCS_W32, VMCS_CONTROL)                              \
    X(EXIT_MSR_LOAD_COUNT, 0x4010, VMCS_W32, VMCS_CONTROL)                               \
    X(ENTRY_CONTROLS, 0x4012, VMCS_W32, VMCS_CONTROL)                                    \
    X(ENTRY_MSR_LOAD_COUNT, 0x4014, VMCS_W32, VMCS_CONTROL)                              \
    X(ENTRY_INTR_INFO, 0x4016, VMCS_W32, VMCS_CONTROL)                                   \
    X(ENTRY_EXCEPTION_ERROR_CODE, 0x4018, VMCS_W32, VMCS_CONTROL)                        \
    X(ENTRY_INSTRUCTION_LEN, 0x401a, VMCS_W32, VMCS_CONTROL)                             \
    X(PROC2_CONTROLS, 0x401e, VMCS_W32, VMCS_CONTROL)                                    \
    X(VM_INSTRUCTION_ERROR, 0x4400, VMCS_W32, VMCS_EXIT_INFO)                            \
    X(EXIT_REASON, 0x4402, VMCS_W32, VMCS_EXIT_INFO)                                     \
    X(EXIT_INTR_INFO, 0x4404, VMCS_W32, VMCS_EXIT_INFO)                                  \
    X(EXIT_INTR_ERROR_CODE, 0x4406, VMCS_W32, VMCS_EXIT_INFO)                            \
    X(IDT_VECTORING_INFO, 0x4408, VMCS_W32, VMCS_EXIT_INFO)                              \
    X(IDT_VECTORING_ERROR_CODE, 0x440a, VMCS_W32, VMCS_EXIT_INFO)                        \
    X(EXIT_INSTRUCTION_LEN, 0x440c, VMCS_W32, VMCS_EXIT_INFO)                            \
    X(EXIT_INSTRUCTION_INFO, 0x440e, VMCS_W32, VMCS_EXIT_INFO)                           \
    X(GUEST_ES_LIMIT, 0x4800, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_CS_LIMIT, 0x4802, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_SS_LIMIT, 0x4804, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_DS_LIMIT, 0x4806, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_FS_LIMIT, 0x4808, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_GS_LIMIT, 0x480a, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_LDTR_LIMIT, 0x480c, VMCS_W32, VMCS_GUEST)                                    \
    X(GUEST_TR_LIMIT, 0x480e, VMCS_W32, VMCS_GUEST)                                      \
    X(GUEST_GDTR_LIMIT, 0x4810, VMCS_W32, VMCS_GUEST)                                    \
    X(GUEST_IDTR_LIMIT, 0x4812, VMCS_W32, VMCS_GUEST)                                    \
    X(GUEST_ES_ACCESS, 0x4814, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_CS_ACCESS, 0x4816, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_SS_ACCESS, 0x4818, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_DS_ACCESS, 0x481a, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_FS_ACCESS, 0x481c, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_GS_ACCESS, 0x481e, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_LDTR_ACCESS, 0x4820, VMCS_W32, VMCS_GUEST)                                   \
    X(GUEST_TR_ACCESS, 0x4822, VMCS_W32, VMCS_GUEST)                                     \
    X(GUEST_INTERRUPTIBILITY, 0x4824, VMCS_W32, VMCS_GUEST)                              \
    X(GUEST_ACTIVITY_STATE, 0x4826, VMCS_W32, VMCS_GUEST)                                \
    X(GUEST_SYSENTER_CS, 0x482a, VMCS_W32, VMCS_GUEST)                                   \
    X(HOST_SYSENTER_CS, 0x4c00, VMCS_W32, VMCS_HOST)                                     \
    X(CR0_GUEST_HOST_MASK, 0x6000, VMCS_WNAT, VMCS_CONTROL)                              \
    X(CR4_GUEST_HOST_MASK, 0x6002, VMCS_WNAT, VMCS_CONTROL)                              \
    X(CR0_READ_SHADOW, 0x6004, VMCS_WNAT, VMCS_CONTROL)                                  \
    X(CR4_READ_SHADOW, 0x6006, VMCS_WNAT, VMCS_CONTROL)                                  \
    X(EXIT_QUALIFICATION, 0x6400, VMCS_WNAT, VMCS_EXIT_INFO)                             \
    X(GUEST_LINEAR_ADDRESS, 0x640a, VMCS_WNAT, VMCS_EXIT_INFO)                           \
    X(GUEST_CR0, 0x6800, VMCS_WNAT, VMCS_GUEST)                                          \
    X(GUEST_CR3, 0x6802, VMCS_WNAT, VMCS_GUEST)                                          \
    X(GUEST_CR4, 0x6804, VMCS_WNAT, VMCS_GUEST)                                          \
    X(GUEST_ES_BASE, 0x6806, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_CS_BASE, 0x6808, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_SS_BASE, 0x680a, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_DS_BASE, 0x680c, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_FS_BASE, 0x680e, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_GS_BASE, 0x6810, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_LDTR_BASE, 0x6812, VMCS_WNAT, VMCS_GUEST)                                    \
    X(GUEST_TR_BASE, 0x6814, VMCS_WNAT, VMCS_GUEST)                                      \
    X(GUEST_GDTR_BASE, 0x6816, VMCS_WNAT, VMCS_GUEST)                                    \
    X(GUEST_IDTR_BASE, 0x6818, VMCS_WNAT, VMCS_GUEST)                                    \
    X(GUEST_DR7, 0x681a, VMCS_WNAT, VMCS_GUEST)                                          \
    X(GUEST_RSP, 0x681c, VMCS_WNAT, VMCS_GUEST)                                          \
    X(GUEST_RIP, 0x681e, VMCS_WNAT, VMCS_GUEST)                                          \
    X(GUEST_RFLAGS, 0x6820, VMCS_WNAT, VMCS_GUEST)                                       \
    X(GUEST_PENDING_DEBUG, 0x6822, VMCS_WNAT, VMCS_GUEST)                                \
    X(GUEST_SYSENTER_ESP, 0x6824, VMCS_WNAT, VMCS_GUEST)                                 \
    X(GUEST_SYSENTER_EIP, 0x6826, VMCS_WNAT, VMCS_GUEST)                                 \
    X(HOST_CR0, 0x6c00, VMCS_WNAT, VMCS_HOST)                                            \
    X(HOST_CR3, 0x6c02, VMCS_WNAT, VMCS_HOST)                                            \
    X(HOST_CR4, 0x6c04, VMCS_WNAT, VMCS_HOST)                                            \
    X(HOST_FS_BASE, 0x6c06, VMCS_WNAT, VMCS_HOST)                                        \
    X(HOST_GS_BASE, 0x6c08, VMCS_WNAT, VMCS_HOST)                                        \
    X(HOST_TR_BASE, 0x6c0a, VMCS_WNAT, VMCS_HOST)                                        \
    X(HOST_GDTR_BASE, 0x6c0c, VMCS_WNAT, VMCS_HOST)                                      \
    X(HOST_IDTR_BASE, 0x6c0e, VMCS_WNAT, VMCS_HOST)                                      \
    X(HOST_SYSENTER_ESP, 0x6c10, VMCS_WNAT, VMCS_HOST)                                   \
    X(HOST_SYSENTER_EIP, 0x6c12, VMCS_WNAT, VMCS_HOST)                                   \
    X(HOST_RSP, 0x6c14, VMCS_WNAT, VMCS_HOST)                                            \
    X(HOST_RIP, 0x6c16, VMCS_WNAT, VMCS_HOST)

enum vmcs_field {
#define VMCS_FIELD_ENUM(name, encoding, width, type) VMCS_##name = encoding,
    VMCS_FIELDS(VMCS_FIELD_ENUM)
#undef VMCS_FIELD_ENUM
};

/* vmx_entry.S writes HOST_RSP by number. */
#define VMCS_HOST_RSP_ENCODING 0x6c14
BUILD_BUG_ON(VMCS_HOST_RSP != VMCS_HOST_RSP_ENCODING);

/* Capability MSRs. */
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define FEATURE_CONTROL_LOCKED (1ull << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ull << 2)
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED_CTLS 0x481
#define MSR_VMX_PROCBASED_CTLS 0x482
#define MSR_VMX_EXIT_CTLS 0x483
#define MSR_VMX_ENTRY_CTLS 0x484
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED_CTLS2 0x48b
#define MSR_VMX_EPT_VPID_CAP 0x48c
#define MSR_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_VMX_TRUE_ENTRY_CTLS 0x490

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION(b) ((uint32_t)(b)&0x7fffffffu)
#define VMX_BASIC_REGION_SIZE(b) ((unsigned int)((b) >> 32) & 0x1fffu)
#define VMX_BASIC_32BIT_ADDRESSES (1ull << 48)
#define VMX_BASIC_MEMORY_TYPE(b) ((unsigned int)((b) >> 50) & 0xfu)
#define VMX_BASIC_TRUE_CONTROLS (1ull << 55)
#define VMX_MEMORY_TYPE_UC 0u
#define VMX_MEMORY_TYPE_WB 6u

/* Pin-based VM-execution controls. */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)

/* Primary processor-based VM-execution controls. */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define PROC_TSC_OFFSETTING (1u << 3)
#define PROC_HLT_EXITING (1u << 7)
#define PROC_INVLPG_EXITING (1u << 9)
#define PROC_MWAIT_EXITING (1u << 10)
#define PROC_RDPMC_EXITING (1u << 11)
#define PROC_RDTSC_EXITING (1u << 12)
#define PROC_CR3_LOAD_EXITING (1u << 15)
#define PROC_CR3_STORE_EXITING (1u << 16)
#define PROC_CR8_LOAD_EXITING (1u << 19)
#define PROC_CR8_STORE_EXITING (1u << 20)
#define PROC_TPR_SHADOW (1u << 21)
#define PROC_MOV_DR_EXITING (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING (1u << 24)
#define PROC_IO_BITMAPS (1u << 25)
#define PROC_MONITOR_TRAP_FLAG (1u << 27)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR_EXITING (1u << 29)
#define PROC_PAUSE_EXITING (1u << 30)
#define PROC_SECONDARY_CONTROLS (1u << 31)

/* Secondary processor-based VM-execution controls. */
#define PROC2_VIRTUALIZE_APIC (1u << 0)
#define PROC2_EPT (1u << 1)
#define PROC2_DESCRIPTOR_EXITING (1u << 2)
#define PROC2_RDTSCP (1u << 3)
#define PROC2_VPID (1u << 5)
#define PROC2_WBINVD_EXITING (1u << 6)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)
#define PROC2_INVPCID (1u << 12)
#define PROC2_XSAVES (1u << 20)

/* VM-exit controls. */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_HOST_ADDRESS_SPACE_SIZE (1u << 9)
#define EXIT_ACK_INTERRUPT (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)

/* VM-entry controls. */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_MODE_GUEST (1u << 9)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* IA32_VMX_EPT_VPID_CAP */
#define EPT_CAP_WALK_4 (1ull << 6)
#define EPT_CAP_UC (1ull << 8)
#define EPT_CAP_WB (1ull << 14)
#define EPT_CAP_2M (1ull << 16)
#define EPT_CAP_INVEPT (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define VPID_CAP_INVVPID (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VPID_CAP_INVVPID_ALL (1ull << 42)

/* INVEPT and INVVPID types. */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT 2

/* Basic exit reasons (bits 15:0 of the exit reason field). */
#define EXIT_REASON_EXCEPTION_NMI 0
#define EXIT_REASON_EXTERNAL_INTERRUPT 1
#define EXIT_REASON_TRIPLE_FAULT 2
#define EXIT_REASON_INIT 3
#define EXIT_REASON_SIPI 4
#define EXIT_REASON_INTERRUPT_WINDOW 7
#define EXIT_REASON_TASK_SWITCH 9
#define EXIT_REASON_CPUID 10
#define EXIT_REASON_HLT 12
#define EXIT_REASON_INVD 13
#define EXIT_REASON_VMCALL 18
#define EXIT_REASON_CR_ACCESS 28
#define EXIT_REASON_IO 30
#define EXIT_REASON_RDMSR 31
#define EXIT_REASON_WRMSR 32
#define EXIT_REASON_INVALID_GUEST_STATE 33
#define EXIT_REASON_MSR_LOADING 34
#define EXIT_REASON_MWAIT 36
#define EXIT_REASON_MONITOR 39
#define EXIT_REASON_MACHINE_CHECK 41
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
#define EXIT_REASON_WBINVD 54
#define EXIT_REASON_XSETBV 55
#define EXIT_REASON_ENTRY_FAILED (1u << 31)

/* Interruption information (VM-exit, IDT-vectoring and VM-entry). */
#define INTR_INFO_VECTOR(i) ((i)&0xffu)
#define INTR_INFO_TYPE(i) (((i) >> 8) & 7u)
#define INTR_TYPE_EXTERNAL 0u
#define INTR_TYPE_NMI 2u
#define INTR_TYPE_HARDWARE_EXCEPTION 3u
#define INTR_TYPE_SOFTWARE_INTERRUPT 4u
#define INTR_TYPE_PRIVILEGED_SOFTWARE 5u
#define INTR_TYPE_SOFTWARE_EXCEPTION 6u
#define INTR_INFO_ERROR_CODE (1u << 11)
#define INTR_INFO_NMI_UNBLOCKED (1u << 12)
#define INTR_INFO_VALID (1u << 31)

/* Guest interruptibility state. */
#define INTERRUPTIBILITY_STI (1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)

/* Segment access rights: the descriptor's attribute bits, and "unusable". */
#define ACCESS_CODE64 0xa09bu  /* G, L, P, S, execute/read, accessed */
#define ACCESS_DATA 0xc093u    /* G, D/B, P, S, read/write, accessed */
#define ACCESS_TSS64_BUSY 0x8bu /* P, busy 64-bit TSS */
#define ACCESS_UNUSABLE (1u << 16)

/* EPT entries, and the EPT pointer. */
#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_MEMORY_TYPE_SHIFT 3
#define EPT_IGNORE_PAT (1ull << 6)
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPTP_WALK_LENGTH_4 (3ull << 3)

/* EPT-violation exit qualification. */
#define EPT_QUAL_READ (1ull << 0)
#define EPT_QUAL_WRITE (1ull << 1)
#define EPT_QUAL_FETCH (1ull << 2)

#endif
