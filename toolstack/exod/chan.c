/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The management channel's byte transport (chan.h): COM2 driven by its
 * interrupt. Why a UART: QEMU can back one with a Unix-socket chardev (the
 * host end DESIGN.md asks for) on every machine type, Bochs and real
 * machines have one too, and it needs no PCI, DMA or virtqueue code in
 * dom0. The hypervisor keeps COM1 for its console and refuses it to
 * domains; COM2 is an ordinary device the control domain grants itself.
 *
 * Two rings connect the threads with the UART. The receive ring is filled
 * by service() and emptied by chan_read(); the transmit ring is filled by
 * chan_write() and emptied by service(). Each ring has one producer and one
 * consumer, so its indices need only atomic loads and stores. service()
 * runs from the IRQ's event handler, and also from threads (to send at
 * once, restart a stalled receiver, or recover from a lost interrupt). Both
 * run on vCPU 0, so the handler can interrupt a thread but not the other
 * way round: a thread marks itself busy, a handler that finds it so only
 * leaves a note, and the thread runs service() again for it. That costs no
 * hypercall, where masking the port would cost one to unmask it.
 *
 * ISA IRQ 3 is edge-triggered: an interrupt that is still pending when the
 * handler returns leaves the line high and produces no new edge. service()
 * therefore loops until the UART's IIR says nothing is pending, and if it
 * gives up early it pulses IER to make a fresh edge.
 */
#include "chan.h"

#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <exo/time.h>
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* 16550 registers, offsets from the base port. */
#define UART_DATA 0 /* RBR (read), THR (write); DLL with DLAB */
#define UART_IER 1  /* DLM with DLAB */
#define UART_IIR 2  /* read */
#define UART_FCR 2  /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RX 0x01   /* received data or FIFO timeout */
#define IER_TX 0x02   /* transmit holding register empty */
#define IER_LINE 0x04 /* receiver line status */
#define IIR_NONE 0x01 /* no interrupt pending */
#define IIR_ID 0x0e
#define IIR_MODEM 0x00
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on PC boards */
#define FCR_ENABLE 0x01
#define FCR_CLEAR 0x06    /* both FIFOs */
#define FCR_TRIGGER8 0x80 /* receive interrupt at 8 bytes (or the timeout) */
#define LSR_DR 0x01
#define LSR_ERRORS 0x1e /* overrun, parity, framing, break */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define UART_FIFO 16
#define SERVICE_ROUNDS 256 /* 4 KiB of transmit per call at most */
/* Waits look at the UART themselves this often, in case an edge was lost. */
#define WAIT_SLICE_NS 100000000ull

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

_Static_assert((CHAN_RX_RING & (CHAN_RX_RING - 1)) == 0, "a power of two");
_Static_assert((CHAN_TX_RING & (CHAN_TX_RING - 1)) == 0, "a power of two");

static struct {
    int open;
    uint32_t port;             /* the IRQ's event channel */
    uint8_t ier;               /* the interrupts wanted: receive and line status */
    uint8_t hw_ier;            /* what IER holds now */
    int rx_stalled;            /* receive interrupt off: the ring was full */
    uint32_t rx_head, rx_tail; /* free-running; head written by service() */
    uint32_t tx_head, tx_tail; /* tail written by service() */
    uint32_t progress;         /* futex word: bumped when bytes move */
    uint32_t waiters;          /* threads in a futex wait on progress */
    int busy;                  /* a thread is in service() */
    int deferred;              /* the handler came meanwhile */
    struct chan_stats stats;
    uint8_t rx[CHAN_RX_RING];
    uint8_t tx[CHAN_TX_RING];
} chan;

static uint8_t in8(unsigned int reg)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)(CHAN_COM2_BASE + reg)));
    return v;
}

static void out8(unsigned int reg, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"((uint16_t)(CHAN_COM2_BASE + reg)));
}

static uint8_t line_status(void)
{
    uint8_t lsr = in8(UART_LSR);

    /* Reading LSR clears the error bits: count them now or never. */
    if (lsr & LSR_ERRORS)
        chan.stats.line_errors++;
    return lsr;
}

static void set_ier(uint8_t ier)
{
    if (ier != chan.hw_ier) {
        chan.hw_ier = ier;
        out8(UART_IER, ier);
    }
}

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Move the UART's received bytes into the ring; 1 if any moved. When the
 * ring is full the receive interrupt goes off, leaving the bytes in the
 * FIFO and the rest in QEMU's socket: the host waits, nothing is lost. */
static int receive(uint8_t lsr)
{
    uint32_t head = chan.rx_head, tail = load(&chan.rx_tail);
    int moved = 0;

    while (lsr & LSR_DR) {
        if (head - tail == CHAN_RX_RING) {
            if (!chan.rx_stalled)
                chan.stats.rx_stalls++;
            chan.ier &= (uint8_t)~IER_RX;
            set_ier(chan.hw_ier & (uint8_t)~IER_RX);
            chan.rx_stalled = 1;
            break;
        }
        chan.rx[head++ & (CHAN_RX_RING - 1)] = in8(UART_DATA);
        chan.stats.rx_bytes++;
        moved = 1;
        lsr = line_status();
    }
    store(&chan.rx_head, head);
    return moved;
}

