/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The management protocol's message layer, shared by the host tool `exo`
 * and dom0's daemon `exod`: framing, encoding and decoding, and the stream
 * reader (docs/toolstack.md, "Management protocol").
 *
 * A frame is a fixed 40-byte little-endian header and a payload that is a
 * flattened device tree. The header has its own checksum, so a reader can
 * trust the payload length before it waits for the payload, and the
 * payload has another, kept in the checksummed header. Both are XXH64
 * (seed 0), which the project already uses for the image cache.
 *
 * The layer knows nothing of the transport: it turns bytes into verified
 * frames and back. The same frames travel over QEMU's Unix socket today
 * and may travel over TCP later; authentication then sits below this
 * layer, in a transport that wraps the byte stream (a TLS-like channel), or
 * is negotiated by fields added to HELLO's payload. Neither changes the
 * frame format.
 *
 * Nothing here allocates or prints: buffers are the caller's, so the code
 * builds hosted (the host tool) and in the library OS (exod) alike.
 */
#ifndef LIBEXO_MSG_H
#define LIBEXO_MSG_H

#include <stddef.h>
#include <stdint.h>

#define MSG_MAGIC 0x4d4f5845u /* "EXOM" in stream order */
#define MSG_VERSION 1
#define MSG_HEADER_SIZE 40
#define MSG_PAYLOAD_MAX (1u << 20)             /* the largest payload any reader accepts */
#define MSG_READER_MIN (MSG_HEADER_SIZE + 128) /* room for a small tree */
#define MSG_CHUNK_MAX (512u << 10) /* the most image bytes one IMAGE_DATA frame carries */

/* Header fields: byte offsets, all little-endian. */
#define MSG_OFF_MAGIC 0        /* u32 MSG_MAGIC */
#define MSG_OFF_VERSION 4      /* u16 MSG_VERSION */
#define MSG_OFF_TYPE 6         /* u16 enum msg_type */
#define MSG_OFF_FLAGS 8        /* u32 MSG_FLAG_* */
#define MSG_OFF_REQUEST_ID 12  /* u32 chosen by the requester, echoed in replies */
#define MSG_OFF_LENGTH 16      /* u32 payload bytes after the header, a multiple of 8 */
#define MSG_OFF_RESERVED 20    /* u32 zero */
#define MSG_OFF_PAYLOAD_SUM 24 /* u64 XXH64 of the payload */
#define MSG_OFF_HEADER_SUM 32  /* u64 XXH64 of bytes 0..31 */

/* Another frame with the same request id and type follows (image chunks,
 * console output, replies split over several frames). */
#define MSG_FLAG_MORE 0x1u
#define MSG_FLAGS_KNOWN MSG_FLAG_MORE

/*
 * Message types. Requests go from exo to exod; replies (bit 15 set) from
 * exod to exo, with the request's id. Each type's payload is described in
 * docs/toolstack.md.
 */
enum msg_type {
    MSG_HELLO = 0x0001,
    MSG_CREATE = 0x0002,
    MSG_DESTROY = 0x0003,
    MSG_SHUTDOWN = 0x0004,
    MSG_REBOOT = 0x0005,
    MSG_PAUSE = 0x0006,
    MSG_UNPAUSE = 0x0007,
    MSG_LIST = 0x0008,
    MSG_INFO = 0x0009,
    MSG_DMESG = 0x000a,
    MSG_CONSOLE_ATTACH = 0x000b,
    MSG_CONSOLE_INPUT = 0x000c,
    MSG_VCPU_LIST = 0x000d,
    MSG_VCPU_PIN = 0x000e,
    MSG_STATS = 0x000f,
    MSG_IMAGE_DATA = 0x0010,
    /* From the host's multiplexer (docs/toolstack.md, "Multiplexer"): the
     * client that sent the requests of this id went away; exod may drop
     * what it holds for them (a half-uploaded image) and sends no reply.
     * An exod that does not know the type may answer an error: the
     * multiplexer drops it. */
    MSG_CLIENT_GONE = 0x0011,
    MSG_REPLY = 0x8000, /* the bit that marks replies */
    MSG_OK = 0x8000,
    MSG_ERROR = 0x8001,
    MSG_CONSOLE_OUTPUT = 0x8002,
};

