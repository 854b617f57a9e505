/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the library OS's deadline queues (guest-libos/kernel/
 * timerq.c), which order its sleeping and timed-waiting threads: the
 * earliest deadline first, equal deadlines first come first served,
 * removal from anywhere, and only due timers popped; then a long random
 * run checked against a plain array.
 */
#include "unit.h"

#include <stdlib.h>
#include <timerq.h>

#define RANDOM_TIMERS 200

static void test_empty(void **state)
{
    struct list q;
    struct timer t;

    (void)state;
    timerq_init(&q);
    timer_init(&t);
    assert_int_equal(timerq_next(&q), TIMERQ_NONE);
    assert_null(timerq_pop_due(&q, UINT64_MAX));
    timerq_del(&t); /* not queued: nothing happens */
    assert_true(list_empty(&q));
}

static void test_order_and_ties(void **state)
{
    static const uint64_t deadlines[] = {30, 10, 20, 10, 40, 5, 20};
    static const int expect[] = {5, 1, 3, 2, 6, 0, 4}; /* indexes, popped in order */
    struct timer t[7];
    struct list q;

    (void)state;
    timerq_init(&q);
    for (int i = 0; i < 7; i++) {
        timer_init(&t[i]);
        timerq_add(&q, &t[i], deadlines[i]);
    }
    assert_int_equal(timerq_next(&q), 5);
    for (int i = 0; i < 7; i++)
        assert_ptr_equal(timerq_pop_due(&q, UINT64_MAX), &t[expect[i]]);
    assert_true(list_empty(&q));
}

static void test_only_due(void **state)
{
    struct timer a, b, c;
    struct list q;

    (void)state;
    timerq_init(&q);
    timer_init(&a);
    timer_init(&b);
    timer_init(&c);
    timerq_add(&q, &a, 100);
    timerq_add(&q, &b, 200);
    timerq_add(&q, &c, 300);
    assert_null(timerq_pop_due(&q, 99));
    assert_ptr_equal(timerq_pop_due(&q, 100), &a); /* due at its deadline */
    assert_null(timerq_pop_due(&q, 199));
    timerq_del(&b); /* taken off before it is due */
    timerq_del(&b); /* twice is harmless */
    assert_int_equal(timerq_next(&q), 300);
    assert_ptr_equal(timerq_pop_due(&q, 1000), &c);
    assert_null(timerq_pop_due(&q, 1000));
    /* A popped timer can be queued again. */
    timerq_add(&q, &a, 50);
    assert_int_equal(timerq_next(&q), 50);
}

/* Adds and removals at random; every pop must give the earliest deadline
 * left, the one added first among equals. */
static void test_random(void **state)
{
    static struct timer t[RANDOM_TIMERS];
    static int queued[RANDOM_TIMERS], order[RANDOM_TIMERS];
    struct list q;
    int stamp = 0;

    (void)state;
    srand(1);
    timerq_init(&q);
    for (int i = 0; i < RANDOM_TIMERS; i++)
        timer_init(&t[i]);
    for (int round = 0; round < 20000; round++) {
        int i = rand() % RANDOM_TIMERS, best = -1;
        struct timer *popped;

        switch (rand() % 3) {
        case 0:
            if (!queued[i]) {
                timerq_add(&q, &t[i], (uint64_t)(rand() % 50));
                queued[i] = 1;
                order[i] = stamp++;
            }
            break;
        case 1:
            timerq_del(&t[i]);
            queued[i] = 0;
            break;
        default:
            for (int j = 0; j < RANDOM_TIMERS; j++)
                if (queued[j] && (best < 0 || t[j].deadline < t[best].deadline ||
                                  (t[j].deadline == t[best].deadline && order[j] < order[best])))
                    best = j;
            popped = timerq_pop_due(&q, 25);
            if (best < 0 || t[best].deadline > 25) {
                assert_null(popped);
            } else {
                assert_ptr_equal(popped, &t[best]);
                queued[best] = 0;
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_order_and_ties),
        cmocka_unit_test(test_only_due),
        cmocka_unit_test(test_random),
    };

    return RUN_TESTS(tests);
}
