/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl and sysctl (public/domctl.h): what the control domain needs to
 * build, run, inspect and destroy other domains, and to see the machine.
 * Each command copies its argument in once, checks all of it, then acts;
 * the caller never gets to act on itself where that would pull the ground
 * from under its own feet (destroy, pause, copy into itself).
 *
 * Locking: none yet; one physical CPU runs the hypervisor.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <public/hv.h>
#include <string.h>

/* The domain a control operation names: it must exist and not be dying,
 * and (unless self_ok) not be the caller. */
static int target(struct vcpu *v, uint64_t domid, bool self_ok, struct domain **out)
{
    struct domain *d = domid < DOMAIN_MAX ? domain_lookup((uint32_t)domid) : NULL;

    if (!d || d->state == DOMAIN_DYING || d->state == DOMAIN_DEAD)
        return -HV_ESRCH;
    if (!self_ok && d == v->domain)
        return -HV_EINVAL;
    *out = d;
    return 0;
}

/* 2 MiB blocks a create populates per call before it lets others run. */
#define CREATE_BLOCKS_PER_CALL 4

/* The last steps of a create: the boot structures, the id for the caller. */
static int create_finish(struct vcpu *v, uint64_t arg, struct domain *d)
{
    struct hv_domctl_create c;
    int err = arch_domain_build_boot(d);

    if (!err && copy_from_guest(v->domain, &c, arg, sizeof(c)))
        err = -HV_EFAULT;
    if (!err) {
        c.domid = d->id;
        if (copy_to_guest(v->domain, arg, &c, sizeof(c)))
            err = -HV_EFAULT;
    }
    if (err) {
        domain_destroy_start(d); /* domain_reap() frees it */
        return err;
    }
    printk("hv: d%u (%s): %lu MiB, %u vCPUs, created by d%u\n", d->id, d->name,
           d->memory_size >> 20, d->max_vcpus, v->domain->id);
    return 0;
}

/*
 * A create populates the new domain's memory a few blocks per call and
 * returns -HV_ERESTART in between: the caller's vCPU re-executes the
 * hypercall and carries on from v->building.
 */
static int domctl_create(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_create c;
    struct domain *d = v->building;
    uint32_t id;
    int err;

    if (d) {
        err = domain_populate_step(d, CREATE_BLOCKS_PER_CALL);
        if (err == -HV_ERESTART)
            return err;
        v->building = NULL;
        if (err) {
            domain_destroy_start(d); /* domain_reap() frees it */
            return err;
        }
        return create_finish(v, arg, d);
    }
    if (copy_from_guest(v->domain, &c, arg, sizeof(c)))
        return -HV_EFAULT;
    if (memchr(c.name, '\0', sizeof(c.name)) == NULL)
        return -HV_EINVAL;
    id = c.domid == HV_DOMID_ANY ? domain_free_id(1) : c.domid;
    if (id >= DOMAIN_MAX)
        return c.domid == HV_DOMID_ANY ? -HV_ENOSPC : -HV_EINVAL;
    /* Check the result can be written back before creating anything. */
    if (!guest_range_ok(v->domain, arg, sizeof(c), true))
        return -HV_EFAULT;
    err = domain_create(id, c.name, c.memory, c.vcpus, false, &d);
    if (err)
        return err;
    err = domain_populate_step(d, CREATE_BLOCKS_PER_CALL);
    if (err == -HV_ERESTART) {
        v->building = d;
        return err;
    }
    if (err) {
        domain_destroy_start(d); /* domain_reap() frees it */
        return err;
    }
    return create_finish(v, arg, d);
}

/* Is a create still populating d (another vCPU of the caller's)? Until it
 * is done, d may be neither filled in nor started. */
static bool being_created(const struct domain *d)
{
    return d->populated_to < d->memory_size >> PAGE_SHIFT;
}

static uint32_t public_state(const struct domain *d)
{
    switch (d->state) {
    case DOMAIN_BUILDING: return HV_DOMSTATE_building;
    case DOMAIN_PAUSED: return HV_DOMSTATE_paused;
    case DOMAIN_RUNNING: return HV_DOMSTATE_running;
    case DOMAIN_SHUTDOWN: return HV_DOMSTATE_shutdown;
    default: return HV_DOMSTATE_dying;
    }
}

static int domctl_getinfo(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_info info;
    struct domain *d = NULL;

    if (copy_from_guest(v->domain, &info, arg, sizeof(info)))
        return -HV_EFAULT;
    for (uint32_t id = info.domid; id < DOMAIN_MAX && !d; id++)
        d = domain_lookup(id);
    if (!d)
        return -HV_ESRCH;
    memset(&info, 0, sizeof(info));
    info.domid = d->id;
    info.state = public_state(d);
    info.shutdown_reason = d->shutdown_reason;
    info.shutdown_code = d->shutdown_code;
    info.memory = d->memory_size;
    info.frames = d->nr_frames;
    info.max_frames = d->max_frames;
    info.vcpus = d->max_vcpus;
    info.weight = d->weight;
    info.privileged = d->privileged;
    /* A dying domain is listed while its memory goes back in steps; its
     * vCPUs are gone after the first one. */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            info.cpu_time_ns += d->vcpu[i]->cpu_time_ns;
    memcpy(info.name, d->name, sizeof(d->name));
    return copy_to_guest(v->domain, arg, &info, sizeof(info)) ? -HV_EFAULT : 0;
}

