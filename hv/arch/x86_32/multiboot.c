/*
 * multiboot.c - copy the multiboot v1 information (command line, memory
 * map, modules) into struct bootinfo. Runs once, right after paging is up,
 * reading the boot loader's structures through copy_from_machine() since
 * they may lie anywhere in the first 4 GiB. Never writes them.
 */
#include <hv/bootinfo.h>
#include <hv/lib.h>
#include <hv/mm.h>

#define MBI_MEM     (1U << 0)
#define MBI_CMDLINE (1U << 2)
#define MBI_MODS    (1U << 3)
#define MBI_MMAP    (1U << 6)
#define MBI_LOADER  (1U << 9)

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct multiboot_mod {
    uint32_t mod_start, mod_end, string, reserved;
};

struct bootinfo bootinfo;

extern char _end[];

/* Copy a NUL-terminated string from machine memory, truncating. */
static void copy_string(char *dst, size_t size, uint32_t maddr)
{
    size_t i;

    for (i = 0; i + 1 < size; i++) {
        copy_from_machine(&dst[i], maddr + i, 1);
        if (!dst[i])
            return;
    }
    dst[i] = '\0';
}

static bool memchr_n(const char *s, char c, size_t n)
{
    while (n--)
        if (*s++ == c)
            return true;
    return false;
}

/* Split "path/to/name args..." into name (basename) and args. */
static void split_module_string(const char *s, struct boot_module *m)
{
    const char *w = s, *end, *base;
    size_t n;

    while (*w == ' ')
        w++;
    for (end = w; *end && *end != ' '; end++)
        ;
    for (base = end; base > w && base[-1] != '/'; base--)
        ;
    n = min((size_t)(end - base), sizeof(m->name) - 1);
    memcpy(m->name, base, n);
    m->name[n] = '\0';
    while (*end == ' ')
        end++;
    strlcpy(m->args, end, sizeof(m->args));
}

/* "build/hv/hv.elf opts" (QEMU) vs "opts" (GRUB 2): a path has a '/'
 * or ends in .elf; an option never does. */
static bool first_word_is_path(const char *p)
{
    const char *end = p;

    while (*end && *end != ' ')
        end++;
    if (memchr_n(p, '/', (size_t)(end - p)))
        return true;
    return end - p >= 4 && !strncmp(end - 4, ".elf", 4);
}

void multiboot_parse(uint32_t mbi_pa)
{
    struct multiboot_info mbi;
    struct bootinfo *bi = &bootinfo;
    char full[BOOT_CMDLINE_MAX];
    unsigned int i;

    copy_from_machine(&mbi, mbi_pa, sizeof(mbi));
    /* The .boot section sits below _text, at the load address. */
    bi->image_start = HV_LOAD_PHYS;
    bi->image_end = ROUNDUP(__pa(_end), PAGE_SIZE);

    if (mbi.flags & MBI_CMDLINE) {
        const char *p = full;

        copy_string(full, sizeof(full), mbi.cmdline);
        /* QEMU -kernel puts the image path first; GRUB 2 does not. */
        while (*p == ' ')
            p++;
        if (first_word_is_path(p)) {
            while (*p && *p != ' ')
                p++;
            while (*p == ' ')
                p++;
        }
        strlcpy(bi->cmdline, p, sizeof(bi->cmdline));
    }
    if (mbi.flags & MBI_LOADER)
        copy_string(bi->loader, sizeof(bi->loader), mbi.boot_loader_name);

    if (mbi.flags & MBI_MMAP) {
        uint32_t off = 0;

        while (off + 4 <= mbi.mmap_length && bi->nr_mmap < BOOT_MAX_MMAP) {
            struct __attribute__((packed)) {
                uint32_t size;
                uint64_t addr, len;
                uint32_t type;
            } e;

            copy_from_machine(&e, mbi.mmap_addr + off, sizeof(e));
            bi->mmap[bi->nr_mmap].base = e.addr;
            bi->mmap[bi->nr_mmap].len = e.len;
            bi->mmap[bi->nr_mmap].type = e.type;
            bi->nr_mmap++;
            off += e.size + 4;
        }
    } else if (mbi.flags & MBI_MEM) {
        /* No map: trust mem_upper (KiB above 1 MiB). */
        bi->mmap[0].base = 0x100000;
        bi->mmap[0].len = (uint64_t)mbi.mem_upper << 10;
        bi->mmap[0].type = 1;
        bi->nr_mmap = 1;
    }

    if (mbi.flags & MBI_MODS) {
        if (mbi.mods_count > MAX_MODULES)
            printk(XENLOG_WARNING "%u modules; using the first %u",
                   mbi.mods_count, MAX_MODULES);
        for (i = 0; i < mbi.mods_count && i < MAX_MODULES; i++) {
            struct multiboot_mod mm;
            struct boot_module *m = &bi->mods[bi->nr_mods++];

            copy_from_machine(&mm, mbi.mods_addr + i * sizeof(mm), sizeof(mm));
            m->start = mm.mod_start;
            m->end = mm.mod_end;
            full[0] = '\0';
            if (mm.string)
                copy_string(full, sizeof(full), mm.string);
            split_module_string(full, m);
        }
    }
}

const struct boot_module *bootinfo_find_module(const char *name)
{
    unsigned int i;

    for (i = 0; i < bootinfo.nr_mods; i++)
        if (!strcmp(bootinfo.mods[i].name, name))
            return &bootinfo.mods[i];
    return NULL;
}
