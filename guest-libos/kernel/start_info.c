/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The start-info tree comes from the hypervisor (or, later, from a control
 * domain's builder), but it is checked like any other input: libfdt's full
 * structure check first, so that no later lookup walks off the buffer, then
 * every property the library OS relies on, for presence, size and value.
 */
#include "start_info.h"

#include <libfdt.h>
#include <public/hv.h>
#include <string.h>

static const char *read_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (!p)
        return "missing";
    if (len != 4)
        return "not one cell";
    *out = fdt32_to_cpu(*p);
    return NULL;
}

/* Property values are only 4-byte aligned: 64-bit cells are copied out. */
static uint64_t cell64(const void *p)
{
    fdt64_t v;

    memcpy(&v, p, sizeof(v));
    return fdt64_to_cpu(v);
}

static const char *read_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
    int len;
    const void *p = fdt_getprop(fdt, node, name, &len);

    if (!p)
        return "missing";
    if (len != 8)
        return "not two cells";
    *out = cell64(p);
    return NULL;
}

/* Build "what: why" into a static buffer: the caller prints it at once. */
static const char *problem(const char *what, const char *why)
{
    static char msg[128];
    size_t n = strlen(what);

    if (n > sizeof(msg) - 3)
        n = sizeof(msg) - 3;
    memcpy(msg, what, n);
    msg[n] = ':';
    msg[n + 1] = ' ';
    msg[n + 2] = '\0';
    strncat(msg, why, sizeof(msg) - strlen(msg) - 1);
    return msg;
}

static const char *parse_root(const void *fdt, struct start_info *si)
{
    uint32_t abi;
    const char *why;

    if (fdt_node_check_compatible(fdt, 0, HV_START_INFO_COMPATIBLE))
        return "root node is not compatible with " HV_START_INFO_COMPATIBLE;
    why = read_u32(fdt, 0, "exovisor,abi-version", &abi);
    if (why)
        return problem("/exovisor,abi-version", why);
    if (abi != HV_ABI_VERSION)
        return problem("/exovisor,abi-version", "not the ABI version this image was built for");
    why = read_u32(fdt, 0, "exovisor,domain-id", &si->domain_id);
    return why ? problem("/exovisor,domain-id", why) : NULL;
}

static const char *parse_memory(const void *fdt, struct start_info *si)
{
    int node = fdt_path_offset(fdt, "/memory@0"), len;
    const uint8_t *reg;

    if (node < 0)
        return "no /memory@0 node";
    reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len != 16)
        return problem("/memory@0/reg", "not one 2-cell address and 2-cell size");
    if (cell64(reg) != 0)
        return problem("/memory@0/reg", "memory does not start at 0");
    si->memory_size = cell64(reg + 8);
    if (si->memory_size < HV_GUEST_MIN_MEMORY || si->memory_size % HV_GUEST_MEMORY_ALIGN)
        return problem("/memory@0/reg", "size below the minimum or not a multiple of 2 MiB");
    return NULL;
}

static const char *parse_cpus(const void *fdt, struct start_info *si)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), node;

    if (cpus < 0)
        return "no /cpus node";
    si->nr_vcpus = 0;
    fdt_for_each_subnode(node, fdt, cpus) {
        uint32_t reg;

        if (read_u32(fdt, node, "reg", &reg) || reg != si->nr_vcpus)
            return problem("/cpus", "cpu nodes are not numbered 0, 1, 2, ... in order");
        si->nr_vcpus++;
    }
    if (node != -FDT_ERR_NOTFOUND || si->nr_vcpus == 0 || si->nr_vcpus > HV_MAX_VCPUS)
        return problem("/cpus", "no cpu node, or more than the hypervisor allows");
    return NULL;
}

static const char *parse_hypervisor(const void *fdt, struct start_info *si)
{
    int node = fdt_path_offset(fdt, "/hypervisor");
    const char *why;

    if (node < 0)
        return "no /hypervisor node";
    why = read_u64(fdt, node, "shared-info", &si->shared_info);
    if (why)
        return problem("/hypervisor/shared-info", why);
    if (si->shared_info != HV_GUEST_SHARED_INFO_GPA)
        return problem("/hypervisor/shared-info", "not where the guest ABI puts it");
    why = read_u64(fdt, node, "console-ring", &si->console_ring);
    if (why)
        return problem("/hypervisor/console-ring", why);
    if (si->console_ring != HV_GUEST_CONSOLE_GPA)
        return problem("/hypervisor/console-ring", "not where the guest ABI puts it");
    return NULL;
}

static const char *parse_chosen(const void *fdt, struct start_info *si)
{
    int node = fdt_path_offset(fdt, "/chosen"), len;
    const char *args = node >= 0 ? fdt_getprop(fdt, node, "bootargs", &len) : NULL;

    si->cmdline[0] = '\0';
    if (!args)
        return NULL; /* no command line is an empty one */
    if (len < 1 || args[len - 1] != '\0' || memchr(args, '\0', (size_t)len) != &args[len - 1])
        return problem("/chosen/bootargs", "not one NUL-terminated string");
    if ((size_t)len > sizeof(si->cmdline))
        return problem("/chosen/bootargs", "longer than the library OS takes (2047 bytes)");
    memcpy(si->cmdline, args, (size_t)len);
    return NULL;
}

const char *start_info_parse(const void *fdt, size_t max_size, struct start_info *si)
{
    const char *err;

    memset(si, 0, sizeof(*si));
    /* The header first, so that its size may be trusted for the rest. */
    if (max_size < sizeof(struct fdt_header) || fdt_magic(fdt) != FDT_MAGIC)
        return "not a flattened device tree (bad magic)";
    if (fdt_totalsize(fdt) > max_size)
        return "larger than the start-info area";
    if (fdt_check_full(fdt, max_size))
        return "malformed flattened device tree (libfdt's check failed)";
    err = parse_root(fdt, si);
    if (!err)
        err = parse_memory(fdt, si);
    if (!err)
        err = parse_cpus(fdt, si);
    if (!err)
        err = parse_hypervisor(fdt, si);
    if (!err)
        err = parse_chosen(fdt, si);
    return err;
}
