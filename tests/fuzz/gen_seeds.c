/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writes the seed corpus of the hypercall fuzzer (tests/fuzz/corpus/
 * hypercalls/): a few inputs per hypercall family that each reach a state
 * worth mutating from (a grant mapped, a channel bound, a domain being
 * built), plus the inputs that reproduced bugs the fuzzer found; and its
 * dictionary (tests/fuzz/hypercalls.dict): raw fields with the values
 * that matter at the ABI's edges, and step headers. It uses the same
 * definitions of the format as the harness (hypercalls.h), so a change of
 * the format is a change here too: `make fuzz-seeds` rewrites both, and
 * the diff shows what moved.
 *
 *   gen_seeds CORPUS-DIR DICTIONARY
 */
#include "hypercalls.h"

#include <public/hv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t input[8192];
static size_t length, step_start;
static const char *dir;

static void byte(uint8_t b)
{
    if (length == sizeof(input)) {
        fprintf(stderr, "gen_seeds: a seed outgrew %zu bytes\n", sizeof(input));
        exit(1);
    }
    input[length++] = b;
}

/* A field: entry idx of its pool. */
static void sel(unsigned int idx)
{
    byte((uint8_t)idx);
}

/* A field: a raw value. */
static void raw(uint64_t v)
{
    byte(FUZZ_RAW);
    for (unsigned int i = 0; i < 8; i++)
        byte((uint8_t)(v >> (8 * i)));
}

static void bytes(const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        byte(((const uint8_t *)p)[i]);
}

static void begin(uint8_t config)
{
    length = 0;
    byte(config);
}

/* A step of vCPU vcpu of domain dom; its length is filled in by done(). */
static void step(unsigned int dom, unsigned int vcpu, enum fuzz_op op)
{
    byte((uint8_t)(dom | vcpu << 3));
    byte((uint8_t)op);
    byte(0);
    step_start = length;
}

static void done(void)
{
    if (length - step_start > 255) {
        fprintf(stderr, "gen_seeds: a step of %zu bytes\n", length - step_start);
        exit(1);
    }
    input[step_start - 1] = (uint8_t)(length - step_start);
}

static void save(const char *name)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(input, 1, length, f) != length || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* ---- steps used by several seeds ------------------------------------------------ */

/* d sets up a one-frame grant table at FUZZ_TABLE_GFN. */
static void setup_table(unsigned int d)
{
    step(d, 0, FUZZ_OP_GNT_SETUP);
    sel(GFN_TABLE);
    sel(FRAMES_1);
    done();
}

/* d grants ref to grantee (a DOMID pool entry): its frame gfn_sel. */
static void grant_entry(unsigned int d, uint32_t ref, unsigned int grantee, unsigned int gfn_sel,
                        unsigned int flags)
{
    step(d, 0, FUZZ_OP_GNT_ENTRY);
    raw(ref);
    sel(grantee);
    sel(gfn_sel);
    sel(flags);
    done();
}

/* d maps ref of granter (DOMID entry) at FUZZ_MAP_GFN + slot. */
static void map(unsigned int d, uint32_t ref, unsigned int granter, unsigned int slot,
                unsigned int flags)
{
    step(d, 0, FUZZ_OP_GNT_MAP);
    byte(0); /* one element */
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(MAP_0 + slot);
    raw(ref);
    sel(granter);
    sel(flags);
    sel(SMALL_7); /* status and handle: garbage the call overwrites */
    sel(SMALL_MAX);
    done();
}

static void unmap_last(unsigned int d)
{
    step(d, 0, FUZZ_OP_GNT_UNMAP);
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(HANDLE_LAST);
    done();
}

/* d stores n bytes of text at what TOUCH entry touch names. */
static void store(unsigned int d, unsigned int touch, const char *text)
{
    step(d, 0, FUZZ_OP_MEMORY);
    byte(1);
    sel(touch);
    byte((uint8_t)strlen(text));
    bytes(text, strlen(text));
    done();
}

/* d stores n bytes (NULs allowed) at what TOUCH entry touch names. */
static void store_bytes(unsigned int d, unsigned int touch, const void *p, uint8_t n)
{
    step(d, 0, FUZZ_OP_MEMORY);
    byte(1);
    sel(touch);
    byte(n);
    bytes(p, n);
    done();
}

static void load(unsigned int d, unsigned int touch, uint8_t n)
{
    step(d, 0, FUZZ_OP_MEMORY);
    byte(0);
    sel(touch);
    byte(n);
    for (unsigned int i = 0; i < n; i++)
        byte(0);
    done();
}

static void domctl_id(unsigned int cmd, unsigned int domid)
{
    step(0, 0, FUZZ_OP_DOMCTL_ID);
    byte((uint8_t)cmd); /* 0 destroy, 1 pause, 2 unpause */
    sel(domid);
    done();
}

static void sched(unsigned int d, unsigned int vcpu, unsigned int cmd, unsigned int arg1,
                  unsigned int arg2)
{
    step(d, vcpu, FUZZ_OP_SCHED);
    sel(cmd);
    sel(arg1);
    sel(arg2);
    done();
}

