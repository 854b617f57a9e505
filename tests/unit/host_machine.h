/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A machine for hv/common on the host: RAM is a malloc'd arena of frames,
 * each domain's p2m a table in host memory, time a counter the test moves,
 * and vCPUs run scripts instead of guest code. Unit tests and fuzzers build
 * domains, make hypercalls and audit the accounting against it exactly as
 * the hypervisor does on x86.
 */
#ifndef TESTS_UNIT_HOST_MACHINE_H
#define TESTS_UNIT_HOST_MACHINE_H

#include <hv/domain.h>
#include <hv/types.h>

/* Start a machine of nr_frames frames (all free but frame 0), replacing any
 * previous one. Everything the previous machine held is forgotten: destroy
 * its domains first, or their host-side state (p2m tables) leaks. */
void host_machine_init(uint64_t nr_frames);

/* Destroy every domain that exists (a test's teardown: the scheduler's
 * queues are global, so none may be left for the next test). */
void host_machine_destroy_domains(void);

/* When set, the hypervisor's console output is not printed; it still goes
 * to the log ring (sysctl readlog), and a panic prints the ring's tail.
 * Fuzzers set it: printing every guest line would cost more than running
 * the hypercalls. */
extern bool host_console_quiet;

/* Bytes "typed" on the hypervisor's console: arch_console_getc() takes
 * them one at a time from here, once host_time_ns has reached
 * host_console_input_at. Cleared by host_machine_init(). */
extern const char *host_console_input;
extern size_t host_console_input_len;
extern uint64_t host_console_input_at;

/* Print the last bytes (at most 8 KiB) of the hypervisor's log to stderr. */
void host_log_tail(size_t bytes);

/* Free frames now. */
uint64_t host_free_frames(void);

/* The simulated clock (ns), moved only by the test (and by arch_idle(),
 * which jumps to the armed timer's deadline). */
extern uint64_t host_time_ns;
extern uint64_t host_timer_deadline; /* the last arch_timer_set() */
extern unsigned int host_cpu_kicks;  /* arch_cpu_kick() calls so far */

/* What arch_vcpu_run() does on the host: the test's script fills *exit. */
extern void (*host_vcpu_script)(struct vcpu *v, struct vcpu_exit *exit);

/* What arch_idle() does when no timer is armed, so that nothing could ever
 * wake the CPU: by default it aborts, as a unit test would hang there. A
 * fuzzer, whose guests may all wait for good quite legitimately, ends the
 * run instead (called without the hypervisor lock). */
extern void (*host_idle_forever)(void);

/* With a limit, more than that many idle passes in a row without a vCPU
 * running count as idling for good too: a CPU that polls the serial line
 * for a listener (hv/console.h) always has a timer armed, yet wakes
 * nothing when no byte comes. 0 (the default, reset by
 * host_machine_init()) sets no limit. */
extern unsigned int host_idle_limit;

/* The result of v's last hypercall, as arch_vcpu_hypercall_return() set it. */
int64_t host_vcpu_result(const struct vcpu *v);

/* A domain with memory_size bytes and nr_vcpus vCPUs, created and
 * unpaused (asserts on failure). */
/* Which I/O ports arch_ioport_permit() opened, by domain id (tests clear
 * it themselves); 0x3f8-0x3ff are the host machine's own console. */
extern bool host_ioport_open[DOMAIN_MAX][0x10000];

struct domain *host_domain(uint32_t id, uint64_t memory_size, unsigned int nr_vcpus);

/* How each domain stopped (domain_stopped() fills this in and destroys the
 * domain); cleared by host_machine_init(). */
struct host_stopped {
    bool stopped;
    unsigned int reason, code;
    uint64_t cpu_time_ns; /* all its vCPUs together */
};
extern struct host_stopped host_stopped[DOMAIN_MAX];

#endif
