/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest time records in the shared-info page (see hv/time.h). A record is
 * written as a seqlock: version odd while the fields change, even after,
 * so a guest reading concurrently retries instead of seeing a torn value.
 */
#include <hv/arch.h>
#include <hv/time.h>
#include <public/hv.h>

void time_publish_vcpu(struct vcpu *v)
{
    struct hv_vcpu_time_info *t = &v->domain->shared_info->vcpu[v->id].time;
    uint64_t tsc, now;
    uint32_t mul;
    int8_t shift;
    /* The guest may have scribbled on version: start from an even value. */
    uint32_t version = (__atomic_load_n(&t->version, __ATOMIC_RELAXED) | 1) + 1;

    arch_time_scale(&tsc, &now, &mul, &shift);
    __atomic_store_n(&t->version, version - 1, __ATOMIC_RELEASE); /* odd */
    t->tsc_timestamp = tsc;
    t->system_time = now;
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = HV_TIME_STABLE;
    __atomic_store_n(&t->version, version, __ATOMIC_RELEASE);
}

void time_publish_wallclock(struct domain *d)
{
    struct hv_shared_info *s = d->shared_info;
    uint32_t version = (__atomic_load_n(&s->wc_version, __ATOMIC_RELAXED) | 1) + 1;
    uint64_t sec;
    uint32_t nsec;

    arch_wallclock(&sec, &nsec);
    __atomic_store_n(&s->wc_version, version - 1, __ATOMIC_RELEASE);
    s->wc_sec = sec;
    s->wc_nsec = nsec;
    __atomic_store_n(&s->wc_version, version, __ATOMIC_RELEASE);
}
