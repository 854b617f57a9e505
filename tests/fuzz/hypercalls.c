/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness for the hypercall interface. Each input starts a fresh
 * host machine (tests/unit/host_machine.h) with a control domain and three
 * ordinary ones, then runs them under the real scheduler: every time it
 * gives a vCPU the CPU, the next step of the input says which vCPU should
 * act and what it does (a hypercall with fuzzed arguments, a write to its
 * own or a granted page, a fault), and the exit goes through
 * vcpu_handle_exit() exactly as on the hypervisor. Struct and array
 * arguments are written into the caller's guest memory first, every field
 * drawn from a pool of interesting values or taken raw from the input
 * (hypercalls.h has the format).
 *
 * After every step the frame-accounting audit must pass and the result
 * must be 0, positive or a known -HV_Exxx (with stricter rules where the
 * ABI promises more); when the input is used up every domain is stopped or
 * destroyed, and the machine must have exactly the free frames it had
 * before the domains existed. Anything else abort()s with a message and
 * the end of the hypervisor's log, so libFuzzer saves the input.
 *
 * HV_FUZZ_VERBOSE=1 in the environment prints the hypervisor's log as it
 * goes, to follow a crashing input.
 */
#include "harness.h"

#include "host_machine.h"

#include <hv/arch.h>
#include <hv/audit.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <public/hv.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_FRAMES 8192 /* 32 MiB: room for a few domains the control domain creates */
#define STEPS_MAX 1024
#define PREEMPTIONS_MAX 100000 /* for one step: more means the scheduler starves a vCPU */
/* Idle passes in a row (each at least a console poll period, 1 ms, apart)
 * after which the toolstack ends the run: with a console VIRQ bound the
 * CPU polls the serial line for good while every vCPU waits. */
#define IDLE_POLLS_MAX 2000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_state fz;

/* Each op fills in the exit and returns true, or returns false when the
 * guest just goes on running (a memory access, a grant entry written). */
static fuzz_op_fn *const ops[FUZZ_OP_COUNT] = {
    [FUZZ_OP_CONSOLE_WRITE] = op_console_write,
    [FUZZ_OP_SCHED] = op_sched,
    [FUZZ_OP_VCPU] = op_vcpu,
    [FUZZ_OP_GNT_SETUP] = op_grant_setup,
    [FUZZ_OP_GNT_MAP] = op_grant_map,
    [FUZZ_OP_GNT_UNMAP] = op_grant_unmap,
    [FUZZ_OP_GNT_COPY] = op_grant_copy,
    [FUZZ_OP_GNT_END_ACCESS] = op_grant_end_access,
    [FUZZ_OP_GNT_QUERY] = op_grant_query,
    [FUZZ_OP_GNT_ENTRY] = op_grant_entry,
    [FUZZ_OP_DOMCTL_CREATE] = op_domctl_create,
    [FUZZ_OP_DOMCTL_ID] = op_domctl_id,
    [FUZZ_OP_DOMCTL_GETINFO] = op_domctl_getinfo,
    [FUZZ_OP_DOMCTL_SHUTDOWN] = op_domctl_shutdown,
    [FUZZ_OP_DOMCTL_COPY_TO] = op_domctl_copy_to,
    [FUZZ_OP_DOMCTL_VCPU_CONTEXT] = op_domctl_vcpu_context,
    [FUZZ_OP_DOMCTL_WEIGHT] = op_domctl_weight,
    [FUZZ_OP_SYSCTL] = op_sysctl,
    [FUZZ_OP_EVTCHN_ALLOC_UNBOUND] = op_evtchn_alloc_unbound,
    [FUZZ_OP_EVTCHN_BIND_INTERDOMAIN] = op_evtchn_bind_interdomain,
    [FUZZ_OP_EVTCHN_BIND_VIRQ] = op_evtchn_bind_virq,
    [FUZZ_OP_EVTCHN_SEND] = op_evtchn_send,
    [FUZZ_OP_EVTCHN_SEND_BATCH] = op_evtchn_send_batch,
    [FUZZ_OP_EVTCHN_CLOSE] = op_evtchn_close,
    [FUZZ_OP_EVTCHN_STATUS] = op_evtchn_status,
    [FUZZ_OP_EVTCHN_UNMASK] = op_evtchn_unmask,
    [FUZZ_OP_EVTCHN_BIND_VCPU] = op_evtchn_bind_vcpu,
    [FUZZ_OP_RAW] = op_raw,
    [FUZZ_OP_MEMORY] = op_memory,
    [FUZZ_OP_EXIT] = op_exit,
    [FUZZ_OP_MEMORY_OP] = op_memory_op,
    [FUZZ_OP_DOMCTL_MAX_MEM] = op_domctl_max_mem,
    [FUZZ_OP_DOMCTL_AFFINITY] = op_domctl_affinity,
    [FUZZ_OP_PHYSDEV] = op_physdev,
};

