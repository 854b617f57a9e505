/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the library OS's ustar parser and tree index
 * (guest-libos/kernel/tar.c): archives are built here in memory, header by
 * header, good ones and ones broken in each way the parser checks, and the
 * resulting tree and the reported problems are compared with what a reader
 * of the archive must get. Every archive sits in an allocation of exactly
 * its size, so ASan catches any read past it.
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

#define MAX_ARCHIVE (64 * 512)
#define MAX_REPORTS 8

struct archive {
    unsigned char data[MAX_ARCHIVE];
    size_t len;
};

static char reports[MAX_REPORTS][512];
static unsigned int nr_reports;

static void record(const char *msg, void *arg)
{
    assert_ptr_equal(arg, &nr_reports);
    assert_true(nr_reports < MAX_REPORTS);
    assert_true(strlen(msg) < sizeof(reports[0]));
    strcpy(reports[nr_reports++], msg);
}

/* Write the header's checksum as tar does: six octal digits, NUL, space. */
static void seal(unsigned char *h)
{
    unsigned int sum = 0;

    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
}

/* Append a header (and the data, padded to blocks); returns the header so
 * a test can break it and seal it again. */
static unsigned char *add(struct archive *a, const char *name, char type, const void *data,
                          size_t size)
{
    unsigned char *h = a->data + a->len;

    assert_true(a->len + 512 + (size + 511) / 512 * 512 <= MAX_ARCHIVE);
    memset(h, 0, 512);
    memcpy(h, name, strnlen(name, 100));
    snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
    snprintf((char *)h + 108, 8, "%07o", 1000);
    snprintf((char *)h + 116, 8, "%07o", 1000);
    snprintf((char *)h + 124, 12, "%011zo", size);
    snprintf((char *)h + 136, 12, "%011o", 1700000000);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar\00000", 8);
    seal(h);
    a->len += 512;
    memset(a->data + a->len, 0, (size + 511) / 512 * 512);
    if (size)
        memcpy(a->data + a->len, data, size);
    a->len += (size + 511) / 512 * 512;
    return h;
}

static void finish(struct archive *a)
{
    assert_true(a->len + 1024 <= MAX_ARCHIVE);
    memset(a->data + a->len, 0, 1024);
    a->len += 1024;
}

/* Index the first len bytes of a copy of the archive in an allocation of
 * exactly that size. Returns the number of problems; the copy stays alive
 * (the tree points into it) until the next call. */
static struct tar_tree tree;
static void *copy, *mem;

static int index_bytes(const struct archive *a, size_t len)
{
    size_t need;
    int problems;

    free(copy);
    free(mem);
    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, a->data, len);
    need = tar_index_size(copy, len);
    assert_true(need >= sizeof(struct tar_node));
    mem = malloc(need);
    assert_non_null(mem);
    nr_reports = 0;
    problems = tar_index(&tree, copy, len, mem, need, record, &nr_reports);
    assert_int_equal(problems, nr_reports);
    return problems;
}

static long lookup(const char *path)
{
    return tar_lookup(&tree, TAR_ROOT, path, strlen(path));
}

static const struct tar_node *node(const char *path)
{
    long n = lookup(path);

    assert_true(n >= 0);
    return &tree.nodes[n];
}

static void assert_file(const char *path, const char *contents)
{
    const struct tar_node *f = node(path);

    assert_int_equal(f->type, TAR_FILE);
    assert_int_equal(f->size, strlen(contents));
    assert_memory_equal(f->data, contents, f->size);
}

static int teardown(void **state)
{
    free(copy);
    free(mem);
    copy = mem = NULL;
    return 0;
}

