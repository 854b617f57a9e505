/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every hook common code may call into the architecture. Common code never
 * includes an arch header: this file is the whole contract. On x86 the vCPU
 * hooks dispatch to the vendor back end (AMD-V or VT-x) chosen at boot; on
 * the host (unit tests, fuzzing) a simulation implements them.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <hv/types.h>

struct domain;
struct vcpu;
struct vcpu_exit;

/* The hypervisor's view of a machine frame (all RAM is mapped), and back. */
void *arch_frame_virt(mfn_t mfn);
mfn_t arch_virt_frame(const void *p);

/* Write bytes to the hypervisor's console (serial). */
void arch_console_write(const char *s, size_t len);

/* The next byte received on the hypervisor's console, or -1 if none is
 * waiting (it does not wait). */
int arch_console_getc(void);

/* Stop the machine. value: (reason << 5) | min(code, 31), or 0x7f after a
 * panic; emulators that offer an exit device report it as their status. */
__noreturn void arch_power_off(unsigned int value);

/* Halt this CPU forever (interrupts off). */
__noreturn void arch_halt(void);

/* Print a backtrace of the current hypervisor stack. */
void arch_backtrace(void);

/* A short name for an exception vector, such as "#UD invalid opcode". */
const char *arch_exception_name(unsigned int vector);

/* Nanoseconds since boot. */
uint64_t arch_time_ns(void);

/* How guests compute system time from their TSC: at TSC value *tsc the
 * system time was *now, and ns = ((tsc_delta << shift, or >> -shift) * mul)
 * >> 32 (the pvclock scale). */
void arch_time_scale(uint64_t *tsc, uint64_t *now, uint32_t *mul, int8_t *shift);

/* The wall clock at system time 0: seconds and nanoseconds since the Unix
 * epoch (from the RTC at boot). */
void arch_wallclock(uint64_t *sec, uint32_t *nsec);

/* What sysctl reports about the machine: physical CPUs running the
 * hypervisor, the TSC frequency, and the vCPU back end ("svm", "vmx"). */
unsigned int arch_nr_cpus(void);
uint64_t arch_tsc_hz(void);
const char *arch_vendor(void);

/* Interrupt this CPU at system time deadline (ns), or never (UINT64_MAX).
 * Only the latest call counts. */
void arch_timer_set(uint64_t deadline);

/* Wait, with interrupts on, until an interrupt has been taken. */
void arch_idle(void);

/* This physical CPU's index (0 is the boot CPU). */
unsigned int arch_cpu_id(void);

/* Interrupt physical CPU cpu so that it leaves guest mode or idle and
 * looks at its run queue again. Nothing if cpu is this CPU. */
void arch_cpu_kick(unsigned int cpu);

/* p2m permissions */
#define P2M_R (1u << 0)
#define P2M_W (1u << 1)
#define P2M_X (1u << 2)
#define P2M_RWX (P2M_R | P2M_W | P2M_X)
/* Device memory (physdev.c): uncached, and not a frame the domain owns, so
 * the p2m's teardown does not release it and the audit does not count it. */
#define P2M_MMIO (1u << 3)

/*
 * Create a domain's architectural state (its nested page table root).
 * Returns 0 or -HV_ENOMEM.
 *
 * arch_domain_release() takes it apart a bounded amount at a time, for a
 * domain none of whose vCPUs runs: it removes at most *budget mappings,
 * calling release for each with the frame and order it was mapped with,
 * and takes one off *budget for each. Returns -HV_ERESTART while mappings
 * are left, 0 once everything (tables included) is gone.
 */
int arch_domain_create(struct domain *d) __must_check;
int arch_domain_release(struct domain *d, void (*release)(struct domain *d, mfn_t mfn,
                                                          unsigned int order),
                        unsigned int *budget);

/* Map 2^order frames at gfn (both aligned to 2^order frames). Returns 0,
 * -HV_ENOMEM, -HV_EEXIST (already mapped) or -HV_EINVAL. */
int arch_p2m_map(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order,
                 unsigned int perms) __must_check;

/* Translate a gfn. Returns 0 and *mfn and *perms, or -HV_ENOENT. */
int arch_p2m_lookup(struct domain *d, gfn_t gfn, mfn_t *mfn, unsigned int *perms);

