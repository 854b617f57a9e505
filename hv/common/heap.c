/* SPDX-License-Identifier: GPL-2.0-only */
/* Zeroed pages for the hypervisor's own objects; see hv/heap.h. */
#include <hv/arch.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <string.h>

void *heap_alloc_page(void)
{
    mfn_t mfn;
    void *p;

    if (page_alloc(0, &mfn))
        return NULL;
    p = arch_frame_virt(mfn);
    memset(p, 0, PAGE_SIZE);
    return p;
}

void heap_free_page(void *p)
{
    if (p)
        BUG_ON(page_free(arch_virt_frame(p), 0));
}
