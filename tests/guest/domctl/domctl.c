/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The control operations, from a guest. As domain 0 ("control") it builds a
 * child domain by hand — create, copy a few instructions and a message in,
 * set the entry point, unpause — waits for it to stop with its exit code,
 * reads the hypervisor's log, destroys it and checks every frame came
 * back, and tries the operations with bad arguments. As any other domain
 * ("unprivileged") it checks that control operations are refused.
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MIB (1ull << 20)
#define CHILD_CODE 0x100000ull
#define CHILD_MSG 0x100100ull

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s (got %ld)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static int contains(const char *s, const char *what)
{
    size_t n = strlen(what);

    for (; *s; s++)
        if (!strncmp(s, what, n))
            return 1;
    return 0;
}

static long domctl(long cmd, const void *arg) { return hv_domctl(cmd, (long)arg); }
static long sysctl(long cmd, const void *arg) { return hv_sysctl(cmd, (long)arg); }

/* console_write(CHILD_MSG, len); sched_op(shutdown, poweroff, 42); hlt */
static void child_program(uint8_t *code, size_t msg_len)
{
    static const uint8_t head[] = {0xbf, 0x00, 0x01, 0x10, 0x00, /* mov $CHILD_MSG, %edi */
                                   0xbe, 0, 0, 0, 0,             /* mov $len, %esi */
                                   0x31, 0xc0};                  /* xor %eax, %eax */
    static const uint8_t tail[] = {0xb8, 0x01, 0x00, 0x00, 0x00, /* mov $1, %eax */
                                   0x31, 0xff, 0x31, 0xf6,       /* xor %edi, %esi */
                                   0xba, 0x2a, 0x00, 0x00, 0x00};/* mov $42, %edx */
    uint8_t call[3] = {0x0f, 0x01, (uint8_t)(libos_hypercall_vmcall ? 0xc1 : 0xd9)};
    size_t n = 0;

    memcpy(code + n, head, sizeof(head));
    code[6] = (uint8_t)msg_len;
    n += sizeof(head);
    memcpy(code + n, call, 3), n += 3;
    memcpy(code + n, tail, sizeof(tail)), n += sizeof(tail);
    memcpy(code + n, call, 3), n += 3;
    code[n] = 0xf4; /* hlt */
}

