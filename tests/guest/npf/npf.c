/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest that touches guest-physical memory it does not have: it maps
 * 1 GiB (far past its memory) into its own page tables and writes there.
 * The hypervisor must kill it with a diagnostic naming the nested page
 * fault and the address, and carry on.
 */
#include <stdint.h>
#include <stdio.h>

#define TARGET 0x40000000ull
#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_PS 0x80ull

static uint64_t pd[512] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
    uint64_t cr3, *pml4, *pdpt;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    pml4 = (uint64_t *)(cr3 & ~0xfffull);
    pdpt = (uint64_t *)(pml4[0] & 0x000ffffffffff000ull);
    pd[0] = TARGET | PTE_P | PTE_W | PTE_PS;
    pdpt[TARGET >> 30] = (uint64_t)pd | PTE_P | PTE_W;
    printf("npf: writing to guest-physical %#llx\n", TARGET);
    *(volatile uint32_t *)TARGET = 0xdead;
    printf("npf: FAIL: the write to unmapped memory returned\n");
    return 1;
}
