/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest that does one forbidden thing, named by its first argument, so a
 * test can check that the hypervisor denies it, kills this domain with a
 * diagnostic, and carries on with the next one:
 *   io      write to an I/O port (no port is a guest's)         -> #GP
 *   msr     read an MSR that is not the guest's (APIC base)    -> #GP
 *   efer    set a reserved EFER bit                            -> #GP
 *   hlt     halt with nothing that could wake it               -> killed
 *   triple  fault with an IDT whose gates are not present      -> triple fault
 *   svm     execute VMLOAD (virtualization is not offered)     -> killed
 *   vmx     execute VMXON (nor is VT-x offered)                -> killed
 *   exit N  exit with status N                                 -> poweroff, code N
 */
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No IDT from the library OS: each fault is the hypervisor's to report. */
const int libos_no_traps = 1;

static uint64_t empty_idt[2 * 32] __attribute__((aligned(16)));

static void triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(empty_idt) - 1, (uint64_t)empty_idt};

    __asm__ volatile("lidt %0" ::"m"(idtr));
    /* One exit after LIDT (CPUID always exits): from then on exceptions
     * are the guest's own. */
    __asm__ volatile("cpuid" ::"a"(0), "c"(0) : "rbx", "rdx");
    __asm__ volatile("ud2");
}

static void vmxon(void)
{
    uint64_t region = 0x1000;

    __asm__ volatile("vmxon %0" ::"m"(region));
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";

    printf("misbehave: %s\n", what);
    if (!strcmp(what, "io"))
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
    else if (!strcmp(what, "msr"))
        __asm__ volatile("rdmsr" ::"c"(0x1b) : "rax", "rdx");
    else if (!strcmp(what, "efer"))
        __asm__ volatile("rdmsr; bts $20, %%eax; wrmsr" ::"c"(0xc0000080) : "rax", "rdx");
    else if (!strcmp(what, "hlt"))
        __asm__ volatile("hlt");
    else if (!strcmp(what, "triple"))
        triple_fault();
    else if (!strcmp(what, "svm"))
        __asm__ volatile("vmload %%rax" ::"a"(0x1000));
    else if (!strcmp(what, "vmx"))
        vmxon();
    else if (!strcmp(what, "exit") && argc > 2)
        return (int)strtoul(argv[2], NULL, 10);
    else
        printf("misbehave: unknown mode '%s'\n", what);
    printf("misbehave: FAIL: '%s' was allowed\n", what);
    return 1;
}
