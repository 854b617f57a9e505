/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-VM hypercall fuzzer and its witnesses: what the three roles of
 * hcfuzz.elf agree on. The referee is the control domain; the canary keeps
 * memory under a checksum and a conversation with the referee going; the
 * fuzzer (an ordinary domain) throws seeded random and mutated hypercalls
 * at the hypervisor, aimed also at the other two. Channels and grants are
 * found by their numbers: alloc_unbound hands out the lowest free port and
 * the canary fills its grant references in a fixed order, so nobody needs
 * to be told (and the fuzzer guesses, as an attacker would).
 */
#ifndef HCFUZZ_H
#define HCFUZZ_H

#include <stdint.h>

/* The canary's ports: the conversation with the referee, and one offered
 * to the fuzzer (which may bind it and send on it as fast as it likes). */
#define CANARY_TALK_PORT 1
#define CANARY_FUZZ_PORT 2

/* The canary's grant references: the conversation page (the referee's,
 * read-write), a page of the checksummed region (the fuzzer's, read-only)
 * and a spare page (the fuzzer's, read-write). */
#define CANARY_TALK_REF 0
#define CANARY_RO_REF 1
#define CANARY_RW_REF 2

/* The page the referee and the canary talk through, in the canary's memory:
 * the referee writes ping (and stop, for the last round) and sends an
 * event; the canary checks, writes pong = ping and answers. */
struct talk {
    volatile uint64_t ping;
    volatile uint64_t pong;
    volatile uint64_t stop;
};

/* The roles (main.c picks one from the command line). */
int fuzz_main(uint64_t seed, uint64_t count, uint64_t trace_from);
int canary_main(uint32_t partner, uint32_t fuzzer, uint64_t seed);
int referee_main(uint32_t canary, uint32_t fuzzer);

/* splitmix64: a small PRNG whose whole state is one word, so a seed
 * reproduces a run exactly. */
static inline uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
