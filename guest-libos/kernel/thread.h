/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library OS's threads, as the rest of kernel/ sees them (sched.c has
 * the scheduler, thread.c the threads' system calls): a thread is a saved stack pointer, a thread pointer (FS
 * base) and a little bookkeeping in a static table; its stack is the
 * application's (musl's mmap'd thread stacks), and system calls run on it
 * too. Scheduling is cooperative and happens on vCPU 0 only; see thread.c.
 *
 * Locking: one spin lock, the scheduler lock, covers the run queue, the
 * timer queue, every wait queue (futexes, event ports) and every thread's
 * state. It is taken with interrupts off (sched_lock saves and clears IF),
 * so an event upcall on vCPU 0 never finds it held by the code it
 * interrupted. Other vCPUs may take it to wake threads.
 *
 * Per-vCPU data: the GS base of every vCPU points to its struct percpu
 * (vcpu.c), set before the vCPU makes any system call; applications may not
 * move it (arch_prctl ARCH_SET_GS gets -EINVAL).
 */
#ifndef LIBOS_KERNEL_THREAD_H
#define LIBOS_KERNEL_THREAD_H

#include <exo/libos.h>
#include <public/hv.h>
#include <stdint.h>
#include <sys/mman.h>

#include "list.h"
#include "private.h"
#include "timerq.h"

#define NO_DEADLINE TIMERQ_NONE
#define NSEC_PER_SEC 1000000000ull

/* ---- per vCPU ---- */

struct percpu {
    struct percpu *self;    /* 0 */
    uint64_t syscall_frame; /* 8: PERCPU_SYSCALL_FRAME, written by syscall.S */
    uint32_t id;            /* 16: this vCPU's id */
    uint32_t in_handler;    /* event handlers running: blocking is a bug */
    uint64_t exit_stack;    /* 24: PERCPU_EXIT_STACK, where exit runs, or 0 */
};

/* Point this vCPU's GS base at the per-vCPU data of vCPU id. */
void percpu_init(unsigned int id);
/* Stop the calling secondary vCPU. */
void libos_vcpu_exit(void);

static inline struct percpu *percpu_self(void)
{
    struct percpu *p;

    __asm__("mov %%gs:0, %0" : "=r"(p));
    return p;
}

/* The calling vCPU's id. */
static inline unsigned int vcpu_id(void)
{
    uint32_t id;

    __asm__ volatile("movl %%gs:16, %0" : "=r"(id));
    return id;
}

/* ---- the registers of a system call (arch/x86_64/syscall.S) ---- */

/* What the entry stub pushed just above the red zone. */
struct syscall_top {
    uint64_t rbp, rip, rflags;
};

/* The rest, at the address it records in %gs:PERCPU_SYSCALL_FRAME: every
 * general register of the caller and its SSE and x87 state. */
struct syscall_frame {
    uint64_t top; /* -> struct syscall_top */
    uint64_t r15, r14, r13, r12, rbx;
    uint64_t r9, r8, r10, rdx, rsi, rdi;
    uint8_t fxsave[512] __attribute__((aligned(16)));
};
_Static_assert(sizeof(struct syscall_frame) == 96 + 512, "syscall.S pushes 12 words");

/* ---- threads ---- */

enum thread_state {
    THREAD_FREE,     /* an unused slot */
    THREAD_RUNNING,  /* the current thread */
    THREAD_RUNNABLE, /* on the run queue */
    THREAD_BLOCKED,  /* waiting: on a wait queue, the timer queue, or both */
};

struct thread {
    uint64_t rsp;             /* while switched out: where thread_switch left it */
    uint64_t fs_base;         /* the thread pointer */
    struct list link;         /* on the run queue or on one wait queue */
    struct timer timer;       /* on the timer queue while its wait has a deadline */
    enum thread_state state;
    int tid;
    int wake_result;          /* what thread_block returns: 0 or -ETIMEDOUT */
    int *clear_child_tid;     /* set_tid_address, CLONE_CHILD_CLEARTID */
    uintptr_t wait_key;       /* the futex address or event port waited for */
    uint32_t wait_bitset;     /* FUTEX_WAIT_BITSET's bits */
    uintptr_t unmap_addr;     /* a munmap of its own stack, done at exit */
    uintptr_t unmap_len;
};

