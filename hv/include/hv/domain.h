/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs: what common code knows about them, and the exits a vCPU
 * reports to common code. A domain owns the frames its p2m maps; destroying
 * it returns every one of them.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/types.h>

/*
 * Lifecycle. Transitions are checked (domain_set_state); anything else is a
 * hypervisor bug:
 *   BUILDING -> PAUSED          built, not yet started
 *   PAUSED <-> RUNNING          pause_count drops to 0 / rises from 0
 *   PAUSED, RUNNING -> SHUTDOWN the guest stopped itself, or was killed;
 *                               shutdown_reason and shutdown_code say why
 *   any but DEAD -> DYING       destruction started; frames are returned
 *   DYING -> DEAD               everything is returned; the id is free
 */
enum domain_state {
    DOMAIN_BUILDING,
    DOMAIN_PAUSED,
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,
    DOMAIN_DYING,
    DOMAIN_DEAD,
};

enum vcpu_state {
    VCPU_OFFLINE,  /* not started, or its domain is not running */
    VCPU_RUNNABLE, /* on a run queue */
    VCPU_RUNNING,  /* on a physical CPU now */
    VCPU_BLOCKED,  /* waiting for an event or its timer */
};

#define CONSOLE_LINE_MAX 160
#define DOMAIN_NAME_MAX 32
#define NO_TIMER UINT64_MAX

struct vcpu {
    struct domain *domain;
    unsigned int id;
    enum vcpu_state state;
    unsigned int processor;   /* the physical CPU it runs on (affinity) */
    uint64_t timer_deadline;  /* system time (ns) of its one-shot timer, or NO_TIMER */
    bool timer_fired;         /* its timer fired while it was not blocked: the wake-up
                               * its next block is owed (it returns at once) */
    uint64_t cpu_time_ns;     /* time spent running, by the scheduler's accounting */
    bool time_published;      /* its time record in shared info is current */
    bool initialised;         /* has an entry state: may run */
    bool busy;                /* a CPU picked it and has not finished its exit */
    bool hypercall_done;      /* its last hypercall was dispatched already */
    struct domain *building;  /* a domctl create it is in the middle of */
    uint32_t destroying;      /* 1 + the id of a domctl destroy it is in the middle of */
    int64_t budget_ns;        /* scheduler: what is left of this round's share */
    struct vcpu *run_next;    /* scheduler: run-queue link */
    struct arch_vcpu *arch;
};

struct domain {
    uint32_t id;
    enum domain_state state;
    bool privileged;              /* the control domain */
    bool auto_destroy;            /* destroyed as soon as it stops (boot domains) */
    bool stop_reported;           /* domain_stopped() has seen it */
    bool torn_down;               /* dying: its vCPUs and grant state are gone */
    unsigned int pause_count;     /* > 0: paused */
    unsigned int shutdown_reason; /* HV_SHUTDOWN_*, valid from DOMAIN_SHUTDOWN */
    unsigned int shutdown_code;
    unsigned int weight;          /* CPU share relative to other domains */
    uint64_t memory_size;         /* bytes of guest-physical memory */
    uint64_t nr_frames;           /* frames this domain owns */
    uint64_t max_frames;          /* the most it may own (memory_op populate) */
    uint64_t populated_to;        /* boot memory populated below this gfn */
    unsigned int max_vcpus;
    struct vcpu *vcpu[32];        /* HV_MAX_VCPUS */
    char name[DOMAIN_NAME_MAX];
    /* The hypervisor's view of the domain's shared-info page (a frame of
     * its own memory at HV_GUEST_SHARED_INFO_GPA): written by the
     * hypervisor, never trusted when read back. */
    struct hv_shared_info *shared_info;
    struct grant_domain *grant;   /* grant tables (grant.c); NULL until first used */
    struct evtchn_domain *evtchn; /* event-channel ports (hv/event.h) */
    struct physdev_domain *physdev; /* devices it was given (hv/physdev.h); NULL: none */
    struct arch_domain *arch;
    size_t console_len;
    bool console_ring_reported;   /* its console ring misbehaved (console_ring.c) */
    char console_line[CONSOLE_LINE_MAX];
};

#define DOMAIN_MAX 64             /* domains at once, including dom0 */
#define DOMAIN_DEFAULT_WEIGHT 256

/* Why arch_vcpu_run() returned. */
enum vcpu_exit_reason {
    EXIT_HYPERCALL,     /* hypercall: nr and args */
    EXIT_HALT,          /* the vCPU waits for an event */
    EXIT_INTERRUPT,     /* a host interrupt was taken: time to reschedule? */
    EXIT_NPF,           /* access to guest-physical memory with no mapping */
    EXIT_EXCEPTION,     /* an exception the guest cannot handle itself */
    EXIT_TRIPLE_FAULT,  /* the guest shut its vCPU down */
    EXIT_INVALID_STATE, /* the hardware refused the vCPU's state */
    EXIT_UNHANDLED,     /* anything else: the guest's fault */
};

struct vcpu_exit {
    enum vcpu_exit_reason reason;
    uint64_t rip;
    union {
        struct {
            uint64_t nr;
            uint64_t args[6];
        } hypercall;
        struct {
            uint64_t gpa;
            bool write, fetch;
        } npf;
        struct {
            unsigned int vector;
            bool has_error_code;
            uint32_t error_code;
            uint64_t cr2;
        } exception;
        struct {
            uint64_t code;      /* the vendor's exit code */
            uint64_t info1, info2;
        } unhandled;
    };
};

