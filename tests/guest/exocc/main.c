/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A program built the way a user's build calls exo-cc (tests/guest/exocc/
 * build): two C files and a static archive, macros from -D, musl's maths
 * (-lm) and a file tree from --files. Its last three arguments are the
 * numbers it computes with, so that nothing is folded at compile time
 * (QEMU passes the file name first, GRUB does not). Prints one line per
 * check and "exocc: all N checks passed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#ifndef GREETING
#error "the build passes -DGREETING"
#endif

/* The file tree exo-cc --files embeds (tools/mkfiles): a ustar archive. */
extern const char libos_files_start[], libos_files_end[];

static int checks, failures;

static void check(int ok, const char *what)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s\n", ok ? "ok" : "FAIL", checks, what);
}

/* The contents of NAME in the embedded archive, or NULL. */
static const char *find_file(const char *name, size_t *size)
{
    const char *p = libos_files_start;

    while (p + 512 <= libos_files_end && p[0]) {
        size_t n = strtoul(p + 124, NULL, 8);

        if (memcmp(p + 257, "ustar", 5))
            return NULL;
        if (!strncmp(p, name, 100) && p[156] == '0') {
            *size = n;
            return p + 512;
        }
        p += 512 + (n + 511) / 512 * 512;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    char line[64];
    size_t size = 0;
    const char *motd;

    if (argc < 3) {
        printf("usage: exocc.elf X Y SIDES\n");
        return 2;
    }
    argv += argc - 3;
    double values[] = {atof(argv[0]), atof(argv[1])};
    int sides = atoi(argv[2]);

    printf("exocc: %s, answer %d\n", GREETING, ANSWER);
    check(!strcmp(GREETING, "built by 'exo-cc'") && ANSWER == 42, "macros from -D");

    snprintf(line, sizeof(line), "%.6f", vector_length(values, 2));
    printf("exocc: |(%s, %s)| = %s\n", argv[0], argv[1], line);
    check(!strcmp(line, "5.000000"), "sqrt from -lm, in a second C file");

    snprintf(line, sizeof(line), "%.6f", polygon_area(sides, 1.0));
    printf("exocc: area of a %d-gon = %s\n", sides, line);
    check(!strcmp(line, "1.299038"), "sin from -lm, in a static archive");

    uintptr_t start = (uintptr_t)libos_files_start, end = (uintptr_t)libos_files_end;
    printf("exocc: file tree of %lu bytes\n", (unsigned long)(end - start));
    check((start & 511) == 0 && end > start && (end - start) % 512 == 0,
          "the file tree is embedded, 512-byte aligned");
    motd = find_file("etc/motd", &size);
    printf("exocc: etc/motd: %.*s", motd ? (int)size : 0, motd ? motd : "");
    check(motd && size == 30 && !memcmp(motd, "the file tree is in the image\n", size),
          "a file of the tree");

    printf("exocc: %s %d checks passed\n", failures ? "not all" : "all", checks);
    return failures ? 1 : 0;
}