/* Refill the transmit FIFO when it is empty; 1 if any byte went. */
static int transmit(uint8_t lsr)
{
    uint32_t tail = chan.tx_tail, head = load(&chan.tx_head);
    int n = 0;

    if (!(lsr & LSR_THRE))
        return 0;
    while (n < UART_FIFO && tail != head) {
        out8(UART_DATA, chan.tx[tail++ & (CHAN_TX_RING - 1)]);
        n++;
    }
    store(&chan.tx_tail, tail);
    chan.stats.tx_bytes += (uint64_t)n;
    return n > 0;
}

static void wake(void)
{
    __atomic_fetch_add(&chan.progress, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&chan.waiters, __ATOMIC_SEQ_CST))
        syscall(SYS_futex, &chan.progress, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/*
 * Everything the UART has for us, until it has nothing pending. The
 * transmit interrupt stays off while service() fills the FIFO: QEMU sends
 * a byte the moment it is written, so THRE would rise (and the hypervisor
 * take an interrupt) for every byte. It is turned on at the end while
 * bytes are still queued or still in the FIFO, so that the end of a send
 * is seen (chan_flush); with THRE set that raises one interrupt at once.
 */
static void service(void)
{
    int moved = 0, quiet = 0;
    uint8_t lsr = 0;

    set_ier(chan.hw_ier & (uint8_t)~IER_TX);
    for (unsigned int round = 0; round < SERVICE_ROUNDS; round++) {
        int sent;
        uint8_t iir;

        lsr = line_status();
        moved |= receive(lsr);
        sent = transmit(lsr);
        moved |= sent;
        /* Reading IIR also acknowledges a transmit interrupt. */
        iir = in8(UART_IIR);
        if ((iir & (IIR_ID | IIR_NONE)) == IIR_MODEM)
            in8(UART_MSR); /* acknowledges it; a socket's lines never change */
        if ((iir & IIR_NONE) && !sent) {
            quiet = 1;
            break;
        }
    }
    if (!quiet)
        set_ier(0); /* still pending: drop the line, so that raising it is an edge */
    if (load(&chan.tx_head) != chan.tx_tail || !(lsr & LSR_TEMT))
        set_ier(chan.ier | IER_TX);
    else
        set_ier(chan.ier);
    if (moved)
        wake();
}

static void on_irq(uint32_t port, void *arg)
{
    (void)port;
    (void)arg;
    chan.stats.interrupts++;
    if (__atomic_load_n(&chan.busy, __ATOMIC_SEQ_CST))
        __atomic_store_n(&chan.deferred, 1, __ATOMIC_SEQ_CST);
    else
        service();
}

/* service() from a thread, and again for every interrupt that came while
 * it ran. */
static void service_now(void)
{
    do {
        __atomic_store_n(&chan.busy, 1, __ATOMIC_SEQ_CST);
        __atomic_store_n(&chan.deferred, 0, __ATOMIC_SEQ_CST);
        if (chan.rx_stalled) {
            chan.rx_stalled = 0;
            chan.ier |= IER_RX;
            set_ier(chan.hw_ier | IER_RX);
        }
        service();
        __atomic_store_n(&chan.busy, 0, __ATOMIC_SEQ_CST);
    } while (__atomic_load_n(&chan.deferred, __ATOMIC_SEQ_CST));
}

static int physdev(long cmd, const void *arg)
{
    return (int)hv_physdev_op(cmd, (long)arg);
}

static int ports(uint32_t allow)
{
    struct hv_physdev_ioport io = {
        .domid = libos_domain_id(), .first = CHAN_COM2_BASE, .count = 8, .allow = allow};

    return physdev(HV_PHYSDEV_ioport_permission, &io);
}

int chan_open(const char **why)
{
    struct hv_physdev_bind_irq irq = {.gsi = CHAN_COM2_GSI, .vcpu = 0};
    int err;

    if (chan.open) {
        *why = "the channel is open already";
        return -HV_EBUSY;
    }
    err = ports(1);
    if (err) {
        *why = "cannot get COM2's I/O ports";
        return err;
    }
    /* No UART answers: the scratch register reads back all ones. */
    out8(UART_SCR, 0x5a);
    if (in8(UART_SCR) != 0x5a) {
        *why = "no UART at COM2 (is the management socket configured?)";
        err = -HV_ENOENT;
        goto out_ports;
    }
    out8(UART_IER, 0);
    chan.hw_ier = 0;
    out8(UART_LCR, LCR_DLAB);
    out8(UART_DATA, 1); /* divisor 1: 115200 baud, QEMU's fastest timing */
    out8(UART_IER, 0);  /* the divisor's high byte */
    out8(UART_LCR, LCR_8N1);
    out8(UART_FCR, FCR_ENABLE | FCR_CLEAR | FCR_TRIGGER8);
    out8(UART_MCR, MCR_DTR_RTS_OUT2);
    (void)line_status();
    (void)in8(UART_MSR);
    (void)in8(UART_IIR);

    err = physdev(HV_PHYSDEV_bind_irq, &irq);
    if (err) {
        *why = "cannot bind IRQ 3";
        goto out_ports;
    }
    memset(&chan.stats, 0, sizeof(chan.stats));
    chan.rx_head = chan.rx_tail = chan.tx_head = chan.tx_tail = 0;
    chan.rx_stalled = 0;
    chan.port = irq.port;
    err = event_bind_handler(chan.port, on_irq, NULL);
    if (err) {
        *why = "cannot bind the IRQ's event handler";
        physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)chan.port);
        goto out_ports;
    }
    chan.open = 1;
    chan.ier = IER_RX | IER_LINE;
    event_mask(chan.port);
    service(); /* turns the interrupts on; takes what came since the reset */
    event_unmask(chan.port);
    return 0;