static void test_good_archive(void **state)
{
    static struct archive a;
    char long_name[101];
    unsigned char *h;

    a.len = 0;
    add(&a, "./", '5', NULL, 0);
    add(&a, "./index.html", '0', "<p>hi</p>\n", 10);
    add(&a, "./dir/", '5', NULL, 0);
    h = add(&a, "./dir/sub/deep.txt", '0', "deep", 4); /* dir/sub is implied */
    (void)h;
    add(&a, "./empty", '0', NULL, 0);
    add(&a, "./a b c", '0', "spaces", 6);
    /* A name that fills its field has no NUL (POSIX allows it). */
    memset(long_name, 'n', 100);
    long_name[100] = '\0';
    add(&a, long_name, '0', "long", 4);
    /* The prefix field holds the leading directories of a long path. */
    h = add(&a, "leaf", '0', "prefixed", 8);
    memcpy(h + 345, "dir/p", 5);
    seal(h);
    add(&a, "./dir/link", '1', NULL, 0);
    memcpy(a.data + a.len - 512 + 157, "index.html", 10);
    seal(a.data + a.len - 512);
    finish(&a);

    assert_int_equal(index_bytes(&a, a.len), 0);
    assert_file("/index.html", "<p>hi</p>\n");
    assert_file("dir/sub/deep.txt", "deep");
    assert_file("/empty", "");
    assert_file("/a b c", "spaces");
    assert_file(long_name, "long");
    assert_file("/dir/p/leaf", "prefixed");
    assert_file("/dir/link", "<p>hi</p>\n");
    assert_int_equal(node("/dir/sub")->type, TAR_DIR);
    assert_int_equal(node("/dir")->type, TAR_DIR);
    assert_int_equal(node("/dir")->dirs, 2); /* sub and p */
    assert_int_equal(node("/dir")->mode, 0755);
    assert_int_equal(node("/index.html")->mode, 0644);
    assert_int_equal(node("/index.html")->mtime, 1700000000);
    assert_int_equal(node("/")->type, TAR_DIR);

    /* The root's children come in name order. */
    {
        static const char *const expect[] = {"a b c", "dir", "empty", "index.html"};
        uint32_t c = tree.nodes[TAR_ROOT].first_child;

        for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]);
             i++, c = tree.nodes[c].next_sibling) {
            assert_int_not_equal(c, TAR_NONE);
            assert_int_equal(tree.nodes[c].name_len, strlen(expect[i]));
            assert_memory_equal(tree.nodes[c].name, expect[i], strlen(expect[i]));
        }
        assert_int_equal(tree.nodes[c].name_len, 100); /* nnn... sorts last */
        assert_int_equal(tree.nodes[c].next_sibling, TAR_NONE);
    }
}

static void test_lookup(void **state)
{
    static struct archive a;
    char too_long[300];
    long dir;

    a.len = 0;
    add(&a, "d/f", '0', "x", 1);
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 0);

    dir = lookup("/d");
    assert_true(dir > 0);
    assert_int_equal(tar_lookup(&tree, (uint32_t)dir, "f", 1), lookup("/d/f"));
    assert_int_equal(tar_lookup(&tree, (uint32_t)dir, "../d/./f", 8), lookup("/d/f"));
    assert_int_equal(tar_lookup(&tree, (uint32_t)dir, "/", 1), TAR_ROOT);
    assert_int_equal(lookup("/../../d//f"), lookup("/d/f"));
    assert_int_equal(lookup("/d/"), dir);
    assert_int_equal(lookup(""), -ENOENT);
    assert_int_equal(lookup("/nope"), -ENOENT);
    assert_int_equal(lookup("/d/nope/x"), -ENOENT);
    assert_int_equal(lookup("/d/f/x"), -ENOTDIR);
    assert_int_equal(lookup("/d/f/"), -ENOTDIR);
    assert_int_equal(lookup("/d/f/."), -ENOTDIR);
    memset(too_long, 'x', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    assert_int_equal(lookup(too_long), -ENAMETOOLONG);
    /* The length is what counts, not a NUL. */
    assert_int_equal(tar_lookup(&tree, TAR_ROOT, "d/fXYZ", 3), lookup("/d/f"));
}

static void test_empty_archives(void **state)
{
    static struct archive a;

    a.len = 0;
    assert_int_equal(index_bytes(&a, 0), 0);
    assert_int_equal(tree.count, 1);
    assert_int_equal(tree.nodes[TAR_ROOT].first_child, TAR_NONE);
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 0);
    assert_int_equal(tree.count, 1);
}

