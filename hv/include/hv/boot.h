/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting the boot domains: every boot module is a 64-bit ELF image that
 * becomes a domain, the first with id 0. Until the scheduler arrives they
 * run one after another, each until it stops.
 */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#include <hv/cmdline.h>
#include <hv/types.h>

struct boot_image {
    const void *data;
    size_t size;
    const char *cmdline; /* "NAME args": the image's file name, then its arguments */
};

/* Build and run the images, report, then power off or halt as opt says. */
__noreturn void boot_run_domains(const struct boot_image *images, unsigned int nr,
                                 const struct hv_options *opt);

#endif
