// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of the management protocol (client.h): a Unix socket,
 * frames out, and a stream reader for what comes back.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

int exo_client_connect(struct exo_client *c, const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    size_t size = EXO_CLIENT_FRAME_MAX;
    void *in;
    int err;

    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->next_id = 1;
    if (strlen(path) >= sizeof(addr.sun_path))
        return -ENAMETOOLONG;
    strcpy(addr.sun_path, path);
    c->out = aligned_alloc(8, size);
    in = aligned_alloc(8, size);
    if (!c->out || !in || msg_reader_init(&c->reader, in, size)) {
        free(c->out);
        free(in);
        c->out = NULL;
        return -ENOMEM;
    }
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof(addr))) {
        err = -errno;
        exo_client_close(c);
        return err;
    }
    return 0;
}

void exo_client_close(struct exo_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->out);
    free(c->reader.buf);
    c->out = NULL;
    c->reader.buf = NULL;
}

void exo_client_begin(struct exo_client *c, struct msg_builder *b, uint16_t type, uint32_t flags)
{
    msg_begin(b, c->out, EXO_CLIENT_FRAME_MAX, type, flags, c->next_id++);
}

int exo_client_send_raw(struct exo_client *c, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The next held frame that answers id: 1 (f filled) or 0 once every
 * byte received is used. Bytes the reader had no room for wait in pend. */
static int next_reply(struct exo_client *c, uint32_t id, struct msg_frame *f)
{
    for (;;) {
        int rc = msg_reader_next(&c->reader, f);

        if (rc == 0) {
            if (c->pend_off == c->pend_len)
                return 0;
            c->pend_off +=
                msg_reader_feed(&c->reader, c->pend + c->pend_off, c->pend_len - c->pend_off);
            continue;
        }
        if (rc < 0)
            continue; /* counted by the reader, which resynchronises */
        if (f->request_id == id && (f->type & MSG_REPLY))
            return 1;
        c->skipped++;
    }
}

int exo_client_wait(struct exo_client *c, uint32_t id, int timeout_ms, struct msg_frame *f)
{
    long long deadline = now_ms() + timeout_ms;

    for (;;) {
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        long long left;
        ssize_t n;
        int rc;

        if (next_reply(c, id, f))
            return 0;
        left = deadline - now_ms();
        if (left <= 0)
            return -ETIMEDOUT;
        rc = poll(&pfd, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -errno;
        if (rc == 0)
            return -ETIMEDOUT;
        n = recv(c->fd, c->pend, sizeof(c->pend), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -ECONNRESET;
        c->pend_off = 0;
        c->pend_len = (size_t)n;
    }
}

int exo_client_call(struct exo_client *c, struct msg_builder *b, int timeout_ms,
                    struct msg_frame *f)
{
    long n = msg_finish(b);
    int err;

    if (n < 0)
        return -EPROTO;
    err = exo_client_send_raw(c, c->out, (size_t)n);
    return err ? err : exo_client_wait(c, b->request_id, timeout_ms, f);
}

int exo_client_status(const struct msg_frame *f, const char **message)
{
    int32_t status;

    *message = "";
    if (f->type == MSG_OK)
        return 0;
    if (f->type != MSG_ERROR || msg_get_s32(f, 0, "status", &status) || status >= 0) {
        *message = "a reply that is neither ok nor a well-formed error";
        return -EPROTO;
    }
    if (msg_get_string(f, 0, "message", message))
        *message = "(no message)";
    return status;
}

int exo_client_hello(struct exo_client *c, int timeout_ms, uint32_t *version, const char **message)
{
    struct msg_builder b;
    struct msg_frame f;
    int err;

    *message = "";
    exo_client_begin(c, &b, MSG_HELLO, 0);
    msg_put_u32(&b, "version", MSG_VERSION);
    msg_put_string(&b, "capabilities", "");
    err = exo_client_call(c, &b, timeout_ms, &f);
    if (!err)
        err = exo_client_status(&f, message);
    if (!err && msg_get_u32(&f, 0, "version", version)) {
        *message = "hello's reply names no version";
        err = -EPROTO;
    }
    return err;
}

uint64_t exo_client_image_key(const void *image, size_t size)
{
    return XXH64(image, size, 0);
}

int exo_client_upload(struct exo_client *c, const void *image, size_t size, size_t chunk,
                      int timeout_ms, uint64_t *key, const char **message)
{
    const uint8_t *p = image;
    size_t offset = 0;

    *message = "";
    *key = exo_client_image_key(image, size);
    if (chunk == 0 || chunk > MSG_CHUNK_MAX)
        chunk = MSG_CHUNK_MAX;
    do {
        size_t len = size - offset < chunk ? size - offset : chunk;
        uint32_t flags = offset + len < size ? MSG_FLAG_MORE : 0;
        struct msg_builder b;
        struct msg_frame f;
        int err;

        exo_client_begin(c, &b, MSG_IMAGE_DATA, flags);
        msg_put_u64(&b, "image", *key);
        msg_put_u64(&b, "size", size);
        msg_put_u64(&b, "offset", offset);
        msg_put_bytes(&b, "data", p + offset, len);
        err = exo_client_call(c, &b, timeout_ms, &f);
        if (!err)
            err = exo_client_status(&f, message);
        if (err)
            return err;
        offset += len;
    } while (offset < size);
    return 0;
}
