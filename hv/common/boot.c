/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot domains: each boot module becomes a domain (the first is domain
 * 0) and runs until it stops; then the next. A module that is not a valid
 * image, or a domain that crashes, is reported and the others still run.
 * At the end the frame accounting must balance exactly, and the machine
 * powers off with domain 0's shutdown reason and code, or halts.
 */
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

static const char *const reason_names[] = {"poweroff", "reboot", "crash"};

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

void boot_run_domains(const struct boot_image *images, unsigned int nr,
                      const struct hv_options *opt)
{
    uint64_t free_before = page_alloc_free_frames();
    unsigned int reason = HV_SHUTDOWN_crash, code = 0;

    if (!nr)
        printk(LOG_ERR "hv: no boot modules: nothing to run. Give the hypervisor a 64-bit ELF "
                       "image as a module (qemu -initrd hello.elf, or GRUB's module2)\n");
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t mem = i == 0 ? opt->dom0_mem : opt->domu_mem;
        struct domain *d;
        const char *why;
        char name[32];
        int err;

        image_name(images[i].cmdline, name, sizeof(name));
        err = domain_create_from_elf(i, name, images[i].data, images[i].size, mem,
                                     images[i].cmdline, &d, &why);
        if (err) {
            printk(LOG_ERR "hv: d%u (%s): cannot build the domain: %s (error %d)\n", i, name,
                   why, err);
            continue;
        }
        printk("hv: d%u (%s): %lu MiB, started\n", i, name, mem >> 20);
        domain_run(d);
        printk("hv: d%u (%s) stopped: %s, code %u\n", i, name, reason_names[d->shutdown_reason],
               d->shutdown_code);
        if (i == 0) {
            reason = d->shutdown_reason;
            code = d->shutdown_code;
        }
        domain_destroy(d);
    }

    if (page_alloc_free_frames() != free_before)
        panic("frame accounting: %lu frames free before the domains, %lu after", free_before,
              page_alloc_free_frames());
    if (page_alloc_audit())
        panic("the frame allocator's audit failed");
    printk("hv: all domains have stopped; every frame was returned (%lu free)\n", free_before);
    if (opt->poweroff) {
        printk("hv: power off (domain 0: %s, code %u)\n", nr ? reason_names[reason] : "none",
               code);
        /* Five bits for the code: larger ones saturate, so a failure never
         * reads as success. */
        arch_power_off((reason << 5) | MIN(code, 31u));
    }
    printk("hv: halting (add 'poweroff' to the command line to power off instead)\n");
    arch_halt();
}
