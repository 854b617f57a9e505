/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables (public/grant.h): what the rest of the hypervisor needs of
 * them. The hypercall is do_grant_table_op (hv/hypercall.h). A domain's
 * grant state (struct grant_domain, private to grant.c) is created on its
 * first grant operation, so a domain that never uses grants costs nothing.
 *
 * The rules the frame accounting relies on:
 *   - a granted frame mapped by a grantee has page_info.count equal to the
 *     number of such mappings; the grantee's maptrack names each one;
 *   - the grantee dying unmaps everything it mapped (grant_domain_destroy);
 *   - the granter dying leaves its frames mapped where they are: they stay
 *     allocated, owned by the hypervisor (owner NULL, count > 0), and the
 *     block they belong to is freed when the last of its mappings goes.
 */
#ifndef HV_GRANT_H
#define HV_GRANT_H

#include <hv/types.h>

struct domain;
struct grant_domain;

/*
 * Tear down d's grant state as d dies, before its p2m is torn down: unmap
 * every grant mapping d holds (so its p2m maps only its own frames), and
 * detach every other domain's mappings of d's frames from d (they become
 * orphans, see above). Frees all of d's grant bookkeeping.
 */
void grant_domain_destroy(struct domain *d);

/*
 * For the audit: is there a live grant mapping in d's maptrack of frame
 * mfn at gfn, with exactly these p2m permissions?
 */
bool grant_mapping_covers(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int perms);

/*
 * For the audit: check every domain's maptrack and active records against
 * the p2ms and the frame table: each mapping is in its grantee's p2m with
 * the right permissions, each frame's count equals the mappings of it, and
 * each granter reference's active count equals the mappings of it.
 * total_count is the sum of page_info.count over the frame table. Returns
 * 0 or -HV_EINVAL (and prints why).
 */
int grant_audit(uint64_t total_count) __must_check;

#endif
