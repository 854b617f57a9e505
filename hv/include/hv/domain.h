/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs: what common code knows about them, and the exits a vCPU
 * reports to common code. A domain owns the frames its p2m maps; destroying
 * it returns every one of them.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/types.h>

enum domain_state {
    DOMAIN_BUILDING, /* memory and vCPUs being set up */
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN, /* stopped: shutdown_reason and shutdown_code say why */
};

#define CONSOLE_LINE_MAX 160

struct vcpu {
    struct domain *domain;
    unsigned int id;
    bool blocked;             /* halted until an event arrives */
    struct arch_vcpu *arch;
};

struct domain {
    uint32_t id;
    enum domain_state state;
    unsigned int shutdown_reason; /* HV_SHUTDOWN_* */
    unsigned int shutdown_code;
    uint64_t memory_size;   /* bytes of guest-physical memory */
    uint64_t nr_frames;     /* frames this domain owns */
    char name[32];
    struct vcpu *vcpu0;
    struct arch_domain *arch;
    size_t console_len;
    char console_line[CONSOLE_LINE_MAX];
};

/* Why arch_vcpu_run() returned. */
enum vcpu_exit_reason {
    EXIT_HYPERCALL,     /* hypercall: nr and args */
    EXIT_HALT,          /* the vCPU waits for an event */
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
 * the image, write the start-info tree with cmdline, set up the boot vCPU.
 * On failure everything is undone, *why says what was wrong, and the return
 * is -HV_ENOEXEC, -HV_E2BIG or -HV_ERANGE (a bad image, see elf_check()),
 * -HV_ENOMEM, -HV_EINVAL (bad memory size) or -HV_EFAULT. On success *out is a domain in
 * DOMAIN_RUNNING state.
 */
int domain_create_from_elf(uint32_t id, const char *name, const void *image, size_t size,
                           uint64_t memory_size, const char *cmdline, struct domain **out,
                           const char **why) __must_check;

/* Run d's vCPU until the domain stops. */
void domain_run(struct domain *d);

/* Stop d with reason and code (HV_SHUTDOWN_*). */
void domain_shutdown(struct domain *d, unsigned int reason, unsigned int code);

/* Kill d for misbehaving: print the diagnostic (a printf format) and stop it
 * as crashed. Never affects the hypervisor or any other domain. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/* Free everything d owns, then d itself. */
void domain_destroy(struct domain *d);

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