/* For HV_FUZZ_VERBOSE traces. */
static const char *const op_names[FUZZ_OP_COUNT] = {
    [FUZZ_OP_CONSOLE_WRITE] = "console_write",
    [FUZZ_OP_SCHED] = "sched",
    [FUZZ_OP_VCPU] = "vcpu",
    [FUZZ_OP_GNT_SETUP] = "grant_setup",
    [FUZZ_OP_GNT_MAP] = "grant_map",
    [FUZZ_OP_GNT_UNMAP] = "grant_unmap",
    [FUZZ_OP_GNT_COPY] = "grant_copy",
    [FUZZ_OP_GNT_END_ACCESS] = "grant_end_access",
    [FUZZ_OP_GNT_QUERY] = "grant_query",
    [FUZZ_OP_GNT_ENTRY] = "grant_entry",
    [FUZZ_OP_DOMCTL_CREATE] = "domctl_create",
    [FUZZ_OP_DOMCTL_ID] = "domctl_id",
    [FUZZ_OP_DOMCTL_GETINFO] = "domctl_getinfo",
    [FUZZ_OP_DOMCTL_SHUTDOWN] = "domctl_shutdown",
    [FUZZ_OP_DOMCTL_COPY_TO] = "domctl_copy_to",
    [FUZZ_OP_DOMCTL_VCPU_CONTEXT] = "domctl_vcpu_context",
    [FUZZ_OP_DOMCTL_WEIGHT] = "domctl_weight",
    [FUZZ_OP_SYSCTL] = "sysctl",
    [FUZZ_OP_EVTCHN_ALLOC_UNBOUND] = "evtchn_alloc_unbound",
    [FUZZ_OP_EVTCHN_BIND_INTERDOMAIN] = "evtchn_bind_interdomain",
    [FUZZ_OP_EVTCHN_BIND_VIRQ] = "evtchn_bind_virq",
    [FUZZ_OP_EVTCHN_SEND] = "evtchn_send",
    [FUZZ_OP_EVTCHN_SEND_BATCH] = "evtchn_send_batch",
    [FUZZ_OP_EVTCHN_CLOSE] = "evtchn_close",
    [FUZZ_OP_EVTCHN_STATUS] = "evtchn_status",
    [FUZZ_OP_EVTCHN_UNMASK] = "evtchn_unmask",
    [FUZZ_OP_EVTCHN_BIND_VCPU] = "evtchn_bind_vcpu",
    [FUZZ_OP_RAW] = "raw",
    [FUZZ_OP_MEMORY] = "memory",
    [FUZZ_OP_EXIT] = "exit",
    [FUZZ_OP_MEMORY_OP] = "memory_op",
    [FUZZ_OP_DOMCTL_MAX_MEM] = "domctl_max_mem",
    [FUZZ_OP_DOMCTL_AFFINITY] = "domctl_affinity",
    [FUZZ_OP_PHYSDEV] = "physdev",
};

