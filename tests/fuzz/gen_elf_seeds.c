/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writes the seed corpus of the ELF loader's fuzzer (tests/fuzz/corpus/elf/):
 * small x86-64 executables that elf_check() accepts in the harness's window
 * (tests/fuzz/elf.c), shaped like what exo-cc links (text, rodata, data with
 * bss, a TLS header) but with a few bytes per segment, so that mutations
 * start from valid images. `make fuzz-seeds` runs it.
 *
 *   gen_elf_seeds CORPUS-DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 0x200000ull /* the harness's WINDOW_MIN */
#define PT_LOAD 1
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define EH_SIZE 64
#define PH_SIZE 56

struct phdr {
    uint32_t type, flags;
    uint64_t offset, paddr, filesz, memsz;
};

static uint8_t image[4096];
static size_t length;
static const char *dir;

static void put(size_t at, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++)
        image[at + i] = (uint8_t)(v >> (8 * i));
}

/* An ELF header and n program headers right after it; segment data goes at
 * the offsets the headers give, filled with a pattern. */
static void build(uint64_t entry, const struct phdr *ph, unsigned int n)
{
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

    memset(image, 0, sizeof(image));
    memcpy(image, ident, sizeof(ident));
    put(16, 2, 2);  /* ET_EXEC */
    put(18, 62, 2); /* EM_X86_64 */
    put(20, 1, 4);  /* EV_CURRENT */
    put(24, entry, 8);
    put(32, EH_SIZE, 8); /* phoff */
    put(52, EH_SIZE, 2);
    put(54, PH_SIZE, 2);
    put(56, n, 2);
    put(58, 64, 2); /* shentsize; no section headers */
    length = EH_SIZE + (size_t)n * PH_SIZE;
    for (unsigned int i = 0; i < n; i++) {
        size_t at = EH_SIZE + (size_t)i * PH_SIZE;

        put(at, ph[i].type, 4);
        put(at + 4, ph[i].flags, 4);
        put(at + 8, ph[i].offset, 8);
        put(at + 16, ph[i].paddr, 8); /* vaddr = paddr, as exo-cc links */
        put(at + 24, ph[i].paddr, 8);
        put(at + 32, ph[i].filesz, 8);
        put(at + 40, ph[i].memsz, 8);
        put(at + 48, ph[i].type == PT_LOAD ? 0x1000 : 8, 8);
        if (ph[i].offset + ph[i].filesz > sizeof(image)) {
            fprintf(stderr, "gen_elf_seeds: a segment past %zu bytes\n", sizeof(image));
            exit(1);
        }
        for (uint64_t k = 0; k < ph[i].filesz; k++)
            if (ph[i].offset + k >= length)
                image[ph[i].offset + k] = (uint8_t)(0x90 + i + k % 7);
        if (ph[i].offset + ph[i].filesz > length)
            length = ph[i].offset + ph[i].filesz;
    }
}

static void save(const char *name)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(image, 1, length, f) != length || fclose(f)) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_elf_seeds CORPUS-DIR\n");
        return 2;
    }
    dir = argv[1];

    /* One segment holding the headers and the code, as a minimal link does. */
    build(BASE + 0x78, (struct phdr[]){{PT_LOAD, PF_R | PF_X, 0, BASE, 0x90, 0x90}}, 1);
    save("one-segment");

    /* The library OS's layout: text, rodata, data with a large bss, TLS. */
    build(BASE + 0x200,
          (struct phdr[]){
              {PT_LOAD, PF_R | PF_X, 0, BASE, 0x220, 0x220},
              {PT_LOAD, PF_R, 0x220, BASE + 0x11000, 0x40, 0x40},
              {PT_LOAD, PF_R | PF_W, 0x260, BASE + 0x18000, 0x48, 0x39000},
              {PT_TLS, PF_R, 0, 0, 0, 0},
          },
          4);
    save("libos-layout");

    /* Headers that load nothing: an empty PT_LOAD, a stack note, then a
     * bss-only segment below the code. */
    build(BASE + 0x20000,
          (struct phdr[]){
              {PT_LOAD, PF_R, 0, BASE + 0x40000, 0, 0},
              {PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0},
              {PT_LOAD, PF_R | PF_W, 0x100, BASE, 0, 0x8000},
              {PT_LOAD, PF_R | PF_X, 0x100, BASE + 0x20000, 0x30, 0x30},
          },
          4);
    save("bss-and-empty");

    /* ELF_MAX_SEGMENTS (16) segments, the most elf_check() takes, the last
     * ending at the window's end. */
    {
        struct phdr ph[16];

        for (unsigned int i = 0; i < 16; i++)
            ph[i] = (struct phdr){PT_LOAD, i == 0 ? PF_R | PF_X : PF_R, 0x400 + 8 * i,
                                  BASE + 0x10000 * i, 8, i == 15 ? 0x10000 : 8};
        build(BASE, ph, 16);
        save("sixteen");
    }
    return 0;
}
