/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall handlers, one per entry of HV_HYPERCALLS (public/hypercall.h):
 * do_NAME(v, args) returns the value for the guest's rax. Each copies its
 * guest arguments once, checks them all without side effects, then acts.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/domain.h>
#include <public/hypercall.h>

/* Internal, never seen by guests: the handler did part of the work and
 * must be called again with the same arguments. The hypercall instruction
 * is not stepped over, so the guest re-executes it, and other vCPUs run in
 * between: no hypercall holds a CPU for long. */
#define HV_ERESTART 4096

#define HV_HC_PROTOTYPE(num, name, nargs) int64_t do_##name(struct vcpu *v, const uint64_t args[6]);
HV_HYPERCALLS(HV_HC_PROTOTYPE)
#undef HV_HC_PROTOTYPE

#endif
