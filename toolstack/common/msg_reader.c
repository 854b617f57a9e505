/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stream reader of the management protocol (msg.h): it turns bytes,
 * split anyhow by the transport, into verified frames, and gets back in
 * step after damage by scanning for the next magic.
 *
 * The would-be frame always starts at buf[0]: bytes before it are moved
 * out as soon as they are known to be garbage. That keeps the payload
 * 8-byte aligned for libfdt and every bound a plain comparison with the
 * bytes held. A memmove per frame is cheap next to the checksums.
 *
 * Termination and cost, whatever the bytes: every error drops at least one
 * byte, every scan drops everything up to the next magic, and a call
 * hashes at most one header and one payload no longer than the buffer. An
 * attacker can make each byte it sends cost one payload check at worst,
 * never a loop or an allocation. Errors are counted so that the count does
 * not depend on how the stream was split: one per bad frame, one per run
 * of garbage.
 */
#include "msg.h"

#include <string.h>

static const uint8_t magic[4] = {
    MSG_MAGIC & 0xff, (MSG_MAGIC >> 8) & 0xff, (MSG_MAGIC >> 16) & 0xff, MSG_MAGIC >> 24,
};

int msg_reader_init(struct msg_reader *r, void *buf, size_t size)
{
    memset(r, 0, sizeof(*r));
    if (size < MSG_READER_MIN || ((uintptr_t)buf & 7))
        return -MSG_ENOSPC;
    r->buf = buf;
    r->size = size;
    r->max_payload = size - MSG_HEADER_SIZE > MSG_PAYLOAD_MAX
                         ? MSG_PAYLOAD_MAX
                         : (uint32_t)(size - MSG_HEADER_SIZE);
    return 0;
}

static void drop(struct msg_reader *r, size_t n)
{
    memmove(r->buf, r->buf + n, r->used - n);
    r->used -= n;
}

/* Whether the n bytes at p (n <= 4) could begin a magic. */
static int magic_prefix(const uint8_t *p, size_t n)
{
    return memcmp(p, magic, n < 4 ? n : 4) == 0;
}

/* A bad frame at buf[0]: count it, and look for the next magic from the
 * byte after its start, since none of its fields can be believed. */
static int reject(struct msg_reader *r, int err)
{
    r->errors++;
    r->last_error = err;
    r->dropped++;
    drop(r, 1);
    r->scanning = 1;
    return -err;
}

size_t msg_reader_feed(struct msg_reader *r, const void *data, size_t len)
{
    size_t room;

    drop(r, r->consumed);
    r->consumed = 0;
    room = r->size - r->used;
    if (len > room)
        len = room;
    memcpy(r->buf + r->used, data, len);
    r->used += len;
    return len;
}

int msg_reader_next(struct msg_reader *r, struct msg_frame *f)
{
    uint64_t sum;
    size_t skip;
    int rc;

    drop(r, r->consumed);
    r->consumed = 0;
    if (r->scanning) {
        /* Up to the first full magic, or to a tail that may begin one. */
        for (skip = 0; skip < r->used; skip++)
            if (magic_prefix(r->buf + skip, r->used - skip))
                break;
        r->dropped += skip;
        drop(r, skip);
        if (r->used < sizeof(magic))
            return 0;
        r->scanning = 0;
    }
    if (r->used == 0)
        return 0;
    if (!magic_prefix(r->buf, r->used)) {
        rc = reject(r, MSG_EMAGIC);
        return rc;
    }
    if (r->used < MSG_HEADER_SIZE)
        return 0;
    rc = msg_header_read(r->buf, r->max_payload, f, &sum);
    if (rc)
        return reject(r, -rc);
    if (r->used - MSG_HEADER_SIZE < f->length)
        return 0;
    f->payload = r->buf + MSG_HEADER_SIZE;
    rc = msg_payload_check(f, sum);
    if (rc)
        return reject(r, -rc);
    r->consumed = MSG_HEADER_SIZE + f->length;
    r->frames++;
    return 1;
}

int msg_reader_flush(struct msg_reader *r)
{
    drop(r, r->consumed);
    r->consumed = 0;
    if (r->used == 0)
        return 0;
    if (r->scanning && r->used < sizeof(magic)) {
        /* The tail of a run of garbage already reported. */
        r->dropped += r->used;
        r->used = 0;
        return 0;
    }
    return reject(r, MSG_ETRUNCATED);
}
