/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Range sets: a small, fixed-size set of inclusive integer ranges [first,
 * last], kept sorted, disjoint and merged (adjacent ranges become one). They
 * record what a domain was given (I/O ports, device MMIO), so they never
 * allocate: a set that would need more than RANGESET_MAX ranges refuses the
 * change and is left as it was.
 */
#ifndef HV_RANGESET_H
#define HV_RANGESET_H

#include <hv/types.h>

#define RANGESET_MAX 32

struct rangeset {
    unsigned int nr;
    struct {
        uint64_t first, last;
    } r[RANGESET_MAX];
};

/* Add [first, last]. Returns 0, -HV_EINVAL (first > last) or -HV_ENOSPC
 * (too many separate ranges; the set is unchanged). */
int rangeset_add(struct rangeset *rs, uint64_t first, uint64_t last) __must_check;

/* Remove [first, last] (what of it is in the set). Returns 0, -HV_EINVAL
 * or -HV_ENOSPC (the hole would split a range and the set is full; the set
 * is unchanged). */
int rangeset_remove(struct rangeset *rs, uint64_t first, uint64_t last) __must_check;

/* Whether every value of [first, last] is in the set. */
bool rangeset_contains(const struct rangeset *rs, uint64_t first, uint64_t last);

/* Whether some value of [first, last] is in the set. */
bool rangeset_overlaps(const struct rangeset *rs, uint64_t first, uint64_t last);

#endif