static void port_op(unsigned int d, enum fuzz_op op, unsigned int port)
{
    step(d, 0, op);
    sel(port);
    done();
}

static void console(unsigned int d, const char *text)
{
    step(d, 0, FUZZ_OP_CONSOLE_WRITE);
    raw(strlen(text));
    sel(GPA_ARRAY);
    byte((uint8_t)strlen(text));
    bytes(text, strlen(text));
    done();
}

/* ---- the seeds ------------------------------------------------------------------- */

static void seed_console(void)
{
    begin(0);
    console(1, "hello from d1\n");
    console(2, "a line without its end");
    /* The buffer across the end of memory, and all of memory at once. */
    step(2, 0, FUZZ_OP_CONSOLE_WRITE);
    sel(LEN_8);
    sel(GPA_END_STRADDLE);
    byte(0);
    done();
    step(1, 0, FUZZ_OP_CONSOLE_WRITE);
    sel(LEN_MAX);
    sel(GPA_ZERO);
    byte(0);
    done();
    save("console");
}

/* d's console ring: in_cons, in_prod, out_cons, out_prod, then a notify
 * (console_write of no bytes) that drains it. */
static void ring_notify(unsigned int d, uint32_t out_cons, uint32_t out_prod)
{
    uint32_t idx[4] = {0, 0, out_cons, out_prod};

    store_bytes(d, TOUCH_CONSOLE_INDICES, idx, sizeof(idx));
    step(d, 0, FUZZ_OP_CONSOLE_WRITE);
    sel(LEN_0);
    done();
}

/* d1 writes lines through its console ring: one, one across the ring's
 * end, then indices further apart than the ring is long. */
static void seed_console_ring(void)
{
    begin(0);
    store(1, TOUCH_CONSOLE_OUT, "a line through the ring\n");
    ring_notify(1, 0, 24);
    ring_notify(1, 2040, 2070);
    ring_notify(1, 0, 5000);
    save("console-ring");
}

static void seed_sched(void)
{
    begin(FUZZ_END_ASCENDING << 4 | 1); /* d1 has two vCPUs */
    sched(1, 0, SCHED_CMD_SET_TIMER, TIME_10MS, SMALL_0);
    sched(1, 0, SCHED_CMD_BLOCK, SMALL_0, SMALL_0);
    sched(2, 0, SCHED_CMD_YIELD, SMALL_0, SMALL_0);
    sched(1, 1, SCHED_CMD_SET_TIMER, TIME_PAST, SMALL_0);
    sched(1, 1, SCHED_CMD_YIELD, SMALL_0, SMALL_0);
    sched(1, 1, SCHED_CMD_SET_TIMER, TIME_ZERO, SMALL_0); /* cancels it */
    sched(2, 0, SCHED_CMD_SHUTDOWN, SMALL_3, SMALL_0); /* a bad reason */
    sched(2, 0, SCHED_CMD_4, SMALL_0, SMALL_0);
    sched(1, 0, SCHED_CMD_YIELD, SMALL_0, SMALL_0);
    sched(2, 0, SCHED_CMD_SHUTDOWN, SMALL_0, SMALL_U32_MAX);
    save("sched");
}

static void seed_vcpu(void)
{
    begin(3); /* d1 has four vCPUs */
    step(1, 0, FUZZ_OP_VCPU);
    sel(VCPUOP_COUNT);
    done();
    step(1, 2, FUZZ_OP_VCPU); /* vCPU 2 goes down, vCPU 0 brings it back */
    sel(VCPUOP_DOWN);
    sel(VCPU_SELF);
    done();
    step(1, 0, FUZZ_OP_VCPU);
    sel(VCPUOP_UP);
    sel(VCPU_2);
    raw(0x100000);
    sel(SMALL_0);
    done();
    step(1, 0, FUZZ_OP_VCPU);
    sel(VCPUOP_DOWN);
    sel(VCPU_0);
    done();
    step(1, 0, FUZZ_OP_VCPU);
    sel(VCPUOP_UP);
    sel(VCPU_32);
    done();
    save("vcpu");
}

static void seed_grant_map(void)
{
    begin(0);
    setup_table(1);
    grant_entry(1, 0, DOMID_2, GFN_DATA, GTF_RW);
    grant_entry(1, 1, DOMID_2, GFN_DATA_1, GTF_RO);
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);
    map(2, 1, DOMID_1, 1, MAPFLAGS_RO);
    map(2, 1, DOMID_1, 2, MAPFLAGS_RW); /* refused: read-only grant */
    grant_entry(1, 2, DOMID_SELF, GFN_DATA, GTF_RW);
    map(1, 2, DOMID_SELF, 3, MAPFLAGS_RW); /* refused: its own grant */
    store(2, TOUCH_MAP_0, "through the grant");
    load(2, TOUCH_MAP_1, 16);
    step(1, 0, FUZZ_OP_GNT_QUERY);
    byte(1);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(REF_0);
    sel(REF_1);
    done();
    step(1, 0, FUZZ_OP_GNT_END_ACCESS); /* refused while mapped */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(REF_0);
    done();
    unmap_last(2);
    store(2, TOUCH_MAP_1, "x"); /* a store to the read-only mapping: d2 dies */
    save("grant-map");
}

