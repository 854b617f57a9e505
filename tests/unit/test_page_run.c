/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The library OS's mmap allocator (guest-libos/kernel/page_run.c) on the
 * host: runs are free pages only, never overlap, next fit moves on past a
 * freed run, the search wraps, whole used words are skipped correctly at
 * any alignment, and a random workload agrees with a simple model.
 */
#include "unit.h"

#include "../../guest-libos/kernel/page_run.h"

#include <stdlib.h>
#include <string.h>

#define PAGES 1000 /* not a multiple of 64: the last word is partial */

static uint64_t bits[(PAGES + 63) / 64];
static struct page_runs runs;

static int setup(void **state)
{
    (void)state;
    memset(bits, 0xa5, sizeof(bits)); /* init must clear it */
    page_runs_init(&runs, bits, PAGES);
    return 0;
}

static void assert_range(unsigned long first, unsigned long count, int used)
{
    for (unsigned long i = first; i < first + count; i++)
        assert_int_equal(page_runs_used(&runs, i), used);
}

static void test_runs_are_free_and_next_fit(void **state)
{
    long a, b, c;

    (void)state;
    assert_range(0, PAGES, 0);
    a = page_runs_alloc(&runs, 10);
    b = page_runs_alloc(&runs, 100);
    assert_int_equal(a, 0);
    assert_int_equal(b, 10);
    assert_range(0, 110, 1);
    /* A freed run is not handed out again at once. */
    page_runs_mark(&runs, (unsigned long)a, 10, 0);
    c = page_runs_alloc(&runs, 10);
    assert_int_equal(c, 110);
    /* Zero pages, or more than there are: none. */
    assert_int_equal(page_runs_alloc(&runs, 0), -1);
    assert_int_equal(page_runs_alloc(&runs, PAGES + 1), -1);
}

static void test_search_wraps_and_fills_exactly(void **state)
{
    long first;

    (void)state;
    assert_int_equal(page_runs_alloc(&runs, PAGES - 5), 0);
    assert_int_equal(page_runs_alloc(&runs, 5), PAGES - 5);
    assert_int_equal(page_runs_alloc(&runs, 1), -1); /* full */
    /* Free a run in the middle: the next search wraps to find it. */
    page_runs_mark(&runs, 300, 70, 0);
    assert_int_equal(page_runs_alloc(&runs, 71), -1);
    first = page_runs_alloc(&runs, 70);
    assert_int_equal(first, 300);
    assert_range(0, PAGES, 1);
}

static void test_used_words_are_skipped_at_any_alignment(void **state)
{
    (void)state;
    /* Pages 0-191 used (three whole words), then free from 192 on, with
     * the search starting at 0. */
    page_runs_mark(&runs, 0, 192, 1);
    assert_int_equal(page_runs_alloc(&runs, 3), 192);
    /* A free page just before a full word must still start a run that
     * continues after it only if it is free: 255 free, 256-319 used. */
    page_runs_mark(&runs, 195, PAGES - 195, 1);
    page_runs_mark(&runs, 255, 1, 0);
    page_runs_mark(&runs, 320, 2, 0);
    assert_int_equal(page_runs_alloc(&runs, 2), 320);
    assert_int_equal(page_runs_alloc(&runs, 1), 255);
    assert_int_equal(page_runs_alloc(&runs, 1), -1);
}

/* Random allocations and frees against a byte-per-page model. */
static void test_random_workload_matches_a_model(void **state)
{
    static unsigned char model[PAGES];
    struct {
        long first;
        unsigned long count;
    } held[64];
    unsigned int nheld = 0;

    (void)state;
    srand(1);
    memset(model, 0, sizeof(model));
    for (int step = 0; step < 20000; step++) {
        if (nheld < 64 && (rand() % 3 || nheld == 0)) {
            unsigned long count = 1 + (unsigned long)(rand() % 40);
            long first = page_runs_alloc(&runs, count);
            unsigned long longest = 0, run = 0;

            for (unsigned long i = 0; i < PAGES; i++) {
                run = model[i] ? 0 : run + 1;
                longest = run > longest ? run : longest;
            }
            if (first < 0) {
                /* Only when no run of that length exists at all. */
                assert_true(longest < count);
                continue;
            }
            for (unsigned long i = 0; i < count; i++) {
                assert_int_equal(model[first + (long)i], 0);
                model[first + (long)i] = 1;
            }
            held[nheld].first = first;
            held[nheld++].count = count;
        } else {
            unsigned int k = (unsigned int)rand() % nheld;

            page_runs_mark(&runs, (unsigned long)held[k].first, held[k].count, 0);
            memset(&model[held[k].first], 0, held[k].count);
            held[k] = held[--nheld];
        }
        if (step % 997 == 0)
            for (unsigned long i = 0; i < PAGES; i++)
                assert_int_equal(page_runs_used(&runs, i), model[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_runs_are_free_and_next_fit, setup),
        cmocka_unit_test_setup(test_search_wraps_and_fills_exactly, setup),
        cmocka_unit_test_setup(test_used_words_are_skipped_at_any_alignment, setup),
        cmocka_unit_test_setup(test_random_workload_matches_a_model, setup),
    };

    return RUN_TESTS(tests);
}
