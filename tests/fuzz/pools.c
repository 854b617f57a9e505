/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fields of the hypercall fuzzer's steps: reading bytes, and the pools of
 * interesting values each kind of field draws from (hypercalls.h names
 * their entries). Many pools depend on the caller (its memory size, its
 * id) or on what earlier steps got back (the last domain created, handle
 * or port), so that inputs reach the states where checks matter: the last
 * byte of memory, a live mapping, a port just offered.
 */
#include "harness.h"

#include "host_machine.h"

#include <hv/domain.h>
#include <public/hv.h>
#include <stddef.h>

uint8_t take8(struct reader *r)
{
    uint8_t b = 0;

    if (r->len) {
        b = *r->p++;
        r->len--;
    }
    return b;
}

static uint64_t take64(struct reader *r)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < 8; i++)
        v |= (uint64_t)take8(r) << (8 * i);
    return v;
}

void take_bytes(struct reader *r, void *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)dst)[i] = take8(r);
}

/* A field: an entry of pool, or a raw value (see hypercalls.h). */
static uint64_t pick(struct reader *r, const uint64_t *pool, size_t n)
{
    uint8_t s = take8(r);

    return s >= FUZZ_RAW ? take64(r) : pool[s % n];
}

#define PICK(r, pool) pick(r, pool, ARRAY_SIZE(pool))

/* A guest-physical address in d, for an object of size bytes: inside its
 * memory, at and across its end, in a hole, huge, wrapping around. */
uint64_t take_gpa_in(struct step *s, const struct domain *d, uint64_t size)
{
    uint64_t mem = d->memory_size;
    const uint64_t pool[GPA_POOL_SIZE] = {
        [GPA_ARRAY] = FUZZ_ARRAY_GPA,
        [GPA_BUF] = FUZZ_BUF_GPA,
        [GPA_PAGE_STRADDLE] = FUZZ_ARRAY_GPA + PAGE_SIZE - size / 2,
        [GPA_ZERO] = 0,
        [GPA_ONE] = 1,
        [GPA_SHARED_INFO] = HV_GUEST_SHARED_INFO_GPA,
        [GPA_TABLE] = fz.table_gfn[d->id] << PAGE_SHIFT,
        [GPA_END_FIT] = mem - size,
        [GPA_END_STRADDLE] = mem - size + 1,
        [GPA_LAST_BYTE] = mem - 1,
        [GPA_MEM_END] = mem,
        [GPA_MAP] = FUZZ_MAP_GFN << PAGE_SHIFT,
        [GPA_GRANT_LIMIT] = HV_GRANT_MAP_GPA_LIMIT,
        [GPA_TOP_BIT] = 1ull << 63,
        [GPA_MAX] = UINT64_MAX,
        [GPA_WRAP] = UINT64_MAX - size + 2,
        [GPA_MINUS_PAGE] = -PAGE_SIZE,
    };

    return PICK(s->body, pool);
}

uint64_t take_gpa(struct step *s, uint64_t size)
{
    return take_gpa_in(s, s->d, size);
}

