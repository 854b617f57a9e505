/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the management protocol's message layer
 * (toolstack/libexo/msg.c, msg_reader.c): every message type survives a
 * round trip; a stream of frames comes out of the reader the same whatever
 * the split; each kind of damage is reported with its own error and the
 * reader finds the next good frame after it; garbage, before frames or
 * alone, never becomes a frame. Streams sit in allocations of exactly
 * their size, so ASan sees any read past them.
 */
#include "unit.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "msg.h"
#include "msg_samples.h"

#define FRAME_BUF 8192
#define READER_BUF (MSG_HEADER_SIZE + MSG_PAYLOAD_MAX)
#define MAX_EVENTS 64

/* What came out of a reader: a frame (its request id) or an error. */
struct event {
    int error; /* 0 for a frame */
    uint32_t request_id;
};

struct stream {
    uint8_t *data;
    size_t len;
};

/* 8-byte aligned, as the reader and the builder want. */
static uint64_t reader_buf_[READER_BUF / 8 + 512];
static uint8_t *const reader_buf = (uint8_t *)reader_buf_;
static uint64_t frame_buf_[FRAME_BUF / 8];
static uint8_t *const frame_buf = (uint8_t *)frame_buf_;

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Recomputes the header checksum after a test changed a header field. */
static void reseal_header(uint8_t *h)
{
    uint64_t sum = XXH64(h, MSG_OFF_HEADER_SUM, 0);

    for (int i = 0; i < 8; i++)
        h[MSG_OFF_HEADER_SUM + i] = (uint8_t)(sum >> (8 * i));
}

static void append(struct stream *s, const void *data, size_t len)
{
    s->data = realloc(s->data, s->len + len);
    assert_non_null(s->data);
    memcpy(s->data + s->len, data, len);
    s->len += len;
}

/* Appends sample number n with request id id; returns the frame's offset
 * in the stream. */
static size_t append_sample(struct stream *s, size_t n, uint32_t id)
{
    long len = msg_sample_build(&msg_samples[n], id, frame_buf, FRAME_BUF);
    size_t at = s->len;

    assert_true(len > 0);
    append(s, frame_buf, (size_t)len);
    return at;
}

/* The stream again, in an allocation of exactly its size. */
static uint8_t *exact_copy(const struct stream *s)
{
    uint8_t *copy = malloc(s->len ? s->len : 1);

    assert_non_null(copy);
    memcpy(copy, s->data, s->len);
    return copy;
}

static size_t drain(struct msg_reader *r, struct event *ev, size_t n)
{
    struct msg_frame f;
    int rc;

    while ((rc = msg_reader_next(r, &f)) != 0) {
        assert_true(n < MAX_EVENTS);
        ev[n].error = rc < 0 ? rc : 0;
        ev[n].request_id = rc > 0 ? f.request_id : 0;
        if (rc > 0) {
            /* Whatever the split, a frame is whole and its own sample. */
            assert_int_equal(f.request_id % 1000 < MSG_SAMPLE_COUNT, 1);
            assert_null(msg_sample_check(&msg_samples[f.request_id % 1000], &f));
        }
        n++;
    }
    return n;
}

/*
 * Feeds s to a reader with a buffer of buf_size bytes: the first split
 * bytes, then the rest in chunks of chunk bytes (0: all at once), with
 * msg_reader_flush() at the end if flush. Returns the number of events.
 */
static size_t run(const struct stream *s, size_t buf_size, size_t split, size_t chunk, int flush,
                  struct event *ev, struct msg_reader *out)
{
    struct msg_reader r;
    uint8_t *copy = exact_copy(s);
    size_t n = 0, off = 0;

    assert_int_equal(msg_reader_init(&r, reader_buf, buf_size), 0);
    while (off < s->len) {
        size_t len = off < split ? split - off : chunk ? chunk : s->len - off;

        if (len > s->len - off)
            len = s->len - off;
        while (len) {
            size_t took = msg_reader_feed(&r, copy + off, len);

            off += took;
            len -= took;
            n = drain(&r, ev, n);
        }
    }
    if (flush) {
        int rc = msg_reader_flush(&r);

        if (rc) {
            ev[n].error = rc;
            ev[n++].request_id = 0;
        }
        n = drain(&r, ev, n);
    }
    free(copy);
    if (out)
        *out = r;
    return n;
}

