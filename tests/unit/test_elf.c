/*
 * test_elf.c - host unit tests for the guest-kernel ELF checks,
 * hv/common/elf.c: elf_check_header() and elf_check_phdrs().
 *
 * Each test builds an ELF32 image in memory: a good static i386
 * executable with two PT_LOAD segments (and a PT_NOTE the checks must
 * skip), then one change that must be refused with the right reason.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"

#include <elf32.h>

/* HYPERVISOR_VIRT_START, the limit the hypervisor passes. */
#define LIMIT      0xFC000000u
#define PT_NOTE    4
#define IMAGE_SIZE 0x2000u
#define PHOFF      52u /* right after the ELF header */

static union {
    unsigned char bytes[IMAGE_SIZE];
    Elf32_Ehdr eh;
} image;

static Elf32_Ehdr *const eh = &image.eh;
static Elf32_Phdr *const ph = (Elf32_Phdr *)(image.bytes + PHOFF);
static struct elf_info info;
static char err[128];

/*
 * The good image. Program header 0 is the data segment, listed before the
 * text so that the span must come from the lowest and highest segment:
 *   text: file 0x1000..0x1800 at 0x100080..0x100880
 *   data: file 0x1800..0x1900 at 0x102100..0x104100 (bss after 0x100)
 * so the span is 0x100000..0x105000 after rounding to pages.
 */
static void make_image(void)
{
    memset(&image, 0, sizeof(image));
    memcpy(eh->e_ident, "\177ELF", 4);
    eh->e_ident[4] = 1; /* ELFCLASS32 */
    eh->e_ident[5] = 1; /* ELFDATA2LSB */
    eh->e_ident[6] = 1; /* EV_CURRENT */
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_386;
    eh->e_version = 1;
    eh->e_entry = 0x100080;
    eh->e_phoff = PHOFF;
    eh->e_ehsize = sizeof(Elf32_Ehdr);
    eh->e_phentsize = sizeof(Elf32_Phdr);
    eh->e_phnum = 3;

    ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD,
                          .p_offset = 0x1800,
                          .p_vaddr = 0x102100,
                          .p_paddr = 0x102100,
                          .p_filesz = 0x100,
                          .p_memsz = 0x2000,
                          .p_flags = 6,
                          .p_align = 0x1000 };
    ph[1] = (Elf32_Phdr){ .p_type = PT_LOAD,
                          .p_offset = 0x1000,
                          .p_vaddr = 0x100080,
                          .p_paddr = 0x100080,
                          .p_filesz = 0x800,
                          .p_memsz = 0x800,
                          .p_flags = 5,
                          .p_align = 0x1000 };
    /* Not loadable: its nonsense values must be ignored. */
    ph[2] = (Elf32_Phdr){ .p_type = PT_NOTE,
                          .p_offset = 0xFFFFFF00,
                          .p_vaddr = 0xFFFFF000,
                          .p_filesz = 0x1000,
                          .p_memsz = 0x10 };
}

static int check_header(size_t size)
{
    memset(err, 0, sizeof(err));
    return elf_check_header(eh, size, err, sizeof(err));
}

static int check_phdrs(void)
{
    memset(err, 0, sizeof(err));
    memset(&info, 0xAA, sizeof(info));
    return elf_check_phdrs(eh, ph, IMAGE_SIZE, LIMIT, &info, err, sizeof(err));
}

/* Two checks: the header is refused, with a reason containing why. */
static void header_rejected(size_t size, const char *why, const char *desc)
{
    tap_is_int(check_header(size), -1, "header: rejects %s", desc);
    tap_like(err, why, "  the reason says '%s'", why);
}

/* Two checks: the header passes, the program headers are refused. */
static void phdrs_rejected(const char *why, const char *desc)
{
    int header = check_header(IMAGE_SIZE);
    int phdrs = check_phdrs();

    if (!tap_ok(header == 0 && phdrs == -1, "phdrs: rejects %s", desc))
        tap_diag("elf_check_header returned %d, elf_check_phdrs %d (%s)",
                 header, phdrs, err);
    tap_like(err, why, "  the reason says '%s'", why);
}

/* One check: the header and the program headers pass. */
static bool accepted(const char *desc)
{
    int header = check_header(IMAGE_SIZE);
    int phdrs = header ? -1 : check_phdrs();

    if (tap_ok(header == 0 && phdrs == 0, "accepts %s", desc))
        return true;
    tap_diag("elf_check_header returned %d, elf_check_phdrs %d", header, phdrs);
    tap_diag_str("reason", err);
    return false;
}