static void seed_grant_copy(void)
{
    begin(0);
    setup_table(1);
    grant_entry(1, 0, DOMID_2, GFN_DATA, GTF_RW);
    grant_entry(1, 1, DOMID_2, GFN_DATA_1, GTF_RO);
    step(2, 0, FUZZ_OP_GNT_COPY);
    byte(1); /* two elements */
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    /* own frame -> ref 0 of d1 */
    sel(COPYFLAGS_DST);
    sel(GFN_DATA), sel(DOMID_SELF), sel(OFFSET_0), sel(SMALL_0);
    sel(REF_0), sel(DOMID_1), sel(OFFSET_8), sel(SMALL_0);
    sel(LEN_4095); /* one byte too many for offset 8 */
    /* ref 1 of d1 (read-only) -> own frame */
    sel(COPYFLAGS_SRC);
    sel(REF_1), sel(DOMID_1), sel(OFFSET_2048), sel(SMALL_0);
    sel(GFN_DATA), sel(DOMID_SELF), sel(OFFSET_0), sel(SMALL_0);
    sel(LEN_8);
    done();
    save("grant-copy");
}

/* The granter dies with its frame mapped; the grantee still uses it. */
static void seed_grant_orphan(void)
{
    begin(FUZZ_END_DESCENDING << 4);
    setup_table(1);
    grant_entry(1, 0, DOMID_2, GFN_DATA, GTF_RW);
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);
    domctl_id(0, DOMID_1);
    store(2, TOUCH_MAP_0, "still mine");
    unmap_last(2);
    save("grant-orphan");
}

static void getinfo(unsigned int domid)
{
    step(0, 0, FUZZ_OP_DOMCTL_GETINFO);
    sel(GPA_ARRAY);
    sel(domid);
    done();
}

/* A create too large for one call (16 MiB: eight 2 MiB blocks, four per
 * call) restarts and finishes; getinfo sees a paused and a shut-down
 * domain. */
static void seed_domctl_create_restart(void)
{
    static const char name[] = "large";

    begin(0);
    step(0, 0, FUZZ_OP_DOMCTL_CREATE);
    sel(GPA_ARRAY);
    sel(DOMID_ANY);
    sel(VCPU_1);
    raw(16ull << 20);
    byte(sizeof(name) - 1);
    bytes(name, sizeof(name) - 1);
    done();
    getinfo(DOMID_CREATED);
    domctl_id(1, DOMID_1);
    getinfo(DOMID_1);
    step(0, 0, FUZZ_OP_DOMCTL_SHUTDOWN);
    sel(GPA_ARRAY);
    sel(DOMID_2);
    sel(SMALL_0), sel(SMALL_0), sel(SMALL_0);
    done();
    getinfo(DOMID_2);
    domctl_id(0, DOMID_CREATED);
    save("domctl-create-restart");
}

static void seed_domctl_build(void)
{
    static const char name[] = "built";

    begin(0);
    step(0, 0, FUZZ_OP_DOMCTL_CREATE);
    sel(GPA_ARRAY);
    sel(DOMID_ANY);
    sel(VCPU_1);
    sel(MEMORY_4M);
    byte(sizeof(name) - 1);
    bytes(name, sizeof(name) - 1);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_COPY_TO);
    sel(GPA_ARRAY);
    sel(DOMID_CREATED);
    sel(SMALL_0);
    raw(0x100000);
    sel(GPA_BUF);
    sel(LEN_4096);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_VCPU_CONTEXT);
    byte(1);
    sel(GPA_ARRAY);
    sel(DOMID_CREATED);
    sel(VCPU_0);
    raw(0x100000);
    sel(SMALL_0);
    done();
    domctl_id(2, DOMID_CREATED);
    console(3, "the new domain runs\n"); /* the lowest free id: 3 */
    step(0, 0, FUZZ_OP_DOMCTL_GETINFO);
    sel(GPA_ARRAY);
    sel(DOMID_CREATED);
    done();
    domctl_id(1, DOMID_CREATED);
    step(0, 0, FUZZ_OP_DOMCTL_SHUTDOWN);
    sel(GPA_ARRAY);
    sel(DOMID_CREATED);
    sel(SMALL_2);
    sel(SMALL_7);
    sel(SMALL_0);
    done();
    domctl_id(0, DOMID_CREATED);
    save("domctl-build");
}

