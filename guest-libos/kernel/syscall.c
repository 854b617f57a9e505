/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system-call shim: musl's `syscall` instructions arrive through
 * libos_syscall_entry (arch/x86_64/syscall.S) at libos_syscall(), which
 * looks the Linux x86-64 number up in one table. A number without a
 * handler returns -ENOSYS, and the first call of each such number is
 * logged by name, so a missing call shows up in the console instead of as
 * a mysterious failure.
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <sys/syscall.h>

#include "private.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_SFMASK 0xc0000084u

/* RFLAGS bits SYSCALL clears, as Linux does: TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_FLAGS_MASK 0x47700u

#define SYSCALL_TABLE_SIZE 512

struct syscall {
    const char *name;
    long (*handler)(const long *a); /* NULL: known by name, not implemented */
};

#define CALL(name, fn) [SYS_##name] = {#name, sys_##fn}
#define NAMED(name) [SYS_##name] = {#name, NULL}

static const struct syscall syscalls[SYSCALL_TABLE_SIZE] = {
    CALL(read, read),
    CALL(write, write),
    CALL(writev, writev),
    CALL(ioctl, ioctl),
    CALL(brk, brk),
    CALL(mmap, mmap),
    CALL(munmap, munmap_thread),
    CALL(mprotect, mprotect),
    CALL(madvise, madvise),
    CALL(clock_gettime, clock_gettime),
    CALL(clock_getres, clock_getres),
    CALL(nanosleep, nanosleep),
    CALL(clock_nanosleep, clock_nanosleep),
    CALL(getrandom, getrandom),
    CALL(exit, exit),
    CALL(exit_group, exit_group),
    CALL(getpid, getpid),
    CALL(gettid, gettid),
    CALL(set_tid_address, set_tid_address),
    CALL(arch_prctl, arch_prctl),
    CALL(uname, uname),
    CALL(sched_yield, sched_yield),
    CALL(rt_sigaction, rt_sigaction),
    CALL(rt_sigprocmask, rt_sigprocmask),
    CALL(kill, kill),
    CALL(tkill, tkill),
    CALL(tgkill, tgkill),
    CALL(readv, readv),
    CALL(pread64, pread64),
    CALL(pwrite64, pwrite64),
    CALL(open, open),
    CALL(openat, openat),
    CALL(close, close),
    CALL(lseek, lseek),
    CALL(fstat, fstat),
    CALL(stat, stat),
    CALL(lstat, lstat),
    CALL(newfstatat, newfstatat),
    CALL(getdents64, getdents64),
    CALL(access, access),
    CALL(faccessat, faccessat),
    CALL(getcwd, getcwd),
    CALL(chdir, chdir),
    CALL(fchdir, fchdir),
    CALL(fcntl, fcntl),
    CALL(dup, dup),
    CALL(dup2, dup2),
    CALL(dup3, dup3),
    CALL(poll, poll),
    CALL(ppoll, ppoll),
    CALL(select, select),
    CALL(pselect6, pselect6),
    CALL(clone, clone),
    CALL(futex, futex),
    /* Calls musl makes that the library OS does not offer (yet). */
    NAMED(mremap), NAMED(pipe),
    NAMED(pipe2), NAMED(socket), NAMED(connect), NAMED(accept), NAMED(accept4),
    NAMED(bind), NAMED(listen), NAMED(sendto), NAMED(recvfrom), NAMED(sendmsg),
    NAMED(recvmsg), NAMED(shutdown), NAMED(getsockname), NAMED(getpeername),
    NAMED(setsockopt), NAMED(getsockopt), NAMED(epoll_create1), NAMED(epoll_ctl),
    NAMED(epoll_wait), NAMED(epoll_pwait),
    NAMED(readlink), NAMED(unlink), NAMED(mkdir),
    NAMED(rename), NAMED(getuid), NAMED(geteuid), NAMED(getgid), NAMED(getegid),
    NAMED(getppid), NAMED(getrlimit), NAMED(setrlimit), NAMED(prlimit64),
    NAMED(getrusage), NAMED(sysinfo), NAMED(times), NAMED(gettimeofday), NAMED(time),
    NAMED(rt_sigreturn), NAMED(sigaltstack), NAMED(rt_sigsuspend), NAMED(rt_sigtimedwait),
    NAMED(setitimer), NAMED(getitimer), NAMED(timer_create), NAMED(set_robust_list),
    NAMED(membarrier), NAMED(sched_getaffinity), NAMED(sched_setaffinity), NAMED(prctl),
    NAMED(fork), NAMED(vfork), NAMED(execve), NAMED(wait4), NAMED(eventfd2),
    NAMED(timerfd_create), NAMED(statx), NAMED(fsync), NAMED(fdatasync), NAMED(ftruncate),
    NAMED(msync), NAMED(mlock), NAMED(munlock),
};

/* One bit per number below the table's size; a single bit for the rest. */
static uint64_t logged[SYSCALL_TABLE_SIZE / 64 + 1];

static void log_unsupported(unsigned long nr, const char *name)
{
    unsigned long slot = nr < SYSCALL_TABLE_SIZE ? nr : SYSCALL_TABLE_SIZE;
    uint64_t bit = 1ull << (slot % 64);

    if (__atomic_fetch_or(&logged[slot / 64], bit, __ATOMIC_RELAXED) & bit)
        return;
    libos_log("libos: unsupported system call %s (%ld)\n", name ? name : "?", (long)nr);
}

long libos_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
long libos_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    const long args[6] = {a1, a2, a3, a4, a5, a6};
    unsigned long n = (unsigned long)nr;
    const struct syscall *s = n < SYSCALL_TABLE_SIZE ? &syscalls[n] : NULL;

    if (s && s->handler)
        return s->handler(args);
    log_unsupported(n, s ? s->name : NULL);
    return -ENOSYS;
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

void libos_syscall_entry(void);

void syscall_init_cpu(void)
{
    /* SYSCALL loads CS from STAR[47:32] and SS from the selector after
     * it: the boot GDT's code and data descriptors (public/start_info.h). */
    _Static_assert(HV_GUEST_SEL_DATA == HV_GUEST_SEL_CODE + 8, "SYSCALL's SS follows CS");
    wrmsr(MSR_STAR, (uint64_t)HV_GUEST_SEL_CODE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)libos_syscall_entry);
    wrmsr(MSR_SFMASK, SYSCALL_FLAGS_MASK);
}