static void test_good_image(void)
{
    make_image();
    accepted("a good i386 executable with two PT_LOAD segments");
    tap_is_uint(info.nr_load, 2, "  two loadable segments");
    tap_is_uint(info.entry, 0x100080, "  entry");
    tap_is_uint(info.vstart, 0x100000, "  vstart: the lowest vaddr, page down");
    tap_is_uint(info.vend, 0x105000, "  vend: the highest end, page up");
    tap_is_uint(info.vstart % 4096, 0, "  vstart is page-aligned");
    tap_is_uint(info.vend % 4096, 0, "  vend is page-aligned");

    make_image();
    ph[1].p_vaddr = 0x100000;
    ph[0].p_vaddr = 0x102000;
    ph[0].p_memsz = 0x1000;
    eh->e_entry = 0x100000;
    accepted("segments already page-aligned");
    tap_is_uint(info.vstart, 0x100000, "  vstart unchanged by rounding");
    tap_is_uint(info.vend, 0x103000, "  vend unchanged by rounding");

    make_image();
    ph[0].p_type = PT_NOTE;
    eh->e_entry = 0x10087f;
    accepted("one PT_LOAD, the entry at its last byte");
    tap_is_uint(info.nr_load, 1, "  one loadable segment");
    tap_is_uint(info.vend, 0x101000, "  vend from that segment alone");

    make_image();
    ph[0].p_memsz = 0;
    ph[0].p_filesz = 0;
    ph[0].p_offset = 0xFFFFFFFF;
    accepted("a PT_LOAD with memsz 0 (skipped)");
    tap_is_uint(info.nr_load, 1, "  not counted");

    make_image();
    ph[0].p_offset = IMAGE_SIZE - ph[0].p_filesz;
    accepted("segment file data ending exactly at the end of the file");

    make_image();
    ph[0].p_filesz = ph[0].p_memsz;
    ph[0].p_offset = 0;
    accepted("filesz == memsz");

    make_image();
    ph[0].p_vaddr = LIMIT - ph[0].p_memsz;
    accepted("a segment ending exactly at the limit");
    tap_is_uint(info.vend, LIMIT, "  vend is the limit");

    make_image();
    eh->e_phnum = ELF_MAX_PHDRS;
    for (int i = 3; i < ELF_MAX_PHDRS; i++)
        ph[i] = ph[2];
    accepted("ELF_MAX_PHDRS program headers");

    make_image();
    eh->e_phoff = IMAGE_SIZE - 3 * sizeof(Elf32_Phdr);
    tap_is_int(check_header(IMAGE_SIZE), 0,
               "header: program headers ending at the end of the file");
}

static void test_bad_headers(void)
{
    make_image();
    header_rejected(sizeof(Elf32_Ehdr) - 1, "not an ELF file",
                    "a file shorter than the ELF header");
    header_rejected(0, "not an ELF file", "an empty file");
    image.bytes[1] = 'e';
    header_rejected(IMAGE_SIZE, "not an ELF file", "a bad magic number");
    make_image();
    image.bytes[0] = 0;
    header_rejected(IMAGE_SIZE, "not an ELF file", "a bad first magic byte");

    make_image();
    eh->e_ident[4] = 2; /* ELFCLASS64 */
    header_rejected(IMAGE_SIZE, "not a 32-bit little-endian ELF file",
                    "a 64-bit class");
    make_image();
    eh->e_ident[5] = 2; /* ELFDATA2MSB */
    header_rejected(IMAGE_SIZE, "not a 32-bit little-endian ELF file",
                    "a big-endian file");

    make_image();
    eh->e_type = 3; /* ET_DYN */
    header_rejected(IMAGE_SIZE, "not an i386 executable (type 3, machine 3)",
                    "a shared object (ET_DYN)");
    make_image();
    eh->e_type = 1; /* ET_REL */
    header_rejected(IMAGE_SIZE, "type 1", "a relocatable object (ET_REL)");
    make_image();
    eh->e_machine = 62; /* EM_X86_64 */
    header_rejected(IMAGE_SIZE, "not an i386 executable (type 2, machine 62)",
                    "machine x86-64");

    make_image();
    eh->e_phnum = 0;
    header_rejected(IMAGE_SIZE, "bad program headers (0 of size 32)",
                    "e_phnum 0");
    make_image();
    eh->e_phnum = ELF_MAX_PHDRS + 1;
    header_rejected(IMAGE_SIZE, "bad program headers (17 of size 32)",
                    "e_phnum ELF_MAX_PHDRS + 1");
    make_image();
    eh->e_phnum = 0xFFFF;
    header_rejected(IMAGE_SIZE, "bad program headers (65535 of size 32)",
                    "e_phnum 65535");
    make_image();
    eh->e_phentsize = 40;
    header_rejected(IMAGE_SIZE, "bad program headers (3 of size 40)",
                    "e_phentsize 40");
    make_image();
    eh->e_phentsize = 0;
    header_rejected(IMAGE_SIZE, "of size 0", "e_phentsize 0");

    make_image();
    eh->e_phoff = IMAGE_SIZE - 3 * sizeof(Elf32_Phdr) + 1;
    header_rejected(IMAGE_SIZE, "program headers past the end of the file",
                    "program headers one byte past the end");
    make_image();
    eh->e_phoff = IMAGE_SIZE + 4;
    header_rejected(IMAGE_SIZE, "program headers past the end of the file",
                    "e_phoff past the end");
    make_image();
    eh->e_phoff = 0xFFFFFFF0;
    header_rejected(IMAGE_SIZE, "program headers past the end of the file",
                    "e_phoff near 4G");
    make_image();
    header_rejected(PHOFF + 2 * sizeof(Elf32_Phdr), "past the end of the file",
                    "a file cut inside the program headers");
}

