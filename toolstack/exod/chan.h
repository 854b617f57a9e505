/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The management channel's byte transport in domain 0: a reliable,
 * interrupt-driven byte stream over the second 16550 UART (COM2, I/O ports
 * 0x2f8-0x2ff, ISA IRQ 3), which QEMU connects to a Unix socket on the host
 * (docs/toolstack.md, "The management channel"). It moves bytes and nothing
 * else: framing, integrity and resynchronisation belong to the message
 * layer above it.
 *
 * Reliable means no byte is dropped inside the guest: when the receive ring
 * is full, the UART's receive interrupt is switched off, its FIFO fills up
 * and QEMU stops reading the socket, so a fast host waits instead of losing
 * data. A UART gives no sign of the host connecting or going away (QEMU
 * keeps the modem lines fixed for a socket), so a new peer is noticed only
 * by what it sends.
 *
 * All calls come from threads of vCPU 0 (the interrupt's event notifies
 * vCPU 0, where the handler runs); one reader and one writer at a time.
 * Functions return 0 or a byte count, or a negative -HV_Exxx.
 */
#ifndef EXOD_CHAN_H
#define EXOD_CHAN_H

#include <stddef.h>
#include <stdint.h>

#define CHAN_COM2_BASE 0x2f8u
#define CHAN_COM2_GSI 3u

/* Ring sizes, powers of two. The receive ring holds what arrives while
 * exod is busy elsewhere; the transmit ring is what write can queue. */
#define CHAN_RX_RING 16384u
#define CHAN_TX_RING 16384u

struct chan_stats {
    uint64_t rx_bytes;    /* bytes put in the receive ring */
    uint64_t tx_bytes;    /* bytes written to the UART */
    uint64_t interrupts;  /* events handled */
    uint64_t rx_stalls;   /* times the receive ring was full (flow control) */
    uint64_t line_errors; /* overrun, parity, framing or break seen by the UART */
};

/*
 * Take the UART's ports (physdev ioport_permission for this domain), bind
 * its IRQ as an event channel with a handler, program it (115200 8N1,
 * FIFOs on, receive trigger at 8 bytes) and enable its receive and
 * line-status interrupts. Bytes that reached the UART before this are
 * discarded with its FIFO. Returns 0, -HV_EBUSY if already open, or the
 * error of the step that failed (-HV_EPERM: not the control domain),
 * having undone the others; *why then says which step.
 */
int chan_open(const char **why) __attribute__((warn_unused_result));

/* Undo chan_open: interrupts off, the event unbound, the ports given back. */
void chan_close(void);

/*
 * Queue up to len bytes for sending without blocking; returns how many
 * were queued (0 if the transmit ring is full), or -HV_EINVAL if the
 * channel is not open. The transmit interrupt drains the ring.
 */
long chan_write(const void *buf, size_t len);

/*
 * Queue all len bytes, waiting for ring space as the UART drains it, for at
 * most timeout_ms (0: no limit) in all. Returns len, or the number queued
 * so far if the time ran out (-HV_EAGAIN if that is none).
 */
long chan_write_all(const void *buf, size_t len, uint64_t timeout_ms);

/* Wait until every queued byte has left the UART (or timeout_ms passed:
 * -HV_EAGAIN; 0 means no limit). */
int chan_flush(uint64_t timeout_ms);

/*
 * Read up to len bytes: whatever the receive ring holds, at least one byte,
 * waiting for at most timeout_ms (0: return at once). Returns the count,
 * -HV_EAGAIN if nothing came in time, or -HV_EINVAL if the channel is not
 * open.
 */
long chan_read(void *buf, size_t len, uint64_t timeout_ms);

/* A snapshot of the counters. */
void chan_get_stats(struct chan_stats *stats);

/* exod chan-test=BYTES (chan_test.c): the transport against the host's
 * tests/guest/mgmt-echo.py. Returns exod's exit code, 0 if all went well. */
int chan_test(const char *bytes);

#endif
