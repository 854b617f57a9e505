/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of exod's image cache (toolstack/exod/cache.c): an upload in
 * chunks becomes an image only when its last byte is in and its hash
 * matches its key; every mistake (a chunk out of order, a size that
 * changes, an end too early or too late, a wrong hash) drops the upload;
 * uploads a new client abandons are forgotten; the cache's bounds.
 */
#include "unit.h"

#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "serve.h"

static uint8_t image[3000];
static const char *why;

static int setup(void **state)
{
    (void)state;
    serve_cache_reset();
    for (size_t i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 7 + 3);
    return 0;
}

static uint64_t key_of(const void *p, size_t n)
{
    return XXH64(p, n, 0);
}

/* Chunk at offset len bytes long, last if it ends the image. */
static int chunk(uint64_t key, size_t offset, size_t len, bool last)
{
    return serve_cache_chunk(key, sizeof(image), offset, image + offset, len, last, &why);
}

static void test_upload_in_chunks(void **state)
{
    uint64_t key = key_of(image, sizeof(image));
    const struct serve_image *e;

    (void)state;
    assert_int_equal(chunk(key, 0, 1000, false), 0);
    assert_null(serve_cache_find(key)); /* not complete yet */
    assert_int_equal(chunk(key, 1000, 1000, false), 0);
    assert_int_equal(chunk(key, 2000, 1000, true), 1);
    e = serve_cache_find(key);
    assert_non_null(e);
    assert_int_equal(e->size, sizeof(image));
    assert_memory_equal(e->data, image, sizeof(image));
    /* One chunk is an upload too, and a complete image stays. */
    serve_cache_drop_partial();
    assert_non_null(serve_cache_find(key));
}

static void test_wrong_hash(void **state)
{
    uint64_t key = key_of(image, sizeof(image)) ^ 1;

    (void)state;
    assert_int_equal(chunk(key, 0, sizeof(image), true), -HV_EINVAL);
    assert_non_null(strstr(why, "hash"));
    assert_null(serve_cache_find(key));
}

static void test_mistakes_drop_the_upload(void **state)
{
    uint64_t key = key_of(image, sizeof(image));

    (void)state;
    /* A gap. */
    assert_int_equal(chunk(key, 0, 1000, false), 0);
    assert_int_equal(chunk(key, 1500, 1000, false), -HV_EINVAL);
    assert_non_null(strstr(why, "out of order"));
    /* ... after which the upload is gone: the right chunk is refused. */
    assert_int_equal(chunk(key, 1000, 1000, false), -HV_EINVAL);
    /* The end before the image's end. */
    assert_int_equal(chunk(key, 0, 1000, true), -HV_EINVAL);
    assert_non_null(strstr(why, "before the image's end"));
    /* The image's end in a chunk flagged MORE. */
    assert_int_equal(chunk(key, 0, sizeof(image), false), -HV_EINVAL);
    assert_non_null(strstr(why, "MORE"));
    /* Past the end. */
    assert_int_equal(chunk(key, 0, 2000, false), 0);
    assert_int_equal(serve_cache_chunk(key, sizeof(image), 2000, image, 2000, true, &why),
                     -HV_EINVAL);
    /* A size that changes. */
    assert_int_equal(chunk(key, 0, 1000, false), 0);
    assert_int_equal(serve_cache_chunk(key, 5000, 1000, image, 1000, false, &why), -HV_EINVAL);
    assert_null(serve_cache_find(key));
    /* A chunk of no upload at all. */
    assert_int_equal(chunk(key ^ 2, 1000, 1000, false), -HV_EINVAL);
    /* And a clean upload still works afterwards. */
    assert_int_equal(chunk(key, 0, sizeof(image), true), 1);
    assert_non_null(serve_cache_find(key));
}

static void test_abandoned_upload_forgotten(void **state)
{
    uint64_t key = key_of(image, sizeof(image));

    (void)state;
    assert_int_equal(chunk(key, 0, 1000, false), 0);
    serve_cache_drop_partial();
    assert_int_equal(chunk(key, 1000, 1000, false), -HV_EINVAL);
    assert_null(serve_cache_find(key));
}

static void test_reupload_replaces(void **state)
{
    uint64_t key = key_of(image, sizeof(image));

    (void)state;
    assert_int_equal(chunk(key, 0, sizeof(image), true), 1);
    /* Offset 0 again starts over: the old copy goes. */
    assert_int_equal(chunk(key, 0, 1000, false), 0);
    assert_null(serve_cache_find(key));
    assert_int_equal(chunk(key, 1000, 2000, true), 1);
    assert_non_null(serve_cache_find(key));
}

static void test_bounds(void **state)
{
    uint64_t size = SERVE_CACHE_MAX;
    uint8_t byte = 1;

    (void)state;
    assert_int_equal(serve_cache_chunk(1, 0, 0, image, 0, true, &why), -HV_E2BIG);
    assert_int_equal(serve_cache_chunk(1, size + 1, 0, image, 1, false, &why), -HV_E2BIG);
    /* A whole cache's worth, in progress, leaves no room for one byte. */
    assert_int_equal(serve_cache_chunk(2, size, 0, image, 1, false, &why), 0);
    assert_int_equal(serve_cache_chunk(3, 1, 0, &byte, 1, true, &why), -HV_ENOSPC);
    assert_non_null(strstr(why, "full"));
    /* Its room comes back when it is dropped. */
    serve_cache_drop_partial();
    assert_int_equal(serve_cache_chunk(key_of(&byte, 1), 1, 0, &byte, 1, true, &why), 1);
    /* At most SERVE_CACHE_ENTRIES images. */
    for (uint8_t i = 2; i <= SERVE_CACHE_ENTRIES; i++)
        assert_int_equal(serve_cache_chunk(key_of(&i, 1), 1, 0, &i, 1, true, &why), 1);
    byte = 0;
    assert_int_equal(serve_cache_chunk(key_of(&byte, 1), 1, 0, &byte, 1, true, &why), -HV_ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_upload_in_chunks, setup),
        cmocka_unit_test_setup(test_wrong_hash, setup),
        cmocka_unit_test_setup(test_mistakes_drop_the_upload, setup),
        cmocka_unit_test_setup(test_abandoned_upload_forgotten, setup),
        cmocka_unit_test_setup(test_reupload_replaces, setup),
        cmocka_unit_test_setup(test_bounds, setup),
    };

    return RUN_TESTS(tests);
}
