/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ops of the hypercall fuzzer for what any guest does on its own: console
 * output, its own scheduling and vCPUs, hypercalls with any number and
 * arguments, loads and stores to its memory and to granted frames, and the
 * exits that are not hypercalls (time running out, a halt, faults). Also
 * the helpers every op uses to write its arguments and make the call.
 */
#include "harness.h"

#include "host_machine.h"

#include <hv/arch.h>
#include <hv/domain.h>
#include <public/hv.h>
#include <string.h>

/* The guest stores into its own memory; outside it, it stores nothing (on
 * the machine it would fault, which FUZZ_OP_MEMORY and FUZZ_OP_EXIT do). */
void guest_write(struct step *s, uint64_t gpa, const void *src, size_t len)
{
    if (copy_to_guest(s->d, gpa, src, len))
        return;
}

/* Make the exit a hypercall from the step's vCPU, and remember it for the
 * checks once it has been handled. */
void hypercall(struct step *s, struct vcpu_exit *exit, enum fuzz_op op, uint64_t nr,
               const uint64_t args[6])
{
    exit->reason = EXIT_HYPERCALL;
    exit->rip = arch_vcpu_rip(s->v);
    exit->hypercall.nr = nr;
    memcpy(exit->hypercall.args, args, sizeof(exit->hypercall.args));
    fz.last = (struct call){.pending = true, .op = op, .domid = s->d->id, .vcpu = s->v->id,
                            .rip = exit->rip, .nr = nr};
    memcpy(fz.last.args, args, sizeof(fz.last.args));
}

void batch_call(struct step *s, struct vcpu_exit *exit, enum fuzz_op op, uint64_t nr,
                uint64_t cmd, size_t size, void (*fill)(struct step *, void *))
{
    uint8_t elements[FUZZ_BATCH_WRITE_MAX * 64];
    size_t n = 1 + take8(s->body) % FUZZ_BATCH_WRITE_MAX;
    uint64_t gpa = take_gpa(s, n * size), count = take_count(s, n);

    if (size > 64)
        fail("batch elements of %zu bytes do not fit the buffer", size);
    memset(elements, 0, sizeof(elements));
    for (size_t i = 0; i < n; i++)
        fill(s, elements + i * size);
    guest_write(s, gpa, elements, n * size);
    hypercall(s, exit, op, nr, (uint64_t[6]){cmd, gpa, count});
}

bool op_console_write(struct step *s, struct vcpu_exit *exit)
{
    uint64_t len = take_len(s), gpa = take_gpa(s, MIN(len, (uint64_t)HV_CONSOLE_WRITE_MAX));
    size_t n = take8(s->body);
    uint8_t text[255];

    take_bytes(s->body, text, n);
    guest_write(s, gpa, text, MIN(n, len));
    hypercall(s, exit, FUZZ_OP_CONSOLE_WRITE, HV_HC_console_write, (uint64_t[6]){gpa, len});
    return true;
}

bool op_sched(struct step *s, struct vcpu_exit *exit)
{
    uint64_t cmd = take_sched_cmd(s);
    uint64_t arg1 = cmd == HV_SCHED_set_timer ? take_time(s) : take_small(s);
    uint64_t arg2 = take_small(s);

    hypercall(s, exit, FUZZ_OP_SCHED, HV_HC_sched_op, (uint64_t[6]){cmd, arg1, arg2});
    return true;
}

bool op_vcpu(struct step *s, struct vcpu_exit *exit)
{
    uint64_t cmd = take_vcpuop(s), vcpu = take_vcpu(s);
    uint64_t rip = take_small(s), rdi = take_small(s);

    hypercall(s, exit, FUZZ_OP_VCPU, HV_HC_vcpu_op, (uint64_t[6]){cmd, vcpu, rip, rdi});
    return true;
}

/* memory_op: the domain populates and releases its own frames, anywhere
 * (its grant table, its shared info, a hole a grant mapping wants). */
bool op_memory_op(struct step *s, struct vcpu_exit *exit)
{
    uint64_t cmd = take_memop(s), arg1, arg2 = 0;

    if (cmd == HV_MEMOP_info) {
        arg1 = take_gpa(s, sizeof(struct hv_memop_info));
    } else {
        arg1 = take_gfn(s);
        arg2 = take_memcount(s);
    }
    hypercall(s, exit, FUZZ_OP_MEMORY_OP, HV_HC_memory_op, (uint64_t[6]){cmd, arg1, arg2});
    return true;
}

