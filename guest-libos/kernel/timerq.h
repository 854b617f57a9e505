/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Deadline queues: timers kept in order of their deadlines (nanoseconds
 * of system time), equal deadlines in the order they were added, so that
 * the earliest is always at the head. The scheduler keeps its sleeping
 * and timed-waiting threads on one. Pure code, also compiled on the host
 * for the unit tests.
 */
#ifndef LIBOS_KERNEL_TIMERQ_H
#define LIBOS_KERNEL_TIMERQ_H

#include <stdint.h>

#include "list.h"

#define TIMERQ_NONE UINT64_MAX /* no deadline: never fires */

struct timer {
    struct list link; /* unlinked while the timer is not queued */
    uint64_t deadline;
};

/* An empty queue, and a timer on no queue. */
void timerq_init(struct list *q);
void timer_init(struct timer *t);
/* Queue t (not queued yet) to fire at deadline. */
void timerq_add(struct list *q, struct timer *t, uint64_t deadline);
/* Take t off its queue; nothing if it is not queued. */
void timerq_del(struct timer *t);
/* The earliest deadline in q, or TIMERQ_NONE if q is empty. */
uint64_t timerq_next(const struct list *q);
/* The earliest timer whose deadline is at or before now, taken off q, or
 * NULL if none is due. */
struct timer *timerq_pop_due(struct list *q, uint64_t now);

#endif
