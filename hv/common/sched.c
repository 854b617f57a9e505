/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler (see hv/sched.h for the policy). Each physical CPU has a
 * run queue: a FIFO of runnable vCPUs linked through vcpu.run_next, whose
 * head is the one running. Timers are one list sorted by deadline; any CPU
 * fires the expired ones, and a woken vCPU goes to its own CPU's queue.
 *
 * Locking: the hypervisor lock (sched_lock) covers everything common code
 * keeps: domains, vCPUs, run queues, timers, events, grants, the frame
 * allocator. A CPU holds it whenever it runs common code and drops it only
 * to run a guest or to idle. Guest mode is tracked per vCPU (v->busy, set
 * from the moment a CPU picks it until that CPU has handled its exit), so
 * code that must not pull state from under a running vCPU can wait for it
 * or leave the last step to that CPU (domain_destroy does the latter).
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <public/hv.h>

struct run_queue {
    struct vcpu *head, *tail;
    bool idle; /* its CPU waits in arch_idle() for work */
};

/* One timer per vCPU there can be, so that arming one never runs out of
 * room: guests choose when to arm them, and a full list was a panic. */
#define TIMERS_MAX (DOMAIN_MAX * HV_MAX_VCPUS)

static spinlock_t sched_lock = SPINLOCK_INIT;
static struct run_queue run_queues[SCHED_CPU_MAX];
static struct vcpu *timers[TIMERS_MAX]; /* sorted by deadline */
static unsigned int nr_timers;

void hv_lock(void)
{
    spin_lock(&sched_lock);
}

void hv_unlock(void)
{
    spin_unlock(&sched_lock);
}

static void enqueue(struct run_queue *rq, struct vcpu *v)
{
    v->run_next = NULL;
    if (rq->tail)
        rq->tail->run_next = v;
    else
        rq->head = v;
    rq->tail = v;
}

/* Remove v from the queue; O(1) at the head, where the running vCPU is. */
static void dequeue(struct run_queue *rq, struct vcpu *v)
{
    struct vcpu **link = &rq->head, *prev = NULL;

    while (*link && *link != v) {
        prev = *link;
        link = &(*link)->run_next;
    }
    BUG_ON(!*link);
    *link = v->run_next;
    if (rq->tail == v)
        rq->tail = prev;
    v->run_next = NULL;
}

static int64_t round_budget(const struct vcpu *v)
{
    return (int64_t)(v->domain->weight * SCHED_NS_PER_WEIGHT);
}

void vcpu_wake(struct vcpu *v)
{
    struct run_queue *rq = &run_queues[v->processor];
    bool sleeper = v->state == VCPU_BLOCKED;

    if (v->state != VCPU_BLOCKED && v->state != VCPU_OFFLINE)
        return;
    if (v->domain->state != DOMAIN_RUNNING || !v->initialised)
        return;
    v->state = VCPU_RUNNABLE;
    /* A sleeper comes back with at most one round's budget. */
    if (v->budget_ns > round_budget(v))
        v->budget_ns = round_budget(v);
    if (!sleeper || v->processor != arch_cpu_id() || !rq->head) {
        enqueue(rq, v);
        if (rq->idle)
            arch_cpu_kick(v->processor);
        return;
    }
    /* A sleeper woken from its own CPU (by an event the running vCPU sent,
     * a timer, an interrupt) runs next, ahead of the one that woke it,
     * while its budget lasts; a vCPU that starts or is unpaused queues. */
    v->run_next = rq->head;
    rq->head = v;
}

void vcpu_kick(struct vcpu *v)
{
    if (v->busy)
        arch_cpu_kick(v->processor);
}

static void take_off(struct vcpu *v, enum vcpu_state state)
{
    if (v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING)
        dequeue(&run_queues[v->processor], v);
    v->state = state;
    vcpu_kick(v); /* out of guest mode, if it is there */
}

void vcpu_block(struct vcpu *v)
{
    struct run_queue *rq = &run_queues[v->processor];

    /* Only v blocks itself, from the exit its CPU is handling: it is in
     * guest mode nowhere (no kick), and the running one is the head. */
    if (rq->head == v) {
        rq->head = v->run_next;
        if (rq->tail == v)
            rq->tail = NULL;
        v->run_next = NULL;
        v->state = VCPU_BLOCKED;
        return;
    }
    take_off(v, VCPU_BLOCKED);
}

void vcpu_sleep(struct vcpu *v)
{
    take_off(v, VCPU_OFFLINE);
    vcpu_set_timer(v, NO_TIMER);
    v->timer_fired = false;
}

void vcpu_pause(struct vcpu *v)
{
    /* The guest's timer is its own business: a pause by the toolstack
     * must not cancel the wake-up it is counting on. */
    take_off(v, VCPU_OFFLINE);
}

void vcpu_yield(struct vcpu *v)
{
    struct run_queue *rq = &run_queues[v->processor];

    if (v->state != VCPU_RUNNING && v->state != VCPU_RUNNABLE)
        return;
    dequeue(rq, v);
    enqueue(rq, v);
}

