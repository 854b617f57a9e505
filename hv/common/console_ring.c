/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console rings of public/console.h, seen from the back end: draining
 * a domain's output ring into its console lines, filling its input ring
 * (with what console_input.c reads from the serial line). The ring page is
 * guest memory the guest may change at any time, so every access goes
 * through copy_from_guest and copy_to_guest (which check the page is the
 * domain's own), the indices are read once per operation, and nothing read
 * from the page can make the hypervisor touch anything outside it.
 *
 * Locking: everything runs under the hypervisor lock (hv/console.h).
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <public/console.h>
#include <public/event.h>
#include <public/start_info.h>
#include <stddef.h>

#define RING_GPA(field) ((uint64_t)HV_GUEST_CONSOLE_GPA + offsetof(struct hv_console_ring, field))

static void report(struct domain *d, const char *what, uint32_t cons, uint32_t prod)
{
    if (d->console_ring_reported)
        return;
    d->console_ring_reported = true;
    printk(LOG_WARN "hv: d%u: console ring %s (cons %u, prod %u); reported once\n", d->id,
           what, cons, prod);
}

/* The four indices, in one copy: 0, or the ring is not d's own memory. */
static int read_indices(struct domain *d, uint32_t idx[4])
{
    int err = copy_from_guest(d, idx, RING_GPA(in_cons), 4 * sizeof(uint32_t));

    /* Acquire: the bytes are read after the index that covers them. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (err)
        report(d, "page is not the domain's own memory", 0, 0);
    return err;
}

static int write_index(struct domain *d, uint64_t gpa, uint32_t value)
{
    /* Release: the bytes are consumed or produced before the index says so. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return copy_to_guest(d, gpa, &value, sizeof(value));
}

void console_ring_drain(struct domain *d)
{
    static char buf[HV_CONSOLE_OUT_SIZE]; /* under the hypervisor lock */
    uint32_t idx[4], cons, prod, len, at, first;

    if (read_indices(d, idx))
        return;
    cons = idx[2]; /* out_cons */
    prod = idx[3]; /* out_prod */
    len = prod - cons;
    if (len > HV_CONSOLE_OUT_SIZE) {
        report(d, "output indices are more than the ring size apart", cons, prod);
        cons = prod - HV_CONSOLE_OUT_SIZE;
        len = HV_CONSOLE_OUT_SIZE;
    }
    if (!len)
        return;
    /* At most two pieces: up to the end of the ring, then from its start. */
    at = HV_CONSOLE_MASK(cons, HV_CONSOLE_OUT_SIZE);
    first = MIN(len, HV_CONSOLE_OUT_SIZE - at);
    if (copy_from_guest(d, buf, RING_GPA(out) + at, first) ||
        copy_from_guest(d, buf + first, RING_GPA(out), len - first)) {
        report(d, "page is not the domain's own memory", cons, prod);
        return;
    }
    console_guest_write(d, buf, len);
    if (write_index(d, RING_GPA(out_cons), prod))
        report(d, "page is not the domain's own memory", cons, prod);
}

size_t console_ring_put_input(struct domain *d, const char *buf, size_t len)
{
    uint32_t idx[4], cons, prod, space, at, first;

    if (read_indices(d, idx))
        return 0;
    cons = idx[0]; /* in_cons */
    prod = idx[1]; /* in_prod */
    if (prod - cons > HV_CONSOLE_IN_SIZE) {
        /* The guest broke its own input ring: it gets no more input. */
        report(d, "input indices are more than the ring size apart", cons, prod);
        return 0;
    }
    space = HV_CONSOLE_IN_SIZE - (prod - cons);
    len = MIN(len, (size_t)space);
    if (!len)
        return 0;
    at = HV_CONSOLE_MASK(prod, HV_CONSOLE_IN_SIZE);
    first = MIN((uint32_t)len, HV_CONSOLE_IN_SIZE - at);
    if (copy_to_guest(d, RING_GPA(in) + at, buf, first) ||
        copy_to_guest(d, RING_GPA(in), buf + first, len - first) ||
        write_index(d, RING_GPA(in_prod), prod + (uint32_t)len)) {
        report(d, "page is not the domain's own memory", cons, prod);
        return 0;
    }
    event_send_virq(d->vcpu[0], HV_VIRQ_CONSOLE);
    return len;
}
