/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host implementation of hv/include/hv/arch.h (see host_machine.h).
 * The p2m has two levels, as a real one does: a directory per domain of
 * leaf tables of 512 entries, each allocated when something is first
 * mapped in its 2 MiB, covering HOST_GFN_LIMIT frames: test domains are
 * small. Walks skip absent leaves, which keeps the audit cheap enough for a
 * fuzzer to run after every hypercall.
 */
#include "host_machine.h"

#include <hv/arch.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_GFN_LIMIT (1u << 16) /* 256 MiB of guest-physical space */
#define LEAF_ENTRIES 512u         /* one leaf maps 2 MiB, like a page table */
#define LEAVES (HOST_GFN_LIMIT / LEAF_ENTRIES)
#define ENTRY_PRESENT (1ull << 63)
#define ENTRY_HEAD (1ull << 62)  /* first frame of a mapping; order below */
#define ENTRY_ORDER_SHIFT 56
#define ENTRY_PERMS_SHIFT 48
#define ENTRY_MFN_MASK ((1ull << 48) - 1)
#define LOG_TAIL_MAX 8192

struct arch_domain {
    uint64_t *leaf[LEAVES]; /* LEAF_ENTRIES entries each, or NULL: nothing mapped there */
};

struct arch_vcpu {
    uint64_t rip;
    int64_t result;
};

static uint8_t *arena;
static struct page_info *frame_table;
static uint64_t arena_frames;
static unsigned int idle_passes; /* since a vCPU last ran (host_idle_limit) */
uint64_t host_time_ns;
uint64_t host_timer_deadline = UINT64_MAX;
unsigned int host_cpu_kicks;
void (*host_vcpu_script)(struct vcpu *v, struct vcpu_exit *exit);

bool host_console_quiet;

void host_machine_destroy_domains(void)
{
    for (uint32_t id = 0; id < DOMAIN_MAX; id++)
        if (domain_lookup(id))
            domain_destroy(domain_lookup(id));
}

void host_machine_init(uint64_t nr_frames)
{
    /* A fuzzer starts a machine per input: keeping an arena of the same
     * size avoids a large allocation (and a sanitizer's quarantine of the
     * old one) each time. What frames held before is garbage either way. */
    if (!arena || nr_frames != arena_frames) {
        free(arena);
        free(frame_table);
        arena = aligned_alloc(PAGE_SIZE, nr_frames * PAGE_SIZE);
        frame_table = calloc(nr_frames, sizeof(*frame_table));
        if (!arena || !frame_table)
            abort();
        arena_frames = nr_frames;
    } else {
        memset(frame_table, 0, nr_frames * sizeof(*frame_table));
    }
    if (page_alloc_init(frame_table, nr_frames) || page_alloc_add_range(_mfn(1), nr_frames - 1))
        abort();
    host_time_ns = 0;
    host_timer_deadline = UINT64_MAX;
    host_cpu_kicks = 0;
    host_vcpu_script = NULL;
    host_idle_forever = NULL;
    host_idle_limit = 0;
    idle_passes = 0;
    host_console_input_len = 0;
    host_console_input_at = 0;
    memset(host_stopped, 0, sizeof(host_stopped));
}

uint64_t host_free_frames(void)
{
    return page_alloc_free_frames();
}

void *arch_frame_virt(mfn_t mfn)
{
    if (mfn_x(mfn) >= arena_frames)
        abort();
    return arena + mfn_x(mfn) * PAGE_SIZE;
}

mfn_t arch_virt_frame(const void *p)
{
    return _mfn((uint64_t)((const uint8_t *)p - arena) / PAGE_SIZE);
}

void arch_console_write(const char *s, size_t len)
{
    if (!host_console_quiet)
        fwrite(s, 1, len, stderr);
}

const char *host_console_input;
size_t host_console_input_len;
uint64_t host_console_input_at;

int arch_console_getc(void)
{
    if (!host_console_input_len || host_time_ns < host_console_input_at)
        return -1;
    host_console_input_len--;
    return (unsigned char)*host_console_input++;
}

