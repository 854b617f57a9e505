/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exocc program's ordinary work, as any C program on Linux does it:
 * threads that sum a heap array in slices under a mutex, a hand-over
 * through a condition variable, joins with results, and a sleep measured
 * on the monotonic clock.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "stats.h"

struct slice {
    const uint32_t *values;
    size_t count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t handed = PTHREAD_COND_INITIALIZER;
static uint64_t total;
static int token; /* 0: nobody has it; 1 .. : the thread that may take it */

static void *sum_slice(void *arg)
{
    const struct slice *s = arg;
    uint64_t sum = 0;

    for (size_t i = 0; i < s->count; i++)
        sum += s->values[i];
    pthread_mutex_lock(&lock);
    total += sum;
    pthread_mutex_unlock(&lock);
    return (void *)(uintptr_t)s->count;
}

long threaded_sum(unsigned int threads, size_t count, uint64_t *sum)
{
    uint32_t *values = malloc(count * sizeof(*values));
    struct slice *slices = calloc(threads, sizeof(*slices));
    pthread_t *ids = calloc(threads, sizeof(*ids));
    uint64_t expect = 0;
    long joined = 0;

    if (!values || !slices || !ids)
        return -1;
    for (size_t i = 0; i < count; i++) {
        values[i] = (uint32_t)(i * 2654435761u);
        expect += values[i];
    }
    total = 0;
    for (unsigned int t = 0; t < threads; t++) {
        slices[t].values = values + count / threads * t;
        slices[t].count = t + 1 < threads ? count / threads : count - count / threads * t;
        if (pthread_create(&ids[t], NULL, sum_slice, &slices[t]))
            return -1;
    }
    for (unsigned int t = 0; t < threads; t++) {
        void *done;

        if (pthread_join(ids[t], &done))
            return -1;
        joined += (long)(uintptr_t)done;
    }
    free(ids);
    free(slices);
    free(values);
    *sum = total;
    return total == expect ? joined : -1;
}

static void *relay(void *arg)
{
    int me = (int)(intptr_t)arg;

    pthread_mutex_lock(&lock);
    while (token != me)
        pthread_cond_wait(&handed, &lock);
    token = me + 1;
    pthread_cond_broadcast(&handed);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int relay_race(int runners)
{
    pthread_t ids[16];

    if (runners > 16)
        return -1;
    token = 0;
    for (int i = 0; i < runners; i++)
        if (pthread_create(&ids[i], NULL, relay, (void *)(intptr_t)(runners - i)))
            return -1;
    pthread_mutex_lock(&lock);
    token = 1; /* the last one started runs first */
    pthread_cond_broadcast(&handed);
    while (token != runners + 1)
        pthread_cond_wait(&handed, &lock);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < runners; i++)
        pthread_join(ids[i], NULL);
    return token;
}

long slept_ms(long ms)
{
    struct timespec a, b, d = {ms / 1000, (ms % 1000) * 1000000};

    clock_gettime(CLOCK_MONOTONIC, &a);
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}
