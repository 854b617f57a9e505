/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Frames of the management protocol (msg.h): the header's encoding and its
 * checks, building a payload with libfdt's sequential-write API, and typed
 * reads of a payload that has passed fdt_check_full.
 *
 * Why two checksums rather than one over the whole frame: the header's own
 * lets a reader believe the payload length before the payload has arrived.
 * With one sum at the end, a flipped bit in the length would make the
 * reader wait for up to a megabyte that never comes, holding back every
 * good frame behind it; with the header's sum the damage is seen 40 bytes
 * in. XXH64 is the project's hash already, and at 64 bits an accidental
 * match in either sum does not happen in practice. It is not a MAC:
 * against a forging peer the transport must authenticate (msg.h).
 */
#include "msg.h"

#include <libfdt.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

_Static_assert(MSG_OFF_HEADER_SUM + 8 == MSG_HEADER_SIZE, "header layout");
_Static_assert(MSG_HEADER_SIZE % 8 == 0, "payloads must stay 8-byte aligned for libfdt");
_Static_assert(MSG_CHUNK_MAX + 4096 <= MSG_PAYLOAD_MAX, "a chunk and its properties fit");

static const char *const error_text[MSG_ERROR_COUNT] = {
    [0] = "success",
    [MSG_EMAGIC] = "bytes that do not start a frame",
    [MSG_EHEADER] = "frame header checksum mismatch or reserved bits set",
    [MSG_EVERSION] = "unsupported protocol version",
    [MSG_EOVERSIZE] = "frame payload over the size limit",
    [MSG_EPAYLOAD] = "frame payload checksum mismatch",
    [MSG_EFDT] = "frame payload is not a valid device tree",
    [MSG_ETRUNCATED] = "frame cut short",
    [MSG_ETYPE] = "unknown message type",
    [MSG_ENOSPC] = "buffer too small",
    [MSG_ENOPROP] = "missing property",
    [MSG_EPROPSIZE] = "property of the wrong size",
    [MSG_EPROPSTRING] = "property is not a string",
};

const char *msg_strerror(int err)
{
    if (err < 0)
        err = -err;
    if (err >= MSG_ERROR_COUNT)
        return "unknown error";
    return error_text[err];
}

const char *msg_type_name(uint16_t type)
{
    switch (type) {
    case MSG_HELLO:
        return "hello";
    case MSG_CREATE:
        return "create";
    case MSG_DESTROY:
        return "destroy";
    case MSG_SHUTDOWN:
        return "shutdown";
    case MSG_REBOOT:
        return "reboot";
    case MSG_PAUSE:
        return "pause";
    case MSG_UNPAUSE:
        return "unpause";
    case MSG_LIST:
        return "list";
    case MSG_INFO:
        return "info";
    case MSG_DMESG:
        return "dmesg";
    case MSG_CONSOLE_ATTACH:
        return "console-attach";
    case MSG_CONSOLE_INPUT:
        return "console-input";
    case MSG_VCPU_LIST:
        return "vcpu-list";
    case MSG_VCPU_PIN:
        return "vcpu-pin";
    case MSG_STATS:
        return "stats";
    case MSG_IMAGE_DATA:
        return "image-data";
    case MSG_CLIENT_GONE:
        return "client-gone";
    case MSG_OK:
        return "ok";
    case MSG_ERROR:
        return "error";
    case MSG_CONSOLE_OUTPUT:
        return "console-output";
    }
    return NULL;
}

/* Byte-wise, so neither alignment nor the host's byte order matters. */
static uint32_t get_le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get_le32(const uint8_t *p)
{
    return get_le16(p) | get_le16(p + 2) << 16;
}

static uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void msg_header_write(void *hdr, const struct msg_frame *f)
{
    uint8_t *h = hdr;

    put_le(h + MSG_OFF_MAGIC, MSG_MAGIC, 4);
    put_le(h + MSG_OFF_VERSION, f->version, 2);
    put_le(h + MSG_OFF_TYPE, f->type, 2);
    put_le(h + MSG_OFF_FLAGS, f->flags, 4);
    put_le(h + MSG_OFF_REQUEST_ID, f->request_id, 4);
    put_le(h + MSG_OFF_LENGTH, f->length, 4);
    put_le(h + MSG_OFF_RESERVED, 0, 4);
    put_le(h + MSG_OFF_PAYLOAD_SUM, XXH64(f->payload, f->length, 0), 8);
    put_le(h + MSG_OFF_HEADER_SUM, XXH64(h, MSG_OFF_HEADER_SUM, 0), 8);
}

