/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading the start-info tree (public/start_info.h) into what the library
 * OS needs. Pure C over libfdt, so that the host's unit tests feed it
 * malformed trees.
 */
#ifndef LIBOS_KERNEL_START_INFO_H
#define LIBOS_KERNEL_START_INFO_H

#include <stddef.h>
#include <stdint.h>

#define START_INFO_CMDLINE_MAX 2048 /* the hypervisor takes less than PAGE_SIZE / 2 */

struct start_info {
    uint32_t domain_id;
    uint64_t memory_size;  /* bytes of guest-physical memory from 0 */
    unsigned int nr_vcpus; /* cpu nodes under /cpus */
    uint64_t shared_info;  /* guest-physical address of the shared-info page */
    uint64_t console_ring; /* guest-physical address of the console ring */
    char cmdline[START_INFO_CMDLINE_MAX]; /* /chosen/bootargs, or "" */
};

/*
 * Check the whole tree at fdt (at most max_size bytes may be read) and fill
 * *si. Returns NULL, or a message saying what is wrong with the tree; *si
 * is then incomplete.
 */
const char *start_info_parse(const void *fdt, size_t max_size, struct start_info *si);

#endif
