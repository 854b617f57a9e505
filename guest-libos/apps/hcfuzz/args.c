/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fuzzer's arguments (fuzz.h): pools of values at the ABI's edges, of
 * other domains' ids, ports and grant references (guessed: small numbers
 * are where they are), and of the fuzzer's own ports and mappings; where
 * a structure goes; and its mutation. Pointers go to the fuzzer's scratch
 * pages or, on purpose, to memory that is not its own: a released page (a
 * hole), across the edge of one, into another domain's page mapped
 * through a grant, above the 64 GiB the p2m can hold, near 2^64.
 */
#include <exo/hypercall.h>
#include <string.h>

#include "fuzz.h"

#define GFN_LIMIT (HV_MEMOP_GPA_LIMIT / PAGE_BYTES)

/* ---- pools ---------------------------------------------------------- */

uint64_t small_or_edge(struct fuzzer *f)
{
    const uint64_t pool[] = {0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 63, 64, 65, 511, 512, 513, 1023,
                             1024, 1025, 2047, 2048, 4095, 4096, 4097, 65535, 65536,
                             0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
                             0x100000001ull, 1ull << 63, UINT64_MAX, UINT64_MAX - 1};

    return below(f, 8) == 0 ? rnd(f) : PICK(f, pool);
}

uint64_t domid(struct fuzzer *f)
{
    const uint64_t pool[] = {0, 1, 2, 3, 4, 7, 8, 31, 32, 255, 0x7fff, 0xfffe, 0xffff,
                             0x10000, HV_DOMID_ANY, 0x100000001ull, UINT64_MAX};

    /* The other domains most of the time: that is where the harm would be. */
    if (below(f, 2))
        return below(f, 3);
    return PICK(f, pool);
}

uint64_t port(struct fuzzer *f)
{
    const uint64_t pool[] = {0, HV_EVTCHN_PORTS - 1, HV_EVTCHN_PORTS, HV_EVTCHN_PORTS + 1,
                             0x100000001ull, UINT64_MAX, 0xffffffff};

    switch (below(f, 4)) {
    case 0:
    case 1:
        return f->nports ? f->ports[below(f, f->nports)] : 1;
    case 2:
        return 1 + below(f, 16); /* guessed */
    default:
        return PICK(f, pool);
    }
}

uint64_t grant_ref(struct fuzzer *f)
{
    const uint64_t pool[] = {511, 512, 513, 1023, 1024, 2047, 2048, 2049, 0xffffffff,
                             0x100000000ull};

    return below(f, 3) ? below(f, 8) : PICK(f, pool);
}

uint64_t vcpu(struct fuzzer *f)
{
    const uint64_t pool[] = {0, 0, 1, 2, HV_MAX_VCPUS - 1, HV_MAX_VCPUS, 0xffffffff,
                             0x100000000ull};

    return PICK(f, pool);
}

/* A frame of other people's or of nobody's: past its memory, past what
 * the p2m holds, huge. */
uint64_t far_gfn(struct fuzzer *f)
{
    const uint64_t pool[] = {f->mem / PAGE_BYTES, f->mem / PAGE_BYTES + 1,
                             f->mem / PAGE_BYTES + 511, GFN_LIMIT - 1, GFN_LIMIT,
                             GFN_LIMIT + 1, 0xffffffff, 0x100000000ull, 1ull << 52,
                             UINT64_MAX, UINT64_MAX - 511};

    return PICK(f, pool);
}

/* A frame it may have written over, given back or named as its table: an
 * arena page, or one that is not its own. */
uint64_t safe_gfn(struct fuzzer *f)
{
    switch (below(f, 4)) {
    case 0:
        return victim_gfn(f, (unsigned int)below(f, VICTIM_PAGES));
    case 1:
        return arena_gfn(f, (unsigned int)below(f, ARENA_PAGES));
    case 2:
        return f->nmaps ? f->map_gpa[below(f, f->nmaps)] / PAGE_BYTES : far_gfn(f);
    default:
        return far_gfn(f);
    }
}

/* Any frame: for commands that only read or cannot overwrite. */
uint64_t any_gfn(struct fuzzer *f)
{
    if (below(f, 4) == 0)
        return below(f, f->mem / PAGE_BYTES); /* its code, its heap, its page tables... */
    if (below(f, 8) == 0)
        return below(f, 8); /* the boot pages */
    return safe_gfn(f);
}

uint64_t count(struct fuzzer *f, uint64_t limit)
{
    const uint64_t pool[] = {0, 1, 1, 2, 3, limit - 1, limit, limit + 1, 0xffffffff,
                             0x100000000ull, UINT64_MAX};

    return below(f, 2) ? 1 + below(f, 4) : PICK(f, pool);
}

/* ---- memory --------------------------------------------------------- */

static int is_hole(struct fuzzer *f, uint64_t gfn)
{
    f->probes++;
    return hv_memory_op(HV_MEMOP_query, (long)gfn, 0) == 0;
}

