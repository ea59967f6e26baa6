/*
 * elf32.c - check an ELF executable's headers (a guest kernel, a user
 * program) before anything is loaded.
 * Pure (no hypervisor state), unit-tested on the host. Everything a
 * malformed file could use to make the loader read or write out of bounds
 * is rejected here: sizes, offsets, overlaps with the hypervisor.
 */
#include <elf32.h>

#define PAGE_SZ 4096U

int elf_check_header(const Elf32_Ehdr *eh, size_t size, char *err,
                     size_t errlen)
{
    if (size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4)) {
        snprintf(err, errlen, "not an ELF file");
        return -1;
    }
    if (eh->e_ident[4] != 1 || eh->e_ident[5] != 1) {
        snprintf(err, errlen, "not a 32-bit little-endian ELF file");
        return -1;
    }
    if (eh->e_type != ET_EXEC || eh->e_machine != EM_386) {
        snprintf(err, errlen, "not an i386 executable (type %u, machine %u)",
                 eh->e_type, eh->e_machine);
        return -1;
    }
    if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > ELF_MAX_PHDRS) {
        snprintf(err, errlen, "bad program headers (%u of size %u)",
                 eh->e_phnum, eh->e_phentsize);
        return -1;
    }
    if (eh->e_phoff > size ||
        size - eh->e_phoff < eh->e_phnum * sizeof(Elf32_Phdr)) {
        snprintf(err, errlen, "program headers past the end of the file");
        return -1;
    }
    return 0;
}

int elf_check_phdrs(const Elf32_Ehdr *eh, const Elf32_Phdr *ph, size_t size,
                    uint32_t limit, struct elf_info *info, char *err,
                    size_t errlen)
{
    unsigned int i;
    uint32_t lo = ~0U, hi = 0;

    memset(info, 0, sizeof(*info));
    for (i = 0; i < eh->e_phnum; i++) {
        const Elf32_Phdr *p = &ph[i];

        if (p->p_type != PT_LOAD || !p->p_memsz)
            continue;
        if (p->p_filesz > p->p_memsz || p->p_offset > size ||
            size - p->p_offset < p->p_filesz) {
            snprintf(err, errlen, "segment %u: file data out of bounds", i);
            return -1;
        }
        if (p->p_vaddr > limit || limit - p->p_vaddr < p->p_memsz) {
            snprintf(err, errlen,
                     "segment %u: %#x+%#x reaches hypervisor space", i,
                     p->p_vaddr, p->p_memsz);
            return -1;
        }
        if (p->p_vaddr < lo)
            lo = p->p_vaddr;
        if (p->p_vaddr + p->p_memsz > hi)
            hi = p->p_vaddr + p->p_memsz;
        info->nr_load++;
    }
    if (!info->nr_load) {
        snprintf(err, errlen, "no loadable segment");
        return -1;
    }
    info->vstart = lo & ~(PAGE_SZ - 1);
    info->vend = (hi + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
    for (i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz &&
            eh->e_entry >= ph[i].p_vaddr &&
            eh->e_entry - ph[i].p_vaddr < ph[i].p_memsz)
            break;
    if (i == eh->e_phnum) {
        snprintf(err, errlen, "entry point %#x outside the loaded segments",
                 eh->e_entry);
        return -1;
    }
    info->entry = eh->e_entry;
    return 0;
}
