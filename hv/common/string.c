/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Freestanding string functions for the hypervisor, the library OS and
 * libfdt (linked into both). BSD-licensed like the library OS, which builds
 * this same file. Plain byte loops, but for the aligned bulk of memcpy and
 * memset, which go by REP MOVSQ / REP STOSQ (whole pages are copied and
 * cleared often); the compiler must not turn the loops into calls to the
 * functions themselves (see hv/hv.mk). x86-64 only, as both users are.
 */
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Whole pages are copied and cleared often (populating a domain, grant
 * copies), so the aligned bulk goes eight bytes at a time. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0 && n >= 8) {
        size_t words = n / 8;

        /* REP MOVSQ: the processor's own bulk copy (and one instruction
         * per word, not seven, where instructions are what counts). */
        __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
        n &= 7;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    bool words = (((uintptr_t)d | (uintptr_t)s) & 7) == 0;

    /* Apart (a grant copy between two domains' frames, say): memcpy's
     * forward loop, whichever lies higher. */
    if ((uintptr_t)d + n <= (uintptr_t)s || (uintptr_t)s + n <= (uintptr_t)d)
        return memcpy(dst, src, n);
    /* Each eight-byte chunk is read before it is written, and copying runs
     * away from the overlap, so the chunks are safe however close. */
    if (d < s) {
        for (; words && n >= 8; n -= 8, d += 8, s += 8)
            *(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
        while (n--)
            *d++ = *s++;
    } else {
        for (; words && n >= 8 && (n & 7) == 0; n -= 8)
            *(uint64_t *)(void *)(d + n - 8) = *(const uint64_t *)(const void *)(s + n - 8);
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    if (((uintptr_t)d & 7) == 0 && n >= 8) {
        uint64_t v = 0x0101010101010101ull * (unsigned char)c;
        size_t words = n / 8;

        __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
        n &= 7;
    }
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)(uintptr_t)p;
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)(uintptr_t)last;
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long v = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    for (; digit_value(*s) < base; s++)
        v = v * (unsigned long)base + (unsigned long)digit_value(*s);
    if (end)
        *end = (char *)(uintptr_t)s;
    return v;
}
