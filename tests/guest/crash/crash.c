/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest that crashes, the way its first argument names, so that a test
 * can check the library OS's crash report (the kind of fault, the address,
 * the function, a backtrace) and the domain's crash code (the signal):
 *   null       read through a NULL pointer                   SIGSEGV
 *   overflow   recurse until the stack runs into its guard    SIGSEGV
 *   abort      abort()                                        SIGABRT
 *   assert     a failed assert()                              SIGABRT
 *   ud         an invalid instruction                         SIGILL
 *   divide     divide by zero                                 SIGFPE
 *   gp         a non-canonical address                        SIGSEGV
 *   exec       jump into data                                 SIGSEGV
 *   rodata     write to a constant                            SIGSEGV
 *   mprotect   check mmap/mprotect/munmap, then write to a    SIGSEGV
 *              page made read-only
 *   munmap     read a page after munmap                       SIGSEGV
 *   guard      write to the PROT_NONE page under an mmap'd    SIGSEGV
 *              thread stack, as musl makes them
 *   vcpu       recurse on vCPU 1 until its stack runs into    SIGSEGV
 *              its guard (its own IDT, TSS and IST stacks)
 *   smash      overrun a local array: the stack protector     SIGABRT
 */
#include <assert.h>
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/vcpu.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

/* Opaque to the compiler, so the faults are the instructions asked for. */
static void *volatile null_pointer;
static volatile long zero;
static volatile long one = 1;
const int constant = 42; /* global: in .rodata, not .data */
static uint8_t code_in_data[16] = {0xc3}; /* ret */

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s (got %ld)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static __attribute__((noinline, noclone)) int read_null(void)
{
    return *(volatile int *)null_pointer;
}

static __attribute__((noinline, noclone)) int recurse(int depth)
{
    volatile char frame[200];

    frame[0] = (char)depth;
    /* Always true, which the compiler cannot tell. */
    if (zero == 0)
        return recurse(depth + 1) + frame[0];
    return 0;
}

static __attribute__((noinline, noclone)) void execute_ud2(void)
{
    __asm__ volatile("ud2");
}

static __attribute__((noinline, noclone)) long divide(void)
{
    return one / zero;
}

static __attribute__((noinline, noclone)) long read_noncanonical(void)
{
    return *(volatile long *)0x8000000000000000ull;
}

static __attribute__((noinline, noclone)) void jump_to_data(void)
{
    ((void (*)(void))(uintptr_t)code_in_data)();
}

static __attribute__((noinline, noclone)) void write_constant(void)
{
    *(volatile int *)(uintptr_t)&constant = 0;
}

static uint8_t *map(size_t len, int prot)
{
    void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        printf("crash: FAIL: mmap: %s\n", strerror(errno));
        exit(1);
    }
    return p;
}

static __attribute__((noinline, noclone)) void write_read_only(volatile uint8_t *p)
{
    p[0] = 1;
}

static __attribute__((noinline)) void mprotect_checks(void)
{
    uint8_t *p = map(3 * PAGE, PROT_NONE);
    long r;

    r = mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE);
    check(r == 0, "mprotect a PROT_NONE page read-write", r);
    p[PAGE] = 0x5a;
    p[2 * PAGE - 1] = 0xa5;
    check(p[PAGE] == 0x5a && p[2 * PAGE - 1] == 0xa5, "it is writable", p[PAGE]);
    r = mprotect(p + PAGE, PAGE, PROT_READ);
    check(r == 0 && p[PAGE] == 0x5a, "mprotect it read-only: still readable", r);
    /* musl's mprotect rounds the address down; the system call does not. */
    r = syscall(SYS_mprotect, p + 1, PAGE, PROT_READ);
    check(r == -1 && errno == EINVAL, "mprotect an unaligned address: EINVAL", errno);
    r = mprotect(p, PAGE, PROT_READ | 0x100);
    check(r == -1 && errno == EINVAL, "mprotect with an unknown bit: EINVAL", errno);
    r = mprotect((void *)(uintptr_t)0x1000, PAGE, PROT_READ);
    check(r == -1 && errno == ENOMEM, "mprotect memory that is not mapped: ENOMEM", errno);
    r = mprotect(p, 0, PROT_READ);
    check(r == 0, "mprotect of no bytes", r);
    uint8_t *q = map(PAGE, PROT_READ);
    check(q[0] == 0, "a PROT_READ mapping reads as zero", q[0]);
    printf("crash: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    printf("crash: writing to the read-only page\n");
    write_read_only(p + PAGE);
}

static __attribute__((noinline)) void use_after_munmap(void)
{
    uint8_t *p = map(2 * PAGE, PROT_READ | PROT_WRITE);

    p[PAGE] = 1;
    check(munmap(p, 2 * PAGE) == 0, "munmap", 0);
    printf("crash: reading the unmapped page\n");
    printf("crash: FAIL: read %d\n", *(volatile uint8_t *)(p + PAGE));
}

/* A thread stack as musl's pthread_create makes one: mapped PROT_NONE,
 * then all but the lowest page made read-write. */
static __attribute__((noinline)) void thread_stack_guard(void)
{
    uint8_t *stack = map(8 * PAGE, PROT_NONE);

    if (mprotect(stack + PAGE, 7 * PAGE, PROT_READ | PROT_WRITE)) {
        printf("crash: FAIL: mprotect: %s\n", strerror(errno));
        exit(1);
    }
    stack[PAGE] = 1;
    printf("crash: writing to the guard page of a thread stack\n");
    write_read_only(stack + PAGE - 8);
}

static void overflow_on_vcpu(void *arg)
{
    (void)arg;
    recurse(0);
}

static void crash_on_vcpu_1(void)
{
    long r = libos_vcpu_start(1, overflow_on_vcpu, NULL);

    if (r) {
        printf("crash: FAIL: starting vCPU 1: %ld\n", r);
        return;
    }
    /* vCPU 1's crash stops the domain. */
    for (;;)
        hv_sched_op(HV_SCHED_yield, 0, 0);
}

/* Writes past buf by n bytes; n comes from the command line, so the
 * compiler cannot see the overrun, but the stack protector's canary does. */
static __attribute__((noinline, noclone)) void overrun(size_t n)
{
    char buf[16];

    memset(buf, 'x', sizeof(buf) + n);
    __asm__ volatile("" ::"r"(buf) : "memory");
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";

    printf("crash: %s\n", kind);
    if (!strcmp(kind, "null"))
        read_null();
    else if (!strcmp(kind, "overflow"))
        recurse(0);
    else if (!strcmp(kind, "abort"))
        abort();
    else if (!strcmp(kind, "assert"))
        assert(argc == 42);
    else if (!strcmp(kind, "ud"))
        execute_ud2();
    else if (!strcmp(kind, "divide"))
        divide();
    else if (!strcmp(kind, "gp"))
        read_noncanonical();
    else if (!strcmp(kind, "exec"))
        jump_to_data();
    else if (!strcmp(kind, "rodata"))
        write_constant();
    else if (!strcmp(kind, "mprotect"))
        mprotect_checks();
    else if (!strcmp(kind, "munmap"))
        use_after_munmap();
    else if (!strcmp(kind, "guard"))
        thread_stack_guard();
    else if (!strcmp(kind, "vcpu"))
        crash_on_vcpu_1();
    else if (!strcmp(kind, "smash"))
        overrun((size_t)argc * 16);
    else
        printf("crash: unknown kind '%s'\n", kind);
    printf("crash: FAIL: '%s' did not crash\n", kind);
    return 1;
}
