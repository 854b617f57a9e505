/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serial input for the domains: the bytes received on the hypervisor's
 * console go to the input ring of the domain with the console focus,
 * domain 0 at first. Ctrl-A typed three times in a row moves the focus to
 * the next domain that runs (by id, wrapping around), as on Xen; those
 * three bytes go to nobody, and one or two Ctrl-A followed by anything else
 * are passed on. The line is polled (hv/console.h says when).
 *
 * Locking: everything runs under the hypervisor lock (hv/console.h).
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <public/event.h>
#include <string.h>

#define SWITCH_CHAR 0x01 /* Ctrl-A */
#define SWITCH_COUNT 3

static uint32_t focus;             /* the domain that gets input */
static unsigned int switch_seen;   /* Ctrl-A in a row, held back */
static char pending[64];           /* read, not yet in the focus domain's ring */
static size_t pending_len;
static bool line_busy;             /* the last poll read something */

static struct domain *live(uint32_t id)
{
    struct domain *d = domain_lookup(id);

    if (!d || (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED))
        return NULL;
    return d;
}

/* Move pending bytes into the focus domain's ring, as many as fit. Bytes
 * for a domain that is gone go nowhere. */
static void deliver(void)
{
    struct domain *d = live(focus);
    size_t n;

    if (!d) {
        pending_len = 0;
        return;
    }
    n = console_ring_put_input(d, pending, pending_len);
    memmove(pending, pending + n, pending_len - n);
    pending_len -= n;
}

static void switch_focus(void)
{
    for (uint32_t i = 1; i <= DOMAIN_MAX; i++) {
        uint32_t id = (focus + i) % DOMAIN_MAX;

        if (live(id)) {
            focus = id;
            break;
        }
    }
    printk("hv: console input goes to d%u (Ctrl-A three times to switch)\n", focus);
}

void console_input_poll(void)
{
    int c;

    line_busy = false;
    /* Until the UART is empty or the ring is full, when the rest waits in
     * the UART, whose full FIFO holds the sender back: nothing typed for a
     * domain that runs is lost. The UART holds what the line's speed lets
     * in meanwhile, so this ends. */
    for (;;) {
        if (pending_len)
            deliver();
        if (pending_len)
            return;
        /* Room for the held Ctrl-As and the byte after them. */
        while (pending_len + SWITCH_COUNT <= sizeof(pending) && (c = arch_console_getc()) >= 0) {
            line_busy = true;
            if (c == SWITCH_CHAR && ++switch_seen == SWITCH_COUNT) {
                switch_seen = 0;
                /* What came before goes to the old focus, or nowhere. */
                deliver();
                pending_len = 0;
                switch_focus();
                continue;
            }
            if (c == SWITCH_CHAR)
                continue;
            for (; switch_seen; switch_seen--)
                pending[pending_len++] = SWITCH_CHAR;
            pending[pending_len++] = (char)c;
        }
        if (!pending_len)
            return;
    }
}

uint64_t console_input_period(void)
{
    return line_busy ? CONSOLE_POLL_BUSY_NS : CONSOLE_POLL_NS;
}

