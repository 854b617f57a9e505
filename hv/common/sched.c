/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler (see hv/sched.h for the policy). A run queue is a FIFO of
 * runnable vCPUs linked through vcpu.run_next; the running vCPU stays at
 * its head. Timers are a list sorted by deadline.
 *
 * Locking: none yet; one physical CPU runs the scheduler, with interrupts
 * off, so nothing here races.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/time.h>

struct run_queue {
    struct vcpu *head, *tail;
    struct vcpu *current;
};

#define TIMERS_MAX (DOMAIN_MAX * 4)

static struct run_queue run_queue;
static struct vcpu *timers[TIMERS_MAX]; /* sorted by deadline */
static unsigned int nr_timers;

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
    if (v->state != VCPU_BLOCKED && v->state != VCPU_OFFLINE)
        return;
    if (v->domain->state != DOMAIN_RUNNING || !v->initialised)
        return;
    v->state = VCPU_RUNNABLE;
    /* A sleeper comes back with at most one round's budget. */
    if (v->budget_ns > round_budget(v))
        v->budget_ns = round_budget(v);
    enqueue(&run_queue, v);
}

static void take_off(struct vcpu *v, enum vcpu_state state)
{
    if (v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING)
        dequeue(&run_queue, v);
    v->state = state;
}

void vcpu_block(struct vcpu *v)
{
    take_off(v, VCPU_BLOCKED);
}

void vcpu_sleep(struct vcpu *v)
{
    take_off(v, VCPU_OFFLINE);
    vcpu_set_timer(v, NO_TIMER);
}

void vcpu_yield(struct vcpu *v)
{
    if (v->state != VCPU_RUNNING && v->state != VCPU_RUNNABLE)
        return;
    dequeue(&run_queue, v);
    enqueue(&run_queue, v);
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
    return v;
}

void sched_run(void)
{
    struct vcpu_exit exit;

    while (domain_any_running()) {
        uint64_t now = arch_time_ns(), deadline;
        struct vcpu *v;

        timers_fire(now);
        v = pick(&run_queue);
        deadline = nr_timers ? timers[0]->timer_deadline : NO_TIMER;
        if (!v) {
            arch_timer_set(deadline);
            arch_idle();
            continue;
        }
        arch_timer_set(MIN(deadline, now + (uint64_t)v->budget_ns));
        if (!v->time_published) {
            /* One CPU, one TSC scale: once per vCPU is enough. */
            time_publish_vcpu(v);
            v->time_published = true;
        }
        v->state = VCPU_RUNNING;
        run_queue.current = v;
        arch_vcpu_run(v, &exit);
        run_queue.current = NULL;
        if (v->state == VCPU_RUNNING)
            v->state = VCPU_RUNNABLE;
        {
            uint64_t ran = arch_time_ns() - now;

            v->cpu_time_ns += ran;
            v->budget_ns -= (int64_t)ran;
        }
        vcpu_handle_exit(v, &exit);
        if (v->domain->state == DOMAIN_SHUTDOWN && !v->domain->stop_reported) {
            v->domain->stop_reported = true;
            domain_stopped(v->domain); /* may destroy it: v may be gone */
        }
    }
    arch_timer_set(NO_TIMER);
}
