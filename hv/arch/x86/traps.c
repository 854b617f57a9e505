/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's IDT and what happens when it takes a vector. Interrupts
 * go to their registered handler. An exception in the hypervisor is a bug:
 * it prints the registers, the faulting symbol and a backtrace, then panics.
 * (Guest exceptions never come here: they cause VM exits.)
 */
#include <asm/apic.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>

struct idt_entry {
    uint16_t offset_lo, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
} __packed;

extern const uint64_t trap_entries[256];
static struct idt_entry idt[256] __aligned(16);
static void (*irq_handlers[256])(unsigned int vector);

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
    "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
    "#VE virtualization", "#CP control protection",
};

const char *arch_exception_name(unsigned int vector)
{
    return vector < 32 && exception_names[vector] ? exception_names[vector] : "exception";
}

static void set_gate(unsigned int vector, uint64_t handler, unsigned int ist)
{
    idt[vector] = (struct idt_entry){
        .offset_lo = (uint16_t)handler,
        .selector = HV_CS,
        .ist = (uint8_t)ist,
        .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void traps_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed idtr = {sizeof(idt) - 1, (uint64_t)idt};

    __asm__ volatile("lidt %0" ::"m"(idtr));
}

void traps_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, trap_entries[v], 0);
    set_gate(8, trap_entries[8], IST_DF);
    set_gate(2, trap_entries[2], IST_NMI);
    set_gate(18, trap_entries[18], IST_MC);
    traps_load();
}

void trap_set_irq_handler(unsigned int vector, void (*handler)(unsigned int vector))
{
    BUG_ON(vector < 32 || vector > 255);
    irq_handlers[vector] = handler;
}

void irq_poll(void)
{
    /* sti's one-instruction shadow lets the nop run first; pending
     * interrupts arrive between nop and cli. */
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

static void print_symbol(const char *what, uint64_t addr)
{
    uint64_t off;
    const char *name = symbol_lookup(addr, &off);

    if (name)
        printk("hv:   %s %#018lx <%s+%#lx>\n", what, addr, name, off);
    else
        printk("hv:   %s %#018lx\n", what, addr);
}

static __noreturn void fatal_exception(const struct trap_frame *f)
{
    log_level = 4;
    printk("\nhv: %s (vector %lu) in the hypervisor, error code %#lx\n",
           arch_exception_name((unsigned int)f->vector), f->vector, f->error_code);
    print_symbol("rip", f->rip);
    if (f->vector == 14)
        printk("hv:   cr2 %#018lx (the faulting address)%s\n", read_cr2(),
               (read_cr2() & PAGE_MASK) == (uint64_t)boot_stack_guard
                   ? ": the stack guard page, a stack overflow" : "");
    printk("hv:   rax %#018lx rbx %#018lx rcx %#018lx rdx %#018lx\n", f->rax, f->rbx, f->rcx,
           f->rdx);
    printk("hv:   rsi %#018lx rdi %#018lx rbp %#018lx rsp %#018lx\n", f->rsi, f->rdi, f->rbp,
           f->rsp);
    printk("hv:   r8  %#018lx r9  %#018lx r10 %#018lx r11 %#018lx\n", f->r8, f->r9, f->r10,
           f->r11);
    printk("hv:   r12 %#018lx r13 %#018lx r14 %#018lx r15 %#018lx\n", f->r12, f->r13, f->r14,
           f->r15);
    printk("hv:   cs %#lx ss %#lx rflags %#lx cr0 %#lx cr3 %#lx cr4 %#lx\n", f->cs, f->ss,
           f->rflags, read_cr0(), read_cr3(), read_cr4());
    backtrace_from(f->rbp);
    panic("%s in the hypervisor", arch_exception_name((unsigned int)f->vector));
}

void trap_handler(struct trap_frame *f)
{
    if (f->vector < 32)
        fatal_exception(f);
    if (irq_handlers[f->vector])
        irq_handlers[f->vector]((unsigned int)f->vector);
    if (f->vector != VECTOR_SPURIOUS)
        lapic_eoi();
}