static void seed_domctl_misc(void)
{
    begin(FUZZ_D3_PAUSED << 2);
    step(0, 0, FUZZ_OP_DOMCTL_GETINFO);
    sel(GPA_ARRAY);
    sel(DOMID_0);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_WEIGHT);
    sel(GPA_ARRAY);
    sel(DOMID_1);
    sel(WEIGHT_512);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_VCPU_CONTEXT);
    byte(0);
    sel(GPA_ARRAY);
    sel(DOMID_3);
    sel(VCPU_1);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_COPY_TO); /* into the paused d3, across its end */
    sel(GPA_ARRAY);
    sel(DOMID_3);
    sel(SMALL_0);
    sel(GPA_END_STRADDLE);
    sel(GPA_BUF);
    sel(LEN_65536);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_AFFINITY);
    sel(GPA_ARRAY);
    sel(DOMID_1);
    sel(VCPU_0);
    sel(SMALL_0);
    sel(SMALL_0);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_AFFINITY); /* a CPU the machine does not have */
    sel(GPA_ARRAY);
    sel(DOMID_3);
    sel(VCPU_1);
    sel(SMALL_1);
    sel(SMALL_0);
    done();
    step(0, 0, FUZZ_OP_DOMCTL_MAX_MEM); /* not page-aligned */
    sel(GPA_ARRAY);
    sel(DOMID_2);
    sel(SMALL_0);
    sel(MEMORY_4M_PLUS_1);
    done();
    step(1, 0, FUZZ_OP_DOMCTL_ID); /* not the control domain */
    byte(0);
    sel(DOMID_2);
    done();
    for (unsigned int cmd = SMALL_0; cmd <= SMALL_3; cmd++) {
        step(0, 0, FUZZ_OP_SYSCTL);
        sel(cmd);
        sel(GPA_ARRAY);
        sel(SMALL_0);
        sel(GPA_BUF);
        sel(LEN_4096);
        done();
    }
    save("domctl-misc");
}

static void seed_evtchn(void)
{
    begin(0);
    step(1, 0, FUZZ_OP_EVTCHN_ALLOC_UNBOUND);
    sel(GPA_ARRAY);
    sel(DOMID_2);
    done();
    step(2, 0, FUZZ_OP_EVTCHN_BIND_INTERDOMAIN);
    sel(GPA_ARRAY);
    sel(DOMID_PEER);
    sel(PORT_PEER);
    sel(SMALL_0);
    done();
    port_op(2, FUZZ_OP_EVTCHN_SEND, PORT_LAST);
    port_op(1, FUZZ_OP_EVTCHN_SEND, PORT_PEER);
    step(1, 0, FUZZ_OP_EVTCHN_STATUS);
    sel(GPA_ARRAY);
    sel(PORT_PEER);
    done();
    store(1, TOUCH_EVTCHN_MASK, "\xff\xff");
    port_op(2, FUZZ_OP_EVTCHN_SEND, PORT_LAST);
    port_op(1, FUZZ_OP_EVTCHN_UNMASK, PORT_PEER);
    step(1, 0, FUZZ_OP_EVTCHN_SEND_BATCH);
    byte(2); /* three ports, one of them bad */
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(PORT_PEER), sel(PORT_PEER), sel(PORT_1024);
    done();
    port_op(2, FUZZ_OP_EVTCHN_CLOSE, PORT_LAST);
    port_op(1, FUZZ_OP_EVTCHN_SEND, PORT_PEER);
    save("evtchn");
}

static void seed_evtchn_virq(void)
{
    begin(1); /* d1 has two vCPUs */
    step(1, 0, FUZZ_OP_EVTCHN_BIND_VIRQ);
    sel(GPA_ARRAY);
    sel(VIRQ_TIMER);
    sel(VCPU_0);
    sel(SMALL_0);
    done();
    step(1, 0, FUZZ_OP_EVTCHN_BIND_VCPU);
    sel(GPA_ARRAY);
    sel(PORT_LAST);
    sel(VCPU_1);
    done();
    sched(1, 0, SCHED_CMD_SET_TIMER, TIME_10MS, SMALL_0);
    sched(1, 0, SCHED_CMD_BLOCK, SMALL_0, SMALL_0);
    step(0, 0, FUZZ_OP_EVTCHN_BIND_VIRQ);
    sel(GPA_ARRAY);
    sel(VIRQ_DOM_EXC);
    sel(VCPU_0);
    sel(SMALL_0);
    done();
    sched(2, 0, SCHED_CMD_SHUTDOWN, SMALL_2, SMALL_0);
    step(1, 1, FUZZ_OP_EXIT);
    byte(EXIT_KIND_HALT); /* nothing armed: it dies */
    done();
    save("evtchn-virq");
}

static void alloc_unbound(unsigned int d, unsigned int remote)
{
    step(d, 0, FUZZ_OP_EVTCHN_ALLOC_UNBOUND);
    sel(GPA_ARRAY);
    sel(remote);
    done();
}

static void bind_interdomain(unsigned int d, unsigned int remote, unsigned int port)
{
    step(d, 0, FUZZ_OP_EVTCHN_BIND_INTERDOMAIN);
    sel(GPA_ARRAY);
    sel(remote);
    sel(port);
    sel(SMALL_0);
    done();
}

/* The refusals of the event channel ops, each once, around one good
 * channel between d1 and d2 that moves to d1's second vCPU. */
