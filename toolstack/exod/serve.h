/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exod serve: the management protocol's request loop (serve.c) and the
 * image cache it keeps (cache.c). docs/toolstack.md, "Serving".
 */
#ifndef EXOD_SERVE_H
#define EXOD_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What hello's reply names as this exod's abilities. */
#define SERVE_CAPABILITIES "image-data create list info destroy pause unpause shutdown dmesg"

/* The cache's bounds: total bytes of the images held, and their number. */
#define SERVE_CACHE_MAX (16u << 20) /* dom0 has 64 MiB by default (dom0_mem) */
#define SERVE_CACHE_ENTRIES 16u

struct serve_image {
    uint64_t key;  /* XXH64 (seed 0) of the whole image */
    uint64_t size; /* its bytes */
    uint64_t received;
    bool complete; /* every byte in and the hash checked */
    uint8_t *data;
};

/*
 * Serve the management channel until a client shuts domain 0 down.
 * Returns exod's exit code: 0 after such a shutdown, 1 if the channel
 * could not be opened or failed.
 */
int serve(void);

/*
 * One image-data chunk: len bytes at offset of the image key of size
 * bytes; last when the frame has no MORE flag. Chunks come in order:
 * offset 0 starts (or restarts) an upload, any other must follow the
 * last. Returns 0 (more to come), 1 (the image is complete and matches
 * key), or -HV_Exxx with *why; an upload that fails is dropped whole.
 */
int serve_cache_chunk(uint64_t key, uint64_t size, uint64_t offset, const void *data, size_t len,
                      bool last, const char **why);

/* The complete image key, or NULL. */
const struct serve_image *serve_cache_find(uint64_t key);

/* Forget every upload not complete (a new client said hello). */
void serve_cache_drop_partial(void);

/* Forget every image (tests/unit/test_exod_cache between its tests). */
void serve_cache_reset(void);

#endif
