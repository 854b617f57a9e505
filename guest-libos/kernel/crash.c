/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crash reports. A fault the application cannot survive (an exception
 * trap.c did not handle, or a fatal signal it sent itself, as abort()
 * does) prints one report on the console:
 *
 *   libos: crash: page fault: null pointer dereference, reading address 0x0 at rip 0x201234 <main+0x14>
 *   libos: backtrace: 0x2013a0 <__libc_start_main+0x5f>
 *
 * then stops the domain as HV_SHUTDOWN_crash with, as the code, the number
 * of the Linux signal the fault would have raised (docs/abi.md):
 * SIGSEGV 11 for page faults, #GP and the rest, SIGILL 4 for #UD, SIGFPE 8
 * for #DE and floating-point exceptions, SIGBUS 7 for #NP, #SS, #AC, #MC,
 * NMIs and unexpected interrupts, SIGTRAP 5 for #DB and #BP, SIGABRT 6 for
 * abort().
 *
 * Functions are named from the symbol table a build may link in
 * (symbols.h); without one, addresses are bare. The backtrace follows frame
 * pointers and reads a frame only where the page tables map it, so a
 * corrupt chain ends the backtrace, not the report.
 */
#include <exo/hypercall.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include "private.h"
#include "symbols.h"

#define BACKTRACE_LINES 12
#define BACKTRACE_WALK 8192 /* frames followed, repeats included */
#define GUARDS_MAX (2 + 5 * VCPUS_MAX)
#define NULL_LIMIT 4096 /* faults below: a NULL pointer (plus a small offset) */
#define STACK_SLACK 65536 /* how far below the guard a frame may reach */
#define SCAN_BYTES 512

#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

/* arch/x86_64/syscall.S: a return address in there is a system call's. */
extern const char libos_syscall_entry[], libos_syscall_entry_end[];
extern const char __ehdr_start[], __text_end[];

static struct {
    uintptr_t page;
    const char *stack;
} guards[GUARDS_MAX];
static unsigned int nr_guards;
static int crashing;

void crash_add_guard(uintptr_t page, const char *stack)
{
    unsigned int i = __atomic_fetch_add(&nr_guards, 1, __ATOMIC_RELAXED);

    if (i < GUARDS_MAX)
        guards[i].page = page, guards[i].stack = stack;
}

static const char *guard_below(uintptr_t addr)
{
    unsigned int n = __atomic_load_n(&nr_guards, __ATOMIC_RELAXED);

    for (unsigned int i = 0; i < n && i < GUARDS_MAX; i++)
        if (addr - guards[i].page < PAGE_BYTES)
            return guards[i].stack;
    return NULL;
}

/* " <name+0xoff>" for a code address, or "" without a symbol for it.
 * lookup_at is the address to look up: a return address minus one, so a
 * call at the very end of a function is still named after it. */
static const char *symbolize(uintptr_t addr, uintptr_t lookup_at, char *buf, size_t size)
{
    const struct libos_symbol *table = libos_symbols;
    uint64_t lo = 0, hi;
    const struct libos_symbol *s;
    uint64_t end;

    if (!table || !&libos_symbols_count || !libos_symbol_names)
        return "";
    hi = libos_symbols_count;
    /* The last symbol at or below lookup_at. */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (table[mid].address <= lookup_at)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return "";
    s = &table[lo - 1];
    if (s->size)
        end = s->address + s->size;
    else
        end = lo < libos_symbols_count ? table[lo].address : (uint64_t)(uintptr_t)__text_end;
    if (lookup_at >= end)
        return "";
    snprintf(buf, size, " <%s+0x%lx>", libos_symbol_names + s->name,
             (unsigned long)(addr - s->address));
    return buf;
}

/* Whether a is where a call in the image returns to: a CALL (rel32, or
 * through a register or memory) ends just before it. */
static int is_return_address(uintptr_t a)
{
    const uint8_t *p = (const uint8_t *)a;

    if (a < (uintptr_t)__ehdr_start + 8 || a >= (uintptr_t)__text_end)
        return 0;
    if (p[-5] == 0xe8)
        return 1;
    for (int len = 2; len <= 7; len++)
        if (p[-len] == 0xff && ((p[-len + 1] >> 3) & 7) == 2)
            return 1;
    return 0;
}

/* One return address; "? " marks one found by scanning, which may be a
 * stale value rather than a live frame's. */
static void backtrace_line(uintptr_t ret, const char *guess)
{
    char sym[128];

    libos_log("libos: backtrace: %s0x%lx%s\n", guess, (unsigned long)ret,
              symbolize(ret, ret - 1, sym, sizeof(sym)));
}

