/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the console ring's back end (hv/common/console_ring.c) on
 * the host machine: output drained into "(dN) " lines on console_write of
 * length 0, across the ring's end and the indices' 2^32 wrap; a hostile
 * ring (indices too far apart, a released ring page) clipped, reported
 * once, and harmless; serial input into domain 0's input ring with
 * HV_VIRQ_CONSOLE, held back while the ring is full, refused into a broken
 * ring; the focus moved by three Ctrl-A; and the input poll that wakes a waiting domain within
 * CONSOLE_POLL_NS without a tick for domains that do not wait.
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/console.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <public/hv.h>
#include <stddef.h>
#include <string.h>

#define MIB (1ull << 20)
#define SCRATCH 0x20000ull
#define RING(field) ((uint64_t)HV_GUEST_CONSOLE_GPA + offsetof(struct hv_console_ring, field))

static uint64_t log_mark;

static int setup(void **state)
{
    host_machine_init(8192); /* 32 MiB */
    host_console_quiet = true;
    return 0;
}

static int teardown(void **state)
{
    host_machine_destroy_domains();
    assert_int_equal(page_alloc_audit(), 0);
    return 0;
}

/* The hypervisor's log since the last call, NUL-terminated. */
static const char *log_since(void)
{
    static char buf[16384];
    size_t n = 0, got;

    while (n < sizeof(buf) - 1 && (got = printk_log_read(&log_mark, buf + n, sizeof(buf) - 1 - n))) {
        log_mark += got;
        n += got;
    }
    buf[n] = '\0';
    return buf;
}

static uint32_t get32(struct domain *d, uint64_t gpa)
{
    uint32_t v;

    assert_int_equal(copy_from_guest(d, &v, gpa, sizeof(v)), 0);
    return v;
}

static void put32(struct domain *d, uint64_t gpa, uint32_t v)
{
    assert_int_equal(copy_to_guest(d, gpa, &v, sizeof(v)), 0);
}

/* What the guest side does: bytes into the output ring, then out_prod. */
static void guest_put(struct domain *d, const char *s)
{
    uint32_t prod = get32(d, RING(out_prod));

    for (size_t i = 0; s[i]; i++, prod++)
        assert_int_equal(copy_to_guest(d, RING(out) + HV_CONSOLE_MASK(prod, HV_CONSOLE_OUT_SIZE),
                                       &s[i], 1),
                         0);
    put32(d, RING(out_prod), prod);
}

static int64_t notify(struct vcpu *v)
{
    uint64_t args[6] = {0, 0};

    return hypercall_dispatch(v, HV_HC_console_write, args);
}

static int64_t bind_console_virq(struct vcpu *v, uint32_t *port)
{
    struct hv_evtchn_bind_virq b = {.virq = HV_VIRQ_CONSOLE};
    uint64_t args[6] = {HV_EVTCHN_bind_virq, SCRATCH};
    int64_t r;

    assert_int_equal(copy_to_guest(v->domain, SCRATCH, &b, sizeof(b)), 0);
    r = hypercall_dispatch(v, HV_HC_evtchn_op, args);
    assert_int_equal(copy_from_guest(v->domain, &b, SCRATCH, sizeof(b)), 0);
    *port = b.port;
    return r;
}

static bool port_pending(struct domain *d, uint32_t port)
{
    return d->shared_info->evtchn_pending[port / 64] & (1ull << (port % 64));
}

static void type(const char *s, size_t len)
{
    host_console_input = s;
    host_console_input_len = len;
    host_console_input_at = 0;
}

static void test_drain_prints_lines(void **state)
{
    struct domain *d = host_domain(1, 4 * MIB, 1);

    log_since();
    guest_put(d, "hello\nworld");
    assert_int_equal(notify(d->vcpu[0]), 0);
    assert_int_equal(get32(d, RING(out_cons)), 11);
    /* The partial line waits for its end, as console_write's do. */
    assert_string_equal(log_since(), "(d1) hello\n");
    guest_put(d, "!\n\x1b[2J\n");
    assert_int_equal(notify(d->vcpu[0]), 0);
    assert_string_equal(log_since(), "(d1) world!\n(d1) ?[2J\n");
    /* Nothing new: nothing printed, nothing moved. */
    assert_int_equal(notify(d->vcpu[0]), 0);
    assert_string_equal(log_since(), "");
    assert_int_equal(get32(d, RING(out_cons)), 18);
}

