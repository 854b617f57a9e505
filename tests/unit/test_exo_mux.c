/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's multiplexer (toolstack/exo/mux.c) against a fake exod: a
 * process listening where QEMU's chardev socket would be, answering each
 * request with an ok reply that echoes its "n" property and tells the id
 * it saw and the order it came in. Several clients at once: each gets
 * exactly its replies, under its own ids, even when they use the same
 * ids; a split reply reaches the right client whole; garbage costs only
 * the client that sent it, and repeated bad frames get it dropped; a
 * client that leaves with an upload open makes exod a client-gone notice;
 * a large upload does not hold back another client's small request.
 */
#include "unit.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mux.h"

#define READER_BUF (MSG_HEADER_SIZE + MSG_PAYLOAD_MAX)
#define CHUNK (128u << 10)
#define CHUNKS 6
#define UPLOAD_DELAY_MS 40 /* the fake exod's time per image chunk: a slow link */
#define TIMEOUT_MS 5000

static char dir[64], exo_sock[96], qemu_sock[96];
static pid_t exod_pid, mux_pid;

struct tclient {
    int fd;
    struct msg_reader r;
    uint8_t *buf;
};

static void sleep_ms(unsigned int ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000},
              NULL);
}

static int unix_socket(const char *path, int do_listen)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    if (fd < 0)
        return -1;
    if (do_listen ? bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 4)
                  : connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
        close(fd);
        return -1;
    }
    return fd;
}

static int write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* A frame with u32 properties (name, value pairs, ending with NULL) and
 * optionally data bytes. Returns its size. */
static size_t build(uint8_t *buf, size_t size, uint16_t type, uint32_t flags, uint32_t id,
                    uint32_t n, const void *data, size_t data_len)
{
    struct msg_builder b;
    long len;

    msg_begin(&b, buf, size, type, flags, id);
    msg_put_u32(&b, "n", n);
    if (data)
        msg_put_bytes(&b, "data", data, data_len);
    len = msg_finish(&b);
    if (len <= 0)
        abort();
    return (size_t)len;
}

/* ---- the fake exod ----------------------------------------------------- */

static void fake_reply(int fd, uint16_t type, uint32_t flags, uint32_t id, uint32_t n,
                       uint32_t seen_id, uint32_t seq, uint32_t gone)
{
    static uint64_t buf_[64];
    uint8_t *buf = (uint8_t *)buf_;
    struct msg_builder b;
    long len;

    msg_begin(&b, buf, sizeof(buf_), type, flags, id);
    msg_put_s32(&b, "status", 0);
    msg_put_u32(&b, "n", n);
    msg_put_u32(&b, "id", seen_id);
    msg_put_u32(&b, "seq", seq);
    msg_put_u32(&b, "gone", gone);
    len = msg_finish(&b);
    if (len <= 0 || write_all(fd, buf, (size_t)len))
        _exit(3);
}

/* Serves one connection at a time until killed. */
static void fake_exod(int lfd)
{
    uint8_t *rbuf = aligned_alloc(8, READER_BUF), in[65536];
    uint32_t seq = 0, gone = 0;

    for (;;) {
        struct msg_reader r;
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0 || msg_reader_init(&r, rbuf, READER_BUF))
            _exit(2);
        for (;;) {
            ssize_t got = recv(fd, in, sizeof(in), 0);
            struct msg_frame f;
            size_t off = 0;
            int drop = 0;

            if (got <= 0)
                break;
            while (off < (size_t)got && !drop) {
                off += msg_reader_feed(&r, in + off, (size_t)got - off);
                while (!drop && msg_reader_next(&r, &f) > 0) {
                    uint32_t n = 0;

                    if (f.type == MSG_CLIENT_GONE) {
                        gone++;
                        continue;
                    }
                    if (msg_get_u32(&f, 0, "n", &n))
                        _exit(4);
                    if (f.type == MSG_IMAGE_DATA)
                        sleep_ms(UPLOAD_DELAY_MS);
                    if (f.type == MSG_REBOOT) {
                        drop = 1; /* the link drops with the request unanswered */
                        continue;
                    }
                    if (f.type == MSG_DMESG) {
                        /* A reply in three frames. */
                        fake_reply(fd, MSG_OK, MSG_FLAG_MORE, f.request_id, n, f.request_id, seq,
                                   gone);
                        fake_reply(fd, MSG_OK, MSG_FLAG_MORE, f.request_id, n + 1, f.request_id,
                                   seq, gone);
                    }
                    fake_reply(fd, MSG_OK, 0, f.request_id, n + (f.type == MSG_DMESG ? 2 : 0),
                               f.request_id, seq++, gone);
                }
            }
            if (drop)
                break;
        }
        close(fd);
    }
}

