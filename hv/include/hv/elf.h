/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ELF loader for guest images. Loading is split in two: elf_check()
 * validates the whole image against the guest's memory with no side effects,
 * then elf_load() copies the segments. A bad image is rejected by the first
 * step with a message saying what is wrong, and nothing is loaded.
 */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <hv/types.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
    uint64_t paddr;  /* guest-physical destination */
    uint64_t offset; /* file offset of the data */
    uint64_t filesz; /* bytes copied from the file */
    uint64_t memsz;  /* bytes in memory; the rest after filesz is zeroed */
    uint32_t flags;  /* PF_X = 1, PF_W = 2, PF_R = 4 */
};

struct elf_image {
    const uint8_t *data;
    size_t size;
    uint64_t entry;
    unsigned int nr_segments;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/*
 * Validate an ELF64 x86-64 executable of size bytes at data whose PT_LOAD
 * segments must all fall within guest-physical [gpa_min, gpa_max) without
 * overlapping, with the entry point inside an executable segment. PT_LOAD
 * entries with no bytes at all (filesz = memsz = 0) are skipped. On success
 * fills *img (img must not be NULL; its contents are unspecified on
 * failure). On failure *why (if why is not NULL) points to a static message.
 * Returns 0, -HV_ENOEXEC (malformed file), -HV_E2BIG (more than
 * ELF_MAX_SEGMENTS loadable segments) or -HV_ERANGE (a segment outside
 * [gpa_min, gpa_max)).
 */
int elf_check(const void *data, size_t size, uint64_t gpa_min, uint64_t gpa_max,
              struct elf_image *img, const char **why) __must_check;

/* Where elf_load() writes: copy len bytes from src to guest-physical gpa, or
 * zero len bytes at gpa when src is NULL. Returns 0 or a negative -HV_E*. */
typedef int (*elf_write_fn)(void *ctx, uint64_t gpa, const void *src, size_t len);

/* Copy the segments of an image that passed elf_check(). Returns 0 or the
 * first error from write. */
int elf_load(const struct elf_image *img, elf_write_fn write, void *ctx) __must_check;

#endif
