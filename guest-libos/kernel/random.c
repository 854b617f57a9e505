/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getrandom(2) from the processor: RDRAND where CPUID offers it (retried,
 * as Intel advises, since it may briefly run dry), else RDSEED, else --
 * on a processor with neither -- a mix of TSC readings, which is not
 * cryptographic and says so once in the log.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "private.h"

#define RETRIES 10

enum source { SOURCE_UNKNOWN, SOURCE_RDRAND, SOURCE_RDSEED, SOURCE_TSC };
static enum source source;

static enum source pick_source(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (c & (1u << 30))
        return SOURCE_RDRAND;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (a >= 7) {
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
        if (b & (1u << 18))
            return SOURCE_RDSEED;
    }
    libos_log("libos: no RDRAND or RDSEED: getrandom falls back to the TSC\n");
    return SOURCE_TSC;
}

static int hardware_word(enum source s, uint64_t *out)
{
    unsigned char ok;

    for (int i = 0; i < RETRIES; i++) {
        if (s == SOURCE_RDRAND)
            __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        else
            __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok)
            return 1;
        __builtin_ia32_pause();
    }
    return 0;
}

/* A SplitMix64 step over the TSC: distinct values, not secrets. */
static uint64_t tsc_word(void)
{
    static uint64_t state;
    uint32_t lo, hi;
    uint64_t z;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    z = __atomic_add_fetch(&state, (((uint64_t)hi << 32) | lo) + 0x9e3779b97f4a7c15ull,
                           __ATOMIC_RELAXED);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void getrandom_bytes(void *buf, size_t len)
{
    size_t done = 0;

    if (source == SOURCE_UNKNOWN)
        source = pick_source();
    while (done < len) {
        uint64_t w;
        size_t n = len - done < sizeof(w) ? len - done : sizeof(w);

        if (source == SOURCE_TSC || !hardware_word(source, &w))
            w = tsc_word();
        memcpy((unsigned char *)buf + done, &w, n);
        done += n;
    }
}

/* getrandom(buf, len, flags): the whole buffer, whatever the flags. */
SYSCALL_HANDLER(getrandom)
{
    size_t len = (size_t)a[1];

    if ((long)len < 0)
        return -EINVAL;
    getrandom_bytes((void *)(uintptr_t)a[0], len);
    return (long)len;
}
