/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the scheduler on the host machine, where vCPUs run scripts
 * and time moves only when they say so: weighted shares, blocking until a
 * timer, yielding, and the loop ending when the last domain is gone.
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/domain.h>
#include <hv/sched.h>
#include <public/hv.h>

#define MIB (1ull << 20)
#define MS 1000000ull

static uint64_t stop_at;

static int setup(void **state)
{
    host_machine_init(8192);
    return 0;
}

/* A CPU-bound guest: runs until its timer interrupt; everyone stops at stop_at. */
static void spin(struct vcpu *v, struct vcpu_exit *exit)
{
    if (host_time_ns >= stop_at) {
        exit->reason = EXIT_HYPERCALL;
        exit->hypercall.nr = HV_HC_sched_op;
        exit->hypercall.args[0] = HV_SCHED_shutdown;
        return;
    }
    host_time_ns = host_timer_deadline < stop_at ? host_timer_deadline : stop_at;
    exit->reason = EXIT_INTERRUPT;
}

static void test_weights_share_the_cpu(void **state)
{
    struct domain *heavy = host_domain(1, 4 * MIB, 1), *light = host_domain(2, 4 * MIB, 1);
    double ratio;

    heavy->weight = 512;
    light->weight = 256;
    stop_at = 3000 * MS;
    host_vcpu_script = spin;
    sched_run();
    assert_true(host_stopped[1].stopped && host_stopped[2].stopped);
    ratio = (double)host_stopped[1].cpu_time_ns / (double)host_stopped[2].cpu_time_ns;
    print_message("heavy %lu ns, light %lu ns, ratio %.3f\n", host_stopped[1].cpu_time_ns,
                  host_stopped[2].cpu_time_ns, ratio);
    assert_true(ratio > 1.8 && ratio < 2.2);
    assert_true(host_stopped[1].cpu_time_ns + host_stopped[2].cpu_time_ns >= 2900 * MS);
}

/* Sleeps 10 ms on its timer three times, recording when it woke. */
static uint64_t woke[3];
static int sleeps;

static void sleeper(struct vcpu *v, struct vcpu_exit *exit)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = HV_HC_sched_op;
    if (sleeps > 0)
        woke[sleeps - 1] = host_time_ns;
    if (sleeps == 3) {
        exit->hypercall.args[0] = HV_SCHED_shutdown;
        return;
    }
    /* First the timer, then the block: two exits. */
    if (v->timer_deadline == NO_TIMER) {
        exit->hypercall.args[0] = HV_SCHED_set_timer;
        exit->hypercall.args[1] = host_time_ns + 10 * MS;
        return;
    }
    exit->hypercall.args[0] = HV_SCHED_block;
    sleeps++;
}

static void test_block_until_timer(void **state)
{
    host_domain(1, 4 * MIB, 1);
    sleeps = 0;
    host_vcpu_script = sleeper;
    sched_run();
    assert_int_equal(woke[0], 10 * MS);
    assert_int_equal(woke[1], 20 * MS);
    assert_int_equal(woke[2], 30 * MS);
    assert_int_equal(host_stopped[1].reason, HV_SHUTDOWN_poweroff);
}

/* Blocking with no timer and nothing else to wake it stops the domain. */
static void block_forever(struct vcpu *v, struct vcpu_exit *exit)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = HV_HC_sched_op;
    exit->hypercall.args[0] = HV_SCHED_block;
}

static void test_block_with_nothing_to_wake_crashes(void **state)
{
    host_domain(4, 4 * MIB, 1);
    host_vcpu_script = block_forever;
    sched_run();
    assert_true(host_stopped[4].stopped);
    assert_int_equal(host_stopped[4].reason, HV_SHUTDOWN_crash);
}

/* Yielding alternates two domains exactly. */
static uint32_t order[8];
static int turns;

static void yielder(struct vcpu *v, struct vcpu_exit *exit)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = HV_HC_sched_op;
    if (turns < 8)
        order[turns++] = v->domain->id;
    exit->hypercall.args[0] = turns < 8 ? HV_SCHED_yield : HV_SCHED_shutdown;
}

static void test_yield_alternates(void **state)
{
    host_domain(1, 4 * MIB, 1);
    host_domain(2, 4 * MIB, 1);
    turns = 0;
    host_vcpu_script = yielder;
    sched_run();
    for (int i = 0; i < 8; i++)
        assert_int_equal(order[i], 1 + (i % 2));
}

/* A guest sets its timer, is preempted until after the deadline, then
 * blocks: the timer already fired, and that was the block's wake-up. */
static int late_steps;

