/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the hypercall fuzzer share: the state of the input
 * being run, reading fields from it (pools.c), and the ops, one function
 * per guest action (ops_*.c), which the driver (hypercalls.c) calls when
 * the scheduler runs the vCPU a step names.
 */
#ifndef TESTS_FUZZ_HARNESS_H
#define TESTS_FUZZ_HARNESS_H

#include "hypercalls.h"

#include <hv/domain.h>
#include <hv/types.h>
#include <public/shared_info.h>

#define MIB (1ull << 20)
#define MS 1000000ull

/* Bytes of the input; reading past the end gives zeros. */
struct reader {
    const uint8_t *p;
    size_t len;
};

/* The last hypercall made, checked once its exit has been handled. */
struct call {
    bool pending;
    enum fuzz_op op;
    uint32_t domid;
    unsigned int vcpu;
    uint64_t rip;              /* where it was made: still there if it did not complete */
    uint64_t nr, args[6];
};

/* The state of one input's run; hypercalls.c clears it for each input. */
struct fuzz_state {
    struct reader in;          /* the steps not yet taken */
    unsigned int end;          /* FUZZ_END_*: how the run ends */
    bool ended;                /* the input is used up: stopping the domains */
    bool have_step;            /* a step is read but has not run yet */
    uint8_t caller;            /* its caller byte */
    uint8_t op;                /* its op */
    struct reader body;        /* its fields */
    unsigned int steps;        /* steps read */
    unsigned int preemptions;  /* of other vCPUs while the step waits for its own */
    bool dirty;                /* a step ran since the last audit */
    struct call last;
    /* Hypercalls that did not complete (the vCPU's rip stayed on the
     * instruction): the guest makes each again when its vCPU next runs. */
    struct call restart[DOMAIN_MAX][HV_MAX_VCPUS];
    /* What earlier steps got back, for the pools of later ones. */
    uint32_t created;          /* the id the last successful create returned */
    uint32_t handles[2];       /* the last two handles maps returned, newest first */
    uint32_t port;             /* the last port a bind or alloc returned */
    uint32_t peer, peer_port;  /* the last port offered by alloc_unbound, and its domain */
    uint64_t table_gfn[DOMAIN_MAX]; /* each domain's grant table, as last set up */
    uint64_t read_sum;         /* of the bytes guests read */
    /* The guest's side of timers: vCPUs that armed theirs and have not
     * blocked since. Such a block must end when the timer fires (or at
     * once if it has), never kill the domain for want of a wake-up. */
    bool timer_armed[DOMAIN_MAX][HV_MAX_VCPUS];
    struct {
        bool pending;
        uint32_t domid;
        unsigned int vcpu;
    } armed_block;             /* the last exit was such a block */
};
extern struct fuzz_state fz;

/* Print why, with the end of the hypervisor's log, and abort(). */
__attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...);

/* What an op works with: its fields, the calling domain and vCPU. */
struct step {
    struct reader *body;
    struct domain *d;
    struct vcpu *v;
};

uint8_t take8(struct reader *r);
void take_bytes(struct reader *r, void *dst, size_t n);

/* Fields (pools.c): each reads a selector, and maybe a raw value, from the
 * step's body and returns an entry of its pool in hypercalls.h. */
uint64_t take_gpa_in(struct step *s, const struct domain *d, uint64_t size);
uint64_t take_gpa(struct step *s, uint64_t size);
uint64_t take_domid(struct step *s);
uint64_t take_port(struct step *s);
uint64_t take_len(struct step *s);
uint64_t take_count(struct step *s, uint64_t written);
uint64_t take_ref(struct step *s);
uint64_t take_handle(struct step *s);
uint64_t take_gfn(struct step *s);
uint64_t take_vcpu(struct step *s);
uint64_t take_small(struct step *s);
uint64_t take_virq(struct step *s);
uint64_t take_time(struct step *s);
uint64_t take_memory(struct step *s);
uint64_t take_nr(struct step *s);
uint64_t take_frames(struct step *s);
uint64_t take_offset(struct step *s);
uint64_t take_gtf(struct step *s);
uint64_t take_map_flags(struct step *s);
uint64_t take_copy_flags(struct step *s);
uint64_t take_map_gpa(struct step *s);
uint64_t take_touch_gpa(struct step *s);
uint64_t take_weight(struct step *s);
uint64_t take_sched_cmd(struct step *s);
uint64_t take_vcpuop(struct step *s);
uint64_t take_memop(struct step *s);
uint64_t take_memcount(struct step *s);

/* The guest stores into its own memory; outside it, it stores nothing. */
void guest_write(struct step *s, uint64_t gpa, const void *src, size_t len);

/* Make *exit a hypercall from the step's vCPU, remembered in fz.last. */
void hypercall(struct step *s, struct vcpu_exit *exit, enum fuzz_op op, uint64_t nr,
               const uint64_t args[6]);

/* Write n (from the body) elements of size bytes, each filled by fill,
 * into the caller's memory and make the call (cmd, array, count). */
void batch_call(struct step *s, struct vcpu_exit *exit, enum fuzz_op op, uint64_t nr,
                uint64_t cmd, size_t size, void (*fill)(struct step *, void *));

/*
 * The ops. Each fills in the exit and returns true, or returns false when
 * the guest just goes on running (a store to memory) and the next step
 * may follow at once.
 */
typedef bool fuzz_op_fn(struct step *s, struct vcpu_exit *exit);

/* ops_guest.c */
fuzz_op_fn op_console_write, op_sched, op_vcpu, op_memory_op, op_raw, op_memory, op_exit;
/* ops_control.c */
fuzz_op_fn op_domctl_create, op_domctl_id, op_domctl_getinfo, op_domctl_shutdown,
    op_domctl_copy_to, op_domctl_vcpu_context, op_domctl_weight, op_domctl_max_mem,
    op_domctl_affinity, op_sysctl, op_physdev;
/* ops_sharing.c */
fuzz_op_fn op_grant_setup, op_grant_map, op_grant_unmap, op_grant_copy, op_grant_end_access,
    op_grant_query, op_grant_entry, op_evtchn_alloc_unbound, op_evtchn_bind_interdomain,
    op_evtchn_bind_virq, op_evtchn_send, op_evtchn_send_batch, op_evtchn_close,
    op_evtchn_status, op_evtchn_unmask, op_evtchn_bind_vcpu;

#endif
