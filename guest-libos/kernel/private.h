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

/* Use the console ring at guest-physical ring_gpa (the start-info tree's
 * hypervisor/console-ring) from now on; until then, and with 0, the
 * console_write hypercall is the console. */
void console_init(uint64_t ring_gpa);
/* Write len bytes to the domain's console, whole. Returns 0 or -EFAULT. */
int console_write(const char *s, size_t len);
/* 1 if console input is waiting (a read of fd 0 would not block), else 0. */
int console_input_ready(void);
/* fcntl(fd, cmd, arg) for the console's fds 0 to 2: F_GETFL, F_SETFL
 * (O_NONBLOCK), F_GETFD, F_SETFD. Returns the result or a negative errno. */
long console_fcntl(long fd, long cmd, long arg);
/* Print a formatted line of the library OS's own to the console, without
 * going through stdio (safe inside a system call and before musl starts). */
void libos_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load STAR, LSTAR and SFMASK on this vCPU (every vCPU has its own). */
void syscall_init_cpu(void);

/* Set up brk and the page allocator over the memory after the image. */
void memory_init(uint64_t memory_size);

/* Fill buf with random bytes (RDRAND, RDSEED, or the TSC as a last resort). */
void getrandom_bytes(void *buf, size_t len);

/* Stop the domain: HV_SHUTDOWN_poweroff etc. with an exit code. */
__attribute__((noreturn)) void libos_shutdown(unsigned int reason, int code);

#define SYSCALL_HANDLER(name) long sys_##name(const long *a)
SYSCALL_HANDLER(read);
SYSCALL_HANDLER(write);
SYSCALL_HANDLER(writev);
SYSCALL_HANDLER(readv);
SYSCALL_HANDLER(fcntl);
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
SYSCALL_HANDLER(getpid);
SYSCALL_HANDLER(set_tid_address);
SYSCALL_HANDLER(arch_prctl);
SYSCALL_HANDLER(uname);
SYSCALL_HANDLER(sched_yield);
SYSCALL_HANDLER(rt_sigaction);
SYSCALL_HANDLER(rt_sigprocmask);
SYSCALL_HANDLER(kill);
SYSCALL_HANDLER(tkill);
SYSCALL_HANDLER(tgkill);

#endif
