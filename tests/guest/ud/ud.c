/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest that executes an illegal instruction before it has an IDT. The
 * hypervisor must kill it with a diagnostic naming #UD and the RIP, and
 * carry on.
 */
#include <exo/libos.h>
#include <stdio.h>

/* No IDT from the library OS: the fault is the hypervisor's to report. */
const int libos_no_traps = 1;

int main(int argc, char **argv)
{
    printf("ud: executing ud2\n");
    __asm__ volatile("ud2");
    printf("ud: FAIL: ud2 returned\n");
    return 1;
}
