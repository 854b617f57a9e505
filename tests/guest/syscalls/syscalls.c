/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The library OS's system-call shim, seen from an ordinary C program that
 * knows nothing of the hypervisor: stdio on the console, malloc and free
 * of many sizes (contents checked, so blocks never overlap), brk and
 * anonymous mmap/munmap, the monotonic and real-time clocks, nanosleep,
 * getrandom, uname, thread-local storage and errno, an image without a
 * file tree, and unknown or unsupported system calls failing with ENOSYS.
 * Prints one line per check and "syscalls: all N checks passed".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define BLOCKS 400

static int checks, failures;
static _Thread_local int tls_value = 42;

static void check(int ok, const char *what)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s\n", ok ? "ok" : "FAIL", checks, what);
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

/* Sizes from a few bytes to past musl's mmap threshold, each block filled
 * with its own byte and checked after every other block was made. */
static void check_malloc(void)
{
    static unsigned char *blocks[BLOCKS];
    static size_t sizes[BLOCKS];
    int intact = 1, all = 1;

    for (int i = 0; i < BLOCKS; i++) {
        sizes[i] = (size_t)1 << (i % 18);
        sizes[i] += (size_t)(i * 37) % 100;
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i]) {
            all = 0;
            break;
        }
        memset(blocks[i], i & 0xff, sizes[i]);
    }
    check(all, "malloc: 400 blocks of 1 byte to 256 KiB");
    for (int i = 0; all && i < BLOCKS; i++)
        for (size_t j = 0; j < sizes[i]; j++)
            if (blocks[i][j] != (i & 0xff))
                intact = 0;
    check(all && intact, "malloc: every block kept its contents");
    for (int i = 0; i < BLOCKS; i += 2)
        free(blocks[i]);
    for (int i = 0; i < BLOCKS; i += 2) {
        blocks[i] = calloc(1, sizes[i]);
        for (size_t j = 0; blocks[i] && j < sizes[i]; j++)
            if (blocks[i][j])
                intact = 0;
    }
    check(intact, "calloc after free: zeroed blocks");
    for (int i = 0; i < BLOCKS; i++)
        free(blocks[i]);
    blocks[0] = malloc(64 << 20);
    check(blocks[0] == NULL && errno == ENOMEM, "malloc of more than the domain has: ENOMEM");
}

static void check_mmap(void)
{
    size_t len = 3 * 4096;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int zero = 1;

    check(p != MAP_FAILED && ((uintptr_t)p & 4095) == 0, "mmap: anonymous pages, page-aligned");
    if (p == MAP_FAILED)
        return;
    for (size_t i = 0; i < len; i++)
        zero &= p[i] == 0;
    memset(p, 0xa5, len);
    check(zero, "mmap: the pages read as zero");
    check(munmap(p, len) == 0, "munmap");
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    zero = p != MAP_FAILED;
    for (size_t i = 0; zero && i < len; i++)
        zero &= p[i] == 0;
    check(zero, "mmap after munmap: zero again");
    check(munmap((void *)1, 4096) == -1 && errno == EINVAL, "munmap of an unaligned address: EINVAL");
}

/* Through the system call itself: musl's sbrk only reads the break. */
static void check_brk(void)
{
    char *start = (char *)syscall(SYS_brk, 0);

    check(start != NULL, "brk(0) gives the break");
    check((char *)syscall(SYS_brk, start + 65536) == start + 65536, "brk grows the heap by 64 KiB");
    memset(start, 1, 65536);
    check((char *)syscall(SYS_brk, start) == start, "brk shrinks it back");
    check((char *)syscall(SYS_brk, start + 4096) == start + 4096 && start[0] == 0,
          "memory brk takes again reads as zero");
    syscall(SYS_brk, start);
    check((char *)syscall(SYS_brk, (char *)-4096) == start, "an impossible break leaves it where it is");
}

static void check_time(void)
{
    struct timespec a, b, wall;
    long slept;
    int monotonic = 1;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        monotonic &= ns_between(&a, &b) >= 0;
        a = b;
    }
    check(monotonic, "clock_gettime(CLOCK_MONOTONIC) never goes back over 10000 reads");
    check(clock_gettime(CLOCK_REALTIME, &wall) == 0 && wall.tv_sec > 1577836800,
          "clock_gettime(CLOCK_REALTIME) is after 2020");
    check(time(NULL) >= wall.tv_sec, "time() agrees with the real-time clock");
    clock_gettime(CLOCK_MONOTONIC, &a);
    check(nanosleep(&(struct timespec){0, 5000000}, NULL) == 0, "nanosleep of 5 ms returns 0");
    clock_gettime(CLOCK_MONOTONIC, &b);
    slept = ns_between(&a, &b);
    printf("syscalls: a 5 ms nanosleep took %ld us\n", slept / 1000);
    check(slept >= 5000000, "nanosleep slept at least 5 ms");
    check(nanosleep(&(struct timespec){0, 1000000000}, NULL) == -1 && errno == EINVAL,
          "nanosleep with tv_nsec of a whole second: EINVAL");
    check(clock_gettime(12345, &a) == -1 && errno == EINVAL, "an unknown clock: EINVAL");
}

static void check_misc(void)
{
    unsigned char r1[64] = {0}, r2[64] = {0};
    struct utsname u;

    check(getrandom(r1, sizeof(r1), 0) == sizeof(r1) && getrandom(r2, sizeof(r2), 0) == sizeof(r2) &&
              memcmp(r1, r2, sizeof(r1)) != 0,
          "getrandom: two 64-byte draws differ");
    check(uname(&u) == 0 && strcmp(u.machine, "x86_64") == 0, "uname");
    printf("syscalls: uname: %s %s %s %s\n", u.sysname, u.nodename, u.release, u.machine);
    check(getpid() > 0, "getpid");
    check(tls_value == 42 && (tls_value = 7, tls_value == 7), "thread-local storage");
    errno = 0;
    check(syscall(999) == -1 && errno == ENOSYS, "syscall(999): -1 with errno ENOSYS");
    check(fopen("/no/such/file", "r") == NULL && errno == ENOENT,
          "fopen in an image without a file tree: ENOENT");
    check(execve("/bin/sh", (char *[]){"sh", NULL}, (char *[]){NULL}) == -1 && errno == ENOSYS,
          "execve: ENOSYS (one program per domain)");
}

int main(void)
{
    check_malloc();
    check_mmap();
    check_brk();
    check_time();
    check_misc();
    fprintf(stderr, "syscalls: this line went to stderr\n");
    printf("syscalls: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    return failures ? 1 : 0;
}
