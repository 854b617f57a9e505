/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the hypervisor's formatter (hv/common/vsnprintf.c, built
 * here as hv_test_snprintf). The C library's snprintf is the reference:
 * every case is run through both at a range of buffer sizes, and the return
 * values and the whole buffers, including the bytes after the output, must
 * match. A table covers the corner cases; random formats cover the rest.
 */
#include "unit.h"

#include <hv/types.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

int hv_test_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_test_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#define BUF 512
#define NULL_BUF ((size_t)-1) /* in sizes[]: size 0 and a NULL buffer */

/* Largest first, so that a failure is first reported with the whole output. */
static const size_t sizes[] = {BUF, 64, 13, 8, 5, 3, 2, 1, 0, NULL_BUF};

static char ours[BUF], theirs[BUF];
static unsigned long nr_compared;

static void compare(const char *where, const char *fmt, size_t size, int our_rc, int their_rc)
{
    int shown;

    nr_compared++;
    if (our_rc == their_rc && memcmp(ours, theirs, BUF) == 0)
        return;
    /* Show what the buffers hold, at most up to the size given. */
    shown = size == NULL_BUF ? 0 : (int)MIN(size, (size_t)BUF);
    fail_msg("%s: format \"%s\" size %zd: got %d \"%.*s\", want %d \"%.*s\"", where, fmt,
             (ssize_t)size, our_rc, shown, ours, their_rc, shown, theirs);
}

/* Run one format through both formatters at every size in sizes[]. */
#define CHECK(fmt, ...)                                                                            \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < ARRAY_SIZE(sizes); i_++) {                                        \
            bool null_ = sizes[i_] == NULL_BUF;                                                    \
            size_t n_ = null_ ? 0 : sizes[i_];                                                     \
            int ours_rc_, theirs_rc_;                                                              \
                                                                                                   \
            memset(ours, 0x5a, BUF);                                                               \
            memset(theirs, 0x5a, BUF);                                                             \
            ours_rc_ = hv_test_snprintf(null_ ? NULL : ours, n_, fmt, ##__VA_ARGS__);              \
            theirs_rc_ = snprintf(null_ ? NULL : theirs, n_, fmt, ##__VA_ARGS__);                  \
            compare(__FILE__ ":" STRINGIFY(__LINE__), fmt, sizes[i_], ours_rc_, theirs_rc_);       \
        }                                                                                          \
    } while (0)

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static void test_plain_text(void **state)
{
    CHECK("hello, world");
    CHECK("%%");
    CHECK("100%% sure %%%%");
    CHECK("tab\tnewline\n");
}

static void test_signed(void **state)
{
    static const int values[] = {0, 1, -1, 7, -42, 1000000, INT_MAX, INT_MIN};

    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        int v = values[i];

        CHECK("%d", v);
        CHECK("%i", v);
        CHECK("[%5d]", v);
        CHECK("[%-5d]", v);
        CHECK("[%05d]", v);
        CHECK("[%+d]", v);
        CHECK("[% d]", v);
        CHECK("[%+05d]", v);
        CHECK("[%-+5d]", v);
        CHECK("[% 05d]", v);
        CHECK("[%.0d]", v);
        CHECK("[%.3d]", v);
        CHECK("[%8.3d]", v);
        CHECK("[%-8.3d]", v);
        CHECK("[%+.0d]", v);
        CHECK("[% .5i]", v);
        CHECK("[%20d]", v);
        CHECK("[%-20d|]", v);
        CHECK("[%.15d]", v);
        CHECK("[%015d]", v);
    }
}

static void test_unsigned(void **state)
{
    static const unsigned int values[] = {0, 1, 8, 9, 15, 16, 255, 0xdeadbeef, UINT_MAX};

    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        unsigned int v = values[i];

        CHECK("%u %x %X %o", v, v, v, v);
        CHECK("[%#x] [%#X] [%#o]", v, v, v);
        CHECK("[%#.0x] [%#.0o] [%.0u]", v, v, v);
        CHECK("[%#10x] [%#-10x] [%#010x]", v, v, v);
        CHECK("[%#10o] [%#-10o] [%#010o]", v, v, v);
        CHECK("[%.5x] [%#.5x] [%#.5o] [%#.2o]", v, v, v, v);
        CHECK("[%12.5u] [%-12.5x] [%12.5o]", v, v, v);
        CHECK("[%08u] [%-8u] [%8u]", v, v, v);
    }
}