/* Errors, returned negated. */
enum msg_error {
    MSG_EMAGIC = 1,  /* bytes that do not start a frame */
    MSG_EHEADER,     /* header checksum mismatch, reserved bits set, length not 8-aligned */
    MSG_EVERSION,    /* a protocol version this side does not speak */
    MSG_EOVERSIZE,   /* declared payload over the reader's limit */
    MSG_EPAYLOAD,    /* payload checksum mismatch */
    MSG_EFDT,        /* payload is not a well-formed device tree */
    MSG_ETRUNCATED,  /* the stream stopped inside a frame */
    MSG_ETYPE,       /* unknown message type */
    MSG_ENOSPC,      /* the caller's buffer is too small */
    MSG_ENOPROP,     /* a required property is missing */
    MSG_EPROPSIZE,   /* a property of the wrong size */
    MSG_EPROPSTRING, /* a property that is not one NUL-terminated string */
    MSG_ERROR_COUNT,
};

/* A decoded frame; payload points into the buffer it was decoded from. */
struct msg_frame {
    uint16_t version;
    uint16_t type;
    uint32_t flags;
    uint32_t request_id;
    uint32_t length;
    const void *payload;
};

/* A short English description of -err or err (enum msg_error). */
const char *msg_strerror(int err);

/* The name of a message type ("hello", "ok"...), or NULL if unknown. */
const char *msg_type_name(uint16_t type);

/*
 * Writes the header of f (its payload and length taken as given) into
 * hdr[MSG_HEADER_SIZE], with both checksums.
 */
void msg_header_write(void *hdr, const struct msg_frame *f);

/*
 * Gives the checked header at hdr[MSG_HEADER_SIZE] another request id and
 * re-seals it (a new header sum; the payload and its sum are unchanged),
 * as a multiplexer does when it renumbers requests and replies.
 */
void msg_header_set_request_id(void *hdr, uint32_t request_id);

/*
 * Checks the header at hdr[MSG_HEADER_SIZE]: magic, version, header
 * checksum, reserved bits, then the length against max_payload and that
 * it is a multiple of 8, in that order. The version comes before the checksum so that a peer
 * speaking another version, whose header may differ past its first eight bytes, is told so; nothing
 * else is believed before the checksum vouches for it. On success fills f (payload left NULL) and
 * *payload_sum. Returns 0 or -MSG_EMAGIC, -MSG_EVERSION, -MSG_EHEADER, -MSG_EOVERSIZE.
 */
__attribute__((warn_unused_result)) int msg_header_read(const void *hdr, uint32_t max_payload,
                                                        struct msg_frame *f, uint64_t *payload_sum);

/*
 * Checks a whole frame's payload, f->length bytes at f->payload: its
 * checksum against the header's (sum), then that it is a device tree that
 * passes fdt_check_full and whose total size is exactly f->length bytes
 * (the builder pads the tree to a multiple of 8 bytes, so that frames
 * after one another stay 8-byte aligned, as libfdt wants its trees). Returns 0 or
 * -MSG_EPAYLOAD, -MSG_EFDT.
 */
__attribute__((warn_unused_result)) int msg_payload_check(const struct msg_frame *f, uint64_t sum);

/*
 * Decodes the frame at the start of buf's len bytes (buf 8-byte aligned,
 * as libfdt wants its trees). Returns the frame's size, or a negative enum
 * msg_error (-MSG_ETRUNCATED if len is shorter than the frame).
 */
__attribute__((warn_unused_result)) long msg_decode(const void *buf, size_t len,
                                                    struct msg_frame *f);

/*
 * Building a frame: msg_begin() lays out the header and starts the
 * payload's device tree with libfdt's sequential-write API in buf (8-byte
 * aligned); msg_put_*() add properties and msg_node_begin/end() nodes to
 * it; msg_finish() closes the tree, writes the header and returns the
 * frame's size. Errors are sticky: the first one is kept and returned by
 * msg_finish(), so a builder needs one check.
 */
struct msg_builder {
    uint8_t *buf;
    size_t size;
    uint16_t type;
    uint32_t flags;
    uint32_t request_id;
    int error;
};

void msg_begin(struct msg_builder *b, void *buf, size_t size, uint16_t type, uint32_t flags,
               uint32_t request_id);
void msg_put_u32(struct msg_builder *b, const char *name, uint32_t value);
void msg_put_u64(struct msg_builder *b, const char *name, uint64_t value);
void msg_put_s32(struct msg_builder *b, const char *name, int32_t value);
void msg_put_string(struct msg_builder *b, const char *name, const char *value);
void msg_put_bytes(struct msg_builder *b, const char *name, const void *data, size_t len);
void msg_put_flag(struct msg_builder *b, const char *name);
void msg_node_begin(struct msg_builder *b, const char *name);
void msg_node_end(struct msg_builder *b);
/* Returns the frame's size (header and payload) or a negative enum
 * msg_error (-MSG_ENOSPC if buf was too small). */
