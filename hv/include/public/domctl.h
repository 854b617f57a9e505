/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control operations: domctl(cmd, arg) manages other domains and
 * sysctl(cmd, arg, len) reports on the machine. Only the control domain
 * (domain 0, the first boot domain) may use them; everyone else gets
 * -HV_EPERM. arg is the guest-physical address of the command's struct
 * (or a domain id, where the table says so). Every struct is copied in
 * once and checked completely before anything happens; OUT fields are
 * written back only on success.
 *
 * Building a domain: create (memory populated and zeroed, boot page tables
 * and GDT as public/start_info.h describes, paused), copy_to for the image
 * and the start-info tree, set_vcpu_context for the entry point, unpause.
 */
#ifndef HV_PUBLIC_DOMCTL_H
#define HV_PUBLIC_DOMCTL_H

#include <stdint.h>

#define HV_DOMID_ANY 0xffffffffu  /* create: pick the lowest free id */
#define HV_DOMAIN_NAME_MAX 32u

/* domctl commands */
#define HV_DOMCTL_create 0         /* struct hv_domctl_create */
#define HV_DOMCTL_destroy 1        /* arg = domid; not the caller itself */
#define HV_DOMCTL_pause 2          /* arg = domid */
#define HV_DOMCTL_unpause 3        /* arg = domid; starts a built domain */
#define HV_DOMCTL_getinfo 4        /* struct hv_domctl_info */
#define HV_DOMCTL_shutdown 5       /* struct hv_domctl_shutdown */
#define HV_DOMCTL_copy_to 6        /* struct hv_domctl_copy */
#define HV_DOMCTL_set_vcpu_context 7 /* struct hv_domctl_vcpu_context */
#define HV_DOMCTL_get_vcpu_context 8 /* struct hv_domctl_vcpu_context */
#define HV_DOMCTL_set_weight 9     /* struct hv_domctl_weight */
#define HV_DOMCTL_set_max_mem 10   /* struct hv_domctl_max_mem */
#define HV_DOMCTL_set_affinity 11  /* struct hv_domctl_affinity */

#define HV_DOMCTL_COPY_MAX (64u * 1024u) /* bytes per copy_to */

struct hv_domctl_create {
    uint32_t domid;     /* IN: wanted id or HV_DOMID_ANY; OUT: the id */
    uint32_t vcpus;     /* IN: 1 .. HV_MAX_VCPUS */
    uint64_t memory;    /* IN: bytes, a multiple of 2 MiB, at least 4 MiB */
    char name[HV_DOMAIN_NAME_MAX]; /* IN: NUL-terminated */
};
_Static_assert(sizeof(struct hv_domctl_create) == 48, "domctl create layout");

/* Domain states as getinfo reports them. */
#define HV_DOMSTATE_building 0
#define HV_DOMSTATE_paused 1
#define HV_DOMSTATE_running 2
#define HV_DOMSTATE_shutdown 3
#define HV_DOMSTATE_dying 4

struct hv_domctl_info {
    uint32_t domid;           /* IN: the first domain with id >= domid; OUT: its id */
    uint32_t state;           /* OUT: HV_DOMSTATE_* */
    uint32_t shutdown_reason; /* OUT: HV_SHUTDOWN_*, in state shutdown */
    uint32_t shutdown_code;   /* OUT */
    uint64_t memory;          /* OUT: bytes of guest-physical memory */
    uint64_t frames;          /* OUT: frames the domain owns */
    uint64_t cpu_time_ns;     /* OUT: all its vCPUs, by the scheduler's accounting */
    uint64_t max_frames;      /* OUT: the most frames it may own */
    uint32_t vcpus;           /* OUT */
    uint32_t weight;          /* OUT */
    uint32_t privileged;      /* OUT: 1 for the control domain */
    uint32_t pad;
    char name[HV_DOMAIN_NAME_MAX]; /* OUT */
};
_Static_assert(sizeof(struct hv_domctl_info) == 96, "domctl info layout");