static void expect_events(const struct event *ev, size_t n, const struct event *want, size_t nwant)
{
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ev[i].error, want[i].error);
        assert_int_equal(ev[i].request_id, want[i].request_id);
    }
}

/* ---- frames ------------------------------------------------------------ */

static void test_round_trip(void **state)
{
    for (size_t n = 0; n < MSG_SAMPLE_COUNT; n++) {
        struct msg_frame f;
        long len = msg_sample_build(&msg_samples[n], 0x10000 + (uint32_t)n, frame_buf, FRAME_BUF);

        assert_true(len > MSG_HEADER_SIZE);
        /* Frames one after another stay 8-byte aligned. */
        assert_int_equal(len % 8, 0);
        assert_int_equal(msg_decode(frame_buf, (size_t)len, &f), len);
        assert_int_equal(f.version, MSG_VERSION);
        assert_int_equal(f.request_id, 0x10000 + n);
        assert_int_equal(f.length, len - MSG_HEADER_SIZE);
        assert_ptr_equal(f.payload, frame_buf + MSG_HEADER_SIZE);
        assert_null(msg_sample_check(&msg_samples[n], &f));
        assert_non_null(msg_type_name(f.type));
        /* One byte short of the frame is not a frame. */
        assert_int_equal(msg_decode(frame_buf, (size_t)len - 1, &f), -MSG_ETRUNCATED);
        for (size_t m = 0; m < n; m++) {
            assert_int_not_equal(msg_samples[m].type, msg_samples[n].type);
            assert_string_not_equal(msg_type_name(msg_samples[m].type),
                                    msg_type_name(msg_samples[n].type));
        }
    }
    assert_null(msg_type_name(0));
    assert_null(msg_type_name(0x7fff));
}

static void test_header_layout(void **state)
{
    struct msg_frame f;
    long len = msg_sample_build(&msg_samples[0], 0x11223344, frame_buf, FRAME_BUF);

    assert_true(len > 0);
    /* The byte order and offsets docs/toolstack.md gives. */
    assert_memory_equal(frame_buf, "EXOM\x01\x00\x01\x00\x00\x00\x00\x00\x44\x33\x22\x11", 16);
    assert_int_equal(frame_buf[MSG_OFF_LENGTH] | frame_buf[MSG_OFF_LENGTH + 1] << 8,
                     len - MSG_HEADER_SIZE);
    assert_int_equal(msg_decode(frame_buf, (size_t)len, &f), len);
    assert_int_equal(f.type, MSG_HELLO);
}

/* A multiplexer's renumbering: the re-sealed header reads back with the
 * new id and the same payload; without re-sealing it would be refused. */
static void test_set_request_id(void **state)
{
    struct msg_frame f;
    long len = msg_sample_build(&msg_samples[0], 7, frame_buf, FRAME_BUF);

    assert_true(len > MSG_HEADER_SIZE);
    msg_header_set_request_id(frame_buf, 0xfedcba98);
    assert_int_equal(msg_decode(frame_buf, (size_t)len, &f), len);
    assert_int_equal(f.request_id, 0xfedcba98);
    assert_null(msg_sample_check(&msg_samples[0], &f));
    put_le32(frame_buf + MSG_OFF_REQUEST_ID, 7);
    assert_int_equal(msg_decode(frame_buf, (size_t)len, &f), -MSG_EHEADER);
    assert_string_equal(msg_type_name(MSG_CLIENT_GONE), "client-gone");
}

