/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exod chan-test=BYTES: exercises the management channel's transport
 * against a host-side peer (tests/guest/mgmt-echo.py), in three phases of
 * BYTES bytes each after a handshake and a greeting line:
 *
 *   handshake  the host sends SYN (0x16) every 100 ms until exod answers
 *           one with ACK (0x06), then STX (0x02); exod then sends "exod
 *           chan ready\n". QEMU discards what the guest sends while no
 *           client is connected, and the UART does not say when one
 *           connects, so the host has to speak first;
 *
 *   sink    the host sends; exod replies with the FNV-1a 64 hash of what
 *           it got (8 bytes, little-endian): host -> dom0 throughput;
 *   source  exod sends the xorshift64* stream seeded with that hash, which
 *           the host regenerates and compares: dom0 -> host throughput;
 *   echo    exod sends back every byte the host sends, as it comes;
 *   stall   exod asks for more than its receive ring holds (a 4-byte
 *           little-endian count) and reads nothing until the ring is full
 *           and the UART holds the host back, then reads them all and
 *           replies with their hash: flow control loses nothing;
 *   again   the host disconnects, connects again and shakes hands anew;
 *           then 1 KiB of echo.
 *
 * This is a test mode of the transport, not a protocol: the message layer
 * (toolstack/common/msg.c) defines what really travels on the channel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <exo/time.h>
#include <public/errno.h>

#include "chan.h"

#define READ_TIMEOUT_MS 10000
#define GREETING "exod chan ready\n"
#define SYN 0x16
#define ACK 0x06
#define STX 0x02
#define HANDSHAKE_MS 20000
#define RECONNECT_ECHO 1024

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dull;
}

static void report(const char *phase, size_t bytes, uint64_t start_ns)
{
    uint64_t ns = libos_time_ns() - start_ns;

    printf("exod: chan: %s: %zu bytes in %" PRIu64 " ms (%" PRIu64 " bytes/s)\n", phase, bytes,
           ns / 1000000, ns ? (uint64_t)bytes * UINT64_C(1000000000) / ns : 0);
}