static void test_drain_wraps(void **state)
{
    struct domain *d = host_domain(1, 4 * MIB, 1);
    char line[41];

    /* 40 bytes from 16 before the ring's end and the indices' 2^32 wrap. */
    put32(d, RING(out_cons), 0xfffffff0u);
    put32(d, RING(out_prod), 0xfffffff0u);
    memset(line, 'w', 39);
    line[0] = '<';
    line[38] = '>';
    line[39] = '\n';
    line[40] = '\0';
    guest_put(d, line);
    assert_int_equal(get32(d, RING(out_prod)), 0x18);
    log_since();
    assert_int_equal(notify(d->vcpu[0]), 0);
    assert_string_equal(log_since(), "(d1) <wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww>\n");
    assert_int_equal(get32(d, RING(out_cons)), 0x18);
}

static void test_hostile_indices(void **state)
{
    struct domain *d = host_domain(1, 4 * MIB, 1);
    struct domain *other = host_domain(2, 4 * MIB, 1);
    static char fill[HV_CONSOLE_OUT_SIZE];
    const char *log;

    memset(fill, 'A', sizeof(fill));
    fill[0] = 'B';
    fill[sizeof(fill) - 1] = '\n';
    assert_int_equal(copy_to_guest(d, RING(out), fill, sizeof(fill)), 0);
    /* 2^31 bytes "waiting": the back end takes the last 2048 only. */
    put32(d, RING(out_cons), 0);
    put32(d, RING(out_prod), 0x80000000u);
    log_since();
    assert_int_equal(notify(d->vcpu[0]), 0);
    log = log_since();
    assert_non_null(strstr(log, "hv: d1: console ring output indices are more than the ring "
                                "size apart (cons 0, prod 2147483648); reported once\n"));
    assert_non_null(strstr(log, "(d1) BAAA"));
    assert_int_equal(get32(d, RING(out_cons)), 0x80000000u);
    /* cons ahead of prod: clipped again, not reported again. */
    put32(d, RING(out_cons), 5);
    put32(d, RING(out_prod), 4);
    assert_int_equal(notify(d->vcpu[0]), 0);
    log = log_since();
    assert_null(strstr(log, "hv: d1: console ring"));
    assert_int_equal(get32(d, RING(out_cons)), 4);
    /* Another domain's ring is its own business. */
    guest_put(other, "fine\n");
    assert_int_equal(notify(other->vcpu[0]), 0);
    assert_string_equal(log_since(), "(d2) fine\n");
    assert_int_equal(d->state, DOMAIN_RUNNING);
}

static void test_released_ring_page(void **state)
{
    struct domain *d = host_domain(1, 4 * MIB, 1);
    uint64_t args[6] = {HV_MEMOP_release, HV_GUEST_CONSOLE_GPA >> PAGE_SHIFT, 1};

    guest_put(d, "gone\n");
    assert_int_equal(hypercall_dispatch(d->vcpu[0], HV_HC_memory_op, args), 1);
    log_since();
    assert_int_equal(notify(d->vcpu[0]), 0);
    assert_string_equal(log_since(), "hv: d1: console ring page is not the domain's own memory "
                                     "(cons 0, prod 0); reported once\n");
    assert_int_equal(notify(d->vcpu[0]), 0);
    assert_string_equal(log_since(), "");
    assert_int_equal(d->state, DOMAIN_RUNNING);
}

static void test_input_reaches_domain_0(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1);
    struct domain *d1 = host_domain(1, 4 * MIB, 1);
    uint32_t port;
    char got[8];

    assert_false(console_input_wanted());
    assert_int_equal(bind_console_virq(d0->vcpu[0], &port), 0);
    assert_true(console_input_wanted());
    type("ls -l\r", 6);
    console_input_poll();
    assert_int_equal(get32(d0, RING(in_prod)), 6);
    assert_int_equal(copy_from_guest(d0, got, RING(in), 6), 0);
    assert_memory_equal(got, "ls -l\r", 6);
    assert_true(port_pending(d0, port));
    /* Only the focus domain gets input. */
    assert_int_equal(get32(d1, RING(in_prod)), 0);
    assert_int_equal(host_console_input_len, 0);
}

static void test_input_waits_while_the_ring_is_full(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1);
    static char typed[1500];

    for (size_t i = 0; i < sizeof(typed); i++)
        typed[i] = (char)('a' + i % 26);
    type(typed, sizeof(typed));
    console_input_poll();
    assert_int_equal(get32(d0, RING(in_prod)), HV_CONSOLE_IN_SIZE);
    console_input_poll(); /* full: nothing moves, nothing is lost */
    assert_int_equal(get32(d0, RING(in_prod)), HV_CONSOLE_IN_SIZE);
    /* The guest takes 600 bytes; the notify brings the rest. */
    put32(d0, RING(in_cons), 600);
    assert_int_equal(notify(d0->vcpu[0]), 0);
    assert_int_equal(get32(d0, RING(in_prod)), sizeof(typed));
    assert_int_equal(host_console_input_len, 0);
    for (uint32_t i = HV_CONSOLE_IN_SIZE; i < sizeof(typed); i++) {
        char c;

        assert_int_equal(copy_from_guest(d0, &c, RING(in) + HV_CONSOLE_MASK(i, HV_CONSOLE_IN_SIZE),
                                         1),
                         0);
        assert_int_equal(c, typed[i]);
    }
}

