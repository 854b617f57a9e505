/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of domains on the host machine: creation and its failures,
 * the lifecycle, guest memory access, and the frame accounting, which must
 * come back exactly to where it started after any number of domains.
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

#define MIB (1ull << 20)

static int setup(void **state)
{
    host_machine_init(8192); /* 32 MiB */
    return 0;
}

static void test_create_destroy_returns_every_frame(void **state)
{
    uint64_t before = host_free_frames();

    for (int i = 0; i < 1000; i++) {
        struct domain *d;

        assert_int_equal(domain_create((uint32_t)(i % 7), "cycle", 4 * MIB, 2, true, &d), 0);
        assert_int_equal(d->nr_frames, 4 * MIB / PAGE_SIZE);
        /* The domain, 2 vCPUs and its event channels (2 pages). */
        assert_int_equal(host_free_frames(), before - d->nr_frames - 5);
        domain_unpause(d);
        domain_destroy(d);
        assert_int_equal(host_free_frames(), before);
    }
    assert_int_equal(page_alloc_audit(), 0);
    assert_int_equal(domain_count(), 0);
}

static void test_create_rejects_bad_arguments(void **state)
{
    uint64_t before = host_free_frames();
    struct domain *d = (void *)1;

    assert_int_equal(domain_create(DOMAIN_MAX, "x", 4 * MIB, 1, true, &d), -HV_EINVAL);
    assert_null(d);
    assert_int_equal(domain_create(1, "x", 3 * MIB, 1, true, &d), -HV_EINVAL);
    assert_int_equal(domain_create(1, "x", 5 * MIB, 1, true, &d), -HV_EINVAL);
    assert_int_equal(domain_create(1, "x", 4 * MIB, 0, true, &d), -HV_EINVAL);
    assert_int_equal(domain_create(1, "x", 4 * MIB, HV_MAX_VCPUS + 1, true, &d), -HV_EINVAL);
    assert_int_equal(domain_create(1, "x", 64 * MIB, 1, true, &d), -HV_ENOMEM);
    assert_int_equal(host_free_frames(), before);
    assert_int_equal(domain_count(), 0);
}

static void test_create_out_of_memory_leaves_nothing(void **state)
{
    uint64_t before = host_free_frames(), need = 14 * MIB / PAGE_SIZE;
    static mfn_t hog[8192];
    unsigned int n = 0;
    struct domain *b;

    /* Leave room for the memory and the domain, but not for its vCPU: the
     * quick check passes, then creation fails half-way. */
    while (host_free_frames() > need + 1)
        assert_int_equal(page_alloc(0, &hog[n++]), 0);
    assert_int_equal(domain_create(2, "b", 14 * MIB, 1, true, &b), -HV_ENOMEM);
    assert_null(b);
    assert_int_equal(domain_count(), 0);
    assert_int_equal(host_free_frames(), need + 1);
    while (n)
        assert_int_equal(page_free(hog[--n], 0), 0);
    assert_int_equal(host_free_frames(), before);
    assert_int_equal(page_alloc_audit(), 0);
}

static void test_duplicate_id_is_refused(void **state)
{
    struct domain *a, *b;

    assert_int_equal(domain_create(3, "a", 4 * MIB, 1, true, &a), 0);
    assert_int_equal(domain_create(3, "b", 4 * MIB, 1, true, &b), -HV_EEXIST);
    assert_ptr_equal(domain_lookup(3), a);
    domain_destroy(a);
    assert_null(domain_lookup(3));
}