/* ---- fixtures ------------------------------------------------------------ */

static int setup(void **state)
{
    int lfd;

    snprintf(dir, sizeof(dir), "/tmp/exo-mux-test.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(exo_sock, sizeof(exo_sock), "%s/exo.sock", dir);
    snprintf(qemu_sock, sizeof(qemu_sock), "%s/qemu-mgmt.sock", dir);
    lfd = unix_socket(qemu_sock, 1);
    if (lfd < 0)
        return -1;
    exod_pid = fork();
    if (exod_pid == 0)
        fake_exod(lfd);
    close(lfd);
    mux_pid = fork();
    if (mux_pid == 0) {
        static volatile sig_atomic_t never;
        struct mux_config c = {.listen = exo_sock, .qemu = qemu_sock};

        signal(SIGTERM, SIG_DFL);
        _exit(mux_run(&c, &never));
    }
    return exod_pid > 0 && mux_pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    int status;

    kill(mux_pid, SIGKILL);
    kill(exod_pid, SIGKILL);
    waitpid(mux_pid, &status, 0);
    waitpid(exod_pid, &status, 0);
    unlink(exo_sock);
    unlink(qemu_sock);
    rmdir(dir);
    return 0;
}

/* ---- clients ------------------------------------------------------------- */

static void client_open(struct tclient *c)
{
    c->buf = aligned_alloc(8, READER_BUF);
    assert_non_null(c->buf);
    assert_int_equal(msg_reader_init(&c->r, c->buf, READER_BUF), 0);
    for (int tries = 0; tries < 200; tries++) {
        c->fd = unix_socket(exo_sock, 0);
        if (c->fd >= 0)
            return;
        sleep_ms(10);
    }
    fail_msg("cannot connect to %s", exo_sock);
}

static void client_close(struct tclient *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
}

/* The next frame: 1, or 0 at the end of the stream; fails on a time-out
 * or a bad frame. */
static int client_recv(struct tclient *c, struct msg_frame *f)
{
    for (;;) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        uint8_t in[65536];
        ssize_t got;
        int rc = msg_reader_next(&c->r, f);

        assert_true(rc >= 0);
        if (rc)
            return 1;
        if (poll(&p, 1, TIMEOUT_MS) != 1)
            fail_msg("no reply within %d ms", TIMEOUT_MS);
        got = recv(c->fd, in, sizeof(in), 0);
        if (got <= 0)
            return 0;
        assert_int_equal(msg_reader_feed(&c->r, in, (size_t)got), got);
    }
}

static void client_send(struct tclient *c, uint16_t type, uint32_t flags, uint32_t id, uint32_t n)
{
    uint64_t buf[64];
    size_t len = build((uint8_t *)buf, sizeof(buf), type, flags, id, n, NULL, 0);

    assert_int_equal(write_all(c->fd, buf, len), 0);
}

static uint32_t prop(const struct msg_frame *f, const char *name)
{
    uint32_t v;

    assert_int_equal(msg_get_u32(f, 0, name, &v), 0);
    return v;
}

/* ---- tests --------------------------------------------------------------- */

/* Three clients, the same ids, requests interleaved before any reply is
 * read: each gets exactly its own replies, and exod saw distinct ids. */
