// SPDX-License-Identifier: GPL-2.0-only
/*
 * exod serve: the request loop. Bytes from the management channel go into
 * a msg_reader; each verified frame is one request, answered by exactly
 * one reply frame (ok with its results, or error with a status and a
 * message) that carries the request's id (docs/toolstack.md, "Serving").
 *
 * The client is hostile: every property is checked here, whatever exo
 * checked before sending it; a bad frame is counted and skipped (the
 * reader resynchronises); and nothing a request does is left half done.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/hypercall.h>

#include "build.h"
#include "chan.h"
#include "msg.h"
#include "serve.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define QUIET_MS 2000       /* a frame that stops this long is given up */
#define REPLY_WAIT_MS 10000 /* a reply that cannot leave in this time is dropped */
#define REPLY_MAX (128u * 1024u)
#define DMESG_DEFAULT 16384u
#define DMESG_MAX 65536u
#define MAX_DOMAINS 256u

static const char *const state_names[] = {"building", "paused", "running", "shutdown", "dying"};
static const char *const reason_names[] = {"poweroff", "reboot", "crash"};

static uint8_t *reply_buf;
static struct msg_reader reader;
static bool quit;

/* ---- replies ---------------------------------------------------------- */

static void send_frame(struct msg_builder *b)
{
    long n = msg_finish(b);

    if (n < 0) {
        /* Only a reply too big for REPLY_MAX gets here: say so instead. */
        printf("exod: serve: reply to request %u not built: %s\n", b->request_id,
               msg_strerror((int)n));
        msg_begin(b, reply_buf, REPLY_MAX, MSG_ERROR, 0, b->request_id);
        msg_put_s32(b, "status", -HV_E2BIG);
        msg_put_string(b, "message", "the reply does not fit in one frame");
        n = msg_finish(b);
        if (n < 0)
            return;
    }
    if (chan_write_all(reply_buf, (size_t)n, REPLY_WAIT_MS) != n)
        printf("exod: serve: reply to request %u not sent in %u ms\n", b->request_id,
               REPLY_WAIT_MS);
}

