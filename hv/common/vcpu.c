/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What happens when a vCPU exits to common code: hypercalls are dispatched,
 * HLT blocks the vCPU, a host interrupt just lets the scheduler look again,
 * and anything else is the guest's fault and kills its domain with a
 * diagnostic. Also sched_op, the hypercall for a vCPU's own scheduling.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/hv.h>

/* Out of line: its message buffer (and the stack canary that comes with
 * it) stays off the path of every other exit. */
static __attribute__((noinline)) void report_exit(struct domain *d, const struct vcpu_exit *e)
{
    mfn_t mfn;
    unsigned int perms;

    switch (e->reason) {
    case EXIT_NPF:
        /* A present page faults only for want of a permission: a write to
         * a read-only grant mapping, or a fetch from one. */
        domain_crash(d, "nested page fault: %s guest-physical %#lx, which is %s, at rip %#lx",
                     e->npf.fetch ? "instruction fetch from" : e->npf.write ? "write to" : "read of",
                     e->npf.gpa,
                     arch_p2m_lookup(d, _gfn(e->npf.gpa >> PAGE_SHIFT), &mfn, &perms)
                         ? "not mapped"
                         : e->npf.fetch ? "mapped not executable" : "mapped read-only",
                     e->rip);
        break;
    case EXIT_EXCEPTION: {
        char detail[64] = "";

        if (e->exception.vector == 14)
            snprintf(detail, sizeof(detail), ", error code %#x, address %#lx",
                     e->exception.error_code, e->exception.cr2);
        else if (e->exception.has_error_code)
            snprintf(detail, sizeof(detail), ", error code %#x", e->exception.error_code);
        domain_crash(d, "exception %u (%s) at rip %#lx%s, before the guest set up an IDT",
                     e->exception.vector, arch_exception_name(e->exception.vector), e->rip,
                     detail);
        break;
    }
    case EXIT_TRIPLE_FAULT:
        domain_crash(d, "triple fault at rip %#lx", e->rip);
        break;
    case EXIT_INVALID_STATE:
        domain_crash(d, "the CPU refused the vCPU's state (invalid VM entry) at rip %#lx", e->rip);
        break;
    default:
        domain_crash(d, "unexpected exit %#lx (info %#lx %#lx) at rip %#lx", e->unhandled.code,
                     e->unhandled.info1, e->unhandled.info2, e->rip);
        break;
    }
}

/* Block v (HLT, or sched_op block) if anything could ever wake it; if
 * nothing could, the domain is stuck for good: stop it with a diagnostic. */
static void block_or_crash(struct vcpu *v, const char *how, const struct vcpu_exit *exit)
{
    /* An event is already pending: return at once, masked or not, so that
     * a guest that polls (upcalls masked) cannot miss it. */
    if (event_vcpu_pending(v))
        return;
    /* Its timer fired after it was set but before this block (the guest
     * was preempted in between, or its domain was paused): that was the
     * wake-up this block waits for. */
    if (v->timer_fired) {
        v->timer_fired = false;
        return;
    }
    /* Its timer or an event channel could wake it. */
    if (v->timer_deadline == NO_TIMER && !event_vcpu_can_wake(v)) {
        /* The rip only now: a block that waits is the common case. */
        domain_crash(v->domain, "%s at rip %#lx with nothing to wake it", how,
                     exit ? exit->rip : arch_vcpu_rip(v));
        return;
    }
    vcpu_block(v);
}

void vcpu_handle_exit(struct vcpu *v, const struct vcpu_exit *exit)
{
    struct domain *d = v->domain;
    int64_t ret;

    switch (exit->reason) {
    case EXIT_INTERRUPT:
        return;
    case EXIT_HYPERCALL:
        if (v->hypercall_done) {
            /* Dispatched on the short way already (sched.c). */
            v->hypercall_done = false;
            return;
        }
        ret = hypercall_dispatch(v, exit->hypercall.nr, exit->hypercall.args);
        /* -HV_ERESTART: not completed, so the guest executes it again. */
        if ((d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED) && ret != -HV_ERESTART)
            arch_vcpu_hypercall_return(v, ret);
        return;
    case EXIT_HALT:
        block_or_crash(v, "halted", exit);
        return;
    default:
        report_exit(d, exit);
        return;
    }
}

/* sched_op(cmd, arg1, arg2) */
int64_t do_sched_op(struct vcpu *v, const uint64_t args[6])
{
    switch (args[0]) {
    case HV_SCHED_shutdown:
        if (args[1] > HV_SHUTDOWN_MAX || args[2] > UINT32_MAX)
            return -HV_EINVAL;
        domain_shutdown(v->domain, (unsigned int)args[1], (unsigned int)args[2]);
        return 0;
    case HV_SCHED_yield:
        vcpu_yield(v);
        return 0;
    case HV_SCHED_block:
        block_or_crash(v, "blocked", NULL);
        return 0;
    case HV_SCHED_set_timer:
        /* A new deadline replaces the old one, fired or not. */
        v->timer_fired = false;
        vcpu_set_timer(v, args[1] ? args[1] : NO_TIMER);
        return 0;
    default:
        return -HV_ENOSYS;
    }
}

void sched_timer_fired(struct vcpu *v)
{
    /* A blocked vCPU is woken now; any other is owed the wake-up. */
    if (v->state != VCPU_BLOCKED)
        v->timer_fired = true;
    event_send_virq(v, HV_VIRQ_TIMER);
}

/* vcpu_op(cmd, vcpu, arg1, arg2) */
int64_t do_vcpu_op(struct vcpu *v, const uint64_t args[6])
{
    struct domain *d = v->domain;
    struct vcpu *target;

    switch (args[0]) {
    case HV_VCPUOP_count:
        return d->max_vcpus;
    case HV_VCPUOP_up:
        if (args[1] >= d->max_vcpus)
            return -HV_EINVAL;
        target = d->vcpu[args[1]];
        if (target->initialised)
            return -HV_EBUSY;
        vcpu_set_entry(target, args[2], args[3]);
        return 0;
    case HV_VCPUOP_down:
        if (args[1] != v->id || v->id == 0)
            return -HV_EINVAL;
        v->initialised = false;
        vcpu_sleep(v);
        return 0;
    default:
        return -HV_ENOSYS;
    }
}
