/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The frame-accounting audit: a check, over the whole machine, that the
 * hypervisor's books balance. Tests and fuzzers call it after every step;
 * the boot code calls it as each domain goes.
 */
#ifndef HV_AUDIT_H
#define HV_AUDIT_H

#include <hv/types.h>

/*
 * Check that every allocated frame has one owner (a live domain, or the
 * hypervisor) and every other frame none; that each domain's p2m maps
 * exactly the frames it owns (as many as d->nr_frames) plus frames covered
 * by a live grant mapping of its own; and that every frame's reference
 * count equals the grant mappings of it (grant_audit). Runs the frame
 * allocator's own audit first. Returns 0 or -HV_EINVAL, having printed the
 * first inconsistency found.
 */
int audit_frames(void) __must_check;

#endif
