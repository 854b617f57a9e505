/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From the hypervisor's entry to main(): find the hypercall instruction,
 * check and read the start-info tree (public/start_info.h), turn the boot
 * arguments into argv, run main(), and shut the domain down with its
 * status. A malformed start-info tree is reported, not faulted on.
 */
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 32
#define CMDLINE_MAX 1024

int main(int argc, char **argv);
void libos_start(const void *start_info);

int libos_hypercall_vmcall;
static uint32_t domain_id;
static uint64_t memory_size;
static char cmdline[CMDLINE_MAX];
static char *argv[MAX_ARGS + 1];

uint32_t libos_domain_id(void) { return domain_id; }
uint64_t libos_memory_size(void) { return memory_size; }

static __attribute__((noreturn)) void shutdown(unsigned int reason, int code)
{
    hv_sched_op(HV_SCHED_shutdown, reason, (long)(unsigned int)code);
    for (;;)
        __asm__ volatile("hlt");
}

void exit(int status) { shutdown(HV_SHUTDOWN_poweroff, status); }

void libos_crash(const char *msg)
{
    printf("libos: %s\n", msg);
    shutdown(HV_SHUTDOWN_crash, 0);
}

void abort(void) { libos_crash("abort() called"); }

/* Called by code built with the stack protector when a canary was overwritten. */
__attribute__((noreturn)) void __stack_chk_fail(void);
void __stack_chk_fail(void) { libos_crash("stack smashing detected"); }

static int hypervisor_present(void)
{
    uint32_t eax, ebx, ecx, edx;

    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(HV_CPUID_BASE), "c"(0));
    if (ebx != HV_CPUID_SIGNATURE_EBX || ecx != HV_CPUID_SIGNATURE_ECX || eax < HV_CPUID_FEATURES)
        return 0;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(HV_CPUID_FEATURES), "c"(0));
    libos_hypercall_vmcall = (ebx & HV_CPUID_F_VMCALL) != 0;
    return 1;
}

static uint32_t read_u32(const void *fdt, int node, const char *name, const char **err)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len != 4) {
        *err = name;
        return 0;
    }
    return fdt32_to_cpu(*p);
}

/* Read what the library OS needs; returns NULL or what is missing. */
static const char *parse_start_info(const void *fdt)
{
    const char *err = NULL;
    const fdt64_t *reg;
    const char *args;
    int node, len;

    if (fdt_check_header(fdt) || fdt_totalsize(fdt) > HV_GUEST_START_INFO_MAX)
        return "not a valid flattened device tree";
    if (fdt_node_check_compatible(fdt, 0, HV_START_INFO_COMPATIBLE))
        return "root node is not compatible with " HV_START_INFO_COMPATIBLE;
    if (read_u32(fdt, 0, "exovisor,abi-version", &err) != HV_ABI_VERSION)
        return err ? "no exovisor,abi-version property" : "ABI version mismatch";
    domain_id = read_u32(fdt, 0, "exovisor,domain-id", &err);
    if (err)
        return "no exovisor,domain-id property";
    node = fdt_path_offset(fdt, "/memory@0");
    reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    if (!reg || len != 16)
        return "no /memory@0 node with a 2-cell address and size";
    memory_size = fdt64_to_cpu(reg[1]);
    node = fdt_path_offset(fdt, "/chosen");
    args = node >= 0 ? fdt_getprop(fdt, node, "bootargs", &len) : NULL;
    if (args && (len < 1 || args[len - 1] != '\0'))
        return "/chosen/bootargs is not a string";
    if (args && (size_t)len > sizeof(cmdline))
        return "/chosen/bootargs is too long";
    if (args)
        memcpy(cmdline, args, (size_t)len);
    return NULL;
}

static int split_args(char *s)
{
    int argc = 0;

    while (*s && argc < MAX_ARGS) {
        while (*s == ' ')
            *s++ = '\0';
        if (!*s)
            break;
        argv[argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    argv[argc] = NULL;
    return argc;
}

void libos_start(const void *start_info)
{
    const char *err;

    /* Without the hypervisor there is no console to complain on. */
    if (!hypervisor_present())
        for (;;)
            __asm__ volatile("hlt");
    err = parse_start_info(start_info);
    if (err) {
        printf("libos: bad start-info tree at %p: %s\n", start_info, err);
        shutdown(HV_SHUTDOWN_crash, 0);
    }
    exit(main(split_args(cmdline), argv));
}