__attribute__((format(printf, 3, 4))) static void reply_error(uint32_t id, int status,
                                                              const char *fmt, ...)
{
    struct msg_builder b;
    char text[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    msg_begin(&b, reply_buf, REPLY_MAX, MSG_ERROR, 0, id);
    msg_put_s32(&b, "status", status);
    msg_put_string(&b, "message", text);
    send_frame(&b);
}

static void ok_begin(struct msg_builder *b, uint32_t id)
{
    msg_begin(b, reply_buf, REPLY_MAX, MSG_OK, 0, id);
    msg_put_s32(b, "status", 0);
}

/* A property getter's failure, as an error reply; returns 1 if it failed. */
static int bad_prop(uint32_t id, int err, const char *name)
{
    if (!err)
        return 0;
    reply_error(id, -HV_EINVAL, "property '%s': %s", name, msg_strerror(err));
    return 1;
}

/* ---- domains ---------------------------------------------------------- */

static struct hv_domctl_info domains[MAX_DOMAINS];

/* The domain a request names by `domain` (u32 id) or `name`; 0 and its
 * info, or -1 once an error reply has gone. */
static int find_domain(const struct msg_frame *f, struct hv_domctl_info *info)
{
    const char *name, *why;
    unsigned int count;
    uint32_t domid;
    int err = msg_get_u32(f, 0, "domain", &domid);

    if (err != -MSG_ENOPROP) {
        if (bad_prop(f->request_id, err, "domain"))
            return -1;
        err = exod_getinfo(domid, info, &why);
        if (err) {
            reply_error(f->request_id, err, "domain %u: %s", domid, why);
            return -1;
        }
        return 0;
    }
    err = msg_get_string(f, 0, "name", &name);
    if (err == -MSG_ENOPROP) {
        reply_error(f->request_id, -HV_EINVAL, "no 'domain' or 'name' property");
        return -1;
    }
    if (bad_prop(f->request_id, err, "name"))
        return -1;
    err = exod_list(domains, MAX_DOMAINS, &count, &why);
    if (err) {
        reply_error(f->request_id, err, "listing the domains: %s", why);
        return -1;
    }
    for (unsigned int i = 0; i < count && i < MAX_DOMAINS; i++) {
        if (!strncmp(domains[i].name, name, HV_DOMAIN_NAME_MAX)) {
            *info = domains[i];
            return 0;
        }
    }
    reply_error(f->request_id, -HV_ESRCH, "no domain named '%s'", name);
    return -1;
}

static void put_domain(struct msg_builder *b, const struct hv_domctl_info *d)
{
    char name[HV_DOMAIN_NAME_MAX];

    memcpy(name, d->name, sizeof(name));
    name[sizeof(name) - 1] = '\0';
    msg_put_u32(b, "id", d->domid);
    msg_put_string(b, "name", name);
    msg_put_string(b, "state", d->state <= HV_DOMSTATE_dying ? state_names[d->state] : "unknown");
    msg_put_u64(b, "memory-kib", d->memory / KIB);
    msg_put_u32(b, "vcpus", d->vcpus);
    if (d->state == HV_DOMSTATE_shutdown) {
        msg_put_string(b, "shutdown-reason",
                       d->shutdown_reason <= HV_SHUTDOWN_MAX ? reason_names[d->shutdown_reason]
                                                             : "unknown");
        msg_put_u32(b, "exit-code", d->shutdown_code);
    }
}

/* free-kib in the root of list and info replies: what a create may use. */
static int put_free(struct msg_builder *b, uint32_t id)
{
    const char *why;
    uint64_t frames;
    int err = exod_free_frames(&frames, &why);

    if (err) {
        reply_error(id, err, "%s", why);
        return -1;
    }
    msg_put_u64(b, "free-kib", frames * 4);
    return 0;
}

static void do_list(const struct msg_frame *f)
{
    struct msg_builder b;
    unsigned int count;
    const char *why;
    int err = exod_list(domains, MAX_DOMAINS, &count, &why);

    if (err) {
        reply_error(f->request_id, err, "listing the domains: %s", why);
        return;
    }
    ok_begin(&b, f->request_id);
    if (put_free(&b, f->request_id))
        return;
    for (unsigned int i = 0; i < count && i < MAX_DOMAINS; i++) {
        char node[32];

        snprintf(node, sizeof(node), "domain@%u", domains[i].domid);
        msg_node_begin(&b, node);
        put_domain(&b, &domains[i]);
        msg_node_end(&b);
    }
    send_frame(&b);
}

static void do_info(const struct msg_frame *f)
{
    struct hv_domctl_info info;
    struct msg_builder b;

    if (find_domain(f, &info))
        return;
    ok_begin(&b, f->request_id);
    if (put_free(&b, f->request_id))
        return;
    put_domain(&b, &info);
    send_frame(&b);
}

/* destroy, pause, unpause, shutdown: one domctl on a named domain. */
static void do_control(const struct msg_frame *f)
{
    struct hv_domctl_info info;
    struct msg_builder b;
    const char *why = NULL;
    int err;

    if (find_domain(f, &info))
        return;
    if (info.privileged) {
        /* Shutting domain 0 down is how a client stops the host: the
         * reply goes out, then exod leaves its loop and exits. */
        if (f->type == MSG_SHUTDOWN) {
            ok_begin(&b, f->request_id);
            msg_put_string(&b, "note", "exod exits: the host shuts down");
            send_frame(&b);
            quit = true;
            return;
        }
        reply_error(f->request_id, -HV_EPERM, "d%u is domain 0, exod's own: only shutdown",
                    info.domid);
        return;
    }
    switch (f->type) {
    case MSG_DESTROY:
        err = exod_destroy(info.domid, &why);
        break;
    case MSG_PAUSE:
        err = exod_pause(info.domid, &why);
        break;
    case MSG_UNPAUSE:
        err = exod_unpause(info.domid, &why);
        break;
    default:
        /* No guest-side shutdown request exists in the ABI yet: the domain
         * is stopped from outside, as if it had powered off with code 0. */
        err = exod_shutdown(info.domid, HV_SHUTDOWN_poweroff, 0, &why);
        break;
    }
    if (err) {
        reply_error(f->request_id, err, "d%u: %s", info.domid, why);
        return;
    }
    ok_begin(&b, f->request_id);
    if (f->type == MSG_SHUTDOWN)
        msg_put_string(&b, "note",
                       "stopped by the toolstack (domctl shutdown, poweroff): "
                       "guests cannot be asked to shut down yet");
    send_frame(&b);
}

static void do_dmesg(const struct msg_frame *f)
{
    static char text[DMESG_MAX + 1];
    static char chunk[4096];
    uint32_t max = DMESG_DEFAULT;
    struct hv_sysctl_readlog rl = {0};
    struct msg_builder b;
    size_t len = 0;
    int err = msg_get_u32(f, 0, "max-bytes", &max);

    if (err != -MSG_ENOPROP && bad_prop(f->request_id, err, "max-bytes"))
        return;
    if (max == 0 || max > DMESG_MAX)
        max = DMESG_MAX;
    /* Read the whole ring and keep its last max bytes. */
    for (;;) {
        long rc;

        rl.buf = (uint64_t)(uintptr_t)chunk;
        rl.len = sizeof(chunk);
        rc = hv_sysctl(HV_SYSCTL_readlog, (long)(uintptr_t)&rl);
        if (rc) {
            reply_error(f->request_id, (int)rc, "sysctl readlog failed");
            return;
        }
        if (!rl.len)
            break;
        if (rl.len > sizeof(chunk))
            rl.len = sizeof(chunk);
        if (len + rl.len > max) {
            size_t drop = len + rl.len - max < len ? len + rl.len - max : len;

            memmove(text, text + drop, len - drop);
            len -= drop;
        }
        size_t take = rl.len > max ? max : rl.len;

        memcpy(text + len, chunk + rl.len - take, take);
        len += take;
        rl.offset += rl.len;
    }
    for (size_t i = 0; i < len; i++)
        if (!text[i])
            text[i] = '?';
    text[len] = '\0';
    ok_begin(&b, f->request_id);
    msg_put_string(&b, "text", text);
    send_frame(&b);
}

/* ---- hello ------------------------------------------------------------ */

static void do_hello(const struct msg_frame *f)
{
    struct msg_builder b;
    uint32_t version;
    int err = msg_get_u32(f, 0, "version", &version);

    if (bad_prop(f->request_id, err, "version"))
        return;
    if (version < 1) {
        reply_error(f->request_id, -HV_EINVAL, "version 0 does not exist");
        return;
    }
    /* A new client: whatever an earlier one left half uploaded goes. */
    serve_cache_drop_partial();
    ok_begin(&b, f->request_id);
    msg_put_u32(&b, "version", version < MSG_VERSION ? version : MSG_VERSION);
    msg_put_string(&b, "capabilities", SERVE_CAPABILITIES);
    send_frame(&b);
}

/* ---- create ----------------------------------------------------------- */

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    bool digits = true;

    if (n == 0 || n >= HV_DOMAIN_NAME_MAX || s[0] == '-' || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
        digits = digits && c >= '0' && c <= '9';
    }
    return !digits;
}