static void test_getters(void **state)
{
    struct msg_builder b;
    struct msg_frame f;
    uint32_t u32;
    uint64_t u64;
    const char *str;
    const void *data;
    size_t len;
    long size;

    msg_begin(&b, frame_buf, FRAME_BUF, MSG_OK, 0, 7);
    msg_put_u32(&b, "u32", 5);
    msg_put_u64(&b, "u64", 6);
    msg_put_bytes(&b, "unterminated", "abc", 3);
    msg_put_bytes(&b, "two-strings", "a\0b", 4);
    msg_put_bytes(&b, "empty", "", 0);
    msg_put_string(&b, "string", "text");
    size = msg_finish(&b);
    assert_true(size > 0);
    assert_int_equal(msg_decode(frame_buf, (size_t)size, &f), size);

    assert_int_equal(msg_get_u32(&f, 0, "missing", &u32), -MSG_ENOPROP);
    assert_int_equal(msg_get_u32(&f, 0, "u64", &u32), -MSG_EPROPSIZE);
    assert_int_equal(msg_get_u64(&f, 0, "u32", &u64), -MSG_EPROPSIZE);
    assert_int_equal(msg_get_u32(&f, 0, "u32", &u32), 0);
    assert_int_equal(u32, 5);
    assert_int_equal(msg_get_u64(&f, 0, "u64", &u64), 0);
    assert_int_equal(u64, 6);
    assert_int_equal(msg_get_string(&f, 0, "unterminated", &str), -MSG_EPROPSTRING);
    assert_int_equal(msg_get_string(&f, 0, "two-strings", &str), -MSG_EPROPSTRING);
    assert_int_equal(msg_get_string(&f, 0, "empty", &str), -MSG_EPROPSTRING);
    assert_int_equal(msg_get_string(&f, 0, "missing", &str), -MSG_ENOPROP);
    assert_int_equal(msg_get_string(&f, 0, "string", &str), 0);
    assert_string_equal(str, "text");
    assert_int_equal(msg_get_bytes(&f, 0, "empty", &data, &len), 0);
    assert_int_equal(len, 0);
    assert_int_equal(msg_get_bytes(&f, 0, "missing", &data, &len), -MSG_ENOPROP);
    assert_int_equal(msg_get_flag(&f, 0, "empty"), 1);
    assert_int_equal(msg_get_flag(&f, 0, "missing"), 0);
    /* A node offset that is no node finds nothing rather than faulting. */
    assert_int_equal(msg_get_u32(&f, 12345, "u32", &u32), -MSG_ENOPROP);
    assert_string_equal(msg_strerror(-MSG_EPROPSIZE), "property of the wrong size");
    assert_string_equal(msg_strerror(-1000), "unknown error");
}

static void test_builder_limits(void **state)
{
    struct msg_builder b;
    static uint64_t big[(MSG_PAYLOAD_MAX + 4096) / 8];
    static const uint8_t source[MSG_PAYLOAD_MAX];

    /* A buffer too small for the tree, the header, or misaligned. */
    msg_begin(&b, frame_buf, MSG_HEADER_SIZE + 100, MSG_OK, 0, 1);
    msg_put_string(&b, "message", "a string that does not fit in the hundred bytes left of it");
    assert_int_equal(msg_finish(&b), -MSG_ENOSPC);
    msg_begin(&b, frame_buf, MSG_HEADER_SIZE - 1, MSG_OK, 0, 1);
    assert_int_equal(msg_finish(&b), -MSG_ENOSPC);
    msg_begin(&b, frame_buf + 4, 1000, MSG_OK, 0, 1);
    assert_int_equal(msg_finish(&b), -MSG_ENOSPC);
    /* An unknown flag is never sent. */
    msg_begin(&b, frame_buf, FRAME_BUF, MSG_OK, 0x80, 1);
    assert_int_equal(msg_finish(&b), -MSG_ENOSPC);
    /* However large the buffer, a payload stops at the limit. */
    msg_begin(&b, big, sizeof(big), MSG_IMAGE_DATA, 0, 1);
    msg_put_bytes(&b, "data", source, MSG_PAYLOAD_MAX - 64);
    assert_int_equal(msg_finish(&b), -MSG_ENOSPC);
    msg_begin(&b, big, sizeof(big), MSG_IMAGE_DATA, 0, 1);
    msg_put_bytes(&b, "data", source, MSG_CHUNK_MAX);
    assert_true(msg_finish(&b) > MSG_CHUNK_MAX);
}

/* ---- the stream reader ------------------------------------------------- */

/* Several frames of different sizes; request ids name their sample. */
static void several_frames(struct stream *s, struct event *want, size_t *nwant)
{
    static const size_t picks[] = {0, 16, 1, 11, 17, 15};

    for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
        uint32_t id = (uint32_t)(1000 * (i + 1) + picks[i]);

        append_sample(s, picks[i], id);
        want[(*nwant)++] = (struct event){0, id};
    }
}

