/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables between two domains, run as "grant.elf granter" (domain 0)
 * and "grant.elf grantee" (domain 1). The references are fixed, so no
 * channel is needed to pass them:
 *   domain 0's ref 1: its mailbox page, read-write to domain 1;
 *   domain 0's ref 2: a page of 0xa5 bytes, read-only to domain 1;
 *   domain 0's ref 3: a page for grant copies, read-write to domain 1;
 *   domain 1's ref 1: the page it mapped from domain 0, granted back (which
 *                     the hypervisor must refuse to honour).
 * They wait for each other by polling with HV_SCHED_yield. Domain 1 maps
 * ref 1 and writes; domain 0 reads the write, is refused revoking ref 1
 * while it is mapped and revokes it once domain 1 has unmapped it. Domain 1
 * copies from and into ref 3, makes hostile calls, and last writes to its
 * read-only mapping of ref 2, which must kill it (and only it) with the
 * hypervisor's nested-page-fault diagnostic. Each domain prints one line
 * per check and a summary line.
 */
#include <exo/grant.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PAGE_SIZE 4096u
#define MAGIC 0x6772616eu /* "gran" */
#define REF_MAILBOX 1
#define REF_RO 2
#define REF_COPY 3
#define POLLS 200000 /* yields before giving up on the other domain */
#define FROM_D0 "copied from domain 0"
#define FROM_D1 "copied back by domain 1"
#define REVOKED_OFFSET 1024 /* in ref 3: domain 0 sets a word once ref 1 is revoked */
#define COPY_BACK_OFFSET 2048

/* Domain 0's mailbox page, which domain 1 maps. */
struct mailbox {
    volatile uint32_t written;   /* domain 1: MAGIC once text is written */
    volatile uint32_t unmap_now; /* domain 0: 1 once it has seen the write */
    char text[64];               /* domain 1 */
};

static uint8_t mailbox_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t ro_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t copy_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t two_pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s %d - %s (got %ld)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static void yield(void)
{
    hv_sched_op(HV_SCHED_yield, 0, 0);
}

/* A raw grant_table_op on a single element, returning the call's result
 * or, if the call went through, the element's status. */
static long one(unsigned int cmd, void *element, int32_t *status)
{
    long r = hv_grant_table_op(cmd, (long)element, 1);

    return r ? r : *status;
}

static int granter(void)
{
    struct mailbox *box = (struct mailbox *)mailbox_page;
    uint32_t handle;
    long r;
    int i;

    memset(ro_page, 0xa5, sizeof(ro_page));
    memcpy(copy_page, FROM_D0, sizeof(FROM_D0));
    r = grant_init();
    check(r == 0, "set up the grant table", r);
    r = grant_access(REF_MAILBOX, 1, mailbox_page, 0);
    r = r ? r : grant_access(REF_RO, 1, ro_page, 1);
    r = r ? r : grant_access(REF_COPY, 1, copy_page, 0);
    check(r == 0, "grant refs 1 (read-write), 2 (read-only) and 3 (read-write) to domain 1", r);

    for (i = 0; i < POLLS && box->written != MAGIC; i++)
        yield();
    check(box->written == MAGIC && !strcmp(box->text, "written by domain 1"),
          "domain 0 reads what domain 1 wrote through its mapping of ref 1", i);
    r = grant_maps(REF_MAILBOX);
    check(r == 1, "the hypervisor counts one mapping of ref 1", r);
    r = grant_end_access(REF_MAILBOX);
    check(r == -HV_EBUSY, "revoking ref 1 while domain 1 has it mapped: -EBUSY", r);
    /* Domain 1 has granted the page it maps from us back to us. */
    r = grant_map(1, 1, grant_window(), 0, &handle);
    check(r == -HV_EINVAL, "mapping a frame domain 1 only maps from domain 0: -EINVAL", r);
    r = grant_map(0, REF_MAILBOX, grant_window(), 0, &handle);
    check(r == -HV_EINVAL, "mapping its own grant: -EINVAL", r);

    box->unmap_now = 1;
    for (i = 0; i < POLLS && grant_maps(REF_MAILBOX) != 0; i++)
        yield();
    r = grant_end_access(REF_MAILBOX);
    check(r == 0, "revoking ref 1 once domain 1 has unmapped it", r);
    *(volatile uint32_t *)(copy_page + REVOKED_OFFSET) = 1;

    for (i = 0; i < POLLS && strcmp((char *)copy_page + COPY_BACK_OFFSET, FROM_D1); i++)
        yield();
    check(!strcmp((char *)copy_page + COPY_BACK_OFFSET, FROM_D1),
          "domain 1's grant copy into ref 3 arrived", i);

    /* Domain 1 ends by writing to its read-only mapping; once it has been
     * destroyed, its grant table is gone too. */
    for (i = 0; i < POLLS && (r = grant_map(1, 1, grant_window(), 0, &handle)) != -HV_ESRCH; i++)
        yield();
    check(r == -HV_ESRCH, "domain 1 is gone: mapping its grants: -ESRCH", r);
    r = grant_maps(REF_RO);
    check(r == 0, "domain 1's read-only mapping of ref 2 went with it", r);
    check(ro_page[0] == 0xa5 && ro_page[PAGE_SIZE - 1] == 0xa5, "the read-only page is unchanged",
          ro_page[0]);
    r = grant_end_access(REF_RO);
    r = r ? r : grant_end_access(REF_COPY);
    check(r == 0, "revoking refs 2 and 3", r);
    r = grant_end_access(GRANT_REFS);
    check(r == -HV_EINVAL, "revoking a ref beyond the table: -EINVAL", r);

    printf("grant: domain 0: %s %d checks passed\n", failures ? "FAIL: not all" : "all",
           checks - failures);
    return failures ? 1 : 0;
}

