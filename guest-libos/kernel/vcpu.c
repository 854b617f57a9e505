/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secondary vCPUs: each gets a stack (with an unmapped guard page below
 * it) and IST stacks from the page allocator the first time it starts, a
 * thread control block from a static pool, and enters
 * libos_secondary_entry (arch/x86_64/entry.S) with a start block that says
 * what to run and which page tables to load.
 */
#include <exo/hypercall.h>
#include <exo/vcpu.h>
#include <stdint.h>
#include <sys/mman.h>

#include "private.h"

#define STACK_PAGES 4

struct start_block {
    uint64_t stack_top;
    uint64_t tcb;
    uint64_t fn;
    uint64_t arg;
    uint64_t cr3;
    uint64_t id;
};

void libos_secondary_entry(void);
void libos_vcpu_exit(void);

static uintptr_t stack_tops[VCPUS_MAX];
static uint64_t tcbs[VCPUS_MAX][32] __attribute__((aligned(64)));
static struct start_block blocks[VCPUS_MAX];

unsigned int libos_vcpu_count(void)
{
    return (unsigned int)hv_vcpu_op(HV_VCPUOP_count, 0, 0, 0);
}

/* vCPU id's stack, the first time: a guard page, then the stack. */
static int prepare_stack(unsigned int id)
{
    uintptr_t p;

    if (stack_tops[id])
        return 0;
    p = (uintptr_t)memory_alloc_pages(1 + STACK_PAGES);
    if (!p)
        return -HV_ENOMEM;
    paging_protect(p, p + PAGE_BYTES, PROT_NONE);
    crash_add_guard(p, "a vCPU's stack");
    stack_tops[id] = p + (1 + STACK_PAGES) * PAGE_BYTES;
    return 0;
}

int libos_vcpu_start(unsigned int id, void (*fn)(void *), void *arg)
{
    if (id == 0 || id >= VCPUS_MAX || id >= libos_vcpu_count())
        return -HV_EINVAL;
    if (prepare_stack(id) || trap_prepare_cpu(id))
        return -HV_ENOMEM;
    tcbs[id][1] = id; /* the vCPU id, after the self pointer */
    blocks[id] = (struct start_block){stack_tops[id], (uint64_t)tcbs[id], (uint64_t)fn,
                                      (uint64_t)arg, paging_root(), id};
    return (int)hv_vcpu_op(HV_VCPUOP_up, id, (long)libos_secondary_entry, (long)&blocks[id]);
}

void libos_vcpu_exit(void)
{
    hv_vcpu_op(HV_VCPUOP_down, (long)trap_cpu_id(), 0, 0);
}
