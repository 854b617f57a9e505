/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness of the hypervisor's ELF loader (hv/common/elf.c): the
 * input is an image, copied into an allocation of exactly its size, checked
 * against a guest window [WINDOW_MIN, WINDOW_MAX) and, if elf_check()
 * accepts it, loaded by elf_load() into a buffer of exactly the window's
 * size, so that ASan sees any byte read past the file or written past the
 * window. What elf_check() promises must hold: between 1 and
 * ELF_MAX_SEGMENTS segments, each inside the file and the window, none
 * overlapping, the entry point in an executable one; and the load must
 * write each segment's file bytes and zero the rest, nothing else. A
 * rejection must be one of the documented errors, with a reason.
 */
#include <hv/elf.h>
#include <public/errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_MIN 0x200000ull
#define WINDOW_SIZE 0x100000ull /* 1 MiB: the real guests' layout, shrunk, fits */
#define WINDOW_MAX (WINDOW_MIN + WINDOW_SIZE)
#define PF_X 1u
#define POISON 0xa5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *window;  /* guest-physical WINDOW_MIN is window[0] */
static const uint8_t *file;
static size_t file_size;
static uint64_t bytes_written;

static void fail(const char *why)
{
    fprintf(stderr, "elf fuzzer: %s\n", why);
    abort();
}

static int inside_file(const void *p, size_t len)
{
    const uint8_t *c = p;

    return c >= file && len <= file_size && (size_t)(c - file) <= file_size - len;
}

/* elf_load()'s writer: only ever inside the window, only from the file. */
static int window_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    (void)ctx;
    if (gpa < WINDOW_MIN || gpa > WINDOW_MAX || len > WINDOW_MAX - gpa)
        fail("elf_load wrote outside the window elf_check accepted");
    if (src && !inside_file(src, len))
        fail("elf_load copied bytes from outside the file");
    if (src)
        memcpy(window + (gpa - WINDOW_MIN), src, len);
    else
        memset(window + (gpa - WINDOW_MIN), 0, len);
    bytes_written += len;
    return 0;
}

/* What elf_check() accepted, checked against its contract. */
static void check_image(const struct elf_image *img)
{
    int entry_found = 0;

    if (img->nr_segments == 0 || img->nr_segments > ELF_MAX_SEGMENTS)
        fail("an accepted image with no segment, or too many");
    if (img->data != file || img->size != file_size)
        fail("an accepted image that does not point at the file");
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];

        if (s->memsz == 0 && s->filesz == 0)
            fail("an empty segment recorded");
        if (s->filesz > s->memsz)
            fail("a segment with more file bytes than memory bytes");
        if (s->offset > file_size || s->filesz > file_size - s->offset)
            fail("a segment's file bytes outside the file");
        if (s->paddr < WINDOW_MIN || s->paddr > WINDOW_MAX || s->memsz > WINDOW_MAX - s->paddr)
            fail("a segment outside the window");
        for (unsigned int j = 0; j < i; j++) {
            const struct elf_segment *t = &img->segments[j];

            if (s->paddr < t->paddr + t->memsz && t->paddr < s->paddr + s->memsz)
                fail("two accepted segments overlap");
        }
        if (img->entry >= s->paddr && img->entry - s->paddr < s->memsz) {
            if (!(s->flags & PF_X))
                fail("the entry point is in a non-executable segment");
            entry_found = 1;
        }
    }
    if (!entry_found)
        fail("the entry point is in no segment");
}

/* After the load: every segment holds its file bytes, then zeros. */
static void check_loaded(const struct elf_image *img)
{
    uint64_t expected = 0;

    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];
        const uint8_t *at = window + (s->paddr - WINDOW_MIN);

        if (memcmp(at, file + s->offset, s->filesz) != 0)
            fail("a segment's bytes differ from the file's");
        for (uint64_t k = s->filesz; k < s->memsz; k++)
            if (at[k] != 0)
                fail("a segment's bss is not zeroed");
        expected += s->memsz;
    }
    if (bytes_written != expected)
        fail("elf_load wrote more or less than the segments");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;
    const char *why = NULL;
    uint8_t *copy;
    int rc;

    if (!window && !(window = malloc(WINDOW_SIZE)))
        fail("no memory for the window");
    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    file = copy;
    file_size = size;

    memset(&img, POISON, sizeof(img));
    rc = elf_check(copy, size, WINDOW_MIN, WINDOW_MAX, &img, &why);
    if (rc != 0) {
        if (rc != -HV_ENOEXEC && rc != -HV_E2BIG && rc != -HV_ERANGE)
            fail("elf_check returned an error its contract does not list");
        if (!why || !*why)
            fail("elf_check rejected an image without saying why");
        free(copy);
        return 0;
    }
    check_image(&img);
    /* Poison what the segments cover, so that a missing copy or zeroing shows. */
    for (unsigned int i = 0; i < img.nr_segments; i++)
        memset(window + (img.segments[i].paddr - WINDOW_MIN), POISON, img.segments[i].memsz);
    bytes_written = 0;
    if (elf_load(&img, window_write, NULL) != 0)
        fail("elf_load failed although its writer never does");
    check_loaded(&img);
    free(copy);
    return 0;
}
