/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU feature detection and the boot CPU's control-register set-up: NX,
 * SMEP and SMAP when present, SSE and XSAVE enabled (for guests: the
 * hypervisor itself is built without floating point), and XCR0.
 */
#include <asm/setup.h>
#include <asm/x86.h>
#include <hv/lib.h>

struct cpu_features cpu_features;

static bool bit(uint32_t reg, unsigned int n) { return (reg >> n) & 1; }

/* This CPU's control registers, from the features the boot CPU found
 * (all CPUs of a machine are alike). */
void cpu_setup(void)
{
    const struct cpu_features *f = &cpu_features;
    uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

    if (f->nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    if (f->smep)
        cr4 |= X86_CR4_SMEP;
    if (f->smap)
        cr4 |= X86_CR4_SMAP;
    if (f->xsave)
        cr4 |= X86_CR4_OSXSAVE;
    write_cr4(cr4);
    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP) &
              ~(X86_CR0_EM | X86_CR0_TS | X86_CR0_CD | X86_CR0_NW));
    if (f->xsave)
        xsetbv(0, f->xcr0);
}

void cpu_init(void)
{
    struct cpu_features *f = &cpu_features;
    struct cpuid_regs r = cpuid(0, 0);
    uint32_t max_leaf = r.eax;
    uint32_t max_ext = cpuid(0x80000000, 0).eax;

    r = cpuid(1, 0);
    f->xsave = bit(r.ecx, 26);
    f->vmx = bit(r.ecx, 5);
    if (max_leaf >= 7) {
        r = cpuid(7, 0);
        f->smep = bit(r.ebx, 7);
        f->smap = bit(r.ebx, 20);
    }
    if (max_ext >= 0x80000001) {
        r = cpuid(0x80000001, 0);
        f->nx = bit(r.edx, 20);
        f->pdpe1gb = bit(r.edx, 26);
        f->svm = bit(r.ecx, 2);
    }
    if (max_ext >= 0x80000007)
        f->invariant_tsc = bit(cpuid(0x80000007, 0).edx, 8);
    f->phys_bits = max_ext >= 0x80000008 ? (cpuid(0x80000008, 0).eax & 0xff) : 36;
    if (f->svm && max_ext >= 0x8000000a) {
        r = cpuid(0x8000000a, 0);
        f->npt = bit(r.edx, 0);
        f->nrips = bit(r.edx, 3);
    }

    if (f->xsave) {
        r = cpuid(0xd, 0);
        f->xcr0 = XCR0_X87 | XCR0_SSE | (r.eax & XCR0_AVX);
    } else {
        f->xcr0 = XCR0_X87 | XCR0_SSE;
        f->xsave_size = 512;
    }
    cpu_setup();
    if (f->xsave)
        f->xsave_size = cpuid(0xd, 0).ebx; /* for the XCR0 just set */
    /* Every vCPU's FPU state goes in one page (see svm.c); AVX-512 would not fit. */
    BUG_ON(f->xsave_size > PAGE_SIZE - 64);

    printk("hv: cpu:%s%s%s%s%s%s%s%s, %u physical address bits\n", f->nx ? " nx" : "",
           f->smep ? " smep" : "", f->smap ? " smap" : "", f->xsave ? " xsave" : "",
           f->svm ? " svm" : "", f->npt ? " npt" : "", f->nrips ? " nrips" : "",
           f->vmx ? " vmx" : "", f->phys_bits);
    if (!f->nx)
        panic("this CPU has no NX bit; the hypervisor needs it (qemu: -cpu max)");
}