/* After the end-of-archive zero blocks, nothing counts. */
static void test_zero_blocks_end(void **state)
{
    static struct archive a;

    a.len = 0;
    add(&a, "before", '0', "1", 1);
    finish(&a);
    add(&a, "after", '0', "2", 1);
    assert_int_equal(index_bytes(&a, a.len), 0);
    assert_file("before", "1");
    assert_int_equal(lookup("after"), -ENOENT);
}

static void test_bad_checksum(void **state)
{
    static struct archive a;

    a.len = 0;
    add(&a, "good", '0', "g", 1);
    add(&a, "x", '0', "bad", 3)[0x1ff] ^= 1; /* a padding byte: only the sum is wrong */
    add(&a, "later", '0', "l", 1);
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 1);
    assert_string_equal(reports[0], "entry 2 'x': bad checksum");
    assert_file("good", "g");
    /* Nothing after a header that cannot be trusted. */
    assert_int_equal(lookup("x"), -ENOENT);
    assert_int_equal(lookup("later"), -ENOENT);
}

static void test_size_beyond_end(void **state)
{
    static struct archive a;
    unsigned char *h;

    a.len = 0;
    add(&a, "good", '0', "g", 1);
    h = add(&a, "big", '0', "b", 1);
    snprintf((char *)h + 124, 12, "%011o", 4096);
    seal(h);
    assert_int_equal(index_bytes(&a, a.len), 1);
    assert_string_equal(reports[0], "entry 2 'big': size beyond the end of the archive");
    assert_file("good", "g");
    assert_int_equal(lookup("big"), -ENOENT);

    /* The data fits, but its last block does not. */
    snprintf((char *)h + 124, 12, "%011o", 1);
    seal(h);
    assert_int_equal(index_bytes(&a, a.len - 1), 1);
    assert_string_equal(reports[0], "entry 2 'big': size beyond the end of the archive");

    /* The largest size the field can hold, far past any archive. */
    memcpy(h + 124, "77777777777\0", 12);
    seal(h);
    assert_int_equal(index_bytes(&a, a.len), 1);
    assert_string_equal(reports[0], "entry 2 'big': size beyond the end of the archive");
}

static void test_non_octal(void **state)
{
    static struct archive a;
    unsigned char *h;

    a.len = 0;
    h = add(&a, "mode", '0', "m", 1);
    memcpy(h + 100, "00006 9\0", 8); /* a digit after the separator */
    seal(h);
    h = add(&a, "time", '0', "t", 1);
    h[136 + 3] = '8';
    seal(h);
    add(&a, "fine", '0', "f", 1);
    h = add(&a, "size", '0', "s", 1);
    memcpy(h + 124, "0000000000x\0", 12);
    seal(h);
    add(&a, "unreached", '0', "u", 1);
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 3);
    assert_string_equal(reports[0], "entry 1 'mode': bad octal field");
    assert_string_equal(reports[1], "entry 2 'time': bad octal field");
    assert_string_equal(reports[2], "entry 4 'size': bad size field");
    assert_int_equal(lookup("mode"), -ENOENT);
    assert_int_equal(lookup("time"), -ENOENT);
    assert_file("fine", "f");
    assert_int_equal(lookup("unreached"), -ENOENT);
}

/* A 100-byte name without a NUL is read within its field: the mode field
 * that follows it is not part of the name. */
static void test_name_without_nul(void **state)
{
    static struct archive a;
    char name[101];

    memset(name, 'z', 100);
    name[99] = '\n'; /* shown as '?' in a message */
    name[100] = '\0';
    a.len = 0;
    add(&a, name, '2', NULL, 0); /* a symbolic link: refused, so reported */
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 1);
    name[99] = '?';
    {
        char expect[200];

        snprintf(expect, sizeof(expect), "entry 1 '%s': symbolic links are not supported", name);
        assert_string_equal(reports[0], expect);
    }
}

