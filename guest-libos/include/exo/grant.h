/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables for the library OS (public/grant.h): this domain's own
 * table, one frame of its memory, with references 0 to GRANT_REFS - 1; and
 * the grantee's side, mapping and copying what other domains granted.
 * Every function returns 0 (or a count) on success and a negative HV_Exxx
 * on failure.
 */
#ifndef EXO_GRANT_H
#define EXO_GRANT_H

#include <public/grant.h>
#include <stddef.h>
#include <stdint.h>

#define GRANT_REFS HV_GRANT_ENTRIES_PER_FRAME

/* Give the hypervisor this domain's table, and map the grant window.
 * Called once, before anything else here. */
int grant_init(void);

/*
 * The grant window: GRANT_WINDOW_SIZE bytes of guest-physical addresses
 * just above this domain's memory (from its size rounded up to 1 GiB),
 * identity-mapped by grant_init(), where grant_map() can put pages. It
 * holds HV_GRANT_MAPS_MAX pages, as many as a domain may map. Touching a
 * page of it that nothing is mapped at is a fatal nested page fault.
 */
#define GRANT_WINDOW_SIZE (HV_GRANT_MAPS_MAX * 4096ull)
uint64_t grant_window(void);

/* Let domain domid reach the page at page (page-aligned, this domain's
 * own memory) through reference ref, read-only if readonly. -HV_EBUSY if
 * ref is granted already; -HV_EINVAL for a bad ref or page. */
int grant_access(uint32_t ref, uint16_t domid, const void *page, int readonly);

/* Retire reference ref. -HV_EBUSY while its grantee has it mapped: the
 * grantee must unmap it first. */
int grant_end_access(uint32_t ref);

/* How many mappings of reference ref exist now (from the hypervisor's
 * records), or a negative error. */
int grant_maps(uint32_t ref);

/* Map reference ref of domain domid at guest-physical gpa, a page-aligned
 * hole such as a free page of the grant window (where the address is also
 * the virtual one). *handle names the mapping for unmap. */
int grant_map(uint16_t domid, uint32_t ref, uint64_t gpa, int readonly, uint32_t *handle);
int grant_unmap(uint32_t handle);

/* Copy len bytes between this domain's memory and reference ref of domain
 * domid, at offset in the granted page (offset + len <= 4096), through the
 * hypervisor, without mapping anything. */
int grant_copy_from(uint16_t domid, uint32_t ref, size_t offset, void *dst, size_t len);
int grant_copy_to(uint16_t domid, uint32_t ref, size_t offset, const void *src, size_t len);

#endif
