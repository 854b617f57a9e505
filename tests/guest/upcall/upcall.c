/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event upcalls, in the VM: a guest with an IDT of its own (one gate, for
 * HV_UPCALL_VECTOR) takes events as interrupts. Upcalls start masked; once
 * unmasked, an event arrives as the interrupt as soon as interrupts are
 * enabled, never while they are off or while the port or all upcalls are
 * masked, and unmasking a pending port delivers it. HLT sleeps until the
 * timer VIRQ's upcall. Events come through a loopback channel (the domain
 * offers a port to itself and binds to it). Prints one line per check and
 * "upcall: all N checks passed".
 */
#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <stdint.h>
#include <stdio.h>

struct idt_gate {
    uint16_t offset_low, selector;
    uint8_t ist, type; /* 0x8e: present, DPL 0, 64-bit interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct hv_shared_info *const shared =
    (struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;
static int checks, failures;

/* The handler: clear upcall_pending (the first byte of vCPU 0's info, at
 * the shared-info page's first byte), count, return. It touches no
 * register but the flags. */
volatile unsigned int upcalls;
void upcall_entry(void);
__asm__(".text\n"
        ".globl upcall_entry\n"
        "upcall_entry:\n\t"
        "movb $0, 0x2000\n\t"
        "lock incl upcalls(%rip)\n\t"
        "iretq\n");
_Static_assert(HV_GUEST_SHARED_INFO_GPA == 0x2000, "the handler's address of upcall_pending");

static void check(int ok, const char *what, long got)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s %d - %s (got %ld)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static void install_idt(void)
{
    uint64_t handler = (uint64_t)(uintptr_t)upcall_entry;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

    idt[HV_UPCALL_VECTOR] = (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = HV_GUEST_SEL_CODE,
        .type = 0x8e,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

static void spin(void)
{
    for (volatile int i = 0; i < 100000; i++)
        ;
}

int main(int argc, char **argv)
{
    uint8_t *upcall_mask = &shared->vcpu[0].upcall_mask;
    uint32_t a, b, timer;
    unsigned int before;
    long r;

    install_idt();
    r = event_alloc_unbound(0, &a);
    check(r == 0, "alloc_unbound for itself", r);
    r = event_bind_interdomain(0, a, &b);
    check(r == 0, "bind the other end of the loopback", r);
    check(*upcall_mask == 1, "upcalls start masked", *upcall_mask);

    /* Masked: the event is pending, no interrupt comes. */
    __asm__ volatile("sti");
    r = event_send(b);
    spin();
    check(r == 0 && upcalls == 0 && shared->vcpu[0].upcall_pending,
          "masked: pending, no upcall", upcalls);
    /* Unmasked: it arrives once the hypervisor looks again (any hypercall). */
    __atomic_store_n(upcall_mask, 0, __ATOMIC_SEQ_CST);
    hv_sched_op(HV_SCHED_yield, 0, 0);
    check(upcalls == 1, "unmasked: the upcall arrives", upcalls);
    check(!shared->vcpu[0].upcall_pending && event_test_and_clear(a),
          "the handler cleared upcall_pending; port a is pending", a);

    /* Interrupts off: nothing until they are on again. */
    __asm__ volatile("cli");
    r = event_send(b);
    spin();
    check(r == 0 && upcalls == 1, "interrupts off: no upcall", upcalls);
    __asm__ volatile("sti; nop");
    check(upcalls == 2, "interrupts on: the upcall arrives", upcalls);
    event_test_and_clear(a);

    /* A masked port: pending, no upcall, until unmask delivers it. */
    __atomic_fetch_or(&shared->evtchn_mask[a / 64], 1ull << (a % 64), __ATOMIC_SEQ_CST);
    r = event_send(b);
    spin();
    check(r == 0 && upcalls == 2 && !shared->vcpu[0].upcall_pending,
          "masked port: no upcall", upcalls);
    r = event_unmask(a);
    check(r == 0 && upcalls == 3, "unmask of the pending port delivers it", upcalls);
    event_test_and_clear(a);

    /* HLT sleeps until the timer VIRQ's upcall. */
    r = event_bind_virq(HV_VIRQ_TIMER, 0, &timer);
    check(r == 0, "bind the timer VIRQ", r);
    before = upcalls;
    hv_sched_op(HV_SCHED_set_timer, (long)(libos_time_ns() + 2000000), 0);
    /* Look with interrupts off, then STI; HLT: the upcall cannot slip in
     * between the look and the HLT (STI takes effect after HLT starts). */
    for (;;) {
        __asm__ volatile("cli");
        if (upcalls != before)
            break;
        __asm__ volatile("sti; hlt");
    }
    __asm__ volatile("sti");
    check(event_test_and_clear(timer), "HLT woke up to the timer VIRQ's upcall", upcalls);

    __asm__ volatile("cli");
    printf("upcall: %s %d checks passed\n", failures ? "FAIL: not all" : "all",
           checks - failures);
    return failures ? 1 : 0;
}