static void test_every_split(void **state)
{
    struct stream s = {0};
    struct event want[MAX_EVENTS], ev[MAX_EVENTS];
    struct msg_reader r;
    size_t nwant = 0;

    several_frames(&s, want, &nwant);
    for (size_t split = 0; split <= s.len; split++)
        expect_events(ev, run(&s, READER_BUF, split, 0, 0, ev, NULL), want, nwant);
    /* Byte by byte, and through a reader whose buffer holds one frame. */
    expect_events(ev, run(&s, READER_BUF, 0, 1, 0, ev, &r), want, nwant);
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.frames, nwant);
    expect_events(ev, run(&s, 1024, 0, 0, 0, ev, &r), want, nwant);
    assert_int_equal(r.dropped, 0);
    free(s.data);
}

enum damage {
    D_MAGIC,
    D_VERSION,
    D_VERSION_RESEALED,
    D_HEADER_BIT,
    D_HEADER_SUM,
    D_PAYLOAD_SUM,
    D_PAYLOAD_SUM_RESEALED,
    D_PAYLOAD_BYTE,
    D_RESERVED,
    D_FLAGS,
    D_UNALIGNED_LENGTH,
    D_OVERSIZE,
    D_BAD_FDT,
    D_TRUNCATED,
    D_CUT_SHORT,
};

/* Damages the frame at f (len bytes, in a stream); returns the error the
 * reader must report. */
static int damage(uint8_t *f, size_t len, enum damage d)
{
    struct msg_frame fr;
    uint64_t sum;

    switch (d) {
    case D_MAGIC:
        f[1] ^= 0x20;
        return -MSG_EMAGIC;
    case D_VERSION:
        f[MSG_OFF_VERSION] = 2;
        return -MSG_EVERSION;
    case D_VERSION_RESEALED:
        f[MSG_OFF_VERSION + 1] = 1;
        reseal_header(f);
        return -MSG_EVERSION;
    case D_HEADER_BIT:
        f[MSG_OFF_REQUEST_ID] ^= 1;
        return -MSG_EHEADER;
    case D_HEADER_SUM:
        f[MSG_OFF_HEADER_SUM + 7] ^= 0x80;
        return -MSG_EHEADER;
    case D_PAYLOAD_SUM:
        f[MSG_OFF_PAYLOAD_SUM] ^= 4;
        return -MSG_EHEADER;
    case D_PAYLOAD_SUM_RESEALED:
        f[MSG_OFF_PAYLOAD_SUM] ^= 4;
        reseal_header(f);
        return -MSG_EPAYLOAD;
    case D_PAYLOAD_BYTE:
        f[len - 1] ^= 0x40;
        return -MSG_EPAYLOAD;
    case D_RESERVED:
        f[MSG_OFF_RESERVED + 2] = 1;
        reseal_header(f);
        return -MSG_EHEADER;
    case D_FLAGS:
        f[MSG_OFF_FLAGS] |= 2;
        reseal_header(f);
        return -MSG_EHEADER;
    case D_UNALIGNED_LENGTH:
        f[MSG_OFF_LENGTH] -= 4;
        reseal_header(f);
        return -MSG_EHEADER;
    case D_OVERSIZE:
        put_le32(f + MSG_OFF_LENGTH, MSG_PAYLOAD_MAX + 1);
        reseal_header(f);
        return -MSG_EOVERSIZE;
    case D_BAD_FDT:
        /* A tree whose structure block ends with a stray tag, with both
         * checksums right: only fdt_check_full can tell. */
        assert_true(len <= FRAME_BUF);
        memcpy(frame_buf, f, len);
        assert_int_equal(msg_header_read(frame_buf, MSG_PAYLOAD_MAX, &fr, &sum), 0);
        fr.payload = frame_buf + MSG_HEADER_SIZE;
        frame_buf[MSG_HEADER_SIZE + fdt_off_dt_struct(fr.payload) + fdt_size_dt_struct(fr.payload) -
                  1] = 0x7;
        msg_header_write(frame_buf, &fr);
        assert_int_equal(msg_payload_check(&fr, XXH64(fr.payload, fr.length, 0)), -MSG_EFDT);
        memcpy(f, frame_buf, len);
        return -MSG_EFDT;
    case D_TRUNCATED:
        return -MSG_ETRUNCATED;
    case D_CUT_SHORT:
        return -MSG_EPAYLOAD;
    }
    return 0;
}

/*
 * A good frame, a damaged one, two good ones: the error is reported once,
 * the good ones all come through, whatever the split.
 */
