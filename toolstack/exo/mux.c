/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The multiplexer (mux.h): one poll loop, one connection to QEMU's chardev
 * socket (the link to exod) and up to MUX_CLIENTS_MAX clients.
 *
 * Requests: each client has its own stream reader, so a client's garbage
 * costs only that client. A frame the reader delivers stays in the
 * reader's buffer, its request id rewritten to a multiplexer id, until it
 * has been written to exod whole; only then is the client read further.
 * That is the backpressure (memory per client: one reader buffer), and
 * frames of different clients go to exod one whole frame at a time, in
 * turn, so a client's large upload does not hold back the others.
 *
 * Replies: exod's frames carry the multiplexer id; the route table gives
 * the client and its own id back. A route lives while replies can still
 * come: until the final (not MORE) ok or error of the last request of its
 * id, and for console-attach until the client leaves. A client that
 * leaves with open routes makes exod a CLIENT_GONE notice per route, and
 * replies still coming for them are dropped.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mux.h"

#define READER_SIZE (MSG_HEADER_SIZE + MSG_PAYLOAD_MAX)
#define IN_CHUNK 65536
#define ROUTES_MAX (MUX_CLIENTS_MAX * MUX_IDS_PER_CLIENT)
#define NOTICES_SIZE (ROUTES_MAX * 128)
#define EIO_STATUS (-5) /* public/errno.h's HV_EIO */
#define EAGAIN_STATUS (-11)

struct client {
    int used; /* the slot is taken (maybe by a client gone, whose frame is being sent) */
    int fd;   /* -1 once the client is gone */
    unsigned long long serial; /* for the log */
    struct msg_reader r;
    uint8_t *rbuf, *in;
    size_t in_len, in_off;
    uint8_t *pending; /* a renumbered frame in rbuf for exod, or NULL */
    size_t pending_len;
    uint8_t *out;
    size_t out_len, out_off, out_cap;
};

struct route {
    int client; /* slot, -1 if the route is free */
    uint32_t mux_id, orig_id;
    unsigned int outstanding; /* requests without their final reply */
    int more;                 /* the last request had MORE: more of it will come */
    int console;              /* console-attach: output comes until the client leaves */
};

struct mux {
    const struct mux_config *c;
    int lfd, qfd;
    struct client cl[MUX_CLIENTS_MAX];
    struct route routes[ROUTES_MAX];
    uint32_t next_id;
    unsigned long long serials;
    /* exod's side */
    struct msg_reader r;
    uint8_t *rbuf;
    int cur; /* the client whose frame is being written, -1 none */
    size_t woff;
    int rr; /* the client whose turn is next */
    uint8_t notices[NOTICES_SIZE];
    size_t n_len, n_off;
    unsigned long long dropped_replies;
};

static void mux_log(const char *fmt, ...)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;

    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    fprintf(stderr, "%s mux: ", when);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* A delivered frame's header, in the reader's buffer buf (which is ours to
 * rewrite: the frame is not looked at again by the reader). */
static uint8_t *frame_start(uint8_t *buf, const struct msg_frame *f)
{
    return buf + ((const uint8_t *)f->payload - buf) - MSG_HEADER_SIZE;
}

static struct route *route_find(struct mux *m, uint32_t mux_id)
{
    for (int i = 0; i < ROUTES_MAX; i++)
        if (m->routes[i].client >= 0 && m->routes[i].mux_id == mux_id)
            return &m->routes[i];
    return NULL;
}

/* The route of a client's id, made if new; NULL if the client has
 * MUX_IDS_PER_CLIENT open already. */
static struct route *route_get(struct mux *m, int slot, uint32_t orig_id)
{
    struct route *free_route = NULL;
    unsigned int open = 0;

    for (int i = 0; i < ROUTES_MAX; i++) {
        struct route *rt = &m->routes[i];

        if (rt->client == slot && rt->orig_id == orig_id)
            return rt;
        if (rt->client == slot)
            open++;
        if (rt->client < 0 && !free_route)
            free_route = rt;
    }
    if (open >= MUX_IDS_PER_CLIENT || !free_route)
        return NULL;
    do {
        m->next_id++;
    } while (m->next_id == 0 || route_find(m, m->next_id));
    *free_route = (struct route){.client = slot, .mux_id = m->next_id, .orig_id = orig_id};
    return free_route;
}