/* Calls a hostile or confused grantee might make: each gets an error and
 * changes nothing. w is the grant window, where ref 1 is mapped at w. */
static void hostile(uint64_t w)
{
    uint64_t mem = libos_memory_size();
    struct hv_grant_map maps[HV_GRANT_BATCH_MAX + 1] = {0};
    struct hv_grant_copy c = {0};
    uint32_t handle;
    long r;

    r = grant_map(0, GRANT_REFS * HV_GRANT_TABLE_FRAMES_MAX, w + PAGE_SIZE, 0, &handle);
    check(r == -HV_EINVAL, "map a ref beyond domain 0's table: -EINVAL", r);
    r = grant_map(0, 9, w + PAGE_SIZE, 0, &handle);
    check(r == -HV_EACCES, "map a ref domain 0 never granted: -EACCES", r);
    r = grant_map(0, REF_RO, w + PAGE_SIZE, 0, &handle);
    check(r == -HV_EACCES, "map the read-only ref 2 writable: -EACCES", r);
    r = grant_map(7, 1, w + PAGE_SIZE, 0, &handle);
    check(r == -HV_ESRCH, "map from a domain that does not exist: -ESRCH", r);
    r = grant_map(0, REF_COPY, 2 << 20, 0, &handle);
    check(r == -HV_EEXIST, "map over its own memory: -EEXIST", r);
    r = grant_map(0, REF_COPY, w, 0, &handle);
    check(r == -HV_EEXIST, "map over an existing grant mapping: -EEXIST", r);
    r = grant_map(0, REF_COPY, w + 1, 0, &handle);
    check(r == -HV_EINVAL, "map at an unaligned address: -EINVAL", r);
    r = grant_map(0, REF_COPY, HV_GRANT_MAP_GPA_LIMIT, 0, &handle);
    check(r == -HV_EINVAL, "map at the address limit: -EINVAL", r);
    r = grant_unmap(12345);
    check(r == -HV_EINVAL, "unmap a handle that does not exist: -EINVAL", r);

    r = hv_grant_table_op(HV_GNTOP_map, (long)maps, HV_GRANT_BATCH_MAX + 1);
    check(r == -HV_E2BIG, "a batch of 65: -E2BIG", r);
    r = hv_grant_table_op(HV_GNTOP_copy, (long)maps, -1L);
    check(r == -HV_E2BIG, "a batch of 2^64 - 1: -E2BIG", r);
    r = hv_grant_table_op(HV_GNTOP_map, (long)mem, 1);
    check(r == -HV_EFAULT, "an array past the end of its memory: -EFAULT", r);
    r = hv_grant_table_op(HV_GNTOP_map, (long)w, 1);
    check(r == -HV_EFAULT, "an array in a grant mapping: -EFAULT", r);
    r = hv_grant_table_op(HV_GNTOP_unmap, -8L, 1);
    check(r == -HV_EFAULT, "an array whose end overflows: -EFAULT", r);
    r = hv_grant_table_op(99, (long)maps, 1);
    check(r == -HV_ENOSYS, "an unknown command: -ENOSYS", r);
    r = hv_grant_table_op(HV_GNTOP_setup_table, (long)(mem / PAGE_SIZE), 1);
    check(r == -HV_EFAULT, "a grant table past the end of its memory: -EFAULT", r);
    r = hv_grant_table_op(HV_GNTOP_setup_table, 0x100, 1L << 40);
    check(r == -HV_E2BIG, "a grant table of 2^40 frames: -E2BIG", r);

    /* Copies: a frame number is only ever the caller's own memory. */
    c.source = (struct hv_grant_copy_ptr){.frame = w / PAGE_SIZE};
    c.dest = (struct hv_grant_copy_ptr){.frame = REF_COPY, .domid = 0};
    c.length = 8;
    c.flags = HV_GNTCOPY_dest_gref;
    r = one(HV_GNTOP_copy, &c, &c.status);
    check(r == -HV_EFAULT, "copy from the frame of a grant mapping by number: -EFAULT", r);
    c.source.frame = 1ull << 40;
    r = one(HV_GNTOP_copy, &c, &c.status);
    check(r == -HV_EFAULT, "copy from a huge frame number: -EFAULT", r);
    c.source.frame = (uintptr_t)two_pages / PAGE_SIZE;
    c.dest.frame = REF_RO;
    r = one(HV_GNTOP_copy, &c, &c.status);
    check(r == -HV_EACCES, "copy into the read-only ref 2: -EACCES", r);
    c.dest.frame = REF_COPY;
    c.dest.offset = PAGE_SIZE - 4;
    r = one(HV_GNTOP_copy, &c, &c.status);
    check(r == -HV_EINVAL, "copy past the end of the granted page: -EINVAL", r);
}

