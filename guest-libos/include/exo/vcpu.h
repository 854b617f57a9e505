/* SPDX-License-Identifier: BSD-2-Clause */
/* The domain's vCPUs, for applications that want more than one. */
#ifndef EXO_VCPU_H
#define EXO_VCPU_H

/* How many vCPUs the domain has, and which one the caller runs on. */
unsigned int libos_vcpu_count(void);
unsigned int libos_vcpu_id(void);

/* Run fn(arg) on vCPU id (1 .. count - 1), on a stack and TCB of its own;
 * the vCPU stops when fn returns. Returns 0 or a negative errno.
 * Application threads (pthreads) all run on vCPU 0; code on a secondary
 * vCPU may take musl's locks and sleep, but waits there by polling, and
 * cannot create threads. */
int libos_vcpu_start(unsigned int id, void (*fn)(void *), void *arg);

#endif
