/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the parts of the library OS's kernel/ folder share and applications
 * do not see: the console and the log, the system-call handlers each file
 * contributes to the dispatch table in syscall.c, and the memory set-up.
 * Handlers take the six raw argument registers and return a value or a
 * negative Linux errno, as the kernel's system calls do.
 */
#ifndef LIBOS_KERNEL_PRIVATE_H
#define LIBOS_KERNEL_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* Write len bytes to the domain's console, whole. Returns 0 or -EFAULT. */
int console_write(const char *s, size_t len);
/* Print a formatted line of the library OS's own to the console, without
 * going through stdio (safe inside a system call and before musl starts). */
void libos_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load STAR, LSTAR and SFMASK on this vCPU (every vCPU has its own). */
void syscall_init_cpu(void);

/* Set up brk and the page allocator over the memory after the image. */
void memory_init(uint64_t memory_size);

/* Fill buf with random bytes (RDRAND, RDSEED, or the TSC as a last resort). */
void getrandom_bytes(void *buf, size_t len);

/* Events that arrived as the upcall interrupt (HV_UPCALL_VECTOR): the
 * trap code calls this, in interrupt context (event.c). */
void event_upcall(void);

/* Stop the domain: HV_SHUTDOWN_poweroff etc. with an exit code. */
__attribute__((noreturn)) void libos_shutdown(unsigned int reason, int code);

#define SYSCALL_HANDLER(name) long sys_##name(const long *a)
SYSCALL_HANDLER(read);
SYSCALL_HANDLER(write);
SYSCALL_HANDLER(writev);
SYSCALL_HANDLER(ioctl);
SYSCALL_HANDLER(brk);
SYSCALL_HANDLER(mmap);
SYSCALL_HANDLER(munmap);
SYSCALL_HANDLER(mprotect);
SYSCALL_HANDLER(madvise);
SYSCALL_HANDLER(clock_gettime);
SYSCALL_HANDLER(clock_getres);
SYSCALL_HANDLER(nanosleep);
SYSCALL_HANDLER(clock_nanosleep);
SYSCALL_HANDLER(getrandom);
SYSCALL_HANDLER(exit);
SYSCALL_HANDLER(exit_group);
SYSCALL_HANDLER(getpid);
SYSCALL_HANDLER(gettid);
SYSCALL_HANDLER(set_tid_address);
SYSCALL_HANDLER(clone);
SYSCALL_HANDLER(futex);
SYSCALL_HANDLER(arch_prctl);
SYSCALL_HANDLER(uname);
SYSCALL_HANDLER(sched_yield);
SYSCALL_HANDLER(rt_sigaction);
SYSCALL_HANDLER(rt_sigprocmask);
SYSCALL_HANDLER(kill);
SYSCALL_HANDLER(tkill);
SYSCALL_HANDLER(tgkill);

#endif