void host_log_tail(size_t bytes)
{
    static char buf[LOG_TAIL_MAX];
    uint64_t offset = UINT64_MAX;
    size_t n;

    /* Asking for bytes beyond the end moves offset to the end of the log;
     * back off from there. */
    bytes = bytes < sizeof(buf) ? bytes : sizeof(buf);
    printk_log_read(&offset, buf, 0);
    offset = offset > bytes ? offset - bytes : 0;
    n = printk_log_read(&offset, buf, bytes);
    fprintf(stderr, "--- the last %zu bytes of the hypervisor's log ---\n", n);
    fwrite(buf, 1, n, stderr);
    fprintf(stderr, "--- end of the log ---\n");
}

void arch_backtrace(void)
{
    /* ASan prints the real one when abort() lands. */
}

void arch_power_off(unsigned int value)
{
    /* A panic's message went to the log only: show it. */
    if (host_console_quiet)
        host_log_tail(LOG_TAIL_MAX);
    fprintf(stderr, "power off (%#x)\n", value);
    abort();
}

void arch_halt(void)
{
    abort();
}

const char *arch_exception_name(unsigned int vector)
{
    return vector == 6 ? "#UD invalid opcode" : "exception";
}

uint64_t arch_time_ns(void)
{
    return host_time_ns;
}

/* The host's "TSC" counts nanoseconds: scale 1:1 (mul 2^32 >> 1, shift 1). */
void arch_time_scale(uint64_t *tsc, uint64_t *now, uint32_t *mul, int8_t *shift)
{
    *tsc = host_time_ns;
    *now = host_time_ns;
    *mul = 1u << 31;
    *shift = 1;
}

void arch_wallclock(uint64_t *sec, uint32_t *nsec)
{
    *sec = 1700000000; /* a fixed date, for repeatable tests */
    *nsec = 0;
}

uint64_t arch_tsc_hz(void)
{
    return 1000000000u;
}

unsigned int arch_nr_cpus(void)
{
    return 1;
}

unsigned int arch_cpu_id(void)
{
    return 0;
}

void arch_cpu_kick(unsigned int cpu)
{
    /* One CPU: nothing to interrupt, but tests count the requests. */
    host_cpu_kicks++;
}

const char *arch_vendor(void)
{
    return "host";
}

void arch_timer_set(uint64_t deadline)
{
    host_timer_deadline = deadline;
}

void (*host_idle_forever)(void);
unsigned int host_idle_limit;

void arch_idle(void)
{
    /* Nothing else happens on the host: time jumps to the timer. */
    if (host_timer_deadline == UINT64_MAX ||
        (host_idle_limit && host_idle_forever && ++idle_passes > host_idle_limit)) {
        idle_passes = 0;
        if (!host_idle_forever)
            abort(); /* idle forever: the test would hang */
        host_idle_forever();
        return;
    }
    if (host_timer_deadline > host_time_ns)
        host_time_ns = host_timer_deadline;
}

int arch_domain_create(struct domain *d)
{
    d->arch = calloc(1, sizeof(*d->arch));
    return d->arch ? 0 : -HV_ENOMEM;
}

/* The entry for gfn g, or NULL if its leaf does not exist (and, with
 * alloc, cannot be allocated). g must be below HOST_GFN_LIMIT. */
static uint64_t *p2m_entry(struct domain *d, uint64_t g, bool alloc)
{
    uint64_t **leaf = &d->arch->leaf[g / LEAF_ENTRIES];

    if (!*leaf && alloc)
        *leaf = calloc(LEAF_ENTRIES, sizeof(uint64_t));
    return *leaf ? &(*leaf)[g % LEAF_ENTRIES] : NULL;
}

