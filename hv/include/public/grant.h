/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables: how a domain lets another domain reach one of its frames,
 * either by mapping it into the grantee's guest-physical space or by asking
 * the hypervisor to copy bytes to or from it.
 *
 * The granter keeps its grant table in frames of its own memory, named once
 * with HV_GNTOP_setup_table. Entry number ref (a "grant reference") says
 * which domain may use which of the granter's frames, and how. The granter
 * writes an entry by filling in domid and gfn first and the flags last; the
 * hypervisor reads an entry once per operation and never trusts it beyond
 * that read: the mappings it makes are recorded in its own memory.
 *
 * Mapping takes a reference on the frame; the mapping stays until the
 * grantee unmaps it or dies, whatever the granter writes into its table
 * meanwhile. A granter retires a reference with HV_GNTOP_end_access, which
 * is refused (-HV_EBUSY) while the reference is mapped. If the granter dies
 * while its frames are mapped, those frames live on, owned by the
 * hypervisor, until the last grantee unmaps them.
 */
#ifndef HV_PUBLIC_GRANT_H
#define HV_PUBLIC_GRANT_H

#include <stdint.h>

/*
 * One entry of a grant table, in the granter's own memory. flags holds
 * what the granter allows (IN, written by the granter) and what the
 * hypervisor reports (OUT, written by the hypervisor while the reference
 * is mapped; the granter may read these bits but should not change them).
 */
struct hv_grant_entry {
    uint16_t flags; /* IN: HV_GTF_permit_access, HV_GTF_readonly; OUT: HV_GTF_mapped* */
    uint16_t domid; /* IN: the one domain allowed to use this entry */
    uint32_t gfn;   /* IN: the granter's frame, below its memory size */
};
_Static_assert(sizeof(struct hv_grant_entry) == 8, "grant entry layout");

#define HV_GTF_permit_access (1u << 0) /* domid may map or copy gfn */
#define HV_GTF_readonly (1u << 1)      /* only read-only maps and copies from it */
#define HV_GTF_mapped (1u << 8)        /* OUT: the reference is mapped */
#define HV_GTF_mapped_rw (1u << 9)     /* OUT: at least one mapping is writable */

#define HV_GRANT_ENTRIES_PER_FRAME 512u /* 4096 / sizeof(struct hv_grant_entry) */
#define HV_GRANT_TABLE_FRAMES_MAX 4u    /* a table has 1 to 4 frames: refs 0 to 2047 */

/*
 * grant_table_op(IN cmd, IN arg, IN count). arg is the guest-physical
 * address of an array of count elements of the command's struct (except
 * for setup_table). Every element is read once, checked, acted on, and
 * its OUT fields written back, status (0 or -HV_Exxx) first among them;
 * a failing element does not stop the others. The call itself returns 0
 * once every element has its status, or, with nothing done: -HV_ENOSYS
 * (unknown cmd), -HV_E2BIG (count above HV_GRANT_BATCH_MAX), -HV_EFAULT
 * (the array is not in the caller's memory). A count of 0 does nothing
 * and returns 0.
 */
#define HV_GRANT_BATCH_MAX 64u

/*
 * setup_table: arg = first gfn of the table, count = its frames (1 to
 * HV_GRANT_TABLE_FRAMES_MAX). The frames must be the caller's own memory.
 * The table starts empty only in the sense that the caller's memory says
 * so: the caller should zero it first. Returns 0, -HV_EINVAL (count 0),
 * -HV_E2BIG (too many frames), -HV_EFAULT (not the caller's memory),
 * -HV_EBUSY (a reference of the current table is mapped) or -HV_ENOMEM.
 */
#define HV_GNTOP_setup_table 0

/*
 * map: put a granted frame into the caller's guest-physical space at gpa,
 * read-write or (HV_GNTMAP_readonly) read-only; never executable. gpa must
 * be page-aligned, below HV_GRANT_MAP_GPA_LIMIT and not mapped yet (a hole,
 * such as any address above the caller's memory). Status: 0 and handle;
 * -HV_ESRCH (no such granter), -HV_EINVAL (the granter is the caller, ref
 * beyond the granter's table, bad gpa or flags, the entry names a frame
 * that is not the granter's own memory), -HV_EACCES (the entry does not permit this
 * domain, or is read-only and a writable map was asked for), -HV_EBUSY
 * (the reference is mapped and its entry has changed since),
 * -HV_EEXIST (gpa is mapped already), -HV_ENOSPC (the caller holds
 * HV_GRANT_MAPS_MAX mappings), -HV_ENOMEM.
 */
