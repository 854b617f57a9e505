/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains: the table of them, their lifecycle (hv/domain.h lists the
 * states and transitions), their memory and their destruction. A domain
 * owns exactly the frames its p2m maps; destruction walks the p2m and
 * returns each one, so nothing can leak or stay shared.
 *
 * Locking: none yet; one physical CPU runs the hypervisor.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/grant.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/physdev.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <public/hv.h>
#include <string.h>

#define BLOCK_ORDER 9 /* populate with 2 MiB blocks: 2 MiB p2m leaves */

struct domain *domain_table[DOMAIN_MAX];
static unsigned int nr_domains;

BUILD_BUG_ON(ARRAY_SIZE(((struct domain *)0)->vcpu) != HV_MAX_VCPUS);

unsigned int domain_count(void)
{
    return nr_domains;
}

bool domain_any_running(void)
{
    for (unsigned int i = 0; i < DOMAIN_MAX; i++)
        if (domain_table[i] && domain_table[i]->state == DOMAIN_RUNNING)
            return true;
    return false;
}

uint32_t domain_free_id(uint32_t first)
{
    for (uint32_t id = first; id < DOMAIN_MAX; id++)
        if (!domain_table[id])
            return id;
    return DOMAIN_MAX;
}

void vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rdi)
{
    arch_vcpu_set_boot_state(v, rip, rdi);
    v->initialised = true;
    if (v->domain->state == DOMAIN_RUNNING)
        vcpu_wake(v);
}

static const char *const state_names[] = {"building", "paused", "running",
                                          "shutdown", "dying",  "dead"};

/* The allowed transitions, from -> bitmap of to. */
static const uint8_t transitions[] = {
    [DOMAIN_BUILDING] = 1u << DOMAIN_PAUSED | 1u << DOMAIN_DYING,
    [DOMAIN_PAUSED] = 1u << DOMAIN_RUNNING | 1u << DOMAIN_SHUTDOWN | 1u << DOMAIN_DYING,
    [DOMAIN_RUNNING] = 1u << DOMAIN_PAUSED | 1u << DOMAIN_SHUTDOWN | 1u << DOMAIN_DYING,
    [DOMAIN_SHUTDOWN] = 1u << DOMAIN_DYING,
    [DOMAIN_DYING] = 1u << DOMAIN_DEAD,
    [DOMAIN_DEAD] = 0,
};

static void set_state(struct domain *d, enum domain_state to)
{
    if (!(transitions[d->state] & (1u << to)))
        panic("d%u: bad state transition %s -> %s", d->id, state_names[d->state],
              state_names[to]);
    d->state = to;
}

/* Give d 2^order fresh zeroed frames at gfn. */
static int populate_block(struct domain *d, uint64_t gfn, unsigned int order)
{
    mfn_t mfn;
    int err = page_alloc(order, &mfn);

    if (err)
        return err;
    for (uint64_t i = 0; i < (1ull << order); i++) {
        /* Frames come with someone else's old contents: zero them. */
        memset(arch_frame_virt(_mfn(mfn_x(mfn) + i)), 0, PAGE_SIZE);
        mfn_to_page(_mfn(mfn_x(mfn) + i))->owner = d;
    }
    err = arch_p2m_map(d, _gfn(gfn), mfn, order, P2M_RWX);
    if (err) {
        for (uint64_t i = 0; i < (1ull << order); i++)
            mfn_to_page(_mfn(mfn_x(mfn) + i))->owner = NULL;
        BUG_ON(page_free(mfn, order));
        return err;
    }
    d->nr_frames += 1ull << order;
    return 0;
}

/* Populate d's boot memory from where it got to, at most max_blocks 2 MiB
 * blocks this time. Returns 0 when all of it is there, -HV_ERESTART when
 * more is left, or an error. */
int domain_populate_step(struct domain *d, unsigned int max_blocks)
{
    uint64_t frames = d->memory_size >> PAGE_SHIFT;

    for (; d->populated_to < frames && max_blocks; max_blocks--) {
        uint64_t gfn = d->populated_to;
        int err = populate_block(d, gfn, BLOCK_ORDER);

        /* Fragmented memory: fall back to single frames. */
        for (uint64_t i = 0; err == -HV_ENOMEM && i < (1ull << BLOCK_ORDER); i++)
            err = populate_block(d, gfn + i, 0);
        if (err)
            return err;
        d->populated_to = gfn + (1ull << BLOCK_ORDER);
    }
    return d->populated_to < frames ? -HV_ERESTART : 0;
}

