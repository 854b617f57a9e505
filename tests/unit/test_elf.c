/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the guest ELF loader (hv/common/elf.c). Images are built in
 * memory by a small writer that knows the ELF64 layout independently of the
 * loader; each test breaks one field of a valid image and expects the right
 * error, a message, and no write to guest memory.
 */
#include "unit.h"

#include <hv/elf.h>
#include <public/errno.h>
#include <string.h>

#define PT_LOAD 1
#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define DATA_OFFSET 0x1000

/* The guest: [GPA_MIN, GPA_MAX) may hold the image; memory covers [0, GPA_MAX). */
#define GPA_MIN 0x100000ull
#define GPA_MAX 0x200000ull

struct seg {
    uint32_t type, flags;
    uint64_t offset, paddr, filesz, memsz;
};

struct image {
    uint8_t bytes[0x4000];
    size_t size;
    uint64_t entry;
    unsigned int nr;
    struct seg segs[20];
};

static struct image im;
static uint8_t guest[GPA_MAX];
static unsigned int nr_writes;
static int fail_write_nr; /* the write that fails, from 1; 0 for none */

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Write the file header and program headers of im into its bytes. */
static void emit(void)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    uint8_t *h = im.bytes;

    memset(h, 0, DATA_OFFSET);
    memcpy(h, magic, sizeof(magic));
    h[4] = 2;              /* ELFCLASS64 */
    h[5] = 1;              /* little-endian */
    h[6] = 1;              /* EV_CURRENT */
    put_le(h + 16, 2, 2);  /* ET_EXEC */
    put_le(h + 18, 62, 2); /* EM_X86_64 */
    put_le(h + 20, 1, 4);
    put_le(h + 24, im.entry, 8);
    put_le(h + 32, EHDR_SIZE, 8); /* phoff */
    put_le(h + 52, EHDR_SIZE, 2);
    put_le(h + 54, PHDR_SIZE, 2);
    put_le(h + 56, im.nr, 2);
    for (unsigned int i = 0; i < im.nr; i++) {
        uint8_t *p = h + EHDR_SIZE + i * PHDR_SIZE;
        const struct seg *s = &im.segs[i];

        put_le(p + 0, s->type, 4);
        put_le(p + 4, s->flags, 4);
        put_le(p + 8, s->offset, 8);
        put_le(p + 16, s->paddr, 8); /* vaddr */
        put_le(p + 24, s->paddr, 8);
        put_le(p + 32, s->filesz, 8);
        put_le(p + 40, s->memsz, 8);
        put_le(p + 48, 0x1000, 8);
    }
}

/*
 * A valid image: code, data with bss, and two entries the loader must
 * skip (a non-load header and an empty PT_LOAD).
 */
static int setup_image(void **state)
{
    memset(&im, 0, sizeof(im));
    im.entry = GPA_MIN + 0x10;
    im.segs[0] = (struct seg){PT_LOAD, PF_R | PF_X, DATA_OFFSET, GPA_MIN, 0x200, 0x200};
    im.segs[1] = (struct seg){PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0};
    im.segs[2] =
        (struct seg){PT_LOAD, PF_R | PF_W, DATA_OFFSET + 0x200, GPA_MIN + 0x1000, 0x100, 0x3000};
    im.segs[3] = (struct seg){PT_LOAD, PF_R, 0, 0, 0, 0};
    im.nr = 4;
    im.size = DATA_OFFSET + 0x300;
    for (size_t i = DATA_OFFSET; i < im.size; i++)
        im.bytes[i] = (uint8_t)(i * 7 + 1);
    emit();

    memset(guest, 0xaa, sizeof(guest));
    nr_writes = 0;
    fail_write_nr = 0;
    return 0;
}

static int guest_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    assert_ptr_equal(ctx, guest);
    assert_true(gpa >= GPA_MIN && gpa <= GPA_MAX && len <= GPA_MAX - gpa);
    if (++nr_writes == (unsigned int)fail_write_nr)
        return -HV_EFAULT;
    if (src)
        memcpy(guest + gpa, src, len);
    else
        memset(guest + gpa, 0, len);
    return 0;
}

/* What the domain builder does: load only what passed the check. */
static int check_and_load(struct elf_image *img, const char **why)
{
    int rc = elf_check(im.bytes, im.size, GPA_MIN, GPA_MAX, img, why);

    return rc ? rc : elf_load(img, guest_write, guest);
}

/* Expect a rejection whose message contains what, and nothing loaded. */
static void expect_reject(int expected_rc, const char *what)
{
    struct elf_image img;
    const char *why = NULL;

    assert_int_equal(check_and_load(&img, &why), expected_rc);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
    if (!strstr(why, what))
        fail_msg("expected a message about '%s', got '%s'", what, why);
    assert_int_equal(nr_writes, 0);
    print_message("# rejected: %s\n", why);
}