static void test_dot_dot(void **state)
{
    static struct archive a;

    a.len = 0;
    add(&a, "a/../../etc/passwd", '0', "p", 1);
    add(&a, "..", '5', NULL, 0);
    add(&a, "ok", '0', "o", 1);
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 2);
    assert_string_equal(reports[0], "entry 1 'a/../../etc/passwd': '..' in the path");
    assert_string_equal(reports[1], "entry 2 '..': '..' in the path");
    assert_int_equal(lookup("a"), -ENOENT);
    assert_int_equal(lookup("etc"), -ENOENT);
    assert_file("ok", "o");
}

static void test_truncated_header(void **state)
{
    static struct archive a;

    a.len = 0;
    add(&a, "whole", '0', "w", 1);
    add(&a, "cut", '0', NULL, 0);
    assert_int_equal(index_bytes(&a, a.len - 300), 1);
    assert_string_equal(reports[0], "entry 2 '': truncated header");
    assert_file("whole", "w");
}

static void test_bad_entries_skipped(void **state)
{
    static struct archive a;
    unsigned char *h;

    a.len = 0;
    add(&a, "f", '0', "f", 1);
    add(&a, "f/under", '0', "u", 1);   /* a path through a file */
    add(&a, "f", '5', NULL, 0);        /* a directory over a file */
    add(&a, "dev", '3', NULL, 0);      /* a character device */
    add(&a, "/abs/file", '0', "a", 1); /* leading '/' is dropped */
    add(&a, "f", '0', "new", 3);       /* a later copy replaces the file */
    h = add(&a, "", '0', NULL, 0);
    (void)h;
    h = add(&a, "gnu", '0', "g", 1);
    memcpy(h + 257, "ustar  \0", 8); /* GNU's magic: accepted */
    seal(h);
    h = add(&a, "v7", '0', "v", 1);
    memset(h + 257, 0, 8);
    seal(h);
    finish(&a);
    assert_int_equal(index_bytes(&a, a.len), 5);
    assert_string_equal(reports[0], "entry 2 'f/under': a component of the path is a file");
    assert_string_equal(reports[1], "entry 3 'f': a file and a directory of the same name");
    assert_string_equal(reports[2], "entry 4 'dev': devices and FIFOs are not supported");
    assert_string_equal(reports[3], "entry 7 '': empty name");
    assert_string_equal(reports[4], "entry 9 'v7': not a ustar header");
    assert_file("f", "new");
    assert_file("/abs/file", "a");
    assert_file("gnu", "g");
}

/* Too little memory is a reported problem, never an overrun. */
static void test_small_index(void **state)
{
    static struct archive a;
    struct tar_node nodes[2];

    a.len = 0;
    add(&a, "a/b/c", '0', "c", 1);
    finish(&a);
    nr_reports = 0;
    assert_int_equal(tar_index(&tree, a.data, a.len, nodes, sizeof(nodes), record, &nr_reports), 1);
    assert_string_equal(reports[0], "entry 1 'a/b/c': out of index space");
    assert_int_equal(tree.count, 2);
    assert_int_equal(tar_index(&tree, a.data, a.len, nodes, 1, NULL, NULL), 1);
    assert_int_equal(tree.count, 0);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_good_archive, teardown),
        cmocka_unit_test_teardown(test_lookup, teardown),
        cmocka_unit_test_teardown(test_empty_archives, teardown),
        cmocka_unit_test_teardown(test_zero_blocks_end, teardown),
        cmocka_unit_test_teardown(test_bad_checksum, teardown),
        cmocka_unit_test_teardown(test_size_beyond_end, teardown),
        cmocka_unit_test_teardown(test_non_octal, teardown),
        cmocka_unit_test_teardown(test_name_without_nul, teardown),
        cmocka_unit_test_teardown(test_dot_dot, teardown),
        cmocka_unit_test_teardown(test_truncated_header, teardown),
        cmocka_unit_test_teardown(test_bad_entries_skipped, teardown),
        cmocka_unit_test_teardown(test_small_index, teardown),
    };

    return RUN_TESTS(tests);
}
