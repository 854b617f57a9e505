/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler: one run queue per physical CPU, weighted shares by deficit
 * round robin, blocking and waking, one-shot timers per vCPU, and no tick:
 * the CPU's timer is programmed for the next event that matters (the end of
 * the running vCPU's share, or the earliest vCPU timer) and the idle CPU
 * halts until then. Every operation on the hot path (wake, block, yield,
 * pick) is O(1); arming a timer is O(timers on the CPU).
 *
 * Each vCPU gets, per round, a budget of weight * SCHED_NS_PER_WEIGHT; it
 * runs until the budget is spent, it blocks or it yields, then the next
 * runnable vCPU runs. Over a round, CPU time is shared in proportion to the
 * weights. A sleeper woken from its own CPU runs next, ahead of whoever
 * woke it (the answer to an event comes at once); budgets still bound it.
 *
 * Locking: hv_lock() is the hypervisor lock; common code runs under it
 * (see sched.c).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/domain.h>
#include <public/errno.h>
#include <public/hypercall.h>

#define SCHED_NS_PER_WEIGHT 39063ull /* weight 256 (the default): 10 ms */
#define SCHED_CPU_MAX 16

/* The hypervisor lock. */
void hv_lock(void);
void hv_unlock(void);

/*
 * The short way for a hypercall exit, called by the vCPU back end in guest
 * mode's place (without the hypervisor lock): dispatch it under the lock
 * and, if v may simply go on running (it did not block, yield, stop or set
 * an earlier timer), return direct with the result for the back end to
 * complete the hypercall with and re-enter the guest. Otherwise direct is
 * false: the exit goes the long way, through the scheduler (which knows
 * the hypercall was handled, if it was), described as an EXIT_HYPERCALL.
 * cpu is the physical CPU the back end runs v on (the caller's own).
 * Returned by value (in two registers): a result written through a
 * pointer would put a stack canary on the back end's run loop.
 */
struct hypercall_outcome {
    bool direct;
    int64_t result;
};
struct hypercall_outcome vcpu_hypercall_locked(struct vcpu *v, unsigned int cpu, uint64_t nr,
                                               const uint64_t args[6]);
static inline struct hypercall_outcome vcpu_hypercall_direct(struct vcpu *v, unsigned int cpu,
                                                             uint64_t nr, const uint64_t args[6])
{
    /* A number no hypercall has touches nothing shared: answered without
     * the lock. Whatever another CPU changed about v meanwhile (a pause, a
     * destroy) came with a kick, which makes v leave guest mode again at
     * once; the answer is the one it would have had a moment earlier. */
    if (nr >= HV_HC_COUNT)
        return (struct hypercall_outcome){true, -HV_ENOSYS};
    return vcpu_hypercall_locked(v, cpu, nr, args);
}

/* Move v to physical CPU cpu (affinity); it goes there at once, or as soon
 * as the CPU it runs on now has handled its exit. */
void vcpu_set_processor(struct vcpu *v, unsigned int cpu);

/* Make v leave guest mode soon, if it is in it (to see a change). */
void vcpu_kick(struct vcpu *v);

/* Make v runnable if it is blocked or offline and its domain is running. */
void vcpu_wake(struct vcpu *v);

/* The running vCPU v waits until vcpu_wake() (an event) or its timer. */
void vcpu_block(struct vcpu *v);

/* v goes to the back of its run queue, keeping its budget. */
void vcpu_yield(struct vcpu *v);

/* Take v off the CPU for good (its domain stopped, or v went down): state
 * OFFLINE, its timer cancelled. */
void vcpu_sleep(struct vcpu *v);

/* Take v off the CPU while its domain is paused: state OFFLINE, its timer
 * still armed. A timer that fires meanwhile is owed to v's next block. */
void vcpu_pause(struct vcpu *v);

/* Arm v's one-shot timer for system time deadline (ns); NO_TIMER stops it.
 * When it fires, sched_timer_fired(v) runs and v wakes. */
void vcpu_set_timer(struct vcpu *v, uint64_t deadline);

/* What a fired timer does besides waking the vCPU (time.c: the timer VIRQ). */
void sched_timer_fired(struct vcpu *v);

/* The boot CPU's scheduling loop. Returns when no domain is running and
 * no CPU is still busy with a vCPU. */
void sched_run(void);

/* Another CPU's scheduling loop: never returns. */
__noreturn void sched_run_cpu(void);

#endif
