/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From the hypervisor's entry to main(): find the hypercall instruction,
 * check and read the start-info tree (start_info.c), take over the
 * SYSCALL instruction and the free memory, then hand the boot arguments to
 * musl's __libc_start_main, which sets up TLS, stdio and the stack
 * protector's canary, runs main() and exits (exit_group: the domain powers
 * off with the status). A malformed start-info tree is reported, not
 * faulted on.
 */
#include <ctype.h>
#include <elf.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <string.h>

#include "private.h"
#include "start_info.h"
#include "thread.h"

#define MAX_WORDS 128 /* command-line words: arguments and environment together */

/* Where the stack protector's canary lives in a thread control block. */
#define TCB_CANARY_OFFSET 0x28

int main(int argc, char **argv);
void libos_start(const void *start_info);
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*ldso)(void));

/* The ELF header, mapped with the image (guest.ld loads the headers). */
extern const Elf64_Ehdr __ehdr_start;

int libos_hypercall_vmcall;
static struct start_info boot_info;

uint32_t libos_domain_id(void) { return boot_info.domain_id; }
uint64_t libos_memory_size(void) { return boot_info.memory_size; }

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

/* Split s at spaces, in place, into at most max words; says so if more. */
static int split_words(char *s, char **words, int max)
{
    int n = 0;

    while (*s) {
        while (*s == ' ')
            *s++ = '\0';
        if (!*s)
            break;
        if (n == max) {
            libos_log("libos: command line: more than %d words; the rest are dropped\n", max);
            break;
        }
        words[n++] = s;
        while (*s && *s != ' ')
            s++;
    }
    return n;
}

/* NAME=VALUE, NAME a C identifier: an environment entry. */
static int is_assignment(const char *w)
{
    const char *p = w;

    if (!isalpha((unsigned char)*p) && *p != '_')
        return 0;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    return *p == '=';
}

/*
 * What a Linux kernel puts on a new process's stack after argc: argv, a
 * NULL, the environment (the NAME=VALUE words before a "--" on the command
 * line, if it has one), a NULL, and the auxiliary vector, which
 * tells musl the page size, where the program headers are (its static TLS
 * set-up reads PT_TLS from them) and 16 random bytes, whose first eight
 * become the canary.
 */
enum { AUX_PAIRS = 8 };
static char *start_vector[MAX_WORDS + 2 + 2 * AUX_PAIRS];
static char *words[MAX_WORDS], *env_words[MAX_WORDS];
static uint8_t at_random[16];

static char **build_start_vector(int *argc)
{
    char **argv = start_vector, **envp;
    int n = split_words(boot_info.cmdline, words, MAX_WORDS), dash = n, envc = 0;
    unsigned long *aux;
    uint64_t canary;

    /* "NAME=VALUE ... -- args": before a "--", assignments are the
     * environment; without one, every word is an argument. */
    for (int i = 0; i < n; i++)
        if (!strcmp(words[i], "--")) {
            dash = i;
            break;
        }
    *argc = 0;
    for (int i = 0; i < n; i++) {
        if (i == dash)
            continue;
        if (i < dash && dash < n && is_assignment(words[i]))
            env_words[envc++] = words[i];
        else
            argv[(*argc)++] = words[i];
    }
    argv[*argc] = NULL;
    envp = &argv[*argc + 1];
    memcpy(envp, env_words, (size_t)envc * sizeof(*envp));
    envp[envc] = NULL;
    aux = (unsigned long *)&envp[envc + 1];

    /*
     * musl takes the canary from AT_RANDOM (with its second byte zeroed);
     * make that the boot canary entry.S chose, so that frames entered
     * before musl's set-up still check out when they return.
     */
    __asm__ volatile("mov %%fs:%c1, %0" : "=r"(canary) : "i"(TCB_CANARY_OFFSET));
    memcpy(at_random, &canary, sizeof(canary));
    getrandom_bytes(at_random + sizeof(canary), sizeof(at_random) - sizeof(canary));

    *aux++ = AT_PAGESZ, *aux++ = 4096;
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
    err = start_info_parse(start_info, HV_GUEST_START_INFO_MAX, &boot_info);
    if (err) {
        libos_log("libos: bad start-info tree at %p: %s\n", start_info, err);
        libos_shutdown(HV_SHUTDOWN_crash, 0);
    }
    memory_init(boot_info.memory_size);
    trap_init();
    console_init(boot_info.console_ring);
    files_init();
    thread_init(); /* this is the main thread */
    argv = build_start_vector(&argc);
    /* main may be declared with two parameters or three; the ABI passes
     * the environment either way. */
    __libc_start_main((int (*)(int, char **, char **))(void (*)(void))main, argc, argv, NULL,
                      NULL, NULL);
    libos_crash("__libc_start_main returned");
}
