/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The start-info device tree of public/start_info.h, written into a buffer.
 * One writer for both builders, the hypervisor's (boot domains) and the
 * control domain's (exod), so that a guest cannot tell them apart. It
 * depends on the public headers, libfdt and the C library's string
 * functions only, so that it compiles into the hypervisor, the host tests
 * and library-OS applications alike.
 */
#ifndef HV_START_INFO_FDT_H
#define HV_START_INFO_FDT_H

#include <stddef.h>
#include <stdint.h>

/* Command lines must be shorter than this (bytes, with the NUL). */
#define START_INFO_FDT_CMDLINE_MAX 2048u
/* What both builders give the writer: it holds the tree of the longest
 * command line, or of HV_MAX_VCPUS vCPUs, though not of both at once. */
#define START_INFO_FDT_SIZE 4096u

/*
 * Write the tree for domain domid (memory_size bytes, nr_vcpus vCPUs,
 * command line cmdline) into the size bytes at buf; on success *len (if
 * not NULL) is the tree's total size, the bytes to copy into the guest at
 * HV_GUEST_START_INFO_GPA. Returns 0 or -HV_E2BIG (it does not fit).
 */
int start_info_fdt_write(void *buf, size_t size, uint32_t domid, uint64_t memory_size,
                         unsigned int nr_vcpus, const char *cmdline, size_t *len)
    __attribute__((warn_unused_result));

#endif
