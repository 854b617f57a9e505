/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exod's domain builder and the lifecycle calls around it: from an ELF
 * image in memory to a domain that is paused or running, as the
 * hypervisor builds its boot domains (public/start_info.h), and the
 * control operations of public/domctl.h with errors a person can read.
 * Every function returns 0 or a negative -HV_Exxx and, on failure, points
 * *why (when why is not NULL) at a static message saying what went wrong.
 */
#ifndef EXOD_BUILD_H
#define EXOD_BUILD_H

#include <public/hv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct exod_build_params {
    const void *image; /* the ELF file, in the caller's memory */
    size_t image_size;
    const char *name;    /* 1 to HV_DOMAIN_NAME_MAX - 1 bytes */
    uint64_t memory;     /* bytes; at least HV_GUEST_MIN_MEMORY, rounded up to 2 MiB */
    unsigned int vcpus;  /* 1 .. HV_MAX_VCPUS */
    const char *cmdline; /* the guest's command line (its argv), NULL for none */
    bool start;          /* unpause once built, rather than leave it paused */
};

/*
 * Build a domain from p: check the image and the parameters before
 * anything exists, create the domain, load the image's segments, write
 * the start-info tree, set vCPU 0's entry and, if p->start, unpause it.
 * On success *domid is the new domain's id. On failure nothing is left:
 * a half-built domain is destroyed, every frame of it returned.
 */
int exod_build(const struct exod_build_params *p, uint32_t *domid, const char **why)
    __attribute__((warn_unused_result));

int exod_destroy(uint32_t domid, const char **why) __attribute__((warn_unused_result));
int exod_pause(uint32_t domid, const char **why) __attribute__((warn_unused_result));
int exod_unpause(uint32_t domid, const char **why) __attribute__((warn_unused_result));
/* Stop domid as if it had called sched_op shutdown with reason
 * (HV_SHUTDOWN_*) and code. */
int exod_shutdown(uint32_t domid, uint32_t reason, uint32_t code, const char **why)
    __attribute__((warn_unused_result));
/* The state of domain domid, exactly that one (-HV_ESRCH if it is gone). */
int exod_getinfo(uint32_t domid, struct hv_domctl_info *info, const char **why)
    __attribute__((warn_unused_result));
/* Every domain, by increasing id: up to max of them into list, and the
 * number there are into *count (which may exceed max). */
int exod_list(struct hv_domctl_info *list, unsigned int max, unsigned int *count, const char **why)
    __attribute__((warn_unused_result));
/* Free frames of the machine, from sysctl physinfo. */
int exod_free_frames(uint64_t *frames, const char **why) __attribute__((warn_unused_result));

#endif