static void test_length_modifiers(void **state)
{
    CHECK("%hhd %hhu %hd %hu", (signed char)-5, (unsigned char)250, (short)-300,
          (unsigned short)65000);
    CHECK("%ld %ld %lu %lx", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX);
    CHECK("%lld %lld %llu %llo", LLONG_MIN, LLONG_MAX, ULLONG_MAX, ULLONG_MAX);
    CHECK("%zu %zx %zd", SIZE_MAX, (size_t)0x1234, (ssize_t)-5);
    CHECK("%td %tx", (ptrdiff_t)-7, (ptrdiff_t)0x7fff);
    CHECK("%jd %jd %ju %jX", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX, UINTMAX_MAX);
    CHECK("%" PRId64 " %" PRIu64 " %" PRIx64, INT64_MIN, UINT64_MAX, (uint64_t)INT64_MIN);
    CHECK("[%+25lld] [%-25lld] [%025lld]", LLONG_MIN, LLONG_MIN, LLONG_MIN);
    CHECK("[%#llx] [%#llo] [%#25llX]", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
}

static void test_chars_and_strings(void **state)
{
    static const char unterminated[3] = {'a', 'b', 'c'};

    CHECK("%c%c%c", 'a', 'B', '9');
    CHECK("[%5c] [%-5c]", 'x', 'y');
    CHECK("a%cb", 0); /* a NUL in the middle of the output */
    CHECK("%s", "hello");
    CHECK("[%s]", "");
    CHECK("[%10s] [%-10s]", "right", "left");
    CHECK("[%.3s] [%.0s] [%.10s]", "abcdef", "abcdef", "abcdef");
    CHECK("[%10.3s] [%-10.3s]", "abcdef", "abcdef");
    CHECK("[%.*s] [%.*s] [%.*s]", 3, "abcdef", 0, "abcdef", -1, "abcdef");
    CHECK("[%*s] [%*s] [%-*s]", 8, "ab", -8, "ab", 8, "ab");
    CHECK("[%*d] [%*d] [%-*d]", 6, 42, -6, 42, 6, -42);
    CHECK("[%*.*d] [%.*d]", 8, 4, 7, -3, 7);
    /* The precision bounds the read: ASan catches a look past it. */
    CHECK("[%.3s] [%.*s]", unterminated, 2, unterminated);
    CHECK("%s=%d, %s=%#x\n", "count", 12, "mask", 0xf0u);
    CHECK("%300d|%s", 1, "tail"); /* longer than some sizes, shorter than BUF */
    CHECK("%600d", 1);            /* longer than every buffer */
}

static void test_pointers(void **state)
{
    void *values[] = {NULL, (void *)0x1, (void *)0x1234, (void *)&values,
                      (void *)(uintptr_t)UINTPTR_MAX};

    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        CHECK("%p", values[i]);
        CHECK("[%20p] [%-20p] [%3p]", values[i], values[i], values[i]);
    }
}

/*
 * Cases that a format checker complains about but whose output C still
 * defines (ignored flags) or glibc defines (a NULL string).
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

static void test_ignored_flags(void **state)
{
    CHECK("[%+u] [% u] [%+x] [% X] [%+o]", 5u, 5u, 5u, 5u, 5u);
    CHECK("[%#d] [%#i] [%#u]", 5, -5, 5u);
    CHECK("[%-05d] [%-#08x]", 5, 5u);
    CHECK("[%012.5o] [%08.3d] [%-08.3x]", 8u, -5, 5u); /* '0' with a precision */
    CHECK("");
    CHECK("[%s] [%10s] [%-8s]", (char *)NULL, (char *)NULL, (char *)NULL);
    CHECK("[%.6s] [%.10s]", (char *)NULL, (char *)NULL);
}