static const char *const create_props[] = {"name",     "memory-mib",  "vcpus",
                                           "cmdline",  "on-poweroff", "on-reboot",
                                           "on-crash", "image",       "paused"};

/* Every property of a create is one this exod knows: a misspelt one would
 * otherwise be silently ignored. */
static int unknown_prop(const struct msg_frame *f, const char **unknown)
{
    int off;

    fdt_for_each_property_offset(off, f->payload, 0)
    {
        const char *name;
        bool known = false;

        if (!fdt_getprop_by_offset(f->payload, off, &name, NULL))
            return -1;
        for (size_t i = 0; i < sizeof(create_props) / sizeof(create_props[0]); i++)
            known = known || !strcmp(name, create_props[i]);
        if (!known) {
            *unknown = name;
            return 1;
        }
    }
    return 0;
}

static int check_action(uint32_t id, const struct msg_frame *f, const char *name)
{
    const char *v;
    int err = msg_get_string(f, 0, name, &v);

    if (err == -MSG_ENOPROP)
        return 0;
    if (bad_prop(id, err, name))
        return -1;
    if (strcmp(v, "destroy") && strcmp(v, "restart") && strcmp(v, "preserve")) {
        reply_error(id, -HV_EINVAL, "%s: '%.32s' is not destroy, restart or preserve", name, v);
        return -1;
    }
    return 0;
}