uint64_t take_domid(struct step *s)
{
    uint32_t free_id = domain_free_id(1);
    const uint64_t pool[DOMID_POOL_SIZE] = {
        [DOMID_1] = 1,
        [DOMID_2] = 2,
        [DOMID_0] = 0,
        [DOMID_3] = 3,
        [DOMID_SELF] = s->d->id,
        [DOMID_CREATED] = fz.created,
        [DOMID_PEER] = fz.peer,
        [DOMID_FREE] = free_id,
        [DOMID_LAST] = DOMAIN_MAX - 1,
        [DOMID_MAX] = DOMAIN_MAX,
        [DOMID_7FFF] = 0x7fff,
        [DOMID_FFFF] = 0xffff, /* grant.c's marker for a dead granter */
        [DOMID_ANY] = HV_DOMID_ANY,
        [DOMID_2_32] = 1ull << 32,
        [DOMID_U64_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

/* An event-channel port: the ones earlier steps got, the bounds of the
 * table and of its pages, and numbers that alias a port in 32 bits. */
uint64_t take_port(struct step *s)
{
    const uint64_t pool[PORT_POOL_SIZE] = {
        [PORT_LAST] = fz.port,
        [PORT_PEER] = fz.peer_port,
        [PORT_0] = 0,
        [PORT_1] = 1,
        [PORT_2] = 2,
        [PORT_511] = 511,
        [PORT_512] = 512,
        [PORT_1023] = HV_EVTCHN_PORTS - 1,
        [PORT_1024] = HV_EVTCHN_PORTS,
        [PORT_ALIAS] = (1ull << 32) | fz.port,
        [PORT_U32_MAX] = UINT32_MAX,
        [PORT_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_len(struct step *s)
{
    static const uint64_t pool[LEN_POOL_SIZE] = {
        [LEN_8] = 8,         [LEN_0] = 0,           [LEN_1] = 1,
        [LEN_4095] = 4095,   [LEN_4096] = 4096,     [LEN_4097] = 4097,
        [LEN_65535] = 65535, [LEN_65536] = 65536,   [LEN_65537] = 65537,
        [LEN_2_32] = 1ull << 32, [LEN_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_count(struct step *s, uint64_t written)
{
    const uint64_t pool[COUNT_POOL_SIZE] = {
        [COUNT_WRITTEN] = written,
        [COUNT_0] = 0,
        [COUNT_1] = 1,
        [COUNT_2] = 2,
        [COUNT_63] = HV_GRANT_BATCH_MAX - 1,
        [COUNT_64] = HV_GRANT_BATCH_MAX,
        [COUNT_65] = HV_GRANT_BATCH_MAX + 1,
        [COUNT_2_32_PLUS_1] = (1ull << 32) + 1, /* 1 if truncated to 32 bits */
        [COUNT_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_ref(struct step *s)
{
    static const uint64_t pool[REF_POOL_SIZE] = {
        [REF_0] = 0,
        [REF_1] = 1,
        [REF_2] = 2,
        [REF_511] = HV_GRANT_ENTRIES_PER_FRAME - 1,
        [REF_512] = HV_GRANT_ENTRIES_PER_FRAME,
        [REF_2047] = HV_GRANT_ENTRIES_PER_FRAME * HV_GRANT_TABLE_FRAMES_MAX - 1,
        [REF_2048] = HV_GRANT_ENTRIES_PER_FRAME * HV_GRANT_TABLE_FRAMES_MAX,
        [REF_4096] = 4096,
        [REF_U32_MAX] = UINT32_MAX,
        [REF_TOP_BIT] = 1u << 31,
    };

    return PICK(s->body, pool);
}

uint64_t take_handle(struct step *s)
{
    const uint64_t pool[HANDLE_POOL_SIZE] = {
        [HANDLE_LAST] = fz.handles[0],
        [HANDLE_0] = 0,
        [HANDLE_1] = 1,
        [HANDLE_OLDER] = fz.handles[1],
        [HANDLE_511] = HV_GRANT_MAPS_MAX - 1,
        [HANDLE_512] = HV_GRANT_MAPS_MAX,
        [HANDLE_U32_MAX] = UINT32_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_gfn(struct step *s)
{
    uint64_t frames = s->d->memory_size >> PAGE_SHIFT;
    const uint64_t pool[GFN_POOL_SIZE] = {
        [GFN_DATA] = FUZZ_DATA_GFN,
        [GFN_DATA_1] = FUZZ_DATA_GFN + 1,
        [GFN_TABLE] = fz.table_gfn[s->d->id],
        [GFN_ZERO] = 0,
        [GFN_SHARED_INFO] = HV_GUEST_SHARED_INFO_GPA >> PAGE_SHIFT,
        [GFN_LAST] = frames - 1,
        [GFN_MEM_END] = frames,
        [GFN_MAP] = FUZZ_MAP_GFN,
        [GFN_U32_MAX] = UINT32_MAX,
        [GFN_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_vcpu(struct step *s)
{
    const uint64_t pool[VCPU_POOL_SIZE] = {
        [VCPU_0] = 0,   [VCPU_1] = 1,   [VCPU_2] = 2,   [VCPU_SELF] = s->v->id,
        [VCPU_31] = HV_MAX_VCPUS - 1,   [VCPU_32] = HV_MAX_VCPUS,
        [VCPU_33] = HV_MAX_VCPUS + 1,   [VCPU_U32_MAX] = UINT32_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_small(struct step *s)
{
    static const uint64_t pool[SMALL_POOL_SIZE] = {
        [SMALL_0] = 0,          [SMALL_1] = 1,       [SMALL_2] = 2,       [SMALL_3] = 3,
        [SMALL_4] = 4,          [SMALL_5] = 5,       [SMALL_6] = 6,       [SMALL_7] = 7,
        [SMALL_8] = 8,          [SMALL_31] = 31,     [SMALL_32] = 32,     [SMALL_255] = 255,
        [SMALL_4095] = 4095,    [SMALL_4096] = 4096, [SMALL_U32_MAX] = UINT32_MAX,
        [SMALL_2_32] = 1ull << 32, [SMALL_I64_MAX] = INT64_MAX, [SMALL_TOP_BIT] = 1ull << 63,
        [SMALL_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

/* A timer deadline, relative to the simulated clock. */
uint64_t take_time(struct step *s)
{
    uint64_t now = host_time_ns;
    const uint64_t pool[TIME_POOL_SIZE] = {
        [TIME_10MS] = now + 10 * MS,
        [TIME_NOW] = now,
        [TIME_ZERO] = 0,
        [TIME_1NS] = now + 1,
        [TIME_PAST] = now > 1 ? now - 1 : 1,
        [TIME_1S] = now + 1000 * MS,
        [TIME_FAR] = UINT64_MAX - 1,
        [TIME_NO_TIMER] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_memory(struct step *s)
{
    uint64_t free_bytes = ALIGN_DOWN(host_free_frames() << PAGE_SHIFT, 2 * MIB);
    const uint64_t pool[MEMORY_POOL_SIZE] = {
        [MEMORY_4M] = 4 * MIB,
        [MEMORY_6M] = 6 * MIB,
        [MEMORY_8M] = 8 * MIB,
        [MEMORY_0] = 0,
        [MEMORY_2M] = 2 * MIB,
        [MEMORY_4M_PLUS_1] = 4 * MIB + 1,
        [MEMORY_FREE] = free_bytes,             /* the memory fits, the vCPUs do not */
        [MEMORY_FREE_PLUS] = free_bytes + 2 * MIB,
        [MEMORY_1T] = 1ull << 40,
        [MEMORY_HUGE] = ALIGN_DOWN(UINT64_MAX, 2 * MIB),
        [MEMORY_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_nr(struct step *s)
{
    static const uint64_t pool[HC_POOL_SIZE] = {
        [HC_CONSOLE] = HV_HC_console_write, [HC_SCHED] = HV_HC_sched_op,
        [HC_EVTCHN] = 2,                    [HC_GRANT] = HV_HC_grant_table_op,
        [HC_DOMCTL] = HV_HC_domctl,         [HC_SYSCTL] = HV_HC_sysctl,
        [HC_VCPU] = HV_HC_vcpu_op,          [HC_7] = 7,
        [HC_8] = 8,
        [HC_COUNT] = HV_HC_COUNT,           [HC_255] = 255,
        [HC_2_32] = 1ull << 32,             [HC_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_frames(struct step *s)
{
    static const uint64_t pool[FRAMES_POOL_SIZE] = {
        [FRAMES_1] = 1, [FRAMES_4] = HV_GRANT_TABLE_FRAMES_MAX, [FRAMES_0] = 0,
        [FRAMES_2] = 2, [FRAMES_5] = HV_GRANT_TABLE_FRAMES_MAX + 1, [FRAMES_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_offset(struct step *s)
{
    static const uint64_t pool[OFFSET_POOL_SIZE] = {
        [OFFSET_0] = 0,       [OFFSET_8] = 8,       [OFFSET_2048] = 2048,  [OFFSET_4088] = 4088,
        [OFFSET_4095] = 4095, [OFFSET_4096] = 4096, [OFFSET_FFFF] = 0xffff,
    };

    return PICK(s->body, pool);
}

uint64_t take_gtf(struct step *s)
{
    static const uint64_t pool[GTF_POOL_SIZE] = {
        [GTF_RW] = HV_GTF_permit_access,
        [GTF_RO] = HV_GTF_permit_access | HV_GTF_readonly,
        [GTF_NONE] = 0,
        [GTF_READONLY_ONLY] = HV_GTF_readonly,
        /* The OUT bits are the hypervisor's: a granter forging them changes nothing. */
        [GTF_RW_MAPPED] = HV_GTF_permit_access | HV_GTF_mapped | HV_GTF_mapped_rw,
        [GTF_ALL] = 0xffff,
    };

    return PICK(s->body, pool);
}

uint64_t take_map_flags(struct step *s)
{
    static const uint64_t pool[MAPFLAGS_POOL_SIZE] = {
        [MAPFLAGS_RW] = 0, [MAPFLAGS_RO] = HV_GNTMAP_readonly, [MAPFLAGS_2] = 2,
        [MAPFLAGS_ALL] = 0xffff,
    };

    return PICK(s->body, pool);
}

uint64_t take_copy_flags(struct step *s)
{
    static const uint64_t pool[COPYFLAGS_POOL_SIZE] = {
        [COPYFLAGS_NONE] = 0,
        [COPYFLAGS_SRC] = HV_GNTCOPY_source_gref,
        [COPYFLAGS_DST] = HV_GNTCOPY_dest_gref,
        [COPYFLAGS_BOTH] = HV_GNTCOPY_source_gref | HV_GNTCOPY_dest_gref,
        [COPYFLAGS_4] = 4,
        [COPYFLAGS_ALL] = 0xffff,
    };

    return PICK(s->body, pool);
}

/* Where a grant mapping should go. */
uint64_t take_map_gpa(struct step *s)
{
    const uint64_t pool[MAP_POOL_SIZE] = {
        [MAP_0] = FUZZ_MAP_GFN << PAGE_SHIFT,
        [MAP_1] = (FUZZ_MAP_GFN + 1) << PAGE_SHIFT,
        [MAP_2] = (FUZZ_MAP_GFN + 2) << PAGE_SHIFT,
        [MAP_3] = (FUZZ_MAP_GFN + 3) << PAGE_SHIFT,
        [MAP_OWN] = FUZZ_DATA_GFN << PAGE_SHIFT, /* its own memory: taken */
        [MAP_MEM_END] = s->d->memory_size,
        [MAP_UNALIGNED] = (FUZZ_MAP_GFN << PAGE_SHIFT) + 1,
        [MAP_HOST_LIMIT] = (1ull << 28) - PAGE_SIZE, /* the host p2m's last page */
        [MAP_GRANT_LIMIT] = HV_GRANT_MAP_GPA_LIMIT,
        [MAP_MAX] = UINT64_MAX & PAGE_MASK,
    };

    return PICK(s->body, pool);
}

/* What a guest touches with a plain load or store. */
uint64_t take_touch_gpa(struct step *s)
{
    const uint64_t pool[TOUCH_POOL_SIZE] = {
        [TOUCH_MAP_0] = FUZZ_MAP_GFN << PAGE_SHIFT,
        [TOUCH_MAP_1] = (FUZZ_MAP_GFN + 1) << PAGE_SHIFT,
        [TOUCH_MAP_2] = (FUZZ_MAP_GFN + 2) << PAGE_SHIFT,
        [TOUCH_MAP_3] = (FUZZ_MAP_GFN + 3) << PAGE_SHIFT,
        [TOUCH_TABLE] = fz.table_gfn[s->d->id] << PAGE_SHIFT,
        [TOUCH_DATA] = FUZZ_DATA_GFN << PAGE_SHIFT,
        [TOUCH_HOLE] = s->d->memory_size,
        /* Event state the guest owns in shared info: its upcall flags, and
         * pending and mask bits it may set or clear at will. */
        [TOUCH_VCPU_INFO] = HV_GUEST_SHARED_INFO_GPA,
        [TOUCH_EVTCHN_PENDING] = HV_GUEST_SHARED_INFO_GPA +
                                 offsetof(struct hv_shared_info, evtchn_pending),
        [TOUCH_EVTCHN_MASK] = HV_GUEST_SHARED_INFO_GPA + offsetof(struct hv_shared_info, evtchn_mask),
        /* The console ring (public/console.h): output bytes, and the four
         * indices from in_cons on, which the back end reads once per drain. */
        [TOUCH_CONSOLE_OUT] = HV_GUEST_CONSOLE_GPA + offsetof(struct hv_console_ring, out),
        [TOUCH_CONSOLE_INDICES] = HV_GUEST_CONSOLE_GPA + offsetof(struct hv_console_ring, in_cons),
    };

    return PICK(s->body, pool);
}

/* Each VIRQ, and numbers just past the last: a table indexed by VIRQ
 * must be guarded where the guest names one. */
uint64_t take_virq(struct step *s)
{
    static const uint64_t pool[VIRQ_POOL_SIZE] = {
        [VIRQ_TIMER] = HV_VIRQ_TIMER,       [VIRQ_CONSOLE] = HV_VIRQ_CONSOLE,
        [VIRQ_DOM_EXC] = HV_VIRQ_DOM_EXC,   [VIRQ_COUNT] = HV_VIRQ_COUNT,
        [VIRQ_COUNT_PLUS_1] = HV_VIRQ_COUNT + 1, [VIRQ_255] = 255,
        [VIRQ_U16_MAX] = UINT16_MAX,        [VIRQ_U32_MAX] = UINT32_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_weight(struct step *s)
{
    static const uint64_t pool[WEIGHT_POOL_SIZE] = {
        [WEIGHT_512] = 512, [WEIGHT_0] = 0, [WEIGHT_1] = 1, [WEIGHT_MAX] = HV_WEIGHT_MAX,
        [WEIGHT_MAX_PLUS] = HV_WEIGHT_MAX + 1, [WEIGHT_U32_MAX] = UINT32_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_sched_cmd(struct step *s)
{
    static const uint64_t pool[SCHED_CMD_POOL_SIZE] = {
        [SCHED_CMD_YIELD] = HV_SCHED_yield, [SCHED_CMD_SET_TIMER] = HV_SCHED_set_timer,
        [SCHED_CMD_BLOCK] = HV_SCHED_block, [SCHED_CMD_SHUTDOWN] = HV_SCHED_shutdown,
        [SCHED_CMD_4] = 4,                  [SCHED_CMD_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_vcpuop(struct step *s)
{
    static const uint64_t pool[VCPUOP_POOL_SIZE] = {
        [VCPUOP_COUNT] = HV_VCPUOP_count, [VCPUOP_UP] = HV_VCPUOP_up,
        [VCPUOP_DOWN] = HV_VCPUOP_down,   [VCPUOP_3] = 3,
        [VCPUOP_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

uint64_t take_memop(struct step *s)
{
    static const uint64_t pool[MEMOP_POOL_SIZE] = {
        [MEMOP_POPULATE] = HV_MEMOP_populate, [MEMOP_RELEASE] = HV_MEMOP_release,
        [MEMOP_QUERY] = HV_MEMOP_query,       [MEMOP_INFO] = HV_MEMOP_info,
        [MEMOP_4] = 4,                        [MEMOP_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}

/* Frames for memory_op: one, none, and around the batch limit. */
uint64_t take_memcount(struct step *s)
{
    static const uint64_t pool[MEMCOUNT_POOL_SIZE] = {
        [MEMCOUNT_1] = 1,
        [MEMCOUNT_0] = 0,
        [MEMCOUNT_2] = 2,
        [MEMCOUNT_511] = HV_MEMOP_BATCH_MAX - 1,
        [MEMCOUNT_512] = HV_MEMOP_BATCH_MAX,
        [MEMCOUNT_513] = HV_MEMOP_BATCH_MAX + 1,
        [MEMCOUNT_MAX] = UINT64_MAX,
    };

    return PICK(s->body, pool);
}