/* Appends a frame to a client's replies; 0, or -1 if it would pass
 * MUX_OUT_MAX. */
static int out_append(struct client *cl, const void *data, size_t len)
{
    if (cl->out_off && cl->out_off == cl->out_len)
        cl->out_off = cl->out_len = 0;
    if (cl->out_len - cl->out_off + len > MUX_OUT_MAX)
        return -1;
    if (cl->out_off && cl->out_len + len > cl->out_cap) {
        memmove(cl->out, cl->out + cl->out_off, cl->out_len - cl->out_off);
        cl->out_len -= cl->out_off;
        cl->out_off = 0;
    }
    if (cl->out_len + len > cl->out_cap) {
        size_t cap = cl->out_cap ? cl->out_cap : 65536;
        uint8_t *p;

        while (cap < cl->out_len + len)
            cap *= 2;
        p = realloc(cl->out, cap);
        if (!p)
            return -1;
        cl->out = p;
        cl->out_cap = cap;
    }
    memcpy(cl->out + cl->out_len, data, len);
    cl->out_len += len;
    return 0;
}

static void client_drop(struct mux *m, int slot, const char *why);

/* An error reply from the multiplexer itself, with the client's id. */
static void reply_error(struct mux *m, int slot, uint32_t orig_id, int32_t status, const char *text)
{
    uint8_t buf[512] __attribute__((aligned(8)));
    struct msg_builder b;
    long len;

    msg_begin(&b, buf, sizeof(buf), MSG_ERROR, 0, orig_id);
    msg_put_s32(&b, "status", status);
    msg_put_string(&b, "message", text);
    len = msg_finish(&b);
    if (len > 0 && out_append(&m->cl[slot], buf, (size_t)len))
        client_drop(m, slot, "it does not read its replies");
}

static void notice_gone(struct mux *m, uint32_t mux_id)
{
    uint8_t buf[128] __attribute__((aligned(8)));
    struct msg_builder b;
    long len;

    msg_begin(&b, buf, sizeof(buf), MSG_CLIENT_GONE, 0, mux_id);
    len = msg_finish(&b);
    if (len <= 0 || m->qfd < 0)
        return;
    if (m->n_off && m->n_off == m->n_len)
        m->n_off = m->n_len = 0;
    if (m->n_len + (size_t)len > sizeof(m->notices)) {
        mux_log("notice queue full: no client-gone notice for id %u", mux_id);
        return;
    }
    memcpy(m->notices + m->n_len, buf, (size_t)len);
    m->n_len += (size_t)len;
}

static void slot_free(struct client *cl)
{
    free(cl->rbuf);
    free(cl->in);
    free(cl->out);
    memset(cl, 0, sizeof(*cl));
    cl->fd = -1;
}

/* The client is gone: its routes end (exod is told of those still open);
 * the slot is freed unless its frame is half-way to exod. */
static void client_drop(struct mux *m, int slot, const char *why)
{
    struct client *cl = &m->cl[slot];
    unsigned int open = 0;

    if (cl->fd < 0)
        return;
    for (int i = 0; i < ROUTES_MAX; i++) {
        struct route *rt = &m->routes[i];

        if (rt->client != slot)
            continue;
        if (rt->outstanding || rt->more || rt->console) {
            notice_gone(m, rt->mux_id);
            open++;
        }
        rt->client = -1;
    }
    mux_log("client %llu gone (%s); %u request id(s) open, %llu frame(s), %llu error(s)",
            cl->serial, why, open, (unsigned long long)cl->r.frames,
            (unsigned long long)cl->r.errors);
    close(cl->fd);
    cl->fd = -1;
    if (m->cur != slot)
        slot_free(cl);
}