static int grantee(void)
{
    uint64_t w;
    struct mailbox *box;
    uint32_t handle, ro_handle;
    char buf[64] = "";
    long r = -1;
    int i;

    r = grant_init();
    check(r == 0, "set up the grant table and window", r);
    w = grant_window();
    box = (struct mailbox *)(uintptr_t)w;

    /* Until domain 0 has granted it, ref 1 cannot be mapped. */
    for (i = 0; i < POLLS && (r = grant_map(0, REF_MAILBOX, w, 0, &handle)) != 0; i++)
        yield();
    check(r == 0, "map domain 0's ref 1 read-write", r);
    /* Grant the frame it maps from domain 0 back to domain 0. */
    r = grant_access(1, 0, (void *)(uintptr_t)w, 0);
    check(r == 0, "put domain 0's frame in its own table", r);
    memcpy(box->text, "written by domain 1", sizeof("written by domain 1"));
    box->written = MAGIC;

    hostile(w);

    for (i = 0; i < POLLS && !box->unmap_now; i++)
        yield();
    check(box->unmap_now == 1, "domain 0 saw the write", i);
    r = grant_unmap(handle);
    check(r == 0, "unmap ref 1", r);
    r = grant_unmap(handle);
    check(r == -HV_EINVAL, "unmap ref 1 again: -EINVAL", r);
    /* Domain 0 revokes ref 1 once it sees the unmap, and says so in ref 3,
     * which domain 1 reads by grant copies. */
    uint32_t revoked = 0;
    for (i = 0; i < POLLS && !revoked; i++) {
        r = grant_copy_from(0, REF_COPY, REVOKED_OFFSET, &revoked, sizeof(revoked));
        if (r)
            break;
        yield();
    }
    check(r == 0 && revoked == 1, "domain 0 says it revoked ref 1 (read by grant copy)", r);
    r = grant_map(0, REF_MAILBOX, w, 0, &handle);
    check(r == -HV_EACCES, "map ref 1 after domain 0 revoked it: -EACCES", r);

    /* Copies both ways; the source straddles a page boundary of ours. */
    r = grant_copy_from(0, REF_COPY, 0, buf, sizeof(FROM_D0));
    check(r == 0 && !strcmp(buf, FROM_D0), "grant copy from domain 0's ref 3", r);
    memcpy(two_pages + PAGE_SIZE - 8, FROM_D1, sizeof(FROM_D1));
    r = grant_copy_to(0, REF_COPY, COPY_BACK_OFFSET, two_pages + PAGE_SIZE - 8, sizeof(FROM_D1));
    check(r == 0, "grant copy into domain 0's ref 3, from two pages of its own", r);

    r = grant_map(0, REF_RO, w + PAGE_SIZE, 1, &ro_handle);
    check(r == 0, "map domain 0's ref 2 read-only", r);
    r = *(volatile uint8_t *)(uintptr_t)(w + PAGE_SIZE);
    check(r == 0xa5, "read through the read-only mapping", r);

    printf("grant: domain 1: %s %d checks passed; now writing to the read-only mapping at %#lx\n",
           failures ? "FAIL: not all" : "all", checks - failures, (unsigned long)(w + PAGE_SIZE));
    *(volatile uint8_t *)(uintptr_t)(w + PAGE_SIZE) = 0;
    printf("grant: FAIL: the write to a read-only grant mapping returned\n");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[argc - 1], "granter"))
        return granter();
    if (argc > 1 && !strcmp(argv[argc - 1], "grantee"))
        return grantee();
    printf("grant: FAIL: say granter or grantee\n");
    return 1;
}
