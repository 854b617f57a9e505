/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of libexo's client (toolstack/libexo/client.c) against a
 * scripted server on a Unix socket in a temporary folder: a reply is
 * matched to its request by id and stale replies are skipped, a silent
 * server times out and a closed one is reported, hello reads the chosen
 * version, an upload goes in chunks with MORE on all but the last and
 * stops at the first error.
 */
#include "unit.h"

#include <errno.h>
#include <pthread.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

enum script { ANSWER, STALE_FIRST, SILENT, CLOSE, FAIL_SECOND_CHUNK };

static char dir[64], path[128];
static int listener;
static pthread_t server;
static enum script script;
static struct exo_client c;

/* What the server saw of image-data: chunks, their flags, bytes. */
static unsigned int chunks, more_flags;
static size_t image_bytes;

static void reply(int fd, uint16_t type, uint32_t id, int32_t status, uint32_t version)
{
    static uint8_t out[4096] __attribute__((aligned(8)));
    struct msg_builder b;
    long n;

    msg_begin(&b, out, sizeof(out), type, 0, id);
    msg_put_s32(&b, "status", status);
    if (type == MSG_OK)
        msg_put_u32(&b, "version", version);
    else
        msg_put_string(&b, "message", "refused");
    n = msg_finish(&b);
    assert_true(n > 0);
    assert_int_equal(write(fd, out, (size_t)n), n);
}

static void *serve(void *arg)
{
    static uint8_t buf[EXO_CLIENT_FRAME_MAX] __attribute__((aligned(8)));
    struct msg_reader r;
    int fd = accept(listener, NULL, NULL);

    (void)arg;
    assert_true(fd >= 0);
    assert_int_equal(msg_reader_init(&r, buf, sizeof(buf)), 0);
    for (;;) {
        uint8_t in[4096];
        ssize_t n = read(fd, in, sizeof(in));
        struct msg_frame f;

        if (n <= 0)
            break;
        for (size_t done = 0; done < (size_t)n;) {
            done += msg_reader_feed(&r, in + done, (size_t)n - done);
            while (msg_reader_next(&r, &f) == 1) {
                const void *data;
                size_t len;

                if (script == CLOSE) {
                    close(fd);
                    return NULL;
                }
                if (script == SILENT)
                    continue;
                if (f.type == MSG_IMAGE_DATA) {
                    assert_int_equal(msg_get_bytes(&f, 0, "data", &data, &len), 0);
                    chunks++;
                    more_flags += (f.flags & MSG_FLAG_MORE) != 0;
                    image_bytes += len;
                    if (script == FAIL_SECOND_CHUNK && chunks == 2) {
                        reply(fd, MSG_ERROR, f.request_id, -HV_ENOSPC, 0);
                        continue;
                    }
                }
                if (script == STALE_FIRST)
                    reply(fd, MSG_OK, f.request_id - 1, 0, 7);
                reply(fd, MSG_OK, f.request_id, 0, 1);
            }
        }
    }
    close(fd);
    return NULL;
}

static int setup(void **state)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};

    (void)state;
    strcpy(dir, "/tmp/test_exo_client.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/sock", dir);
    strcpy(addr.sun_path, path);
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(listener >= 0);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 1), 0);
    chunks = more_flags = 0;
    image_bytes = 0;
    return 0;
}

static void start(enum script s)
{
    script = s;
    assert_int_equal(pthread_create(&server, NULL, serve, NULL), 0);
    assert_int_equal(exo_client_connect(&c, path), 0);
}

static int teardown(void **state)
{
    (void)state;
    exo_client_close(&c);
    pthread_join(server, NULL);
    close(listener);
    unlink(path);
    rmdir(dir);
    return 0;
}

static void test_hello(void **state)
{
    uint32_t version = 0;
    const char *msg;

    (void)state;
    start(ANSWER);
    assert_int_equal(exo_client_hello(&c, 5000, &version, &msg), 0);
    assert_int_equal(version, 1);
    assert_int_equal(c.skipped, 0);
}

static void test_stale_reply_skipped(void **state)
{
    uint32_t version = 0;
    const char *msg;

    (void)state;
    start(STALE_FIRST);
    /* The server answers id - 1 first (version 7), then the request. */
    assert_int_equal(exo_client_hello(&c, 5000, &version, &msg), 0);
    assert_int_equal(version, 1);
    assert_int_equal(c.skipped, 1);
}

static void test_timeout(void **state)
{
    struct msg_builder b;
    struct msg_frame f;

    (void)state;
    start(SILENT);
    exo_client_begin(&c, &b, MSG_LIST, 0);
    assert_int_equal(exo_client_call(&c, &b, 100, &f), -ETIMEDOUT);
}

static void test_peer_closed(void **state)
{
    struct msg_builder b;
    struct msg_frame f;

    (void)state;
    start(CLOSE);
    exo_client_begin(&c, &b, MSG_LIST, 0);
    assert_int_equal(exo_client_call(&c, &b, 5000, &f), -ECONNRESET);
}

static void test_upload_chunks(void **state)
{
    static uint8_t image[10000];
    const char *msg;
    uint64_t key;

    (void)state;
    memset(image, 0x5a, sizeof(image));
    start(ANSWER);
    assert_int_equal(exo_client_upload(&c, image, sizeof(image), 4096, 5000, &key, &msg), 0);
    assert_int_equal(key, exo_client_image_key(image, sizeof(image)));
    assert_int_equal(chunks, 3);
    assert_int_equal(more_flags, 2);
    assert_int_equal(image_bytes, sizeof(image));
}

static void test_upload_stops_at_error(void **state)
{
    static uint8_t image[10000];
    const char *msg;
    uint64_t key;

    (void)state;
    start(FAIL_SECOND_CHUNK);
    assert_int_equal(exo_client_upload(&c, image, sizeof(image), 4096, 5000, &key, &msg),
                     -HV_ENOSPC);
    assert_string_equal(msg, "refused");
    assert_int_equal(chunks, 2);
}

static void test_path_too_long(void **state)
{
    char longpath[200];
    struct exo_client d;

    (void)state;
    memset(longpath, 'x', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    assert_int_equal(exo_client_connect(&d, longpath), -ENAMETOOLONG);
    assert_int_equal(exo_client_connect(&d, "/nonexistent/exo.sock"), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_reply_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_stops_at_error, setup, teardown),
        cmocka_unit_test(test_path_too_long),
    };

    return RUN_TESTS(tests);
}
