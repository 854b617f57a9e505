/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What file.c (the descriptor table, reading and writing) and path.c (the
 * calls that take a path or read a directory) share: open-file
 * descriptions, the tree and the working directory. See file.c for the
 * locking.
 */
#ifndef LIBOS_KERNEL_FILE_H
#define LIBOS_KERNEL_FILE_H

#include <stdint.h>

#include "tar.h"

#define FD_MAX 1024 /* descriptors 0 .. FD_MAX - 1, Linux's default limit */

enum file_kind { FILE_FREE, FILE_CONSOLE, FILE_NODE };

struct file {
    uint8_t kind;    /* enum file_kind */
    uint32_t refs;   /* descriptors and calls in progress that use it */
    uint32_t node;   /* FILE_NODE: the tree node */
    int flags;       /* the access mode and status flags */
    uint64_t offset; /* bytes into a file, entries into a directory */
};

/* The tree (an empty root until files_init() indexes one) and the working
 * directory, a directory node in it. */
extern struct tar_tree files_tree;
extern uint32_t files_cwd;

void files_lock(void);
void files_unlock(void);
/* A reference to fd's description, or NULL if fd is not open. */
struct file *file_get(long fd);
/* Drop a reference; the last one frees the description. */
void file_put(struct file *f);
void file_put_locked(struct file *f);
/* A new read-only description of node with the open() flags, installed at
 * the lowest free descriptor. Returns it, -EMFILE or -ENFILE. */
long file_open_node(uint32_t node, int flags);

#endif
