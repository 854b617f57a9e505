/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness of the library OS's ustar parser and tree index
 * (guest-libos/kernel/tar.c): the input is an archive, copied into an
 * allocation of exactly its size so that ASan sees any read past it. After
 * indexing, the tree must hold together: every node inside the memory the
 * size query promised, names and file data inside the archive, names free
 * of '/' and NUL and never "." or "..", children sorted and pointing back
 * at their parent, every node reachable by its path, and every problem
 * told as one printable line naming its entry.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

#define PATH_BUF 4096
#define OUT_OF_SPACE "': out of index space"

static const unsigned char *archive;
static size_t archive_size;

static void fail(const char *why)
{
    fprintf(stderr, "tar fuzzer: %s\n", why);
    abort();
}

static void check_report(const char *msg, void *arg)
{
    size_t len = strlen(msg);

    (*(int *)arg)++;
    if (strncmp(msg, "entry ", 6) != 0 || len > 512)
        fail("a report that does not start with its entry");
    /* The reason ends the line; a name may hold anything before it. */
    if (len >= strlen(OUT_OF_SPACE) && !strcmp(msg + len - strlen(OUT_OF_SPACE), OUT_OF_SPACE))
        fail("the size query promised too little memory");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
            fail("an unprintable character in a report");
}

static int inside(const void *p, size_t len)
{
    const unsigned char *c = p;

    return c >= archive && len <= archive_size && (size_t)(c - archive) <= archive_size - len;
}

/* The path of node, from the root, into buf; returns its length. */
static size_t path_of(const struct tar_tree *t, uint32_t node, char *buf)
{
    size_t len = 0, depth = 0;
    uint32_t chain[PATH_BUF / 2];

    for (uint32_t n = node; n != TAR_ROOT; n = t->nodes[n].parent) {
        if (depth == sizeof(chain) / sizeof(chain[0]))
            fail("a parent chain without the root");
        chain[depth++] = n;
    }
    buf[len++] = '/';
    while (depth--) {
        const struct tar_node *n = &t->nodes[chain[depth]];

        if (len + n->name_len + 1 >= PATH_BUF)
            fail("a path longer than any archive can give");
        memcpy(buf + len, n->name, n->name_len);
        len += n->name_len;
        buf[len++] = '/';
    }
    return len;
}

static void check_tree(const struct tar_tree *t, size_t mem_size)
{
    char path[PATH_BUF];

    if (t->count == 0 || (size_t)t->count * sizeof(struct tar_node) > mem_size)
        fail("a node count outside the memory given");
    if (t->nodes[TAR_ROOT].type != TAR_DIR || t->nodes[TAR_ROOT].parent != TAR_ROOT)
        fail("the root is not a directory that is its own parent");
    for (uint32_t i = 0; i < t->count; i++) {
        const struct tar_node *n = &t->nodes[i];
        uint32_t dirs = 0;
        const struct tar_node *prev = NULL;

        if (i != TAR_ROOT) {
            if (n->name_len == 0 || n->name_len > TAR_NAME_MAX || !inside(n->name, n->name_len))
                fail("a name outside the archive");
            if (memchr(n->name, '/', n->name_len) || memchr(n->name, '\0', n->name_len))
                fail("a name holding '/' or NUL");
            if ((n->name_len == 1 && n->name[0] == '.') ||
                (n->name_len == 2 && n->name[0] == '.' && n->name[1] == '.'))
                fail("a node named . or ..");
            if (n->parent >= t->count || t->nodes[n->parent].type != TAR_DIR)
                fail("a parent that is not a directory");
        }
        if (n->type == TAR_FILE && n->size && !inside(n->data, n->size))
            fail("file data outside the archive");
        if (n->type == TAR_FILE && n->first_child != TAR_NONE)
            fail("a file with children");
        for (uint32_t c = n->first_child; c != TAR_NONE; c = t->nodes[c].next_sibling) {
            const struct tar_node *child = &t->nodes[c];
            size_t min;

            if (c >= t->count || child->parent != i)
                fail("a child that does not point back at its parent");
            min = prev && prev->name_len < child->name_len ? prev->name_len : child->name_len;
            if (prev && (memcmp(prev->name, child->name, min) > 0 ||
                         (memcmp(prev->name, child->name, min) == 0 &&
                          prev->name_len >= child->name_len)))
                fail("siblings out of order or repeated");
            dirs += child->type == TAR_DIR;
            prev = child;
        }
        if (n->dirs != dirs)
            fail("a directory's subdirectory count is wrong");
        if (tar_lookup(t, TAR_ROOT, path, path_of(t, i, path) - (n->type == TAR_FILE)) != i)
            fail("a node its own path does not find");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tar_tree tree;
    unsigned char *copy = malloc(size ? size : 1);
    size_t need;
    void *mem;
    int reports = 0, problems;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    archive = copy;
    archive_size = size;
    need = tar_index_size(copy, size);
    mem = malloc(need);
    if (!mem)
        fail("no memory for the index");
    problems = tar_index(&tree, copy, size, mem, need, check_report, &reports);
    if (problems != reports)
        fail("the problem count differs from the reports");
    check_tree(&tree, need);
    free(mem);
    free(copy);
    return 0;
}
