/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness of the library OS's start-info reader
 * (guest-libos/kernel/start_info.c): the input is a flattened device tree,
 * copied into an allocation of exactly its size (the start-info area the
 * reader is told of), so that ASan sees any read of the reader's past it.
 * (libfdt itself is the system's, built without the sanitizers; the reader
 * hands it the size to check against.) An accepted tree must give values
 * the guest ABI allows and a NUL-terminated command line; a rejected one a
 * one-line printable reason. Parsing the same bytes twice gives the same
 * answer.
 */
#include "start_info.h"

#include <libfdt.h>
#include <public/hv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *why)
{
    fprintf(stderr, "start_info fuzzer: %s\n", why);
    abort();
}

static void check_accepted(const void *fdt, size_t size, const struct start_info *si)
{
    size_t len = strnlen(si->cmdline, sizeof(si->cmdline));

    if (fdt_totalsize(fdt) > size)
        fail("a tree larger than its area was accepted");
    if (si->memory_size < HV_GUEST_MIN_MEMORY || si->memory_size % HV_GUEST_MEMORY_ALIGN)
        fail("an accepted memory size the ABI does not allow");
    if (si->nr_vcpus == 0 || si->nr_vcpus > HV_MAX_VCPUS)
        fail("an accepted vCPU count outside 1 to HV_MAX_VCPUS");
    if (si->shared_info != HV_GUEST_SHARED_INFO_GPA || si->console_ring != HV_GUEST_CONSOLE_GPA)
        fail("an accepted shared-info or console-ring address that is not the ABI's");
    if (len == sizeof(si->cmdline))
        fail("a command line without its NUL");
    for (size_t i = 0; i < len; i++)
        if (si->cmdline[i] == '\0')
            fail("strnlen and the command line disagree");
}

static void check_rejected(const char *err)
{
    size_t len = strnlen(err, 256);

    if (len == 0 || len == 256)
        fail("an empty or unbounded reason");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
            fail("an unprintable character in a reason");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct start_info first, second;
    const char *err, *again;
    char reason[256];
    uint8_t *copy = malloc(size ? size : 1);

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    err = start_info_parse(copy, size, &first);
    if (err) {
        check_rejected(err);
        snprintf(reason, sizeof(reason), "%s", err); /* the reader's buffer is reused */
    } else {
        check_accepted(copy, size, &first);
    }
    again = start_info_parse(copy, size, &second);
    if (!err != !again || (err && strcmp(reason, again) != 0) ||
        (!err && memcmp(&first, &second, sizeof(first)) != 0))
        fail("the same tree parsed twice gave two answers");
    free(copy);
    return 0;
}
