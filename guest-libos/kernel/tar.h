/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The read-only file tree a unikernel carries in its image: a ustar archive
 * (POSIX.1-1988, as `tar --format=ustar` writes it) indexed once at start-up
 * into nodes that point into the archive, so file contents are never
 * copied. Pure C over the standard headers, so that the host unit tests
 * build it unchanged (tests/unit/test_tar.c).
 *
 * Every header is checked before it is trusted; a bad entry is reported
 * through a callback and either skipped (a bad name, an unsupported type)
 * or ends the scan (anything that makes the next header's place unknown),
 * leaving the entries before it in the tree.
 */
#ifndef LIBOS_KERNEL_TAR_H
#define LIBOS_KERNEL_TAR_H

#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK 512u
#define TAR_NONE UINT32_MAX /* no node: the end of a sibling list */
#define TAR_ROOT 0u         /* the root directory is always node 0 */
#define TAR_NAME_MAX 255u   /* the longest component a lookup accepts */

enum tar_type { TAR_FILE, TAR_DIR };

struct tar_node {
    const char *name;          /* this component, not NUL-terminated; "" for the root */
    const unsigned char *data; /* a file's contents, inside the archive */
    uint64_t size;             /* a file's size in bytes; 0 for a directory */
    int64_t mtime;             /* seconds since the epoch, from the header */
    uint32_t mode;             /* permission bits (07777) */
    uint32_t parent;           /* the root is its own parent */
    uint32_t first_child;      /* children in name order (strcmp), TAR_NONE if none */
    uint32_t next_sibling;
    uint32_t dirs; /* a directory's subdirectories (for st_nlink) */
    uint16_t name_len;
    uint8_t type; /* enum tar_type */
};

struct tar_tree {
    struct tar_node *nodes;
    uint32_t count;
};

/* How a problem with an archive is told: one line without a newline, such
 * as "entry 3 'x': bad checksum" (entries count from 1). */
typedef void (*tar_report_fn)(const char *msg, void *arg);

/*
 * Bytes of memory tar_index() needs for this archive (a bound, computed by
 * the same scan, which reports nothing). Never 0: the root always exists.
 */
size_t tar_index_size(const void *archive, size_t size);

/*
 * Index the archive of size bytes into t, with its nodes in mem (at least
 * tar_index_size() bytes, aligned for a pointer); names point into the
 * archive's headers. An empty archive
 * (size 0) is an empty tree: the root alone. The archive must stay mapped as
 * long as the tree is used. Returns the number of problems reported
 * (report may be NULL); the tree holds every good entry scanned before the
 * scan stopped.
 */
int tar_index(struct tar_tree *t, const void *archive, size_t size, void *mem, size_t mem_size,
              tar_report_fn report, void *arg);

/*
 * Resolve path (len bytes, no NUL needed) from node dir, or from the root
 * if it starts with '/': "." and empty components stay, ".." goes up (the
 * root's parent is the root), every other component must name a child.
 * A trailing '/' requires a directory. Returns the node (>= 0) or
 * -ENOENT (a component or the whole path missing or empty), -ENOTDIR (a
 * component before the last is a file, or a file with a trailing '/'),
 * -ENAMETOOLONG (a component longer than TAR_NAME_MAX).
 */
long tar_lookup(const struct tar_tree *t, uint32_t dir, const char *path, size_t len);

/* The child of directory dir named name (len bytes), or TAR_NONE. */
uint32_t tar_child(const struct tar_tree *t, uint32_t dir, const char *name, size_t len);

#endif
