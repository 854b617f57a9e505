// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of tests/guest/exod-serve: a client of exod's request loop
 * through libexo's client, over the management socket run-vm names in
 * MGMT_SOCKET. It uploads an image, creates a domain from it, watches it
 * stop, destroys it and checks that the memory came back; then it sends
 * damaged frames, bad creates and an abandoned upload, and checks that
 * exod answers each as documented and keeps serving. Last it shuts
 * domain 0 down, which makes exod exit and the machine power off.
 * Prints "ok - ..." per check, and "FAIL: ..." and exits 1 at the first
 * that fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <public/errno.h>

#include <libfdt.h>

#include "client.h"

#define WAIT_MS 10000

static struct exo_client c;

__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *fmt, ...)
{
    va_list ap;

    printf("FAIL: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    exit(1);
}

static void ok(const char *what)
{
    printf("ok - %s\n", what);
    fflush(stdout);
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Send b and wait for its reply; its status (0 for ok) and message. */
static int call(struct msg_builder *b, struct msg_frame *f, const char **message)
{
    int err = exo_client_call(&c, b, WAIT_MS, f);

    if (err)
        fail("request %u (%s): no reply: %s", b->request_id, msg_type_name(b->type),
             strerror(-err));
    return exo_client_status(f, message);
}

/* QEMU makes the socket a moment after it starts: try for 10 s. */
static void connect_to(const char *path)
{
    double end = now() + 10;
    int err;

    while ((err = exo_client_connect(&c, path)) == -ENOENT || err == -ECONNREFUSED) {
        if (now() > end)
            break;
        usleep(50000);
    }
    if (err)
        fail("connecting to %s: %s", path, strerror(-err));
}

/* hello, sent again every second until exod answers: bytes that reach the
 * UART before exod opens it are lost. */
static void hello_until_answered(double limit)
{
    double end = now() + limit;

    for (;;) {
        struct msg_builder b;
        struct msg_frame f;
        uint32_t version;
        const char *msg;
        int err;

        exo_client_begin(&c, &b, MSG_HELLO, 0);
        msg_put_u32(&b, "version", MSG_VERSION + 1);
        msg_put_string(&b, "capabilities", "test");
        err = exo_client_call(&c, &b, 1000, &f);
        if (err == -ETIMEDOUT && now() < end)
            continue;
        if (err)
            fail("hello: %s", strerror(-err));
        err = exo_client_status(&f, &msg);
        if (err)
            fail("hello: error %d: %s", err, msg);
        if (msg_get_u32(&f, 0, "version", &version) || version != MSG_VERSION)
            fail("hello: expected version %d (the lower of the two)", MSG_VERSION);
        return;
    }
}

/* The list reply's domain nodes: how many, and the node named name. */
static int list(struct msg_frame *f, uint64_t *free_kib, const char *name, int *node)
{
    struct msg_builder b;
    const char *msg;
    int n = 0, off;

    exo_client_begin(&c, &b, MSG_LIST, 0);
    if (call(&b, f, &msg))
        fail("list: %s", msg);
    if (msg_get_u64(f, 0, "free-kib", free_kib))
        fail("list: no free-kib");
    *node = -1;
    fdt_for_each_subnode(off, f->payload, 0)
    {
        const char *s;

        n++;
        if (name && !msg_get_string(f, off, "name", &s) && !strcmp(s, name))
            *node = off;
    }
    return n;
}

static void create(const char *name, uint64_t key, uint32_t memory_mib, int paused, int status,
                   const char *what)
{
    struct msg_builder b;
    struct msg_frame f;
    const char *msg;
    int err;

    exo_client_begin(&c, &b, MSG_CREATE, 0);
    msg_put_string(&b, "name", name);
    msg_put_u32(&b, "memory-mib", memory_mib);
    msg_put_u32(&b, "vcpus", 1);
    msg_put_string(&b, "cmdline", name);
    msg_put_string(&b, "on-poweroff", "destroy");
    msg_put_u64(&b, "image", key);
    if (paused)
        msg_put_flag(&b, "paused");
    err = call(&b, &f, &msg);
    if (err != status)
        fail("%s: status %d (%s), expected %d", what, err, msg, status);
    printf("ok - %s%s%s\n", what, err ? ": " : "", msg);
}

static void destroy(const char *name)
{
    struct msg_builder b;
    struct msg_frame f;
    const char *msg;

    exo_client_begin(&c, &b, MSG_DESTROY, 0);
    msg_put_string(&b, "name", name);
    if (call(&b, &f, &msg))
        fail("destroy %s: %s", name, msg);
}

/* A damaged frame whose header still holds: exod answers with its id. */
static void damaged(int oversize, const char *what)
{
    struct msg_builder b;
    struct msg_frame f;
    const char *msg;
    uint32_t id;
    long n;
    int err;

    exo_client_begin(&c, &b, MSG_LIST, 0);
    msg_put_u32(&b, "padding", 7);
    id = b.request_id;
    n = msg_finish(&b);
    if (n < 0)
        fail("building a frame");
    if (oversize) {
        void *zeros = calloc(1, MSG_PAYLOAD_MAX + 8);
        struct msg_frame h = {.version = MSG_VERSION,
                              .type = MSG_LIST,
                              .request_id = id,
                              .length = MSG_PAYLOAD_MAX + 8,
                              .payload = zeros};

        if (!zeros)
            fail("out of memory");
        msg_header_write(c.out, &h); /* sums a payload it never sends */
        free(zeros);
        n = MSG_HEADER_SIZE;
    } else {
        c.out[n - 1] ^= 0x40;
    }
    if (exo_client_send_raw(&c, c.out, (size_t)n))
        fail("sending");
    err = exo_client_wait(&c, id, WAIT_MS, &f);
    if (err)
        fail("%s: no reply: %s", what, strerror(-err));
    err = exo_client_status(&f, &msg);
    if (err != -HV_EINVAL)
        fail("%s: status %d (%s), expected %d", what, err, msg, -HV_EINVAL);
    printf("ok - %s: %s\n", what, msg);
}

/* A request on one domain by name; its status, checked against status. */
static void on_domain(uint16_t type, const char *name, int status, struct msg_frame *f)
{
    struct msg_builder b;
    const char *msg;
    int err;

    exo_client_begin(&c, &b, type, 0);
    msg_put_string(&b, "name", name);
    err = call(&b, f, &msg);
    if (err != status)
        fail("%s %s: status %d (%s), expected %d", msg_type_name(type), name, err, msg, status);
}

/* Poll info until name has stopped; fails after 10 s. */
static void wait_stopped(const char *name)
{
    struct msg_frame f;
    const char *state, *reason;
    uint32_t code;
    double t = now();

    for (;; usleep(100000)) {
        on_domain(MSG_INFO, name, 0, &f);
        if (msg_get_string(&f, 0, "state", &state))
            fail("info: no state");
        if (!strcmp(state, "shutdown"))
            break;
        if (now() - t > 10)
            fail("%s still %s after 10 s", name, state);
    }
    if (msg_get_string(&f, 0, "shutdown-reason", &reason) ||
        msg_get_u32(&f, 0, "exit-code", &code) || strcmp(reason, "poweroff") || code)
        fail("%s stopped, but not by poweroff with code 0", name);
}

/* A hello in a version-2 frame: exod answers that it speaks version 1. */
static void version2(void)
{
    struct msg_builder b;
    struct msg_frame f, h;
    const char *msg;
    long n;
    int err;

    exo_client_begin(&c, &b, MSG_HELLO, 0);
    msg_put_u32(&b, "version", 2);
    n = msg_finish(&b);
    if (n < 0)
        fail("building a frame");
    h = (struct msg_frame){.version = 2,
                           .type = MSG_HELLO,
                           .request_id = b.request_id,
                           .length = (uint32_t)(n - MSG_HEADER_SIZE),
                           .payload = c.out + MSG_HEADER_SIZE};
    msg_header_write(c.out, &h);
    if (exo_client_send_raw(&c, c.out, (size_t)n))
        fail("sending");
    err = exo_client_wait(&c, b.request_id, WAIT_MS, &f);
    if (err)
        fail("version 2: no reply: %s", strerror(-err));
    err = exo_client_status(&f, &msg);
    if (err != -HV_EINVAL || !strstr(msg, "speaks 1"))
        fail("version 2: status %d (%s)", err, msg);
    printf("ok - a version-2 frame is answered: %s\n", msg);
}

static void *read_image(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    void *data;
    long end;

    if (!file || fseek(file, 0, SEEK_END) || (end = ftell(file)) <= 0 || fseek(file, 0, SEEK_SET))
        fail("reading %s: %s", path, strerror(errno));
    data = malloc((size_t)end + 64);
    if (!data || fread(data, 1, (size_t)end, file) != (size_t)end)
        fail("reading %s", path);
    fclose(file);
    *size = (size_t)end;
    return data;
}

int main(int argc, char **argv)
{
    const char *sock = getenv("MGMT_SOCKET"), *msg, *state, *reason;
    char path[4096];
    uint64_t key, partial_key, free_before, free_after, free_now;
    uint32_t code;
    struct msg_builder b;
    struct msg_frame f;
    double t;
    size_t size;
    uint8_t *image;
    int node, err;

    if (!sock)
        fail("MGMT_SOCKET is not set");
    if (argc > 1)
        snprintf(path, sizeof(path), "%s", argv[1]);
    else
        snprintf(path, sizeof(path), "%s/hello.elf", dirname(strdup(argv[0])));
    image = read_image(path, &size);

    connect_to(sock);
    hello_until_answered(20);
    ok("hello: exod answers with version 1");

    t = now();
    err = exo_client_upload(&c, image, size, 32768, WAIT_MS, &key, &msg);
    if (err)
        fail("upload: %d: %s", err, msg);
    t = now() - t;
    printf("ok - uploaded %zu bytes in %.2f s (%.1f KB/s)\n", size, t, (double)size / t / 1000);

    if (list(&f, &free_before, NULL, &node) != 1)
        fail("list: expected domain 0 alone");
    create("hello", key, 8, 0, 0, "create hello");
    for (t = now();; usleep(100000)) {
        if (list(&f, &free_now, "hello", &node) != 2 || node < 0)
            fail("list: hello is not there");
        if (msg_get_string(&f, node, "state", &state))
            fail("list: no state");
        if (!strcmp(state, "shutdown"))
            break;
        if (now() - t > 10)
            fail("hello still %s after 10 s", state);
    }
    if (msg_get_string(&f, node, "shutdown-reason", &reason) ||
        msg_get_u32(&f, node, "exit-code", &code) || strcmp(reason, "poweroff") || code)
        fail("hello stopped, but not by poweroff with code 0");
    ok("list: hello stopped (shutdown, poweroff, exit code 0)");
    destroy("hello");
    if (list(&f, &free_after, NULL, &node) != 1)
        fail("list after destroy: expected domain 0 alone");
    if (free_after != free_before)
        fail("free memory %llu KiB after destroy, %llu before", (unsigned long long)free_after,
             (unsigned long long)free_before);
    printf("ok - destroyed: domain 0 alone, %llu KiB free as before\n",
           (unsigned long long)free_after);

    damaged(0, "a frame with a damaged payload is answered with an error");
    damaged(1, "a frame declaring 1 MiB + 8 bytes is answered with an error");
    version2();
    if (exo_client_send_raw(&c, "garbage, not a frame\n", 21))
        fail("sending garbage");
    hello_until_answered(10);
    ok("hello after damaged frames and garbage");

    create("hello", key, 3, 1, -HV_EINVAL, "create with memory-mib 3 refused");
    create("-x", key, 8, 1, -HV_EINVAL, "create with a bad name refused");
    create("hello", key ^ 1, 8, 1, -HV_ENOENT, "create of an unknown image refused");
    create("big", key, 1048576, 1, -HV_ENOMEM, "create of 1 TiB refused");
    create("hello", key, 8, 1, 0, "create hello paused");
    create("hello", key, 8, 1, -HV_EEXIST, "create of a name in use refused");
    on_domain(MSG_INFO, "hello", 0, &f);
    if (msg_get_string(&f, 0, "state", &state) || strcmp(state, "building"))
        fail("info: a domain created paused is not in state building");
    on_domain(MSG_UNPAUSE, "hello", 0, &f);
    wait_stopped("hello");
    ok("unpause: the paused hello ran and powered off (info)");
    destroy("hello");
    on_domain(MSG_INFO, "hello", -HV_ESRCH, &f);
    on_domain(MSG_DESTROY, "exod", -HV_EPERM, &f);
    on_domain(MSG_PAUSE, "exod", -HV_EPERM, &f);
    ok("info of a destroyed domain and destroy or pause of domain 0 refused");
    exo_client_begin(&c, &b, MSG_STATS, 0);
    if (call(&b, &f, &msg) != -HV_ENOSYS)
        fail("stats: expected -HV_ENOSYS");
    printf("ok - stats: %s\n", msg);
    exo_client_begin(&c, &b, MSG_DMESG, 0);
    msg_put_u32(&b, "max-bytes", 2048);
    if (call(&b, &f, &msg) || msg_get_string(&f, 0, "text", &state))
        fail("dmesg: %s", msg);
    if (strlen(state) > 2048 || !strstr(state, "(hello) destroyed by d0"))
        fail("dmesg: %zu bytes without the last destroy: %s", strlen(state), state);
    ok("dmesg: the hypervisor's log ends with the destroy");

    /* An upload abandoned half way: a different image (the same bytes and
     * 8 more), of which only the first chunk goes. */
    memset(image + size, 0, 8);
    partial_key = exo_client_image_key(image, size + 8);
    exo_client_begin(&c, &b, MSG_IMAGE_DATA, MSG_FLAG_MORE);
    msg_put_u64(&b, "image", partial_key);
    msg_put_u64(&b, "size", size + 8);
    msg_put_u64(&b, "offset", 0);
    msg_put_bytes(&b, "data", image, 4096);
    if (call(&b, &f, &msg))
        fail("first chunk of the partial upload: %s", msg);
    create("part", partial_key, 8, 1, -HV_ENOENT, "create of an image half uploaded refused");
    /* The client also leaves in the middle of a frame: the next one's
     * bytes then first look like its payload, until the reader resyncs. */
    exo_client_begin(&c, &b, MSG_IMAGE_DATA, MSG_FLAG_MORE);
    msg_put_u64(&b, "image", partial_key);
    msg_put_u64(&b, "size", size + 8);
    msg_put_u64(&b, "offset", 4096);
    msg_put_bytes(&b, "data", image + 4096, 4096);
    if (msg_finish(&b) < 0 || exo_client_send_raw(&c, c.out, 1000))
        fail("sending half a frame");
    exo_client_close(&c);
    connect_to(sock);
    hello_until_answered(10);
    create("part", partial_key, 8, 1, -HV_ENOENT,
           "after half a frame, a reconnect and hello, the abandoned image is gone");
    create("again", key, 8, 1, 0, "the complete image is still cached");
    /* Never started: the hypervisor has nothing to shut down. */
    on_domain(MSG_SHUTDOWN, "again", -HV_EINVAL, &f);
    if (exo_client_status(&f, &msg) != -HV_EINVAL || !strstr(msg, "neither running nor paused"))
        fail("shutdown: no message");
    printf("ok - shutdown of a domain never started refused: %s\n", msg);
    destroy("again");
    if (list(&f, &free_after, NULL, &node) != 1 || free_after != free_before)
        fail("domains or free memory not back after the bad creates");
    ok("nothing left behind: domain 0 alone, free memory as before");

    exo_client_begin(&c, &b, MSG_SHUTDOWN, 0);
    msg_put_u32(&b, "domain", 0);
    if (call(&b, &f, &msg))
        fail("shutdown of domain 0: %s", msg);
    ok("shutdown of domain 0 accepted: exod exits");
    exo_client_close(&c);
    return 0;
}