int arch_domain_release(struct domain *d, void (*release)(struct domain *, mfn_t, unsigned int),
                        unsigned int *budget)
{
    if (!d->arch)
        return 0;
    for (unsigned int l = 0; l < LEAVES; l++) {
        uint64_t *leaf = d->arch->leaf[l];

        for (unsigned int i = 0; leaf && i < LEAF_ENTRIES; i++) {
            unsigned int order = (unsigned int)(leaf[i] >> ENTRY_ORDER_SHIFT) & 0x3f;

            if (!(leaf[i] & ENTRY_PRESENT) || !(leaf[i] & ENTRY_HEAD))
                continue;
            if (*budget == 0)
                return -HV_ERESTART;
            (*budget)--;
            release(d, _mfn(leaf[i] & ENTRY_MFN_MASK), order);
            /* An aligned block lies in one leaf: clear all its entries. */
            memset(&leaf[i], 0, sizeof(*leaf) << order);
        }
        free(leaf);
        d->arch->leaf[l] = NULL;
    }
    free(d->arch);
    d->arch = NULL;
    return 0;
}

int arch_p2m_map(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, unsigned int perms)
{
    uint64_t g = gfn_x(gfn), n = 1ull << order, *e;

    if ((order != 0 && order != 9) || !IS_ALIGNED(g, n) || !IS_ALIGNED(mfn_x(mfn), n) ||
        g + n > HOST_GFN_LIMIT)
        return -HV_EINVAL;
    /* An aligned block of at most LEAF_ENTRIES lies in one leaf. */
    e = p2m_entry(d, g, true);
    if (!e)
        return -HV_ENOMEM;
    for (uint64_t i = 0; i < n; i++)
        if (e[i] & ENTRY_PRESENT)
            return -HV_EEXIST;
    for (uint64_t i = 0; i < n; i++)
        e[i] = ENTRY_PRESENT | (i == 0 ? ENTRY_HEAD : 0) | ((uint64_t)order << ENTRY_ORDER_SHIFT) |
               ((uint64_t)perms << ENTRY_PERMS_SHIFT) | (mfn_x(mfn) + i);
    return 0;
}

int arch_p2m_lookup(struct domain *d, gfn_t gfn, mfn_t *mfn, unsigned int *perms)
{
    uint64_t *e;

    if (gfn_x(gfn) >= HOST_GFN_LIMIT)
        return -HV_ENOENT;
    e = p2m_entry(d, gfn_x(gfn), false);
    if (!e || !(*e & ENTRY_PRESENT))
        return -HV_ENOENT;
    *mfn = _mfn(*e & ENTRY_MFN_MASK);
    *perms = (unsigned int)(*e >> ENTRY_PERMS_SHIFT) & 0xff;
    return 0;
}

int arch_p2m_unmap(struct domain *d, gfn_t gfn)
{
    uint64_t *e;

    if (gfn_x(gfn) >= HOST_GFN_LIMIT)
        return -HV_ENOENT;
    e = p2m_entry(d, gfn_x(gfn), false);
    if (!e || !(*e & ENTRY_PRESENT))
        return -HV_ENOENT;
    if (!(*e & ENTRY_HEAD) || (*e >> ENTRY_ORDER_SHIFT & 0x3f) != 0)
        return -HV_EINVAL; /* part of a 2 MiB mapping */
    *e = 0;
    return 0;
}

int arch_p2m_walk(struct domain *d, p2m_walk_fn fn, void *ctx)
{
    for (unsigned int l = 0; d->arch && l < LEAVES; l++) {
        const uint64_t *leaf = d->arch->leaf[l];

        for (unsigned int i = 0; leaf && i < LEAF_ENTRIES; i++) {
            uint64_t e = leaf[i];
            int err;

            if (!(e & ENTRY_PRESENT) || !(e & ENTRY_HEAD))
                continue;
            err = fn(d, _gfn((uint64_t)l * LEAF_ENTRIES + i), _mfn(e & ENTRY_MFN_MASK),
                     (unsigned int)(e >> ENTRY_ORDER_SHIFT) & 0x3f,
                     (unsigned int)(e >> ENTRY_PERMS_SHIFT) & 0xff, ctx);
            if (err)
                return err;
        }
    }
    return 0;
}

int arch_domain_build_boot(struct domain *d)
{
    return 0;
}

