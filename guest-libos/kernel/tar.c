/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ustar parser and the tree index behind the library OS's read-only
 * files (tar.h). One scan serves twice: first to count the nodes the index
 * can need, then to fill them, so the caller allocates once and nothing is
 * ever copied out of the archive: a node's name points at its component in
 * the header, a file's data at its blocks.
 *
 * The archive comes from the image, but it is checked as if it were
 * hostile: every numeric field is strict octal, the checksum must match,
 * names are read within their fields whether or not a NUL ends them, sizes
 * must stay inside the archive, and ".." is refused so no entry can name
 * something outside the tree.
 */
#include "tar.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Field offsets and sizes in a ustar header block. */
#define NAME_OFF 0
#define NAME_LEN 100
#define MODE_OFF 100
#define UID_OFF 108
#define GID_OFF 116
#define ID_LEN 8
#define SIZE_OFF 124
#define SIZE_LEN 12
#define MTIME_OFF 136
#define MTIME_LEN 12
#define CHKSUM_OFF 148
#define CHKSUM_LEN 8
#define TYPE_OFF 156
#define LINK_OFF 157
#define LINK_LEN 100
#define MAGIC_OFF 257
#define PREFIX_OFF 345
#define PREFIX_LEN 155

/* A path from the two name fields has at most this many components. */
#define MAX_COMPONENTS ((NAME_LEN + PREFIX_LEN) / 2 + 2)
#define DEFAULT_DIR_MODE 0755u

struct component {
    const char *s;
    size_t len;
};

struct scan {
    struct tar_tree *t;
    uint32_t capacity; /* nodes mem can hold; 0 while counting */
    size_t needed;     /* nodes counted */
    tar_report_fn report;
    void *arg;
    int problems;
};

/* ---- Header fields ---- */

/* A strict octal field: optional leading spaces, at least one digit, then
 * only spaces or NULs to the end of the field. Returns 0 or -1. */
static int parse_octal(const unsigned char *f, size_t len, uint64_t *value)
{
    size_t i = 0;
    uint64_t v = 0;

    while (i < len && f[i] == ' ')
        i++;
    if (i == len || f[i] < '0' || f[i] > '7')
        return -1;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(f[i] - '0'); /* 12 digits at most: no overflow */
    for (; i < len; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return -1;
    *value = v;
    return 0;
}

/* The checksum counts the checksum field itself as eight spaces; old
 * archivers summed signed chars, so both sums are accepted. */
static int checksum_ok(const unsigned char *h)
{
    uint64_t stored, sum_unsigned = 0;
    int64_t sum_signed = 0;

    if (parse_octal(h + CHKSUM_OFF, CHKSUM_LEN, &stored))
        return 0;
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        unsigned char c = i >= CHKSUM_OFF && i < CHKSUM_OFF + CHKSUM_LEN ? ' ' : h[i];

        sum_unsigned += c;
        sum_signed += (signed char)c;
    }
    return stored == sum_unsigned || (int64_t)stored == sum_signed;
}

static int all_zero(const unsigned char *h)
{
    for (size_t i = 0; i < TAR_BLOCK; i++)
        if (h[i])
            return 0;
    return 1;
}

/* POSIX's "ustar", NUL, version "00" (written "ustar\00000": \000 is the
 * NUL), or GNU's "ustar  \0", whose prefix field is not a prefix. Returns
 * 2, 1, or 0 for neither. */
static int magic_kind(const unsigned char *h)
{
    if (!memcmp(h + MAGIC_OFF, "ustar\00000", 8))
        return 2;
    if (!memcmp(h + MAGIC_OFF, "ustar  \0", 8))
        return 1;
    return 0;
}

/* The entry's name for a message: prefix/name as stored, within their
 * fields, with anything unprintable shown as '?'. */
