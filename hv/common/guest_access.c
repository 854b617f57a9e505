/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only way hypervisor code reaches guest memory: copies through the
 * domain's p2m, every page checked first, so a bad range copies nothing.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/errno.h>
#include <string.h>

/* Walk [gpa, gpa + len) page by page; fn gets the hypervisor address of
 * each piece. -HV_EFAULT if any page is unmapped (or not writable when
 * write is set), before fn has seen any piece. */
static int guest_access(struct domain *d, uint64_t gpa, size_t len, bool write,
                        void (*fn)(void *hv, size_t off, size_t n, void *ctx), void *ctx)
{
    uint64_t end;
    mfn_t mfn;
    unsigned int perms;

    if (add_overflow(gpa, (uint64_t)len, &end))
        return -HV_EFAULT;
    /* Check every page first, so a failure has no side effect. Only the
     * domain's own frames count (wherever populated): another domain's
     * frame mapped through a grant could change under the hypervisor. */
    for (uint64_t p = ALIGN_DOWN(gpa, PAGE_SIZE); p < end; p += PAGE_SIZE) {
        const struct page_info *pg;

        if (arch_p2m_lookup(d, _gfn(p >> PAGE_SHIFT), &mfn, &perms) ||
            (write && !(perms & P2M_W)))
            return -HV_EFAULT;
        pg = mfn_to_page(mfn);
        if (!pg || pg->owner != d)
            return -HV_EFAULT;
    }
    for (size_t done = 0; done < len;) {
        uint64_t a = gpa + done;
        size_t n = MIN(len - done, (size_t)(PAGE_SIZE - (a & (PAGE_SIZE - 1))));

        BUG_ON(arch_p2m_lookup(d, _gfn(a >> PAGE_SHIFT), &mfn, &perms));
        fn((uint8_t *)arch_frame_virt(mfn) + (a & (PAGE_SIZE - 1)), done, n, ctx);
        done += n;
    }
    return 0;
}

static void piece_from(void *hv, size_t off, size_t n, void *ctx) { memcpy((uint8_t *)ctx + off, hv, n); }
static void piece_to(void *hv, size_t off, size_t n, void *ctx) { memcpy(hv, (const uint8_t *)ctx + off, n); }
static void piece_clear(void *hv, size_t off, size_t n, void *ctx) { memset(hv, 0, n); }

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return guest_access(d, gpa, len, false, piece_from, dst);
}

int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return guest_access(d, gpa, len, true, piece_to, (void *)(uintptr_t)src);
}

int clear_guest(struct domain *d, uint64_t gpa, size_t len)
{
    return guest_access(d, gpa, len, true, piece_clear, NULL);
}


static void piece_none(void *hv, size_t off, size_t n, void *ctx) {}

bool guest_range_ok(struct domain *d, uint64_t gpa, size_t len, bool write)
{
    return guest_access(d, gpa, len, write, piece_none, NULL) == 0;
}