static void test_input_into_a_broken_ring(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1);

    put32(d0, RING(in_cons), 0x1000);
    put32(d0, RING(in_prod), 0);
    log_since();
    type("x", 1);
    console_input_poll();
    assert_string_equal(log_since(), "hv: d0: console ring input indices are more than the ring "
                                     "size apart (cons 4096, prod 0); reported once\n");
    assert_int_equal(get32(d0, RING(in_prod)), 0);
    /* Repaired, it gets the byte that waited. */
    put32(d0, RING(in_cons), 0);
    console_input_poll();
    assert_int_equal(get32(d0, RING(in_prod)), 1);
}

static void test_ctrl_a_three_times_switches_focus(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1);
    struct domain *d2 = host_domain(2, 4 * MIB, 1);
    static const char typed[] = "a\x01\x01\x01" "b\x01x\x01\x01y\x01\x01\x01" "c";
    char got[8];

    log_since();
    type(typed, sizeof(typed) - 1);
    console_input_poll();
    /* d1 does not exist: the focus goes from d0 to d2, then back. */
    assert_string_equal(log_since(), "hv: console input goes to d2 (Ctrl-A three times to switch)\n"
                                     "hv: console input goes to d0 (Ctrl-A three times to switch)\n");
    assert_int_equal(get32(d0, RING(in_prod)), 2);
    assert_int_equal(copy_from_guest(d0, got, RING(in), 2), 0);
    assert_memory_equal(got, "ac", 2);
    /* One or two Ctrl-A before another byte are input like any other. */
    assert_int_equal(get32(d2, RING(in_prod)), 6);
    assert_int_equal(copy_from_guest(d2, got, RING(in), 6), 0);
    assert_memory_equal(got, "b\x01x\x01\x01y", 6);
}

static void test_input_for_a_domain_that_is_gone(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1);
    struct domain *d1 = host_domain(1, 4 * MIB, 1);

    /* Focus on d1, which then stops: what is typed for it goes nowhere,
     * and three Ctrl-A still move the focus on (to d0). */
    type("\x01\x01\x01", 3);
    console_input_poll();
    domain_shutdown(d1, HV_SHUTDOWN_poweroff, 0);
    type("lost\x01\x01\x01kept", 11);
    console_input_poll();
    assert_int_equal(host_console_input_len, 0);
    assert_int_equal(get32(d0, RING(in_prod)), 4);
}

static uint32_t waiter_port;
static uint64_t waiter_woke;

/* Domain 0 binds HV_VIRQ_CONSOLE and blocks; input is typed as it blocks. */
static void input_waiter(struct vcpu *v, struct vcpu_exit *exit)
{
    exit->reason = EXIT_HYPERCALL;
    if (!waiter_port) {
        assert_int_equal(bind_console_virq(v, &waiter_port), 0);
        exit->hypercall.nr = HV_HC_sched_op;
        exit->hypercall.args[0] = HV_SCHED_block;
        /* Typed just after the pass that blocks it has looked. */
        type("q", 1);
        host_console_input_at = host_time_ns + 1;
        return;
    }
    waiter_woke = host_time_ns;
    exit->hypercall.nr = HV_HC_sched_op;
    exit->hypercall.args[0] = HV_SCHED_shutdown;
    exit->hypercall.args[1] = HV_SHUTDOWN_poweroff;
}

static void test_waiting_domain_is_woken_by_the_poll(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1);

    assert_false(console_input_wanted());
    waiter_port = 0;
    waiter_woke = 0;
    host_vcpu_script = input_waiter;
    sched_run();
    /* The idle CPU looked at the serial line one poll period later. */
    assert_int_equal(waiter_woke, CONSOLE_POLL_NS);
    assert_int_equal(host_stopped[0].reason, HV_SHUTDOWN_poweroff);
    (void)d0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_drain_prints_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_released_ring_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_reaches_domain_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_waits_while_the_ring_is_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_into_a_broken_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_a_three_times_switches_focus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_for_a_domain_that_is_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_domain_is_woken_by_the_poll, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
