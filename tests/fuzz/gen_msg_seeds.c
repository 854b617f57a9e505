/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writes the seed corpus of the message-layer fuzzer (tests/fuzz/msg.c)
 * into the directory given: frame streams built from the unit tests'
 * samples (tests/unit/msg_samples.h), each file a control byte (msg.c's
 * harness) and then the stream. `make fuzz-seeds` runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg_samples.h"

#define STREAM_MAX (64 * 1024)

static uint64_t frame_[8192 / 8];
static uint8_t *const frame = (uint8_t *)frame_;
static uint8_t stream[STREAM_MAX];
static size_t stream_len;

static void add(const void *data, size_t len)
{
    if (stream_len + len > STREAM_MAX) {
        fprintf(stderr, "gen_msg_seeds: stream too long\n");
        exit(1);
    }
    memcpy(stream + stream_len, data, len);
    stream_len += len;
}

/* Appends sample n; returns its offset in the stream. */
static size_t add_sample(size_t n, uint32_t id)
{
    long len = msg_sample_build(&msg_samples[n], id, frame, sizeof(frame_));
    size_t at = stream_len;

    if (len < 0) {
        fprintf(stderr, "gen_msg_seeds: sample %zu: %s\n", n, msg_strerror((int)len));
        exit(1);
    }
    add(frame, (size_t)len);
    return at;
}

static void save(const char *dir, const char *name, uint8_t control)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fputc(control, f) == EOF || fwrite(stream, 1, stream_len, f) != stream_len ||
        fclose(f)) {
        perror(path);
        exit(1);
    }
    stream_len = 0;
}

int main(int argc, char **argv)
{
    size_t at;

    if (argc != 2) {
        fprintf(stderr, "usage: gen_msg_seeds DIR\n");
        return 2;
    }
    /* Every type once, fed whole and in 5-byte pieces. */
    for (size_t n = 0; n < MSG_SAMPLE_COUNT; n++)
        add_sample(n, (uint32_t)n + 1);
    save(argv[1], "all-types", 0);
    for (size_t n = 0; n < MSG_SAMPLE_COUNT; n++)
        add_sample(n, (uint32_t)n + 1);
    save(argv[1], "all-types-split", 5 << 1);
    /* A handshake and its reply. */
    add_sample(0, 1);
    add_sample(16, 1);
    save(argv[1], "hello", 0);
    /* Garbage, then frames. */
    add("login: EXO\0EXOEXOM ", 19);
    add_sample(2, 2);
    add_sample(17, 2);
    save(argv[1], "garbage-prefix", 3 << 1);
    /* A frame with a damaged payload between good ones, resealed by the
     * harness (control bit 0) so the payload reaches fdt_check_full. */
    add_sample(11, 3);
    at = add_sample(15, 4);
    stream[at + MSG_HEADER_SIZE + 9] ^= 0x10;
    add_sample(18, 5);
    save(argv[1], "resealed-damage", 1);
    return 0;
}