static bool trace;

/* ---- failing -------------------------------------------------------------- */

void fail(const char *fmt, ...)
{
    va_list ap;

    host_log_tail(4096);
    fprintf(stderr, "hypercall fuzzer: step %u: ", fz.steps);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

static void audit(const char *when)
{
    /* audit_frames() runs page_alloc_audit() first. */
    if (audit_frames())
        fail("the frame-accounting audit failed %s", when);
}

/* ---- checking results ---------------------------------------------------------- */

static bool known_error(int64_t err)
{
    switch (-err) {
    case HV_EPERM: case HV_ENOENT: case HV_ESRCH: case HV_EIO: case HV_E2BIG: case HV_ENOEXEC:
    case HV_EAGAIN: case HV_ENOMEM: case HV_EACCES: case HV_EFAULT: case HV_EBUSY: case HV_EEXIST:
    case HV_EINVAL: case HV_ENOSPC: case HV_ERANGE: case HV_ENOSYS: case HV_EOVERFLOW:
        return true;
    default:
        return false;
    }
}

#define ERR(e) (1ull << (e))

/* Is err one of the negative errors in set (a mask of ERR()s)? */
static bool error_in(int64_t err, uint64_t set)
{
    return err < 0 && -err < 64 && (set & ERR(-err));
}

/* The errors public/grant.h allows each element of these commands. */
static uint64_t element_errors(enum fuzz_op op)
{
    switch (op) {
    case FUZZ_OP_GNT_MAP:
        return ERR(HV_ESRCH) | ERR(HV_EINVAL) | ERR(HV_EACCES) | ERR(HV_EBUSY) | ERR(HV_EEXIST) |
               ERR(HV_ENOSPC) | ERR(HV_ENOMEM);
    default:
        return ERR(HV_EINVAL);
    }
}

/* The statuses and handles a batch wrote back. Copies are not checked: a
 * copy may land on the array itself and overwrite earlier statuses, and
 * end_access writes the caller's own table, which may be there too. */
static void check_batch(struct domain *d, const struct call *c)
{
    union {
        struct hv_grant_map map[HV_GRANT_BATCH_MAX];
        struct hv_grant_unmap unmap[HV_GRANT_BATCH_MAX];
        struct hv_grant_query query[HV_GRANT_BATCH_MAX];
    } a;
    size_t size = c->op == FUZZ_OP_GNT_MAP     ? sizeof(a.map[0])
                  : c->op == FUZZ_OP_GNT_UNMAP ? sizeof(a.unmap[0])
                                               : sizeof(a.query[0]);
    uint64_t count = c->args[2];

    if (count == 0)
        return; /* nothing done: the array's address was never looked at */
    if (copy_from_guest(d, &a, c->args[1], count * size))
        fail("a grant batch succeeded but its array cannot be read back");
    for (uint64_t i = 0; i < count; i++) {
        int32_t status = c->op == FUZZ_OP_GNT_MAP     ? a.map[i].status
                         : c->op == FUZZ_OP_GNT_UNMAP ? a.unmap[i].status
                                                      : a.query[i].status;

        if (status != 0 && !error_in(status, element_errors(c->op)))
            fail("grant op %lu element %lu: status %d", c->args[0], i, status);
        if (c->op == FUZZ_OP_GNT_MAP) {
            if (status ? a.map[i].handle != UINT32_MAX : a.map[i].handle >= HV_GRANT_MAPS_MAX)
                fail("grant map element %lu: status %d with handle %#x", i, status,
                     a.map[i].handle);
            if (!status) {
                fz.handles[1] = fz.handles[0];
                fz.handles[0] = a.map[i].handle;
            }
        }
        if (c->op == FUZZ_OP_GNT_QUERY && status && (a.query[i].maps || a.query[i].writers))
            fail("grant query element %lu failed (%d) but reports mappings", i, status);
    }
}

/* The port a successful bind or alloc wrote back: a real one, and now in
 * use. Remembered for the pools of later steps. */
static void check_new_port(struct domain *d, const struct call *c)
{
    /* The port is the last field of alloc_unbound's struct, the third of
     * the binds'. */
    uint64_t offset = c->op == FUZZ_OP_EVTCHN_ALLOC_UNBOUND
                          ? offsetof(struct hv_evtchn_alloc_unbound, port)
                          : c->op == FUZZ_OP_EVTCHN_BIND_INTERDOMAIN
                                ? offsetof(struct hv_evtchn_bind_interdomain, local_port)
                                : offsetof(struct hv_evtchn_bind_virq, port);
    uint32_t port;

    if (copy_from_guest(d, &port, c->args[1] + offset, sizeof(port)))
        fail("evtchn_op %lu succeeded but its struct cannot be read back", c->args[0]);
    if (port == 0 || port >= HV_EVTCHN_PORTS)
        fail("evtchn_op %lu returned port %u", c->args[0], port);
    fz.port = port;
    if (c->op == FUZZ_OP_EVTCHN_ALLOC_UNBOUND) {
        fz.peer = d->id;
        fz.peer_port = port;
    }
}

static void check_status(struct domain *d, const struct call *c)
{
    struct hv_evtchn_status st;

    if (copy_from_guest(d, &st, c->args[1], sizeof(st)))
        fail("evtchn status succeeded but its struct cannot be read back");
    if (st.state > HV_EVTCHN_STATE_closed || st.vcpu >= d->max_vcpus ||
        (st.state == HV_EVTCHN_STATE_free && (st.vcpu || st.remote_dom || st.remote_port)) ||
        (st.state == HV_EVTCHN_STATE_virq && st.virq >= HV_VIRQ_COUNT) ||
        (st.state == HV_EVTCHN_STATE_interdomain &&
         (st.remote_port == 0 || st.remote_port >= HV_EVTCHN_PORTS)))
        fail("evtchn status of port %u: state %u, vCPU %u, remote d%u port %u, virq %u", st.port,
             st.state, st.vcpu, st.remote_dom, st.remote_port, st.virq);
}

/* memory_op: progress is a count within the batch asked for, a query one
 * of its three answers, and info the domain's own books. */
static void check_memory_op(struct domain *d, const struct call *c, int64_t ret)
{
    struct hv_memop_info info;

    switch (c->args[0]) {
    case HV_MEMOP_populate:
    case HV_MEMOP_release:
        if (ret == 0 || (ret > 0 && (uint64_t)ret > c->args[2]))
            fail("memory_op %lu of %lu frames returned %ld", c->args[0], c->args[2], ret);
        break;
    case HV_MEMOP_query:
        if (ret != 0 && ret != HV_MEMOP_OWN && ret != HV_MEMOP_GRANTED && ret != -HV_EINVAL)
            fail("memory_op query of gfn %#lx returned %ld", c->args[1], ret);
        break;
    case HV_MEMOP_info:
        if (ret != 0)
            break;
        if (copy_from_guest(d, &info, c->args[1], sizeof(info)))
            fail("memory_op info succeeded but its struct cannot be read back");
        if (info.frames != d->nr_frames || info.max_frames != d->max_frames)
            fail("memory_op info: %lu of %lu frames, the books say %lu of %lu", info.frames,
                 info.max_frames, d->nr_frames, d->max_frames);
        break;
    default:
        break;
    }
}

/* Check the result of the last hypercall, now that its exit was handled. */
static void check_call(const struct call *c)
{
    struct domain *d = domain_lookup(c->domid);
    int64_t ret;

    /* A caller that stopped (it shut itself down) gets no result. */
    if (!d || (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED))
        return;
    if (arch_vcpu_rip(d->vcpu[c->vcpu]) == c->rip) {
        /* Not completed (it restarts): no result yet, and the guest is
         * still on the instruction, so it makes the call again. */
        if (trace)
            fprintf(stderr, "fuzz:   -> to be made again\n");
        fz.restart[d->id][c->vcpu] = *c;
        fz.restart[d->id][c->vcpu].pending = true;
        return;
    }
    ret = host_vcpu_result(d->vcpu[c->vcpu]);
    if (trace)
        fprintf(stderr, "fuzz:   -> %ld\n", ret);
    if (ret < 0 && !known_error(ret))
        fail("hypercall %lu (%lu) returned %ld: neither a result nor an error", c->nr, c->args[0],
             ret);
    if (c->nr >= HV_HC_COUNT && ret != -HV_ENOSYS)
        fail("hypercall %lu does not exist but returned %ld", c->nr, ret);
    if ((c->nr == HV_HC_domctl || c->nr == HV_HC_sysctl || c->nr == HV_HC_physdev_op) &&
        !d->privileged && ret != -HV_EPERM)
        fail("d%u is not the control domain but its %s returned %ld", d->id,
             c->nr == HV_HC_domctl ? "domctl" : c->nr == HV_HC_sysctl ? "sysctl" : "physdev_op",
             ret);

    /* The guest's view of its timer, whichever op made the call. */
    if (c->nr == HV_HC_sched_op && c->args[0] == HV_SCHED_set_timer && ret == 0)
        fz.timer_armed[d->id][c->vcpu] = c->args[1] != 0 && c->args[1] != UINT64_MAX;
    if (c->nr == HV_HC_vcpu_op && c->args[0] == HV_VCPUOP_down && ret == 0)
        fz.timer_armed[d->id][c->vcpu] = false;

    switch (c->op) {
    case FUZZ_OP_CONSOLE_WRITE:
        if (ret != -HV_EFAULT && ret != (int64_t)MIN(c->args[1], (uint64_t)HV_CONSOLE_WRITE_MAX))
            fail("console_write of %lu bytes returned %ld", c->args[1], ret);
        break;
    case FUZZ_OP_VCPU:
        if (c->args[0] == HV_VCPUOP_count && ret != d->max_vcpus)
            fail("vcpu_op count returned %ld for %u vCPUs", ret, d->max_vcpus);
        break;
    case FUZZ_OP_GNT_SETUP:
        if (ret != 0 && !error_in(ret, ERR(HV_EINVAL) | ERR(HV_E2BIG) | ERR(HV_EFAULT) |
                                           ERR(HV_EBUSY) | ERR(HV_ENOMEM)))
            fail("grant setup_table returned %ld", ret);
        if (ret == 0)
            fz.table_gfn[d->id] = c->args[1];
        break;
    case FUZZ_OP_GNT_MAP:
    case FUZZ_OP_GNT_UNMAP:
    case FUZZ_OP_GNT_COPY:
    case FUZZ_OP_GNT_END_ACCESS:
    case FUZZ_OP_GNT_QUERY:
        if (ret != 0 && ret != -HV_E2BIG && ret != -HV_EFAULT)
            fail("grant op %lu with count %lu returned %ld", c->args[0], c->args[2], ret);
        if (ret == 0 && c->op != FUZZ_OP_GNT_COPY && c->op != FUZZ_OP_GNT_END_ACCESS)
            check_batch(d, c);
        break;
    case FUZZ_OP_DOMCTL_CREATE:
        if (ret == 0) {
            struct hv_domctl_create cr;
            struct domain *nd;

            if (copy_from_guest(d, &cr, c->args[1], sizeof(cr)))
                fail("domctl create succeeded but its struct cannot be read back");
            nd = domain_lookup(cr.domid);
            if (!nd || nd->state != DOMAIN_BUILDING)
                fail("domctl create returned d%u, which is not a domain being built", cr.domid);
            fz.created = cr.domid;
            /* A new domain inherits nothing the harness knew of the id. */
            memset(fz.timer_armed[cr.domid], 0, sizeof(fz.timer_armed[cr.domid]));
            memset(fz.restart[cr.domid], 0, sizeof(fz.restart[cr.domid]));
        }
        break;
    case FUZZ_OP_EVTCHN_ALLOC_UNBOUND:
    case FUZZ_OP_EVTCHN_BIND_INTERDOMAIN:
    case FUZZ_OP_EVTCHN_BIND_VIRQ:
        if (ret == 0)
            check_new_port(d, c);
        break;
    case FUZZ_OP_EVTCHN_STATUS:
        if (ret == 0)
            check_status(d, c);
        break;
    case FUZZ_OP_MEMORY_OP:
        check_memory_op(d, c, ret);
        break;
    case FUZZ_OP_DOMCTL_VCPU_CONTEXT:
        if (ret == 0 && c->args[0] == HV_DOMCTL_set_vcpu_context) {
            struct hv_domctl_vcpu_context ctx;

            if (copy_from_guest(d, &ctx, c->args[1], sizeof(ctx)))
                fail("domctl set_vcpu_context succeeded but its struct cannot be read back");
            /* A new entry point: whatever it was doing is forgotten. */
            if (ctx.domid < DOMAIN_MAX && ctx.vcpu < HV_MAX_VCPUS)
                fz.restart[ctx.domid][ctx.vcpu].pending = false;
        }
        break;
    default:
        break;
    }
}

/* What has to happen after every exit: its checks, and the audit. */
static void after_exit(void)
{
    if (fz.armed_block.pending) {
        struct domain *d = domain_lookup(fz.armed_block.domid);

        fz.armed_block.pending = false;
        /* Only a lack of anything to wake it can stop a domain as it blocks. */
        if (!d || d->state == DOMAIN_SHUTDOWN)
            fail("d%u vCPU %u armed its timer, then blocked, and was killed for having nothing "
                 "to wake it",
                 fz.armed_block.domid, fz.armed_block.vcpu);
    }
    if (fz.last.pending) {
        fz.last.pending = false;
        check_call(&fz.last);
    }
    if (fz.dirty) {
        fz.dirty = false;
        audit("after a step");
    }
}

/* ---- running the input ------------------------------------------------------------ */

/* Another CPU (a toolstack) destroys every domain, from start up or down
 * (the order decides who sees its grants orphaned or its peers close).
 * A domain whose vCPU is in guest mode is finished by the scheduler when
 * that vCPU exits. */
static void destroy_everything(uint32_t start, bool down)
{
    hv_lock();
    for (uint32_t i = 0; i < DOMAIN_MAX; i++) {
        uint32_t id = (down ? start + DOMAIN_MAX - i : start + i) % DOMAIN_MAX;
        struct domain *d = domain_lookup(id);

        if (d)
            domain_destroy(d);
    }
    hv_unlock();
}

/* The end of the input, each time the scheduler runs a vCPU: stop everything. */
static void end_of_input(struct vcpu *v, struct vcpu_exit *exit)
{
    if (fz.end == FUZZ_END_SHUTDOWN) {
        /* The guest powers off; its domain is destroyed as it stops. */
        exit->reason = EXIT_HYPERCALL;
        exit->hypercall.nr = HV_HC_sched_op;
        exit->hypercall.args[0] = HV_SCHED_shutdown;
        exit->hypercall.args[1] = HV_SHUTDOWN_poweroff;
        return;
    }
    destroy_everything(fz.end == FUZZ_END_DESCENDING     ? DOMAIN_MAX - 1
                       : fz.end == FUZZ_END_FROM_CALLER ? v->domain->id
                                                        : 0,
                       fz.end == FUZZ_END_DESCENDING);
    exit->reason = EXIT_INTERRUPT;
}

/*
 * The CPU idles with no timer armed: every vCPU waits for an event that
 * no running vCPU is left to send (a guest may wait for good on a port
 * offered to itself, or to a domain that never binds it). The hypervisor
 * would idle until the toolstack acts; here the toolstack ends the run.
 * A vCPU still on a run queue, though, would be a wake-up the scheduler
 * lost.
 */
static void idle_forever(void)
{
    after_exit();
    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *d = domain_lookup(id);

        for (unsigned int i = 0; d && d->state == DOMAIN_RUNNING && i < d->max_vcpus; i++)
            if (d->vcpu[i]->state == VCPU_RUNNABLE || d->vcpu[i]->state == VCPU_RUNNING)
                fail("the CPU idles for good while d%u vCPU %u is runnable", id, i);
    }
    if (trace)
        fprintf(stderr, "fuzz: every vCPU waits for good: the toolstack destroys every domain\n");
    fz.ended = true;
    destroy_everything(0, false);
}