static void test_interleaved(void **state)
{
    enum { CLIENTS = 3, REQUESTS = 10 };
    struct tclient c[CLIENTS];
    uint32_t seen[CLIENTS][REQUESTS + 1];

    for (int i = 0; i < CLIENTS; i++)
        client_open(&c[i]);
    for (uint32_t id = 1; id <= REQUESTS; id++)
        for (int i = 0; i < CLIENTS; i++)
            client_send(&c[i], MSG_INFO, 0, id, 1000 * (uint32_t)i + id);
    /* A split reply: three frames, MORE on the first two. */
    client_send(&c[1], MSG_DMESG, 0, 77, 500);
    for (int i = 0; i < CLIENTS; i++) {
        for (uint32_t k = 1; k <= REQUESTS; k++) {
            struct msg_frame f;

            assert_int_equal(client_recv(&c[i], &f), 1);
            assert_int_equal(f.type, MSG_OK);
            assert_true(f.request_id >= 1 && f.request_id <= REQUESTS);
            /* exod answers in order, and the mux keeps each client's order. */
            assert_int_equal(f.request_id, k);
            assert_int_equal(prop(&f, "n"), 1000 * (uint32_t)i + f.request_id);
            seen[i][f.request_id] = prop(&f, "id");
        }
    }
    for (int part = 0; part < 3; part++) {
        struct msg_frame f;

        assert_int_equal(client_recv(&c[1], &f), 1);
        assert_int_equal(f.request_id, 77);
        assert_int_equal(f.flags, part < 2 ? MSG_FLAG_MORE : 0);
        assert_int_equal(prop(&f, "n"), 500 + (uint32_t)part);
    }
    for (uint32_t id = 1; id <= REQUESTS; id++)
        for (int i = 0; i < CLIENTS; i++)
            for (int j = 0; j < i; j++)
                assert_int_not_equal(seen[i][id], seen[j][id]);
    /* Nothing more for anyone. */
    for (int i = 0; i < CLIENTS; i++) {
        struct pollfd p = {.fd = c[i].fd, .events = POLLIN};
        struct msg_frame f;

        assert_int_equal(msg_reader_next(&c[i].r, &f), 0);
        assert_int_equal(msg_reader_held(&c[i].r), 0);
        assert_int_equal(poll(&p, 1, 100), 0);
        client_close(&c[i]);
    }
}

/* Garbage before a request costs one error and nothing else; a client
 * that keeps sending bad frames is dropped; others are not disturbed. */
static void test_garbage(void **state)
{
    static const char junk[] = "GET / HTTP/1.0\r\n\r\nnot a frame at all\n";
    struct tclient good, noisy, bad;
    uint64_t frame[64];
    struct msg_frame f;
    size_t len;

    client_open(&good);
    client_open(&noisy);
    client_open(&bad);
    assert_int_equal(write_all(noisy.fd, junk, sizeof(junk)), 0);
    client_send(&noisy, MSG_LIST, 0, 9, 9);
    len = build((uint8_t *)frame, sizeof(frame), MSG_INFO, 0, 5, 5, NULL, 0);
    ((uint8_t *)frame)[len - 1] ^= 0x40; /* the payload sum no longer matches */
    for (int i = 0; i < MUX_CLIENT_ERRORS; i++)
        assert_int_equal(write_all(bad.fd, frame, len), 0);
    client_send(&good, MSG_INFO, 0, 5, 55);

    assert_int_equal(client_recv(&noisy, &f), 1);
    assert_int_equal(f.request_id, 9);
    assert_int_equal(prop(&f, "n"), 9);
    assert_int_equal(client_recv(&good, &f), 1);
    assert_int_equal(f.request_id, 5);
    assert_int_equal(prop(&f, "n"), 55);
    /* The bad client gets no reply: the end of the stream. */
    assert_int_equal(client_recv(&bad, &f), 0);
    client_close(&good);
    client_close(&noisy);
    client_close(&bad);
}

/* A client that leaves with half a frame sent, and one that leaves with
 * an upload open (its last chunk had MORE): exod gets exactly one
 * client-gone notice (for the upload), and the next client is served. */
static void test_disconnect(void **state)
{
    struct tclient half, upload, next;
    uint64_t frame[64];
    struct msg_frame f;
    uint32_t gone = 0;
    size_t len;

    client_open(&half);
    client_open(&upload);
    len = build((uint8_t *)frame, sizeof(frame), MSG_INFO, 0, 3, 3, NULL, 0);
    assert_int_equal(write_all(half.fd, frame, len - 8), 0);
    client_close(&half);
    client_send(&upload, MSG_IMAGE_DATA, MSG_FLAG_MORE, 4, 4);
    assert_int_equal(client_recv(&upload, &f), 1);
    assert_int_equal(f.request_id, 4);
    client_close(&upload);

    client_open(&next);
    for (int tries = 0; tries < 50 && gone == 0; tries++) {
        client_send(&next, MSG_STATS, 0, 1, 1);
        assert_int_equal(client_recv(&next, &f), 1);
        assert_int_equal(f.request_id, 1);
        gone = prop(&f, "gone");
        if (!gone)
            sleep_ms(20);
    }
    assert_int_equal(gone, 1);
    client_close(&next);
}