static void test_valid_image_loads(void **state)
{
    struct elf_image img;
    const char *why = NULL;

    assert_int_equal(check_and_load(&img, &why), 0);
    assert_null(why);
    assert_int_equal(img.entry, GPA_MIN + 0x10);
    assert_int_equal(img.nr_segments, 2);
    assert_int_equal(img.segments[1].paddr, GPA_MIN + 0x1000);
    assert_int_equal(img.segments[1].memsz, 0x3000);
    assert_int_equal(img.segments[0].flags, PF_R | PF_X);

    assert_memory_equal(guest + GPA_MIN, im.bytes + DATA_OFFSET, 0x200);
    assert_memory_equal(guest + GPA_MIN + 0x1000, im.bytes + DATA_OFFSET + 0x200, 0x100);
    for (uint64_t a = GPA_MIN + 0x1100; a < GPA_MIN + 0x4000; a++)
        assert_int_equal(guest[a], 0); /* bss */
    /* Nothing outside the segments was touched. */
    assert_int_equal(guest[GPA_MIN - 1], 0xaa);
    assert_int_equal(guest[GPA_MIN + 0x200], 0xaa);
    assert_int_equal(guest[GPA_MIN + 0xfff], 0xaa);
    assert_int_equal(guest[GPA_MIN + 0x4000], 0xaa);
    assert_int_equal(nr_writes, 3);
}

static void test_why_may_be_null(void **state)
{
    struct elf_image img;

    assert_int_equal(elf_check(im.bytes, im.size, GPA_MIN, GPA_MAX, &img, NULL), 0);
    im.size = 10;
    assert_int_equal(elf_check(im.bytes, im.size, GPA_MIN, GPA_MAX, &img, NULL), -HV_ENOEXEC);
}

static void test_truncated_header(void **state)
{
    struct elf_image img;
    const char *why = NULL;

    im.size = EHDR_SIZE - 1;
    expect_reject(-HV_ENOEXEC, "smaller");
    im.size = 0;
    expect_reject(-HV_ENOEXEC, "smaller");
    assert_int_equal(elf_check(NULL, 0, GPA_MIN, GPA_MAX, &img, &why), -HV_ENOEXEC);
    assert_non_null(why);
}

static void test_bad_identification(void **state)
{
    static const struct {
        size_t offset;
        uint8_t value;
        const char *what;
    } breaks[] = {
        /* offset, new value, what the message must mention */
        /* clang-format off */
        {0, 0x7e, "magic"},
        {3, 'f', "magic"},
        {4, 1, "64-bit"},        /* ELFCLASS32 */
        {5, 2, "little-endian"}, /* ELFDATA2MSB */
        {6, 0, "version"},
        {20, 2, "version"},
        {18, 3, "x86-64"},       /* EM_386 */
        {19, 1, "x86-64"},       /* 0x13e */
        {16, 3, "ET_EXEC"},      /* ET_DYN */
        {16, 1, "ET_EXEC"},      /* ET_REL */
        {54, 64, "entry size"},
        /* clang-format on */
    };

    for (size_t i = 0; i < ARRAY_SIZE(breaks); i++) {
        setup_image(NULL);
        im.bytes[breaks[i].offset] = breaks[i].value;
        expect_reject(-HV_ENOEXEC, breaks[i].what);
    }
}

static void test_truncated_program_headers(void **state)
{
    /* The last program header ends at 64 + 4 * 56 = 288. */
    im.size = EHDR_SIZE + 4 * PHDR_SIZE - 1;
    expect_reject(-HV_ENOEXEC, "program header table");

    setup_image(NULL);
    put_le(im.bytes + 32, ~0ull - 100, 8); /* phoff + table size wraps */
    expect_reject(-HV_ENOEXEC, "program header table");

    setup_image(NULL);
    put_le(im.bytes + 56, 0xffff, 2); /* PN_XNUM */
    expect_reject(-HV_ENOEXEC, "extended");
}

static void test_segment_past_end_of_file(void **state)
{
    im.segs[2].filesz = 0x101; /* one byte beyond the file */
    im.segs[2].memsz = 0x101;
    emit();
    expect_reject(-HV_ENOEXEC, "end of the file");

    setup_image(NULL);
    im.segs[0].offset = ~0ull - 0x100; /* offset + filesz wraps */
    emit();
    expect_reject(-HV_ENOEXEC, "end of the file");
}

static void test_filesz_larger_than_memsz(void **state)
{
    im.segs[2].memsz = 0xff;
    emit();
    expect_reject(-HV_ENOEXEC, "more file bytes");

    /* An "empty" segment with file bytes is not empty. */
    setup_image(NULL);
    im.segs[3].filesz = 1;
    emit();
    expect_reject(-HV_ENOEXEC, "more file bytes");
}