static void seed_evtchn_edges(void)
{
    begin(1); /* d1 has two vCPUs */
    alloc_unbound(1, DOMID_2);
    bind_interdomain(0, DOMID_PEER, PORT_PEER);  /* offered to d2, not d0 */
    bind_interdomain(2, DOMID_FREE, PORT_PEER);  /* no such domain */
    bind_interdomain(2, DOMID_PEER, PORT_0);     /* not an unbound port */
    port_op(1, FUZZ_OP_EVTCHN_SEND, PORT_PEER);  /* nobody at the other end yet */
    bind_interdomain(2, DOMID_PEER, PORT_PEER);
    step(1, 0, FUZZ_OP_EVTCHN_BIND_VCPU);
    sel(GPA_ARRAY);
    sel(PORT_PEER);
    sel(VCPU_1);
    done();
    port_op(2, FUZZ_OP_EVTCHN_SEND, PORT_LAST);
    port_op(2, FUZZ_OP_EVTCHN_SEND, PORT_LAST);  /* still pending */
    step(2, 0, FUZZ_OP_EVTCHN_SEND_BATCH);       /* two good ports */
    byte(1);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(PORT_LAST), sel(PORT_LAST);
    done();
    step(2, 0, FUZZ_OP_EVTCHN_SEND_BATCH);       /* more than the ABI takes */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_65);
    sel(PORT_LAST);
    done();
    step(1, 0, FUZZ_OP_EVTCHN_BIND_VIRQ);
    sel(GPA_ARRAY);
    sel(VIRQ_CONSOLE);
    sel(VCPU_0);
    sel(SMALL_0);
    done();
    step(1, 0, FUZZ_OP_EVTCHN_BIND_VIRQ);        /* bound already */
    sel(GPA_ARRAY);
    sel(VIRQ_CONSOLE);
    sel(VCPU_0);
    sel(SMALL_0);
    done();
    step(1, 0, FUZZ_OP_EVTCHN_STATUS);
    sel(GPA_ARRAY);
    sel(PORT_LAST);
    done();
    port_op(1, FUZZ_OP_EVTCHN_SEND, PORT_LAST);  /* VIRQs come from the hypervisor */
    step(1, 0, FUZZ_OP_RAW);                     /* an evtchn_op command that does not exist */
    sel(HC_EVTCHN);
    byte(0), sel(SMALL_255);
    done();
    step(1, 0, FUZZ_OP_RAW);                     /* a grant_table_op command that does not exist */
    sel(HC_GRANT);
    byte(0), sel(SMALL_255);
    done();
    save("evtchn-edges");
}

/* The refusals of grant map, copy and setup, each once. */
static void seed_grant_edges(void)
{
    begin(0);
    setup_table(1);
    grant_entry(1, 0, DOMID_2, GFN_DATA, GTF_RW);
    grant_entry(1, 1, DOMID_0, GFN_DATA_1, GTF_RW);
    map(2, 1, DOMID_1, 0, MAPFLAGS_RW);     /* granted to d0, not d2 */
    map(2, 0, DOMID_FREE, 0, MAPFLAGS_RW);  /* no such granter */
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);     /* the place is taken */
    map(0, 0, DOMID_1, 0, MAPFLAGS_RW);     /* mapped by d2 already */
    step(2, 0, FUZZ_OP_GNT_MAP);            /* not page-aligned */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(MAP_UNALIGNED);
    raw(0);
    sel(DOMID_1);
    sel(MAPFLAGS_RW);
    done();
    step(1, 0, FUZZ_OP_GNT_SETUP);          /* a new table while a grant is mapped */
    sel(GFN_TABLE);
    sel(FRAMES_2);
    done();
    step(2, 0, FUZZ_OP_GNT_UNMAP);          /* no such handle */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(HANDLE_U32_MAX);
    done();
    step(2, 0, FUZZ_OP_GNT_COPY);           /* from the granted frame to d2's own */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(COPYFLAGS_SRC);
    raw(0), sel(DOMID_1), sel(OFFSET_0), sel(SMALL_0);
    sel(GFN_DATA), sel(DOMID_SELF), sel(OFFSET_8), sel(SMALL_0);
    sel(LEN_8);
    done();
    step(2, 0, FUZZ_OP_GNT_COPY);           /* across the end of the page */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(COPYFLAGS_SRC);
    raw(0), sel(DOMID_1), sel(OFFSET_4088), sel(SMALL_0);
    sel(GFN_DATA), sel(DOMID_SELF), sel(OFFSET_0), sel(SMALL_0);
    sel(LEN_65535);
    done();
    step(2, 0, FUZZ_OP_GNT_COPY);           /* a frame the caller does not have */
    byte(0);
    sel(GPA_ARRAY);
    sel(COUNT_WRITTEN);
    sel(COPYFLAGS_NONE);
    sel(GFN_MAX), sel(DOMID_SELF), sel(OFFSET_0), sel(SMALL_0);
    sel(GFN_DATA), sel(DOMID_SELF), sel(OFFSET_0), sel(SMALL_0);
    sel(LEN_8);
    done();
    unmap_last(2);
    save("grant-edges");
}

