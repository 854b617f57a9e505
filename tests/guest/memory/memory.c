/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A domain managing its own memory: it gives back frames of its boot
 * memory (a 2 MiB block split underneath), finds them gone, populates
 * them again, zeroed, above its old end too once the control domain (itself
 * here) raises its limit, and is refused what it may not do.
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MIB (1ull << 20)

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s (got %ld)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static struct hv_memop_info info(void)
{
    struct hv_memop_info i = {0, 0};

    hv_memory_op(HV_MEMOP_info, (long)&i, 0);
    return i;
}

int main(int argc, char **argv)
{
    /* 16 pages of the library OS's (mapped: its free pages are not), in
     * a 2 MiB block of boot memory. */
    volatile uint8_t *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t gfn = (uintptr_t)p >> 12, before = info().frames;
    struct hv_domctl_max_mem max = {.domid = 0, .bytes = 72 * MIB};
    long r;

    if (p == MAP_FAILED) {
        printf("memory: FAIL: mmap\n");
        return 1;
    }
    memset((void *)(uintptr_t)p, 0xab, 16 * 4096);
    r = hv_memory_op(HV_MEMOP_query, (long)gfn, 0);
    check(r == HV_MEMOP_OWN, "query: a frame of boot memory is the domain's own", r);
    r = hv_memory_op(HV_MEMOP_release, (long)gfn, 16);
    check(r == 16, "release 16 frames", r);
    check(info().frames == before - 16, "16 fewer frames owned", (long)info().frames);
    r = hv_memory_op(HV_MEMOP_query, (long)gfn + 3, 0);
    check(r == 0, "query: a released frame is a hole", r);
    r = hv_memory_op(HV_MEMOP_release, (long)gfn, 1);
    check(r == -HV_ENOENT, "release a hole: -ENOENT", r);
    r = hv_memory_op(HV_MEMOP_populate, (long)gfn, 16);
    check(r == 16, "populate them again", r);
    check(p[0] == 0 && p[16 * 4096 - 1] == 0, "the new frames are zeroed", p[0]);
    r = hv_memory_op(HV_MEMOP_populate, (long)gfn, 1);
    check(r == -HV_EEXIST, "populate over a frame: -EEXIST", r);

    r = hv_memory_op(HV_MEMOP_populate, (long)((64 * MIB) >> 12), 1);
    check(r == -HV_ENOSPC, "populate past the limit: -ENOSPC", r);
    r = hv_domctl(HV_DOMCTL_set_max_mem, (long)&max);
    check(r == 0, "raise the limit by 8 MiB", r);
    r = hv_memory_op(HV_MEMOP_populate, (long)((64 * MIB) >> 12), 512);
    check(r == 512, "populate 2 MiB above the old end", r);
    p = (volatile uint8_t *)(uintptr_t)(64 * MIB);
    r = hv_console_write((long)(64 * MIB), 0);
    check(r == 0, "hypercall arguments may sit in populated memory", r);

    r = hv_memory_op(HV_MEMOP_release, HV_GUEST_SHARED_INFO_GPA >> 12, 1);
    check(r == -HV_EBUSY, "release the shared-info page: -EBUSY", r);
    r = hv_memory_op(HV_MEMOP_populate, (long)gfn, HV_MEMOP_BATCH_MAX + 1);
    check(r == -HV_EINVAL, "a batch too large: -EINVAL", r);
    r = hv_memory_op(HV_MEMOP_populate, (long)(HV_MEMOP_GPA_LIMIT >> 12), 1);
    check(r == -HV_EINVAL, "populate above the address limit: -EINVAL", r);
    r = hv_memory_op(HV_MEMOP_release, -1L, 2);
    check(r == -HV_EINVAL, "a range that wraps around: -EINVAL", r);
    r = hv_memory_op(HV_MEMOP_info, 1L << 40, 0);
    check(r == -HV_EFAULT, "info into memory the domain lacks: -EFAULT", r);
    r = hv_memory_op(99, 0, 0);
    check(r == -HV_ENOSYS, "unknown command: -ENOSYS", r);
    printf("memory: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    return failures != 0;
}
