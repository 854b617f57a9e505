/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fuzzer's inside: one generated call (gen.c makes them from the
 * arguments of args.c; fuzz.c makes and judges them) and the state
 * generation draws on.
 */
#ifndef HCFUZZ_FUZZ_H
#define HCFUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "hcfuzz.h"

#define PAGE_BYTES 4096u

/*
 * The fuzzer's own pages, one page-aligned arena: structures it passes
 * (scratch), the frames it names as its grant table (table), and frames it
 * gives back and takes again (victim). Only the hypervisor touches a victim
 * page: it may be a hole at any time.
 */
#define SCRATCH_PAGES 4
#define TABLE_PAGES 4
#define VICTIM_PAGES 8
#define ARENA_PAGES (SCRATCH_PAGES + TABLE_PAGES + VICTIM_PAGES)

/* What a call's result must be, beyond being 0, positive or a known
 * -HV_Exxx. */
enum expect {
    EXPECT_ANY,
    EXPECT_EFAULT, /* it reads or writes memory that is not the caller's own */
    EXPECT_EPERM,  /* a control operation, from an ordinary domain */
    EXPECT_ENOSYS, /* no such hypercall */
};

#define MARKER_BYTES 64

struct call {
    long nr, a[6];
    enum expect expect;
    uint8_t *marker; /* if set: MARKER_BYTES there must not change */
};

#define TRACKED 32

struct fuzzer {
    uint64_t rng;
    uint64_t mem;       /* bytes of memory the domain has */
    uint32_t self;      /* its domain id */
    uint8_t *arena;     /* ARENA_PAGES pages */
    uint64_t probes;    /* memory_op queries made to classify pointers */
    uint64_t ports_got, maps_got; /* ports and grant mappings it obtained */
    uint32_t ports[TRACKED];   /* ports it got, most recent first-come */
    uint64_t map_gpa[TRACKED]; /* where grant mappings were made */
    uint32_t handles[TRACKED]; /* and their handles */
    unsigned int nports, nmaps;
};

/* Page i of the arena. */
static inline uint8_t *scratch_page(struct fuzzer *f, unsigned int i)
{
    return f->arena + (uint64_t)i * PAGE_BYTES;
}

/* ---- args.c: arguments ---- */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline uint64_t rnd(struct fuzzer *f)
{
    return splitmix64(&f->rng);
}

static inline uint64_t below(struct fuzzer *f, uint64_t n)
{
    return rnd(f) % n;
}

#define PICK(f, pool) ((pool)[below(f, ARRAY_SIZE(pool))])

static inline uint64_t arena_gfn(struct fuzzer *f, unsigned int page)
{
    return (uint64_t)(uintptr_t)scratch_page(f, page) / PAGE_BYTES;
}

static inline uint64_t victim_gfn(struct fuzzer *f, unsigned int i)
{
    return arena_gfn(f, SCRATCH_PAGES + TABLE_PAGES + i);
}

/* Values of each kind: mostly at the edges or guessed, sometimes raw. */
uint64_t small_or_edge(struct fuzzer *f);
uint64_t domid(struct fuzzer *f);
uint64_t port(struct fuzzer *f);
uint64_t grant_ref(struct fuzzer *f);
uint64_t vcpu(struct fuzzer *f);
uint64_t count(struct fuzzer *f, uint64_t limit);
/* Frames: of nobody (far), that it may overwrite or give back (safe: the
 * arena's, or not its own), or any (for what only reads). */
uint64_t far_gfn(struct fuzzer *f);
uint64_t safe_gfn(struct fuzzer *f);
uint64_t any_gfn(struct fuzzer *f);
/* The guest-physical address for a structure of size bytes, holding obj
 * if the address is valid; sets c->expect (and c->marker) for addresses
 * that are certainly not all the fuzzer's own. */
uint64_t place(struct fuzzer *f, struct call *c, const void *obj, size_t size);
/* Often, damage a valid structure. */
void mutate(struct fuzzer *f, void *obj, size_t size);

/* ---- gen.c: calls ---- */

void gen_init(struct fuzzer *f, uint64_t seed);
/* A random, often mutated, call that cannot legitimately end the caller. */
void gen_call(struct fuzzer *f, struct call *c);
/* Learn ports and mappings from a call that was made. */
void gen_learn(struct fuzzer *f, const struct call *c, long result);

#endif