static int domctl_shutdown(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_shutdown s;
    struct domain *d;
    int err;

    if (copy_from_guest(v->domain, &s, arg, sizeof(s)))
        return -HV_EFAULT;
    if (s.reason > HV_SHUTDOWN_MAX)
        return -HV_EINVAL;
    err = target(v, s.domid, false, &d);
    if (err)
        return err;
    if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
        return -HV_EINVAL;
    domain_shutdown(d, s.reason, s.code);
    d->stop_reported = true;
    printk("hv: d%u (%s) shut down by d%u\n", d->id, d->name, v->domain->id);
    return 0;
}

/* Copy from the caller's memory into a domain that is not running, through
 * a bounce page; both ranges are checked completely first. */
static int domctl_copy_to(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_copy c;
    struct domain *d;
    void *bounce;
    int err;

    if (copy_from_guest(v->domain, &c, arg, sizeof(c)))
        return -HV_EFAULT;
    err = target(v, c.domid, false, &d);
    if (err)
        return err;
    if ((d->state != DOMAIN_BUILDING && d->state != DOMAIN_PAUSED) || being_created(d))
        return -HV_EBUSY;
    if (c.len > HV_DOMCTL_COPY_MAX)
        return -HV_E2BIG;
    if (!guest_range_ok(v->domain, c.src_gpa, c.len, false) ||
        !guest_range_ok(d, c.dst_gpa, c.len, true))
        return -HV_EFAULT;
    bounce = heap_alloc_page();
    if (!bounce)
        return -HV_ENOMEM;
    for (uint64_t done = 0; done < c.len;) {
        size_t n = (size_t)MIN(c.len - done, (uint64_t)PAGE_SIZE);

        BUG_ON(copy_from_guest(v->domain, bounce, c.src_gpa + done, n));
        BUG_ON(copy_to_guest(d, c.dst_gpa + done, bounce, n));
        done += n;
    }
    heap_free_page(bounce);
    return 0;
}

static int domctl_vcpu_context(struct vcpu *v, uint64_t arg, bool set)
{
    struct hv_domctl_vcpu_context c;
    struct domain *d;
    struct vcpu *t;
    int err;

    if (copy_from_guest(v->domain, &c, arg, sizeof(c)))
        return -HV_EFAULT;
    err = target(v, c.domid, !set, &d);
    if (err)
        return err;
    if (c.vcpu >= d->max_vcpus)
        return -HV_EINVAL;
    t = d->vcpu[c.vcpu];
    if (set) {
        if ((d->state != DOMAIN_BUILDING && d->state != DOMAIN_PAUSED) || being_created(d))
            return -HV_EBUSY;
        vcpu_set_entry(t, c.rip, c.rdi);
        return 0;
    }
    c.rip = arch_vcpu_rip(t);
    c.rdi = 0;
    c.state = t->state;
    c.cpu = t->processor;
    c.cpu_time_ns = t->cpu_time_ns;
    return copy_to_guest(v->domain, arg, &c, sizeof(c)) ? -HV_EFAULT : 0;
}

static int domctl_set_max_mem(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_max_mem m;
    struct domain *d;
    int err;

    if (copy_from_guest(v->domain, &m, arg, sizeof(m)))
        return -HV_EFAULT;
    if (!IS_ALIGNED(m.bytes, PAGE_SIZE) || m.bytes > HV_MEMOP_GPA_LIMIT)
        return -HV_EINVAL;
    err = target(v, m.domid, true, &d);
    if (err)
        return err;
    /* Lowering it below what the domain has takes nothing away: it just
     * cannot populate more. */
    d->max_frames = m.bytes >> PAGE_SHIFT;
    return 0;
}

static int domctl_set_affinity(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_affinity a;
    struct domain *d;
    int err;

    if (copy_from_guest(v->domain, &a, arg, sizeof(a)))
        return -HV_EFAULT;
    if (a.pad || a.cpu >= arch_nr_cpus())
        return -HV_EINVAL;
    err = target(v, a.domid, true, &d);
    if (err)
        return err;
    if (a.vcpu >= d->max_vcpus)
        return -HV_EINVAL;
    /* A running vCPU is told to leave guest mode; it goes on on the new
     * CPU once the old one has finished its exit (sched.c). */
    vcpu_set_processor(d->vcpu[a.vcpu], a.cpu);
    return 0;
}

static int domctl_set_weight(struct vcpu *v, uint64_t arg)
{
    struct hv_domctl_weight w;
    struct domain *d;
    int err;

    if (copy_from_guest(v->domain, &w, arg, sizeof(w)))
        return -HV_EFAULT;
    if (w.weight == 0 || w.weight > HV_WEIGHT_MAX)
        return -HV_EINVAL;
    err = target(v, w.domid, true, &d);
    if (err)
        return err;
    d->weight = w.weight;
    return 0;
}

