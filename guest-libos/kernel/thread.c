/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads and the library OS's scheduler, and the system calls about
 * threads: clone (musl's pthread_create), exit, exit_group, gettid,
 * set_tid_address and sched_yield.
 *
 * The scheduler is cooperative: a thread runs until it makes a system call
 * that blocks (a futex wait, a sleep, waiting for an event port), yields
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
 * above its saved stack pointer. A new thread's first switch lands in
 * thread_child_entry (arch/x86_64/switch.S) on a copy of its parent's
 * system-call frame, on the new stack, and returns from clone with 0.
 * The scheduler lock is handed over by a switch: the thread switched to
 * releases it.
 *
 * Code on a secondary vCPU may wake a thread (a futex wake) while vCPU 0
 * sleeps in the hypervisor: it then kicks vCPU 0 with an event on a
 * loopback channel that the first libos_vcpu_start sets up (a domain
 * without secondary vCPUs gets no port it did not ask for).
 *
 * Known limit: a thread that unmaps its own stack and exits (musl's
 * detached threads) makes the exit call on that stack, which works because
 * munmap leaves the pages mapped and nothing else runs on vCPU 0 in
 * between.
 */
#define _GNU_SOURCE /* the CLONE_ flags in sched.h */
#include <errno.h>
#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>

#include "private.h"
#include "thread.h"

#define THREADS_MAX 256
#define IDLE_STACK_SIZE 16384
#define MAIN_TID 1
#define SECONDARY_TID_BASE 0x40000000 /* gettid on secondary vCPU n: this + n */
#define RED_ZONE 128
#define RFLAGS_IF (1ul << 9)
#define MSR_FS_BASE 0xc0000100u
#define TCB_CANARY_OFFSET 0x28
/* MXCSR (all exceptions masked) and x87 control word as after reset. */
#define DEFAULT_FP_CONTROL (0x1f80ull | (0x037full << 32))

/* What pthread_create asks for; anything else is not a thread. */
#define THREAD_FLAGS_REQUIRED                                                                   \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define THREAD_FLAGS_ALLOWED                                                                    \
    (THREAD_FLAGS_REQUIRED | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |         \
     CLONE_CHILD_SETTID | CLONE_DETACHED)

void thread_switch(uint64_t *save_rsp, uint64_t rsp);
void thread_child_entry(void);
void thread_child_start(void);
extern char libos_tcb[]; /* arch/x86_64/entry.S: the boot thread control block */

static struct thread threads[THREADS_MAX];
static struct thread idle;
static uint8_t idle_stack[IDLE_STACK_SIZE] __attribute__((aligned(16)));
static struct thread *current; /* vCPU 0's; NULL before sched_init */
static struct list run_queue, timers;
static unsigned int live; /* threads that have not exited */
static int next_tid = MAIN_TID + 1;
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
        idle_blocked = 1;
        spin_unlock();
        hv_sched_op(HV_SCHED_block, 0, 0);
        spin_lock();
        idle_blocked = 0;
    }
}

/* Lay out a stack that thread_switch returns from into entry: the callee-
 * saved registers zeroed, the control registers at their defaults. */
static uint64_t initial_stack(uint64_t top, void (*entry)(void))
{
    uint64_t *sp = (uint64_t *)(uintptr_t)top - 8;

    memset(sp, 0, 8 * sizeof(*sp));
    sp[0] = DEFAULT_FP_CONTROL;
    sp[7] = (uint64_t)(uintptr_t)entry;
    return (uint64_t)(uintptr_t)sp;
}

static void thread_slot_init(struct thread *t)
{
    memset(t, 0, sizeof(*t));
    list_init(&t->link);
    timer_init(&t->timer);
}

void sched_init(void)
{
    uint64_t top = (uint64_t)(uintptr_t)&idle_stack[IDLE_STACK_SIZE];

    list_init(&run_queue);
    timerq_init(&timers);
    futex_init();
    event_init();

    /* The idle thread: its own stack (a fake return address keeps the
     * ABI's alignment at idle_loop's entry) and the boot TCB, whose
     * canary is musl's. */
    thread_slot_init(&idle);
    *(uint64_t *)(uintptr_t)(top - 8) = 0;
    idle.rsp = initial_stack(top - 8, idle_loop);
    idle.fs_base = (uint64_t)(uintptr_t)libos_tcb;
    idle.tid = 0;

    thread_slot_init(&threads[0]);
    threads[0].state = THREAD_RUNNING;
    threads[0].tid = MAIN_TID;
    live = 1;
    current = &threads[0];
}

/* ---- system calls ---- */

static unsigned int logged_clone;

/* A new thread's first words, in C: the lock its creator's switch handed
 * over is released; the interrupt flag comes back with the parent's
 * flags on the way out. */
void thread_child_start(void)
{
    spin_unlock();
}

/*
 * clone(flags, stack, parent_tid, child_tid, tls) for threads: the child
 * starts with every register its parent had at the call, rax 0 and the
 * stack pointer at stack, on the thread pointer tls with CLONE_SETTLS.
 */
