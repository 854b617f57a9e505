/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs of pages in a bitmap, the mmap region's allocator (memory.c): next
 * fit, so that a freed run is not handed out again at once and a use after
 * munmap faults rather than reading someone else's data. Pure C over the
 * caller's bitmap and lock, so that the host's unit tests drive it.
 */
#ifndef LIBOS_KERNEL_PAGE_RUN_H
#define LIBOS_KERNEL_PAGE_RUN_H

#include <stdint.h>

struct page_runs {
    uint64_t *bits;     /* bit set: page in use; (nr + 63) / 64 words */
    unsigned long nr;   /* pages described */
    unsigned long next; /* where the last run handed out ended */
};

/* Describe nr pages, all free, with bits (zeroed here). */
void page_runs_init(struct page_runs *r, uint64_t *bits, unsigned long nr);
/* A run of count free pages, now used; its first page or -1 if none. */
long page_runs_alloc(struct page_runs *r, unsigned long count);
/* Mark [first, first + count) used or free; the range must be inside. */
void page_runs_mark(struct page_runs *r, unsigned long first, unsigned long count, int used);
/* 1 if page i is in use. */
int page_runs_used(const struct page_runs *r, unsigned long i);

#endif