#define HV_GNTOP_map 1
#define HV_GNTMAP_readonly (1u << 0)
#define HV_GRANT_MAP_GPA_LIMIT (1ull << 36) /* 64 GiB */
#define HV_GRANT_MAPS_MAX 512u              /* mappings one domain may hold */

struct hv_grant_map {
    uint64_t gpa;    /* IN: where to map, in the caller's guest-physical space */
    uint32_t ref;    /* IN: the grant reference */
    uint16_t domid;  /* IN: the granter */
    uint16_t flags;  /* IN: HV_GNTMAP_* */
    int32_t status;  /* OUT: 0 or -HV_Exxx */
    uint32_t handle; /* OUT: names the mapping for unmap; all ones on failure */
};
_Static_assert(sizeof(struct hv_grant_map) == 24, "grant map layout");

/*
 * unmap: remove the caller's mapping named by handle; the address becomes a
 * hole again. Status: 0 or -HV_EINVAL (no such mapping).
 */
#define HV_GNTOP_unmap 2

struct hv_grant_unmap {
    uint32_t handle; /* IN: from map */
    int32_t status;  /* OUT: 0 or -HV_Exxx */
};
_Static_assert(sizeof(struct hv_grant_unmap) == 8, "grant unmap layout");

/*
 * copy: copy length bytes from source to dest. Each side is either a gfn
 * of the caller's own memory or, with HV_GNTCOPY_source_gref or
 * HV_GNTCOPY_dest_gref, a grant reference of domain domid (the destination
 * entry must not be read-only). Each side must lie within one page
 * (offset + length <= 4096). Status: 0; -HV_EINVAL (bad offset, length,
 * flags or ref, or the entry names no frame of its granter); -HV_EFAULT (a
 * gfn outside the caller's memory); -HV_ESRCH (no such granter);
 * -HV_EACCES (the entry does not permit the caller, or is read-only for a
 * destination).
 */
#define HV_GNTOP_copy 3
#define HV_GNTCOPY_source_gref (1u << 0)
#define HV_GNTCOPY_dest_gref (1u << 1)

struct hv_grant_copy_ptr {
    uint64_t frame;  /* IN: a gfn of the caller, or a grant reference */
    uint16_t domid;  /* IN: the granter, for a grant reference */
    uint16_t offset; /* IN: byte offset in the frame */
    uint32_t pad;    /* must be 0 */
};
_Static_assert(sizeof(struct hv_grant_copy_ptr) == 16, "grant copy pointer layout");

struct hv_grant_copy {
    struct hv_grant_copy_ptr source; /* IN */
    struct hv_grant_copy_ptr dest;   /* IN */
    uint16_t length;                 /* IN: bytes, at most 4096 */
    uint16_t flags;                  /* IN: HV_GNTCOPY_* */
    int32_t status;                  /* OUT: 0 or -HV_Exxx */
};
_Static_assert(sizeof(struct hv_grant_copy) == 40, "grant copy layout");

/*
 * end_access: the granter retires its own reference ref: the hypervisor
 * clears the entry's flags, so nothing can map or copy through it any
 * more. Status: 0; -HV_EINVAL (ref beyond the caller's table); -HV_EBUSY
 * (ref is mapped: it can be retired only after every grantee has unmapped
 * it). A granter must retire references this way: clearing the flags
 * itself stops new maps and copies but leaves existing mappings in place.
 */
#define HV_GNTOP_end_access 4

struct hv_grant_end_access {
    uint32_t ref;   /* IN: a reference of the caller's table */
    int32_t status; /* OUT: 0 or -HV_Exxx */
};
_Static_assert(sizeof(struct hv_grant_end_access) == 8, "grant end_access layout");

/*
 * query: how the caller's own reference ref is mapped, from the
 * hypervisor's records (not the table). Status: 0 or -HV_EINVAL (ref beyond
 * the caller's table).
 */
#define HV_GNTOP_query 5

struct hv_grant_query {
    uint32_t ref;     /* IN: a reference of the caller's table */
    int32_t status;   /* OUT: 0 or -HV_Exxx */
    uint32_t maps;    /* OUT: mappings of ref (0: not mapped; also on failure) */
    uint16_t writers; /* OUT: how many of them are writable */
    uint16_t grantee; /* OUT: the domain holding them, when maps > 0 */
};
_Static_assert(sizeof(struct hv_grant_query) == 16, "grant query layout");

#endif
