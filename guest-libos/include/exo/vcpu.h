/* SPDX-License-Identifier: BSD-2-Clause */
/* The domain's vCPUs, for applications that want more than one. */
#ifndef EXO_VCPU_H
#define EXO_VCPU_H

/* How many vCPUs the domain has. */
unsigned int libos_vcpu_count(void);

/* Run fn(arg) on vCPU id (1 .. count - 1), on a stack and TCB of its own;
 * the vCPU stops when fn returns. Returns 0 or a negative errno. */
int libos_vcpu_start(unsigned int id, void (*fn)(void *), void *arg);

#endif
