// SPDX-License-Identifier: GPL-2.0-only
/*
 * exod's image cache: kernels uploaded by image-data chunks, kept in
 * exod's memory under the XXH64 of their bytes, so that create names an
 * image by its key and one upload serves many creates. Bounded in bytes
 * and entries; an upload is checked against its key when its last byte
 * is in, and one that fails or is abandoned leaves nothing behind.
 */
#include <stdlib.h>
#include <string.h>

#include <public/errno.h>

#include "serve.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

static struct serve_image cache[SERVE_CACHE_ENTRIES];
static uint64_t cache_bytes;

static void drop(struct serve_image *e)
{
    cache_bytes -= e->size;
    free(e->data);
    memset(e, 0, sizeof(*e));
}

static struct serve_image *lookup(uint64_t key)
{
    for (unsigned int i = 0; i < SERVE_CACHE_ENTRIES; i++)
        if (cache[i].data && cache[i].key == key)
            return &cache[i];
    return NULL;
}

const struct serve_image *serve_cache_find(uint64_t key)
{
    const struct serve_image *e = lookup(key);

    return e && e->complete ? e : NULL;
}

void serve_cache_drop_partial(void)
{
    for (unsigned int i = 0; i < SERVE_CACHE_ENTRIES; i++)
        if (cache[i].data && !cache[i].complete)
            drop(&cache[i]);
}

void serve_cache_reset(void)
{
    for (unsigned int i = 0; i < SERVE_CACHE_ENTRIES; i++)
        if (cache[i].data)
            drop(&cache[i]);
}

/* A fresh entry for an upload of size bytes; NULL with *why. */
static struct serve_image *start(uint64_t key, uint64_t size, const char **why, int *err)
{
    struct serve_image *e = NULL;

    if (size == 0 || size > SERVE_CACHE_MAX) {
        *why = "size is 0 or more than the whole image cache";
        *err = -HV_E2BIG;
        return NULL;
    }
    if (size > SERVE_CACHE_MAX - cache_bytes) {
        *why = "the image cache is full (16 MiB): no room for this image";
        *err = -HV_ENOSPC;
        return NULL;
    }
    for (unsigned int i = 0; i < SERVE_CACHE_ENTRIES && !e; i++)
        if (!cache[i].data)
            e = &cache[i];
    if (!e) {
        *why = "the image cache is full (16 images)";
        *err = -HV_ENOSPC;
        return NULL;
    }
    e->data = malloc(size);
    if (!e->data) {
        *why = "exod is out of memory for the image";
        *err = -HV_ENOMEM;
        return NULL;
    }
    e->key = key;
    e->size = size;
    e->received = 0;
    e->complete = false;
    cache_bytes += size;
    return e;
}

int serve_cache_chunk(uint64_t key, uint64_t size, uint64_t offset, const void *data, size_t len,
                      bool last, const char **why)
{
    struct serve_image *e = lookup(key);
    int err = 0;

    if (offset == 0) {
        /* A new upload replaces any of the same key, finished or not. */
        if (e)
            drop(e);
        e = start(key, size, why, &err);
        if (!e)
            return err;
    } else if (!e || e->complete) {
        *why = "a chunk past offset 0 of no upload in progress";
        return -HV_EINVAL;
    }
    if (size != e->size || offset != e->received || len > size - offset || (len == 0 && !last)) {
        *why = size != e->size         ? "the size changed during the upload; upload dropped"
               : offset != e->received ? "a chunk out of order; upload dropped"
                                       : "a chunk past the image's end; upload dropped";
        drop(e);
        return -HV_EINVAL;
    }
    memcpy(e->data + offset, data, len);
    e->received += len;
    if (last != (e->received == size)) {
        *why = last ? "the last chunk came before the image's end; upload dropped"
                    : "the image's end came in a chunk flagged MORE; upload dropped";
        drop(e);
        return -HV_EINVAL;
    }
    if (!last)
        return 0;
    if (XXH64(e->data, size, 0) != key) {
        *why = "the bytes do not hash to the image's key; upload dropped";
        drop(e);
        return -HV_EINVAL;
    }
    e->complete = true;
    return 1;
}