static void check_damage(enum damage d)
{
    struct stream s = {0};
    struct event ev[MAX_EVENTS];
    struct msg_reader r;
    size_t bad, bad_len;
    int err;

    append_sample(&s, 2, 1002);
    bad = s.len;
    if (d == D_TRUNCATED) {
        /* A large frame loses its second half; fewer bytes than it
         * declares follow, so the reader waits until told the stream
         * stopped. */
        static const uint8_t data[4096];
        struct msg_builder b;
        long len;

        msg_begin(&b, frame_buf, FRAME_BUF, MSG_IMAGE_DATA, 0, 2016);
        msg_put_bytes(&b, "data", data, sizeof(data));
        len = msg_finish(&b);
        assert_true(len > (long)sizeof(data));
        append(&s, frame_buf, (size_t)len / 2);
    } else {
        append_sample(&s, 16, 2016);
    }
    bad_len = s.len - bad;
    err = damage(s.data + bad, bad_len, d);
    if (d == D_CUT_SHORT) {
        /* Its last bytes are lost, and the frames behind it fill the
         * gap: the payload sum fails, and the scan finds them. */
        s.len -= 10;
    }
    append_sample(&s, 17, 3017);
    append_sample(&s, 0, 4000);

    for (size_t chunk = 0; chunk <= 64; chunk = chunk ? chunk * 4 : 1) {
        const struct event want[] = {{0, 1002}, {err, 0}, {0, 3017}, {0, 4000}};

        expect_events(ev, run(&s, READER_BUF, 0, chunk, d == D_TRUNCATED, ev, &r), want, 4);
        assert_int_equal(r.errors, 1);
        assert_int_equal(r.last_error, -err);
        assert_int_equal(r.frames, 3);
        assert_int_equal(msg_reader_held(&r), 0);
    }
    free(s.data);
}

static void test_bad_magic(void **state)
{
    check_damage(D_MAGIC);
}
static void test_bad_version(void **state)
{
    check_damage(D_VERSION);
    check_damage(D_VERSION_RESEALED);
}
static void test_bad_header_sum(void **state)
{
    check_damage(D_HEADER_BIT);
    check_damage(D_HEADER_SUM);
}
static void test_bad_payload_sum(void **state)
{
    check_damage(D_PAYLOAD_SUM);
    check_damage(D_PAYLOAD_SUM_RESEALED);
    check_damage(D_PAYLOAD_BYTE);
}
static void test_reserved_bits(void **state)
{
    check_damage(D_RESERVED);
    check_damage(D_FLAGS);
    check_damage(D_UNALIGNED_LENGTH);
}
static void test_oversize(void **state)
{
    check_damage(D_OVERSIZE);
}
static void test_bad_fdt(void **state)
{
    check_damage(D_BAD_FDT);
}
static void test_truncated(void **state)
{
    check_damage(D_TRUNCATED);
    check_damage(D_CUT_SHORT);
}

/* An oversize frame is refused from its header: nothing after it is
 * needed, and a reader with a small buffer refuses frames it cannot hold. */
static void test_oversize_from_header(void **state)
{
    struct msg_reader r;
    struct msg_frame f;
    uint8_t hdr[MSG_HEADER_SIZE];
    struct stream s = {0};
    struct event ev[MAX_EVENTS];
    size_t big;

    assert_true(msg_sample_build(&msg_samples[0], 1, frame_buf, FRAME_BUF) > 0);
    memcpy(hdr, frame_buf, sizeof(hdr));
    put_le32(hdr + MSG_OFF_LENGTH, 0xffffffffu);
    reseal_header(hdr);
    assert_int_equal(msg_reader_init(&r, reader_buf, READER_BUF), 0);
    assert_int_equal(msg_reader_feed(&r, hdr, sizeof(hdr)), sizeof(hdr));
    assert_int_equal(msg_reader_next(&r, &f), -MSG_EOVERSIZE);
    assert_int_equal(msg_reader_next(&r, &f), 0);
    assert_int_equal(msg_reader_held(&r), 0);

    /* 2 KiB of image data does not fit a 1 KiB reader; what follows does. */
    {
        static uint8_t chunk[2048];
        struct msg_builder b;
        long len;

        msg_begin(&b, frame_buf, FRAME_BUF, MSG_IMAGE_DATA, 0, 77);
        msg_put_bytes(&b, "data", chunk, sizeof(chunk));
        len = msg_finish(&b);
        assert_true(len > 2048);
        append(&s, frame_buf, (size_t)len);
        big = s.len;
        append_sample(&s, 3, 1003);
    }
    {
        const struct event want[] = {{-MSG_EOVERSIZE, 0}, {0, 1003}};

        expect_events(ev, run(&s, 1024, 0, 0, 0, ev, &r), want, 2);
        assert_true(r.dropped >= big);
    }
    free(s.data);
}