/* Read the next step's header; false when the input is used up. */
static bool next_step(void)
{
    size_t len;

    if (fz.ended || !fz.in.len || fz.steps == STEPS_MAX)
        return false;
    fz.caller = take8(&fz.in);
    fz.op = take8(&fz.in) % FUZZ_OP_COUNT;
    len = take8(&fz.in);
    len = MIN(len, fz.in.len);
    fz.body = (struct reader){fz.in.p, len};
    fz.in.p += len;
    fz.in.len -= len;
    fz.have_step = true;
    fz.steps++;
    fz.preemptions = 0;
    return true;
}

/* v's rip is still on a hypercall that did not complete: it makes it
 * again, with the same arguments. */
static void make_again(struct vcpu *v, struct call *again, struct vcpu_exit *exit)
{
    again->pending = false;
    exit->reason = EXIT_HYPERCALL;
    exit->rip = arch_vcpu_rip(v);
    exit->hypercall.nr = again->nr;
    memcpy(exit->hypercall.args, again->args, sizeof(exit->hypercall.args));
    fz.last = *again;
    fz.last.pending = true;
    fz.last.rip = exit->rip;
    if (trace)
        fprintf(stderr, "fuzz: d%u vCPU %u makes its hypercall %lu again\n", v->domain->id, v->id,
                again->nr);
}

