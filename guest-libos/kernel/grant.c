/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables for the library OS (exo/grant.h). The table is a page of
 * the image's .bss; memory is identity-mapped, so its address is its
 * guest-physical address. An entry is written domid and gfn first, flags
 * last, so the hypervisor never sees a permitted entry half written. The
 * grant window is one 2 MiB page-table entry of its own, in the first
 * gigabyte above the domain's memory, which the boot page tables leave
 * empty.
 */
#include <exo/grant.h>
#include <exo/hypercall.h>
#include <exo/libos.h>

#define PAGE_SIZE 4096u
#define GIB (1ull << 30)
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

_Static_assert(GRANT_WINDOW_SIZE == 2 << 20, "the window is one 2 MiB page");

static struct hv_grant_entry table[GRANT_REFS] __attribute__((aligned(PAGE_SIZE)));
static uint64_t window_pd[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t window;

uint64_t grant_window(void)
{
    return window;
}

/* Map [window, window + 2 MiB) read-write, not executable, in the page
 * tables in use; the hypervisor's p2m decides what is really there. */
static int window_map(void)
{
    uint64_t base = (libos_memory_size() + GIB - 1) & ~(GIB - 1), cr3, *pml4, *pdpt;

    /* One PML4 entry (512 GiB) is all the boot tables use. */
    if (base + GRANT_WINDOW_SIZE > HV_GRANT_MAP_GPA_LIMIT)
        return -HV_ERANGE;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    pml4 = (uint64_t *)(uintptr_t)(cr3 & PTE_ADDR);
    if (!(pml4[0] & PTE_P))
        return -HV_EINVAL;
    pdpt = (uint64_t *)(uintptr_t)(pml4[0] & PTE_ADDR);
    if (pdpt[base / GIB] & PTE_P)
        return -HV_EEXIST;
    window_pd[0] = base | PTE_P | PTE_W | PTE_PS | PTE_NX;
    pdpt[base / GIB] = (uint64_t)(uintptr_t)window_pd | PTE_P | PTE_W;
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
    window = base;
    return 0;
}

int grant_init(void)
{
    long err = hv_grant_table_op(HV_GNTOP_setup_table, (long)((uintptr_t)table / PAGE_SIZE), 1);

    return err ? (int)err : window ? 0 : window_map();
}

int grant_access(uint32_t ref, uint16_t domid, const void *page, int readonly)
{
    uintptr_t addr = (uintptr_t)page;

    if (ref >= GRANT_REFS || addr % PAGE_SIZE || addr / PAGE_SIZE > UINT32_MAX)
        return -HV_EINVAL;
    if (__atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE) & HV_GTF_permit_access)
        return -HV_EBUSY;
    table[ref].domid = domid;
    table[ref].gfn = (uint32_t)(addr / PAGE_SIZE);
    __atomic_store_n(&table[ref].flags,
                     (uint16_t)(HV_GTF_permit_access | (readonly ? HV_GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    return 0;
}

/* One element of a batch; the call's own error, else the element's. */
static int one(unsigned int cmd, void *element, int32_t *status)
{
    long ret = hv_grant_table_op(cmd, (long)element, 1);

    return ret ? (int)ret : *status;
}

int grant_end_access(uint32_t ref)
{
    struct hv_grant_end_access op = {.ref = ref};

    return one(HV_GNTOP_end_access, &op, &op.status);
}

int grant_maps(uint32_t ref)
{
    struct hv_grant_query op = {.ref = ref};
    int err = one(HV_GNTOP_query, &op, &op.status);

    return err ? err : (int)op.maps;
}

int grant_map(uint16_t domid, uint32_t ref, uint64_t gpa, int readonly, uint32_t *handle)
{
    struct hv_grant_map op = {
        .gpa = gpa,
        .ref = ref,
        .domid = domid,
        .flags = readonly ? HV_GNTMAP_readonly : 0,
    };
    int err = one(HV_GNTOP_map, &op, &op.status);

    if (!err)
        *handle = op.handle;
    return err;
}

int grant_unmap(uint32_t handle)
{
    struct hv_grant_unmap op = {.handle = handle};

    return one(HV_GNTOP_unmap, &op, &op.status);
}

/*
 * A copy between the granted page and a buffer of ours, which may cross a
 * page boundary of our memory: one element per piece, all in one call.
 */
static int copy(uint16_t domid, uint32_t ref, size_t offset, uintptr_t buf, size_t len, int to)
{
    struct hv_grant_copy ops[2] = {0};
    unsigned int n = 0;
    long ret;

    if (offset > PAGE_SIZE || len > PAGE_SIZE - offset)
        return -HV_EINVAL;
    while (len) {
        size_t piece = PAGE_SIZE - buf % PAGE_SIZE;
        struct hv_grant_copy_ptr mine = {.frame = buf / PAGE_SIZE,
                                         .offset = (uint16_t)(buf % PAGE_SIZE)};
        struct hv_grant_copy_ptr theirs = {
            .frame = ref, .domid = domid, .offset = (uint16_t)offset};

        piece = piece < len ? piece : len;
        ops[n].source = to ? mine : theirs;
        ops[n].dest = to ? theirs : mine;
        ops[n].length = (uint16_t)piece;
        ops[n].flags = to ? HV_GNTCOPY_dest_gref : HV_GNTCOPY_source_gref;
        n++;
        buf += piece;
        offset += piece;
        len -= piece;
    }
    ret = n ? hv_grant_table_op(HV_GNTOP_copy, (long)ops, n) : 0;
    if (ret)
        return (int)ret;
    for (unsigned int i = 0; i < n; i++)
        if (ops[i].status)
            return ops[i].status;
    return 0;
}

int grant_copy_from(uint16_t domid, uint32_t ref, size_t offset, void *dst, size_t len)
{
    return copy(domid, ref, offset, (uintptr_t)dst, len, 0);
}

int grant_copy_to(uint16_t domid, uint32_t ref, size_t offset, const void *src, size_t len)
{
    return copy(domid, ref, offset, (uintptr_t)src, len, 1);
}
