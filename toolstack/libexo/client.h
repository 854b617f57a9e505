/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the management protocol: a connection to exod (through
 * QEMU's Unix socket, or a multiplexer in front of it), requests built with
 * msg.h and their replies, found by request id. Hosted only (POSIX
 * sockets). docs/toolstack.md, "Clients".
 *
 * One request is in flight at a time: exo_client_call() sends a frame and
 * waits for the reply that carries its id, skipping replies to requests
 * given up on earlier. Functions return 0 or a negative errno.
 */
#ifndef LIBEXO_CLIENT_H
#define LIBEXO_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct exo_client {
    int fd;
    uint32_t next_id; /* the id the next request gets */
    uint8_t *out;     /* the frame being built (EXO_CLIENT_FRAME_MAX bytes) */
    struct msg_reader reader;
    uint64_t skipped;   /* replies with another id, skipped */
    uint8_t pend[4096]; /* received bytes the reader had no room for yet */
    size_t pend_off, pend_len;
};

#define EXO_CLIENT_FRAME_MAX (MSG_HEADER_SIZE + MSG_PAYLOAD_MAX)

/* Connect to the Unix socket path. 0, or -errno (-ENAMETOOLONG for a path
 * longer than a socket address holds). */
int exo_client_connect(struct exo_client *c, const char *path);
void exo_client_close(struct exo_client *c);

/* Start building a request of type with a fresh id in c's buffer. */
void exo_client_begin(struct exo_client *c, struct msg_builder *b, uint16_t type, uint32_t flags);

/* Write len bytes as they are (a frame, or anything a test wants sent). */
int exo_client_send_raw(struct exo_client *c, const void *data, size_t len);

/*
 * Finish b (exo_client_begin), send it, and wait up to timeout_ms for the
 * reply with its request id; f then points into c's reader, valid until
 * the next call. 0, -EPROTO (the request could not be built), -ETIMEDOUT,
 * -ECONNRESET (the peer closed) or another -errno.
 */
int exo_client_call(struct exo_client *c, struct msg_builder *b, int timeout_ms,
                    struct msg_frame *f);

/* Wait for the reply to request id (sent by exo_client_send_raw). */
int exo_client_wait(struct exo_client *c, uint32_t id, int timeout_ms, struct msg_frame *f);

/*
 * A reply's outcome: 0 for ok, else the error's status (a negative
 * -HV_Exxx) with *message (never NULL) pointing at exod's words.
 */
int exo_client_status(const struct msg_frame *f, const char **message);

/* hello: offer MSG_VERSION; *version is the one exod chose. 0, the
 * error's status, or -errno. */
int exo_client_hello(struct exo_client *c, int timeout_ms, uint32_t *version, const char **message);

/*
 * Upload size bytes of image in chunks of at most chunk bytes (0: the
 * most a frame carries), all but the last flagged MORE; *key is the
 * image's XXH64, the key create names. Stops at the first error reply.
 * 0, the error's status (with *message), or -errno.
 */
int exo_client_upload(struct exo_client *c, const void *image, size_t size, size_t chunk,
                      int timeout_ms, uint64_t *key, const char **message);

/* XXH64 (seed 0) of an image: its key in exod's cache. */
uint64_t exo_client_image_key(const void *image, size_t size);

#endif
