/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Next fit over a bitmap (page_run.h): search from where the last run
 * ended to the end, then from the start up to where the search began
 * (plus the run's length, for a run that straddles that point). Whole
 * words of used pages are skipped 64 at a time.
 */
#include "page_run.h"

#include <string.h>

void page_runs_init(struct page_runs *r, uint64_t *bits, unsigned long nr)
{
    r->bits = bits;
    r->nr = nr;
    r->next = 0;
    memset(bits, 0, (nr + 63) / 64 * sizeof(uint64_t));
}

int page_runs_used(const struct page_runs *r, unsigned long i)
{
    return (r->bits[i / 64] >> (i % 64)) & 1;
}

void page_runs_mark(struct page_runs *r, unsigned long first, unsigned long count, int used)
{
    for (unsigned long i = first; i < first + count; i++) {
        if (used)
            r->bits[i / 64] |= 1ull << (i % 64);
        else
            r->bits[i / 64] &= ~(1ull << (i % 64));
    }
}

long page_runs_alloc(struct page_runs *r, unsigned long count)
{
    if (count == 0 || count > r->nr)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        unsigned long i = pass ? 0 : r->next, run = 0;
        unsigned long end = pass ? r->next + count : r->nr;

        if (end > r->nr)
            end = r->nr;
        for (; i < end; i++) {
            if (run == 0 && i % 64 == 0 && i + 64 <= end && r->bits[i / 64] == ~0ull) {
                i += 63;
                continue;
            }
            run = page_runs_used(r, i) ? 0 : run + 1;
            if (run == count) {
                unsigned long first = i + 1 - count;

                page_runs_mark(r, first, count, 1);
                r->next = i + 1 < r->nr ? i + 1 : 0;
                return (long)first;
            }
        }
    }
    return -1;
}