static void test_lifecycle(void **state)
{
    struct domain *d;

    assert_int_equal(domain_create(0, "life", 4 * MIB, 2, true, &d), 0);
    assert_int_equal(d->state, DOMAIN_BUILDING);
    assert_int_equal(d->vcpu[0]->state, VCPU_OFFLINE);
    vcpu_set_entry(d->vcpu[0], 0x100000, 0);
    domain_unpause(d);
    assert_int_equal(d->state, DOMAIN_RUNNING);
    assert_int_equal(d->vcpu[0]->state, VCPU_RUNNABLE);
    assert_int_equal(d->vcpu[1]->state, VCPU_OFFLINE); /* no entry state: stays down */
    vcpu_set_entry(d->vcpu[1], 0x100000, 0);
    assert_int_equal(d->vcpu[1]->state, VCPU_RUNNABLE);
    domain_pause(d);
    domain_pause(d);
    assert_int_equal(d->state, DOMAIN_PAUSED);
    assert_int_equal(d->vcpu[0]->state, VCPU_OFFLINE);
    domain_unpause(d);
    assert_int_equal(d->state, DOMAIN_PAUSED); /* still paused once */
    domain_unpause(d);
    assert_int_equal(d->state, DOMAIN_RUNNING);
    domain_shutdown(d, HV_SHUTDOWN_reboot, 5);
    assert_int_equal(d->state, DOMAIN_SHUTDOWN);
    assert_int_equal(d->shutdown_reason, HV_SHUTDOWN_reboot);
    assert_int_equal(d->shutdown_code, 5);
    domain_unpause(d); /* no way back from shutdown */
    assert_int_equal(d->state, DOMAIN_SHUTDOWN);
    domain_destroy(d);
}

static void test_guest_access_is_bounded(void **state)
{
    struct domain *d = host_domain(0, 4 * MIB, 1);
    char buf[64], back[64];

    memset(buf, 0x5a, sizeof(buf));
    assert_int_equal(copy_to_guest(d, 4 * MIB - sizeof(buf), buf, sizeof(buf)), 0);
    assert_int_equal(copy_from_guest(d, back, 4 * MIB - sizeof(back), sizeof(back)), 0);
    assert_memory_equal(buf, back, sizeof(buf));
    /* A page boundary in the middle. */
    assert_int_equal(copy_to_guest(d, PAGE_SIZE - 10, buf, sizeof(buf)), 0);
    assert_int_equal(copy_from_guest(d, back, PAGE_SIZE - 10, sizeof(back)), 0);
    assert_memory_equal(buf, back, sizeof(buf));
    assert_int_equal(copy_to_guest(d, 4 * MIB - 1, buf, 2), -HV_EFAULT);
    assert_int_equal(copy_from_guest(d, back, 4 * MIB, 1), -HV_EFAULT);
    assert_int_equal(copy_from_guest(d, back, UINT64_MAX - 4, 8), -HV_EFAULT);
    assert_int_equal(clear_guest(d, 0, 4 * MIB), 0);
    assert_int_equal(copy_from_guest(d, back, 4 * MIB - sizeof(back), sizeof(back)), 0);
    assert_int_equal(back[0], 0);
    domain_destroy(d);
}

static void test_populate_in_steps(void **state)
{
    uint64_t before = host_free_frames();
    struct domain *d;

    assert_int_equal(domain_create(1, "steps", 8 * MIB, 1, false, &d), 0);
    assert_int_equal(d->nr_frames, 512); /* the first 2 MiB, shared info */
    assert_int_equal(domain_populate_step(d, 1), -HV_ERESTART);
    assert_int_equal(d->nr_frames, 1024);
    assert_int_equal(domain_populate_step(d, 1), -HV_ERESTART);
    assert_int_equal(domain_populate_step(d, 5), 0);
    assert_int_equal(d->nr_frames, 2048);
    assert_int_equal(domain_populate_step(d, 5), 0);
    domain_destroy(d);
    /* Destroyed half-way, everything comes back too. */
    assert_int_equal(domain_create(1, "half", 8 * MIB, 1, false, &d), 0);
    assert_int_equal(domain_populate_step(d, 1), -HV_ERESTART);
    domain_destroy(d);
    assert_int_equal(host_free_frames(), before);
}

static int setup_large(void **state)
{
    host_machine_init(65536); /* 256 MiB */
    return 0;
}

