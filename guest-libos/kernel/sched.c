/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library OS's scheduler (thread.c has the threads' system calls).
 *
 * It is cooperative: a thread runs until it makes a system call that
 * blocks (a futex wait, a sleep, waiting for an event port), yields
 * (sched_yield) or exits; nothing preempts it, so a thread that computes
 * without ever blocking keeps the others waiting. Every application thread
 * runs on vCPU 0; secondary vCPUs stay what libos_vcpu_start makes of
 * them. The run queue is FIFO. When no thread can run, vCPU 0 switches to
 * its idle thread, which runs event handlers, arms the vCPU's one-shot
 * timer for the earliest deadline and blocks the vCPU in the hypervisor
 * (HV_SCHED_block) until an event or the timer wakes it. If nothing could
 * ever wake it, the hypervisor stops the domain with a diagnostic: that is
 * how a deadlock of every thread ends.
 *
 * System calls run on the caller's own stack, and so does the scheduler:
 * a blocked thread's state is the system-call frame and the C frames
 * above its saved stack pointer (thread_switch, arch/x86_64/switch.S).
 * The scheduler lock is handed over by a switch: the thread switched to
 * releases it.
 *
 * Code on a secondary vCPU may wake a thread (a futex wake) while vCPU 0
 * sleeps in the hypervisor: it then kicks vCPU 0 with an event on a
 * loopback channel that the first libos_vcpu_start sets up (a domain
 * without secondary vCPUs gets no port it did not ask for).
 */
#include <errno.h>
#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <stddef.h>
#include <string.h>

#include "private.h"
#include "thread.h"

#define IDLE_STACK_SIZE 16384
#define RFLAGS_IF (1ul << 9)
#define MSR_FS_BASE 0xc0000100u
/* MXCSR (all exceptions masked) and x87 control word as after reset. */
#define DEFAULT_FP_CONTROL (0x1f80ull | (0x037full << 32))

void thread_switch(uint64_t *save_rsp, uint64_t rsp);
void thread_child_start(void);
extern char libos_tcb[]; /* arch/x86_64/entry.S: the boot thread control block */

static struct thread idle;
static uint8_t idle_stack[IDLE_STACK_SIZE] __attribute__((aligned(16)));
static struct thread *current; /* vCPU 0's; NULL before sched_init */
static struct list run_queue, timers;
static int lock;
static int idle_blocked;      /* vCPU 0 is (about to be) in HV_SCHED_block */
static int kick_needed;       /* a secondary vCPU woke a thread meanwhile */
static uint32_t kick_port;    /* where to send that: a loopback to vCPU 0 */

/* ---- locking ---- */

static void spin_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void spin_unlock(void)
{
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

unsigned long sched_lock(void)
{
    unsigned long flags;

    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags)::"memory");
    spin_lock();
    return flags;
}

void sched_unlock(unsigned long flags)
{
    spin_unlock();
    if (__atomic_load_n(&kick_needed, __ATOMIC_RELAXED) &&
        __atomic_exchange_n(&kick_needed, 0, __ATOMIC_ACQ_REL))
        event_send(kick_port);
    if (flags & RFLAGS_IF)
        __asm__ volatile("sti" ::: "memory");
}

/* The kick's receiving end only needs clearing, which dispatch does. */
static void kicked(uint32_t port, void *arg)
{
    (void)port;
    (void)arg;
}

void sched_enable_remote_wake(void)
{
    uint32_t domid = libos_domain_id(), receive, send;
    int err;

    if (__atomic_load_n(&kick_port, __ATOMIC_ACQUIRE))
        return;
    err = event_alloc_unbound(domid, &receive);
    if (!err)
        err = event_bind_interdomain(domid, receive, &send);
    if (!err)
        err = event_bind_handler(receive, kicked, NULL);
    if (err) {
        libos_log("libos: no event channel for waking vCPU 0 (%d)\n", err);
        return;
    }
    __atomic_store_n(&kick_port, send, __ATOMIC_RELEASE);
}

/* ---- switching ---- */

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

int sched_active(void)
{
    return current && vcpu_id() == 0;
}

struct thread *thread_current(void)
{
    return current;
}

/* With the lock held: run next instead of the current thread, which
 * continues from here when it is switched to again, the lock held. */
static void switch_to(struct thread *next)
{
    struct thread *prev = current;

    if (next == prev) {
        prev->state = THREAD_RUNNING;
        return;
    }
    /* The application may have moved its thread pointer itself. */
    prev->fs_base = rdmsr(MSR_FS_BASE);
    if (next->fs_base != prev->fs_base)
        wrmsr(MSR_FS_BASE, next->fs_base);
    next->state = THREAD_RUNNING;
    current = next;
    thread_switch(&prev->rsp, next->rsp);
}

/* Make due timers' threads runnable. */
static void expire_timers(void)
{
    struct timer *t;
    uint64_t now;

    if (list_empty(&timers))
        return;
    now = libos_time_ns();
    while ((t = timerq_pop_due(&timers, now)))
        thread_wake(list_entry(t, struct thread, timer), -ETIMEDOUT);
}

/* Events first, without the lock: their handlers wake threads. The caller
 * holds the lock with interrupts off, and keeps them off. */
static void dispatch_events(void)
{
    if (!event_pending_here())
        return;
    spin_unlock();
    event_dispatch();
    spin_lock();
}

/* With the lock held: the current thread, no longer running (blocked,
 * exited, or queued by yield), gives the CPU to the next runnable thread,
 * or to the idle thread. */
static void schedule(void)
{
    struct list *next;

    expire_timers();
    dispatch_events();
    next = list_pop(&run_queue);
    switch_to(next ? list_entry(next, struct thread, link) : &idle);
}