/* Takes the client's next frame for exod, if its reader has one. */
static void client_advance(struct mux *m, int slot)
{
    struct client *cl = &m->cl[slot];

    while (cl->fd >= 0 && !cl->pending) {
        struct msg_frame f;
        struct route *rt;
        int rc = msg_reader_next(&cl->r, &f);

        if (rc < 0) {
            mux_log("client %llu: bad frame: %s", cl->serial, msg_strerror(rc));
            if (cl->r.errors >= MUX_CLIENT_ERRORS)
                client_drop(m, slot, "too many bad frames");
            continue;
        }
        if (rc == 0) {
            size_t took;

            if (cl->in_off == cl->in_len)
                return;
            took = msg_reader_feed(&cl->r, cl->in + cl->in_off, cl->in_len - cl->in_off);
            cl->in_off += took;
            if (cl->in_off == cl->in_len)
                cl->in_off = cl->in_len = 0;
            if (!took)
                return;
            continue;
        }
        if (f.type & MSG_REPLY || f.type == MSG_CLIENT_GONE) {
            mux_log("client %llu: sent a %s frame: ignored", cl->serial,
                    msg_type_name(f.type) ? msg_type_name(f.type) : "reply-type");
            cl->r.errors++;
            if (cl->r.errors >= MUX_CLIENT_ERRORS)
                client_drop(m, slot, "too many bad frames");
            continue;
        }
        rt = route_get(m, slot, f.request_id);
        if (!rt) {
            reply_error(m, slot, f.request_id, EAGAIN_STATUS,
                        "too many requests open through the host's multiplexer");
            continue;
        }
        rt->outstanding++;
        rt->more = !!(f.flags & MSG_FLAG_MORE);
        rt->console |= f.type == MSG_CONSOLE_ATTACH;
        cl->pending = frame_start(cl->rbuf, &f);
        cl->pending_len = MSG_HEADER_SIZE + f.length;
        msg_header_set_request_id(cl->pending, rt->mux_id);
    }
}

static void upstream_close(struct mux *m, const char *why)
{
    mux_log("link to QEMU's socket lost (%s)", why);
    close(m->qfd);
    m->qfd = -1;
    m->n_len = m->n_off = 0;
    if (m->cur >= 0) {
        /* Its frame was cut: exod's reader resynchronises; the request
         * gets the error below. */
        struct client *cl = &m->cl[m->cur];

        cl->pending = NULL;
        if (cl->fd < 0)
            slot_free(cl);
        else
            client_advance(m, m->cur);
        m->cur = -1;
    }
    /* Whatever was in flight will get no reply: say so. */
    for (int i = 0; i < ROUTES_MAX; i++) {
        struct route *rt = &m->routes[i];

        if (rt->client < 0)
            continue;
        if (rt->outstanding)
            reply_error(m, rt->client, rt->orig_id, EIO_STATUS,
                        "the management channel to exod was reset");
        if (rt->client >= 0)
            rt->client = -1;
    }
    if (msg_reader_init(&m->r, m->rbuf, READER_SIZE))
        mux_log("cannot reset the reader"); /* cannot happen: it worked before */
}

static void upstream_connect(struct mux *m)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", m->c->qemu);
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
        close(fd);
        return;
    }
    m->qfd = fd;
    mux_log("connected to %s", m->c->qemu);
}

/* A frame from exod: back to its client with the client's id. */
static void route_reply(struct mux *m, const struct msg_frame *f)
{
    uint8_t *hdr = frame_start(m->rbuf, f);
    struct route *rt = route_find(m, f->request_id);
    int slot;

    if (!rt) {
        if (!(m->dropped_replies++ % 100))
            mux_log("a %s frame for id %u, which no client waits for: dropped (%llu so far)",
                    msg_type_name(f->type) ? msg_type_name(f->type) : "unknown", f->request_id,
                    m->dropped_replies);
        return;
    }
    slot = rt->client;
    msg_header_set_request_id(hdr, rt->orig_id);
    if ((f->type == MSG_OK || f->type == MSG_ERROR) && !(f->flags & MSG_FLAG_MORE)) {
        if (rt->outstanding)
            rt->outstanding--;
        if (!rt->outstanding && !rt->more && !rt->console)
            rt->client = -1;
    }
    if (out_append(&m->cl[slot], hdr, MSG_HEADER_SIZE + f->length))
        client_drop(m, slot, "it does not read its replies");
}