/* Each VIRQ bound where it may be: the console's and the domain
 * exceptions' by d0 on vCPU 0, the timer's by d1 on each vCPU; then all
 * closed again. */
static void seed_evtchn_virq_each(void)
{
    static const unsigned int binds[][3] = {
        {0, VIRQ_CONSOLE, VCPU_0}, {0, VIRQ_DOM_EXC, VCPU_0}, {1, VIRQ_TIMER, VCPU_0},
        {1, VIRQ_TIMER, VCPU_1}, {1, VIRQ_CONSOLE, VCPU_0},
    };

    begin(1); /* d1 has two vCPUs */
    for (unsigned int i = 0; i < sizeof(binds) / sizeof(binds[0]); i++) {
        step(binds[i][0], 0, FUZZ_OP_EVTCHN_BIND_VIRQ);
        sel(GPA_ARRAY);
        sel(binds[i][1]);
        sel(binds[i][2]);
        sel(SMALL_0);
        done();
    }
    step(0, 0, FUZZ_OP_EVTCHN_CLOSE);
    sel(PORT_1);
    done();
    step(1, 0, FUZZ_OP_EVTCHN_CLOSE);
    sel(PORT_2);
    done();
    save("evtchn-virq-each");
}

/*
 * One seed per op, from its pools' edges rather than the valid values
 * (entry 0) the other seeds use: first d0 (the control domain) and d1 make
 * it with every field on the same entry, 1 to SWEEP_ENTRIES; then d0 tries
 * each of its first SWEEP_FIELDS fields alone on entries 1 to
 * SWEEP_FIELD_ENTRIES, every other byte 0, so that each check meets its
 * edge values with the other fields out of its way. d3 is being built,
 * for the domctls that act on such a domain. A step that ends its caller
 * ends the sweep. Few steps: each costs a frame audit, and mutants
 * inherit the length.
 */
#define SWEEP_ENTRIES 6
#define SWEEP_FIELDS 4
#define SWEEP_FIELD_ENTRIES 3
#define SWEEP_BODY 24

static void sweep_step(unsigned int d, enum fuzz_op op, int field, unsigned int entry)
{
    step(d, 0, op);
    for (int i = 0; i < SWEEP_BODY; i++)
        sel(field < 0 || i == field ? entry : 0);
    done();
}

static void seed_sweep(enum fuzz_op op)
{
    char name[32];

    begin(1 | FUZZ_D3_BUILDING << 2); /* d1 has two vCPUs */
    for (unsigned int entry = 1; entry <= SWEEP_ENTRIES; entry++) {
        sweep_step(0, op, -1, entry);
        sweep_step(1, op, -1, entry);
    }
    for (int field = 0; field < SWEEP_FIELDS; field++)
        for (unsigned int entry = 1; entry <= SWEEP_FIELD_ENTRIES; entry++)
            sweep_step(0, op, field, entry);
    snprintf(name, sizeof(name), "sweep-op%02u", op);
    save(name);
}

static void memop(unsigned int d, unsigned int cmd, unsigned int gfn, unsigned int count)
{
    step(d, 0, FUZZ_OP_MEMORY_OP);
    sel(cmd);
    sel(gfn);
    sel(count);
    done();
}

static void seed_memory_op(void)
{
    begin(0);
    step(1, 0, FUZZ_OP_MEMORY_OP);
    sel(MEMOP_INFO);
    sel(GPA_ARRAY);
    done();
    memop(1, MEMOP_RELEASE, GFN_DATA, MEMCOUNT_2); /* splits a 2 MiB block */
    memop(1, MEMOP_QUERY, GFN_DATA, MEMCOUNT_1);
    memop(1, MEMOP_POPULATE, GFN_DATA, MEMCOUNT_2);
    memop(1, MEMOP_POPULATE, GFN_MEM_END, MEMCOUNT_1); /* at its limit: refused */
    step(0, 0, FUZZ_OP_DOMCTL_MAX_MEM);
    sel(GPA_ARRAY);
    sel(DOMID_1);
    sel(SMALL_0);
    sel(MEMORY_8M);
    done();
    memop(1, MEMOP_POPULATE, GFN_MEM_END, MEMCOUNT_512);
    memop(1, MEMOP_RELEASE, GFN_SHARED_INFO, MEMCOUNT_1); /* refused */
    memop(1, MEMOP_RELEASE, GFN_TABLE, MEMCOUNT_513);      /* too many */
    memop(1, MEMOP_POPULATE, GFN_MAP, MEMCOUNT_1);        /* where a grant would go */
    store(1, TOUCH_MAP_0, "populated");
    save("memory-op");
}

