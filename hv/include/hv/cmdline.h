/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's command line: space-separated "name=value" options and
 * bare flags. Unknown options and bad values are reported and skipped; the
 * defaults stay in force for them.
 *
 *   loglvl=N       0 quiet .. 4 debug (default 3)
 *   dom0_mem=SIZE  memory of the first domain (default 64M); SIZE is a
 *                  number with an optional K, M, G or T suffix (bytes if none)
 *   domu_mem=SIZE  memory of every further boot domain (default 32M)
 *   domN_mem=SIZE  memory of boot domain N, 1..7 (default domu_mem)
 *   domN_vcpus=N   vCPUs of boot domain N, 0..7 (default 1, at most 32)
 *   domN_weight=W  CPU weight of boot domain N, 0..7 (default 256)
 *   maxcpus=N      use at most N physical CPUs (default: all, up to 16)
 *   poweroff       power the machine off when every domain has stopped
 *                  (QEMU isa-debug-exit and Bochs), instead of halting
 *   noreboot       accepted for compatibility; the hypervisor never reboots
 *
 * Numbers are decimal or 0x-prefixed hexadecimal. A flag may also be given
 * a value: 1, yes, on, true or 0, no, off, false (in any case).
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/types.h>

#define CMDLINE_BOOT_DOMAINS 8

struct hv_options {
    unsigned int loglvl;
    uint64_t dom0_mem;
    uint64_t domu_mem;
    bool poweroff;
    unsigned int maxcpus;
    /* Per boot domain, 0 meaning the default. dom_mem[0] is unused:
     * dom0_mem sets domain 0's memory. */
    uint64_t dom_mem[CMDLINE_BOOT_DOMAINS];
    unsigned int dom_vcpus[CMDLINE_BOOT_DOMAINS];
    unsigned int dom_weight[CMDLINE_BOOT_DOMAINS];
};

/* The defaults listed above. */
void cmdline_defaults(struct hv_options *opt);

/*
 * Parse cmdline into *opt (which holds the defaults on entry). Each problem
 * is reported through warn (may be NULL) as one line naming the option.
 * Returns the number of problems found (0 when the line was clean).
 */
int cmdline_parse(const char *cmdline, struct hv_options *opt,
                  void (*warn)(const char *msg));

/* Parse a size such as "64M"; returns 0 or -HV_EINVAL / -HV_ERANGE. */
int cmdline_parse_size(const char *s, uint64_t *out) __must_check;

#endif
