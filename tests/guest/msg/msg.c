/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The management protocol's message layer (toolstack/libexo/msg*.c) built
 * for the library OS, as exod links it, and run there: every message type
 * round-trips; a stream of frames split at every byte boundary comes out
 * whole; each kind of damage is reported and the next frame still comes
 * out, at every split too; random bytes never make a frame. Results are
 * TAP lines on the console.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "msg.h"
#include "msg_samples.h"

#define READER_SIZE (64 * 1024)
#define MAX_EVENTS 32

static uint64_t reader_buf[READER_SIZE / 8];
static uint64_t frame_[8192 / 8];
static uint8_t *const frame = (uint8_t *)frame_;
static uint8_t stream[16384];
static size_t stream_len;
static int test_number;

static int report(int ok, const char *what)
{
    printf("%s %d - %s\n", ok ? "ok" : "not ok", ++test_number, what);
    return ok ? 0 : 1;
}

static size_t add_sample(size_t n, uint32_t id)
{
    long len = msg_sample_build(&msg_samples[n], id, frame, sizeof(frame_));
    size_t at = stream_len;

    if (len < 0 || stream_len + (size_t)len > sizeof(stream)) {
        printf("msg: FAIL: sample %zu does not build: %s\n", n, msg_strerror((int)len));
        exit(1);
    }
    memcpy(stream + stream_len, frame, (size_t)len);
    stream_len += (size_t)len;
    return at;
}

/* Feeds the stream, first split bytes then the rest; events are request
 * ids of frames (each checked against its sample) or negative errors. */
static size_t run(size_t split, long *events)
{
    struct msg_reader r;
    struct msg_frame f;
    size_t n = 0, off = 0;
    int rc;

    if (msg_reader_init(&r, reader_buf, sizeof(reader_buf)))
        return 0;
    while (off < stream_len) {
        size_t len = off < split ? split - off : stream_len - off;

        off += msg_reader_feed(&r, stream + off, len);
        while ((rc = msg_reader_next(&r, &f)) != 0 && n < MAX_EVENTS) {
            if (rc > 0 && msg_sample_check(&msg_samples[f.request_id % 100], &f))
                rc = -1000;
            events[n++] = rc > 0 ? (long)f.request_id : rc;
        }
    }
    return n;
}

/* Every split of the stream gives the events in want. */
static int every_split(const long *want, size_t nwant)
{
    long events[MAX_EVENTS];

    for (size_t split = 0; split <= stream_len; split++)
        if (run(split, events) != nwant || memcmp(events, want, nwant * sizeof(long))) {
            printf("msg: FAIL: split at byte %zu of %zu\n", split, stream_len);
            return 0;
        }
    return 1;
}

static void reseal(uint8_t *h)
{
    uint64_t sum = XXH64(h, MSG_OFF_HEADER_SUM, 0);

    for (int i = 0; i < 8; i++)
        h[MSG_OFF_HEADER_SUM + i] = (uint8_t)(sum >> (8 * i));
}

int main(void)
{
    static const size_t picks[] = {0, 16, 1, 11, 17, 15, 8};
    static const struct {
        int offset, value, reseal;
        long error;
        const char *what;
    } damage[] = {
        {1, 'x', 0, -MSG_EMAGIC, "magic"},
        {MSG_OFF_VERSION, 2, 0, -MSG_EVERSION, "version"},
        {MSG_OFF_REQUEST_ID, 0x55, 0, -MSG_EHEADER, "header checksum"},
        {MSG_OFF_LENGTH + 3, 0x10, 1, -MSG_EOVERSIZE, "length over the limit"},
        {-1, 0x40, 0, -MSG_EPAYLOAD, "payload checksum"},
    };
    long want[MAX_EVENTS];
    int failures = 0, ok = 1;
    struct msg_reader r;
    struct msg_frame f;
    uint64_t x = 88172645463325252ull;

    for (size_t n = 0; n < MSG_SAMPLE_COUNT; n++) {
        long len = msg_sample_build(&msg_samples[n], (uint32_t)n, frame, sizeof(frame_));

        if (len < 0 || msg_decode(frame, (size_t)len, &f) != len ||
            msg_sample_check(&msg_samples[n], &f))
            ok = 0;
    }
    failures += report(ok, "every message type round-trips");

    for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
        add_sample(picks[i], (uint32_t)(100 * (i + 1) + picks[i]));
        want[i] = (long)(100 * (i + 1) + picks[i]);
    }
    failures += report(every_split(want, sizeof(picks) / sizeof(picks[0])),
                       "a stream of 7 frames split at every byte boundary");

    for (size_t d = 0; d < sizeof(damage) / sizeof(damage[0]); d++) {
        char what[96];
        size_t bad;

        stream_len = 0;
        add_sample(2, 102);
        bad = add_sample(16, 216);
        add_sample(17, 317);
        stream[bad + (damage[d].offset < 0 ? MSG_HEADER_SIZE + 20 : (size_t)damage[d].offset)] ^=
            (uint8_t)damage[d].value;
        if (damage[d].reseal)
            reseal(stream + bad);
        want[0] = 102;
        want[1] = damage[d].error;
        want[2] = 317;
        snprintf(what, sizeof(what), "bad %s reported, then the next frame, at every split",
                 damage[d].what);
        failures += report(every_split(want, 3), what);
    }

    ok = msg_reader_init(&r, reader_buf, sizeof(reader_buf)) == 0;
    for (int i = 0; i < 256 * 1024; i++) {
        uint8_t byte;
        int rc;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        byte = (uint8_t)x;
        if (msg_reader_feed(&r, &byte, 1) != 1)
            ok = 0;
        while ((rc = msg_reader_next(&r, &f)) != 0)
            if (rc > 0)
                ok = 0;
    }
    printf("msg: 256 KiB of random bytes: %llu frames, %llu errors\n", (unsigned long long)r.frames,
           (unsigned long long)r.errors);
    failures += report(ok && r.frames == 0, "random bytes never make a frame");
    return failures ? 1 : 0;
}
