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

#endif
