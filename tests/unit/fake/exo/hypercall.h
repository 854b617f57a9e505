/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stands in for the library OS's hypercall stubs when toolstack code is
 * tested on the host: the control operations go to a fake hypervisor that
 * the test provides (test_exod_build.c).
 */
#ifndef EXO_HYPERCALL_H
#define EXO_HYPERCALL_H

#include <public/hv.h>

long hv_domctl(long cmd, long arg);
long hv_sysctl(long cmd, long arg);

#endif
