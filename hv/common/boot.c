/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot domains: each boot module becomes a domain (the first is domain
 * 0) and all of them run at once under the scheduler. A module that is not
 * a valid image is reported and the others still run. As each domain stops
 * it is reported and destroyed; when none is left, the frame accounting
 * must balance exactly, and the machine powers off with domain 0's
 * shutdown reason and code, or halts.
 */
#include <hv/arch.h>
#include <hv/audit.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <public/hv.h>
#include <string.h>

static const char *const reason_names[] = {"poweroff", "reboot", "crash"};
static unsigned int dom0_reason = HV_SHUTDOWN_crash, dom0_code;

/* "path/to/hello.elf args" -> name "hello" */
static void image_name(const char *cmdline, char *name, size_t size)
{
    const char *start = cmdline, *end = cmdline;
    size_t n;

    while (*end && *end != ' ') {
        if (*end == '/')
            start = end + 1;
        end++;
    }
    n = (size_t)(end - start);
    if (n > 4 && !strncmp(end - 4, ".elf", 4))
        n -= 4;
    n = MIN(n, size - 1);
    memcpy(name, start, n);
    name[n] = '\0';
    if (!n)
        memcpy(name, "domain", 7);
}

void domain_stopped(struct domain *d)
{
    printk("hv: d%u (%s) stopped: %s, code %u\n", d->id, d->name,
           reason_names[d->shutdown_reason], d->shutdown_code);
    if (d->id == 0) {
        dom0_reason = d->shutdown_reason;
        dom0_code = d->shutdown_code;
    }
    /* Boot domains go at once; the control domain reaps the ones it made. */
    if (d->auto_destroy) {
        uint32_t id = d->id;

        /* Freed a bounded part at a time by the scheduler (domain_reap). */
        domain_destroy_start(d);
        /* A domain going is when the books are most likely to go wrong. */
        if (audit_frames())
            panic("frame accounting: the audit failed after d%u was destroyed", id);
    }
}

void boot_run_domains(const struct boot_image *images, unsigned int nr,
                      const struct hv_options *opt)
{
    uint64_t free_before = page_alloc_free_frames();
    struct domain *built[DOMAIN_MAX];
    unsigned int nr_built = 0;

    if (!nr)
        printk(LOG_ERR "hv: no boot modules: nothing to run. Give the hypervisor a 64-bit ELF "
                       "image as a module (qemu -initrd hello.elf, or GRUB's module2)\n");
    for (unsigned int i = 0; i < nr && i < DOMAIN_MAX; i++) {
        bool configured = i < CMDLINE_BOOT_DOMAINS;
        uint64_t mem = i == 0 ? opt->dom0_mem
                              : configured && opt->dom_mem[i] ? opt->dom_mem[i] : opt->domu_mem;
        unsigned int vcpus = configured && opt->dom_vcpus[i] ? opt->dom_vcpus[i] : 1;
        struct domain *d;
        const char *why;
        char name[DOMAIN_NAME_MAX];
        int err;

        image_name(images[i].cmdline, name, sizeof(name));
        err = domain_create_from_elf(i, name, images[i].data, images[i].size, mem, vcpus,
                                     images[i].cmdline, &d, &why);
        if (err) {
            printk(LOG_ERR "hv: d%u (%s): cannot build the domain: %s (error %d)\n", i, name,
                   why, err);
            continue;
        }
        if (configured && opt->dom_weight[i])
            d->weight = opt->dom_weight[i];
        if (vcpus > 1)
            printk("hv: d%u (%s): %lu MiB, %u vCPUs, started\n", i, name, mem >> 20, vcpus);
        else
            printk("hv: d%u (%s): %lu MiB, started\n", i, name, mem >> 20);
        d->auto_destroy = true;
        d->privileged = i == 0; /* the first boot domain is the control domain */
        built[nr_built++] = d;
    }
    /* Start them together, once all are built. */
    for (unsigned int i = 0; i < nr_built; i++)
        domain_unpause(built[i]);
    sched_run();

    /* Nothing runs any more: what is left (stopped or never started
     * domains the control domain made) can go. */
    hv_lock(); /* the other CPUs' schedulers may be reaping too */
    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *d = domain_lookup(id);

        if (d && d->state != DOMAIN_DYING)
            printk("hv: d%u (%s) left %s: destroyed\n", d->id, d->name,
                   d->state == DOMAIN_SHUTDOWN ? "stopped" : "never started");
        if (d)
            domain_destroy(d);
    }
    hv_unlock();
    if (page_alloc_free_frames() != free_before)
        panic("frame accounting: %lu frames free before the domains, %lu after", free_before,
              page_alloc_free_frames());
    if (audit_frames())
        panic("frame accounting: the audit failed");
    printk("hv: all domains have stopped; every frame was returned (%lu free)\n", free_before);
    if (opt->poweroff) {
        printk("hv: power off (domain 0: %s, code %u)\n",
               nr ? reason_names[dom0_reason] : "none", dom0_code);
        /* Five bits for the code: larger ones saturate, so a failure never
         * reads as success. */
        arch_power_off((dom0_reason << 5) | MIN(dom0_code, 31u));
    }
    printk("hv: halting (add 'poweroff' to the command line to power off instead)\n");
    arch_halt();
}
