/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Range sets (hv/rangeset.h). The ranges are sorted and neither overlap nor
 * touch, so a value is in at most one of them and every question is one
 * pass over at most RANGESET_MAX entries. Changes are computed into a copy
 * and committed whole, so a refused change leaves the set untouched.
 */
#include <hv/rangeset.h>
#include <public/errno.h>

/* Append [first, last] to out, whose ranges all start at or before first;
 * merge it into the last one if they overlap or touch. */
static bool push(struct rangeset *out, uint64_t first, uint64_t last)
{
    if (out->nr) {
        uint64_t *prev_last = &out->r[out->nr - 1].last;

        if (*prev_last == UINT64_MAX || *prev_last + 1 >= first) {
            if (last > *prev_last)
                *prev_last = last;
            return true;
        }
    }
    if (out->nr == RANGESET_MAX)
        return false;
    out->r[out->nr].first = first;
    out->r[out->nr].last = last;
    out->nr++;
    return true;
}

int rangeset_add(struct rangeset *rs, uint64_t first, uint64_t last)
{
    struct rangeset out = {.nr = 0};
    bool placed = false;

    if (first > last)
        return -HV_EINVAL;
    for (unsigned int i = 0; i < rs->nr; i++) {
        if (!placed && first <= rs->r[i].first) {
            if (!push(&out, first, last))
                return -HV_ENOSPC;
            placed = true;
        }
        if (!push(&out, rs->r[i].first, rs->r[i].last))
            return -HV_ENOSPC;
    }
    if (!placed && !push(&out, first, last))
        return -HV_ENOSPC;
    *rs = out;
    return 0;
}

int rangeset_remove(struct rangeset *rs, uint64_t first, uint64_t last)
{
    struct rangeset out = {.nr = 0};

    if (first > last)
        return -HV_EINVAL;
    for (unsigned int i = 0; i < rs->nr; i++) {
        uint64_t f = rs->r[i].first, l = rs->r[i].last;

        if (l < first || f > last) {
            if (!push(&out, f, l))
                return -HV_ENOSPC;
            continue;
        }
        /* What is left on either side of the hole. */
        if (f < first && !push(&out, f, first - 1))
            return -HV_ENOSPC;
        if (l > last && !push(&out, last + 1, l))
            return -HV_ENOSPC;
    }
    *rs = out;
    return 0;
}

bool rangeset_contains(const struct rangeset *rs, uint64_t first, uint64_t last)
{
    if (first > last)
        return false;
    /* Ranges never touch, so one range must hold all of it. */
    for (unsigned int i = 0; i < rs->nr; i++)
        if (rs->r[i].first <= first && last <= rs->r[i].last)
            return true;
    return false;
}

bool rangeset_overlaps(const struct rangeset *rs, uint64_t first, uint64_t last)
{
    if (first > last)
        return false;
    for (unsigned int i = 0; i < rs->nr; i++)
        if (rs->r[i].first <= last && first <= rs->r[i].last)
            return true;
    return false;
}