/*
 * Build a domain from a 64-bit ELF image: populate memory_size bytes, load
 * the image, write the start-info tree with cmdline, create nr_vcpus vCPUs
 * and set up the boot vCPU (vCPU 0; the guest starts the others).
 * On failure everything is undone, *why says what was wrong, and the return
 * is -HV_ENOEXEC, -HV_E2BIG or -HV_ERANGE (a bad image, see elf_check()),
 * -HV_ENOMEM, -HV_EINVAL (bad memory size) or -HV_EFAULT. On success *out is a domain in
 * DOMAIN_RUNNING state.
 */
int domain_create_from_elf(uint32_t id, const char *name, const void *image, size_t size,
                           uint64_t memory_size, unsigned int nr_vcpus, const char *cmdline,
                           struct domain **out, const char **why) __must_check;

/*
 * Create domain id in DOMAIN_BUILDING state, paused, with memory_size bytes
 * of zeroed memory (a multiple of 2 MiB, at least HV_GUEST_MIN_MEMORY; see
 * populate_now below) and
 * nr_vcpus vCPUs (not yet set up to run). Returns 0, -HV_EINVAL, -HV_EEXIST
 * (the id is taken) or -HV_ENOMEM; on failure nothing is left behind.
 */
int domain_create(uint32_t id, const char *name, uint64_t memory_size, unsigned int nr_vcpus,
                  bool populate_now, struct domain **out) __must_check;

/* With populate_now false, domain_create() populates only the first 2 MiB;
 * each call of this populates up to max_blocks more 2 MiB blocks. Returns
 * 0 when all of memory_size is there, -HV_ERESTART while more is left. */
int domain_populate_step(struct domain *d, unsigned int max_blocks) __must_check;

/* Every domain by id (domain.c); use domain_lookup(). */
extern struct domain *domain_table[DOMAIN_MAX];

/* The domain with this id, or NULL. Inline: every event send looks one up. */
static inline struct domain *domain_lookup(uint32_t id)
{
    return id < DOMAIN_MAX ? domain_table[id] : NULL;
}

/* Start d (PAUSED -> RUNNING) when nothing else holds it paused. */
void domain_unpause(struct domain *d);
void domain_pause(struct domain *d);

/* Stop d with reason and code (HV_SHUTDOWN_*): its vCPUs stop running.
 * Calls the boot code's hook (domain_stopped) so it can react. */
void domain_shutdown(struct domain *d, unsigned int reason, unsigned int code);

/* Called once a domain reaches DOMAIN_SHUTDOWN (boot.c). */
void domain_stopped(struct domain *d);

/* Handle one exit of v: a hypercall, or the guest's death (vcpu.c). */
void vcpu_handle_exit(struct vcpu *v, const struct vcpu_exit *exit);

/* Kill d for misbehaving: print the diagnostic (a printf format) and stop it
 * as crashed. Never affects the hypervisor or any other domain. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/*
 * Destruction, in bounded steps. domain_destroy_start() makes d DYING: its
 * event channels close and its vCPUs stop (one in guest mode on another
 * CPU is told to leave). domain_destroy_step() then frees a bounded part
 * of what d owns per call and returns -HV_ERESTART until it has freed d
 * itself (0; d is gone). A step waits (-HV_ERESTART, nothing done) while a
 * vCPU of d is still busy on a CPU.
 *
 * A hypercall starts a destruction and steps it, restarting itself, or
 * leaves the rest to domain_reap(), which the scheduler calls on every CPU
 * at every decision: one step for each dying domain; it returns true while
 * some are left.
 *
 * domain_destroy() does it all at once unless a vCPU of d is busy (then
 * the scheduler finishes it): for boot, and the host tests -- never in a
 * hypercall.
 */
void domain_destroy_start(struct domain *d);
int domain_destroy_step(struct domain *d);
bool domain_reap(void);
/* Dying domains not freed yet (domain_reap has work), read on hot paths. */
extern unsigned int domain_nr_dying;
static inline bool domain_reap_pending(void)
{
    return domain_nr_dying != 0;
}
void domain_destroy(struct domain *d);

/* Is a vCPU of any domain busy on a CPU? */
bool domain_any_busy(void);

/* Number of domains that exist (in any state but DEAD). */
unsigned int domain_count(void);

/* Is any domain running? When none is, none can ever run again. */
bool domain_any_running(void);

/* The lowest free domain id from first on, or DOMAIN_MAX if none. */
uint32_t domain_free_id(uint32_t first);

/* Give v the entry state of public/start_info.h (rip, rdi) and let it run
 * once its domain does. */
void vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rdi);

/* Would copying len bytes at gpa (writable ones, if write) succeed? */
bool guest_range_ok(struct domain *d, uint64_t gpa, size_t len, bool write);

/* Copy between hypervisor memory and d's guest-physical memory. Fails with
 * -HV_EFAULT, having copied nothing, if any byte is not mapped (or not
 * writable, for copy_to_guest and clear_guest). */
int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len) __must_check;
int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len) __must_check;
int clear_guest(struct domain *d, uint64_t gpa, size_t len) __must_check;

/* Hypercall dispatch (hypercall.c). Returns the result for rax. */
int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6]);

/* Append guest console output (console.c). */
void console_guest_write(struct domain *d, const char *buf, size_t len);
void console_guest_flush(struct domain *d);

#endif
