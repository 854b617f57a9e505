/* SPDX-License-Identifier: BSD-2-Clause */
/* What the library OS tells an application about the domain it runs in. */
#ifndef EXO_LIBOS_H
#define EXO_LIBOS_H

#include <stdint.h>

/* This domain's id, from the start-info tree. */
uint32_t libos_domain_id(void);
/* Bytes of guest-physical memory this domain has. */
uint64_t libos_memory_size(void);
/* Stop the domain as crashed after printing msg. */
__attribute__((noreturn)) void libos_crash(const char *msg);

/*
 * An application that defines this (const int libos_no_traps = 1;) runs
 * without the library OS's IDT: its faults go to the hypervisor, which
 * kills the domain with its own diagnostic (public/start_info.h) instead
 * of the library OS's crash report. For tests of that path; everything
 * else (page tables, guard pages) is the same.
 */
extern const int libos_no_traps __attribute__((weak));

#endif