static void upstream_read(struct mux *m)
{
    uint8_t buf[IN_CHUNK];
    ssize_t n = recv(m->qfd, buf, sizeof(buf), MSG_DONTWAIT);
    size_t off = 0;

    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        upstream_close(m, n ? strerror(errno) : "end of stream");
        return;
    }
    while (n > 0 && off < (size_t)n) {
        size_t took = msg_reader_feed(&m->r, buf + off, (size_t)n - off);
        struct msg_frame f;
        int rc;

        off += took;
        while ((rc = msg_reader_next(&m->r, &f)) != 0) {
            if (rc < 0)
                mux_log("from exod: bad frame: %s", msg_strerror(rc));
            else if (!(f.type & MSG_REPLY))
                mux_log("from exod: a %#x frame that is not a reply: dropped", f.type);
            else
                route_reply(m, &f);
        }
        if (!took && off < (size_t)n) {
            mux_log("from exod: reader stuck: %zu bytes dropped", (size_t)n - off);
            break;
        }
    }
}

/* Writes to exod what can go without blocking: notices, then clients'
 * frames in turn, one whole frame at a time. */
static void upstream_pump(struct mux *m)
{
    while (m->qfd >= 0) {
        const uint8_t *p;
        size_t len;
        ssize_t w;

        if (m->cur < 0 && m->n_off == m->n_len) {
            for (int i = 0; i < MUX_CLIENTS_MAX && m->cur < 0; i++) {
                int slot = (m->rr + i) % MUX_CLIENTS_MAX;

                if (m->cl[slot].used && m->cl[slot].pending) {
                    m->cur = slot;
                    m->woff = 0;
                    m->rr = (slot + 1) % MUX_CLIENTS_MAX;
                }
            }
            if (m->cur < 0)
                return;
        }
        if (m->cur >= 0) {
            p = m->cl[m->cur].pending + m->woff;
            len = m->cl[m->cur].pending_len - m->woff;
        } else {
            p = m->notices + m->n_off;
            len = m->n_len - m->n_off;
        }
        w = send(m->qfd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (w < 0) {
            upstream_close(m, strerror(errno));
            return;
        }
        if (m->cur < 0) {
            m->n_off += (size_t)w;
            continue;
        }
        m->woff += (size_t)w;
        if (m->woff == m->cl[m->cur].pending_len) {
            int slot = m->cur;

            m->cur = -1;
            m->cl[slot].pending = NULL;
            if (m->cl[slot].fd < 0)
                slot_free(&m->cl[slot]);
            else
                client_advance(m, slot);
        }
    }
}

static void client_accept(struct mux *m)
{
    int fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    struct client *cl = NULL;
    int slot;

    if (fd < 0)
        return;
    for (slot = 0; slot < MUX_CLIENTS_MAX; slot++)
        if (!m->cl[slot].used) {
            cl = &m->cl[slot];
            break;
        }
    if (!cl) {
        close(fd); /* not polled for then: cannot happen */
        return;
    }
    cl->rbuf = aligned_alloc(8, READER_SIZE);
    cl->in = malloc(IN_CHUNK);
    if (!cl->rbuf || !cl->in || msg_reader_init(&cl->r, cl->rbuf, READER_SIZE)) {
        mux_log("out of memory for a client: refused");
        close(fd);
        slot_free(cl);
        return;
    }
    cl->used = 1;
    cl->fd = fd;
    cl->serial = ++m->serials;
    mux_log("client %llu connected", cl->serial);
}

static void client_io(struct mux *m, int slot, short revents)
{
    struct client *cl = &m->cl[slot];

    if (revents & POLLIN) {
        ssize_t n = recv(cl->fd, cl->in, IN_CHUNK, MSG_DONTWAIT);

        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            client_drop(m, slot, n ? strerror(errno) : "disconnected");
            return;
        }
        if (n > 0) {
            cl->in_off = 0;
            cl->in_len = (size_t)n;
            client_advance(m, slot);
        }
    } else if (revents & (POLLHUP | POLLERR)) {
        client_drop(m, slot, "disconnected");
        return;
    }
    if (cl->fd >= 0 && revents & POLLOUT && cl->out_off < cl->out_len) {
        ssize_t w = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (w < 0 && errno != EAGAIN && errno != EINTR)
            client_drop(m, slot, strerror(errno));
        else if (w > 0)
            cl->out_off += (size_t)w;
    }
}

static int listen_on(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0600) || listen(fd, 16)) {
        close(fd);
        return -1;
    }
    return fd;
}

