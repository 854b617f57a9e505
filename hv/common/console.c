/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest console output. The hypervisor is every domain's console back end:
 * what a domain writes with console_write, or puts in its console ring
 * (console_ring.c), goes to the hypervisor's serial log, one line at a time, each line
 * prefixed with the domain id ("(d1) hello"). Control characters other than
 * tab are shown as '?', so a guest cannot forge hypervisor lines or drive
 * the operator's terminal.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>

void console_guest_flush(struct domain *d)
{
    if (!d->console_len)
        return;
    printk("(d%u) %.*s\n", d->id, (int)d->console_len, d->console_line);
    d->console_len = 0;
}

void console_guest_write(struct domain *d, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (c == '\n') {
            if (!d->console_len)
                printk("(d%u)\n", d->id);
            console_guest_flush(d);
            continue;
        }
        if (c == '\r')
            continue;
        if ((c < ' ' && c != '\t') || c == 0x7f)
            c = '?';
        d->console_line[d->console_len++] = c;
        if (d->console_len == CONSOLE_LINE_MAX)
            console_guest_flush(d);
    }
}

/* console_write(buf_gpa, len); len 0 notifies: the console ring has news. */
int64_t do_console_write(struct vcpu *v, const uint64_t args[6])
{
    static char buf[HV_CONSOLE_WRITE_MAX]; /* under the hypervisor lock */
    uint64_t gpa = args[0];
    size_t len = (size_t)MIN(args[1], (uint64_t)HV_CONSOLE_WRITE_MAX);

    if (!len) {
        console_ring_drain(v->domain);
        /* The guest may have made room for input that was waiting. */
        console_input_poll();
        return 0;
    }

    /* Copy first, print after: a bad buffer prints nothing. */
    if (copy_from_guest(v->domain, buf, gpa, len))
        return -HV_EFAULT;
    console_guest_write(v->domain, buf, len);
    return (int64_t)len;
}