struct hv_domctl_shutdown {
    uint32_t domid;  /* IN */
    uint32_t reason; /* IN: HV_SHUTDOWN_* */
    uint32_t code;   /* IN */
    uint32_t pad;
};
_Static_assert(sizeof(struct hv_domctl_shutdown) == 16, "domctl shutdown layout");

struct hv_domctl_copy {
    uint32_t domid;   /* IN: the target, which must not be running */
    uint32_t pad;
    uint64_t dst_gpa; /* IN: in the target */
    uint64_t src_gpa; /* IN: in the caller */
    uint64_t len;     /* IN: at most HV_DOMCTL_COPY_MAX; 0 with src_gpa 0 zeroes nothing */
};
_Static_assert(sizeof(struct hv_domctl_copy) == 32, "domctl copy layout");

struct hv_domctl_vcpu_context {
    uint32_t domid;   /* IN */
    uint32_t vcpu;    /* IN */
    uint64_t rip;     /* IN (set) / OUT (get): set gives the entry state of
                       * public/start_info.h with this rip ... */
    uint64_t rdi;     /* ... and rdi (for vCPU 0: the start-info address) */
    uint32_t state;   /* OUT (get): 0 offline, 1 runnable, 2 running, 3 blocked */
    uint32_t cpu;     /* OUT (get): the physical CPU it runs on, or will next */
    uint64_t cpu_time_ns; /* OUT (get) */
};
_Static_assert(sizeof(struct hv_domctl_vcpu_context) == 40, "domctl vcpu layout");

struct hv_domctl_weight {
    uint32_t domid;  /* IN */
    uint32_t weight; /* IN: 1 .. HV_WEIGHT_MAX; CPU share relative to others */
};
_Static_assert(sizeof(struct hv_domctl_weight) == 8, "domctl weight layout");
#define HV_WEIGHT_MAX 65535u

struct hv_domctl_affinity {
    uint32_t domid; /* IN */
    uint32_t vcpu;  /* IN */
    uint32_t cpu;   /* IN: the physical CPU (below physinfo's nr_cpus) it runs on */
    uint32_t pad;
};
_Static_assert(sizeof(struct hv_domctl_affinity) == 16, "domctl affinity layout");

struct hv_domctl_max_mem {
    uint32_t domid; /* IN */
    uint32_t pad;
    uint64_t bytes; /* IN: page-aligned; the domain may own at most this */
};
_Static_assert(sizeof(struct hv_domctl_max_mem) == 16, "domctl max_mem layout");
#define HV_WEIGHT_DEFAULT 256u

/* sysctl commands */
#define HV_SYSCTL_version 0  /* OUT struct hv_sysctl_version */
#define HV_SYSCTL_physinfo 1 /* OUT struct hv_sysctl_physinfo */
#define HV_SYSCTL_readlog 2  /* struct hv_sysctl_readlog */

struct hv_sysctl_version {
    uint32_t abi_version; /* OUT: HV_ABI_VERSION */
    uint32_t pad;
    char vendor[16];      /* OUT: the vCPU back end, "svm" or "vmx" */
};
_Static_assert(sizeof(struct hv_sysctl_version) == 24, "sysctl version layout");

struct hv_sysctl_physinfo {
    uint32_t nr_cpus;      /* OUT: physical CPUs running the hypervisor */
    uint32_t pad;
    uint64_t total_frames; /* OUT: RAM frames the hypervisor manages */
    uint64_t free_frames;  /* OUT */
    uint64_t tsc_hz;       /* OUT */
};
_Static_assert(sizeof(struct hv_sysctl_physinfo) == 32, "sysctl physinfo layout");

/*
 * readlog: copy the hypervisor's log ring from byte offset (an ever-growing
 * count of bytes logged since boot) into buf. OUT offset is where the copy
 * started (later than asked if the ring overwrote older bytes) and len how
 * many bytes were copied; the next call asks for offset + len.
 */
struct hv_sysctl_readlog {
    uint64_t offset; /* IN/OUT */
    uint64_t buf;    /* IN: guest-physical address */
    uint64_t len;    /* IN: buffer size; OUT: bytes copied */
};
_Static_assert(sizeof(struct hv_sysctl_readlog) == 24, "sysctl readlog layout");

#endif
