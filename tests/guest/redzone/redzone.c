/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Code built for user space keeps live data in the 128 bytes below RSP
 * (the red zone), where an interrupt delivered on the same stack would
 * push its frame. The library OS's gates run on their own (IST) stacks:
 * an upcall that arrives while such data is live, through the library
 * OS's own IDT gate, leaves it intact, and every register too.
 */
#include <exo/event.h>
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>

#define PATTERN 0x5a5aa5a5c3c33c3cull

static struct hv_shared_info *const shared =
    (struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s (got %#lx)\n", ok ? "ok" : "FAIL", checks, what, got);
}

/* Fill the red zone, take interrupts for a moment, and return the bits of
 * the red zone (and of the pattern register) that changed. */
static uint64_t red_zone_across_interrupts(void)
{
    uint64_t pattern = PATTERN, diff;

    __asm__ volatile("lea -128(%%rsp), %%rdi\n\t"
                     "mov $16, %%ecx\n"
                     "1:\n\t"
                     "mov %%rax, -8(%%rdi,%%rcx,8)\n\t"
                     "loop 1b\n\t"
                     "sti\n\t"
                     "nop\n\t"
                     "nop\n\t"
                     "cli\n\t"
                     "xor %%edx, %%edx\n\t"
                     "mov $16, %%ecx\n"
                     "2:\n\t"
                     "mov -8(%%rdi,%%rcx,8), %%rsi\n\t"
                     "xor %%rax, %%rsi\n\t"
                     "or %%rsi, %%rdx\n\t"
                     "loop 2b\n\t"
                     "mov %[pattern], %%rsi\n\t"
                     "xor %%rax, %%rsi\n\t"
                     "or %%rsi, %%rdx"
                     : "=d"(diff)
                     : "a"(pattern), [pattern] "r"(pattern)
                     : "rcx", "rdi", "rsi", "memory", "cc");
    return diff;
}

int main(int argc, char **argv)
{
    uint32_t a, b;
    long r;

    r = event_alloc_unbound(0, &a);
    check(r == 0, "alloc_unbound for itself", r);
    r = event_bind_interdomain(0, a, &b);
    check(r == 0, "bind the other end of the loopback", r);
    /* Interrupts are off: the upcall waits for the STI. */
    __atomic_store_n(&shared->vcpu[0].upcall_mask, 0, __ATOMIC_SEQ_CST);
    r = event_send(b);
    check(r == 0 && shared->vcpu[0].upcall_pending, "an upcall is pending", r);
    r = (long)red_zone_across_interrupts();
    check(r == 0, "the red zone and the registers survive the upcall", r);
    check(!shared->vcpu[0].upcall_pending, "the library OS's handler took the upcall",
          shared->vcpu[0].upcall_pending);
    printf("redzone: %s %d checks passed\n", failures ? "FAIL: not all" : "all",
           checks - failures);
    return failures != 0;
}