/* Any number, any arguments: whatever a guest might put in the registers. */
bool op_raw(struct step *s, struct vcpu_exit *exit)
{
    uint64_t nr = take_nr(s), args[6];

    for (unsigned int i = 0; i < 6; i++) {
        switch (take8(s->body) % 3) {
        case 0: args[i] = take_small(s); break;
        case 1: args[i] = take_gpa(s, 64); break;
        default: args[i] = take_domid(s); break;
        }
    }
    hypercall(s, exit, FUZZ_OP_RAW, nr, args);
    return true;
}

/*
 * A plain load or store: to its own memory it just happens; to a grant
 * mapping it reaches the granted frame through the p2m, as the hardware
 * would; anything the p2m does not allow is a nested page fault.
 */
bool op_memory(struct step *s, struct vcpu_exit *exit)
{
    bool write = take8(s->body) & 1;
    uint64_t gpa = take_touch_gpa(s), gfn = gpa >> PAGE_SHIFT;
    size_t n = take8(s->body);
    uint8_t bytes[255];
    unsigned int perms;
    mfn_t mfn;

    take_bytes(s->body, bytes, n);
    n = MIN(n, (size_t)(PAGE_SIZE - (gpa & (PAGE_SIZE - 1)))); /* one page */
    if (arch_p2m_lookup(s->d, _gfn(gfn), &mfn, &perms) || (write && !(perms & P2M_W))) {
        exit->reason = EXIT_NPF;
        exit->rip = arch_vcpu_rip(s->v);
        exit->npf.gpa = gpa;
        exit->npf.write = write;
        return true;
    }
    if (write) {
        memcpy((uint8_t *)arch_frame_virt(mfn) + (gpa & (PAGE_SIZE - 1)), bytes, n);
    } else {
        memcpy(bytes, (const uint8_t *)arch_frame_virt(mfn) + (gpa & (PAGE_SIZE - 1)), n);
        for (size_t i = 0; i < n; i++)
            fz.read_sum += bytes[i]; /* so the load cannot be left out */
    }
    return false;
}

/* An exit that is not a hypercall: time passing, a halt, a fault. */
bool op_exit(struct step *s, struct vcpu_exit *exit)
{
    uint8_t kind = take8(s->body) % EXIT_KIND_POOL_SIZE;
    uint64_t value = kind >= EXIT_KIND_NPF_READ && kind <= EXIT_KIND_NPF_FETCH ? take_gpa(s, 1)
                                                                                : take_small(s);

    exit->rip = arch_vcpu_rip(s->v);
    switch (kind) {
    case EXIT_KIND_INTERRUPT:
        /* It ran until its timer interrupt. */
        exit->reason = EXIT_INTERRUPT;
        if (host_timer_deadline > host_time_ns && host_timer_deadline != UINT64_MAX)
            host_time_ns = host_timer_deadline;
        break;
    case EXIT_KIND_HALT:
        exit->reason = EXIT_HALT;
        break;
    case EXIT_KIND_NPF_READ:
    case EXIT_KIND_NPF_WRITE:
    case EXIT_KIND_NPF_FETCH:
        exit->reason = EXIT_NPF;
        exit->npf.gpa = value;
        exit->npf.write = kind == EXIT_KIND_NPF_WRITE;
        exit->npf.fetch = kind == EXIT_KIND_NPF_FETCH;
        break;
    case EXIT_KIND_EXCEPTION:
        exit->reason = EXIT_EXCEPTION;
        exit->exception.vector = (unsigned int)(value & 31);
        exit->exception.has_error_code = value & 32;
        exit->exception.error_code = (uint32_t)(value >> 8);
        exit->exception.cr2 = value;
        break;
    case EXIT_KIND_TRIPLE_FAULT:
        exit->reason = EXIT_TRIPLE_FAULT;
        break;
    case EXIT_KIND_INVALID_STATE:
        exit->reason = EXIT_INVALID_STATE;
        break;
    default:
        exit->reason = EXIT_UNHANDLED;
        exit->unhandled.code = value;
        break;
    }
    return true;
}