static void timer_remove(struct vcpu *v)
{
    for (unsigned int i = 0; i < nr_timers; i++) {
        if (timers[i] == v) {
            for (; i + 1 < nr_timers; i++)
                timers[i] = timers[i + 1];
            nr_timers--;
            return;
        }
    }
}

void vcpu_set_timer(struct vcpu *v, uint64_t deadline)
{
    unsigned int i;

    if (v->timer_deadline != NO_TIMER)
        timer_remove(v);
    v->timer_deadline = deadline;
    if (deadline == NO_TIMER)
        return;
    BUG_ON(nr_timers == TIMERS_MAX);
    for (i = nr_timers; i > 0 && timers[i - 1]->timer_deadline > deadline; i--)
        timers[i] = timers[i - 1];
    timers[i] = v;
    nr_timers++;
    /* The CPU that will run it may be idle with a later timer armed. */
    if (run_queues[v->processor].idle)
        arch_cpu_kick(v->processor);
}

static void timers_fire(uint64_t now)
{
    while (nr_timers && timers[0]->timer_deadline <= now) {
        struct vcpu *v = timers[0];

        timer_remove(v);
        v->timer_deadline = NO_TIMER;
        sched_timer_fired(v);
        vcpu_wake(v);
    }
}

/* The vCPU to run next: the head of the queue, once it has budget. */
static struct vcpu *pick(struct run_queue *rq)
{
    struct vcpu *v;

    /* Every pass either returns or gives the head a new round's budget and
     * moves it back; all budgets are positive after one pass. */
    while ((v = rq->head) && v->budget_ns <= 0) {
        v->budget_ns += round_budget(v);
        dequeue(rq, v);
        enqueue(rq, v);
    }
    /* Just moved here, and its old CPU is still handling its last exit:
     * that CPU kicks this one when it is done. */
    return v && v->busy ? NULL : v;
}

void vcpu_set_processor(struct vcpu *v, unsigned int cpu)
{
    bool queued = v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING;

    if (cpu == v->processor)
        return;
    if (queued)
        dequeue(&run_queues[v->processor], v);
    vcpu_kick(v); /* out of guest mode on the old CPU */
    v->processor = cpu;
    if (queued) {
        enqueue(&run_queues[cpu], v);
        arch_cpu_kick(cpu);
    }
}

/* The earliest vCPU timer, or NO_TIMER. */
static uint64_t next_timer(void)
{
    return nr_timers ? timers[0]->timer_deadline : NO_TIMER;
}

/* What the CPU's timer is armed for (schedule_once), per CPU. */
static uint64_t armed_for[SCHED_CPU_MAX];

/* What the CPU's hardware timer was last set to, per CPU, while no
 * interrupt has been taken since (0: unknown, set it again). */
static uint64_t hw_armed[SCHED_CPU_MAX];

/* Make sure the CPU's timer fires by deadline. Setting it costs more than a
 * whole hypercall, and a vCPU switch would set it every time: one already
 * set for an earlier moment that has not come is kept instead (when it
 * fires, the exit finds nothing due and sets it again). A CPU takes timer
 * interrupts only in guest mode or idle, and forgets hw_armed then. */
static void timer_arm(unsigned int cpu, uint64_t deadline, uint64_t now)
{
    if (hw_armed[cpu] > now && hw_armed[cpu] <= deadline)
        return;
    hw_armed[cpu] = deadline;
    arch_timer_set(deadline);
}

struct hypercall_outcome vcpu_hypercall_locked(struct vcpu *v, unsigned int cpu, uint64_t nr,
                                               const uint64_t args[6])
{
    struct domain *d = v->domain;
    bool direct;
    int64_t ret;

    hv_lock();
    if (v->state != VCPU_RUNNING || d->state != DOMAIN_RUNNING) {
        hv_unlock();
        return (struct hypercall_outcome){false, 0}; /* something happened to it meanwhile */
    }
    ret = hypercall_dispatch(v, nr, args);
    direct = ret != -HV_ERESTART && v->state == VCPU_RUNNING && d->state == DOMAIN_RUNNING &&
             v->processor == cpu && run_queues[cpu].head == v &&
             next_timer() >= armed_for[cpu];
    if (direct) {
        hv_unlock();
        /* The back end completes it, cheaper than a hook. */
        return (struct hypercall_outcome){true, ret};
    }
    /* -HV_ERESTART: not completed, so the guest executes it again. */
    if ((d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED) && ret != -HV_ERESTART)
        arch_vcpu_hypercall_return(v, ret);
    hv_unlock();
    /* Handled: the long way must not dispatch it again. */
    v->hypercall_done = true;
    return (struct hypercall_outcome){false, 0};
}

/* The time at which schedule_once() last returned on each CPU, if it had
 * just read the clock (0: read it again): the next one starts from it. */
static uint64_t sched_now[SCHED_CPU_MAX];