/* The frames behind grants, released and populated under the mappings. */
static void seed_grant_memory(void)
{
    begin(0);
    step(0, 0, FUZZ_OP_DOMCTL_MAX_MEM); /* room for d2 to populate */
    sel(GPA_ARRAY);
    sel(DOMID_2);
    sel(SMALL_0);
    sel(MEMORY_8M);
    done();
    setup_table(1);
    grant_entry(1, 0, DOMID_2, GFN_DATA, GTF_RW);
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);
    memop(1, MEMOP_RELEASE, GFN_DATA, MEMCOUNT_1);  /* refused: d2 maps it */
    memop(2, MEMOP_RELEASE, GFN_MAP, MEMCOUNT_1);   /* refused: a mapping, not its own */
    memop(2, MEMOP_QUERY, GFN_MAP, MEMCOUNT_1);
    unmap_last(2);
    memop(1, MEMOP_RELEASE, GFN_DATA, MEMCOUNT_1);  /* now it can go */
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);             /* the entry names a hole */
    memop(2, MEMOP_POPULATE, GFN_MAP, MEMCOUNT_1);
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);             /* the address is taken */
    memop(1, MEMOP_RELEASE, GFN_TABLE, MEMCOUNT_1); /* its own grant table */
    grant_entry(1, 0, DOMID_2, GFN_DATA_1, GTF_RW);
    map(2, 0, DOMID_1, 1, MAPFLAGS_RW);
    save("grant-memory");
}

static void seed_raw(void)
{
    begin(0);
    for (unsigned int nr = HC_CONSOLE; nr < HC_POOL_SIZE; nr++) {
        step(nr % 2 ? 1 : 0, 0, FUZZ_OP_RAW);
        sel(nr);
        for (unsigned int i = 0; i < 6; i++) {
            byte((uint8_t)(i % 3));
            sel(i % 3 == 1 ? GPA_ARRAY : SMALL_1);
        }
        done();
    }
    save("raw");
}

static void seed_exits(void)
{
    static const unsigned int kinds[] = {EXIT_KIND_INTERRUPT, EXIT_KIND_NPF_READ,
                                         EXIT_KIND_EXCEPTION, EXIT_KIND_TRIPLE_FAULT};

    begin(FUZZ_D3_SHUTDOWN << 2 | FUZZ_END_FROM_CALLER << 4);
    for (unsigned int i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        step(i % 3, 0, FUZZ_OP_EXIT);
        byte((uint8_t)kinds[i]);
        sel(SMALL_255);
        done();
    }
    save("exits");
}

/* ---- regressions: inputs that found bugs ------------------------------------------ */

/* A timer that fired between set_timer and block (the vCPU was preempted
 * past its deadline) was lost: the block killed the domain for having
 * nothing to wake it. */
static void regress_timer_fired_before_block(void)
{
    begin(0);
    sched(1, 0, SCHED_CMD_SET_TIMER, TIME_1NS, SMALL_0);
    step(1, 0, FUZZ_OP_EXIT);
    byte(EXIT_KIND_INTERRUPT); /* runs until its timer interrupt: past the deadline */
    done();
    sched(1, 0, SCHED_CMD_BLOCK, SMALL_0, SMALL_0);
    save("regress-timer-fired-before-block");
}

/* Pausing a domain cancelled its vCPUs' timers: after the unpause, a block
 * that counted on the timer killed the domain. */
static void regress_pause_keeps_timer(void)
{
    begin(0);
    sched(1, 0, SCHED_CMD_SET_TIMER, TIME_10MS, SMALL_0);
    domctl_id(1, DOMID_1);
    domctl_id(2, DOMID_1);
    sched(1, 0, SCHED_CMD_BLOCK, SMALL_0, SMALL_0);
    save("regress-pause-keeps-timer");
}

/* d2 maps a frame d1 grants; d1 has a split block, so destroying it takes
 * several steps. After the first, d2's mapping is an orphan whose frame
 * the dying d1 still owns until a later step hands it over: the audit
 * called that a frame given away twice. */
static void regress_orphan_mid_destroy(void)
{
    begin(0);
    setup_table(1);
    grant_entry(1, 0, DOMID_2, GFN_DATA, GTF_RW);
    map(2, 0, DOMID_1, 0, MAPFLAGS_RW);
    memop(1, MEMOP_RELEASE, GFN_DATA_1, MEMCOUNT_1); /* 512 mappings from one */
    domctl_id(0, DOMID_1);
    store(2, TOUCH_MAP_0, "still mine");
    save("regress-orphan-mid-destroy");
}

/* ---- the dictionary ---------------------------------------------------------------- */

static void dict_entry(FILE *f, const char *name, const uint8_t *p, size_t n)
{
    fprintf(f, "%s=\"", name);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "\\x%02x", p[i]);
    fprintf(f, "\"\n");
}

/* A raw field with value v. */
static void dict_raw(FILE *f, const char *name, uint64_t v)
{
    uint8_t b[9] = {FUZZ_RAW};

    for (unsigned int i = 0; i < 8; i++)
        b[1 + i] = (uint8_t)(v >> (8 * i));
    dict_entry(f, name, b, sizeof(b));
}

