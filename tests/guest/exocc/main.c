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

/* The first line of a file of the tree, through stdio as any program reads. */
static const char *read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    const char *line = f ? fgets(buf, (int)size, f) : NULL;

    if (f)
        fclose(f);
    return line;
}

int main(int argc, char **argv)
{
    char line[64], text[64];
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
    motd = read_line("/etc/motd", text, sizeof(text));
    printf("exocc: /etc/motd: %s", motd ? motd : "(cannot be read)\n");
    check(motd && !strcmp(motd, "the file tree is in the image\n"), "a file of the tree, by fopen");

    const char *mode = getenv("EXO_MODE");
    printf("exocc: EXO_MODE=%s\n", mode ? mode : "(unset)");
    check(mode && !strcmp(mode, "fast") && !getenv("--"), "the environment from the command line");

    uint64_t sum = 0;
    long joined = threaded_sum(8, 100000, &sum);
    printf("exocc: 8 threads summed %ld values to %llu\n", joined, (unsigned long long)sum);
    check(joined == 100000, "pthreads over a malloc'd array, sum checked, joins");
    check(relay_race(12) == 13, "a relay of 12 threads through a condition variable");
    long ms = slept_ms(20);
    check(ms >= 20 && ms < 1000, "nanosleep of 20 ms on the monotonic clock");

    printf("exocc: %s %d checks passed\n", failures ? "not all" : "all", checks);
    return failures ? 1 : 0;
}
