/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCB (AMD64 APM volume 2, appendix B): control area at 0x000, state
 * save area at 0x400. Only the fields this back end uses are named; the
 * offsets are checked at compile time. Private to svm/.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <hv/types.h>

struct vmcb_segment {
    uint16_t selector, attrib;
    uint32_t limit;
    uint64_t base;
};

struct vmcb {
    /* control area */
    uint32_t intercept_cr;         /* 0x000: reads 15:0, writes 31:16 */
    uint32_t intercept_dr;         /* 0x004 */
    uint32_t intercept_exceptions; /* 0x008 */
    uint32_t intercept_misc1;      /* 0x00c */
    uint32_t intercept_misc2;      /* 0x010 */
    uint32_t intercept_misc3;      /* 0x014 */
    uint8_t reserved_018[0x03c - 0x018];
    uint16_t pause_filter_threshold; /* 0x03c */
    uint16_t pause_filter_count;     /* 0x03e */
    uint64_t iopm_base_pa;           /* 0x040 */
    uint64_t msrpm_base_pa;          /* 0x048 */
    uint64_t tsc_offset;             /* 0x050 */
    uint32_t asid;                   /* 0x058 */
    uint8_t tlb_control;             /* 0x05c */
    uint8_t reserved_05d[3];
    uint32_t vintr;                  /* 0x060: VINTR_* */
    uint8_t vintr_vector;            /* 0x064: V_INTR_VECTOR */
    uint8_t reserved_065[3];
    uint64_t interrupt_shadow;       /* 0x068 */
    uint64_t exit_code;              /* 0x070 */
    uint64_t exit_info1;             /* 0x078 */
    uint64_t exit_info2;             /* 0x080 */
    uint64_t exit_int_info;          /* 0x088 */
    uint64_t np_enable;              /* 0x090 */
    uint8_t reserved_098[0x0a8 - 0x098];
    uint64_t event_inject;           /* 0x0a8 */
    uint64_t n_cr3;                  /* 0x0b0 */
    uint64_t virt_ext;               /* 0x0b8 */
    uint32_t clean_bits;             /* 0x0c0 */
    uint32_t reserved_0c4;
    uint64_t next_rip;               /* 0x0c8 */
    uint8_t reserved_0d0[0x400 - 0x0d0];

    /* state save area */
    struct vmcb_segment es, cs, ss, ds, fs, gs; /* 0x400 */
    struct vmcb_segment gdtr, ldtr, idtr, tr;   /* 0x460 */
    uint8_t reserved_4a0[0x4cb - 0x4a0];
    uint8_t cpl;                                /* 0x4cb */
    uint32_t reserved_4cc;
    uint64_t efer;                              /* 0x4d0 */
    uint8_t reserved_4d8[0x548 - 0x4d8];
    uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x548 */
    uint8_t reserved_580[0x5d8 - 0x580];
    uint64_t rsp;                               /* 0x5d8 */
    uint8_t reserved_5e0[0x5f8 - 0x5e0];
    uint64_t rax;                               /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base; /* 0x600 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;    /* 0x628 */
    uint64_t cr2;                               /* 0x640 */
    uint8_t reserved_648[0x668 - 0x648];
    uint64_t g_pat;                             /* 0x668 */
    uint8_t reserved_670[0x1000 - 0x670];
};

BUILD_BUG_ON(sizeof(struct vmcb) != 0x1000);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, vintr_vector) != 0x064);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, exit_code) != 0x070);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, event_inject) != 0x0a8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, next_rip) != 0x0c8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, tr) != 0x490);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, cpl) != 0x4cb);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, efer) != 0x4d0);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, rip) != 0x578);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, rsp) != 0x5d8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, rax) != 0x5f8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, sysenter_cs) != 0x628);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, cr2) != 0x640);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, g_pat) != 0x668);

/* intercept_misc1 */
#define INTERCEPT_INTR (1u << 0)
#define INTERCEPT_NMI (1u << 1)
#define INTERCEPT_SMI (1u << 2)
#define INTERCEPT_INIT (1u << 3)
#define INTERCEPT_CPUID (1u << 18)
#define INTERCEPT_INVD (1u << 22)
#define INTERCEPT_HLT (1u << 24)
#define INTERCEPT_INVLPGA (1u << 26)
#define INTERCEPT_IOIO (1u << 27)
#define INTERCEPT_MSR (1u << 28)
#define INTERCEPT_TASK_SWITCH (1u << 29)
#define INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 */
#define INTERCEPT_VMRUN (1u << 0)
#define INTERCEPT_VMMCALL (1u << 1)
#define INTERCEPT_VMLOAD (1u << 2)
#define INTERCEPT_VMSAVE (1u << 3)
#define INTERCEPT_STGI (1u << 4)
#define INTERCEPT_CLGI (1u << 5)
#define INTERCEPT_SKINIT (1u << 6)
#define INTERCEPT_ICEBP (1u << 8)
#define INTERCEPT_WBINVD (1u << 9)
#define INTERCEPT_MONITOR (1u << 10)
#define INTERCEPT_MWAIT (1u << 11)
#define INTERCEPT_MWAIT_COND (1u << 12)
#define INTERCEPT_XSETBV (1u << 13)

/* vintr: a virtual interrupt (V_IRQ) of vector vintr_vector is taken when
 * the guest's RFLAGS.IF allows; the processor clears V_IRQ as it does. */
#define VINTR_IRQ (1u << 8)
#define VINTR_PRIO_MAX (0xfu << 16)
#define VINTR_IGN_TPR (1u << 20)
#define VINTR_MASKING (1u << 24)

/* exit codes */
#define VMEXIT_EXCEPTION_BASE 0x40
#define VMEXIT_INTR 0x60
#define VMEXIT_NMI 0x61
#define VMEXIT_SMI 0x62
#define VMEXIT_CPUID 0x72
#define VMEXIT_HLT 0x78
#define VMEXIT_IOIO 0x7b
#define VMEXIT_MSR 0x7c
#define VMEXIT_SHUTDOWN 0x7f
#define VMEXIT_VMMCALL 0x81
#define VMEXIT_WBINVD 0x89
#define VMEXIT_XSETBV 0x8d
#define VMEXIT_NPF 0x400
#define VMEXIT_INVALID 0xffffffffu

/* event_inject */
#define EVENT_TYPE_EXCEPTION (3ull << 8)
#define EVENT_ERROR_VALID (1ull << 11)
#define EVENT_VALID (1ull << 31)

#endif
