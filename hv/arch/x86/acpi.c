/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough ACPI to find the CPUs: the RSDP (from the boot loader, or by
 * scanning the BIOS areas), the RSDT or XSDT, and the MADT's local APIC
 * entries. Every table's checksum is verified; a bad table is ignored, and
 * the machine then runs on the boot CPU alone.
 */
#include <asm/acpi.h>
#include <hv/lib.h>
#include <string.h>

struct rsdp {
    char signature[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length; /* revision >= 2 from here */
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
} __packed;

struct sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
} __packed;

struct madt {
    struct sdt_header h;
    uint32_t lapic_address, flags;
    uint8_t entries[];
} __packed;

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_X2APIC 9
#define LAPIC_ENABLED (1u << 0)
#define LAPIC_ONLINE_CAPABLE (1u << 1)

static bool checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum += *b++;
    return sum == 0;
}

static const struct rsdp *rsdp_at(uint64_t addr)
{
    const struct rsdp *r = (const void *)(uintptr_t)addr;

    if (memcmp(r->signature, "RSD PTR ", 8) || !checksum_ok(r, 20))
        return NULL;
    if (r->revision >= 2 && !checksum_ok(r, MIN(r->length, 4096u)))
        return NULL;
    return r;
}

static const struct rsdp *rsdp_scan(uint64_t start, uint64_t end)
{
    for (uint64_t a = start; a + sizeof(struct rsdp) <= end; a += 16) {
        const struct rsdp *r = rsdp_at(a);

        if (r)
            return r;
    }
    return NULL;
}

static const struct sdt_header *table_at(uint64_t addr)
{
    const struct sdt_header *h = (const void *)(uintptr_t)addr;

    /* Only what paging maps (the low 4 GiB and RAM) is readable. */
    if (!addr || addr >= (4ull << 30) || h->length < sizeof(*h) || h->length > (1u << 20) ||
        !checksum_ok(h, h->length))
        return NULL;
    return h;
}

static const struct sdt_header *find_table(const struct rsdp *r, const char *sig)
{
    const struct sdt_header *root;
    bool x = r->revision >= 2 && r->xsdt;
    size_t n, width = x ? 8 : 4;

    root = table_at(x ? r->xsdt : r->rsdt);
    if (!root)
        return NULL;
    n = (root->length - sizeof(*root)) / width;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *e = (const uint8_t *)(root + 1) + i * width;
        uint64_t addr = x ? *(const uint64_t *)(const void *)e : *(const uint32_t *)(const void *)e;
        const struct sdt_header *t = table_at(addr);

        if (t && !memcmp(t->signature, sig, 4))
            return t;
    }
    return NULL;
}

static uint64_t ebda_base;

struct acpi_ecam acpi_ecam[ACPI_MAX_ECAM];
unsigned int acpi_nr_ecam;
struct acpi_ioapic acpi_ioapics[ACPI_MAX_IOAPICS];
unsigned int acpi_nr_ioapics;
struct acpi_override acpi_overrides[ACPI_MAX_OVERRIDES];
unsigned int acpi_nr_overrides;

/* MPS INTI flags: polarity in bits 1:0 (3 = active low), trigger in bits
 * 3:2 (3 = level); 0 means "as the bus does it" (ISA: high, edge). */
static unsigned int inti_flags(uint16_t mps)
{
    return ((mps & 3) == 3 ? ACPI_IRQ_ACTIVE_LOW : 0) | (((mps >> 2) & 3) == 3 ? ACPI_IRQ_LEVEL : 0);
}

/* MCFG: a header, 8 reserved bytes, then 16-byte entries: base address,
 * segment, first and last bus. */
