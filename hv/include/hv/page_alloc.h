/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The frame table and the buddy allocator of machine frames.
 *
 * Every machine frame below the top of RAM has a struct page_info. A frame
 * is reserved (firmware, the hypervisor image, boot modules, the frame table
 * itself), free (in the buddy allocator), or allocated (it then has an owner:
 * the hypervisor or a domain). Free blocks are kept on per-order lists linked
 * through their page_info, so the allocator never touches the memory it
 * manages and can be unit-tested on the host.
 *
 * Locking: none yet; the hypervisor runs on one CPU with interrupts off.
 */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include <hv/types.h>

struct domain;

#define PAGE_ORDER_MAX 18 /* largest block: 2^18 frames = 1 GiB */

/* page_info.state */
enum page_state {
    PAGE_RESERVED = 0, /* not managed by the allocator */
    PAGE_FREE,         /* in the allocator; order valid on a block's head */
    PAGE_ALLOCATED,    /* handed out; order valid on a block's head */
};

struct page_info {
    uint64_t next, prev;   /* free-list links (frame numbers), head only */
    uint8_t state;         /* enum page_state */
    uint8_t order;         /* block order, valid on a block's first frame */
    uint8_t head;          /* first frame of a free or allocated block */
    uint8_t pad;
    uint32_t count;        /* references (mappings) */
    struct domain *owner;  /* NULL: the hypervisor itself */
};

/*
 * Start managing nr_frames frames described by table (all marked reserved).
 * table must have nr_frames entries. Returns 0 or -HV_EINVAL.
 */
int page_alloc_init(struct page_info *table, uint64_t nr_frames) __must_check;

/* Hand [start, start + nr) to the allocator as free memory, coalescing with
 * free neighbours. Returns 0 or -HV_EINVAL (out of range, or a frame in the
 * range is not reserved). */
int page_alloc_add_range(mfn_t start, uint64_t nr) __must_check;

/* Allocate 2^order contiguous frames aligned to 2^order frames.
 * Returns 0 and the first frame in *mfn, or -HV_ENOMEM / -HV_EINVAL. */
int page_alloc(unsigned int order, mfn_t *mfn) __must_check;

/* Free a block returned by page_alloc() with the same order. Detects double
 * frees and mismatched orders. The caller must have dropped every reference
 * first; the frames' count and owner are cleared. Returns 0 or -HV_EINVAL. */
int page_free(mfn_t mfn, unsigned int order) __must_check;

/* The page_info of a frame, or NULL when the frame is outside the table. */
struct page_info *mfn_to_page(mfn_t mfn);

/* Make an allocated block of 2^order frames into 2^order blocks of one
 * frame, each to be freed on its own. Returns 0 or -HV_EINVAL. */
int page_alloc_split(mfn_t mfn, unsigned int order) __must_check;

/* Number of free frames. */
uint64_t page_alloc_free_frames(void);

/* Number of frames ever given to the allocator (free or allocated now). */
uint64_t page_alloc_total_frames(void);

/* Check the allocator's invariants: every free block is on the list of its
 * order, aligned, not overlapping another, its frames all marked free, and
 * the free count matches. Returns 0 or -HV_EINVAL (and prints why). */
int page_alloc_audit(void) __must_check;

#endif