static void late_blocker(struct vcpu *v, struct vcpu_exit *exit)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = HV_HC_sched_op;
    switch (late_steps++) {
    case 0:
        exit->hypercall.args[0] = HV_SCHED_set_timer;
        exit->hypercall.args[1] = host_time_ns + 1 * MS;
        break;
    case 1:
        /* Preempted past the deadline: the timer fires before the block. */
        host_time_ns += 2 * MS;
        exit->reason = EXIT_INTERRUPT;
        break;
    case 2:
        exit->hypercall.args[0] = HV_SCHED_block;
        break;
    default:
        exit->hypercall.args[0] = HV_SCHED_shutdown;
        break;
    }
}

static void test_timer_fired_before_block_ends_it(void **state)
{
    host_domain(1, 4 * MIB, 1);
    late_steps = 0;
    host_vcpu_script = late_blocker;
    sched_run();
    assert_true(host_stopped[1].stopped);
    assert_int_equal(host_stopped[1].reason, HV_SHUTDOWN_poweroff);
    assert_int_equal(late_steps, 4);
}

/* The toolstack pauses and unpauses a guest that has set its timer: the
 * timer still ends the guest's next block. */
static uint64_t paused_woke;

static void paused_sleeper(struct vcpu *v, struct vcpu_exit *exit)
{
    struct domain *d = v->domain;

    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = HV_HC_sched_op;
    switch (late_steps++) {
    case 0:
        exit->hypercall.args[0] = HV_SCHED_set_timer;
        exit->hypercall.args[1] = host_time_ns + 10 * MS;
        break;
    case 1:
        /* Another CPU pauses and unpauses the domain while it runs. */
        hv_lock();
        domain_pause(d);
        domain_unpause(d);
        hv_unlock();
        exit->reason = EXIT_INTERRUPT;
        break;
    case 2:
        exit->hypercall.args[0] = HV_SCHED_block;
        break;
    default:
        paused_woke = host_time_ns;
        exit->hypercall.args[0] = HV_SCHED_shutdown;
        break;
    }
}

static void test_pause_keeps_the_timer(void **state)
{
    host_domain(1, 4 * MIB, 1);
    late_steps = 0;
    host_vcpu_script = paused_sleeper;
    sched_run();
    assert_true(host_stopped[1].stopped);
    assert_int_equal(host_stopped[1].reason, HV_SHUTDOWN_poweroff);
    assert_int_equal(paused_woke, 10 * MS);
}

/* Every vCPU there can be arms its timer at once: nine domains of 32 vCPUs
 * are more timers than domains times four (the list was once that long,
 * and the next one armed panicked the hypervisor). */
#define MANY_DOMAINS 9
static unsigned int armed, stopped_early;

static void arm_and_wait(struct vcpu *v, struct vcpu_exit *exit)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = HV_HC_sched_op;
    if (v->timer_deadline == NO_TIMER && armed < MANY_DOMAINS * HV_MAX_VCPUS) {
        exit->hypercall.args[0] = HV_SCHED_set_timer;
        exit->hypercall.args[1] = host_time_ns + 1000 * MS + v->domain->id * HV_MAX_VCPUS + v->id;
        armed++;
        return;
    }
    if (armed < MANY_DOMAINS * HV_MAX_VCPUS) {
        exit->hypercall.args[0] = HV_SCHED_yield;
        return;
    }
    if (host_time_ns >= 1000 * MS)
        stopped_early++; /* a timer fired before every vCPU had armed one */
    exit->hypercall.args[0] = HV_SCHED_shutdown;
}

static void test_every_vcpu_arms_its_timer(void **state)
{
    host_machine_init(12288); /* 48 MiB: nine domains of 4 MiB and their vCPUs */
    for (uint32_t id = 1; id <= MANY_DOMAINS; id++)
        host_domain(id, 4 * MIB, HV_MAX_VCPUS);
    armed = stopped_early = 0;
    host_vcpu_script = arm_and_wait;
    sched_run();
    assert_int_equal(armed, MANY_DOMAINS * HV_MAX_VCPUS);
    assert_int_equal(stopped_early, 0);
    for (uint32_t id = 1; id <= MANY_DOMAINS; id++)
        assert_true(host_stopped[id].stopped);
    assert_int_equal(domain_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_weights_share_the_cpu, setup),
        cmocka_unit_test_setup(test_block_until_timer, setup),
        cmocka_unit_test_setup(test_block_with_nothing_to_wake_crashes, setup),
        cmocka_unit_test_setup(test_yield_alternates, setup),
        cmocka_unit_test_setup(test_timer_fired_before_block_ends_it, setup),
        cmocka_unit_test_setup(test_pause_keeps_the_timer, setup),
        cmocka_unit_test_setup(test_every_vcpu_arms_its_timer, setup),
    };

    return RUN_TESTS(tests);
}