int arch_vcpu_create(struct vcpu *v)
{
    v->arch = calloc(1, sizeof(*v->arch));
    return v->arch ? 0 : -HV_ENOMEM;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    free(v->arch);
    v->arch = NULL;
}

void arch_vcpu_set_boot_state(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    v->arch->rip = entry;
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
    if (!host_vcpu_script)
        abort();
    memset(exit, 0, sizeof(*exit));
    idle_passes = 0;
    host_vcpu_script(v, exit);
}

uint64_t arch_vcpu_rip(struct vcpu *v)
{
    return v->arch->rip;
}

void arch_vcpu_hypercall_return(struct vcpu *v, int64_t result)
{
    v->arch->result = result;
    v->arch->rip += 3;
}

int64_t host_vcpu_result(const struct vcpu *v)
{
    return v->arch->result;
}

struct domain *host_domain(uint32_t id, uint64_t memory_size, unsigned int nr_vcpus)
{
    struct domain *d;

    if (domain_create(id, "test", memory_size, nr_vcpus, true, &d))
        abort();
    for (unsigned int i = 0; i < nr_vcpus; i++)
        vcpu_set_entry(d->vcpu[i], 0x100000, 0);
    domain_unpause(d);
    return d;
}

/* What the boot code does when a domain stops: here, remember how it ended
 * and destroy it. */
struct host_stopped host_stopped[DOMAIN_MAX];

void domain_stopped(struct domain *d)
{
    struct host_stopped *s = &host_stopped[d->id];

    s->stopped = true;
    s->reason = d->shutdown_reason;
    s->code = d->shutdown_code;
    s->cpu_time_ns = 0;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        s->cpu_time_ns += d->vcpu[i]->cpu_time_ns;
    domain_destroy(d);
}

int arch_p2m_split(struct domain *d, gfn_t gfn)
{
    uint64_t g = gfn_x(gfn), base, *e = g < HOST_GFN_LIMIT ? p2m_entry(d, g, false) : NULL;

    if (!e || !(*e & ENTRY_PRESENT))
        return -HV_ENOENT;
    base = g & ~(uint64_t)(LEAF_ENTRIES - 1);
    e = p2m_entry(d, base, false);
    if (!(*e & ENTRY_HEAD) || ((*e >> ENTRY_ORDER_SHIFT) & 0x3f) != 9)
        return 0; /* 4 KiB mappings already */
    for (uint64_t i = 0; i < LEAF_ENTRIES; i++)
        e[i] = (e[i] & ~(0x3full << ENTRY_ORDER_SHIFT)) | ENTRY_HEAD;
    return 0;
}

/* Devices: the host machine has none. Its I/O ports can be given, except
 * a console of its own at 0x3f8-0x3ff, so the permission logic runs. */
bool host_ioport_open[DOMAIN_MAX][0x10000];

int arch_ioport_permit(struct domain *d, uint32_t first, uint32_t last, bool allow)
{
    if (first > last || last > 0xffff)
        return -HV_EINVAL;
    if (allow && first <= 0x3ff && 0x3f8 <= last)
        return -HV_EPERM;
    for (uint32_t port = first; port <= last; port++)
        host_ioport_open[d->id][port] = allow;
    return 0;
}

bool arch_mmio_allowed(uint64_t first, uint64_t count)
{
    return false;
}

uint32_t arch_pci_conf_read(unsigned int bus, unsigned int devfn, unsigned int reg,
                            unsigned int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void arch_pci_conf_write(unsigned int bus, unsigned int devfn, unsigned int reg,
                         unsigned int size, uint32_t value)
{
}

int arch_msi_alloc(unsigned int pirq, uint64_t *address, uint32_t *data)
{
    return -HV_ENOSPC;
}

void arch_msi_free(unsigned int pirq)
{
}

int arch_gsi_bind(unsigned int pirq, uint32_t gsi)
{
    return -HV_ENOENT; /* no IOAPIC */
}

void arch_gsi_unbind(unsigned int pirq)
{
}

void arch_gsi_unmask(unsigned int pirq)
{
}

void arch_msix_write(uint64_t address, uint32_t value)
{
}
