/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of memory_op on the host machine: releasing frames out of a
 * 2 MiB block, populating holes within the limit, the refusals, and the
 * frame accounting (audit after every step, free frames back exactly).
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/audit.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/page_alloc.h>
#include <public/hv.h>

#define MIB (1ull << 20)

static int setup(void **state)
{
    host_machine_init(8192);
    return 0;
}

static int64_t memop(struct domain *d, uint64_t cmd, uint64_t a1, uint64_t a2)
{
    const uint64_t args[6] = {cmd, a1, a2, 0, 0, 0};
    int64_t r = hypercall_dispatch(d->vcpu[0], HV_HC_memory_op, args);

    assert_int_equal(audit_frames(), 0);
    assert_int_equal(page_alloc_audit(), 0);
    return r;
}

static void test_release_and_populate(void **state)
{
    uint64_t before = host_free_frames();
    struct domain *d = host_domain(1, 4 * MIB, 1);
    uint64_t owned = d->nr_frames, gfn = (2 * MIB) >> 12;

    assert_int_equal(memop(d, HV_MEMOP_release, gfn + 5, 3), 3);
    assert_int_equal(d->nr_frames, owned - 3);
    assert_int_equal(memop(d, HV_MEMOP_query, gfn + 6, 0), 0);
    assert_int_equal(memop(d, HV_MEMOP_query, gfn + 8, 0), HV_MEMOP_OWN);
    /* A range with a hole in it stops at the hole. */
    assert_int_equal(memop(d, HV_MEMOP_release, gfn + 3, 4), 2);
    assert_int_equal(memop(d, HV_MEMOP_release, gfn + 5, 1), -HV_ENOENT);
    assert_int_equal(memop(d, HV_MEMOP_populate, gfn + 3, 5), 5);
    assert_int_equal(memop(d, HV_MEMOP_populate, gfn + 3, 1), -HV_EEXIST);
    assert_int_equal(d->nr_frames, owned);
    /* At the limit, nothing more. */
    assert_int_equal(memop(d, HV_MEMOP_populate, (8 * MIB) >> 12, 1), -HV_ENOSPC);
    d->max_frames += 2;
    assert_int_equal(memop(d, HV_MEMOP_populate, (8 * MIB) >> 12, 4), 2);
    domain_destroy(d);
    assert_int_equal(audit_frames(), 0);
    assert_int_equal(host_free_frames(), before);
}

static void test_refusals(void **state)
{
    struct domain *d = host_domain(1, 4 * MIB, 1);

    assert_int_equal(memop(d, HV_MEMOP_release, HV_GUEST_SHARED_INFO_GPA >> 12, 1), -HV_EBUSY);
    assert_int_equal(memop(d, HV_MEMOP_release, 0, 0), -HV_EINVAL);
    assert_int_equal(memop(d, HV_MEMOP_release, 0, HV_MEMOP_BATCH_MAX + 1), -HV_EINVAL);
    assert_int_equal(memop(d, HV_MEMOP_release, UINT64_MAX, 2), -HV_EINVAL);
    assert_int_equal(memop(d, HV_MEMOP_populate, HV_MEMOP_GPA_LIMIT >> 12, 1), -HV_EINVAL);
    assert_int_equal(memop(d, HV_MEMOP_query, HV_MEMOP_GPA_LIMIT >> 12, 0), -HV_EINVAL);
    assert_int_equal(memop(d, HV_MEMOP_info, 1ull << 40, 0), -HV_EFAULT);
    assert_int_equal(memop(d, 77, 0, 0), -HV_ENOSYS);
    domain_destroy(d);
}

static void test_release_whole_block_then_destroy(void **state)
{
    uint64_t before = host_free_frames();
    struct domain *d = host_domain(2, 4 * MIB, 1);
    uint64_t gfn = (2 * MIB) >> 12;

    assert_int_equal(memop(d, HV_MEMOP_release, gfn, 512), 512);
    assert_int_equal(memop(d, HV_MEMOP_populate, gfn + 100, 1), 1);
    domain_destroy(d);
    assert_int_equal(host_free_frames(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_release_and_populate, setup),
        cmocka_unit_test_setup(test_refusals, setup),
        cmocka_unit_test_setup(test_release_whole_block_then_destroy, setup),
    };

    return RUN_TESTS(tests);
}
