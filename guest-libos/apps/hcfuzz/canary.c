/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The canary: 1 MiB of its memory filled from a seed and kept under an
 * XXH64 checksum, checked every CHECK_EVERY exchanges and at the end, while
 * it answers the referee's pings through a granted page and an event
 * channel. It also offers the fuzzer a port and two grants (hcfuzz.h), one
 * of them a read-only page of the region: whatever the fuzzer does with
 * them, the region must not change and the conversation must go on. The
 * last exchange (the referee sets stop) ends with the verdict, "intact" or
 * FAIL.
 */
#include <exo/event.h>
#include <exo/grant.h>
#include <exo/hypercall.h>
#include <stdio.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "hcfuzz.h"

#define REGION_BYTES (1u << 20)
#define CHECK_EVERY 64
#define PAGE_BYTES 4096u

static uint8_t region[REGION_BYTES] __attribute__((aligned(PAGE_BYTES)));
static struct talk talk_page __attribute__((aligned(PAGE_BYTES)));
static uint8_t spare_page[PAGE_BYTES] __attribute__((aligned(PAGE_BYTES)));

/* Nobody but the hypervisor could write there (the region is granted
 * read-only, to the fuzzer alone): any change is its fault. */
static int region_intact(uint64_t want)
{
    return XXH64(region, sizeof(region), 0) == want;
}

static int set_up(uint32_t partner, uint32_t fuzzer)
{
    uint32_t port;
    int err;

    err = grant_init();
    if (!err)
        err = grant_access(CANARY_TALK_REF, (uint16_t)partner, &talk_page, 0);
    if (!err)
        err = grant_access(CANARY_RO_REF, (uint16_t)fuzzer, &region[REGION_BYTES / 2], 1);
    if (!err)
        err = grant_access(CANARY_RW_REF, (uint16_t)fuzzer, spare_page, 0);
    if (err) {
        printf("canary: FAIL: cannot grant its pages (%d)\n", err);
        return err;
    }
    err = event_alloc_unbound(partner, &port);
    if (err || port != CANARY_TALK_PORT) {
        printf("canary: FAIL: port for d%u: %u, error %d\n", partner, port, err);
        return err ? err : -1;
    }
    err = event_alloc_unbound(fuzzer, &port);
    if (err || port != CANARY_FUZZ_PORT) {
        printf("canary: FAIL: port for d%u: %u, error %d\n", fuzzer, port, err);
        return err ? err : -1;
    }
    return 0;
}

int canary_main(uint32_t partner, uint32_t fuzzer, uint64_t seed)
{
    uint64_t rng = seed, want, last = 0, checks = 0, poked = 0;

    for (size_t i = 0; i < sizeof(region); i += 8) {
        uint64_t v = splitmix64(&rng);

        __builtin_memcpy(&region[i], &v, sizeof(v));
    }
    want = XXH64(region, sizeof(region), 0);
    if (set_up(partner, fuzzer))
        return 1;
    printf("canary: 1 MiB under XXH64 %016llx; talking with d%u, offering d%u a port and "
           "grants\n", (unsigned long long)want, partner, fuzzer);
    for (;;) {
        uint64_t ping;
        int stop, err;

        err = event_wait(CANARY_TALK_PORT);
        /* Events from the fuzzer only count: they must not get in the way. */
        poked += (uint64_t)event_test_and_clear(CANARY_FUZZ_PORT);
        ping = talk_page.ping;
        stop = talk_page.stop != 0;
        if (err || ping != last + 1) {
            printf("canary: FAIL: exchange %llu: got ping %llu (error %d)\n",
                   (unsigned long long)(last + 1), (unsigned long long)ping, err);
            return 1;
        }
        last = ping;
        if (stop || last % CHECK_EVERY == 0) {
            checks++;
            if (!region_intact(want)) {
                printf("canary: FAIL: its region changed (XXH64 %016llx, was %016llx) after "
                       "%llu exchanges\n", (unsigned long long)XXH64(region, sizeof(region), 0),
                       (unsigned long long)want, (unsigned long long)last);
                return 1; /* unanswered: the referee sees it too */
            }
        }
        talk_page.pong = ping;
        err = event_send(CANARY_TALK_PORT);
        if (err) {
            printf("canary: FAIL: cannot answer exchange %llu (%d)\n", (unsigned long long)last,
                   err);
            return 1;
        }
        if (stop)
            break;
    }
    printf("canary: region intact (XXH64 %016llx, %llu checks) after %llu exchanges; "
           "the fuzzer's port was found pending %llu times\n", (unsigned long long)want,
           (unsigned long long)checks, (unsigned long long)last, (unsigned long long)poked);
    return 0;
}
