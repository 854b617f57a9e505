/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * poll, ppoll, select and pselect6, over what file.c says each descriptor
 * is ready for (file_poll): tree files and directories are always ready,
 * the console always writable, and stdin readable when console.c says
 * input is waiting.
 *
 * Nothing announces a change of readiness yet, so a call that has to wait
 * blocks the calling thread until any event or its deadline
 * (event_wait_any, thread.h) and checks every descriptor again after each
 * wake-up, whatever woke it: the timer, or an event such as the one
 * console input comes with. It
 * returns as soon as one is ready, or with 0 once the timeout has passed;
 * a timeout of 0 checks once and returns at once. No signals are
 * delivered, so the signal masks of ppoll and pselect6 are accepted and
 * ignored, and nothing interrupts a wait (no EINTR).
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>

#include "private.h"
#include "thread.h"

#define POLL_MAX 1024 /* as many as there can be descriptors */
#define NSEC_PER_SEC 1000000000ull
#define FOREVER UINT64_MAX

/* Scan the descriptors once; returns how many are ready, or -errno. */
typedef long (*scan_fn)(void *arg);

/* Scan until something is ready or the deadline (system time in ns,
 * FOREVER for none) has passed. */
static long wait_ready(scan_fn scan, void *arg, uint64_t deadline)
{
    for (;;) {
        long ready = scan(arg);

        if (ready)
            return ready;
        if (deadline != FOREVER && libos_time_ns() >= deadline)
            return 0;
        /* The calling thread sleeps; other threads run meanwhile. */
        event_wait_any(deadline == FOREVER ? NO_DEADLINE : deadline);
    }
}

/* The deadline a relative timeout gives, or -EINVAL. */
static int deadline_of(const struct timespec *ts, uint64_t *deadline)
{
    if (!ts) {
        *deadline = FOREVER;
        return 0;
    }
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || (uint64_t)ts->tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    /* Past about 292 years from boot is as good as forever. */
    if ((uint64_t)ts->tv_sec > (FOREVER - libos_time_ns()) / NSEC_PER_SEC - 1)
        *deadline = FOREVER;
    else
        *deadline = libos_time_ns() + (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
    return 0;
}

/* ---- poll ---- */

struct poll_set {
    struct pollfd *fds;
    unsigned long count;
};

static long scan_poll(void *arg)
{
    struct poll_set *p = arg;
    long ready = 0;

    for (unsigned long i = 0; i < p->count; i++) {
        struct pollfd *pfd = &p->fds[i];

        /* A negative descriptor is a slot the caller wants skipped. */
        pfd->revents = pfd->fd < 0 ? 0 : file_poll(pfd->fd, pfd->events);
        ready += pfd->revents != 0;
    }
    return ready;
}

static long do_poll(struct pollfd *fds, unsigned long count, const struct timespec *timeout)
{
    struct poll_set set = {fds, count};
    uint64_t deadline;

    if (count > POLL_MAX)
        return -EINVAL;
    if (deadline_of(timeout, &deadline))
        return -EINVAL;
    return wait_ready(scan_poll, &set, deadline);
}

SYSCALL_HANDLER(poll)
{
    long ms = (int)a[2]; /* an int in the C prototype */
    struct timespec timeout = {ms / 1000, ms % 1000 * 1000000};

    return do_poll((struct pollfd *)(uintptr_t)a[0], (unsigned long)a[1], ms < 0 ? NULL : &timeout);
}

SYSCALL_HANDLER(ppoll)
{
    return do_poll((struct pollfd *)(uintptr_t)a[0], (unsigned long)a[1],
                   (const struct timespec *)(uintptr_t)a[2]);
}

/* ---- select ---- */

struct select_set {
    int count;
    fd_set *sets[3];  /* read, write, except: the caller's, written at the end */
    fd_set wanted[3]; /* what the caller asked for */
};

static const short select_events[3] = {POLLIN | POLLRDNORM | POLLHUP | POLLERR,
                                       POLLOUT | POLLWRNORM | POLLERR, POLLPRI};

static long scan_select(void *arg)
{
    struct select_set *s = arg;
    fd_set ready[3];
    long total = 0;

    for (int k = 0; k < 3; k++)
        FD_ZERO(&ready[k]);
    for (int fd = 0; fd < s->count; fd++) {
        short revents;

        if (!FD_ISSET(fd, &s->wanted[0]) && !FD_ISSET(fd, &s->wanted[1]) &&
            !FD_ISSET(fd, &s->wanted[2]))
            continue;
        revents = file_poll(fd, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLPRI);
        if (revents & POLLNVAL)
            return -EBADF;
        for (int k = 0; k < 3; k++) {
            if (FD_ISSET(fd, &s->wanted[k]) && (revents & select_events[k])) {
                FD_SET(fd, &ready[k]);
                total++;
            }
        }
    }
    /* The caller's sets say what is ready only when the call returns, so a
     * wait starts every scan from what was asked. */
    for (int k = 0; k < 3 && total; k++)
        if (s->sets[k])
            *s->sets[k] = ready[k];
    return total;
}

static long do_select(long count, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout)
{
    struct select_set s = {.count = (int)count, .sets = {r, w, e}};
    uint64_t deadline;
    long n;

    if (count < 0 || count > FD_SETSIZE)
        return -EINVAL;
    if (deadline_of(timeout, &deadline))
        return -EINVAL;
    for (int k = 0; k < 3; k++) {
        if (s.sets[k])
            s.wanted[k] = *s.sets[k];
        else
            FD_ZERO(&s.wanted[k]);
    }
    n = wait_ready(scan_select, &s, deadline);
    for (int k = 0; k < 3 && n == 0; k++)
        if (s.sets[k])
            FD_ZERO(s.sets[k]);
    return n;
}

SYSCALL_HANDLER(select)
{
    const struct timeval *tv = (const struct timeval *)(uintptr_t)a[4];
    struct timespec timeout;

    if (tv) {
        if (tv->tv_usec < 0 || tv->tv_usec >= 1000000)
            return -EINVAL;
        timeout = (struct timespec){tv->tv_sec, tv->tv_usec * 1000};
    }
    return do_select(a[0], (fd_set *)(uintptr_t)a[1], (fd_set *)(uintptr_t)a[2],
                     (fd_set *)(uintptr_t)a[3], tv ? &timeout : NULL);
}

SYSCALL_HANDLER(pselect6)
{
    return do_select(a[0], (fd_set *)(uintptr_t)a[1], (fd_set *)(uintptr_t)a[2],
                     (fd_set *)(uintptr_t)a[3], (const struct timespec *)(uintptr_t)a[4]);
}