/*
 * What arch_vcpu_run() does for v: take the next step if it is v's, else
 * let the time slice run out so the scheduler moves on to the vCPU it
 * names. Steps naming a vCPU that cannot run are skipped. A vCPU whose
 * hypercall did not complete makes it again before its next step, but
 * other vCPUs' steps may come first: on a machine it can be preempted
 * before it resumes, and others then meet the state it left half-done.
 */
static void run_vcpu(struct vcpu *v, struct vcpu_exit *exit)
{
    struct call *again = &fz.restart[v->domain->id][v->id];

    after_exit();
    for (;;) {
        struct domain *d;
        struct vcpu *w;
        struct step s;

        if (!fz.have_step && !next_step()) {
            if (again->pending) {
                make_again(v, again, exit);
                return;
            }
            fz.ended = true;
            end_of_input(v, exit);
            return;
        }
        d = domain_lookup(fz.caller & 7);
        w = d && d->state == DOMAIN_RUNNING && (fz.caller >> 3) < d->max_vcpus
                ? d->vcpu[fz.caller >> 3]
                : NULL;
        if (!w || (w->state != VCPU_RUNNABLE && w->state != VCPU_RUNNING)) {
            if (trace)
                fprintf(stderr, "fuzz: step %u: d%u vCPU %u cannot run: skipped\n", fz.steps,
                        fz.caller & 7, fz.caller >> 3);
            fz.have_step = false;
            continue;
        }
        if (w != v) {
            /* v's time slice runs out (or a timer interrupts it first). */
            if (++fz.preemptions > PREEMPTIONS_MAX)
                fail("the scheduler never ran d%u vCPU %u, which is runnable", d->id, w->id);
            exit->reason = EXIT_INTERRUPT;
            exit->rip = arch_vcpu_rip(v);
            host_time_ns = host_timer_deadline > host_time_ns ? host_timer_deadline
                                                              : host_time_ns + MS;
            return;
        }
        if (again->pending) {
            make_again(v, again, exit); /* the step waits for the call to complete */
            return;
        }
        fz.have_step = false;
        fz.dirty = true;
        s = (struct step){.body = &fz.body, .d = v->domain, .v = v};
        if (trace)
            fprintf(stderr, "fuzz: step %u: d%u vCPU %u: %s\n", fz.steps, v->domain->id, v->id,
                    op_names[fz.op]);
        if (ops[fz.op](&s, exit)) {
            /* A block (or a halt) that the guest's armed timer must end. */
            bool block = exit->reason == EXIT_HALT ||
                         (exit->reason == EXIT_HYPERCALL && exit->hypercall.nr == HV_HC_sched_op &&
                          exit->hypercall.args[0] == HV_SCHED_block);

            if (block && fz.timer_armed[v->domain->id][v->id]) {
                fz.timer_armed[v->domain->id][v->id] = false;
                fz.armed_block.pending = true;
                fz.armed_block.domid = v->domain->id;
                fz.armed_block.vcpu = v->id;
            }
            return;
        }
    }
}