static void write_dictionary(const char *path)
{
    static const struct {
        const char *name;
        uint64_t value;
    } values[] = {
        {"raw_page", 4096},
        {"raw_page_minus_1", 4095},
        {"raw_image_min", 0x100000},
        {"raw_4mib", 4u << 20},
        {"raw_4mib_minus_page", (4u << 20) - 4096},
        {"raw_6mib", 6u << 20},
        {"raw_u16_max", 0xffff},
        {"raw_u32_max", UINT32_MAX},
        {"raw_2_32", 1ull << 32},
        {"raw_grant_limit", HV_GRANT_MAP_GPA_LIMIT},
        {"raw_ports", HV_EVTCHN_PORTS},
        {"raw_refs", HV_GRANT_ENTRIES_PER_FRAME * HV_GRANT_TABLE_FRAMES_MAX},
        {"raw_top_bit", 1ull << 63},
        {"raw_max", UINT64_MAX},
        {"raw_minus_page", (uint64_t)-4096},
    };
    FILE *f = fopen(path, "w");

    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "# SPDX-License-Identifier: GPL-2.0-only\n"
               "#\n"
               "# Dictionary of the hypercall fuzzer, written by tests/fuzz/gen_seeds.c\n"
               "# (make fuzz-seeds) from the format in tests/fuzz/hypercalls.h: raw\n"
               "# fields (FUZZ_RAW and 8 bytes) with values at the ABI's edges, and\n"
               "# step headers (caller, op, a 16-byte body) of every op for d0 and d1.\n");
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        dict_raw(f, values[i].name, values[i].value);
    for (unsigned int op = 0; op < FUZZ_OP_COUNT; op++) {
        for (uint8_t caller = 0; caller < 2; caller++) {
            uint8_t header[3] = {caller, (uint8_t)op, 16};
            char name[32];

            snprintf(name, sizeof(name), "step_d%u_op%u", caller, op);
            dict_entry(f, name, header, sizeof(header));
        }
    }
    if (fclose(f)) {
        perror(path);
        exit(1);
    }
}

static void physdev(unsigned int d, unsigned int cmd, unsigned int domid, unsigned int a,
                    unsigned int b, unsigned int c)
{
    step(d, 0, FUZZ_OP_PHYSDEV);
    sel(cmd);
    sel(GPA_ARRAY);
    sel(domid);
    sel(a);
    sel(b);
    sel(c);
    done();
}

/* The control domain takes DMA memory and opens ports for d1; d1 is
 * refused the same. */
static void seed_physdev(void)
{
    begin(0);
    physdev(0, SMALL_7, DOMID_0, SMALL_255, SMALL_0, SMALL_0); /* dma_alloc, 255 bytes: bad */
    physdev(0, SMALL_7, DOMID_0, SMALL_31, SMALL_0, SMALL_0);  /* 2 GiB: too large */
    physdev(0, SMALL_7, DOMID_0, SMALL_4096, SMALL_0, SMALL_0);
    physdev(0, SMALL_0, DOMID_1, SMALL_255, SMALL_8, SMALL_1);  /* ports 255-262 for d1 */
    physdev(0, SMALL_0, DOMID_1, SMALL_255, SMALL_1, SMALL_0);
    physdev(1, SMALL_0, DOMID_1, SMALL_4095, SMALL_2, SMALL_1); /* refused */
    physdev(1, SMALL_7, DOMID_1, SMALL_4096, SMALL_0, SMALL_0); /* refused */
    physdev(0, SMALL_3, DOMID_0, SMALL_0, SMALL_4, SMALL_0);    /* pci_conf_read */
    physdev(0, SMALL_8, DOMID_0, SMALL_0, SMALL_0, SMALL_0);    /* bind_irq: no IOAPIC */
    save("physdev");
}

/* d0 listens for console input and waits for it; d1 and d2 power off.
 * The CPU then polls the serial line for good, with a timer always armed:
 * the run must still end. */
static void regress_console_listener_waits(void)
{
    begin(0);
    step(0, 0, FUZZ_OP_EVTCHN_BIND_VIRQ);
    sel(GPA_ARRAY);
    sel(VIRQ_CONSOLE);
    sel(VCPU_0);
    sel(SMALL_0);
    done();
    sched(0, 0, SCHED_CMD_BLOCK, SMALL_0, SMALL_0);
    save("regress-console-listener-waits");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_seeds CORPUS-DIR DICTIONARY\n");
        return 2;
    }
    dir = argv[1];
    write_dictionary(argv[2]);
    seed_console();
    seed_console_ring();
    seed_sched();
    seed_vcpu();
    seed_grant_map();
    seed_grant_copy();
    seed_grant_orphan();
    seed_domctl_build();
    seed_domctl_create_restart();
    seed_domctl_misc();
    seed_evtchn();
    seed_evtchn_virq();
    seed_evtchn_virq_each();
    seed_evtchn_edges();
    seed_grant_edges();
    seed_raw();
    seed_exits();
    seed_memory_op();
    seed_grant_memory();
    seed_physdev();
    for (unsigned int op = 0; op < FUZZ_OP_COUNT; op++)
        seed_sweep(op);
    regress_timer_fired_before_block();
    regress_pause_keeps_timer();
    regress_console_listener_waits();
    regress_orphan_mid_destroy();
    return 0;
}