/* The backtrace from a frame pointer: one line per return address, a run
 * of the same one (a recursion) as one line with a count. */
static void backtrace(uintptr_t rbp)
{
    uintptr_t last = 0;
    unsigned int lines = 0, repeats = 0;

    for (unsigned int i = 0; i < BACKTRACE_WALK; i++) {
        const uintptr_t *frame = (const uintptr_t *)rbp;
        uintptr_t ret;

        if (!rbp || (rbp & 7) || !paging_allows(rbp, 16, PROT_READ))
            break;
        ret = frame[1];
        if (!ret)
            break;
        if (ret == last) {
            repeats++;
        } else {
            if (repeats)
                libos_log("libos: backtrace:   ... %u more of the same\n", repeats);
            repeats = 0;
            if (lines++ == BACKTRACE_LINES)
                break;
            backtrace_line(ret, "");
            last = ret;
        }
        /* Callers' frames are above: anything else is a broken chain. */
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
    if (repeats)
        libos_log("libos: backtrace:   ... %u more of the same\n", repeats);
}

/*
 * Where frame pointers are missing (musl is built without them), the
 * return addresses still on the stack: the words above rsp that are
 * return addresses, which may include stale ones (marked "? ").
 */
static void backtrace_scan(uintptr_t rsp)
{
    unsigned int lines = 0;

    for (uintptr_t a = rsp & ~7ul; a < rsp + SCAN_BYTES && lines < BACKTRACE_LINES; a += 8) {
        uintptr_t word;

        if (!paging_allows(a, 8, PROT_READ))
            break;
        word = *(const uintptr_t *)a;
        if (is_return_address(word)) {
            backtrace_line(word, "? ");
            lines++;
        }
    }
}

static void begin(void)
{
    /* One report: another vCPU crashing at the same time, or a fault in
     * this report, stops the domain without a second one. */
    if (__atomic_exchange_n(&crashing, 1, __ATOMIC_SEQ_CST))
        libos_shutdown(HV_SHUTDOWN_crash, SIGSEGV);
}

struct vector_info {
    const char *name, *mnemonic;
    int signal;
};

static const struct vector_info vectors[32] = {
    [0] = {"divide error", "#DE", SIGFPE},
    [1] = {"debug exception", "#DB", SIGTRAP},
    [2] = {"non-maskable interrupt", "NMI", SIGBUS},
    [3] = {"breakpoint", "#BP", SIGTRAP},
    [4] = {"overflow", "#OF", SIGSEGV},
    [5] = {"bound range exceeded", "#BR", SIGSEGV},
    [6] = {"invalid opcode", "#UD", SIGILL},
    [7] = {"device not available", "#NM", SIGFPE},
    [8] = {"double fault", "#DF", SIGSEGV},
    [10] = {"invalid TSS", "#TS", SIGSEGV},
    [11] = {"segment not present", "#NP", SIGBUS},
    [12] = {"stack-segment fault", "#SS", SIGBUS},
    [13] = {"general protection fault", "#GP", SIGSEGV},
    [14] = {"page fault", "#PF", SIGSEGV},
    [16] = {"x87 floating-point exception", "#MF", SIGFPE},
    [17] = {"alignment check", "#AC", SIGBUS},
    [18] = {"machine check", "#MC", SIGBUS},
    [19] = {"SIMD floating-point exception", "#XM", SIGFPE},
    [20] = {"virtualization exception", "#VE", SIGSEGV},
    [21] = {"control protection exception", "#CP", SIGSEGV},
};

/* Has the processor pushed an error code for this vector? (trap.S) */
static int has_error_code(uint64_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

static void report_page_fault(const struct trap_frame *f, const char *at)
{
    uintptr_t addr;
    const char *access = f->error & PF_FETCH ? "executing" : f->error & PF_WRITE ? "writing"
                                                                                  : "reading";
    const char *stack;

    __asm__ volatile("mov %%cr2, %0" : "=r"(addr));
    stack = guard_below(addr);
    /* An unnamed guard (a thread's, from mmap): a fault in an unmapped
     * page with mapped memory just above it, near where RSP points. */
    if (!stack && !(f->error & PF_PRESENT) && addr >= NULL_LIMIT && addr + 256 >= f->rsp &&
        addr < f->rsp + STACK_SLACK && paging_allows((addr | (PAGE_BYTES - 1)) + 1, 1, PROT_READ))
        stack = "the stack";
    if (addr < NULL_LIMIT)
        libos_log("libos: crash: page fault: null pointer dereference, %s address 0x%lx%s\n",
                  access, (unsigned long)addr, at);
    else if (stack)
        libos_log("libos: crash: stack overflow: page fault in the guard page below %s, "
                  "%s address 0x%lx%s\n", stack, access, (unsigned long)addr, at);
    else
        libos_log("libos: crash: page fault: %s, %s address 0x%lx%s\n",
                  !(f->error & PF_PRESENT)  ? "unmapped memory"
                  : f->error & PF_FETCH     ? "memory that is not executable"
                  : f->error & PF_WRITE     ? "read-only memory"
                                            : "protection violation",
                  access, (unsigned long)addr, at);
}

void crash_trap(const struct trap_frame *f)
{
    const struct vector_info *v = f->vector < 32 ? &vectors[f->vector] : NULL;
    char sym[128], at[160];
    int sig = v && v->name ? v->signal : SIGBUS;

    begin();
    snprintf(at, sizeof(at), " at rip 0x%lx%s", (unsigned long)f->rip,
             symbolize(f->rip, f->rip, sym, sizeof(sym)));
    if (f->vector == 14)
        report_page_fault(f, at);
    else if (f->vector >= 32)
        libos_log("libos: crash: unexpected interrupt (vector %lu)%s\n", (unsigned long)f->vector,
                  at);
    else if (!v->name)
        libos_log("libos: crash: exception %lu%s\n", (unsigned long)f->vector, at);
    else if (has_error_code(f->vector))
        libos_log("libos: crash: %s (%s, error 0x%lx)%s\n", v->name, v->mnemonic,
                  (unsigned long)f->error, at);
    else
        libos_log("libos: crash: %s (%s)%s\n", v->name, v->mnemonic, at);
    libos_log("libos: registers: rsp 0x%lx rbp 0x%lx rax 0x%lx rdi 0x%lx rsi 0x%lx\n",
              (unsigned long)f->rsp, (unsigned long)f->rbp, (unsigned long)f->rax,
              (unsigned long)f->rdi, (unsigned long)f->rsi);
    /* A function that makes no frame (a leaf) or has not made it yet:
     * its return address is still at the top of the stack. */
    if (paging_allows(f->rsp, 8, PROT_READ) && f->rsp < f->rbp &&
        is_return_address(*(const uintptr_t *)f->rsp) &&
        !(paging_allows(f->rbp, 16, PROT_READ) &&
          ((const uintptr_t *)f->rbp)[1] == *(const uintptr_t *)f->rsp))
        backtrace_line(*(const uintptr_t *)f->rsp, "");
    backtrace(f->rbp);
    libos_shutdown(HV_SHUTDOWN_crash, sig);
}

static const char *const signal_names[32] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",     [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",   [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",   [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",   [SIGTERM] = "SIGTERM", [SIGSYS] = "SIGSYS",
    [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",   [SIGVTALRM] = "SIGVTALRM",
    [SIGPROF] = "SIGPROF", [SIGSTKFLT] = "SIGSTKFLT",
};

/*
 * From a system call (kill, tkill, tgkill): the application's place is in
 * the frame libos_syscall_entry builds (saved RBP, then the return
 * address), which is the frame above the first one that returns into it.
 */
void crash_signal(int sig)
{
    const char *name = sig > 0 && sig < 32 && signal_names[sig] ? signal_names[sig] : NULL;
    uintptr_t rbp = (uintptr_t)__builtin_frame_address(0), rip = 0, rsp = 0;
    char sym[128], what[48];

    begin();
    for (int i = 0; i < 16 && rbp && paging_allows(rbp, 16, PROT_READ); i++) {
        const uintptr_t *frame = (const uintptr_t *)rbp;

        if (frame[1] >= (uintptr_t)libos_syscall_entry &&
            frame[1] < (uintptr_t)libos_syscall_entry_end) {
            /* The entry's frame: below it the red zone it skipped. */
            rbp = frame[0];
            if (paging_allows(rbp, 16, PROT_READ)) {
                rip = ((const uintptr_t *)rbp)[1];
                rsp = rbp + 24 + 128;
            }
            break;
        }
        rbp = frame[0];
    }
    if (sig == SIGABRT)
        snprintf(what, sizeof(what), "aborted (SIGABRT)");
    else if (name)
        snprintf(what, sizeof(what), "killed by signal %d (%s)", sig, name);
    else
        snprintf(what, sizeof(what), "killed by signal %d", sig);
    if (rip) {
        libos_log("libos: crash: %s at rip 0x%lx%s\n", what, (unsigned long)rip,
                  symbolize(rip, rip - 1, sym, sizeof(sym)));
        backtrace_scan(rsp);
    } else {
        libos_log("libos: crash: %s\n", what);
    }
    libos_shutdown(HV_SHUTDOWN_crash, sig);
}