void msg_header_set_request_id(void *hdr, uint32_t request_id)
{
    uint8_t *h = hdr;

    put_le(h + MSG_OFF_REQUEST_ID, request_id, 4);
    put_le(h + MSG_OFF_HEADER_SUM, XXH64(h, MSG_OFF_HEADER_SUM, 0), 8);
}

int msg_header_read(const void *hdr, uint32_t max_payload, struct msg_frame *f,
                    uint64_t *payload_sum)
{
    const uint8_t *h = hdr;

    if (get_le32(h + MSG_OFF_MAGIC) != MSG_MAGIC)
        return -MSG_EMAGIC;
    if (get_le16(h + MSG_OFF_VERSION) != MSG_VERSION)
        return -MSG_EVERSION;
    if (get_le64(h + MSG_OFF_HEADER_SUM) != XXH64(h, MSG_OFF_HEADER_SUM, 0))
        return -MSG_EHEADER;
    if (get_le32(h + MSG_OFF_RESERVED) || (get_le32(h + MSG_OFF_FLAGS) & ~MSG_FLAGS_KNOWN))
        return -MSG_EHEADER;
    if (get_le32(h + MSG_OFF_LENGTH) > max_payload ||
        get_le32(h + MSG_OFF_LENGTH) > MSG_PAYLOAD_MAX)
        return -MSG_EOVERSIZE;
    if (get_le32(h + MSG_OFF_LENGTH) & 7)
        return -MSG_EHEADER;
    f->version = (uint16_t)get_le16(h + MSG_OFF_VERSION);
    f->type = (uint16_t)get_le16(h + MSG_OFF_TYPE);
    f->flags = get_le32(h + MSG_OFF_FLAGS);
    f->request_id = get_le32(h + MSG_OFF_REQUEST_ID);
    f->length = get_le32(h + MSG_OFF_LENGTH);
    f->payload = NULL;
    *payload_sum = get_le64(h + MSG_OFF_PAYLOAD_SUM);
    return 0;
}

int msg_payload_check(const struct msg_frame *f, uint64_t sum)
{
    if (XXH64(f->payload, f->length, 0) != sum)
        return -MSG_EPAYLOAD;
    /* A tree that is shorter than its frame would leave bytes nobody
     * checks meaning into; one that claims more is cut short. */
    if (f->length < sizeof(struct fdt_header) || fdt_check_full(f->payload, f->length) ||
        fdt_totalsize(f->payload) != f->length)
        return -MSG_EFDT;
    return 0;
}

long msg_decode(const void *buf, size_t len, struct msg_frame *f)
{
    uint64_t sum;
    int rc;

    if (len < MSG_HEADER_SIZE)
        return -MSG_ETRUNCATED;
    rc = msg_header_read(buf, MSG_PAYLOAD_MAX, f, &sum);
    if (rc)
        return rc;
    if (len - MSG_HEADER_SIZE < f->length)
        return -MSG_ETRUNCATED;
    f->payload = (const uint8_t *)buf + MSG_HEADER_SIZE;
    rc = msg_payload_check(f, sum);
    if (rc)
        return rc;
    return MSG_HEADER_SIZE + (long)f->length;
}

/* ---- building ---------------------------------------------------------- */

static void *payload_of(struct msg_builder *b)
{
    return b->buf + MSG_HEADER_SIZE;
}

/* Keeps the first error: later calls on a failed builder do nothing. */
static void note(struct msg_builder *b, int fdt_rc)
{
    if (fdt_rc < 0 && !b->error)
        b->error = fdt_rc == -FDT_ERR_NOSPACE ? -MSG_ENOSPC : -MSG_EFDT;
}

void msg_begin(struct msg_builder *b, void *buf, size_t size, uint16_t type, uint32_t flags,
               uint32_t request_id)
{
    size_t room;

    b->buf = buf;
    b->size = size;
    b->type = type;
    b->flags = flags;
    b->request_id = request_id;
    b->error = 0;
    if (size < MSG_HEADER_SIZE || ((uintptr_t)buf & 7) || (flags & ~MSG_FLAGS_KNOWN)) {
        b->error = -MSG_ENOSPC;
        return;
    }
    /* The tree can never outgrow what a reader accepts. */
    room = size - MSG_HEADER_SIZE;
    if (room > MSG_PAYLOAD_MAX)
        room = MSG_PAYLOAD_MAX;
    note(b, fdt_create(payload_of(b), (int)room));
    if (!b->error)
        note(b, fdt_finish_reservemap(payload_of(b)));
    if (!b->error)
        note(b, fdt_begin_node(payload_of(b), ""));
}

void msg_put_u32(struct msg_builder *b, const char *name, uint32_t value)
{
    if (!b->error)
        note(b, fdt_property_u32(payload_of(b), name, value));
}

