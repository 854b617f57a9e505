/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The referee, domain 0 (the control domain, so never the fuzzer: it could
 * legitimately destroy the others). It maps the canary's conversation page,
 * binds the canary's port and pings it, a round every millisecond, while
 * the fuzzer runs and for AFTER_ROUNDS rounds after the fuzzer has gone; then
 * it asks for the canary's verdict (stop) and waits for the canary to end.
 * Every round checks the answer. It passes only if the canary answered
 * while the fuzzer was alive, and still answers after.
 */
#include <exo/event.h>
#include <exo/grant.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <stdio.h>

#include "hcfuzz.h"

#define AFTER_ROUNDS 100
#define MIN_ROUNDS_DURING 10
#define SETUP_TRIES 1000000
/* A pause between rounds, so that the fuzzer has most of the CPU. */
#define ROUND_PAUSE_NS 1000000

/* Does domain id exist (running, or stopped but not yet reaped)? */
static int domain_exists(uint32_t id)
{
    struct hv_domctl_info info = {.domid = id};

    return hv_domctl(HV_DOMCTL_getinfo, (long)&info) == 0 && info.domid == id;
}

/* The canary sets up as it starts: until it has, its grant table and
 * port do not exist yet (-EINVAL) or do not let us in yet (-EACCES). */
static int not_yet(int err)
{
    return err == -HV_EINVAL || err == -HV_EACCES;
}

static int talk_connect(uint32_t canary, struct talk **talk, uint32_t *port)
{
    uint32_t handle;
    int err = grant_init();

    if (err) {
        printf("referee: FAIL: no grant table (%d)\n", err);
        return err;
    }
    err = -HV_EINVAL;
    for (int i = 0; i < SETUP_TRIES && not_yet(err); i++) {
        if (i)
            hv_sched_op(HV_SCHED_yield, 0, 0);
        err = grant_map((uint16_t)canary, CANARY_TALK_REF, grant_window(), 0, &handle);
    }
    if (err) {
        printf("referee: FAIL: cannot map the canary's page (%d)\n", err);
        return err;
    }
    err = -HV_EINVAL;
    for (int i = 0; i < SETUP_TRIES && not_yet(err); i++) {
        if (i)
            hv_sched_op(HV_SCHED_yield, 0, 0);
        err = event_bind_interdomain(canary, CANARY_TALK_PORT, port);
    }
    if (err) {
        printf("referee: FAIL: cannot bind the canary's port (%d)\n", err);
        return err;
    }
    *talk = (struct talk *)(uintptr_t)grant_window();
    return 0;
}

/* One exchange: ping n, wait for the answer, check it. */
static int exchange(struct talk *talk, uint32_t port, uint64_t n, int stop)
{
    int err;

    talk->ping = n;
    talk->stop = (uint64_t)stop;
    err = event_send(port);
    if (!err)
        err = event_wait(port);
    if (err || talk->pong != n) {
        printf("referee: FAIL: exchange %llu: the canary answered %llu (error %d)\n",
               (unsigned long long)n, (unsigned long long)talk->pong, err);
        return 1;
    }
    return 0;
}

int referee_main(uint32_t canary, uint32_t fuzzer)
{
    uint64_t n = 0, during = 0;
    struct talk *talk;
    uint32_t port;
    int after = 0;

    if (talk_connect(canary, &talk, &port))
        return 1;
    /* The fuzzer is a boot domain: it exists from the start until it
     * stops, when the hypervisor reaps it. */
    while (after < AFTER_ROUNDS) {
        if (exchange(talk, port, ++n, 0))
            return 1;
        libos_sleep_ns(ROUND_PAUSE_NS);
        if (domain_exists(fuzzer))
            during = n;
        else
            after++;
    }
    if (during < MIN_ROUNDS_DURING) {
        printf("referee: FAIL: only %llu exchanges while the fuzzer ran\n",
               (unsigned long long)during);
        return 1;
    }
    if (exchange(talk, port, ++n, 1))
        return 1;
    while (domain_exists(canary))
        hv_sched_op(HV_SCHED_yield, 0, 0);
    printf("referee: the canary answered all %llu exchanges, %llu of them while the fuzzer ran\n",
           (unsigned long long)n, (unsigned long long)during);
    return 0;
}