/*
 * Return a block d was populated with. grant_domain_destroy() has already
 * removed the grant mappings d held, so only d's own frames are left in
 * its p2m. A block with a frame another domain still maps (through a
 * grant) is not freed: it passes to the hypervisor (owner NULL) and
 * grant.c frees it when its last mapping goes (hv/grant.h).
 */
static void release_frames(struct domain *d, mfn_t mfn, unsigned int order)
{
    bool mapped = false;

    for (uint64_t i = 0; i < (1ull << order); i++) {
        struct page_info *pg = mfn_to_page(_mfn(mfn_x(mfn) + i));

        BUG_ON(!pg || pg->owner != d);
        pg->owner = NULL;
        mapped |= pg->count != 0;
    }
    if (!mapped)
        BUG_ON(page_free(mfn, order));
    d->nr_frames -= 1ull << order;
}

static void vcpus_destroy(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        vcpu_sleep(v);
        arch_vcpu_destroy(v);
        heap_free_page(v);
        d->vcpu[i] = NULL;
    }
}

int domain_create(uint32_t id, const char *name, uint64_t memory_size, unsigned int nr_vcpus,
                  bool populate_now, struct domain **out)
{
    struct domain *d;
    int err;

    BUILD_BUG_ON(sizeof(struct domain) > PAGE_SIZE);
    BUILD_BUG_ON(sizeof(struct vcpu) > PAGE_SIZE);
    *out = NULL;
    if (id >= DOMAIN_MAX || nr_vcpus == 0 || nr_vcpus > HV_MAX_VCPUS ||
        memory_size < HV_GUEST_MIN_MEMORY || !IS_ALIGNED(memory_size, HV_GUEST_MEMORY_ALIGN))
        return -HV_EINVAL;
    if (domain_table[id])
        return -HV_EEXIST;
    if (memory_size > page_alloc_free_frames() << PAGE_SHIFT)
        return -HV_ENOMEM;
    d = heap_alloc_page();
    if (!d)
        return -HV_ENOMEM;
    d->id = id;
    d->state = DOMAIN_BUILDING;
    d->weight = DOMAIN_DEFAULT_WEIGHT;
    d->memory_size = memory_size;
    d->max_frames = memory_size >> PAGE_SHIFT;
    d->max_vcpus = nr_vcpus;
    d->pause_count = 1; /* until the builder unpauses it */
    memcpy(d->name, name, strnlen(name, sizeof(d->name) - 1));
    domain_table[id] = d;
    nr_domains++;

    err = arch_domain_create(d);
    /* The first 2 MiB hold the shared-info page; the rest can come later
     * (domain_populate_step) when the caller asks for a partial build. */
    if (!err)
        err = domain_populate_step(d, populate_now ? UINT32_MAX : 1);
    if (err == -HV_ERESTART)
        err = 0;
    if (!err) {
        mfn_t mfn;
        unsigned int perms;

        BUG_ON(arch_p2m_lookup(d, _gfn(HV_GUEST_SHARED_INFO_GPA >> PAGE_SHIFT), &mfn, &perms));
        d->shared_info = arch_frame_virt(mfn);
        time_publish_wallclock(d);
    }
    for (unsigned int i = 0; !err && i < nr_vcpus; i++) {
        struct vcpu *v = heap_alloc_page();

        if (!v) {
            err = -HV_ENOMEM;
            break;
        }
        v->domain = d;
        v->id = i;
        v->state = VCPU_OFFLINE;
        v->timer_deadline = NO_TIMER;
        /* Spread vCPUs over the CPUs; affinity can move them later. */
        v->processor = (id + i) % arch_nr_cpus();
        d->vcpu[i] = v;
        err = arch_vcpu_create(v);
        if (err) {
            heap_free_page(v);
            d->vcpu[i] = NULL;
        }
    }
    if (!err)
        err = event_domain_init(d);
    if (err) {
        domain_destroy(d);
        return err;
    }
    *out = d;
    return 0;
}