static void do_create(const struct msg_frame *f)
{
    uint32_t id = f->request_id, memory_mib, vcpus = 1, domid;
    const char *name, *cmdline = NULL, *unknown = NULL, *why;
    struct exod_build_params p = {0};
    const struct serve_image *image;
    struct msg_builder b;
    unsigned int count;
    uint64_t key;
    int err;

    if (unknown_prop(f, &unknown)) {
        reply_error(id, -HV_EINVAL, "unknown property '%.32s'", unknown ? unknown : "?");
        return;
    }
    if (bad_prop(id, msg_get_string(f, 0, "name", &name), "name") ||
        bad_prop(id, msg_get_u32(f, 0, "memory-mib", &memory_mib), "memory-mib") ||
        bad_prop(id, msg_get_u64(f, 0, "image", &key), "image"))
        return;
    err = msg_get_u32(f, 0, "vcpus", &vcpus);
    if (err != -MSG_ENOPROP && bad_prop(id, err, "vcpus"))
        return;
    err = msg_get_string(f, 0, "cmdline", &cmdline);
    if (err != -MSG_ENOPROP && bad_prop(id, err, "cmdline"))
        return;
    if (check_action(id, f, "on-poweroff") || check_action(id, f, "on-reboot") ||
        check_action(id, f, "on-crash"))
        return;
    if (!valid_name(name)) {
        reply_error(id, -HV_EINVAL,
                    "name: '%.40s' is not 1 to 31 of A-Z a-z 0-9 _ . - "
                    "(not all digits, not starting with - or .)",
                    name);
        return;
    }
    if (memory_mib < 4 || memory_mib > 1048576 || memory_mib % 2) {
        reply_error(id, -HV_EINVAL, "memory-mib: %u is not an even number from 4 to 1048576",
                    memory_mib);
        return;
    }
    if (vcpus < 1 || vcpus > HV_MAX_VCPUS) {
        reply_error(id, -HV_EINVAL, "vcpus: %u is outside 1..%u", vcpus, HV_MAX_VCPUS);
        return;
    }
    if (cmdline && strlen(cmdline) > 1023) {
        reply_error(id, -HV_EINVAL, "cmdline: %zu bytes, more than 1023", strlen(cmdline));
        return;
    }
    image = serve_cache_find(key);
    if (!image) {
        reply_error(id, -HV_ENOENT,
                    "image %016llx is not in exod's cache (never uploaded, or "
                    "its upload did not complete)",
                    (unsigned long long)key);
        return;
    }
    err = exod_list(domains, MAX_DOMAINS, &count, &why);
    if (err) {
        reply_error(id, err, "listing the domains: %s", why);
        return;
    }
    for (unsigned int i = 0; i < count && i < MAX_DOMAINS; i++) {
        if (!strncmp(domains[i].name, name, HV_DOMAIN_NAME_MAX)) {
            reply_error(id, -HV_EEXIST, "the name '%s' is in use by d%u", name, domains[i].domid);
            return;
        }
    }
    p.image = image->data;
    p.image_size = image->size;
    p.name = name;
    p.memory = memory_mib * MIB;
    p.vcpus = vcpus;
    p.cmdline = cmdline ? cmdline : name;
    p.start = !msg_get_flag(f, 0, "paused");
    err = exod_build(&p, &domid, &why);
    if (err) {
        reply_error(id, err, "cannot build '%s': %s", name, why);
        return;
    }
    printf("exod: serve: created %s as d%u (%u MiB, %u vCPUs)%s\n", name, domid, memory_mib, vcpus,
           p.start ? "" : ", paused");
    ok_begin(&b, id);
    msg_put_u32(&b, "domain", domid);
    msg_put_string(&b, "name", name);
    send_frame(&b);
}

/* ---- image-data ------------------------------------------------------- */

static void do_image_data(const struct msg_frame *f)
{
    uint32_t id = f->request_id;
    uint64_t key, size, offset;
    struct msg_builder b;
    const void *data;
    const char *why;
    size_t len;
    int rc;

    if (bad_prop(id, msg_get_u64(f, 0, "image", &key), "image") ||
        bad_prop(id, msg_get_u64(f, 0, "size", &size), "size") ||
        bad_prop(id, msg_get_u64(f, 0, "offset", &offset), "offset") ||
        bad_prop(id, msg_get_bytes(f, 0, "data", &data, &len), "data"))
        return;
    rc = serve_cache_chunk(key, size, offset, data, len, !(f->flags & MSG_FLAG_MORE), &why);
    if (rc < 0) {
        reply_error(id, rc, "image %016llx: %s", (unsigned long long)key, why);
        return;
    }
    ok_begin(&b, id);
    if (rc == 1) {
        msg_put_u64(&b, "image", key);
        printf("exod: serve: image %016llx complete, %llu bytes\n", (unsigned long long)key,
               (unsigned long long)size);
    }
    send_frame(&b);
}

/* ---- the loop --------------------------------------------------------- */