/* Remove the 4 KiB mapping at gfn (a grant mapping) and make sure no vCPU
 * of d keeps using a cached translation of it. Returns 0, -HV_ENOENT
 * (nothing is mapped there) or -HV_EINVAL (gfn is part of a 2 MiB
 * mapping). Table pages left empty are freed. */
int arch_p2m_unmap(struct domain *d, gfn_t gfn) __must_check;

/* Turn the 2 MiB mapping holding gfn into 512 mappings of 4 KiB with the
 * same rights (nothing if gfn is mapped with 4 KiB already). Returns 0,
 * -HV_ENOENT (gfn not mapped) or -HV_ENOMEM. */
int arch_p2m_split(struct domain *d, gfn_t gfn) __must_check;

/* Call fn for every mapping in d's p2m, in gfn order, with the order it
 * was mapped with; stops at the first non-zero result of fn and returns
 * it, else 0. For the audit: nothing on a fast path walks the p2m. */
typedef int (*p2m_walk_fn)(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order,
                           unsigned int perms, void *ctx);
int arch_p2m_walk(struct domain *d, p2m_walk_fn fn, void *ctx);

/* Write the architecture's boot-time guest structures (page tables, GDT,
 * TSS) into a populated domain, as public/start_info.h describes. */
int arch_domain_build_boot(struct domain *d) __must_check;

/* Create, set up and destroy a vCPU's architectural state. */
int arch_vcpu_create(struct vcpu *v) __must_check;
void arch_vcpu_destroy(struct vcpu *v);
/* The entry state of public/start_info.h: rip = entry, rdi = arg. */
void arch_vcpu_set_boot_state(struct vcpu *v, uint64_t entry, uint64_t arg);

/*
 * Run v on this CPU until something common code must handle happens, and
 * describe it in *exit. Exits the architecture can handle itself (CPUID, MSR
 * and I/O accesses, host interrupts) do not come back here.
 */
void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit);

/* v's instruction pointer (for diagnostics). */
uint64_t arch_vcpu_rip(struct vcpu *v);

/* Complete the hypercall that v exited with: set its result, step past the
 * hypercall instruction. */
void arch_vcpu_hypercall_return(struct vcpu *v, int64_t result);

/*
 * Devices for the control domain (physdev.c). The machine's own devices
 * are the architecture's to name; common code keeps the bookkeeping.
 */
/* Open (allow) or close d's I/O ports [first, last] in its I/O bitmap.
 * -HV_EPERM if allow and one of them is a port the hypervisor drives. */
int arch_ioport_permit(struct domain *d, uint32_t first, uint32_t last, bool allow) __must_check;
/* Whether host frames [first, first + count) may be mapped as device memory:
 * not RAM, not firmware-described, not the hypervisor's interrupt and timer
 * devices, within the physical address width. */
bool arch_mmio_allowed(uint64_t first, uint64_t count);
/* PCI configuration space of segment 0 (size 1, 2 or 4, reg aligned, below
 * 256; the caller checks). Reads of an absent function give all ones. */
uint32_t arch_pci_conf_read(unsigned int bus, unsigned int devfn, unsigned int reg,
                            unsigned int size);
void arch_pci_conf_write(unsigned int bus, unsigned int devfn, unsigned int reg,
                         unsigned int size, uint32_t value);
/* Take a host vector for message-signalled interrupt pirq: each interrupt
 * on it calls physdev_irq(pirq) (hv/physdev.h). *address and *data are what
 * the device must write. -HV_ENOSPC when no vector is free. */
int arch_msi_alloc(unsigned int pirq, uint64_t *address, uint32_t *data) __must_check;
void arch_msi_free(unsigned int pirq);
/* Write a 32-bit word of a device's MSI-X table at host-physical address
 * (below 4 GiB, 4-byte aligned, checked by the caller as device memory). */
void arch_msix_write(uint64_t address, uint32_t value);
/* The same for a device interrupt on an IOAPIC pin: program GSI gsi for
 * pirq, unmasked (-HV_ENOENT: no IOAPIC has it; -HV_EPERM: the
 * hypervisor's own; -HV_ENOSPC). A level-triggered pin masks itself each
 * time it fires until arch_gsi_unmask(). */
int arch_gsi_bind(unsigned int pirq, uint32_t gsi) __must_check;
void arch_gsi_unbind(unsigned int pirq);
void arch_gsi_unmask(unsigned int pirq);

#endif
