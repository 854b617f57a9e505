/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System calls about the "process", which in a unikernel is the domain
 * (thread.c has those about threads): the thread pointer (arch_prctl) is
 * the FS base MSR, the GS base is the library OS's (per-vCPU data, see
 * thread.h), identities are fixed, uname describes the library OS,
 * and signals are recorded for an application that installs handlers but
 * only ever delivered as the domain's death (a kill of itself, as abort()
 * does, is a crash report).
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "private.h"

#define MSR_FS_BASE 0xc0000100u
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* Where the stack protector's canary lives in a thread control block. */
#define TCB_CANARY_OFFSET 0x28

/* The one process; its main thread's id is the same (thread.c). */
#define MAIN_PID 1

/* The kernel's struct sigaction, which is not libc's: rt_sigaction(2). */
struct kernel_sigaction {
    unsigned long handler;
    unsigned long flags;
    unsigned long restorer;
    uint64_t mask;
};

#define SIGNALS 65
static struct kernel_sigaction actions[SIGNALS];
static uint64_t blocked;

void libos_shutdown(unsigned int reason, int code)
{
    hv_sched_op(HV_SCHED_shutdown, reason, (long)(unsigned int)code);
    for (;;)
        __asm__ volatile("hlt");
}

/* The library OS gives up (stack smashing, no memory to start with...):
 * as abort() would, SIGABRT's number is the crash code, so that 0 still
 * means only "killed by the hypervisor". */
void libos_crash(const char *msg)
{
    libos_log("libos: %s\n", msg);
    libos_shutdown(HV_SHUTDOWN_crash, SIGABRT);
}

/* Code built with the stack protector lands here when a canary was
 * overwritten. The link wraps the symbol (libos.mk) so that musl's own
 * version, which only executes HLT, is not the one that runs. */
__attribute__((noreturn)) void __wrap___stack_chk_fail(void);
void __wrap___stack_chk_fail(void)
{
    libos_crash("stack smashing detected");
}

SYSCALL_HANDLER(getpid)
{
    return MAIN_PID;
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

SYSCALL_HANDLER(arch_prctl)
{
    uint64_t base = (uint64_t)a[1], canary;

    switch (a[0]) {
    case ARCH_SET_FS:
        /*
         * The new thread control block inherits the canary: every frame
         * now on the stack (this one included) was entered with it and
         * checks it on the way out. musl later writes the same value
         * there from AT_RANDOM, which start.c made equal to it.
         */
        __asm__ volatile("mov %%fs:%c1, %0" : "=r"(canary) : "i"(TCB_CANARY_OFFSET));
        *(volatile uint64_t *)(uintptr_t)(base + TCB_CANARY_OFFSET) = canary;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case ARCH_GET_FS:
        *(uint64_t *)(uintptr_t)base = rdmsr(MSR_FS_BASE);
        return 0;
    case ARCH_SET_GS:
        return -EINVAL; /* the GS base points to the library OS's per-vCPU data */
    case ARCH_GET_GS:
        *(uint64_t *)(uintptr_t)base = 0; /* as if never set */
        return 0;
    default:
        return -EINVAL;
    }
}

SYSCALL_HANDLER(uname)
{
    struct utsname *u = (struct utsname *)(uintptr_t)a[0];

    if (!u)
        return -EFAULT;
    memset(u, 0, sizeof(*u));
    strcpy(u->sysname, "Exovisor");
    snprintf(u->nodename, sizeof(u->nodename), "d%u", (unsigned int)libos_domain_id());
    snprintf(u->release, sizeof(u->release), "abi-%u", (unsigned int)HV_ABI_VERSION);
    strcpy(u->version, "guest-libos");
    strcpy(u->machine, "x86_64");
    strcpy(u->__domainname, "(none)");
    return 0;
}

/* rt_sigaction(sig, act, oldact, sigsetsize): remembered, never run. */
SYSCALL_HANDLER(rt_sigaction)
{
    long sig = a[0];
    const struct kernel_sigaction *act = (const void *)(uintptr_t)a[1];
    struct kernel_sigaction *old = (void *)(uintptr_t)a[2];

    if (sig < 1 || sig >= SIGNALS || a[3] != sizeof(uint64_t))
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (old)
        *old = actions[sig];
    if (act)
        actions[sig] = *act;
    return 0;
}

/* rt_sigprocmask(how, set, oldset, sigsetsize): the mask is only kept. */
SYSCALL_HANDLER(rt_sigprocmask)
{
    const uint64_t *set = (const void *)(uintptr_t)a[1];
    uint64_t *old = (void *)(uintptr_t)a[2];

    if (a[3] != sizeof(uint64_t))
        return -EINVAL;
    if (old)
        *old = blocked;
    if (!set)
        return 0;
    switch (a[0]) {
    case SIG_BLOCK:
        blocked |= *set;
        break;
    case SIG_UNBLOCK:
        blocked &= ~*set;
        break;
    case SIG_SETMASK:
        blocked = *set;
        break;
    default:
        return -EINVAL;
    }
    return 0;
}

/*
 * kill, tkill and tgkill: the only process and thread is this one. A
 * signal that is ignored does nothing; anything else would end a Linux
 * process, so it ends the domain as crashed, saying which signal (a
 * handler is not run: there is no signal frame to return through).
 */
static long signal_self(long sig)
{
    if (sig == 0)
        return 0;
    if (sig < 0 || sig >= SIGNALS)
        return -EINVAL;
    if (actions[sig].handler == (unsigned long)SIG_IGN)
        return 0;
    crash_signal((int)sig);
}

SYSCALL_HANDLER(kill)
{
    return signal_self(a[1]);
}

SYSCALL_HANDLER(tkill)
{
    return signal_self(a[1]);
}

SYSCALL_HANDLER(tgkill)
{
    return signal_self(a[2]);
}