static void dispatch(const struct msg_frame *f)
{
    if (f->type & MSG_REPLY) {
        reply_error(f->request_id, -HV_EINVAL, "a %s frame is not a request",
                    msg_type_name(f->type) ? msg_type_name(f->type) : "reply");
        return;
    }
    switch (f->type) {
    case MSG_HELLO:
        do_hello(f);
        break;
    case MSG_CREATE:
        do_create(f);
        break;
    case MSG_DESTROY:
    case MSG_SHUTDOWN:
    case MSG_PAUSE:
    case MSG_UNPAUSE:
        do_control(f);
        break;
    case MSG_LIST:
        do_list(f);
        break;
    case MSG_INFO:
        do_info(f);
        break;
    case MSG_DMESG:
        do_dmesg(f);
        break;
    case MSG_IMAGE_DATA:
        do_image_data(f);
        break;
    case MSG_REBOOT:
    case MSG_CONSOLE_ATTACH:
    case MSG_CONSOLE_INPUT:
    case MSG_VCPU_LIST:
    case MSG_VCPU_PIN:
    case MSG_STATS:
        reply_error(f->request_id, -HV_ENOSYS, "%s: not supported yet", msg_type_name(f->type));
        break;
    default:
        reply_error(f->request_id, -HV_ENOSYS, "unknown request type 0x%04x", f->type);
        break;
    }
}

/*
 * A bad frame. The reader has just dropped its first byte, so its header
 * is still at start - 1. When the header's own sum held (the payload was
 * bad, or the length over the limit) its request id is believed and the
 * requester gets an error; a frame of another version is answered too, so
 * a peer speaking it learns why, with the id read as it stands.
 */
static void bad_frame(int err)
{
    const uint8_t *hdr = reader.buf + reader.start - 1;
    uint32_t id;

    printf("exod: serve: bad frame: %s (%llu so far)\n", msg_strerror(err),
           (unsigned long long)reader.errors);
    if (err != -MSG_EOVERSIZE && err != -MSG_EPAYLOAD && err != -MSG_EFDT && err != -MSG_EVERSION)
        return;
    if (reader.start == 0 || reader.end - (reader.start - 1) < MSG_HEADER_SIZE)
        return;
    id = (uint32_t)hdr[MSG_OFF_REQUEST_ID] | (uint32_t)hdr[MSG_OFF_REQUEST_ID + 1] << 8 |
         (uint32_t)hdr[MSG_OFF_REQUEST_ID + 2] << 16 | (uint32_t)hdr[MSG_OFF_REQUEST_ID + 3] << 24;
    if (err == -MSG_EVERSION)
        reply_error(id, -HV_EINVAL, "protocol version not spoken: this exod speaks %u",
                    MSG_VERSION);
    else
        reply_error(id, -HV_EINVAL, "bad frame: %s", msg_strerror(err));
}

/* Hand the reader's frames out until it needs bytes. */
static void drain(void)
{
    struct msg_frame f;
    int rc;

    while (!quit && (rc = msg_reader_next(&reader, &f)) != 0) {
        if (rc < 0)
            bad_frame(rc);
        else
            dispatch(&f);
    }
}

int serve(void)
{
    static uint8_t in[4096];
    size_t size = MSG_HEADER_SIZE + MSG_PAYLOAD_MAX;
    void *buf = aligned_alloc(8, size);
    const char *why;
    int err;

    reply_buf = aligned_alloc(8, REPLY_MAX);
    if (!buf || !reply_buf || msg_reader_init(&reader, buf, size)) {
        printf("exod: FAIL: serve: no memory for the channel's buffers\n");
        return 1;
    }
    err = chan_open(&why);
    if (err) {
        printf("exod: FAIL: serve: %s (error %d)\n", why, err);
        return 1;
    }
    printf("exod: serving the management channel on COM2\n");
    while (!quit) {
        long n = chan_read(in, sizeof(in), QUIET_MS);

        if (n == -HV_EAGAIN) {
            /* Quiet inside a frame: the peer stopped or bytes were lost. */
            int rc = msg_reader_flush(&reader);

            if (rc < 0)
                bad_frame(rc);
            drain();
            continue;
        }
        if (n < 0) {
            printf("exod: FAIL: serve: reading the channel: error %ld\n", n);
            break;
        }
        for (size_t done = 0; done < (size_t)n && !quit;) {
            done += msg_reader_feed(&reader, in + done, (size_t)n - done);
            drain();
        }
    }
    chan_flush(REPLY_WAIT_MS);
    printf("exod: serve: %llu frames, %llu bad, %llu bytes skipped; exiting\n",
           (unsigned long long)reader.frames, (unsigned long long)reader.errors,
           (unsigned long long)reader.dropped);
    chan_close();
    return quit ? 0 : 1;
}
