/*
 * elf.h - just enough ELF32 to load a static i386 program: the header
 * layouts and a checker that turns headers into a load plan or a one-line
 * reason for refusing them. Shared by the hypervisor's domain builder and
 * the guest kernel's exec.
 */
#ifndef __KLIB_ELF_H__
#define __KLIB_ELF_H__

#include <klib.h>

typedef struct {
    unsigned char e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf32_Ehdr;

typedef struct {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags,
        p_align;
} Elf32_Phdr;

#define PT_LOAD       1
#define ET_EXEC       2
#define EM_386        3
#define ELF_MAX_PHDRS 16

struct elf_info {
    uint32_t entry;
    uint32_t vstart, vend; /* page-aligned span of the PT_LOAD segments */
    unsigned int nr_load;
};

/*
 * elf_check - validate an ELF32 header and its program headers against an
 * image of size bytes, and find the span the loadable segments cover.
 * phdrs holds eh->e_phnum entries (the caller reads them at e_phoff after
 * checking e_phnum <= ELF_MAX_PHDRS). Returns 0, or -1 with the reason.
 */
int elf_check_header(const Elf32_Ehdr *eh, size_t size, char *err,
                     size_t errlen);
int elf_check_phdrs(const Elf32_Ehdr *eh, const Elf32_Phdr *ph, size_t size,
                    uint32_t limit, struct elf_info *info, char *err,
                    size_t errlen);

#endif /* __KLIB_ELF_H__ */