/* Run one vCPU (or idle) on this CPU; called and returns with the lock.
 * While the vCPU keeps its place (a hypercall that did not block or yield,
 * an exit handled), it goes straight back into the guest: the timer is
 * already armed for the end of its share or the next vCPU timer. */
static void schedule_once(unsigned int cpu)
{
    struct run_queue *rq = &run_queues[cpu];
    uint64_t now = sched_now[cpu] ? sched_now[cpu] : arch_time_ns(), slice_end, armed, ran;
    struct vcpu_exit exit;
    struct domain *d;
    struct vcpu *v;
    bool reaping, quick;

    sched_now[cpu] = 0;
    timers_fire(now);
    reaping = domain_reap_pending() && domain_reap();
    /* CPU 0 owns the serial line: one look per pass costs one port read,
     * taken only while someone listens (what comes before waits in the
     * UART, whose full FIFO holds the sender back). */
    if (cpu == 0 && console_input_wanted())
        console_input_poll();
    v = pick(rq);
    if (!v) {
        if (reaping)
            return; /* more to free: back at once rather than asleep */
        rq->idle = true;
        armed = next_timer();
        if (cpu == 0 && console_input_wanted())
            armed = MIN(armed, now + console_input_period());
        hv_unlock();
        timer_arm(cpu, armed, now);
        arch_idle();
        hw_armed[cpu] = 0;
        hv_lock();
        rq->idle = false;
        return;
    }
    slice_end = now + (uint64_t)v->budget_ns;
    /* Someone waits for input: come back to look at the serial line in
     * time (the vCPU keeps the rest of its budget). */
    if (cpu == 0 && console_input_wanted())
        slice_end = MIN(slice_end, now + console_input_period());
    armed = MIN(next_timer(), slice_end);
    armed_for[cpu] = armed;
    timer_arm(cpu, armed, now);
    if (!v->time_published) {
        /* One TSC scale for all CPUs: once per vCPU is enough. */
        time_publish_vcpu(v);
        v->time_published = true;
    }
    d = v->domain;
    for (;;) {
        v->state = VCPU_RUNNING;
        v->busy = true;
        hv_unlock();
        arch_vcpu_run(v, &exit);
        hv_lock();
        v->busy = false;
        if (v->state == VCPU_RUNNING)
            v->state = VCPU_RUNNABLE;
        if (v->processor != cpu)
            arch_cpu_kick(v->processor); /* moved away meanwhile: it may run there now */
        if (exit.reason == EXIT_INTERRUPT)
            hw_armed[cpu] = 0; /* perhaps the timer's */
        ran = arch_time_ns() - now;
        now += ran;
        v->cpu_time_ns += ran;
        v->budget_ns -= (int64_t)ran;
        if (d->state == DOMAIN_DYING)
            return; /* destroyed while it ran here: domain_reap() frees it */
        /* Exits that take no time to handle here: now stays current. */
        quick = exit.reason == EXIT_INTERRUPT ||
                (exit.reason == EXIT_HYPERCALL && v->hypercall_done);
        if (exit.reason == EXIT_HYPERCALL && v->hypercall_done)
            v->hypercall_done = false; /* dispatched on the short way already */
        else
            vcpu_handle_exit(v, &exit);
        if (d->state == DOMAIN_SHUTDOWN && !d->stop_reported) {
            d->stop_reported = true;
            domain_stopped(d); /* may destroy it: v may be gone */
            return;
        }
        if (v->state != VCPU_RUNNABLE || rq->head != v || now >= slice_end ||
            next_timer() <= now) {
            struct vcpu *w = rq->head;

            if (!quick)
                return;
            /* v blocked or yielded (the event it sent woke w, say) and the
             * next in line can run at once: switch to it here, without the
             * pass that would find nothing to fire, reap or read and pick
             * the same head. */
            if (!w || w->busy || w->budget_ns <= 0 || !w->time_published ||
                next_timer() <= now || domain_reap_pending() ||
                (cpu == 0 && console_input_wanted())) {
                sched_now[cpu] = now;
                return;
            }
            v = w;
            d = v->domain;
            slice_end = now + (uint64_t)v->budget_ns;
            armed = MIN(next_timer(), slice_end);
            armed_for[cpu] = armed;
            timer_arm(cpu, armed, now);
            continue;
        }
        if (next_timer() < armed) {
            armed = next_timer();
            armed_for[cpu] = armed;
        }
        timer_arm(cpu, armed, now);
    }
}

void sched_run(void)
{
    unsigned int cpu = arch_cpu_id();

    sched_now[cpu] = 0;
    hv_lock();
    while (domain_any_running())
        schedule_once(cpu);
    /* Wait until no other CPU is still handling a vCPU's last exit. */
    while (domain_any_busy()) {
        hv_unlock();
        __builtin_ia32_pause();
        hv_lock();
    }
    hv_unlock();
    hw_armed[cpu] = NO_TIMER;
    arch_timer_set(NO_TIMER);
}

void sched_run_cpu(void)
{
    unsigned int cpu = arch_cpu_id();

    hv_lock();
    for (;;)
        schedule_once(cpu);
}