/* Set up threads with the caller as the main thread (tid 1), on vCPU 0
 * before its first system call. */
void thread_init(void);
/* The exit system call: the calling thread ends (syscall.S calls this on
 * the vCPU's exit stack). */
__attribute__((noreturn)) void thread_exit(long code);
/* An empty thread record. */
void thread_slot_init(struct thread *t);

/* The scheduler (sched.c), from thread_init: main_thread is the caller. */
void sched_init(struct thread *main_thread);
/* With the lock held: t, a new thread, joins the run queue. */
void sched_start(struct thread *t);
/* With the lock held: the current thread ends; its slot becomes free. */
__attribute__((noreturn)) void sched_exit(void);
/* The stack pointer of a thread that has not run: its first switch
 * returns into entry, the stack below top. */
uint64_t sched_initial_stack(uint64_t top, void (*entry)(void));
/* Let code on secondary vCPUs wake threads while vCPU 0 sleeps: set up
 * the event channel that kicks it (once; before a secondary vCPU starts). */
void sched_enable_remote_wake(void);
/* 1 if the caller is an application thread the scheduler runs (vCPU 0
 * after sched_init), else 0: secondary vCPUs wait by polling instead. */
int sched_active(void);
struct thread *thread_current(void);

unsigned long sched_lock(void);
void sched_unlock(unsigned long flags);

/* With the scheduler lock held: the current thread sleeps until
 * thread_wake (returns its result, 0) or until deadline (-ETIMEDOUT),
 * while other threads run; the caller may have put it on a wait queue
 * through its link, which either way it is off when this returns, the
 * lock held again. */
int thread_block(uint64_t deadline);
/* With the scheduler lock held: make t runnable if it is blocked, taking
 * it off its wait queue and the timer queue; thread_block returns result. */
void thread_wake(struct thread *t, int result);
/* With the scheduler lock held, for event_wait: sleep in place when
 * nothing else could run meanwhile (1: look again), else 0. */
int sched_wait_here(void);

/* Wake up to n threads waiting on the futex at addr whose bitset meets
 * bitset. Returns how many. */
int futex_wake(uintptr_t addr, int n, uint32_t bitset);
void futex_init(void);

/* Dispatch the calling vCPU's pending events (event.c); called with the
 * scheduler lock free. 1 if the calling vCPU has events to dispatch. */
void event_dispatch(void);
/* Block the calling thread until events arrive on its vCPU (any port) or
 * until deadline (NO_DEADLINE: none), for callers that look at what
 * changed themselves (poll). Returns 0, early or not. */
int event_wait_any(uint64_t deadline);
int event_pending_here(void);
/* With the scheduler lock held: 1 if event_dispatch has work left, else
 * the vCPU's notice of events is cleared (every event taken already). */
int event_settle(void);
void event_init(void);

/* 1 if [addr, addr + len) is memory an application may name in a system
 * call for reading (user_range_ok) or writing (user_writable): mapped so
 * by the library OS's page tables (paging.c), which leave page 0 out. */
static inline int user_range_ok(uintptr_t addr, uintptr_t len)
{
    return addr + len >= addr && paging_allows(addr, len, PROT_READ);
}

static inline int user_writable(uintptr_t addr, uintptr_t len)
{
    return addr + len >= addr && paging_allows(addr, len, PROT_READ | PROT_WRITE);
}

/* Nanoseconds of a timespec-like pair, saturating at NO_DEADLINE - 1. */
static inline uint64_t ns_of(int64_t sec, int64_t nsec)
{
    if ((uint64_t)sec >= (NO_DEADLINE - 1) / NSEC_PER_SEC - 1)
        return NO_DEADLINE - 1;
    return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

/* now + ns, saturating. */
static inline uint64_t deadline_after(uint64_t now, uint64_t ns)
{
    return ns >= NO_DEADLINE - 1 - now ? NO_DEADLINE - 1 : now + ns;
}

/* Sleep until system time deadline: the thread on vCPU 0, the vCPU elsewhere. */
void sleep_until(uint64_t deadline);

#endif
