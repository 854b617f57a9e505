/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console behind file descriptors 0-2 (file.c routes them here).
 * stdout and stderr write into the domain's console ring (public/console.h)
 * and notify the back end once per write call; stdin takes bytes from the
 * ring's input side, sleeping for HV_VIRQ_CONSOLE while it is empty unless
 * the descriptor is non-blocking. Before console_init() names the ring,
 * output goes through the console_write hypercall and input is at end of
 * file. The three report a terminal size so that musl line-buffers stdout
 * (it asks with TIOCGWINSZ and fully buffers anything that is not a
 * terminal). Also the library OS's own log, which bypasses stdio and the
 * ring: crash reports must get out whatever state the ring is in.
 */
#include <errno.h>
#include <exo/event.h>
#include <exo/hypercall.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "private.h"

#define CONSOLE_COLUMNS 80
#define CONSOLE_ROWS 24
#define IOVEC_MAX 1024 /* Linux's UIO_MAXIOV */
#define NULL_PAGE 4096 /* never mapped: a pointer below is a fault */

static struct hv_console_ring *ring;  /* NULL until console_init() */
static uint32_t input_port;           /* HV_VIRQ_CONSOLE's port, once bound */
static int output_lock;               /* one writer of out_prod at a time */

void console_init(uint64_t ring_gpa)
{
    /* start_info_parse() checked it is where the ABI puts it. */
    ring = (struct hv_console_ring *)(uintptr_t)ring_gpa; /* identity-mapped */
}

/* Tell the back end the ring has news: output to take, or input room.
 * The hypervisor drains the output before this returns. (A back end that
 * is a domain will be told through an event channel instead: this is the
 * one place to change.) */
static void console_notify(void)
{
    hv_console_write(0, 0);
}

/* The early and last-resort path: straight to the hypervisor. */
static int console_write_hypercall(const char *s, size_t len)
{
    while (len) {
        long n = hv_console_write((long)(uintptr_t)s, (long)len);

        if (n <= 0)
            return -EFAULT; /* the only reason the hypercall gives */
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

static void ring_write(const char *s, size_t len)
{
    while (__atomic_exchange_n(&output_lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
    while (len) {
        uint32_t cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
        uint32_t prod = ring->out_prod, used = prod - cons, space, n, at, first;

        /* Full (or a back end gone wrong): have it drained, and never drop
         * output. The hypervisor drains before the notify returns; a back
         * end that is a domain may need its CPU time first. */
        if (used >= HV_CONSOLE_OUT_SIZE) {
            console_notify();
            if (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) == cons)
                hv_sched_op(HV_SCHED_yield, 0, 0);
            continue;
        }
        space = HV_CONSOLE_OUT_SIZE - used;
        n = len < space ? (uint32_t)len : space;
        at = HV_CONSOLE_MASK(prod, HV_CONSOLE_OUT_SIZE);
        first = n < HV_CONSOLE_OUT_SIZE - at ? n : HV_CONSOLE_OUT_SIZE - at;
        memcpy(ring->out + at, s, first);
        memcpy(ring->out, s + first, n - first);
        __atomic_store_n(&ring->out_prod, prod + n, __ATOMIC_RELEASE);
        s += n;
        len -= n;
    }
    __atomic_store_n(&output_lock, 0, __ATOMIC_RELEASE);
    console_notify();
}

int console_write(const char *s, size_t len)
{
    if (!ring)
        return console_write_hypercall(s, len);
    if (len && (uintptr_t)s < NULL_PAGE)
        return -EFAULT;
    ring_write(s, len);
    return 0;
}

void libos_log(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        console_write_hypercall(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Bind HV_VIRQ_CONSOLE once; returns whether it is bound. Binding also
 * tells the hypervisor someone waits for input, so it polls the serial
 * line while the CPU idles. */
static int input_virq_bound(void)
{
    if (!input_port && event_bind_virq(HV_VIRQ_CONSOLE, 0, &input_port))
        input_port = 0;
    return input_port != 0;
}

/*
 * Sleep until the back end may have put input in the ring. The one place
 * that waits: for vCPU 0, which HV_VIRQ_CONSOLE notifies. Returns at once
 * after binding the VIRQ, as input that came before could have raised
 * nothing: the caller looks at the ring again.
 */
static void console_wait_input(void)
{
    if (!input_port) {
        if (!input_virq_bound())
            hv_sched_op(HV_SCHED_yield, 0, 0); /* no port: poll gently */
        return;
    }
    event_wait(input_port);
}

int console_input_ready(void)
{
    if (!ring)
        return 0;
    /* Whoever asks is about to wait: let the VIRQ wake them. */
    input_virq_bound();
    return __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE) != ring->in_cons;
}

/*
 * Up to len bytes of input, at most one line (as a terminal in canonical
 * mode gives): a carriage return, which is what the Enter key sends on a
 * serial line, reads as a newline (the terminal's ICRNL). With nonblock
 * (O_NONBLOCK, or a readv that has some bytes already) it never waits.
 */
long console_read(void *buf, size_t len, int nonblock)
{
    char *out = buf;

    if (!ring || !len)
        return 0;
    if ((uintptr_t)buf < NULL_PAGE)
        return -EFAULT;
    for (;;) {
        uint32_t prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
        uint32_t cons = ring->in_cons;
        size_t n = 0;

        if (prod != cons) {
            while (n < len && cons != prod) {
                char c = ring->in[HV_CONSOLE_MASK(cons, HV_CONSOLE_IN_SIZE)];

                cons++;
                out[n++] = c == '\r' ? '\n' : c;
                if (c == '\n' || c == '\r')
                    break;
            }
            __atomic_store_n(&ring->in_cons, cons, __ATOMIC_RELEASE);
            console_notify(); /* room for more */
            return (long)n;
        }
        if (nonblock)
            return -EAGAIN;
        console_wait_input();
    }
}

long console_writev(const struct iovec *iov, long count)
{
    long total = 0;

    if (count < 0 || count > IOVEC_MAX)
        return -EINVAL;
    for (long i = 0; i < count; i++) {
        int err = console_write(iov[i].iov_base, iov[i].iov_len);

        /* Like Linux: a fault after some bytes went out is a short write. */
        if (err)
            return total ? total : err;
        total += (long)iov[i].iov_len;
    }
    return total;
}

long console_ioctl(unsigned long request, void *arg)
{
    struct winsize *ws = arg;

    if (request != TIOCGWINSZ)
        return -ENOTTY;
    *ws = (struct winsize){.ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLUMNS};
    return 0;
}