/* Read exactly len bytes (or fail after a silence of READ_TIMEOUT_MS). */
static int read_exactly(uint8_t *buf, size_t len, const char *phase)
{
    for (size_t got = 0; got < len;) {
        long n = chan_read(buf + got, len - got, READ_TIMEOUT_MS);

        if (n < 0) {
            printf("exod: chan: FAIL: %s: %zu of %zu bytes, then nothing for %d ms (error %ld)\n",
                   phase, got, len, READ_TIMEOUT_MS, n);
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

static int write_exactly(const void *buf, size_t len, const char *phase)
{
    long n = chan_write_all(buf, len, READ_TIMEOUT_MS);

    if (n != (long)len) {
        printf("exod: chan: FAIL: %s: sent %ld of %zu bytes\n", phase, n, len);
        return -1;
    }
    return 0;
}

/* Answer SYNs until the host's STX; 0, or -1 if it never comes. */
static int handshake(void)
{
    uint64_t deadline = libos_time_ns() + HANDSHAKE_MS * 1000000ull;
    unsigned int syns = 0, other = 0;

    while (libos_time_ns() < deadline) {
        uint8_t c, ack = ACK;
        long n = chan_read(&c, 1, 1000);

        if (n == -HV_EAGAIN)
            continue;
        if (n < 0)
            break;
        if (c == STX) {
            printf("exod: chan: the host is there (%u SYN, %u other bytes before its STX)\n", syns,
                   other);
            return 0;
        }
        if (c != SYN) {
            other++;
            continue;
        }
        syns++;
        if (write_exactly(&ack, 1, "handshake"))
            break;
    }
    printf("exod: chan: FAIL: no host came within %d ms\n", HANDSHAKE_MS);
    return -1;
}

/* A host connected: the handshake, then the greeting. */
static int greet(void)
{
    if (handshake())
        return -1;
    return write_exactly(GREETING, strlen(GREETING), "greeting");
}

static int sink(size_t bytes, uint64_t *hash)
{
    uint8_t buf[512], out[8];
    uint64_t start = 0, h = 0xcbf29ce484222325ull;

    for (size_t done = 0; done < bytes;) {
        size_t n = bytes - done < sizeof(buf) ? bytes - done : sizeof(buf);

        if (read_exactly(buf, n, "sink"))
            return -1;
        if (!done)
            start = libos_time_ns();
        h = fnv1a(h, buf, n);
        done += n;
    }
    report("sink (host to dom0)", bytes, start);
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(h >> (8 * i));
    *hash = h;
    return write_exactly(out, sizeof(out), "sink hash");
}

static int source(size_t bytes, uint64_t seed)
{
    uint64_t x = seed ? seed : 1, start = libos_time_ns();
    uint8_t buf[512];

    for (size_t done = 0; done < bytes;) {
        size_t n = bytes - done < sizeof(buf) ? bytes - done : sizeof(buf);

        for (size_t i = 0; i < n; i += 8) {
            uint64_t r = xorshift(&x);

            for (size_t j = 0; j < 8 && i + j < n; j++)
                buf[i + j] = (uint8_t)(r >> (8 * j));
        }
        if (write_exactly(buf, n, "source"))
            return -1;
        done += n;
    }
    if (chan_flush(READ_TIMEOUT_MS)) {
        printf("exod: chan: FAIL: source: the UART did not drain\n");
        return -1;
    }
    report("source (dom0 to host)", bytes, start);
    return 0;
}

static int echo(size_t bytes)
{
    uint64_t start = 0;
    uint8_t buf[256];

    for (size_t done = 0; done < bytes;) {
        size_t want = bytes - done < sizeof(buf) ? bytes - done : sizeof(buf);
        long n = chan_read(buf, want, READ_TIMEOUT_MS);

        if (n < 0) {
            printf("exod: chan: FAIL: echo: %zu of %zu bytes, then nothing for %d ms\n", done,
                   bytes, READ_TIMEOUT_MS);
            return -1;
        }
        if (!done)
            start = libos_time_ns();
        if (write_exactly(buf, (size_t)n, "echo"))
            return -1;
        done += (size_t)n;
    }
    if (chan_flush(READ_TIMEOUT_MS))
        return -1;
    report("echo (both ways)", bytes, start);
    return 0;
}

static int stall(void)
{
    const uint32_t bytes = CHAN_RX_RING + 4096;
    uint8_t ask[4] = {(uint8_t)bytes, (uint8_t)(bytes >> 8), (uint8_t)(bytes >> 16), 0};
    struct timespec pause = {0, 10000000};
    uint64_t h = 0xcbf29ce484222325ull, start, waited;
    uint8_t buf[512], out[8];
    struct chan_stats before, now;

    chan_get_stats(&before);
    if (write_exactly(ask, sizeof(ask), "stall") || chan_flush(READ_TIMEOUT_MS))
        return -1;
    start = libos_time_ns();
    do {
        nanosleep(&pause, NULL);
        chan_get_stats(&now);
        waited = (libos_time_ns() - start) / 1000000;
    } while (now.rx_stalls == before.rx_stalls && waited < READ_TIMEOUT_MS);
    if (now.rx_stalls == before.rx_stalls) {
        printf("exod: chan: FAIL: stall: the receive ring did not fill in %d ms\n",
               READ_TIMEOUT_MS);
        return -1;
    }
    for (size_t done = 0; done < bytes;) {
        size_t n = bytes - done < sizeof(buf) ? bytes - done : sizeof(buf);

        if (read_exactly(buf, n, "stall"))
            return -1;
        h = fnv1a(h, buf, n);
        done += n;
    }
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(h >> (8 * i));
    printf("exod: chan: stall: %u bytes, the ring full after %" PRIu64 " ms, fnv1a64 %016" PRIx64
           "\n",
           bytes, waited, h);
    return write_exactly(out, sizeof(out), "stall hash") || chan_flush(READ_TIMEOUT_MS) ? -1 : 0;
}

int chan_test(const char *arg)
{
    struct chan_stats s;
    const char *why;
    char *end;
    unsigned long long bytes = strtoull(arg, &end, 10);
    uint64_t hash = 0;
    int err;

    if (end == arg || *end || !bytes || bytes > (1ull << 30)) {
        printf("exod: chan-test=%s: not a number of bytes (1 to 1 GiB)\n", arg);
        return 125;
    }
    err = chan_open(&why);
    if (err) {
        printf("exod: chan: FAIL: %s (error %d)\n", why, err);
        return 1;
    }
    printf("exod: chan: COM2 open, IRQ 3 as an event\n");
    err = greet();
    if (!err)
        err = sink((size_t)bytes, &hash);
    if (!err)
        printf("exod: chan: sink: fnv1a64 %016" PRIx64 "\n", hash);
    if (!err)
        err = source((size_t)bytes, hash);
    if (!err)
        err = echo((size_t)bytes);
    if (!err)
        err = stall();
    /* The host closes the socket and connects again: the channel sees
     * nothing of it but a new handshake. */
    if (!err)
        err = greet();
    if (!err)
        err = echo(RECONNECT_ECHO);
    chan_get_stats(&s);
    printf("exod: chan: %" PRIu64 " bytes in, %" PRIu64 " out, %" PRIu64 " interrupts, %" PRIu64
           " receive stalls, %" PRIu64 " line errors\n",
           s.rx_bytes, s.tx_bytes, s.interrupts, s.rx_stalls, s.line_errors);
    chan_close();
    printf("exod: chan: %s\n", err ? "FAIL" : "done");
    return err ? 1 : 0;
}
