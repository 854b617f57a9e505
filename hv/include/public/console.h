/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console ring: one page of the domain's own memory, at
 * HV_GUEST_CONSOLE_GPA (the start-info tree's hypervisor/console-ring),
 * shared between the guest and its console back end (today the hypervisor,
 * which prints output on its serial line and feeds it the serial input).
 *
 * Two single-producer, single-consumer byte rings:
 *   out: the guest produces (out_prod), the back end consumes (out_cons);
 *   in:  the back end produces (in_prod), the guest consumes (in_cons).
 * Indices are free-running 32-bit counters: they only grow (wrapping at
 * 2^32), the bytes waiting are prod - cons (unsigned arithmetic), and byte
 * i lives at ring[i & (size - 1)]. A ring is full when prod - cons == size.
 * Each side writes only its own index and the bytes it produces.
 *
 * Memory ordering (what each side does, in this order):
 *   producer: write the bytes; release barrier; store prod.
 *   consumer: load prod; acquire barrier; read the bytes; release
 *             barrier; store cons.
 * On x86 the barriers are compiler barriers (stores are not reordered with
 * older stores, loads not with older loads).
 *
 * Notification. After producing output (and after consuming input, so that
 * the back end may refill), the guest makes console_write with len 0
 * (buf_gpa is ignored): the hypervisor drains the output ring before the
 * call returns and looks for waiting input. The back end raises
 * HV_VIRQ_CONSOLE (public/event.h) when it has put bytes in the input ring.
 *
 * The back end trusts nothing it reads: if prod - cons exceeds the ring
 * size, it takes the last size bytes of output (input: it writes nothing)
 * and reports the domain once.
 */
#ifndef HV_PUBLIC_CONSOLE_H
#define HV_PUBLIC_CONSOLE_H

#include <stdint.h>

#define HV_CONSOLE_IN_SIZE 1024u  /* bytes of the input ring; a power of two */
#define HV_CONSOLE_OUT_SIZE 2048u /* bytes of the output ring; a power of two */

/* The position of free-running index idx in a ring of size bytes. */
#define HV_CONSOLE_MASK(idx, size) ((idx) & ((size) - 1u))

struct hv_console_ring {
    char in[HV_CONSOLE_IN_SIZE];   /* OUT: input, written by the back end */
    char out[HV_CONSOLE_OUT_SIZE]; /* IN: output, written by the guest */
    uint32_t in_cons;              /* IN: input bytes the guest has taken */
    uint32_t in_prod;              /* OUT: input bytes the back end has put */
    uint32_t out_cons;             /* OUT: output bytes the back end has taken */
    uint32_t out_prod;             /* IN: output bytes the guest has put */
};
_Static_assert(sizeof(struct hv_console_ring) == 3088, "console ring layout");
_Static_assert((HV_CONSOLE_IN_SIZE & (HV_CONSOLE_IN_SIZE - 1)) == 0, "input ring size");
_Static_assert((HV_CONSOLE_OUT_SIZE & (HV_CONSOLE_OUT_SIZE - 1)) == 0, "output ring size");

#endif