SYSCALL_HANDLER(clone)
{
    unsigned long flags = (unsigned long)a[0];
    uintptr_t stack = (uintptr_t)a[1], ptid = (uintptr_t)a[2], ctid = (uintptr_t)a[3];
    uint64_t tls = (uint64_t)a[4], canary, irq;
    struct syscall_frame *parent = (void *)(uintptr_t)percpu_self()->syscall_frame, *frame;
    struct syscall_top *top, *parent_top = (void *)(uintptr_t)parent->top;
    struct thread *t = NULL;
    uintptr_t sp;

    if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD)) {
        /* fork, vfork, posix_spawn: a unikernel has one process. */
        if (!__atomic_exchange_n(&logged_clone, 1, __ATOMIC_RELAXED))
            libos_log("libos: clone with flags %#lx: only threads are supported\n", flags);
        return -ENOSYS;
    }
    if ((flags & THREAD_FLAGS_REQUIRED) != THREAD_FLAGS_REQUIRED ||
        (flags & ~(unsigned long)THREAD_FLAGS_ALLOWED))
        return -EINVAL;
    if (!sched_active())
        return -EINVAL; /* threads are vCPU 0's */
    /* The child's first frames go just under its stack pointer. */
    if (stack % 8 || !user_range_ok(stack - 1024, 1024))
        return -EINVAL;
    if ((flags & CLONE_SETTLS) && !user_range_ok(tls, TCB_CANARY_OFFSET + 8))
        return -EINVAL;
    if (((flags & CLONE_PARENT_SETTID) && (ptid % 4 || !user_range_ok(ptid, 4))) ||
        ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
         (ctid % 4 || !user_range_ok(ctid, 4))))
        return -EFAULT;

    irq = sched_lock();
    for (unsigned int i = 0; i < THREADS_MAX && !t; i++)
        if (threads[i].state == THREAD_FREE)
            t = &threads[i];
    if (!t) {
        sched_unlock(irq);
        return -EAGAIN;
    }
    thread_slot_init(t);
    t->tid = next_tid;
    next_tid = next_tid == SECONDARY_TID_BASE - 1 ? MAIN_TID + 1 : next_tid + 1;
    if (flags & CLONE_PARENT_SETTID)
        *(int *)ptid = t->tid;
    if (flags & CLONE_CHILD_SETTID)
        *(int *)ctid = t->tid;
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = (int *)ctid;
    t->fs_base = rdmsr(MSR_FS_BASE);
    if (flags & CLONE_SETTLS) {
        /* The child's frames check the same canary as everyone's. */
        __asm__ volatile("mov %%fs:%c1, %0" : "=r"(canary) : "i"(TCB_CANARY_OFFSET));
        *(volatile uint64_t *)(uintptr_t)(tls + TCB_CANARY_OFFSET) = canary;
        t->fs_base = tls;
    }

    /* Under the red zone of the new stack, what syscall.S would have
     * pushed had the child made the call: the return state, then the
     * registers; under them, the switch frame that leads there. */
    sp = stack - RED_ZONE - sizeof(*top);
    top = (struct syscall_top *)sp;
    *top = *parent_top;
    sp = (sp & ~(uintptr_t)15) - sizeof(*frame);
    frame = (struct syscall_frame *)sp;
    memcpy(frame, parent, sizeof(*frame));
    frame->top = (uint64_t)(uintptr_t)top;
    t->rsp = initial_stack(sp, thread_child_entry);

    t->state = THREAD_RUNNABLE;
    list_add_tail(&run_queue, &t->link);
    live++;
    sched_unlock(irq);
    return t->tid;
}

/* exit ends the calling thread; the domain ends with the last one. */
SYSCALL_HANDLER(exit)
{
    int *ctid;

    if (!sched_active()) {
        if (vcpu_id() != 0)
            libos_vcpu_exit(); /* a secondary vCPU's code is its thread */
        libos_shutdown(HV_SHUTDOWN_poweroff, (int)a[0]);
    }
    /* As Linux does for pthread_join (and musl's thread-list lock). */
    ctid = current->clear_child_tid;
    if (ctid && user_range_ok((uintptr_t)ctid, sizeof(*ctid))) {
        __atomic_store_n(ctid, 0, __ATOMIC_SEQ_CST);
        futex_wake((uintptr_t)ctid, 1, ~0u);
    }
    sched_lock();
    if (--live == 0)
        libos_shutdown(HV_SHUTDOWN_poweroff, (int)a[0]);
    /* The slot is free from now on, but only vCPU 0 takes slots, and it
     * is busy switching away from this one for good. */
    current->state = THREAD_FREE;
    schedule();
    libos_crash("an exited thread was switched to");
}

SYSCALL_HANDLER(exit_group)
{
    libos_shutdown(HV_SHUTDOWN_poweroff, (int)a[0]);
}

SYSCALL_HANDLER(gettid)
{
    return sched_active() ? current->tid : SECONDARY_TID_BASE + (long)vcpu_id();
}

SYSCALL_HANDLER(set_tid_address)
{
    if (!sched_active())
        return SECONDARY_TID_BASE + (long)vcpu_id();
    current->clear_child_tid = (int *)(uintptr_t)a[0];
    return current->tid;
}

/* The next runnable thread runs; the vCPU is given to the hypervisor only
 * when there is none. */
SYSCALL_HANDLER(sched_yield)
{
    unsigned long irq;

    if (sched_active()) {
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
