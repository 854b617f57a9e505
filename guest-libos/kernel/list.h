/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A circular doubly-linked list with the links inside the listed object,
 * for the scheduler's queues: nothing is allocated to put an object on a
 * list or take it off. An unlinked node points to itself, so taking a
 * node off twice is harmless. Pure code, also compiled on the host for
 * the unit tests.
 */
#ifndef LIBOS_KERNEL_LIST_H
#define LIBOS_KERNEL_LIST_H

#include <stddef.h>

struct list {
    struct list *next, *prev;
};

#define list_entry(node, type, member) ((type *)(void *)((char *)(node) - offsetof(type, member)))

static inline void list_init(struct list *l)
{
    l->next = l->prev = l;
}

static inline int list_empty(const struct list *l)
{
    return l->next == l;
}

/* Put n after at (at the head of a list when at is the list itself). */
static inline void list_insert_after(struct list *at, struct list *n)
{
    n->prev = at;
    n->next = at->next;
    at->next->prev = n;
    at->next = n;
}

static inline void list_add_tail(struct list *l, struct list *n)
{
    list_insert_after(l->prev, n);
}

static inline void list_del(struct list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_init(n);
}

/* The first node, taken off, or NULL if l is empty. */
static inline struct list *list_pop(struct list *l)
{
    struct list *n = l->next;

    if (n == l)
        return NULL;
    list_del(n);
    return n;
}

#endif