int thread_block(uint64_t deadline)
{
    struct thread *self = current;

    if (self == &idle || percpu_self()->in_handler)
        libos_crash("an event handler tried to block");
    self->state = THREAD_BLOCKED;
    self->wake_result = 0;
    if (deadline != NO_DEADLINE)
        timerq_add(&timers, &self->timer, deadline);
    schedule();
    return self->wake_result;
}

void thread_wake(struct thread *t, int result)
{
    if (t->state != THREAD_BLOCKED)
        return;
    list_del(&t->link);
    timerq_del(&t->timer);
    t->wake_result = result;
    t->state = THREAD_RUNNABLE;
    list_add_tail(&run_queue, &t->link);
    /* Sent by sched_unlock, once the lock is free. */
    if (idle_blocked && kick_port && vcpu_id() != 0)
        kick_needed = 1;
}

/* Sleep in the hypervisor until an event or the vCPU's timer, the lock
 * dropped meanwhile: a wake from another vCPU sees idle_blocked and kicks
 * this one. */
static void block_vcpu(void)
{
    idle_blocked = 1;
    spin_unlock();
    hv_sched_op(HV_SCHED_block, 0, 0);
    spin_lock();
    idle_blocked = 0;
}

/* With the lock held, for a thread waiting for an event: when no other
 * thread can run and none has a deadline, sleep in the hypervisor right
 * here, as the idle thread would, without the two thread switches. Events
 * that are already pending are dispatched first (they may wake threads).
 * Returns 1 after a sleep or a dispatch, the caller looking again; 0 when
 * the caller must block the ordinary way. */
int sched_wait_here(void)
{
    if (!list_empty(&run_queue) || !list_empty(&timers) || percpu_self()->in_handler)
        return 0;
    if (event_pending_here() && event_settle()) {
        dispatch_events();
        return 1;
    }
    block_vcpu();
    return 1;
}

/* vCPU 0 when no thread can run. Entered, and left by switches, with the
 * lock held; it runs with interrupts off throughout. */
static __attribute__((noreturn)) void idle_loop(void)
{
    for (;;) {
        uint64_t deadline;
        struct list *next;

        expire_timers();
        dispatch_events();
        next = list_pop(&run_queue);
        if (next) {
            switch_to(list_entry(next, struct thread, link));
            continue;
        }
        /* An event or a deadline that comes after the look above makes
         * the block return at once: the event sets upcall_pending, and a
         * timer in the past fires when it is set. The timer is left alone
         * when no thread has a deadline, for applications that use it
         * themselves. */
        deadline = timerq_next(&timers);
        if (deadline != NO_DEADLINE)
            hv_sched_op(HV_SCHED_set_timer, (long)deadline, 0);
        block_vcpu();
    }
}

/* Lay out a stack that thread_switch returns from into entry: the callee-
 * saved registers zeroed, the control registers at their defaults. */
uint64_t sched_initial_stack(uint64_t top, void (*entry)(void))
{
    uint64_t *sp = (uint64_t *)(uintptr_t)top - 8;

    memset(sp, 0, 8 * sizeof(*sp));
    sp[0] = DEFAULT_FP_CONTROL;
    sp[7] = (uint64_t)(uintptr_t)entry;
    return (uint64_t)(uintptr_t)sp;
}

void sched_init(struct thread *main_thread)
{
    uint64_t top = (uint64_t)(uintptr_t)&idle_stack[IDLE_STACK_SIZE];

    list_init(&run_queue);
    timerq_init(&timers);

    /* The idle thread: its own stack (a fake return address keeps the
     * ABI's alignment at idle_loop's entry) and the boot TCB, whose
     * canary is musl's. */
    thread_slot_init(&idle);
    *(uint64_t *)(uintptr_t)(top - 8) = 0;
    idle.rsp = sched_initial_stack(top - 8, idle_loop);
    idle.fs_base = (uint64_t)(uintptr_t)libos_tcb;

    main_thread->state = THREAD_RUNNING;
    current = main_thread;
}

void sched_start(struct thread *t)
{
    t->state = THREAD_RUNNABLE;
    list_add_tail(&run_queue, &t->link);
}

void sched_exit(void)
{
    /* The slot is free from now on, but only vCPU 0 takes slots, and it
     * is busy switching away from this one for good. */
    current->state = THREAD_FREE;
    schedule();
    libos_crash("an exited thread was switched to");
}

/* A new thread's first words, in C: the lock its creator's switch handed
 * over is released; the interrupt flag comes back with the parent's
 * flags on the way out. */
void thread_child_start(void)
{
    spin_unlock();
}

/* The next runnable thread runs; the vCPU is given to the hypervisor only
 * when there is none, or when an event handler yields (it runs in the
 * interrupted thread's place and may not switch). */
SYSCALL_HANDLER(sched_yield)
{
    unsigned long irq;

    if (sched_active() && !percpu_self()->in_handler) {
        irq = sched_lock();
        expire_timers();
        dispatch_events();
        if (!list_empty(&run_queue)) {
            current->state = THREAD_RUNNABLE;
            list_add_tail(&run_queue, &current->link);
            schedule();
            sched_unlock(irq);
            return 0;
        }
        sched_unlock(irq);
    }
    hv_sched_op(HV_SCHED_yield, 0, 0);
    return 0;
}

void sleep_until(uint64_t deadline)
{
    unsigned long irq;

    if (sched_active()) {
        irq = sched_lock();
        while (libos_time_ns() < deadline)
            thread_block(deadline);
        sched_unlock(irq);
        return;
    }
    /* A secondary vCPU sleeps itself; anything that wakes it early just
     * means another round. */
    hv_sched_op(HV_SCHED_set_timer, (long)deadline, 0);
    while (libos_time_ns() < deadline)
        hv_sched_op(HV_SCHED_block, 0, 0);
}