static void test_garbage_prefix(void **state)
{
    static const char junk[] = "login: EXO\0EXOEXOM garbage E";
    struct stream s = {0};
    struct event want[MAX_EVENTS], ev[MAX_EVENTS];
    struct msg_reader r;
    size_t nwant = 2;

    /* Garbage is one error however it arrives; a magic inside it starts
     * a would-be frame, whose header is another. */
    want[0] = (struct event){-MSG_EMAGIC, 0};
    want[1] = (struct event){-MSG_EVERSION, 0};
    append(&s, junk, sizeof(junk));
    several_frames(&s, want, &nwant);
    for (size_t split = 0; split <= sizeof(junk) + MSG_HEADER_SIZE; split++) {
        expect_events(ev, run(&s, READER_BUF, split, 0, 0, ev, &r), want, nwant);
        assert_int_equal(r.errors, 2);
        assert_int_equal(r.dropped, sizeof(junk));
    }
    expect_events(ev, run(&s, READER_BUF, 0, 1, 0, ev, &r), want, nwant);
    free(s.data);
}

/* xorshift64*: the same "random" bytes on every run. */
static uint64_t next_random(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dull;
}

static void test_random_bytes(void **state)
{
    static uint8_t noise[1 << 20];
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    struct msg_reader r;
    struct msg_frame f;
    int rc;

    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof(noise); i++)
            noise[i] = (uint8_t)next_random(&seed);
        /* The second round plants a magic every 100 bytes, so headers are
         * read and refused, not only skipped. */
        for (size_t i = 0; round && i + 4 <= sizeof(noise); i += 100)
            memcpy(noise + i, "EXOM\x01\x00", 6 < sizeof(noise) - i ? 6 : 4);
        assert_int_equal(msg_reader_init(&r, reader_buf, 4096), 0);
        for (size_t off = 0; off < sizeof(noise);) {
            off += msg_reader_feed(&r, noise + off, sizeof(noise) - off);
            while ((rc = msg_reader_next(&r, &f)) != 0)
                assert_true(rc < 0);
        }
        while (msg_reader_flush(&r))
            while ((rc = msg_reader_next(&r, &f)) != 0)
                assert_true(rc < 0);
        assert_int_equal(r.frames, 0);
        assert_true(r.errors > (round ? sizeof(noise) / 100 - 1 : 0));
        assert_int_equal(msg_reader_held(&r), 0);
        assert_int_equal(r.dropped, sizeof(noise));
    }
}

static void test_reader_init(void **state)
{
    struct msg_reader r;

    assert_int_equal(msg_reader_init(&r, reader_buf, MSG_READER_MIN - 1), -MSG_ENOSPC);
    assert_int_equal(msg_reader_init(&r, reader_buf + 1, 4096), -MSG_ENOSPC);
    assert_int_equal(msg_reader_init(&r, reader_buf, READER_BUF + 4096), 0);
    assert_int_equal(r.max_payload, MSG_PAYLOAD_MAX);
    assert_int_equal(msg_reader_flush(&r), 0);
    assert_int_equal(r.errors, 0);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_getters),         cmocka_unit_test(test_builder_limits),
        cmocka_unit_test(test_every_split),     cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_bad_version),     cmocka_unit_test(test_bad_header_sum),
        cmocka_unit_test(test_bad_payload_sum), cmocka_unit_test(test_reserved_bits),
        cmocka_unit_test(test_oversize),        cmocka_unit_test(test_bad_fdt),
        cmocka_unit_test(test_truncated),       cmocka_unit_test(test_oversize_from_header),
        cmocka_unit_test(test_garbage_prefix),  cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_reader_init),     cmocka_unit_test(test_set_request_id),
    };

    return RUN_TESTS(tests);
}
