/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From the hypervisor's entry to main(): find the hypercall instruction,
 * check and read the start-info tree (public/start_info.h), take over the
 * SYSCALL instruction and the free memory, then hand the boot arguments to
 * musl's __libc_start_main, which sets up TLS, stdio and the stack
 * protector's canary, runs main() and exits (exit_group: the domain powers
 * off with the status). A malformed start-info tree is reported, not
 * faulted on.
 */
#include <elf.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <libfdt.h>
#include <string.h>

#include "private.h"
#include "thread.h"

#define MAX_ARGS 32
#define CMDLINE_MAX 1024

/* Where the stack protector's canary lives in a thread control block. */
#define TCB_CANARY_OFFSET 0x28

int main(int argc, char **argv);
void libos_start(const void *start_info);
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*ldso)(void));

/* The ELF header, mapped with the image (guest.ld loads the headers). */
extern const Elf64_Ehdr __ehdr_start;

int libos_hypercall_vmcall;
static uint32_t domain_id;
static uint64_t memory_size;
static char cmdline[CMDLINE_MAX];

uint32_t libos_domain_id(void) { return domain_id; }
uint64_t libos_memory_size(void) { return memory_size; }

/* CPUID 1's EDX: what Linux reports as AT_HWCAP on x86. */
static unsigned long cpuid_edx_1(void)
{
    uint32_t eax, ebx, ecx, edx;

    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
    return edx;
}

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

static int split_args(char *s, char **argv)
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

/*
 * What a Linux kernel puts on a new process's stack after argc: argv, a
 * NULL, the environment (empty), a NULL, and the auxiliary vector, which
 * tells musl the page size, where the program headers are (its static TLS
 * set-up reads PT_TLS from them) and 16 random bytes, whose first eight
 * become the canary.
 */
enum { AUX_PAIRS = 8 };
static char *start_vector[MAX_ARGS + 1 + 1 + 2 * AUX_PAIRS];
static uint8_t at_random[16];

static char **build_start_vector(int *argc)
{
    char **argv = start_vector;
    unsigned long *aux;
    uint64_t canary;

    *argc = split_args(cmdline, argv);
    argv[*argc + 1] = NULL; /* the environment */
    aux = (unsigned long *)&argv[*argc + 2];

    /*
     * musl takes the canary from AT_RANDOM (with its second byte zeroed);
     * make that the boot canary entry.S chose, so that frames entered
     * before musl's set-up still check out when they return.
     */
    __asm__ volatile("mov %%fs:%c1, %0" : "=r"(canary) : "i"(TCB_CANARY_OFFSET));
    memcpy(at_random, &canary, sizeof(canary));
    getrandom_bytes(at_random + sizeof(canary), sizeof(at_random) - sizeof(canary));

    *aux++ = AT_PAGESZ, *aux++ = PAGE_SIZE;
    *aux++ = AT_RANDOM, *aux++ = (unsigned long)(uintptr_t)at_random;
    *aux++ = AT_PHDR, *aux++ = (unsigned long)(uintptr_t)&__ehdr_start + __ehdr_start.e_phoff;
    *aux++ = AT_PHENT, *aux++ = __ehdr_start.e_phentsize;
    *aux++ = AT_PHNUM, *aux++ = __ehdr_start.e_phnum;
    *aux++ = AT_ENTRY, *aux++ = (unsigned long)__ehdr_start.e_entry;
    *aux++ = AT_HWCAP, *aux++ = cpuid_edx_1();
    *aux++ = AT_NULL, *aux++ = 0;
    return argv;
}

void libos_start(const void *start_info)
{
    const char *err;
    char **argv;
    int argc;

    /* Without the hypervisor there is no console to complain on. */
    if (!hypervisor_present())
        for (;;)
            __asm__ volatile("hlt");
    percpu_init(0); /* before any system call: syscall.S uses it */
    syscall_init_cpu();
    err = parse_start_info(start_info);
    if (err) {
        libos_log("libos: bad start-info tree at %p: %s\n", start_info, err);
        libos_shutdown(HV_SHUTDOWN_crash, 0);
    }
    memory_init(memory_size);
    thread_init(); /* this is the main thread */
    argv = build_start_vector(&argc);
    /* main may be declared with two parameters or three; the ABI passes
     * the environment either way. */
    __libc_start_main((int (*)(int, char **, char **))(void (*)(void))main, argc, argv, NULL,
                      NULL, NULL);
    libos_crash("__libc_start_main returned");
}