static void display_name(const unsigned char *h, int posix, char *out, size_t out_len)
{
    size_t plen = posix ? strnlen((const char *)h + PREFIX_OFF, PREFIX_LEN) : 0;
    size_t nlen = strnlen((const char *)h + NAME_OFF, NAME_LEN), o = 0;
    const unsigned char *parts[2] = {h + PREFIX_OFF, h + NAME_OFF};
    size_t lens[2] = {plen, nlen};

    for (int p = 0; p < 2; p++) {
        if (p == 1 && plen && o + 1 < out_len)
            out[o++] = '/';
        for (size_t i = 0; i < lens[p] && o + 1 < out_len; i++) {
            unsigned char c = parts[p][i];

            out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
    }
    out[o] = '\0';
}

static void report(struct scan *sc, unsigned int entry, const unsigned char *h, int posix,
                   const char *what)
{
    char name[NAME_LEN + PREFIX_LEN + 2], msg[sizeof(name) + 96];

    sc->problems++;
    if (!sc->report)
        return;
    if (h)
        display_name(h, posix, name, sizeof(name));
    snprintf(msg, sizeof(msg), "entry %u '%s': %s", entry, h ? name : "", what);
    sc->report(msg, sc->arg);
}

/* ---- Paths ---- */

/* Split one name field into components, skipping empty ones and "."; ".."
 * is an error. Returns the new count or -1. */
static int split(const char *s, size_t len, struct component *c, int n)
{
    size_t i = 0;

    while (i < len) {
        size_t start;

        while (i < len && s[i] == '/')
            i++;
        start = i;
        while (i < len && s[i] != '/')
            i++;
        if (i == start || (i - start == 1 && s[start] == '.'))
            continue;
        if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
            return -1;
        if (n == MAX_COMPONENTS) /* cannot happen with the fields' sizes */
            return -1;
        c[n++] = (struct component){s + start, i - start};
    }
    return n;
}

/* The components of the header's path, prefix first. Returns their number,
 * or -1 if the path holds "..". */
static int header_path(const unsigned char *h, int posix, struct component *c)
{
    const char *name = (const char *)h + NAME_OFF, *prefix = (const char *)h + PREFIX_OFF;
    int n = 0;

    if (posix)
        n = split(prefix, strnlen(prefix, PREFIX_LEN), c, n);
    if (n >= 0)
        n = split(name, strnlen(name, NAME_LEN), c, n);
    return n;
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);

    return r ? r : (alen > blen) - (alen < blen);
}

uint32_t tar_child(const struct tar_tree *t, uint32_t dir, const char *name, size_t len)
{
    for (uint32_t i = t->nodes[dir].first_child; i != TAR_NONE; i = t->nodes[i].next_sibling) {
        int r = name_cmp(t->nodes[i].name, t->nodes[i].name_len, name, len);

        if (r == 0)
            return i;
        if (r > 0)
            break; /* siblings are sorted */
    }
    return TAR_NONE;
}

long tar_lookup(const struct tar_tree *t, uint32_t dir, const char *path, size_t len)
{
    uint32_t node = dir;
    size_t i = 0;

    if (len == 0)
        return -ENOENT;
    if (path[0] == '/')
        node = TAR_ROOT;
    while (i < len) {
        size_t start;

        while (i < len && path[i] == '/')
            i++;
        if (i == len)
            break;
        start = i;
        while (i < len && path[i] != '/')
            i++;
        if (t->nodes[node].type != TAR_DIR)
            return -ENOTDIR;
        if (i - start == 1 && path[start] == '.')
            continue;
        if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
            node = t->nodes[node].parent;
            continue;
        }
        if (i - start > TAR_NAME_MAX)
            return -ENAMETOOLONG;
        node = tar_child(t, node, path + start, i - start);
        if (node == TAR_NONE)
            return -ENOENT;
    }
    if (path[len - 1] == '/' && t->nodes[node].type != TAR_DIR)
        return -ENOTDIR;
    return node;
}

/* ---- Building the index ---- */

/* A new node under parent, linked into its sorted sibling list. */
static uint32_t add_node(struct scan *sc, uint32_t parent, const struct component *c, uint8_t type)
{
    struct tar_tree *t = sc->t;
    uint32_t i = t->count++, *link = &t->nodes[parent].first_child;

    t->nodes[i] = (struct tar_node){.name = c->s,
                                    .name_len = (uint16_t)c->len,
                                    .type = type,
                                    .parent = parent,
                                    .first_child = TAR_NONE,
                                    .mode = DEFAULT_DIR_MODE};
    while (*link != TAR_NONE &&
           name_cmp(t->nodes[*link].name, t->nodes[*link].name_len, c->s, c->len) < 0)
        link = &t->nodes[*link].next_sibling;
    t->nodes[i].next_sibling = *link;
    *link = i;
    if (type == TAR_DIR)
        t->nodes[parent].dirs++;
    return i;
}

struct entry {
    uint8_t type;
    uint32_t mode;
    int64_t mtime;
    uint64_t size;
    const unsigned char *data;
};

/* Put one entry in the tree; returns NULL or what is wrong with it. Later
 * entries replace earlier ones of the same type, as extracting would. */
static const char *insert(struct scan *sc, const struct component *c, int n, const struct entry *e)
{
    struct tar_tree *t = sc->t;
    uint32_t node = TAR_ROOT;
    struct tar_node *p;

    if (!sc->capacity) {
        sc->needed += (size_t)n;
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        uint32_t child = tar_child(t, node, c[i].s, c[i].len);

        if (child != TAR_NONE && i < n - 1 && t->nodes[child].type != TAR_DIR)
            return "a component of the path is a file";
        if (child == TAR_NONE) {
            if (t->count >= sc->capacity) /* the counting scan said it fits */
                return "out of index space";
            /* Directories a path implies get the entry's time. */
            child = add_node(sc, node, &c[i], i < n - 1 ? TAR_DIR : e->type);
            t->nodes[child].mtime = e->mtime;
        }
        node = child;
    }
    p = &t->nodes[node];
    if (p->type != e->type)
        return n ? "a file and a directory of the same name" : "the root is not a directory";
    p->mode = e->mode & 07777;
    p->mtime = e->mtime;
    p->data = e->data;
    p->size = e->type == TAR_FILE ? e->size : 0;
    return NULL;
}

