/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The input format of the hypercall fuzzer (hypercalls.c), shared with the
 * seed generator (gen_seeds.c) so that both agree on every byte. An input
 * is a configuration byte and a sequence of steps; each step says which
 * vCPU acts, what it does, and carries the op's fields:
 *
 *   input  := config step*
 *   step   := caller op len body[len]
 *   caller := domain id (bits 0-2) | vCPU number << 3
 *   op     := FUZZ_OP_* (taken modulo FUZZ_OP_COUNT)
 *   body   := the op's fields, in the order listed below; reading past len
 *             gives zeros, so a short body still makes a complete step
 *   field  := selector [raw]: a selector below FUZZ_RAW picks entry
 *             selector % size of the field's pool of interesting values;
 *             FUZZ_RAW or above is followed by a raw 8-byte little-endian
 *             value (truncated to the field's width by the hypercall)
 *
 * Steps are length-prefixed so that a mutation inside one step leaves the
 * others as they were. Pool entries are ordered so that selector 0 (what a
 * missing field reads as) is the ordinary, valid choice.
 */
#ifndef TESTS_FUZZ_HYPERCALLS_H
#define TESTS_FUZZ_HYPERCALLS_H

#define FUZZ_RAW 0xe0u

/* The configuration byte. */
#define FUZZ_CFG_D1_VCPUS(c) (((c) & 3u) + 1)  /* d1 has 1 to 4 vCPUs */
#define FUZZ_CFG_D3(c) (((c) >> 2) & 3u)       /* d3's state: */
#define FUZZ_D3_NONE 0                         /*   there is no d3 */
#define FUZZ_D3_PAUSED 1                       /*   running, then paused */
#define FUZZ_D3_BUILDING 2                     /*   created, never started */
#define FUZZ_D3_SHUTDOWN 3                     /*   shut down, not yet destroyed */
#define FUZZ_CFG_END(c) (((c) >> 4) & 3u)      /* how the input ends: */
#define FUZZ_END_SHUTDOWN 0                    /*   each vCPU run shuts its domain down */
#define FUZZ_END_ASCENDING 1                   /*   another CPU destroys every domain, */
#define FUZZ_END_DESCENDING 2                  /*   by id up or down, */
#define FUZZ_END_FROM_CALLER 3                 /*   or starting with the running one's */
#define FUZZ_CFG_D0_VCPUS(c) ((((c) >> 6) & 1u) + 1)

/*
 * Guest-physical layout every fuzzed domain uses by convention (all have
 * at least 4 MiB): hypercall arguments go to FUZZ_ARRAY_GPA, buffers to
 * FUZZ_BUF_GPA, the grant table to FUZZ_TABLE_GFN, frames worth granting
 * start at FUZZ_DATA_GFN, and grant mappings go to FUZZ_MAP_GFN + k, a hole
 * above any domain's memory (and below the host p2m's 256 MiB).
 */
#define FUZZ_TABLE_GFN 0x100ull
#define FUZZ_ARRAY_GPA 0x200000ull
#define FUZZ_BUF_GPA 0x280000ull
#define FUZZ_DATA_GFN 0x300ull
#define FUZZ_MAP_GFN 0x8000ull

/* The ops, and their fields in order. */
enum fuzz_op {
    FUZZ_OP_CONSOLE_WRITE,  /* len, gpa, n, n bytes of text written at gpa first */
    FUZZ_OP_SCHED,          /* cmd (SCHED), arg1, arg2 (by cmd: reason/code, TIME) */
    FUZZ_OP_VCPU,           /* cmd (VCPUOP), vcpu, rip (SMALL), rdi (SMALL) */
    FUZZ_OP_GNT_SETUP,      /* gfn, count (FRAMES) */
    FUZZ_OP_GNT_MAP,        /* batch; per element: gpa (MAP), ref, domid, flags (MAPFLAGS),
                             * status, handle (SMALL: IN garbage the call must overwrite) */
    FUZZ_OP_GNT_UNMAP,      /* batch; per element: handle */
    FUZZ_OP_GNT_COPY,       /* batch; per element: flags (COPYFLAGS), source and dest (each
                             * frame (GFN, or REF with its flag), domid, offset (OFFSET),
                             * pad (SMALL)), length (LEN) */
    FUZZ_OP_GNT_END_ACCESS, /* batch; per element: ref */
    FUZZ_OP_GNT_QUERY,      /* batch; per element: ref */
    FUZZ_OP_GNT_ENTRY,      /* the guest writes its grant entry: ref, domid, gfn, flags (GTF) */
    FUZZ_OP_DOMCTL_CREATE,  /* arg gpa, domid, vcpus (VCPU), memory (MEMORY), n, n name bytes */
    FUZZ_OP_DOMCTL_ID,      /* cmd (0 destroy, 1 pause, 2 unpause), domid */
    FUZZ_OP_DOMCTL_GETINFO, /* arg gpa, domid */
    FUZZ_OP_DOMCTL_SHUTDOWN,/* arg gpa, domid, reason (SMALL), code (SMALL), pad (SMALL) */
    FUZZ_OP_DOMCTL_COPY_TO, /* arg gpa, domid, pad (SMALL), dst gpa (in the target), src gpa, len */
    FUZZ_OP_DOMCTL_VCPU_CONTEXT, /* set (bit 0), arg gpa, domid, vcpu, rip, rdi (SMALL) */
    FUZZ_OP_DOMCTL_WEIGHT,  /* arg gpa, domid, weight (WEIGHT) */
    FUZZ_OP_SYSCTL,         /* cmd (SMALL), arg gpa, readlog: offset (SMALL), buf gpa, len */
    FUZZ_OP_EVTCHN_ALLOC_UNBOUND,    /* arg gpa, remote_dom (DOMID) */
    FUZZ_OP_EVTCHN_BIND_INTERDOMAIN, /* arg gpa, remote_dom (DOMID), remote_port (PORT), pad */
    FUZZ_OP_EVTCHN_BIND_VIRQ,        /* arg gpa, virq (VIRQ), vcpu (VCPU), pad (SMALL) */
    FUZZ_OP_EVTCHN_SEND,             /* port */
    FUZZ_OP_EVTCHN_SEND_BATCH,       /* batch (as for grants); per element: port */
    FUZZ_OP_EVTCHN_CLOSE,            /* port */
    FUZZ_OP_EVTCHN_STATUS,           /* arg gpa, port */
    FUZZ_OP_EVTCHN_UNMASK,           /* port */
    FUZZ_OP_EVTCHN_BIND_VCPU,        /* arg gpa, port, vcpu */
    FUZZ_OP_RAW,            /* nr (HC), 6 args: each a kind (0 SMALL, 1 gpa, 2 domid) and value */
    FUZZ_OP_MEMORY,         /* the guest touches memory: write (bit 0), gpa (TOUCH), n, n bytes */
    FUZZ_OP_EXIT,           /* a non-hypercall exit: kind (EXIT), value (gpa or SMALL) */
    FUZZ_OP_MEMORY_OP,      /* cmd (MEMOP), then gfn (GFN) and count (MEMCOUNT), or for
                             * info the struct's gpa */
    FUZZ_OP_DOMCTL_MAX_MEM, /* arg gpa, domid, pad (SMALL), bytes (MEMORY) */
    FUZZ_OP_DOMCTL_AFFINITY,/* arg gpa, domid, vcpu, cpu (SMALL), pad (SMALL) */
    FUZZ_OP_PHYSDEV,        /* cmd (SMALL), arg gpa, domid, then a (SMALL), b (SMALL), c
                             * (SMALL) for the struct's fields, or a port (PORT) for
                             * unbind and irq_eoi */
    FUZZ_OP_COUNT
};

/* Batches: a byte b (1 + b % FUZZ_BATCH_WRITE_MAX elements are written),
 * the array's gpa, the count passed to the hypercall (COUNT, whose entry 0
 * is the number written), then the elements. */
#define FUZZ_BATCH_WRITE_MAX 8u

/* Pools: the names of their entries, in order. */
enum fuzz_gpa {         /* relative to the caller and the object's size */
    GPA_ARRAY, GPA_BUF, GPA_PAGE_STRADDLE, GPA_ZERO, GPA_ONE, GPA_SHARED_INFO, GPA_TABLE,
    GPA_END_FIT, GPA_END_STRADDLE, GPA_LAST_BYTE, GPA_MEM_END, GPA_MAP, GPA_GRANT_LIMIT,
    GPA_TOP_BIT, GPA_MAX, GPA_WRAP, GPA_MINUS_PAGE, GPA_POOL_SIZE
};
enum fuzz_domid {
    DOMID_1, DOMID_2, DOMID_0, DOMID_3, DOMID_SELF, DOMID_CREATED, DOMID_PEER, DOMID_FREE,
    DOMID_LAST, DOMID_MAX, DOMID_7FFF, DOMID_FFFF, DOMID_ANY, DOMID_2_32, DOMID_U64_MAX,
    DOMID_POOL_SIZE
};
enum fuzz_port {        /* PEER: the port last offered by alloc_unbound, LAST: the last one returned */
    PORT_LAST, PORT_PEER, PORT_0, PORT_1, PORT_2, PORT_511, PORT_512, PORT_1023, PORT_1024,
    PORT_ALIAS, PORT_U32_MAX, PORT_MAX, PORT_POOL_SIZE
};
enum fuzz_len {
    LEN_8, LEN_0, LEN_1, LEN_4095, LEN_4096, LEN_4097, LEN_65535, LEN_65536, LEN_65537,
    LEN_2_32, LEN_MAX, LEN_POOL_SIZE
};
enum fuzz_count {
    COUNT_WRITTEN, COUNT_0, COUNT_1, COUNT_2, COUNT_63, COUNT_64, COUNT_65, COUNT_2_32_PLUS_1,
    COUNT_MAX, COUNT_POOL_SIZE
};
enum fuzz_ref {
    REF_0, REF_1, REF_2, REF_511, REF_512, REF_2047, REF_2048, REF_4096, REF_U32_MAX,
    REF_TOP_BIT, REF_POOL_SIZE
};
enum fuzz_handle {
    HANDLE_LAST, HANDLE_0, HANDLE_1, HANDLE_OLDER, HANDLE_511, HANDLE_512, HANDLE_U32_MAX,
    HANDLE_POOL_SIZE
};
enum fuzz_gfn {         /* relative to the caller */
    GFN_DATA, GFN_DATA_1, GFN_TABLE, GFN_ZERO, GFN_SHARED_INFO, GFN_LAST, GFN_MEM_END,
    GFN_MAP, GFN_U32_MAX, GFN_MAX, GFN_POOL_SIZE
};
enum fuzz_vcpu {
    VCPU_0, VCPU_1, VCPU_2, VCPU_SELF, VCPU_31, VCPU_32, VCPU_33, VCPU_U32_MAX, VCPU_POOL_SIZE
};
enum fuzz_small {
    SMALL_0, SMALL_1, SMALL_2, SMALL_3, SMALL_4, SMALL_5, SMALL_6, SMALL_7, SMALL_8, SMALL_31,
    SMALL_32, SMALL_255, SMALL_4095, SMALL_4096, SMALL_U32_MAX, SMALL_2_32, SMALL_I64_MAX,
    SMALL_TOP_BIT, SMALL_MAX, SMALL_POOL_SIZE
};
enum fuzz_virq {        /* the VIRQs, then just past them */
    VIRQ_TIMER, VIRQ_CONSOLE, VIRQ_DOM_EXC, VIRQ_COUNT, VIRQ_COUNT_PLUS_1, VIRQ_255, VIRQ_U16_MAX,
    VIRQ_U32_MAX, VIRQ_POOL_SIZE
};
enum fuzz_time {        /* relative to now */
    TIME_10MS, TIME_NOW, TIME_ZERO, TIME_1NS, TIME_PAST, TIME_1S, TIME_FAR, TIME_NO_TIMER,
    TIME_POOL_SIZE
};
enum fuzz_memory {
    MEMORY_4M, MEMORY_6M, MEMORY_8M, MEMORY_0, MEMORY_2M, MEMORY_4M_PLUS_1, MEMORY_FREE,
    MEMORY_FREE_PLUS, MEMORY_1T, MEMORY_HUGE, MEMORY_MAX, MEMORY_POOL_SIZE
};
enum fuzz_hc {
    HC_CONSOLE, HC_SCHED, HC_EVTCHN, HC_GRANT, HC_DOMCTL, HC_SYSCTL, HC_VCPU, HC_7, HC_8,
    HC_COUNT, HC_255, HC_2_32, HC_MAX, HC_POOL_SIZE
};
enum fuzz_frames { FRAMES_1, FRAMES_4, FRAMES_0, FRAMES_2, FRAMES_5, FRAMES_MAX, FRAMES_POOL_SIZE };
enum fuzz_offset {
    OFFSET_0, OFFSET_8, OFFSET_2048, OFFSET_4088, OFFSET_4095, OFFSET_4096, OFFSET_FFFF,
    OFFSET_POOL_SIZE
};
enum fuzz_gtf {
    GTF_RW, GTF_RO, GTF_NONE, GTF_READONLY_ONLY, GTF_RW_MAPPED, GTF_ALL, GTF_POOL_SIZE
};
enum fuzz_map_flags { MAPFLAGS_RW, MAPFLAGS_RO, MAPFLAGS_2, MAPFLAGS_ALL, MAPFLAGS_POOL_SIZE };
enum fuzz_copy_flags {
    COPYFLAGS_NONE, COPYFLAGS_SRC, COPYFLAGS_DST, COPYFLAGS_BOTH, COPYFLAGS_4, COPYFLAGS_ALL,
    COPYFLAGS_POOL_SIZE
};
enum fuzz_map {         /* where a grant mapping goes */
    MAP_0, MAP_1, MAP_2, MAP_3, MAP_OWN, MAP_MEM_END, MAP_UNALIGNED, MAP_HOST_LIMIT,
    MAP_GRANT_LIMIT, MAP_MAX, MAP_POOL_SIZE
};
enum fuzz_touch {       /* what a guest touches */
    TOUCH_MAP_0, TOUCH_MAP_1, TOUCH_MAP_2, TOUCH_MAP_3, TOUCH_TABLE, TOUCH_DATA, TOUCH_HOLE,
    TOUCH_VCPU_INFO, TOUCH_EVTCHN_PENDING, TOUCH_EVTCHN_MASK, TOUCH_CONSOLE_OUT,
    TOUCH_CONSOLE_INDICES, TOUCH_POOL_SIZE
};
enum fuzz_weight { WEIGHT_512, WEIGHT_0, WEIGHT_1, WEIGHT_MAX, WEIGHT_MAX_PLUS, WEIGHT_U32_MAX,
                   WEIGHT_POOL_SIZE };
enum fuzz_sched_cmd {
    SCHED_CMD_YIELD, SCHED_CMD_SET_TIMER, SCHED_CMD_BLOCK, SCHED_CMD_SHUTDOWN, SCHED_CMD_4,
    SCHED_CMD_MAX, SCHED_CMD_POOL_SIZE
};
enum fuzz_vcpuop {
    VCPUOP_COUNT, VCPUOP_UP, VCPUOP_DOWN, VCPUOP_3, VCPUOP_MAX, VCPUOP_POOL_SIZE
};
enum fuzz_memop {
    MEMOP_POPULATE, MEMOP_RELEASE, MEMOP_QUERY, MEMOP_INFO, MEMOP_4, MEMOP_MAX, MEMOP_POOL_SIZE
};
enum fuzz_memcount {
    MEMCOUNT_1, MEMCOUNT_0, MEMCOUNT_2, MEMCOUNT_511, MEMCOUNT_512, MEMCOUNT_513, MEMCOUNT_MAX,
    MEMCOUNT_POOL_SIZE
};
enum fuzz_exit {
    EXIT_KIND_INTERRUPT, EXIT_KIND_HALT, EXIT_KIND_NPF_READ, EXIT_KIND_NPF_WRITE,
    EXIT_KIND_NPF_FETCH, EXIT_KIND_EXCEPTION, EXIT_KIND_TRIPLE_FAULT, EXIT_KIND_INVALID_STATE,
    EXIT_KIND_UNHANDLED, EXIT_KIND_POOL_SIZE
};

#endif
