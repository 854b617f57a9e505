/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlocks: fair (first come, first served) and small. The
 * hypervisor runs with interrupts off, so a lock is never taken by an
 * interrupt handler that interrupted its holder; no irqsave variants.
 * Builds on the host too (the same x86-64 atomics).
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/types.h>

typedef struct {
    uint32_t next;  /* the next ticket to hand out */
    uint32_t owner; /* the ticket now served */
} spinlock_t;

#define SPINLOCK_INIT {0, 0}

static inline void spin_lock(spinlock_t *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        __builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
           __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

#endif
