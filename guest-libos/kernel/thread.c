/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads and their system calls: clone (musl's pthread_create), exit,
 * exit_group, gettid and set_tid_address, over a static table of thread
 * records; sched.c runs them.
 *
 * A new thread starts as if it had made its parent's clone call: clone
 * puts a copy of the parent's system-call frame on the new stack, and the
 * thread's first switch lands in thread_child_entry (arch/x86_64/
 * switch.S), which leaves through the system-call stub's return path with
 * 0 in rax.
 *
 * A thread may unmap its own stack and thread control block right before
 * it exits (musl's detached threads do). That munmap would pull the stack
 * from under its own return, so it is put off until the exit, which runs
 * on an exit stack of vCPU 0's own (syscall.S switches to it, and to the
 * boot TCB): the exiting thread never comes back, and the next one to
 * exit may reuse it.
 */
#define _GNU_SOURCE /* the CLONE_ flags in sched.h */
#include <errno.h>
#include <exo/hypercall.h>
#include <sched.h>
#include <string.h>

#include "private.h"
#include "thread.h"

#define THREADS_MAX 256
#define MAIN_TID 1
#define SECONDARY_TID_BASE 0x40000000 /* gettid on secondary vCPU n: this + n */
#define RED_ZONE 128
#define MSR_FS_BASE 0xc0000100u
#define TCB_CANARY_OFFSET 0x28
#define EXIT_STACK_SIZE 16384 /* event handlers may run on it too */

/* What pthread_create asks for; anything else is not a thread. */
#define THREAD_FLAGS_REQUIRED                                                                   \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define THREAD_FLAGS_ALLOWED                                                                    \
    (THREAD_FLAGS_REQUIRED | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |         \
     CLONE_CHILD_SETTID | CLONE_DETACHED)

void thread_child_entry(void);

static struct thread threads[THREADS_MAX];
static unsigned int live; /* threads that have not exited */
static int next_tid = MAIN_TID + 1;
static unsigned int logged_clone;
static uint8_t exit_stack[EXIT_STACK_SIZE] __attribute__((aligned(16)));

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

void thread_slot_init(struct thread *t)
{
    memset(t, 0, sizeof(*t));
    list_init(&t->link);
    timer_init(&t->timer);
}

void thread_init(void)
{
    futex_init();
    event_init();
    thread_slot_init(&threads[0]);
    threads[0].tid = MAIN_TID;
    live = 1;
    sched_init(&threads[0]);
    percpu_self()->exit_stack = (uint64_t)(uintptr_t)&exit_stack[EXIT_STACK_SIZE];
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
    if (stack % 8 || stack < 1024 || !user_writable(stack - 1024, 1024))
        return -EINVAL;
    if ((flags & CLONE_SETTLS) && !user_writable(tls, TCB_CANARY_OFFSET + 8))
        return -EINVAL;
    if (((flags & CLONE_PARENT_SETTID) && (ptid % 4 || !user_writable(ptid, 4))) ||
        ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
         (ctid % 4 || !user_writable(ctid, 4))))
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
    t->rsp = sched_initial_stack(sp, thread_child_entry);

    sched_start(t);
    live++;
    sched_unlock(irq);
    return t->tid;
}

/* munmap, unless the range holds the stack this call runs on. */
SYSCALL_HANDLER(munmap_thread)
{
    uintptr_t addr = (uintptr_t)a[0], len = (uintptr_t)a[1];
    uintptr_t frame = (uintptr_t)percpu_self()->syscall_frame;

    if (sched_active() && frame - addr < len) {
        thread_current()->unmap_addr = addr;
        thread_current()->unmap_len = len;
        return 0;
    }
    return sys_munmap(a);
}

/* exit ends the calling thread; the domain ends with the last one. */
void thread_exit(long code)
{
    struct thread *self = thread_current();
    int *ctid;

    if (!sched_active()) {
        if (vcpu_id() != 0)
            libos_vcpu_exit(); /* a secondary vCPU's code is its thread */
        libos_shutdown(HV_SHUTDOWN_poweroff, (int)code);
    }
    if (self->unmap_len) {
        const long args[6] = {(long)self->unmap_addr, (long)self->unmap_len};

        sys_munmap(args);
    }
    /* As Linux does for pthread_join (and musl's thread-list lock). */
    ctid = self->clear_child_tid;
    if (ctid && user_writable((uintptr_t)ctid, sizeof(*ctid))) {
        __atomic_store_n(ctid, 0, __ATOMIC_SEQ_CST);
        futex_wake((uintptr_t)ctid, 1, ~0u);
    }
    sched_lock();
    if (--live == 0)
        libos_shutdown(HV_SHUTDOWN_poweroff, (int)code);
    sched_exit();
}

/* Where no exit stack is set (a secondary vCPU), exit comes this way. */
SYSCALL_HANDLER(exit)
{
    thread_exit(a[0]);
}

SYSCALL_HANDLER(exit_group)
{
    libos_shutdown(HV_SHUTDOWN_poweroff, (int)a[0]);
}

SYSCALL_HANDLER(gettid)
{
    return sched_active() ? thread_current()->tid : SECONDARY_TID_BASE + (long)vcpu_id();
}

SYSCALL_HANDLER(set_tid_address)
{
    if (!sched_active())
        return SECONDARY_TID_BASE + (long)vcpu_id();
    thread_current()->clear_child_tid = (int *)(uintptr_t)a[0];
    return thread_current()->tid;
}

