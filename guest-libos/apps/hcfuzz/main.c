/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hcfuzz.elf: the in-VM hypercall fuzzer (hcfuzz.h). Its command line is
 * parameters (NAME=VALUE, before a "--") and a role:
 *
 *   hcfuzz.elf seed=S count=N [trace=K] -- fuzz
 *       N hypercalls from seed S; trace=K prints every call from the K-th on
 *   hcfuzz.elf partner=P fuzzer=F [seed=S] -- canary
 *       the canary, talking with domain P, offering a port and grants to F
 *   hcfuzz.elf canary=C fuzzer=F -- referee
 *       the control domain: talks with C until F has ended, then judges
 *
 * The role is looked for among all the arguments, since a loader may or may
 * not put the file name first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcfuzz.h"

/* A numeric parameter from the environment, or def if there is none. */
static uint64_t param(const char *name, uint64_t def)
{
    const char *s = getenv(name);
    char *end;
    uint64_t v;

    if (!s)
        return def;
    v = strtoull(s, &end, 0);
    if (*s == '\0' || *end != '\0') {
        printf("hcfuzz: FAIL: %s=%s is not a number\n", name, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "fuzz"))
            return fuzz_main(param("seed", 1), param("count", 10000), param("trace", UINT64_MAX));
        if (!strcmp(argv[i], "canary"))
            return canary_main((uint32_t)param("partner", 0), (uint32_t)param("fuzzer", 2),
                               param("seed", 1));
        if (!strcmp(argv[i], "referee"))
            return referee_main((uint32_t)param("canary", 1), (uint32_t)param("fuzzer", 2));
    }
    printf("hcfuzz: FAIL: no role (fuzz, canary or referee) on the command line\n");
    return 2;
}