static void note_ecam(const struct sdt_header *mcfg)
{
    const uint8_t *p = (const uint8_t *)mcfg + sizeof(*mcfg) + 8;
    const uint8_t *end = (const uint8_t *)mcfg + mcfg->length;

    for (; p + 16 <= end && acpi_nr_ecam < ACPI_MAX_ECAM; p += 16) {
        uint64_t base = *(const uint64_t *)(const void *)p;
        uint8_t first = p[10], last = p[11];

        if (last < first)
            continue;
        acpi_ecam[acpi_nr_ecam] = (struct acpi_ecam){base + ((uint64_t)first << 20),
                                                     base + ((uint64_t)(last + 1) << 20)};
        printk("hv: acpi: PCI configuration window %#lx-%#lx (buses %u-%u)\n",
               acpi_ecam[acpi_nr_ecam].start, acpi_ecam[acpi_nr_ecam].end - 1, first, last);
        acpi_nr_ecam++;
    }
}

static void note_routing(const uint8_t *e)
{
    if (e[0] == MADT_IOAPIC && e[1] >= 12 && acpi_nr_ioapics < ACPI_MAX_IOAPICS) {
        acpi_ioapics[acpi_nr_ioapics++] = (struct acpi_ioapic){
            .address = *(const uint32_t *)(const void *)(e + 4),
            .gsi_base = *(const uint32_t *)(const void *)(e + 8),
        };
    } else if (e[0] == MADT_OVERRIDE && e[1] >= 10 && e[2] == 0 &&
               acpi_nr_overrides < ACPI_MAX_OVERRIDES) {
        acpi_overrides[acpi_nr_overrides++] = (struct acpi_override){
            .isa_irq = e[3],
            .gsi = *(const uint32_t *)(const void *)(e + 4),
            .flags = inti_flags(*(const uint16_t *)(const void *)(e + 8)),
        };
    }
}

void acpi_early_init(void)
{
    /* The BIOS data area is in page 0, which paging_init() unmaps. */
    uint64_t bda = 0x40e; /* the EBDA's segment */

    __asm__("" : "+r"(bda)); /* a real address, not a null-pointer offset */
    ebda_base = (uint64_t)*(const volatile uint16_t *)(uintptr_t)bda << 4;
}

unsigned int acpi_find_cpus(uint64_t rsdp_hint, uint32_t *apic_ids, unsigned int max)
{
    const struct rsdp *r = rsdp_hint ? rsdp_at(rsdp_hint) : NULL;
    const struct madt *m;
    unsigned int n = 0;

    if (!r) {
        uint64_t ebda = ebda_base;

        if (ebda >= 0x80000 && ebda < 0xa0000)
            r = rsdp_scan(ebda, ebda + 1024);
        if (!r)
            r = rsdp_scan(0xe0000, 0x100000);
    }
    if (!r) {
        printk(LOG_WARN "hv: acpi: no RSDP: running on the boot CPU only\n");
        return 0;
    }
    {
        const struct sdt_header *mcfg = find_table(r, "MCFG");

        if (mcfg)
            note_ecam(mcfg);
    }
    m = (const struct madt *)find_table(r, "APIC");
    if (!m) {
        printk(LOG_WARN "hv: acpi: no valid MADT: running on the boot CPU only\n");
        return 0;
    }
    for (uint32_t off = sizeof(*m); off + 2 <= m->h.length;) {
        const uint8_t *e = (const uint8_t *)m + off;

        if (e[1] < 2 || off + e[1] > m->h.length)
            break;
        note_routing(e);
        if (e[0] == MADT_LAPIC && e[1] >= 8) {
            uint32_t flags = *(const uint32_t *)(const void *)(e + 4);

            if ((flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)) && n < max)
                apic_ids[n++] = e[3];
        } else if (e[0] == MADT_X2APIC && e[1] >= 16) {
            uint32_t id = *(const uint32_t *)(const void *)(e + 4);
            uint32_t flags = *(const uint32_t *)(const void *)(e + 8);

            /* xAPIC mode addresses IDs below 255 only. */
            if ((flags & LAPIC_ENABLED) && id < 255 && n < max)
                apic_ids[n++] = id;
        }
        off += e[1];
    }
    return n;
}