__attribute__((warn_unused_result)) long msg_finish(struct msg_builder *b);

/*
 * Typed getters on a checked payload (msg_decode, or a frame from the
 * stream reader). node is 0 for the root or a libfdt node offset. Each
 * returns 0 or -MSG_ENOPROP (absent), -MSG_EPROPSIZE (a u32 or s32 of other
 * than 4 bytes, a u64 of other than 8), -MSG_EPROPSTRING (a string without
 * its NUL or with one inside). Strings and bytes point into the payload.
 * A name given twice in a node reads as its first, as libfdt finds it at
 * both ends; senders never repeat one.
 */
__attribute__((warn_unused_result)) int msg_get_u32(const struct msg_frame *f, int node,
                                                    const char *name, uint32_t *value);
__attribute__((warn_unused_result)) int msg_get_u64(const struct msg_frame *f, int node,
                                                    const char *name, uint64_t *value);
__attribute__((warn_unused_result)) int msg_get_s32(const struct msg_frame *f, int node,
                                                    const char *name, int32_t *value);
__attribute__((warn_unused_result)) int msg_get_string(const struct msg_frame *f, int node,
                                                       const char *name, const char **value);
__attribute__((warn_unused_result)) int msg_get_bytes(const struct msg_frame *f, int node,
                                                      const char *name, const void **data,
                                                      size_t *len);
/* 1 if the property is present (any value), else 0. */
int msg_get_flag(const struct msg_frame *f, int node, const char *name);

/*
 * The stream reader: bytes go in, in any split, and whole verified frames
 * come out (header and payload checksums, version, length limit, payload a
 * valid device tree). On a bad frame it counts and reports the error, then
 * resynchronises: it drops the first byte of the would-be frame and scans
 * the rest for the next magic. Nothing in a bad frame is trusted, not even
 * a checksummed length, so a frame cut short by a lost stretch of bytes
 * costs only itself.
 *
 * The reader holds a frame in the caller's buffer (8-byte aligned, at
 * least MSG_READER_MIN bytes); a frame declaring more payload than
 * the buffer holds after its header, or than MSG_PAYLOAD_MAX, is rejected
 * from its header, without reading the payload.
 */
struct msg_reader {
    uint8_t *buf;
    size_t size;
    size_t start;         /* the would-be frame's first byte in buf */
    size_t end;           /* one past the last byte held */
    size_t consumed;      /* bytes of a delivered frame, dropped on the next call */
    uint32_t max_payload; /* the smaller of the buffer's room and MSG_PAYLOAD_MAX */
    uint64_t frames;      /* frames delivered */
    uint64_t errors;      /* bad frames (or runs of garbage) reported */
    uint64_t dropped;     /* bytes thrown away while resynchronising */
    int last_error;       /* the last error reported (enum msg_error), 0 if none */
    int scanning;         /* looking for a magic after garbage or a bad frame */
};

/* Bytes the reader holds. */
static inline size_t msg_reader_held(const struct msg_reader *r)
{
    return r->end - r->start;
}

/* Returns 0 or -MSG_ENOSPC if buf is too small or not 8-byte aligned. */
__attribute__((warn_unused_result)) int msg_reader_init(struct msg_reader *r, void *buf,
                                                        size_t size);

/*
 * Takes up to len bytes into the reader; returns how many it took (fewer
 * when its buffer is full: call msg_reader_next() until it returns 0, then
 * feed the rest).
 */
size_t msg_reader_feed(struct msg_reader *r, const void *data, size_t len);

/*
 * The next frame: returns 1 and fills f (valid until the next call of a
 * reader function), 0 if more bytes are needed, or a negative enum
 * msg_error for a bad frame or garbage it skipped (call again: more frames
 * may follow). Each call does work bounded by the buffer's size.
 */
__attribute__((warn_unused_result)) int msg_reader_next(struct msg_reader *r, struct msg_frame *f);

/*
 * The stream ended or went quiet inside a frame (a peer that stopped
 * mid-frame, a lost stretch of bytes); called after msg_reader_next()
 * returned 0, when the transport gives up waiting: reports -MSG_ETRUNCATED if the
 * reader holds the start of a frame and resynchronises past it, so the
 * frames behind it come out of msg_reader_next(). Returns 0 if nothing was
 * pending.
 */
int msg_reader_flush(struct msg_reader *r);

#endif