static void test_overlapping_segments(void **state)
{
    struct elf_image img;

    im.segs[2].paddr = GPA_MIN + 0x1ff; /* last byte of segment 0 */
    emit();
    expect_reject(-HV_ENOEXEC, "overlap");

    setup_image(NULL);
    im.segs[2].paddr = GPA_MIN - 0x100; /* starts below, covers segment 0 */
    im.segs[2].memsz = 0x1000;
    emit();
    assert_int_equal(elf_check(im.bytes, im.size, 0, GPA_MAX, &img, NULL), -HV_ENOEXEC);

    /* Touching is fine. */
    setup_image(NULL);
    im.segs[2].paddr = GPA_MIN + 0x200;
    emit();
    assert_int_equal(check_and_load(&img, NULL), 0);
}

static void test_segment_outside_guest_memory(void **state)
{
    struct elf_image img;

    im.segs[0].paddr = GPA_MIN - 1;
    im.entry = GPA_MIN;
    emit();
    expect_reject(-HV_ERANGE, "below");

    setup_image(NULL);
    im.segs[2].paddr = GPA_MAX - 0x3000 + 1; /* ends one byte past */
    emit();
    expect_reject(-HV_ERANGE, "beyond");

    setup_image(NULL);
    im.segs[2].paddr = GPA_MAX - 0x3000; /* ends exactly at the top */
    emit();
    assert_int_equal(check_and_load(&img, NULL), 0);
    assert_int_equal(guest[GPA_MAX - 1], 0);

    setup_image(NULL);
    im.segs[2].paddr = ~0ull - 0x100; /* paddr + memsz wraps */
    emit();
    expect_reject(-HV_ERANGE, "wraps");
    assert_int_equal(elf_check(im.bytes, im.size, 0, ~0ull, &img, NULL), -HV_ERANGE);
}

static void test_bad_entry_point(void **state)
{
    im.entry = GPA_MIN + 0x200; /* just past the code segment */
    emit();
    expect_reject(-HV_ENOEXEC, "outside");

    setup_image(NULL);
    im.entry = 0;
    emit();
    expect_reject(-HV_ENOEXEC, "outside");

    setup_image(NULL);
    im.entry = GPA_MIN + 0x1000 + 0x2000; /* in the data segment's bss */
    emit();
    expect_reject(-HV_ENOEXEC, "non-executable");
}

static void test_segment_limits(void **state)
{
    struct elf_image img;

    /* No PT_LOAD at all. */
    im.segs[0].type = PT_NOTE;
    im.segs[2].type = PT_NOTE;
    emit();
    expect_reject(-HV_ENOEXEC, "no loadable");

    /* Exactly ELF_MAX_SEGMENTS loads, then one more. */
    setup_image(NULL);
    im.nr = ELF_MAX_SEGMENTS + 1; /* plus the GNU_STACK entry at 1 */
    for (unsigned int i = 2; i < im.nr; i++)
        im.segs[i] = (struct seg){PT_LOAD, PF_R, DATA_OFFSET, GPA_MIN + i * 0x1000, 0x10, 0x10};
    emit();
    assert_int_equal(check_and_load(&img, NULL), 0);
    assert_int_equal(img.nr_segments, ELF_MAX_SEGMENTS);

    setup_image(NULL);
    im.nr = ELF_MAX_SEGMENTS + 2;
    for (unsigned int i = 2; i < im.nr; i++)
        im.segs[i] = (struct seg){PT_LOAD, PF_R, DATA_OFFSET, GPA_MIN + i * 0x1000, 0x10, 0x10};
    emit();
    expect_reject(-HV_E2BIG, "too many");
}

static void test_write_error_is_returned(void **state)
{
    struct elf_image img;

    fail_write_nr = 2;
    assert_int_equal(check_and_load(&img, NULL), -HV_EFAULT);
    assert_int_equal(nr_writes, 2);
}

#define ELF_TEST(f) cmocka_unit_test_setup(f, setup_image)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ELF_TEST(test_valid_image_loads),
        ELF_TEST(test_why_may_be_null),
        ELF_TEST(test_truncated_header),
        ELF_TEST(test_bad_identification),
        ELF_TEST(test_truncated_program_headers),
        ELF_TEST(test_segment_past_end_of_file),
        ELF_TEST(test_filesz_larger_than_memsz),
        ELF_TEST(test_overlapping_segments),
        ELF_TEST(test_segment_outside_guest_memory),
        ELF_TEST(test_bad_entry_point),
        ELF_TEST(test_segment_limits),
        ELF_TEST(test_write_error_is_returned),
    };

    return RUN_TESTS(tests);
}
