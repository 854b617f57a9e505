/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest time: each vCPU's pvclock record and each domain's wall clock in
 * its shared-info page (public/shared_info.h explains how guests read
 * them). System time is the hypervisor's arch_time_ns(); the records let a
 * guest compute exactly the same value from its own TSC reads.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/domain.h>

/* Publish v's time record (before v runs on a CPU it has not run on). */
void time_publish_vcpu(struct vcpu *v);

/* Write the wall-clock base into d's shared-info page. */
void time_publish_wallclock(struct domain *d);

#endif
