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
/* Print a formatted line of the library OS's own to the console, without
 * going through stdio (safe inside a system call and before musl starts). */
void libos_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load STAR, LSTAR and SFMASK on this vCPU (every vCPU has its own). */
void syscall_init_cpu(void);

/* Set up brk, the page allocator over the memory after the image and the
 * library OS's page tables (paging.c). */
void memory_init(uint64_t memory_size);
/* count pages for the library OS's own use (stacks), mapped read-write and
 * not executable; NULL if there are not enough. Never given back. */
void *memory_alloc_pages(unsigned long count);

/* The most vCPUs the library OS runs on (vcpu.c, trap.c). */
#define VCPUS_MAX 8
#define PAGE_BYTES 4096ul

/*
 * The library OS's page tables (paging.c): an identity map of the domain's
 * memory that the library OS builds at start. Protections use mmap's
 * PROT_READ, PROT_WRITE and PROT_EXEC; PROT_NONE unmaps.
 */
/* Pages of page tables for a domain of memory_size bytes. */
unsigned long paging_table_pages(uint64_t memory_size);
/* Build the tables in the pages at tables (zeroed) and load them. */
void paging_init(void *tables, uint64_t memory_size);
/* Give the pages of [start, end) (page-aligned) protection prot. */
void paging_protect(uintptr_t start, uintptr_t end, int prot);
/* Whether the tables let [addr, addr + len) be accessed as prot says. */
int paging_allows(uintptr_t addr, size_t len, int prot);
/* What CR3 holds on every vCPU of the domain. */
uint64_t paging_root(void);
/* How many changes the tables have had. */
uint64_t paging_generation(void);
/* Flush this vCPU's TLB if the tables changed since it last did. */
void paging_sync(void);

/*
 * Exceptions and interrupts (trap.c, arch/x86_64/trap.S): every vCPU loads
 * the library OS's GDT (its own TSS) and IDT, whose gates all run on IST
 * stacks with guard pages below them.
 */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* as the processor pushed them */
};
/* vCPU 0's tables, at start. */
void trap_init(void);
/* Allocate cpu's IST stacks (once); 0 or -ENOMEM. Before it starts. */
int trap_prepare_cpu(unsigned int cpu);
/* Load the tables on vCPU cpu itself, once prepared. */
void trap_load_cpu(unsigned int cpu);
/* The calling vCPU's id, from its task register. */
unsigned int trap_cpu_id(void);
/* An upcall (HV_UPCALL_VECTOR) arrived: handle the pending events. Runs
 * with interrupts off on the vCPU's interrupt stack, and must leave them
 * off (a nested interrupt would reuse that stack). event.c dispatches the
 * events (trap.c's weak default only clears upcall_pending). */
void event_upcall(void);

/*
 * Crash reports (crash.c): one report on the console, then the domain stops
 * as HV_SHUTDOWN_crash with the number of the Linux signal the fault would
 * have raised (SIGSEGV for a page fault...).
 */
__attribute__((noreturn)) void crash_trap(const struct trap_frame *f);
/* A fatal signal sent to the process itself (abort() raising SIGABRT). */
__attribute__((noreturn)) void crash_signal(int sig);
/* Name an unmapped page under a stack, for reports of overflows into it. */
void crash_add_guard(uintptr_t page, const char *stack);

/* Fill buf with random bytes (RDRAND, RDSEED, or the TSC as a last resort). */
void getrandom_bytes(void *buf, size_t len);

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
SYSCALL_HANDLER(munmap_thread);
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

/* ---- Files, descriptors and poll (file.c, poll.c, tar.c) ---- */
struct iovec;
/* The console's side of descriptors 0-2 (console.c): read up to len bytes
 * of input (0: end of file; with nonblock, -EAGAIN rather than waiting for
 * input), write an iovec array whole or return a short count, a terminal
 * ioctl, and whether input is waiting (for poll). */
long console_read(void *buf, size_t len, int nonblock);
long console_writev(const struct iovec *iov, long count);
long console_ioctl(unsigned long request, void *arg);
int console_input_ready(void);
/* Index the file tree linked into the image (tools/mkfiles), if any;
 * problems are reported on the console. After memory_init(). */
void files_init(void);
/* What descriptor fd is ready for now, as poll's revents for events:
 * POLLNVAL if it is not open. */
short file_poll(long fd, short events);
SYSCALL_HANDLER(readv);
SYSCALL_HANDLER(pread64);
SYSCALL_HANDLER(pwrite64);
SYSCALL_HANDLER(open);
SYSCALL_HANDLER(openat);
SYSCALL_HANDLER(close);
SYSCALL_HANDLER(lseek);
SYSCALL_HANDLER(fstat);
SYSCALL_HANDLER(stat);
SYSCALL_HANDLER(lstat);
SYSCALL_HANDLER(newfstatat);
SYSCALL_HANDLER(getdents64);
SYSCALL_HANDLER(access);
SYSCALL_HANDLER(faccessat);
SYSCALL_HANDLER(getcwd);
SYSCALL_HANDLER(chdir);
SYSCALL_HANDLER(fchdir);
SYSCALL_HANDLER(fcntl);
SYSCALL_HANDLER(dup);
SYSCALL_HANDLER(dup2);
SYSCALL_HANDLER(dup3);
SYSCALL_HANDLER(poll);
SYSCALL_HANDLER(ppoll);
SYSCALL_HANDLER(select);
SYSCALL_HANDLER(pselect6);

#endif
