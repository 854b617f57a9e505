/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * I/O port permissions on either vCPU back end. As domain 0 it gives
 * itself an absent serial port's eight ports (0x2f8-0x2ff, in the first
 * half of the bitmap: AMD's IOPM, Intel's bitmap A) and four ports at
 * 0x9000 (Intel's bitmap B), reads them with in and survives; takes back
 * one port from the middle of the first range, reads its neighbours again,
 * then reads the port it gave up: the hypervisor must kill it with #GP.
 * Another domain ("other") is refused the command, and its own in from
 * 0x2f8 kills it while domain 0 holds the port: a grant is per domain.
 */
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static long permit(uint32_t domid, uint32_t first, uint32_t count, uint32_t allow)
{
    struct hv_physdev_ioport io = {.domid = domid, .first = first, .count = count,
                                   .allow = allow};

    return hv_physdev_op(HV_PHYSDEV_ioport_permission, (long)&io);
}

static uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

int main(int argc, char **argv)
{
    long r;

    if (argc > 1 && !strcmp(argv[1], "other")) {
        r = permit(libos_domain_id(), 0x2f8, 8, 1);
        printf("%s - another domain is refused ports (got %ld)\n",
               r == -HV_EPERM ? "ok" : "FAIL", r);
        printf("other: reading 0x2f8, which is not this domain's\n");
        inb(0x2f8);
        printf("FAIL - the port was readable\n");
        return 1;
    }
    r = permit(0, 0x2f8, 8, 1);
    printf("%s - ports 0x2f8-0x2ff given (got %ld)\n", r ? "FAIL" : "ok", r);
    r = permit(0, 0x9000, 4, 1);
    printf("%s - ports 0x9000-0x9003 given (got %ld)\n", r ? "FAIL" : "ok", r);
    for (uint16_t p = 0x2f8; p <= 0x2ff; p++)
        inb(p);
    for (uint16_t p = 0x9000; p <= 0x9003; p++)
        inb(p);
    printf("ok - 12 ports read with in\n");
    r = permit(0, 0x2fa, 1, 0);
    printf("%s - port 0x2fa taken back (got %ld)\n", r ? "FAIL" : "ok", r);
    inb(0x2f9);
    inb(0x2fb);
    printf("ok - its neighbours are still readable\n");
    printf("reading 0x2fa, which this domain gave up\n");
    inb(0x2fa);
    printf("FAIL - the port was readable\n");
    return 1;
}