int mux_run(const struct mux_config *c, volatile sig_atomic_t *stop)
{
    static struct mux mux; /* the notice queue is large: not on the stack */
    struct mux *m = &mux;
    int ret = 0;

    memset(m, 0, sizeof(*m));
    m->c = c;
    m->qfd = -1;
    m->cur = -1;
    for (int i = 0; i < MUX_CLIENTS_MAX; i++)
        m->cl[i].fd = -1;
    for (int i = 0; i < ROUTES_MAX; i++)
        m->routes[i].client = -1;
    m->rbuf = aligned_alloc(8, READER_SIZE);
    if (!m->rbuf || msg_reader_init(&m->r, m->rbuf, READER_SIZE)) {
        mux_log("out of memory");
        return 1;
    }
    m->lfd = listen_on(c->listen);
    if (m->lfd < 0) {
        mux_log("cannot listen on %s: %s", c->listen, strerror(errno));
        free(m->rbuf);
        return 1;
    }
    mux_log("listening on %s for %s", c->listen, c->qemu);
    while (!*stop) {
        struct pollfd p[MUX_CLIENTS_MAX + 2];
        int slots[MUX_CLIENTS_MAX], nc = 0, n = 0, free_slot = 0;

        if (m->qfd < 0)
            upstream_connect(m);
        upstream_pump(m);
        if (c->qemu_pid > 0 && kill(c->qemu_pid, 0) && errno == ESRCH) {
            mux_log("QEMU (PID %d) is gone: exiting", (int)c->qemu_pid);
            break;
        }
        for (int i = 0; i < MUX_CLIENTS_MAX; i++)
            free_slot |= !m->cl[i].used;
        p[n++] = (struct pollfd){.fd = free_slot ? m->lfd : -1, .events = POLLIN};
        p[n++] = (struct pollfd){
            .fd = m->qfd, .events = POLLIN | (m->cur >= 0 || m->n_off < m->n_len ? POLLOUT : 0)};
        for (int i = 0; i < MUX_CLIENTS_MAX; i++) {
            struct client *cl = &m->cl[i];

            if (cl->fd < 0)
                continue;
            slots[nc++] = i;
            /* Backpressure: no reading while a frame waits or input is held. */
            p[n++] = (struct pollfd){
                .fd = cl->fd,
                .events = (short)((!cl->pending && cl->in_off == cl->in_len ? POLLIN : 0) |
                                  (cl->out_off < cl->out_len ? POLLOUT : 0))};
        }
        if (poll(p, (nfds_t)n, m->qfd < 0 ? MUX_RECONNECT_MS : 1000) < 0) {
            if (errno == EINTR)
                continue;
            mux_log("poll: %s", strerror(errno));
            ret = 1;
            break;
        }
        if (m->qfd >= 0 && p[1].revents & (POLLIN | POLLHUP | POLLERR))
            upstream_read(m);
        for (int i = 0; i < nc; i++)
            if (m->cl[slots[i]].fd == p[2 + i].fd && p[2 + i].revents)
                client_io(m, slots[i], p[2 + i].revents);
        if (p[0].revents & POLLIN)
            client_accept(m);
    }
    mux_log("stopping");
    for (int i = 0; i < MUX_CLIENTS_MAX; i++) {
        if (m->cl[i].fd >= 0)
            close(m->cl[i].fd);
        if (m->cl[i].used)
            slot_free(&m->cl[i]);
    }
    if (m->qfd >= 0)
        close(m->qfd);
    close(m->lfd);
    unlink(c->listen);
    free(m->rbuf);
    return ret;
}

static volatile sig_atomic_t stop_asked;

static void on_signal(int sig)
{
    (void)sig;
    stop_asked = 1;
}

int exo_mux_main(int argc, char **argv)
{
    struct mux_config c = {0};
    struct sigaction sa = {.sa_handler = on_signal};

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: exo __mux LISTEN-SOCKET QEMU-SOCKET [QEMU-PID] (internal)\n");
        return 2;
    }
    c.listen = argv[1];
    c.qemu = argv[2];
    c.qemu_pid = argc == 4 ? (pid_t)atoi(argv[3]) : 0;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Its paths are absolute; keep no folder of the caller busy. */
    if (chdir("/"))
        fprintf(stderr, "mux: cannot change to /: %s\n", strerror(errno));
    return mux_run(&c, &stop_asked);
}
