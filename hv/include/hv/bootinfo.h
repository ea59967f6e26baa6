/*
 * bootinfo.h - what the boot loader told us, copied out of its structures
 * before anything can overwrite them: the command line, the memory map
 * and the modules. Filled once by the arch boot code, read-only after.
 */
#ifndef __HV_BOOTINFO_H__
#define __HV_BOOTINFO_H__

#include <hv/lib.h>
#include <hv/param.h>

#define BOOT_MAX_MMAP    64
#define BOOT_CMDLINE_MAX 512
#define BOOT_MODNAME_MAX 64

struct boot_mmap_entry {
    uint64_t base, len;
    uint32_t type; /* 1 = usable RAM */
};

struct boot_module {
    uint32_t start, end;         /* machine addresses, end exclusive */
    char name[BOOT_MODNAME_MAX]; /* basename of the first word       */
    char args[BOOT_CMDLINE_MAX]; /* the rest of its command line     */
};

struct bootinfo {
    char cmdline[BOOT_CMDLINE_MAX]; /* hypervisor options, image path removed */
    char loader[32];                /* boot loader name, if given           */
    struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
    unsigned int nr_mmap;
    struct boot_module mods[MAX_MODULES];
    unsigned int nr_mods;
    uint32_t image_start, image_end; /* machine addresses of the hypervisor */
};

extern struct bootinfo bootinfo;

/* The module whose name is name, or NULL. */
const struct boot_module *bootinfo_find_module(const char *name);

#endif /* __HV_BOOTINFO_H__ */
