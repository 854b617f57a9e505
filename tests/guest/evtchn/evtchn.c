/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels between domains, in the VM. Domain 0 offers port 1 to
 * domain 1 (alloc_unbound hands out the lowest free port, so domain 1 knows
 * the number and retries until it exists), then the two bounce an event N
 * times (argv[1], 1000 by default), each sleeping in HV_SCHED_block until
 * the other's event arrives; domain 0 answers every other round with a
 * one-port send_batch. Along the way both make hostile calls (bad ports,
 * someone else's port, bad pointers, sending on closed ports) that must get
 * errors while the game goes on. Domain 0 then closes its end, and domain 1
 * must see its port closed. Domain 0 also waits for its timer VIRQ.
 * Domain 2 (argument "hostile") binds to domain 0's port 3, makes bad
 * calls, scribbles over its own shared-info page and crashes; domain 0 must
 * then find port 3 closed, and nothing else may change. Each side of the
 * game prints "evtchn: dN: N round trips ..." at the end.
 */
#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <exo/time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PING_PORT 1 /* domain 0's first port, offered to domain 1 */
#define SELF_PORT 2 /* domain 0's second port, offered to itself */
#define HOSTILE_PORT 3 /* domain 0's third port, offered to domain 2 */
#define BIND_TRIES 100000
#define DOMAIN_GONE 40 /* no domain has this id here */

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s %d - d%u: %s (got %ld)\n", ok ? "ok" : "FAIL", checks, libos_domain_id(), what,
           got);
}

/* Calls that must fail whoever makes them and whenever. */
static void bad_calls(void)
{
    static const long bad_ports[] = {0, -1, HV_EVTCHN_PORTS, (1L << 32) | PING_PORT, 1000};
    uint32_t ports[HV_EVTCHN_BATCH_MAX + 1] = {0};
    struct hv_evtchn_status st;
    long r;

    for (unsigned int i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++) {
        r = hv_evtchn_op(HV_EVTCHN_send, bad_ports[i], 0);
        check(r == -HV_EINVAL, "send on a bad or unallocated port: -EINVAL", r);
    }
    r = hv_evtchn_op(HV_EVTCHN_close, 0, 0);
    check(r == -HV_EINVAL, "close of port 0: -EINVAL", r);
    r = hv_evtchn_op(HV_EVTCHN_unmask, HV_EVTCHN_PORTS, 0);
    check(r == -HV_EINVAL, "unmask of a port out of range: -EINVAL", r);
    r = hv_evtchn_op(99, 0, 0);
    check(r == -HV_ENOSYS, "an unknown command: -ENOSYS", r);
    r = hv_evtchn_op(HV_EVTCHN_alloc_unbound, (long)libos_memory_size(), 0);
    check(r == -HV_EFAULT, "alloc_unbound with its structure past the end of memory: -EFAULT", r);
    r = hv_evtchn_op(HV_EVTCHN_status, -8L, 0);
    check(r == -HV_EFAULT, "status with an overflowing pointer: -EFAULT", r);
    r = event_send_batch(ports, HV_EVTCHN_BATCH_MAX + 1);
    check(r == -HV_E2BIG, "a batch over HV_EVTCHN_BATCH_MAX: -E2BIG", r);
    r = event_send_batch(ports, 2);
    check(r == -HV_EINVAL, "a batch of port 0s: -EINVAL", r);
    r = event_bind_interdomain(DOMAIN_GONE, 1, &ports[0]);
    check(r == -HV_ESRCH, "bind to a domain that does not exist: -ESRCH", r);
    r = event_bind_virq(HV_VIRQ_COUNT, 0, &ports[0]);
    check(r == -HV_EINVAL, "bind of an unknown VIRQ: -EINVAL", r);
    r = event_bind_virq(HV_VIRQ_TIMER, 5, &ports[0]);
    check(r == -HV_EINVAL, "bind of a VIRQ to a vCPU that does not exist: -EINVAL", r);
    r = event_status(0, &st);
    check(r == -HV_EINVAL, "status of port 0: -EINVAL", r);
}