/* A destroy gives memory back a bounded amount per step (32 blocks of
 * 2 MiB), waits for a vCPU still busy on a CPU, and the scheduler's reaper
 * finishes what nobody steps; every frame comes back either way. */
static void test_destroy_in_steps(void **state)
{
    uint64_t before = host_free_frames(), frames;
    struct domain *d;
    int steps = 0;

    assert_int_equal(domain_create(1, "big", 192 * MIB, 1, true, &d), 0);
    frames = d->nr_frames;
    domain_destroy_start(d);
    assert_int_equal(d->state, DOMAIN_DYING);
    assert_int_equal(d->nr_frames, frames);
    d->vcpu[0]->busy = true;
    assert_int_equal(domain_destroy_step(d), -HV_ERESTART);
    assert_int_equal(d->nr_frames, frames); /* nothing while it is busy */
    d->vcpu[0]->busy = false;
    while (domain_destroy_step(d) == -HV_ERESTART) {
        steps++;
        assert_int_equal(d->nr_frames, frames - (uint64_t)steps * 32 * 512);
    }
    assert_int_equal(steps, 2); /* 96 blocks: 32 + 32 + the last 32 */
    assert_int_equal(host_free_frames(), before);
    assert_null(domain_lookup(1));

    /* Left to the reaper: one step per dying domain per call. */
    assert_int_equal(domain_create(2, "a", 96 * MIB, 1, true, &d), 0);
    domain_destroy_start(d);
    assert_int_equal(domain_create(3, "b", 96 * MIB, 1, true, &d), 0);
    domain_destroy_start(d);
    assert_true(domain_reap()); /* 32 of 48 blocks each */
    assert_false(domain_reap());
    assert_null(domain_lookup(2));
    assert_null(domain_lookup(3));
    assert_false(domain_reap());
    assert_int_equal(host_free_frames(), before);
    assert_int_equal(page_alloc_audit(), 0);
}

/* The control domain lists a domain whose destruction is under way: its
 * vCPUs are freed by the first step, its memory comes back over several. */
static void test_getinfo_of_a_dying_domain(void **state)
{
    struct domain *ctl = host_domain(0, 4 * MIB, 1), *d;
    struct hv_domctl_info info = {.domid = 1};
    const uint64_t gpa = 0x20000, args[6] = {HV_DOMCTL_getinfo, gpa};

    ctl->privileged = true;
    assert_int_equal(domain_create(1, "big", 192 * MIB, 2, true, &d), 0);
    domain_destroy_start(d);
    assert_int_equal(domain_destroy_step(d), -HV_ERESTART);
    assert_null(d->vcpu[0]);
    assert_int_equal(copy_to_guest(ctl, gpa, &info, sizeof(info)), 0);
    assert_int_equal(hypercall_dispatch(ctl->vcpu[0], HV_HC_domctl, args), 0);
    assert_int_equal(copy_from_guest(ctl, &info, gpa, sizeof(info)), 0);
    assert_int_equal(info.domid, 1);
    assert_int_equal(info.state, HV_DOMSTATE_dying);
    assert_int_equal(info.vcpus, 2);
    assert_int_equal(info.cpu_time_ns, 0);
    while (domain_destroy_step(d) == -HV_ERESTART)
        ;
    domain_destroy(ctl);
    assert_int_equal(page_alloc_audit(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_destroy_returns_every_frame, setup),
        cmocka_unit_test_setup(test_create_rejects_bad_arguments, setup),
        cmocka_unit_test_setup(test_create_out_of_memory_leaves_nothing, setup),
        cmocka_unit_test_setup(test_duplicate_id_is_refused, setup),
        cmocka_unit_test_setup(test_lifecycle, setup),
        cmocka_unit_test_setup(test_guest_access_is_bounded, setup),
        cmocka_unit_test_setup(test_populate_in_steps, setup),
        cmocka_unit_test_setup(test_destroy_in_steps, setup_large),
        cmocka_unit_test_setup(test_getinfo_of_a_dying_domain, setup_large),
    };

    return RUN_TESTS(tests);
}
