/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPUs: the per-vCPU data behind every vCPU's GS base (thread.h), and
 * secondary vCPUs. Each secondary gets a stack (with an unmapped guard
 * page below it) and IST stacks from the page allocator the first time it
 * starts, a thread control block from a static pool, and enters
 * libos_secondary_entry (arch/x86_64/entry.S) with a start block that says
 * what to run and which page tables to load: vcpu_main, which sets up the
 * GS base before the application's function runs.
 */
#include <exo/hypercall.h>
#include <exo/vcpu.h>
#include <stdint.h>
#include <sys/mman.h>

#include "private.h"
#include "thread.h"

#define STACK_PAGES 4
#define MSR_GS_BASE 0xc0000101u

struct start_block {
    uint64_t stack_top;
    uint64_t tcb;
    uint64_t fn;  /* what entry.S calls: vcpu_main */
    uint64_t arg; /* its argument: this block */
    uint64_t cr3;
    uint64_t id;
    void (*app_fn)(void *);
    void *app_arg;
};

void libos_secondary_entry(void);
void libos_vcpu_exit(void);

static uintptr_t stack_tops[VCPUS_MAX];
static uint64_t tcbs[VCPUS_MAX][32] __attribute__((aligned(64)));
static struct start_block blocks[VCPUS_MAX];
static struct percpu percpus[HV_MAX_VCPUS];

_Static_assert(__builtin_offsetof(struct percpu, syscall_frame) == 8, "syscall.S's offset");
_Static_assert(__builtin_offsetof(struct percpu, id) == 16, "vcpu_id()'s offset");
_Static_assert(__builtin_offsetof(struct percpu, exit_stack) == 24, "syscall.S's offset");

void percpu_init(unsigned int id)
{
    uint64_t base = (uint64_t)(uintptr_t)&percpus[id];

    percpus[id].self = &percpus[id];
    percpus[id].id = id;
    __asm__ volatile("wrmsr" ::"c"(MSR_GS_BASE), "a"((uint32_t)base), "d"((uint32_t)(base >> 32))
                     : "memory");
}

unsigned int libos_vcpu_count(void)
{
    return (unsigned int)hv_vcpu_op(HV_VCPUOP_count, 0, 0, 0);
}

static void vcpu_main(void *arg)
{
    struct start_block *b = arg;

    percpu_init((unsigned int)b->id);
    b->app_fn(b->app_arg);
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
    sched_enable_remote_wake();
    tcbs[id][1] = id; /* the vCPU id, after the self pointer */
    blocks[id] = (struct start_block){
        .stack_top = stack_tops[id],
        .tcb = (uint64_t)tcbs[id],
        .fn = (uint64_t)vcpu_main,
        .arg = (uint64_t)&blocks[id],
        .cr3 = paging_root(),
        .id = id,
        .app_fn = fn,
        .app_arg = arg,
    };
    return (int)hv_vcpu_op(HV_VCPUOP_up, id, (long)libos_secondary_entry, (long)&blocks[id]);
}

unsigned int libos_vcpu_id(void)
{
    return vcpu_id();
}

void libos_vcpu_exit(void)
{
    hv_vcpu_op(HV_VCPUOP_down, (long)trap_cpu_id(), 0, 0);
}