/* Domain 0: answers pings. */
static void pong(unsigned int rounds)
{
    uint32_t port, self, loop, timer, for_d2;
    struct hv_evtchn_status st;
    unsigned int got = 0;
    long r;

    r = event_alloc_unbound(1, &port);
    check(r == 0 && port == PING_PORT, "alloc_unbound for d1 gives the lowest port, 1", port);
    r = event_alloc_unbound(0, &self);
    check(r == 0 && self == SELF_PORT, "alloc_unbound for itself gives port 2", self);
    r = event_alloc_unbound(2, &for_d2);
    check(r == 0 && for_d2 == HOSTILE_PORT, "alloc_unbound for d2 gives port 3", for_d2);
    r = event_send(self);
    check(r == -HV_ENOENT, "send on a port nobody bound yet: -ENOENT", r);
    while (got < rounds) {
        if (event_wait(port))
            break;
        got++;
        r = got % 2 ? event_send(port) : event_send_batch(&port, 1);
        if (r) {
            check(0, "answer a ping", r);
            break;
        }
    }
    r = event_status(port, &st);
    check(r == 0 && st.state == HV_EVTCHN_STATE_interdomain && st.remote_dom == 1,
          "status: port 1 is connected to d1", (long)st.state);
    /* A loopback through the port it offered itself. */
    r = event_bind_interdomain(0, self, &loop);
    check(r == 0, "bind to its own loopback port", r);
    r = event_send(loop);
    check(r == 0 && event_test_and_clear(self), "a loopback event arrives", r);
    /* The timer VIRQ wakes a waiter. */
    r = event_bind_virq(HV_VIRQ_TIMER, 0, &timer);
    check(r == 0, "bind the timer VIRQ", r);
    hv_sched_op(HV_SCHED_set_timer, (long)(libos_time_ns() + 1000000), 0);
    r = event_wait(timer);
    check(r == 0, "the timer VIRQ arrives", r);
    r = event_send(timer);
    check(r == -HV_EINVAL, "send on a VIRQ port: -EINVAL", r);
    /* Domain 2 bound to port 3, then crashed: the port is closed. */
    while (!(r = event_status(for_d2, &st)) && st.state != HV_EVTCHN_STATE_closed)
        event_wait(for_d2);
    check(r == 0 && st.state == HV_EVTCHN_STATE_closed && st.remote_dom == 2,
          "status: port 3 is closed since d2 died", (long)st.state);
    r = event_send(for_d2);
    check(r == -HV_ENOENT, "send to the dead domain: -ENOENT", r);
    /* Printed before closing port 1, which lets domain 1 finish. */
    printf("evtchn: d0: %u round trips with d1, %s\n", got,
           failures ? "FAIL: not all checks passed" : "all checks passed");

    r = event_close(port);
    check(r == 0, "close its end", r);
    r = event_send(port);
    check(r == -HV_EINVAL, "send on its closed port: -EINVAL", r);
    r = event_close(port);
    check(r == -HV_EINVAL, "close it again: -EINVAL", r);
}

/* Domain 1: sends the pings. */
static void ping(unsigned int rounds)
{
    struct hv_evtchn_status st;
    uint32_t port, other;
    unsigned int got = 0;
    long r = -HV_EINVAL;

    /* Domain 0 may not have offered the port yet. */
    for (int i = 0; i < BIND_TRIES && r; i++) {
        r = event_bind_interdomain(0, PING_PORT, &port);
        if (r)
            hv_sched_op(HV_SCHED_yield, 0, 0);
    }
    check(r == 0, "bind to d0's port 1", r);
    if (r)
        return;
    while (got < rounds) {
        r = event_send(port);
        if (r || event_wait(port)) {
            check(0, "a round trip", r);
            break;
        }
        got++;
        if (got == 1) {
            /* d0 offered port 2 to itself before the first answer. */
            r = event_bind_interdomain(0, SELF_PORT, &other);
            check(r == -HV_EPERM, "bind to a port offered to someone else: -EPERM", r);
            r = event_bind_interdomain(0, PING_PORT, &other);
            check(r == -HV_EINVAL, "bind to a port already bound: -EINVAL", r);
            r = event_send(SELF_PORT + 5);
            check(r == -HV_EINVAL, "send on a port it does not have: -EINVAL", r);
        }
    }
    /* The end: d0 closes, and this port shows it. */
    while (!(r = event_status(port, &st)) && st.state != HV_EVTCHN_STATE_closed)
        event_wait(port);
    check(r == 0 && st.state == HV_EVTCHN_STATE_closed && st.remote_dom == 0,
          "status: the peer closed its end", (long)st.state);
    r = event_send(port);
    check(r == -HV_ENOENT, "send on a port whose peer closed: -ENOENT", r);
    r = event_close(port);
    check(r == 0, "close its end too", r);
    r = event_send(port);
    check(r == -HV_EINVAL, "send on the closed port: -EINVAL", r);
    printf("evtchn: d1: %u round trips with d0, %s\n", got,
           failures ? "FAIL: not all checks passed" : "all checks passed");
}

/* Bad calls, garbage in its own shared-info page, then a crash. */
static void hostile(void)
{
    struct hv_shared_info *si = (struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;
    uint32_t port, other;
    long r = -HV_EINVAL;

    for (int i = 0; i < BIND_TRIES && r; i++) {
        r = event_bind_interdomain(0, HOSTILE_PORT, &port);
        if (r)
            hv_sched_op(HV_SCHED_yield, 0, 0);
    }
    check(r == 0, "bind to d0's port 3", r);
    r = event_bind_interdomain(0, PING_PORT, &other);
    check(r == -HV_EPERM || r == -HV_EINVAL, "bind to d0's port for d1: refused", r);
    r = event_bind_interdomain(0, SELF_PORT, &other);
    check(r == -HV_EPERM || r == -HV_EINVAL, "bind to d0's own port: refused", r);
    for (long p = -2; p < HV_EVTCHN_PORTS + 2; p++)
        if (p != (long)port && hv_evtchn_op(HV_EVTCHN_send, p, 0) != -HV_EINVAL)
            check(0, "every send on a port it does not have fails", p);
    memset(si, 0xff, sizeof(*si));
    r = event_alloc_unbound(0, &other);
    check(r == 0, "alloc_unbound still works on a scribbled page", r);
    printf("evtchn: hostile: %d checks passed, now crashing\n", checks - failures);
    __asm__ volatile("ud2");
}

int main(int argc, char **argv)
{
    unsigned int rounds = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 0;

    if (argc > 1 && !strcmp(argv[1], "hostile")) {
        hostile();
        return 1;
    }
    if (!rounds)
        rounds = 1000;
    bad_calls();
    if (libos_domain_id() == 0)
        pong(rounds);
    else
        ping(rounds);
    return failures ? 1 : 0;
}
