/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stream reader of the management protocol (msg.h): it turns bytes,
 * split anyhow by the transport, into verified frames, and gets back in
 * step after damage by scanning for the next magic.
 *
 * The bytes held are buf[start, end). Frames are multiples of 8 bytes, so
 * in a run of good frames each starts 8-byte aligned, as libfdt wants its
 * trees, and none is moved. Only after garbage does a would-be frame start
 * elsewhere; it is then moved to buf[0] once. Feeding moves what is held
 * to buf[0] when the end of the buffer is reached.
 *
 * Termination and cost, whatever the bytes: every error drops at least one
 * byte, every scan drops everything up to the next magic, and a call does
 * at most one move of the buffer and hashes at most one header and one
 * payload no longer than the buffer. An attacker can make a byte it sends
 * cost that much at worst, never a loop or an allocation. Errors are
 * counted so that the count does not depend on how the stream was split:
 * one per bad frame, one per run of garbage.
 */
#include "msg.h"

#include <string.h>

static const uint8_t magic[4] = {
    MSG_MAGIC & 0xff,
    (MSG_MAGIC >> 8) & 0xff,
    (MSG_MAGIC >> 16) & 0xff,
    MSG_MAGIC >> 24,
};

int msg_reader_init(struct msg_reader *r, void *buf, size_t size)
{
    memset(r, 0, sizeof(*r));
    if (size < MSG_READER_MIN || ((uintptr_t)buf & 7))
        return -MSG_ENOSPC;
    r->buf = buf;
    r->size = size;
    r->max_payload = size - MSG_HEADER_SIZE > MSG_PAYLOAD_MAX ? MSG_PAYLOAD_MAX
                                                              : (uint32_t)(size - MSG_HEADER_SIZE);
    return 0;
}

/* Forgets the frame delivered last. */
static void release(struct msg_reader *r)
{
    r->start += r->consumed;
    r->consumed = 0;
    if (r->start == r->end)
        r->start = r->end = 0;
}

/* Moves what is held to buf[0]. */
static void compact(struct msg_reader *r)
{
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
}

/* Whether the n bytes at p (n <= 4) could begin a magic. */
static int magic_prefix(const uint8_t *p, size_t n)
{
    return memcmp(p, magic, n < 4 ? n : 4) == 0;
}

/* A bad frame at start: count it, and look for the next magic from the
 * byte after its first, since none of its fields can be believed. */
static int reject(struct msg_reader *r, int err)
{
    r->errors++;
    r->last_error = err;
    r->dropped++;
    r->start++;
    r->scanning = 1;
    return -err;
}

size_t msg_reader_feed(struct msg_reader *r, const void *data, size_t len)
{
    release(r);
    if (len > r->size - r->end && r->start)
        compact(r);
    if (len > r->size - r->end)
        len = r->size - r->end;
    memcpy(r->buf + r->end, data, len);
    r->end += len;
    return len;
}

int msg_reader_next(struct msg_reader *r, struct msg_frame *f)
{
    size_t held;
    uint64_t sum;
    int rc;

    release(r);
    if (r->scanning) {
        /* Up to the first full magic, or to a tail that may begin one. */
        size_t at = r->start;

        while (at < r->end && !magic_prefix(r->buf + at, r->end - at))
            at++;
        r->dropped += at - r->start;
        r->start = at;
        if (r->end - r->start < sizeof(magic))
            return 0;
        r->scanning = 0;
    }
    held = r->end - r->start;
    if (held == 0)
        return 0;
    if (!magic_prefix(r->buf + r->start, held))
        return reject(r, MSG_EMAGIC);
    if (held < MSG_HEADER_SIZE)
        return 0;
    rc = msg_header_read(r->buf + r->start, r->max_payload, f, &sum);
    if (rc)
        return reject(r, -rc);
    if (held - MSG_HEADER_SIZE < f->length)
        return 0;
    if (r->start & 7)
        compact(r);
    f->payload = r->buf + r->start + MSG_HEADER_SIZE;
    rc = msg_payload_check(f, sum);
    if (rc)
        return reject(r, -rc);
    r->consumed = MSG_HEADER_SIZE + f->length;
    r->frames++;
    return 1;
}

int msg_reader_flush(struct msg_reader *r)
{
    release(r);
    if (r->start == r->end)
        return 0;
    if (r->scanning && r->end - r->start < sizeof(magic)) {
        /* The tail of a run of garbage already reported. */
        r->dropped += r->end - r->start;
        r->start = r->end = 0;
        return 0;
    }
    return reject(r, MSG_ETRUNCATED);
}