/* C converts the promoted argument to the length's type before printing. */
static void test_narrowing_lengths(void **state)
{
    CHECK("%hhd %hhd %hhu %hhx", 200, -129, 300, 0x1ff);
    CHECK("%hd %hd %hu %hx", 70000, -32769, 70000, 0x1ffff);
}

/* The formatter's own choices where C leaves the behaviour undefined. */
static void test_own_behaviour(void **state)
{
    char buf[32];

    assert_int_equal(hv_test_snprintf(buf, sizeof(buf), "a%qb"), 4);
    assert_string_equal(buf, "a%qb");
    assert_int_equal(hv_test_snprintf(buf, sizeof(buf), "abc%"), 4);
    assert_string_equal(buf, "abc%");
    assert_int_equal(hv_test_snprintf(buf, sizeof(buf), "x%-5l"), 5);
    assert_string_equal(buf, "x%-5l");
    /* NULL with a nonzero size is treated like size 0. */
    assert_int_equal(hv_test_snprintf(NULL, 10, "%d", 12345), 5);
    assert_int_equal(hv_test_snprintf(buf, sizeof(buf), "%.3s", (char *)NULL), 3);
    assert_string_equal(buf, "(nu");
}

#pragma GCC diagnostic pop

static int via_va_list(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

static int via_va_list(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_test_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_va_list_entry(void **state)
{
    char buf[8];

    assert_int_equal(via_va_list(buf, sizeof(buf), "%s-%d-%c", "abc", -12, 'z'), 9);
    assert_string_equal(buf, "abc--12");
    assert_int_equal(via_va_list(buf, 1, "%d", 5), 1);
    assert_string_equal(buf, "");
}

/* xorshift64: the same formats on every host. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

/* Random integer conversions with random flags, width, precision, length. */
static void test_random_formats(void **state)
{
    static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
    static const char flags[] = "-0+ #";

    for (int round = 0; round < 20000; round++) {
        char fmt[64];
        size_t n = 0;
        uint64_t r = rng(), v = rng();
        unsigned int length = (unsigned int)(r % ARRAY_SIZE(lengths));
        char conversion = "diuxXo"[(r >> 4) % 6];

        fmt[n++] = '[';
        fmt[n++] = '%';
        for (unsigned int f = 0; f < 5; f++)
            if ((r >> (8 + f)) & 1)
                fmt[n++] = flags[f];
        if ((r >> 16) & 1)
            n += (size_t)sprintf(fmt + n, "%u", (unsigned int)((r >> 20) % 30));
        if ((r >> 17) & 1)
            n += (size_t)sprintf(fmt + n, ".%u", (unsigned int)((r >> 28) % 25));
        n += (size_t)sprintf(fmt + n, "%s%c]", lengths[length], conversion);

        /* Values of every magnitude, not just huge ones. */
        v >>= (r >> 40) % 64;
        if ((r >> 50) & 1)
            v = -v;
        if (length >= 3)
            CHECK(fmt, (long long)v);
        else
            CHECK(fmt, (int)v);
    }

    for (int round = 0; round < 2000; round++) {
        char fmt[32];
        uint64_t r = rng();

        sprintf(fmt, "[%%%s%u.%us]", (r & 1) ? "-" : "", (unsigned int)((r >> 8) % 20),
                (unsigned int)((r >> 16) % 20));
        CHECK(fmt, "some string of text");
    }
}

#pragma GCC diagnostic pop

static void test_cases_were_compared(void **state)
{
    /* Guards against a CHECK that silently stops comparing anything. */
    assert_true(nr_compared > 200000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text),        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_unsigned),          cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_chars_and_strings), cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_ignored_flags),     cmocka_unit_test(test_narrowing_lengths),
        cmocka_unit_test(test_own_behaviour),     cmocka_unit_test(test_va_list_entry),
        cmocka_unit_test(test_random_formats),    cmocka_unit_test(test_cases_were_compared),
    };

    return RUN_TESTS(tests);
}
