/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * futex(2), the operations musl 1.2 uses and their close relatives:
 * FUTEX_WAIT (relative timeout) and FUTEX_WAKE for every lock, condition
 * variable and join; FUTEX_REQUEUE, which pthread_cond_signal uses to move
 * a woken waiter onto the mutex; FUTEX_CMP_REQUEUE, FUTEX_WAIT_BITSET
 * (absolute timeout, CLOCK_MONOTONIC or, with FUTEX_CLOCK_REALTIME, the
 * real-time clock) and FUTEX_WAKE_BITSET. The domain is one address space,
 * so FUTEX_PRIVATE_FLAG changes nothing: a futex is its virtual address.
 * The priority-inheritance and WAKE_OP operations get -ENOSYS, as from a
 * kernel built without them (musl then reports PI mutexes unsupported).
 *
 * Waiters sit in FIFO queues, one per hash bucket of addresses, under the
 * scheduler lock, which the value check also holds: a waker changes the
 * value before it takes the lock to wake, so a wait either sees the new
 * value or is queued before the wake. On a secondary vCPU, which has no
 * threads to switch to, a wait polls the value instead (a futex wait may
 * always return early).
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <time.h>

#include "private.h"
#include "thread.h"

/* The Linux ABI's futex operations (musl has no header for them). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

#define FUTEX_BUCKETS 64 /* a power of two */
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

static struct list buckets[FUTEX_BUCKETS];

void futex_init(void)
{
    for (unsigned int i = 0; i < FUTEX_BUCKETS; i++)
        list_init(&buckets[i]);
}

/* Fibonacci hashing of the word's address. */
static struct list *bucket(uintptr_t addr)
{
    return &buckets[((addr >> 2) * 0x9e3779b97f4a7c15ull) >> (64 - 6)];
}
_Static_assert(FUTEX_BUCKETS == 1 << 6, "the hash's shift");

static int futex_wait(uintptr_t addr, uint32_t val, uint64_t deadline, uint32_t bitset)
{
    volatile uint32_t *word = (volatile uint32_t *)addr;
    struct thread *self;
    unsigned long irq;
    int ret;

    if (!sched_active()) {
        while (*word == val) {
            if (libos_time_ns() >= deadline)
                return -ETIMEDOUT;
            hv_sched_op(HV_SCHED_yield, 0, 0);
        }
        return 0;
    }
    irq = sched_lock();
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val) {
        sched_unlock(irq);
        return -EAGAIN;
    }
    self = thread_current();
    self->wait_key = addr;
    self->wait_bitset = bitset;
    list_add_tail(bucket(addr), &self->link);
    ret = thread_block(deadline);
    sched_unlock(irq);
    return ret;
}

int futex_wake(uintptr_t addr, int n, uint32_t bitset)
{
    struct list *b = bucket(addr), *p, *next;
    unsigned long irq = sched_lock();
    int woken = 0;

    for (p = b->next; p != b && woken < n; p = next) {
        struct thread *t = list_entry(p, struct thread, link);

        next = p->next;
        if (t->wait_key == addr && (t->wait_bitset & bitset)) {
            thread_wake(t, 0);
            woken++;
        }
    }
    sched_unlock(irq);
    return woken;
}

/* Wake n_wake waiters on addr and move up to n_move of the rest to addr2.
 * Returns how many were woken plus, if count_moved, how many moved. */
static long futex_requeue(uintptr_t addr, int n_wake, int n_move, uintptr_t addr2,
                          const uint32_t *expect, int count_moved)
{
    struct list *b = bucket(addr), *b2 = bucket(addr2), *p, *next;
    unsigned long irq = sched_lock();
    int woken = 0, moved = 0;

    if (expect && __atomic_load_n((volatile uint32_t *)addr, __ATOMIC_SEQ_CST) != *expect) {
        sched_unlock(irq);
        return -EAGAIN;
    }
    for (p = b->next; p != b && (woken < n_wake || moved < n_move); p = next) {
        struct thread *t = list_entry(p, struct thread, link);

        next = p->next;
        if (t->wait_key != addr)
            continue;
        if (woken < n_wake) {
            thread_wake(t, 0);
            woken++;
            continue;
        }
        t->wait_key = addr2;
        if (b2 != b) {
            list_del(&t->link);
            list_add_tail(b2, &t->link);
        }
        moved++;
    }
    sched_unlock(irq);
    return woken + (count_moved ? moved : 0);
}

/* A futex word: aligned, and memory an application may name. */
static long check_word(uintptr_t addr)
{
    if (addr % sizeof(uint32_t))
        return -EINVAL;
    return user_range_ok(addr, sizeof(uint32_t)) ? 0 : -EFAULT;
}

/* The deadline of a wait: NO_DEADLINE without a timeout, else from a
 * relative timeout, or from an absolute one on the monotonic or real-time
 * clock. */
static long wait_deadline(uintptr_t ts_addr, int absolute, int realtime, uint64_t *deadline)
{
    const struct timespec *ts = (const struct timespec *)ts_addr;
    uint64_t wc_sec, wc_ns, ns;
    uint32_t wc_nsec;

    *deadline = NO_DEADLINE;
    if (!ts_addr)
        return 0;
    if (!user_range_ok(ts_addr, sizeof(*ts)))
        return -EFAULT;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC)
        return -EINVAL;
    ns = ns_of(ts->tv_sec, ts->tv_nsec);
    if (!absolute) {
        *deadline = deadline_after(libos_time_ns(), ns);
    } else if (!realtime) {
        *deadline = ns;
    } else {
        /* Real time is the wall-clock base plus system time. */
        libos_wallclock(&wc_sec, &wc_nsec);
        wc_ns = ns_of((int64_t)wc_sec, wc_nsec) - libos_time_ns();
        *deadline = ns > wc_ns ? ns - wc_ns : 0;
    }
    return 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
SYSCALL_HANDLER(futex)
{
    uintptr_t addr = (uintptr_t)a[0], addr2 = (uintptr_t)a[4];
    int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
    uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
    uint64_t deadline;
    long err;

    if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS; /* as Linux says */
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (cmd == FUTEX_WAIT_BITSET && !val3)
            return -EINVAL;
        /* FUTEX_WAIT's timeout is relative whatever the clock flag says. */
        err = wait_deadline((uintptr_t)a[3], cmd == FUTEX_WAIT_BITSET,
                            (op & FUTEX_CLOCK_REALTIME) != 0, &deadline);
        if (!err)
            err = check_word(addr);
        return err ? err
                   : futex_wait(addr, val, deadline, cmd == FUTEX_WAIT ? ~0u : val3);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        if (cmd == FUTEX_WAKE_BITSET && !val3)
            return -EINVAL;
        err = check_word(addr);
        return err ? err : futex_wake(addr, (int)val, cmd == FUTEX_WAKE ? ~0u : val3);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        /* The fourth argument is a count here, not a timeout. */
        if ((int)val < 0 || (int)a[3] < 0)
            return -EINVAL;
        err = check_word(addr);
        if (!err)
            err = check_word(addr2);
        if (err)
            return err;
        return futex_requeue(addr, (int)val, (int)a[3], addr2,
                             cmd == FUTEX_CMP_REQUEUE ? &val3 : NULL, cmd == FUTEX_CMP_REQUEUE);
    default:
        return -ENOSYS;
    }
}
