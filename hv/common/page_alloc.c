/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The buddy allocator of machine frames. A free block of order n is 2^n
 * frames aligned to 2^n; its first frame (the head) carries the order and
 * the links of the free list of that order, by frame number. Allocation
 * takes the smallest large-enough block and splits it; freeing merges the
 * block with its buddy for as long as the buddy is a whole free block of the
 * same order, so free memory always sits in the largest possible blocks.
 * Only the frame table is touched, never the frames themselves.
 */
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/errno.h>

/* "No frame" in the free-list links. */
#define NO_FRAME (~0ull)

static struct page_info *frame_table;
static uint64_t nr_frames;
static uint64_t free_list[PAGE_ORDER_MAX + 1]; /* head frame of each order */
static uint64_t free_frames;
static uint64_t total_frames; /* ever added by page_alloc_add_range() */

BUILD_BUG_ON(PAGE_ORDER_MAX > 63);

static inline uint64_t order_frames(unsigned int order)
{
    return 1ull << order;
}

static void list_push(uint64_t frame, unsigned int order)
{
    struct page_info *pg = &frame_table[frame];

    pg->prev = NO_FRAME;
    pg->next = free_list[order];
    if (free_list[order] != NO_FRAME)
        frame_table[free_list[order]].prev = frame;
    free_list[order] = frame;
}

static void list_remove(uint64_t frame, unsigned int order)
{
    struct page_info *pg = &frame_table[frame];

    if (pg->prev == NO_FRAME)
        free_list[order] = pg->next;
    else
        frame_table[pg->prev].next = pg->next;
    if (pg->next != NO_FRAME)
        frame_table[pg->next].prev = pg->prev;
    pg->next = pg->prev = NO_FRAME;
}

/* Give every frame of [frame, frame + 2^order) one state and clear the
 * head marks; the caller then marks the block's head. */
static void set_block(uint64_t frame, unsigned int order, enum page_state state)
{
    for (uint64_t i = frame; i < frame + order_frames(order); i++) {
        struct page_info *pg = &frame_table[i];

        pg->state = (uint8_t)state;
        pg->head = 0;
        pg->order = 0;
        pg->count = 0;
        pg->owner = NULL;
        pg->next = pg->prev = NO_FRAME;
    }
}

static void mark_head(uint64_t frame, unsigned int order)
{
    frame_table[frame].head = 1;
    frame_table[frame].order = (uint8_t)order;
}

static bool is_free_block(uint64_t frame, unsigned int order)
{
    const struct page_info *pg = &frame_table[frame];

    return pg->state == PAGE_FREE && pg->head && pg->order == order;
}

/*
 * Put the free block [frame, frame + 2^order), whose frames are already
 * marked free, on a list after merging it with its buddies. A buddy that
 * lies partly beyond the table can never be a whole free block, so the
 * bound check on its head is enough.
 */
static void free_block(uint64_t frame, unsigned int order)
{
    while (order < PAGE_ORDER_MAX) {
        uint64_t buddy = frame ^ order_frames(order);

        if (buddy >= nr_frames || !is_free_block(buddy, order))
            break;
        list_remove(buddy, order);
        frame_table[buddy].head = frame_table[buddy].order = 0;
        frame_table[frame].head = frame_table[frame].order = 0;
        frame = MIN(frame, buddy);
        order++;
    }
    mark_head(frame, order);
    list_push(frame, order);
}

int page_alloc_init(struct page_info *table, uint64_t nr)
{
    /* NO_FRAME must never be a valid frame number. */
    if (!table || nr == 0 || nr >= NO_FRAME)
        return -HV_EINVAL;

    frame_table = table;
    nr_frames = nr;
    for (uint64_t i = 0; i < nr; i++) {
        table[i] = (struct page_info){
            .next = NO_FRAME,
            .prev = NO_FRAME,
            .state = PAGE_RESERVED,
        };
    }
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++)
        free_list[o] = NO_FRAME;
    free_frames = 0;
    total_frames = 0;
    return 0;
}

int page_alloc_add_range(mfn_t start, uint64_t nr)
{
    uint64_t frame = mfn_x(start), end;

    if (!frame_table || add_overflow(frame, nr, &end) || end > nr_frames)
        return -HV_EINVAL;
    /* Check the whole range first so that a bad range changes nothing. */
    for (uint64_t i = frame; i < end; i++)
        if (frame_table[i].state != PAGE_RESERVED)
            return -HV_EINVAL;

    total_frames += nr;
    /* Cut the range into the largest blocks its alignment and length allow. */
    while (frame < end) {
        unsigned int order = 0;

        while (order < PAGE_ORDER_MAX && IS_ALIGNED(frame, order_frames(order + 1)) &&
               order_frames(order + 1) <= end - frame)
            order++;
        set_block(frame, order, PAGE_FREE);
        free_frames += order_frames(order);
        free_block(frame, order);
        frame += order_frames(order);
    }
    return 0;
}

int page_alloc(unsigned int order, mfn_t *mfn)
{
    unsigned int o = order;
    uint64_t frame;

    if (order > PAGE_ORDER_MAX || !mfn)
        return -HV_EINVAL;

    while (o <= PAGE_ORDER_MAX && free_list[o] == NO_FRAME)
        o++;
    if (o > PAGE_ORDER_MAX)
        return -HV_ENOMEM;

    frame = free_list[o];
    list_remove(frame, o);
    frame_table[frame].head = 0;

    /* Keep the lower half each time and give the upper half back. */
    while (o > order) {
        o--;
        mark_head(frame + order_frames(o), o);
        list_push(frame + order_frames(o), o);
    }

    set_block(frame, order, PAGE_ALLOCATED);
    mark_head(frame, order);
    free_frames -= order_frames(order);
    *mfn = _mfn(frame);
    return 0;
}