static int is_granted(struct fuzzer *f, uint64_t gfn)
{
    f->probes++;
    return hv_memory_op(HV_MEMOP_query, (long)gfn, 0) == HV_MEMOP_GRANTED;
}

/* A victim page that is its own, followed by a hole: the tail of the
 * first, with a marker in it, is where a half-valid structure goes. */
static uint8_t *hole_edge(struct fuzzer *f)
{
    unsigned int start = (unsigned int)below(f, VICTIM_PAGES - 1);

    for (unsigned int k = 0; k < VICTIM_PAGES - 1; k++) {
        unsigned int i = (start + k) % (VICTIM_PAGES - 1);

        f->probes++;
        if (hv_memory_op(HV_MEMOP_query, (long)victim_gfn(f, i), 0) == HV_MEMOP_OWN &&
            is_hole(f, victim_gfn(f, i + 1)))
            return (uint8_t *)(uintptr_t)((victim_gfn(f, i) + 1) * PAGE_BYTES);
    }
    return NULL;
}

/*
 * Where a structure of size bytes goes, and what the call may then do:
 * c->expect is set to EXPECT_EFAULT when the address is certainly not all
 * the fuzzer's own memory (checked with memory_op query where that can
 * change). Valid addresses get the bytes of obj.
 */
uint64_t place(struct fuzzer *f, struct call *c, const void *obj, size_t size)
{
    const uint64_t high[] = {HV_MEMOP_GPA_LIMIT, HV_MEMOP_GPA_LIMIT - size / 2 - 1,
                             1ull << 40, 1ull << 63, -(uint64_t)PAGE_BYTES,
                             UINT64_MAX - size / 2, UINT64_MAX};
    uint8_t *dst = NULL, *edge;
    uint64_t gpa, r = below(f, 16);

    if (size > SCRATCH_PAGES * PAGE_BYTES - 64)
        size = SCRATCH_PAGES * PAGE_BYTES - 64;
    c->expect = EXPECT_ANY;
    if (r < 8) { /* in scratch, aligned */
        dst = scratch_page(f, 0) + below(f, 8) * 8;
    } else if (r == 8) { /* unaligned */
        dst = scratch_page(f, 0) + 1 + below(f, 63);
    } else if (r == 9) { /* across a page boundary, still its own */
        dst = scratch_page(f, 1) - size / 2;
    } else if (r == 10) { /* a victim page, perhaps a hole */
        gpa = victim_gfn(f, (unsigned int)below(f, VICTIM_PAGES)) * PAGE_BYTES;
        if (is_hole(f, gpa / PAGE_BYTES))
            c->expect = EXPECT_EFAULT;
        return gpa;
    } else if (r == 11 && (edge = hole_edge(f))) { /* half its own, half a hole */
        c->marker = edge - MARKER_BYTES;
        for (unsigned int i = 0; i < MARKER_BYTES; i++)
            c->marker[i] = (uint8_t)(0xa5 ^ i);
        c->expect = EXPECT_EFAULT;
        return (uint64_t)(uintptr_t)edge - (size > 1 ? size / 2 : 1);
    } else if (r == 12 && f->nmaps) { /* another domain's page, mapped */
        gpa = f->map_gpa[below(f, f->nmaps)] + below(f, PAGE_BYTES / 8) * 8;
        if (is_granted(f, gpa / PAGE_BYTES) && gpa % PAGE_BYTES + size <= PAGE_BYTES)
            c->expect = EXPECT_EFAULT;
        return gpa;
    } else if (r == 13) { /* where the p2m cannot reach, or wrapping */
        c->expect = EXPECT_EFAULT;
        return PICK(f, high);
    } else { /* past its memory, or page 0: perhaps populated since */
        return below(f, 2) ? 0
                           : f->mem + below(f, 4) * PAGE_BYTES +
                                 below(f, 2) * (PAGE_BYTES - size / 2);
    }
    memcpy(dst, obj, size);
    return (uint64_t)(uintptr_t)dst;
}

/* ---- structures ----------------------------------------------------- */

/* Often, damage a valid structure: flip bits, set bytes or 32-bit fields
 * to values at the edges. */
void mutate(struct fuzzer *f, void *obj, size_t size)
{
    const uint32_t edges[] = {0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 4096, 1024, 1023};
    uint8_t *p = obj;

    if (!size || below(f, 3))
        return;
    for (uint64_t n = 1 + below(f, 4); n; n--) {
        size_t at = below(f, size);
        uint32_t v;

        switch (below(f, 3)) {
        case 0:
            p[at] ^= (uint8_t)(1u << below(f, 8));
            break;
        case 1:
            p[at] = below(f, 2) ? 0xff : 0;
            break;
        default:
            at &= ~(size_t)3;
            if (at + 4 <= size) {
                v = PICK(f, edges);
                memcpy(p + at, &v, 4);
            }
        }
    }
}