static int control(void)
{
    static uint8_t page[4096] __attribute__((aligned(4096)));
    static char log[4096];
    static const char msg[] = "child says hello\n";
    struct hv_sysctl_version ver;
    struct hv_sysctl_physinfo before, after;
    struct hv_domctl_create c = {.domid = HV_DOMID_ANY, .vcpus = 1, .memory = 4 * MIB};
    struct hv_domctl_info info;
    struct hv_domctl_copy copy;
    struct hv_domctl_vcpu_context ctx;
    struct hv_sysctl_readlog rl = {.offset = 0, .buf = (uint64_t)log, .len = sizeof(log) - 1};
    long r;
    int spins = 0, seen = 0;

    /* Free memory is compared below: wait until domain 1 has come and gone. */
    info.domid = 1;
    while (domctl(HV_DOMCTL_getinfo, &info) == 0 && info.domid == 1) {
        hv_sched_op(HV_SCHED_yield, 0, 0);
        info.domid = 1;
    }

    r = sysctl(HV_SYSCTL_version, &ver);
    check(r == 0 && ver.abi_version == HV_ABI_VERSION, "sysctl version", r);
    r = sysctl(HV_SYSCTL_physinfo, &before);
    check(r == 0 && before.nr_cpus >= 1 && before.free_frames > 0 &&
              before.total_frames >= before.free_frames && before.tsc_hz > 0,
          "sysctl physinfo", r);

    memcpy(c.name, "child", 6);
    r = domctl(HV_DOMCTL_create, &c);
    check(r == 0 && c.domid == 1, "create a 4 MiB domain: it gets the free id 1", r ? r : c.domid);
    info.domid = c.domid;
    r = domctl(HV_DOMCTL_getinfo, &info);
    check(r == 0 && info.domid == c.domid && info.state == HV_DOMSTATE_building &&
              info.memory == 4 * MIB && !strcmp(info.name, "child"),
          "getinfo: building, 4 MiB, named child", r);
    r = hv_domctl(HV_DOMCTL_unpause, c.domid);
    check(r == -HV_EINVAL, "unpause before any vCPU context: -EINVAL", r);

    child_program(page, sizeof(msg) - 1);
    memcpy(page + (CHILD_MSG - CHILD_CODE), msg, sizeof(msg) - 1);
    copy = (struct hv_domctl_copy){.domid = c.domid, .dst_gpa = CHILD_CODE,
                                   .src_gpa = (uint64_t)page, .len = sizeof(page)};
    r = domctl(HV_DOMCTL_copy_to, &copy);
    check(r == 0, "copy the program in", r);
    ctx = (struct hv_domctl_vcpu_context){.domid = c.domid, .vcpu = 0, .rip = CHILD_CODE};
    r = domctl(HV_DOMCTL_set_vcpu_context, &ctx);
    check(r == 0, "set vCPU 0's entry point", r);
    r = hv_domctl(HV_DOMCTL_unpause, c.domid);
    check(r == 0, "unpause: the child runs", r);

    do {
        hv_sched_op(HV_SCHED_yield, 0, 0);
        info.domid = c.domid;
        r = domctl(HV_DOMCTL_getinfo, &info);
    } while (r == 0 && info.state != HV_DOMSTATE_shutdown && ++spins < 100000);
    check(r == 0 && info.state == HV_DOMSTATE_shutdown &&
              info.shutdown_reason == HV_SHUTDOWN_poweroff && info.shutdown_code == 42,
          "the child stopped itself: poweroff, code 42", (long)info.shutdown_code);
    r = domctl(HV_DOMCTL_copy_to, &copy);
    check(r == -HV_EBUSY, "copy into a stopped domain: -EBUSY", r);

    while (sysctl(HV_SYSCTL_readlog, &rl) == 0 && rl.len > 0) {
        log[rl.len] = '\0';
        seen |= contains(log, "(d1) child says hello");
        rl.offset += rl.len;
        rl.len = sizeof(log) - 1;
    }
    check(seen, "the hypervisor's log has the child's line", seen);

    r = hv_domctl(HV_DOMCTL_destroy, c.domid);
    check(r == 0, "destroy the child", r);
    info.domid = c.domid;
    r = domctl(HV_DOMCTL_getinfo, &info);
    check(r == -HV_ESRCH, "getinfo after destroy: -ESRCH", r);
    r = sysctl(HV_SYSCTL_physinfo, &after);
    check(r == 0 && after.free_frames == before.free_frames,
          "every frame of the child came back", (long)(after.free_frames - before.free_frames));

    /* A larger domain is populated a few blocks per call, the hypercall
     * restarting in between; the caller sees one call. */
    c = (struct hv_domctl_create){.domid = HV_DOMID_ANY, .vcpus = 1, .memory = 64 * MIB};
    memcpy(c.name, "large", 6);
    r = domctl(HV_DOMCTL_create, &c);
    info.domid = c.domid;
    check(r == 0 && domctl(HV_DOMCTL_getinfo, &info) == 0 && info.frames == 64 * MIB / 4096,
          "create a 64 MiB domain: all of it populated", r ? r : (long)info.frames);
    r = hv_domctl(HV_DOMCTL_destroy, c.domid);
    check(r == 0, "destroy it", r);

    /* Bad arguments. */
    r = hv_domctl(HV_DOMCTL_destroy, 0);
    check(r == -HV_EINVAL, "destroy itself: -EINVAL", r);
    r = hv_domctl(HV_DOMCTL_destroy, 999);
    check(r == -HV_ESRCH, "destroy domain 999: -ESRCH", r);
    c.memory = 3 * MIB;
    c.domid = HV_DOMID_ANY;
    r = domctl(HV_DOMCTL_create, &c);
    check(r == -HV_EINVAL, "create with 3 MiB: -EINVAL", r);
    c.memory = 1ull << 40;
    r = domctl(HV_DOMCTL_create, &c);
    check(r == -HV_ENOMEM, "create with 1 TiB: -ENOMEM", r);
    c.memory = 4 * MIB;
    memset(c.name, 'x', sizeof(c.name));
    r = domctl(HV_DOMCTL_create, &c);
    check(r == -HV_EINVAL, "create with an unterminated name: -EINVAL", r);
    r = hv_domctl(HV_DOMCTL_getinfo, 1ll << 40);
    check(r == -HV_EFAULT, "getinfo into memory the caller lacks: -EFAULT", r);
    c.domid = HV_DOMID_ANY;
    memcpy(c.name, "second", 7);
    r = domctl(HV_DOMCTL_create, &c);
    check(r == 0, "create a second child", r);
    copy.domid = c.domid;
    copy.len = HV_DOMCTL_COPY_MAX + 1;
    r = domctl(HV_DOMCTL_copy_to, &copy);
    check(r == -HV_E2BIG, "copy of more than HV_DOMCTL_COPY_MAX: -E2BIG", r);
    copy.len = 8;
    copy.dst_gpa = 4 * MIB - 4;
    r = domctl(HV_DOMCTL_copy_to, &copy);
    check(r == -HV_EFAULT, "copy past the end of the child's memory: -EFAULT", r);
    r = hv_domctl(HV_DOMCTL_destroy, c.domid);
    check(r == 0, "destroy the second child, never started", r);
    r = hv_domctl(99, 0);
    check(r == -HV_ENOSYS, "unknown domctl: -ENOSYS", r);
    r = sysctl(HV_SYSCTL_physinfo, &after);
    check(r == 0 && after.free_frames == before.free_frames, "nothing leaked by the failures",
          (long)(after.free_frames - before.free_frames));
    printf("domctl: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    return failures != 0;
}

static int unprivileged(void)
{
    struct hv_domctl_info info = {.domid = 0};
    struct hv_sysctl_physinfo phys;
    long r;

    r = hv_domctl(HV_DOMCTL_getinfo, (long)&info);
    check(r == -HV_EPERM, "domctl from an ordinary domain: -EPERM", r);
    r = hv_domctl(HV_DOMCTL_destroy, 0);
    check(r == -HV_EPERM, "destroy the control domain from an ordinary one: -EPERM", r);
    r = hv_sysctl(HV_SYSCTL_physinfo, (long)&phys);
    check(r == -HV_EPERM, "sysctl from an ordinary domain: -EPERM", r);
    printf("domctl: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    return failures != 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "control"))
        return control();
    return unprivileged();
}
