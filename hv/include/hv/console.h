/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor as every domain's console back end (public/console.h is
 * the guest's side): it drains a domain's output ring into the serial log
 * when the domain notifies (console_ring.c), and feeds the bytes typed on
 * the serial line into the input ring of the domain that has the console
 * focus, domain 0 until Ctrl-A typed three times moves it on
 * (console_input.c), raising HV_VIRQ_CONSOLE. The serial line is polled:
 * on each scheduling pass of CPU 0 and, while some domain has
 * HV_VIRQ_CONSOLE bound (it waits for input), at least every
 * CONSOLE_POLL_NS, idle or not. Otherwise an idle CPU stays without a
 * tick.
 *
 * Locking: callers hold the hypervisor lock (hv_lock()).
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/domain.h>
#include <hv/event.h>

/* How often the line is polled while a domain waits for input: 10 ms (the
 * input latency), or 1 ms while bytes keep coming. A 16550's FIFO holds 16
 * bytes, 1.4 ms at 115200 baud: a line without flow control (QEMU's
 * chardevs have it) can overrun during a paste. */
#define CONSOLE_POLL_NS 10000000ull
#define CONSOLE_POLL_BUSY_NS 1000000ull

/* Print what d's output ring holds (its console_write of length 0). A ring
 * with impossible indices is clipped to its size and reported once; a ring
 * page that is not d's own memory prints nothing (reported once too). */
void console_ring_drain(struct domain *d);

/* Put up to len bytes of input into d's input ring and raise
 * HV_VIRQ_CONSOLE if any went in. Returns how many went in (0 when the
 * ring is full, or broken: then reported once). */
size_t console_ring_put_input(struct domain *d, const char *buf, size_t len);

/* Move waiting serial input into the focus domain's input ring, switching
 * the focus on three Ctrl-A. Input for a focus domain that is gone is
 * dropped; input that does not fit stays in the UART. */
void console_input_poll(void);

/* Whether someone waits for input, so the serial line needs polling even
 * when the CPU would otherwise sleep. */
static inline bool console_input_wanted(void)
{
    /* Someone waiting for input, whoever has the focus: it may be given
     * to them. One counter, not a walk of the domains (a stopped domain's
     * binding counts until it goes). */
    return event_virq_bound_anywhere(HV_VIRQ_CONSOLE);
}

/* The polling period while console_input_wanted(): CONSOLE_POLL_BUSY_NS if
 * the last poll found bytes, else CONSOLE_POLL_NS. */
uint64_t console_input_period(void);

#endif