/* console-attach keeps its id open until the client leaves: past
 * MUX_IDS_PER_CLIENT open ids the multiplexer answers an error itself,
 * and another client is not limited by them. */
static void test_id_limit(void **state)
{
    struct tclient c, other;
    struct msg_frame f;
    int32_t status;

    client_open(&c);
    client_open(&other);
    for (uint32_t id = 1; id <= MUX_IDS_PER_CLIENT + 1; id++)
        client_send(&c, MSG_CONSOLE_ATTACH, 0, id, id);
    client_send(&other, MSG_CONSOLE_ATTACH, 0, 1, 1);
    for (uint32_t id = 1; id <= MUX_IDS_PER_CLIENT + 1; id++) {
        assert_int_equal(client_recv(&c, &f), 1);
        if (f.type == MSG_ERROR) {
            assert_int_equal(f.request_id, MUX_IDS_PER_CLIENT + 1);
            assert_int_equal(msg_get_s32(&f, 0, "status", &status), 0);
            assert_int_equal(status, -11);
        } else {
            assert_int_equal(f.type, MSG_OK);
            assert_true(f.request_id <= MUX_IDS_PER_CLIENT);
        }
    }
    assert_int_equal(client_recv(&other, &f), 1);
    assert_int_equal(f.type, MSG_OK);
    client_close(&c);
    client_close(&other);
}

/* The link to exod drops with a request in flight: its client gets an
 * error reply under its own id, and the multiplexer connects again. */
static void test_link_reset(void **state)
{
    struct tclient c;
    struct msg_frame f;
    int32_t status;

    client_open(&c);
    client_send(&c, MSG_INFO, 0, 1, 10);
    assert_int_equal(client_recv(&c, &f), 1);
    assert_int_equal(f.type, MSG_OK);
    client_send(&c, MSG_REBOOT, 0, 2, 20);
    assert_int_equal(client_recv(&c, &f), 1);
    assert_int_equal(f.type, MSG_ERROR);
    assert_int_equal(f.request_id, 2);
    assert_int_equal(msg_get_s32(&f, 0, "status", &status), 0);
    assert_int_equal(status, -5);
    client_send(&c, MSG_INFO, 0, 3, 30);
    assert_int_equal(client_recv(&c, &f), 1);
    assert_int_equal(f.type, MSG_OK);
    assert_int_equal(f.request_id, 3);
    /* The fake exod closed the first connection: this came over a new one. */
    assert_int_equal(prop(&f, "n"), 30);
    client_close(&c);
}

/* One client uploads CHUNKS large chunks back to back over a slow link;
 * another's small request, sent while the upload runs, reaches exod
 * before the upload's last chunk. */
static void test_fairness(void **state)
{
    struct tclient small;
    struct msg_frame f;
    pid_t uploader;
    int status;

    uploader = fork();
    if (uploader == 0) {
        struct tclient big;
        uint8_t *data = calloc(1, CHUNK);
        uint8_t *frame = aligned_alloc(8, CHUNK + 4096);
        int ok = 1;

        client_open(&big);
        for (uint32_t i = 0; i < CHUNKS; i++) {
            size_t len = build(frame, CHUNK + 4096, MSG_IMAGE_DATA,
                               i + 1 < CHUNKS ? MSG_FLAG_MORE : 0, 1, i, data, CHUNK);

            ok &= !write_all(big.fd, frame, len);
        }
        for (uint32_t i = 0; i < CHUNKS && ok; i++)
            ok = client_recv(&big, &f) == 1 && f.request_id == 1 && prop(&f, "n") == i;
        _exit(ok ? 0 : 1);
    }
    assert_true(uploader > 0);
    sleep_ms(UPLOAD_DELAY_MS * 3 / 2);
    client_open(&small);
    client_send(&small, MSG_INFO, 0, 8, 8);
    assert_int_equal(client_recv(&small, &f), 1);
    assert_int_equal(f.request_id, 8);
    /* seq is the order in which exod got its frames: CHUNKS would mean it
     * waited for the whole upload. */
    assert_true(prop(&f, "seq") < CHUNKS);
    assert_int_equal(waitpid(uploader, &status, 0), uploader);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    client_close(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_interleaved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fairness, setup, teardown),
    };

    signal(SIGPIPE, SIG_IGN);
    return RUN_TESTS(tests);
}
