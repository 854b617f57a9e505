/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall dispatch: a table generated from the one hypercall list. */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <public/errno.h>

typedef int64_t (*hypercall_fn)(struct vcpu *v, const uint64_t args[6]);

static const hypercall_fn hypercall_table[HV_HC_COUNT] = {
#define HV_HC_ENTRY(num, name, nargs) [num] = do_##name,
    HV_HYPERCALLS(HV_HC_ENTRY)
#undef HV_HC_ENTRY
};

int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6])
{
    if (nr >= HV_HC_COUNT || !hypercall_table[nr])
        return -HV_ENOSYS;
    return hypercall_table[nr](v, args);
}
