/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secondary vCPUs: each gets a stack and a thread control block from a
 * static pool and enters libos_secondary_entry (arch/x86_64/entry.S) with
 * a start block that says what to run.
 */
#include <exo/hypercall.h>
#include <exo/vcpu.h>
#include <stdint.h>

#define VCPUS_MAX 8
#define STACK_SIZE 16384

struct start_block {
    uint64_t stack_top;
    uint64_t tcb;
    uint64_t fn;
    uint64_t arg;
};

void libos_secondary_entry(void);
void libos_vcpu_exit(void);

static uint8_t stacks[VCPUS_MAX][STACK_SIZE] __attribute__((aligned(4096)));
static uint64_t tcbs[VCPUS_MAX][32] __attribute__((aligned(64)));
static struct start_block blocks[VCPUS_MAX];

unsigned int libos_vcpu_count(void)
{
    return (unsigned int)hv_vcpu_op(HV_VCPUOP_count, 0, 0, 0);
}

int libos_vcpu_start(unsigned int id, void (*fn)(void *), void *arg)
{
    if (id == 0 || id >= VCPUS_MAX || id >= libos_vcpu_count())
        return -HV_EINVAL;
    tcbs[id][1] = id; /* the vCPU id, after the self pointer */
    blocks[id] = (struct start_block){(uint64_t)&stacks[id][STACK_SIZE], (uint64_t)tcbs[id],
                                      (uint64_t)fn, (uint64_t)arg};
    return (int)hv_vcpu_op(HV_VCPUOP_up, id, (long)libos_secondary_entry, (long)&blocks[id]);
}

void libos_vcpu_exit(void)
{
    uint64_t id;

    __asm__ volatile("mov %%fs:8, %0" : "=r"(id));
    hv_vcpu_op(HV_VCPUOP_down, (long)id, 0, 0);
}
