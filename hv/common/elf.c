/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ELF loader for guest images. elf_check() reads the file header and
 * the program headers of an untrusted image, checks every field the loader
 * relies on with overflow-safe arithmetic, and records the PT_LOAD segments;
 * elf_load() then only copies what was checked. The headers are copied out
 * of the image before use, so the image may be unaligned.
 */
#include <hv/elf.h>
#include <public/errno.h>
#include <string.h>

/* The parts of the ELF64 format the loader needs. */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PN_XNUM 0xffff
#define PT_LOAD 1
#define PF_X 1

struct elf64_header {
    uint8_t ident[EI_NIDENT];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};

struct elf64_phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

BUILD_BUG_ON(sizeof(struct elf64_header) != 64);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
/* Segment sizes are checked as uint64_t and handed to the writer as size_t. */
BUILD_BUG_ON(sizeof(size_t) < sizeof(uint64_t));

/* The structs above are in host byte order, and so is x86-64. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "elf.c reads little-endian headers with memcpy"
#endif

static int reject(const char **why, const char *msg, int rc)
{
    if (why)
        *why = msg;
    return rc;
}

static int check_header(const uint8_t *data, size_t size, struct elf64_header *eh, const char **why)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    uint64_t table_size, table_end;

    if (!data || size < sizeof(*eh))
        return reject(why, "file is smaller than an ELF header", -HV_ENOEXEC);
    memcpy(eh, data, sizeof(*eh));

    if (memcmp(eh->ident, magic, sizeof(magic)) != 0)
        return reject(why, "not an ELF file (bad magic)", -HV_ENOEXEC);
    if (eh->ident[EI_CLASS] != ELFCLASS64)
        return reject(why, "not a 64-bit ELF file", -HV_ENOEXEC);
    if (eh->ident[EI_DATA] != ELFDATA2LSB)
        return reject(why, "not a little-endian ELF file", -HV_ENOEXEC);
    if (eh->ident[EI_VERSION] != EV_CURRENT || eh->version != EV_CURRENT)
        return reject(why, "unknown ELF version", -HV_ENOEXEC);
    if (eh->machine != EM_X86_64)
        return reject(why, "not an x86-64 file", -HV_ENOEXEC);
    if (eh->type != ET_EXEC)
        return reject(why, "not a static executable (ET_EXEC)", -HV_ENOEXEC);
    if (eh->phentsize != sizeof(struct elf64_phdr))
        return reject(why, "program header entry size is not 56", -HV_ENOEXEC);
    /* With PN_XNUM the real count hides in section 0; no guest needs that. */
    if (eh->phnum == PN_XNUM)
        return reject(why, "extended program header numbering is not supported", -HV_ENOEXEC);

    if (mul_overflow((uint64_t)eh->phnum, (uint64_t)sizeof(struct elf64_phdr), &table_size) ||
        add_overflow(eh->phoff, table_size, &table_end) || table_end > size)
        return reject(why, "program header table extends past the end of the file", -HV_ENOEXEC);
    return 0;
}

/* Check one PT_LOAD on its own: its file bytes and its place in memory. */
static int check_segment(const struct elf64_phdr *ph, size_t size, uint64_t gpa_min,
                         uint64_t gpa_max, const char **why)
{
    uint64_t file_end, mem_end;

    if (ph->filesz > ph->memsz)
        return reject(why, "a segment has more file bytes than memory bytes", -HV_ENOEXEC);
    if (add_overflow(ph->offset, ph->filesz, &file_end) || file_end > size)
        return reject(why, "a segment extends past the end of the file", -HV_ENOEXEC);
    if (add_overflow(ph->paddr, ph->memsz, &mem_end))
        return reject(why, "a segment's address range wraps around", -HV_ERANGE);
    if (ph->paddr < gpa_min)
        return reject(why, "a segment starts below the guest's image area", -HV_ERANGE);
    if (mem_end > gpa_max)
        return reject(why, "a segment ends beyond the guest's memory", -HV_ERANGE);
    return 0;
}

static bool segments_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    /* Both ends were checked not to wrap. */
    return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

static int check_entry(const struct elf_image *img, const char **why)
{
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *seg = &img->segments[i];

        /*
         * The guest starts on an identity map (virtual = guest-physical), so
         * the entry point is looked up among the physical ranges.
         */
        if (img->entry < seg->paddr || img->entry - seg->paddr >= seg->memsz)
            continue;
        if (!(seg->flags & PF_X))
            return reject(why, "the entry point is in a non-executable segment", -HV_ENOEXEC);
        return 0;
    }
    return reject(why, "the entry point is outside every loadable segment", -HV_ENOEXEC);
}

int elf_check(const void *data, size_t size, uint64_t gpa_min, uint64_t gpa_max,
              struct elf_image *img, const char **why)
{
    const uint8_t *bytes = data;
    struct elf64_header eh;
    unsigned int nr = 0;
    int rc;

    rc = check_header(bytes, size, &eh, why);
    if (rc)
        return rc;

    for (unsigned int i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;
        struct elf_segment *seg;

        memcpy(&ph, bytes + eh.phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        /* An empty segment loads nothing and cannot clash with anything. */
        if (ph.type != PT_LOAD || (ph.memsz == 0 && ph.filesz == 0))
            continue;
        rc = check_segment(&ph, size, gpa_min, gpa_max, why);
        if (rc)
            return rc;
        if (nr == ELF_MAX_SEGMENTS)
            return reject(why, "too many loadable segments", -HV_E2BIG);

        seg = &img->segments[nr];
        *seg = (struct elf_segment){
            .paddr = ph.paddr,
            .offset = ph.offset,
            .filesz = ph.filesz,
            .memsz = ph.memsz,
            .flags = ph.flags,
        };
        for (unsigned int j = 0; j < nr; j++)
            if (segments_overlap(seg, &img->segments[j]))
                return reject(why, "two loadable segments overlap", -HV_ENOEXEC);
        nr++;
    }
    if (nr == 0)
        return reject(why, "no loadable segments", -HV_ENOEXEC);

    img->data = bytes;
    img->size = size;
    img->entry = eh.entry;
    img->nr_segments = nr;
    return check_entry(img, why);
}

int elf_load(const struct elf_image *img, elf_write_fn write, void *ctx)
{
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *seg = &img->segments[i];
        int rc;

        if (seg->filesz) {
            rc = write(ctx, seg->paddr, img->data + seg->offset, (size_t)seg->filesz);
            if (rc)
                return rc;
        }
        /* The rest is the segment's bss. */
        if (seg->memsz > seg->filesz) {
            rc = write(ctx, seg->paddr + seg->filesz, NULL, (size_t)(seg->memsz - seg->filesz));
            if (rc)
                return rc;
        }
    }
    return 0;
}
