/* SPDX-License-Identifier: BSD-2-Clause */
/* The smallest unikernel: says hello and exits with status 0. */
#include <exo/libos.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from a unikernel (domain %u)\n", (unsigned int)libos_domain_id());
    return 0;
}