/* A hard link becomes a second node sharing the target's data. */
static const char *link_target(struct scan *sc, const unsigned char *h, struct entry *e)
{
    const char *target = (const char *)h + LINK_OFF;
    size_t len = strnlen(target, LINK_LEN);
    long node;

    /* ".." cannot leave the tree: the root is its own parent. */
    if (!sc->capacity)
        return NULL;
    node = len ? tar_lookup(sc->t, TAR_ROOT, target, len) : -ENOENT;
    if (node < 0 || sc->t->nodes[node].type != TAR_FILE)
        return "hard link to something that is not an earlier file";
    e->data = sc->t->nodes[node].data;
    e->size = sc->t->nodes[node].size;
    return NULL;
}

/* The type of an entry, or -1 and what is wrong in *why. */
static int entry_type(char flag, const char **why)
{
    switch (flag) {
    case '0':
    case '\0':
    case '7': /* contiguous file: an ordinary file to a reader */
    case '1': /* hard link */
        return TAR_FILE;
    case '5':
        return TAR_DIR;
    case '2':
        *why = "symbolic links are not supported";
        return -1;
    case '3':
    case '4':
    case '6':
        *why = "devices and FIFOs are not supported";
        return -1;
    default:
        *why = "unsupported entry type";
        return -1;
    }
}

static void scan(struct scan *sc, const unsigned char *archive, size_t size)
{
    size_t off = 0;

    for (unsigned int entry = 1; off < size; entry++) {
        const unsigned char *h = archive + off;
        struct component c[MAX_COMPONENTS];
        uint64_t mode, uid, gid, fsize, mtime;
        struct entry e;
        const char *why = NULL;
        int posix, n, type;

        if (size - off < TAR_BLOCK) {
            report(sc, entry, NULL, 0, "truncated header");
            return;
        }
        if (all_zero(h))
            return; /* the end-of-archive marker: whatever follows is padding */
        posix = magic_kind(h) == 2;
        if (!magic_kind(h)) {
            report(sc, entry, h, 0, "not a ustar header");
            return;
        }
        if (!checksum_ok(h)) {
            report(sc, entry, h, posix, "bad checksum");
            return;
        }
        if (parse_octal(h + SIZE_OFF, SIZE_LEN, &fsize)) {
            report(sc, entry, h, posix, "bad size field");
            return;
        }
        off += TAR_BLOCK;
        if (fsize > size - off || (fsize + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK > size - off) {
            report(sc, entry, h, posix, "size beyond the end of the archive");
            return;
        }
        e = (struct entry){.size = fsize, .data = archive + off};
        /* The data's place is known from here on: a bad entry is skipped. */
        off += (fsize + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
        if (parse_octal(h + MODE_OFF, ID_LEN, &mode) || parse_octal(h + UID_OFF, ID_LEN, &uid) ||
            parse_octal(h + GID_OFF, ID_LEN, &gid) || parse_octal(h + MTIME_OFF, MTIME_LEN, &mtime))
            why = "bad octal field";
        type = why ? -1 : entry_type((char)h[TYPE_OFF], &why);
        n = type < 0 ? -1 : header_path(h, posix, c);
        if (n < 0 && !why)
            why = "'..' in the path";
        if (!why && n == 0 && !h[NAME_OFF] && !(posix && h[PREFIX_OFF]))
            why = "empty name";
        if (!why && h[TYPE_OFF] == '1')
            why = link_target(sc, h, &e);
        if (!why) {
            e.type = (uint8_t)type;
            e.mode = (uint32_t)mode;
            e.mtime = (int64_t)mtime;
            why = insert(sc, c, n, &e);
        }
        if (why)
            report(sc, entry, h, posix, why);
    }
}

size_t tar_index_size(const void *archive, size_t size)
{
    struct tar_tree t = {0};
    struct scan sc = {.t = &t, .needed = 1};

    scan(&sc, archive, size);
    return sc.needed * sizeof(struct tar_node);
}

int tar_index(struct tar_tree *t, const void *archive, size_t size, void *mem, size_t mem_size,
              tar_report_fn report_fn, void *arg)
{
    struct scan sc = {.t = t,
                      .capacity = (uint32_t)(mem_size / sizeof(struct tar_node)),
                      .report = report_fn,
                      .arg = arg};

    if (mem_size / sizeof(struct tar_node) > UINT32_MAX - 1)
        sc.capacity = UINT32_MAX - 1;
    t->nodes = mem;
    t->count = 0;
    if (!sc.capacity)
        return 1;
    t->nodes[0] = (struct tar_node){.name = "",
                                    .type = TAR_DIR,
                                    .mode = DEFAULT_DIR_MODE,
                                    .parent = TAR_ROOT,
                                    .first_child = TAR_NONE,
                                    .next_sibling = TAR_NONE};
    t->count = 1;
    scan(&sc, archive, size);
    return sc.problems;
}