void domain_unpause(struct domain *d)
{
    if (d->state == DOMAIN_BUILDING)
        set_state(d, DOMAIN_PAUSED);
    if (d->pause_count == 0 || --d->pause_count > 0 || d->state != DOMAIN_PAUSED)
        return;
    set_state(d, DOMAIN_RUNNING);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_wake(d->vcpu[i]);
}

void domain_pause(struct domain *d)
{
    d->pause_count++;
    if (d->state != DOMAIN_RUNNING)
        return;
    set_state(d, DOMAIN_PAUSED);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_pause(d->vcpu[i]);
}

void domain_shutdown(struct domain *d, unsigned int reason, unsigned int code)
{
    if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
        return;
    console_guest_flush(d);
    set_state(d, DOMAIN_SHUTDOWN);
    d->shutdown_reason = reason;
    d->shutdown_code = code;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_sleep(d->vcpu[i]);
    /* The boot CPU may be idle, waiting for the last domain to stop. */
    if (!domain_any_running())
        arch_cpu_kick(0);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    va_list ap;

    console_guest_flush(d);
    printk(LOG_ERR "hv: d%u (%s) crashed: ", d->id, d->name);
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk(LOG_ERR "\n");
    domain_shutdown(d, HV_SHUTDOWN_crash, 0);
}

bool domain_any_busy(void)
{
    for (unsigned int i = 0; i < DOMAIN_MAX; i++) {
        struct domain *d = domain_table[i];

        for (unsigned int j = 0; d && j < d->max_vcpus; j++)
            if (d->vcpu[j] && d->vcpu[j]->busy)
                return true;
    }
    return false;
}

static bool busy(const struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->busy)
            return true;
    return false;
}

/* p2m mappings (2 MiB blocks, or single frames) one destruction step gives
 * back: 32 blocks are 64 MiB, well under a millisecond of work. */
#define DESTROY_MAPPINGS_PER_STEP 32

unsigned int domain_nr_dying;

void domain_destroy_start(struct domain *d)
{
    if (d->state == DOMAIN_DYING)
        return; /* already on its way */
    set_state(d, DOMAIN_DYING);
    domain_nr_dying++;
    console_guest_flush(d);
    /* Close its event channels first: peers see their ends closed at
     * once, and nothing can bind to the domain any more. */
    event_domain_destroy(d);
    /* A create in progress for some vCPU forgets this domain. */
    for (unsigned int i = 0; i < DOMAIN_MAX; i++)
        for (unsigned int j = 0; domain_table[i] && j < domain_table[i]->max_vcpus; j++)
            if (domain_table[i]->vcpu[j] && domain_table[i]->vcpu[j]->building == d)
                domain_table[i]->vcpu[j]->building = NULL;
    /* Stop every vCPU; one still in guest mode on another CPU is told to
     * leave, and the steps wait for it. */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_sleep(d->vcpu[i]);
}

int domain_destroy_step(struct domain *d)
{
    unsigned int budget = DESTROY_MAPPINGS_PER_STEP;

    BUG_ON(d->state != DOMAIN_DYING);
    if (busy(d))
        return -HV_ERESTART;
    if (!d->torn_down) {
        /* Bounded by the limits on vCPUs and grant mappings. */
        vcpus_destroy(d);
        grant_domain_destroy(d);
        physdev_domain_destroy(d);
        d->torn_down = true;
    }
    if (arch_domain_release(d, release_frames, &budget))
        return -HV_ERESTART;
    BUG_ON(d->nr_frames != 0);
    set_state(d, DOMAIN_DEAD);
    domain_table[d->id] = NULL;
    nr_domains--;
    domain_nr_dying--;
    heap_free_page(d);
    return 0;
}

void domain_destroy(struct domain *d)
{
    domain_destroy_start(d);
    while (!busy(d))
        if (domain_destroy_step(d) == 0)
            return;
}

bool domain_reap(void)
{
    bool left = false;

    for (unsigned int i = 0; domain_nr_dying && i < DOMAIN_MAX; i++) {
        struct domain *d = domain_table[i];

        if (d && d->state == DOMAIN_DYING && domain_destroy_step(d) == -HV_ERESTART)
            left = true;
    }
    return left;
}
