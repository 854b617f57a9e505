/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whole zeroed pages for the hypervisor's own objects (domains, vCPUs,
 * control blocks, page tables), taken from the frame allocator.
 */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include <hv/types.h>

/* A zeroed page, or NULL when memory is exhausted. */
void *heap_alloc_page(void);
/* Return a page from heap_alloc_page(); NULL is ignored. */
void heap_free_page(void *p);

#endif