static void test_bad_segments(void)
{
    make_image();
    ph[0].p_offset = IMAGE_SIZE - ph[0].p_filesz + 1;
    phdrs_rejected("segment 0: file data out of bounds",
                   "offset + filesz one past the end of the file");
    make_image();
    ph[1].p_offset = IMAGE_SIZE + 0x1000;
    phdrs_rejected("segment 1: file data out of bounds",
                   "an offset past the end of the file");
    make_image();
    ph[1].p_offset = 0xFFFFFF00;
    phdrs_rejected("segment 1: file data out of bounds",
                   "an offset + filesz that overflows");
    make_image();
    ph[0].p_offset = 0;
    ph[0].p_filesz = 0xFFFFFFFF;
    ph[0].p_memsz = 0xFFFFFFFF;
    phdrs_rejected("segment 0: file data out of bounds", "a filesz of 4G - 1");
    make_image();
    ph[1].p_memsz = ph[1].p_filesz - 1; /* the file data itself is in bounds */
    phdrs_rejected("segment 1: file data out of bounds", "filesz > memsz");

    make_image();
    ph[0].p_vaddr = LIMIT - ph[0].p_memsz + 1;
    phdrs_rejected("segment 0: 0xfbffe001+0x2000 reaches hypervisor space",
                   "vaddr + memsz one past the limit");
    make_image();
    ph[1].p_vaddr = LIMIT;
    phdrs_rejected("segment 1: 0xfc000000+0x800 reaches hypervisor space",
                   "a segment starting at the limit");
    make_image();
    ph[1].p_vaddr = 0xFFFFF000;
    phdrs_rejected("segment 1:", "a vaddr above the limit");
    make_image();
    ph[0].p_memsz = 0xFFFFFF00;
    phdrs_rejected("segment 0: 0x102100+0xffffff00 reaches hypervisor space",
                   "a vaddr + memsz that overflows");

    make_image();
    ph[0].p_type = PT_NOTE;
    ph[1].p_type = 6; /* PT_PHDR */
    phdrs_rejected("no loadable segment", "no PT_LOAD segment");
    make_image();
    ph[0].p_memsz = 0;
    ph[0].p_filesz = 0;
    ph[1].p_memsz = 0;
    ph[1].p_filesz = 0;
    phdrs_rejected("no loadable segment", "only empty PT_LOAD segments");

    make_image();
    eh->e_entry = 0x10007f;
    phdrs_rejected("entry point 0x10007f outside the loaded segments",
                   "an entry just below the lowest segment");
    make_image();
    eh->e_entry = 0x104100;
    phdrs_rejected("entry point 0x104100 outside the loaded segments",
                   "an entry at the end of the highest segment");
    make_image();
    eh->e_entry = 0;
    phdrs_rejected("outside the loaded segments", "entry 0");
    /* 0x101000 is in neither segment, only in the gap between them. */
    make_image();
    eh->e_entry = 0x101000;
    phdrs_rejected("entry point 0x101000 outside the loaded segments",
                   "an entry in the gap between the segments");
}

int main(void)
{
    test_good_image();
    test_bad_headers();
    test_bad_segments();
    return tap_done();
}