int page_free(mfn_t mfn, unsigned int order)
{
    uint64_t frame = mfn_x(mfn), end;
    const struct page_info *pg;

    if (!frame_table || order > PAGE_ORDER_MAX || frame >= nr_frames)
        return -HV_EINVAL;
    if (!IS_ALIGNED(frame, order_frames(order)) || add_overflow(frame, order_frames(order), &end) ||
        end > nr_frames)
        return -HV_EINVAL;

    /*
     * Only the head of an allocated block of exactly this order may be
     * freed: a free head is a double free, an allocated non-head is a frame
     * inside another block, and a different order would free too much or
     * leave frames behind.
     */
    pg = &frame_table[frame];
    if (pg->state != PAGE_ALLOCATED || !pg->head || pg->order != order)
        return -HV_EINVAL;

    set_block(frame, order, PAGE_FREE);
    free_frames += order_frames(order);
    free_block(frame, order);
    return 0;
}

struct page_info *mfn_to_page(mfn_t mfn)
{
    if (!frame_table || mfn_x(mfn) >= nr_frames)
        return NULL;
    return &frame_table[mfn_x(mfn)];
}

int page_alloc_split(mfn_t mfn, unsigned int order)
{
    uint64_t frame = mfn_x(mfn);
    struct page_info *pg = mfn_to_page(mfn);

    if (!pg || order > PAGE_ORDER_MAX || frame + order_frames(order) > nr_frames ||
        pg->state != PAGE_ALLOCATED || !pg->head || pg->order != order)
        return -HV_EINVAL;
    /* Owner and counts stay: only the bookkeeping of the block changes. */
    for (uint64_t i = frame; i < frame + order_frames(order); i++)
        mark_head(i, 0);
    return 0;
}

uint64_t page_alloc_free_frames(void)
{
    return free_frames;
}

uint64_t page_alloc_total_frames(void)
{
    return total_frames;
}

static int audit_fail(const char *what, uint64_t frame)
{
    printk(LOG_ERR "page_alloc: audit: %s (frame %#llx)\n", what, (unsigned long long)frame);
    return -HV_EINVAL;
}

/*
 * Walk one free list. The walk is bounded by the number of frames, and each
 * entry's prev must name the entry before it, so a cycle or a block listed
 * twice is caught.
 */
static int audit_list(unsigned int order, uint64_t *blocks)
{
    uint64_t prev = NO_FRAME, steps = 0;

    for (uint64_t f = free_list[order]; f != NO_FRAME; f = frame_table[f].next) {
        const struct page_info *pg;

        if (f >= nr_frames || ++steps > nr_frames)
            return audit_fail("free list leaves the frame table or loops", f);
        pg = &frame_table[f];
        if (pg->prev != prev)
            return audit_fail("free list back link is wrong", f);
        if (!is_free_block(f, order))
            return audit_fail("listed block is not a free head of the list's order", f);
        if (!IS_ALIGNED(f, order_frames(order)) || order_frames(order) > nr_frames - f)
            return audit_fail("listed block is misaligned or runs past the table", f);
        prev = f;
    }
    *blocks += steps;
    return 0;
}

/*
 * Walk the frame table block by block. Every free or allocated frame must
 * belong to a block whose head comes first and whose other frames are in
 * the same state and not heads, which also rules out overlapping blocks.
 */
static int audit_table(uint64_t *free_heads, uint64_t *nr_free)
{
    uint64_t f = 0;

    while (f < nr_frames) {
        const struct page_info *pg = &frame_table[f];
        uint64_t size;

        if (pg->state == PAGE_RESERVED) {
            if (pg->head)
                return audit_fail("reserved frame marked as a block head", f);
            f++;
            continue;
        }
        if (pg->state != PAGE_FREE && pg->state != PAGE_ALLOCATED)
            return audit_fail("frame has an unknown state", f);
        if (!pg->head)
            return audit_fail("frame outside any block", f);
        if (pg->order > PAGE_ORDER_MAX)
            return audit_fail("block order too large", f);
        size = order_frames(pg->order);
        if (!IS_ALIGNED(f, size) || size > nr_frames - f)
            return audit_fail("block is misaligned or runs past the table", f);
        for (uint64_t i = f + 1; i < f + size; i++)
            if (frame_table[i].state != pg->state || frame_table[i].head)
                return audit_fail("block frame differs from its head", i);

        if (pg->state == PAGE_FREE) {
            uint64_t buddy = f ^ size;

            /* Frees always merge, so two free buddies mean a missed merge. */
            if (pg->order < PAGE_ORDER_MAX && buddy < nr_frames && is_free_block(buddy, pg->order))
                return audit_fail("free block not merged with its free buddy", f);
            (*free_heads)++;
            *nr_free += size;
        }
        f += size;
    }
    return 0;
}

int page_alloc_audit(void)
{
    uint64_t listed = 0, free_heads = 0, nr_free = 0;
    int rc;

    if (!frame_table)
        return 0;
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++) {
        rc = audit_list(o, &listed);
        if (rc)
            return rc;
    }
    rc = audit_table(&free_heads, &nr_free);
    if (rc)
        return rc;
    /* Listed blocks are distinct free heads; equal counts mean all are listed. */
    if (listed != free_heads) {
        printk(LOG_ERR "page_alloc: audit: %llu free blocks, %llu on the free lists\n",
               (unsigned long long)free_heads, (unsigned long long)listed);
        return -HV_EINVAL;
    }
    if (nr_free != free_frames) {
        printk(LOG_ERR "page_alloc: audit: %llu free frames, counter says %llu\n",
               (unsigned long long)nr_free, (unsigned long long)free_frames);
        return -HV_EINVAL;
    }
    return 0;
}