void msg_put_u64(struct msg_builder *b, const char *name, uint64_t value)
{
    if (!b->error)
        note(b, fdt_property_u64(payload_of(b), name, value));
}

void msg_put_s32(struct msg_builder *b, const char *name, int32_t value)
{
    msg_put_u32(b, name, (uint32_t)value);
}

void msg_put_string(struct msg_builder *b, const char *name, const char *value)
{
    if (!b->error)
        note(b, fdt_property_string(payload_of(b), name, value));
}

void msg_put_bytes(struct msg_builder *b, const char *name, const void *data, size_t len)
{
    if (b->error)
        return;
    if (len > MSG_PAYLOAD_MAX) {
        b->error = -MSG_ENOSPC;
        return;
    }
    note(b, fdt_property(payload_of(b), name, data, (int)len));
}

void msg_put_flag(struct msg_builder *b, const char *name)
{
    msg_put_bytes(b, name, NULL, 0);
}

void msg_node_begin(struct msg_builder *b, const char *name)
{
    if (!b->error)
        note(b, fdt_begin_node(payload_of(b), name));
}

void msg_node_end(struct msg_builder *b)
{
    if (!b->error)
        note(b, fdt_end_node(payload_of(b)));
}

long msg_finish(struct msg_builder *b)
{
    struct msg_frame f;
    uint32_t size, padded;

    msg_node_end(b);
    if (!b->error)
        note(b, fdt_finish(payload_of(b)));
    if (b->error)
        return b->error;
    /* Zeroes after the strings block, inside the tree's total size, keep
     * the next frame in a buffer 8-byte aligned. */
    size = fdt_totalsize(payload_of(b));
    padded = (size + 7) & ~7u;
    if (padded > b->size - MSG_HEADER_SIZE || padded > MSG_PAYLOAD_MAX)
        return b->error = -MSG_ENOSPC;
    memset(b->buf + MSG_HEADER_SIZE + size, 0, padded - size);
    fdt_set_totalsize(payload_of(b), padded);
    f.version = MSG_VERSION;
    f.type = b->type;
    f.flags = b->flags;
    f.request_id = b->request_id;
    f.length = fdt_totalsize(payload_of(b));
    f.payload = payload_of(b);
    msg_header_write(b->buf, &f);
    return MSG_HEADER_SIZE + (long)f.length;
}

/* ---- reading a payload ------------------------------------------------- */

/* The property's bytes, or NULL with -MSG_ENOPROP in *err. */
static const uint8_t *property(const struct msg_frame *f, int node, const char *name, int *len,
                               int *err)
{
    const uint8_t *p = fdt_getprop(f->payload, node, name, len);

    *err = p ? 0 : -MSG_ENOPROP;
    return p;
}

static uint64_t get_be(const uint8_t *p, unsigned int bytes)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

int msg_get_u32(const struct msg_frame *f, int node, const char *name, uint32_t *value)
{
    int len, err;
    const uint8_t *p = property(f, node, name, &len, &err);

    if (err)
        return err;
    if (len != 4)
        return -MSG_EPROPSIZE;
    *value = (uint32_t)get_be(p, 4);
    return 0;
}

int msg_get_u64(const struct msg_frame *f, int node, const char *name, uint64_t *value)
{
    int len, err;
    const uint8_t *p = property(f, node, name, &len, &err);

    if (err)
        return err;
    if (len != 8)
        return -MSG_EPROPSIZE;
    *value = get_be(p, 8);
    return 0;
}

int msg_get_s32(const struct msg_frame *f, int node, const char *name, int32_t *value)
{
    uint32_t u;
    int err = msg_get_u32(f, node, name, &u);

    if (!err)
        *value = (int32_t)u;
    return err;
}

int msg_get_string(const struct msg_frame *f, int node, const char *name, const char **value)
{
    int len, err;
    const uint8_t *p = property(f, node, name, &len, &err);

    if (err)
        return err;
    /* Exactly one NUL, the last byte: a string list or an unterminated
     * value would mean something else to the two ends. */
    if (len < 1 || memchr(p, '\0', (size_t)len) != p + len - 1)
        return -MSG_EPROPSTRING;
    *value = (const char *)p;
    return 0;
}

int msg_get_bytes(const struct msg_frame *f, int node, const char *name, const void **data,
                  size_t *len)
{
    int plen, err;
    const uint8_t *p = property(f, node, name, &plen, &err);

    if (err)
        return err;
    *data = p;
    *len = (size_t)plen;
    return 0;
}

int msg_get_flag(const struct msg_frame *f, int node, const char *name)
{
    return fdt_getprop(f->payload, node, name, NULL) != NULL;
}
