/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness of the management protocol's message layer
 * (toolstack/libexo/msg.c, msg_reader.c). The input's first byte is a
 * control byte: bit 0 asks the harness to reseal every would-be frame in
 * the rest (rewrite both XXH64 sums), so that mutated payloads get past
 * the checksums and reach fdt_check_full and the getters; bits 1-7 pick a
 * feeding chunk size (0: all at once). The rest is a byte stream.
 *
 * Checked: msg_decode on the stream's start; the stream fed whole and fed
 * in chunks gives the same frames and errors in the same order; every
 * frame delivered decodes again from its own bytes and every property of
 * it reads without a fault; every byte fed is accounted for, as part of a
 * frame or dropped; the reader never holds more than its buffer. Buffers
 * are allocations of exactly their size, so ASan sees any read past them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "msg.h"

#define READER_SIZE (64 * 1024)
#define MAX_EVENTS 4096

struct run {
    int events[MAX_EVENTS];    /* 1 for a frame, else the error */
    uint64_t sums[MAX_EVENTS]; /* a frame's XXH64, over header and payload */
    size_t count;
    uint64_t frame_bytes;
};

static void fail(const char *why)
{
    fprintf(stderr, "msg fuzzer: %s\n", why);
    abort();
}

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Rewrites the sums of every header-sized stretch that starts with the
 * magic and whose declared payload lies inside the stream. */
static void reseal(uint8_t *s, size_t len)
{
    for (size_t i = 0; i + MSG_HEADER_SIZE <= len; i++) {
        uint32_t plen;

        if (memcmp(s + i, "EXOM", 4))
            continue;
        plen = (uint32_t)s[i + MSG_OFF_LENGTH] | (uint32_t)s[i + MSG_OFF_LENGTH + 1] << 8 |
               (uint32_t)s[i + MSG_OFF_LENGTH + 2] << 16 |
               (uint32_t)s[i + MSG_OFF_LENGTH + 3] << 24;
        if (plen > len - i - MSG_HEADER_SIZE)
            continue;
        put_le(s + i + MSG_OFF_PAYLOAD_SUM, XXH64(s + i + MSG_HEADER_SIZE, plen, 0), 8);
        put_le(s + i + MSG_OFF_HEADER_SUM, XXH64(s + i, MSG_OFF_HEADER_SUM, 0), 8);
    }
}

/* Reads every property of every node with every getter that fits. */
static void walk(const struct msg_frame *f)
{
    const void *fdt = f->payload;
    int node = 0, depth = 0, prop;

    for (; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
        fdt_for_each_property_offset(prop, fdt, node)
        {
            const char *name;
            const char *str;
            const void *data;
            uint32_t u32;
            uint64_t u64;
            size_t len;
            int plen;

            if (!fdt_getprop_by_offset(fdt, prop, &name, &plen))
                fail("a property of a checked tree cannot be read");
            /* A name given twice reads as its first (msg.h). */
            if (!fdt_getprop(fdt, node, name, &plen))
                fail("a property of a checked tree cannot be found");
            if (msg_get_bytes(f, node, name, &data, &len) || len != (size_t)plen)
                fail("bytes getter disagrees with libfdt");
            if ((msg_get_u32(f, node, name, &u32) == 0) != (plen == 4))
                fail("u32 getter accepts a wrong size");
            if ((msg_get_u64(f, node, name, &u64) == 0) != (plen == 8))
                fail("u64 getter accepts a wrong size");
            if (msg_get_string(f, node, name, &str) == 0 && strlen(str) + 1 != (size_t)plen)
                fail("string getter accepts a string that is not the whole property");
            (void)msg_get_flag(f, node, name);
        }
    }
}

static void record(struct run *run, int rc, const struct msg_reader *r, const struct msg_frame *f)
{
    if (rc > 0) {
        uint8_t *copy = malloc(MSG_HEADER_SIZE + f->length);
        struct msg_frame again;

        if ((const uint8_t *)f->payload != r->buf + r->start + MSG_HEADER_SIZE ||
            MSG_HEADER_SIZE + (size_t)f->length > msg_reader_held(r) ||
            f->length > r->max_payload || ((uintptr_t)f->payload & 7))
            fail("a frame outside the reader's buffer, or misaligned");
        if (!copy)
            fail("out of memory");
        memcpy(copy, r->buf + r->start, MSG_HEADER_SIZE + f->length);
        if (msg_decode(copy, MSG_HEADER_SIZE + f->length, &again) !=
                (long)(MSG_HEADER_SIZE + f->length) ||
            again.type != f->type || again.request_id != f->request_id)
            fail("a delivered frame does not decode from its own bytes");
        walk(&again);
        free(copy);
        run->frame_bytes += MSG_HEADER_SIZE + f->length;
    } else if (rc < -MSG_ETRUNCATED || rc > 0) {
        fail("an error the reader never reports");
    }
    if (run->count < MAX_EVENTS) {
        run->sums[run->count] =
            rc > 0 ? XXH64(r->buf + r->start, MSG_HEADER_SIZE + f->length, 0) : 0;
        run->events[run->count] = rc;
    }
    run->count++;
}

static void feed_all(struct run *run, const uint8_t *s, size_t len, size_t chunk)
{
    uint8_t *buf = malloc(READER_SIZE);
    struct msg_reader r;
    struct msg_frame f;
    size_t off = 0;
    int rc;

    memset(run, 0, sizeof(*run));
    if (!buf || msg_reader_init(&r, buf, READER_SIZE))
        fail("reader set-up");
    while (off < len) {
        size_t n = chunk && chunk < len - off ? chunk : len - off;
        size_t took = msg_reader_feed(&r, s + off, n);

        off += took;
        if (r.start > r.end || r.end > r.size)
            fail("the reader holds more than its buffer");
        while ((rc = msg_reader_next(&r, &f)) != 0)
            record(run, rc, &r, &f);
        if (took == 0 && msg_reader_held(&r) == r.size)
            fail("a full reader that makes no progress");
    }
    /* The stream ends: everything held must come out or be dropped; each
     * flush that reports drops at least a byte. */
    for (size_t rounds = 0;; rounds++) {
        if (rounds > READER_SIZE)
            fail("flushing does not end");
        while ((rc = msg_reader_next(&r, &f)) != 0)
            record(run, rc, &r, &f);
        rc = msg_reader_flush(&r);
        if (!rc)
            break;
        record(run, rc, &r, &f);
    }
    if (msg_reader_held(&r))
        fail("bytes left after the stream ended");
    if (run->frame_bytes + r.dropped != len)
        fail("bytes neither delivered nor dropped");
    if (r.frames + r.errors != run->count)
        fail("counters disagree with what was reported");
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run whole, split;
    uint8_t *s;
    struct msg_frame f;
    size_t len;

    if (size < 1)
        return 0;
    len = size - 1;
    s = malloc(len ? len : 1);
    if (!s)
        return 0;
    memcpy(s, data + 1, len);
    if (data[0] & 1)
        reseal(s, len);

    (void)msg_decode(s, len, &f);
    feed_all(&whole, s, len, 0);
    feed_all(&split, s, len, data[0] >> 1 ? data[0] >> 1 : 1);
    if (whole.count != split.count || whole.frame_bytes != split.frame_bytes)
        fail("the split changed what came out");
    for (size_t i = 0; i < whole.count && i < MAX_EVENTS; i++)
        if (whole.events[i] != split.events[i] || whole.sums[i] != split.sums[i])
            fail("the split changed what came out");
    free(s);
    return 0;
}
