/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Deadline queues (timerq.h): a sorted list. Adding walks from the tail,
 * because a new deadline is most often the latest one; a library OS has a
 * handful of sleeping threads, not thousands, so a list beats a heap.
 */
#include "timerq.h"

void timerq_init(struct list *q)
{
    list_init(q);
}

void timer_init(struct timer *t)
{
    list_init(&t->link);
    t->deadline = TIMERQ_NONE;
}

void timerq_add(struct list *q, struct timer *t, uint64_t deadline)
{
    struct list *at = q->prev;

    /* After the last timer due no later than this one: stable order. */
    while (at != q && list_entry(at, struct timer, link)->deadline > deadline)
        at = at->prev;
    t->deadline = deadline;
    list_insert_after(at, &t->link);
}

void timerq_del(struct timer *t)
{
    list_del(&t->link);
}

uint64_t timerq_next(const struct list *q)
{
    return list_empty(q) ? TIMERQ_NONE : list_entry(q->next, struct timer, link)->deadline;
}

struct timer *timerq_pop_due(struct list *q, uint64_t now)
{
    struct timer *t;

    if (list_empty(q))
        return NULL;
    t = list_entry(q->next, struct timer, link);
    if (t->deadline > now)
        return NULL;
    list_del(&t->link);
    return t;
}