out_ports:
    ports(0);
    return err;
}

void chan_close(void)
{
    if (!chan.open)
        return;
    event_mask(chan.port);
    chan.ier = 0;
    set_ier(0);
    out8(UART_MCR, 0);
    event_bind_handler(chan.port, NULL, NULL);
    physdev(HV_PHYSDEV_unbind, (void *)(uintptr_t)chan.port);
    ports(0);
    chan.open = 0;
}

long chan_write(const void *buf, size_t len)
{
    uint32_t head = chan.tx_head, tail;
    const uint8_t *p = buf;
    size_t room, n;

    if (!chan.open)
        return -HV_EINVAL;
    tail = load(&chan.tx_tail);
    room = CHAN_TX_RING - (head - tail);
    n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        chan.tx[head++ & (CHAN_TX_RING - 1)] = p[i];
    store(&chan.tx_head, head);
    /* Start sending now rather than at the next interrupt, which may not
     * come: the transmit interrupt is off while the UART is idle. */
    if (n)
        service_now();
    return (long)n;
}

static uint64_t deadline_of(uint64_t timeout_ms)
{
    return timeout_ms ? libos_time_ns() + timeout_ms * 1000000ull : UINT64_MAX;
}

/* Sleep until the channel may have progressed since seen, or deadline;
 * -HV_EAGAIN once the deadline has passed. */
static int wait_progress(uint32_t seen, uint64_t deadline)
{
    uint64_t now = libos_time_ns(), ns;
    struct timespec ts;

    if (now >= deadline)
        return -HV_EAGAIN;
    ns = deadline - now < WAIT_SLICE_NS ? deadline - now : WAIT_SLICE_NS;
    ts.tv_sec = (time_t)(ns / 1000000000ull);
    ts.tv_nsec = (long)(ns % 1000000000ull);
    __atomic_fetch_add(&chan.waiters, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &chan.progress, FUTEX_WAIT, seen, &ts, NULL, 0);
    __atomic_fetch_sub(&chan.waiters, 1, __ATOMIC_SEQ_CST);
    /* A wake that never came (a lost edge) costs one slice, not a hang. */
    if (load(&chan.progress) == seen)
        service_now();
    return 0;
}

long chan_write_all(const void *buf, size_t len, uint64_t timeout_ms)
{
    uint64_t deadline = deadline_of(timeout_ms);
    size_t done = 0;

    while (done < len) {
        uint32_t seen = load(&chan.progress);
        long n = chan_write((const uint8_t *)buf + done, len - done);

        if (n < 0)
            return n;
        done += (size_t)n;
        if (done < len && wait_progress(seen, deadline))
            return done ? (long)done : -HV_EAGAIN;
    }
    return (long)len;
}

int chan_flush(uint64_t timeout_ms)
{
    uint64_t deadline = deadline_of(timeout_ms);

    if (!chan.open)
        return -HV_EINVAL;
    for (;;) {
        uint32_t seen = load(&chan.progress);

        if (load(&chan.tx_tail) == chan.tx_head && (line_status() & LSR_TEMT))
            return 0;
        if (wait_progress(seen, deadline))
            return -HV_EAGAIN;
    }
}

long chan_read(void *buf, size_t len, uint64_t timeout_ms)
{
    uint64_t deadline = deadline_of(timeout_ms);
    uint8_t *p = buf;

    if (!chan.open)
        return -HV_EINVAL;
    if (!len)
        return 0;
    if (!timeout_ms)
        deadline = 0;
    for (int polled = 0;;) {
        uint32_t seen = load(&chan.progress);
        uint32_t tail = chan.rx_tail, head = load(&chan.rx_head);
        size_t n = 0;

        while (n < len && tail != head)
            p[n++] = chan.rx[tail++ & (CHAN_RX_RING - 1)];
        if (n) {
            store(&chan.rx_tail, tail);
            if (chan.rx_stalled)
                service_now(); /* room again: let the UART deliver */
            return (long)n;
        }
        if (!polled) {
            /* Bytes below the FIFO trigger wait for its timeout interrupt;
             * a look now saves that wait. */
            polled = 1;
            service_now();
            continue;
        }
        if (wait_progress(seen, deadline))
            return -HV_EAGAIN;
    }
}

void chan_get_stats(struct chan_stats *stats)
{
    *stats = chan.stats;
}