/*
 * A destroy frees the domain's memory a bounded amount per call and
 * returns -HV_ERESTART in between, so that it returns only when every
 * frame is free again. v->destroying remembers the domain across the
 * restarts: it may be finished meanwhile by the scheduler (domain_reap).
 */
static int domctl_destroy(struct vcpu *v, uint64_t domid)
{
    struct domain *d = domid < DOMAIN_MAX ? domain_lookup((uint32_t)domid) : NULL;
    int err;

    if (v->destroying != domid + 1 || !d || d->state != DOMAIN_DYING) {
        if (v->destroying == domid + 1) {
            v->destroying = 0;
            return 0; /* finished by someone else since the last restart */
        }
        err = target(v, domid, false, &d);
        if (err)
            return err;
        printk("hv: d%u (%s) destroyed by d%u\n", d->id, d->name, v->domain->id);
        domain_destroy_start(d);
        v->destroying = (uint32_t)domid + 1;
    }
    err = domain_destroy_step(d);
    if (err != -HV_ERESTART)
        v->destroying = 0;
    return err;
}

/* domctl(cmd, arg) */
int64_t do_domctl(struct vcpu *v, const uint64_t args[6])
{
    struct domain *d;
    int err;

    if (!v->domain->privileged)
        return -HV_EPERM;
    switch (args[0]) {
    case HV_DOMCTL_create:
        return domctl_create(v, args[1]);
    case HV_DOMCTL_destroy:
        return domctl_destroy(v, args[1]);
    case HV_DOMCTL_pause:
        err = target(v, args[1], false, &d);
        if (!err)
            domain_pause(d);
        return err;
    case HV_DOMCTL_unpause:
        err = target(v, args[1], false, &d);
        if (err)
            return err;
        if (being_created(d))
            return -HV_EBUSY; /* its create has not finished */
        if (d->state == DOMAIN_BUILDING && !d->vcpu[0]->initialised)
            return -HV_EINVAL; /* nothing to run yet */
        if (d->pause_count == 0)
            return -HV_EINVAL;
        domain_unpause(d);
        return 0;
    case HV_DOMCTL_getinfo:
        return domctl_getinfo(v, args[1]);
    case HV_DOMCTL_shutdown:
        return domctl_shutdown(v, args[1]);
    case HV_DOMCTL_copy_to:
        return domctl_copy_to(v, args[1]);
    case HV_DOMCTL_set_vcpu_context:
        return domctl_vcpu_context(v, args[1], true);
    case HV_DOMCTL_get_vcpu_context:
        return domctl_vcpu_context(v, args[1], false);
    case HV_DOMCTL_set_weight:
        return domctl_set_weight(v, args[1]);
    case HV_DOMCTL_set_max_mem:
        return domctl_set_max_mem(v, args[1]);
    case HV_DOMCTL_set_affinity:
        return domctl_set_affinity(v, args[1]);
    default:
        return -HV_ENOSYS;
    }
}

/* sysctl(cmd, arg) */
int64_t do_sysctl(struct vcpu *v, const uint64_t args[6])
{
    struct domain *self = v->domain;

    if (!self->privileged)
        return -HV_EPERM;
    switch (args[0]) {
    case HV_SYSCTL_version: {
        struct hv_sysctl_version ver = {.abi_version = HV_ABI_VERSION};

        memcpy(ver.vendor, arch_vendor(), strnlen(arch_vendor(), sizeof(ver.vendor) - 1));
        return copy_to_guest(self, args[1], &ver, sizeof(ver)) ? -HV_EFAULT : 0;
    }
    case HV_SYSCTL_physinfo: {
        struct hv_sysctl_physinfo info = {
            .nr_cpus = arch_nr_cpus(),
            .total_frames = page_alloc_total_frames(),
            .free_frames = page_alloc_free_frames(),
            .tsc_hz = arch_tsc_hz(),
        };

        return copy_to_guest(self, args[1], &info, sizeof(info)) ? -HV_EFAULT : 0;
    }
    case HV_SYSCTL_readlog: {
        struct hv_sysctl_readlog r;
        char *chunk;
        size_t n;

        if (copy_from_guest(self, &r, args[1], sizeof(r)))
            return -HV_EFAULT;
        r.len = MIN(r.len, (uint64_t)PAGE_SIZE);
        if (!guest_range_ok(self, r.buf, r.len, true))
            return -HV_EFAULT;
        chunk = heap_alloc_page();
        if (!chunk)
            return -HV_ENOMEM;
        n = printk_log_read(&r.offset, chunk, r.len);
        BUG_ON(copy_to_guest(self, r.buf, chunk, n));
        heap_free_page(chunk);
        r.len = n;
        return copy_to_guest(self, args[1], &r, sizeof(r)) ? -HV_EFAULT : 0;
    }
    default:
        return -HV_ENOSYS;
    }
}