/* Destroy whatever the run left (paused, building, shut down). */
static void destroy_all(void)
{
    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *d = domain_lookup(id);

        if (d)
            domain_destroy(d);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *verbose = getenv("HV_FUZZ_VERBOSE");

    trace = verbose && *verbose && *verbose != '0';
    host_console_quiet = !trace;
    log_level = 4; /* everything into the log ring, for readlog and for failures */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t config = size ? data[0] : 0;
    uint64_t free_before;
    struct domain *d;

    host_machine_init(MACHINE_FRAMES);
    memset(&fz, 0, sizeof(fz));
    for (uint32_t id = 0; id < DOMAIN_MAX; id++)
        fz.table_gfn[id] = FUZZ_TABLE_GFN;
    fz.in = (struct reader){size ? data + 1 : data, size ? size - 1 : 0};
    fz.end = FUZZ_CFG_END(config);
    free_before = host_free_frames();

    /* The control domain and two others, and maybe a third in the state
     * the configuration asks for. */
    d = host_domain(0, 4 * MIB, FUZZ_CFG_D0_VCPUS(config));
    d->privileged = true;
    host_domain(1, 4 * MIB, FUZZ_CFG_D1_VCPUS(config));
    host_domain(2, 4 * MIB, 1);
    switch (FUZZ_CFG_D3(config)) {
    case FUZZ_D3_BUILDING:
        if (domain_create(3, "building", 6 * MIB, 2, true, &d))
            fail("cannot create d3");
        break;
    case FUZZ_D3_PAUSED:
        domain_pause(host_domain(3, 6 * MIB, 2));
        break;
    case FUZZ_D3_SHUTDOWN:
        d = host_domain(3, 6 * MIB, 2);
        domain_shutdown(d, HV_SHUTDOWN_poweroff, 0);
        d->stop_reported = true; /* as after domctl shutdown: it waits to be destroyed */
        break;
    default:
        break;
    }
    audit("after the domains were built");

    host_vcpu_script = run_vcpu;
    host_idle_forever = idle_forever;
    host_idle_limit = IDLE_POLLS_MAX;
    sched_run();
    after_exit();
    destroy_all();

    if (domain_count() != 0)
        fail("%u domains are left after all were destroyed", domain_count());
    if (page_alloc_audit())
        fail("the allocator's audit failed once every domain was gone");
    audit("once every domain was gone");
    if (host_free_frames() != free_before)
        fail("%lu frames were free before the domains existed, %lu after they were all destroyed",
             free_before, host_free_frames());
    return 0;
}
