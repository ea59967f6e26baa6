/*
 * scenario.h - the scenario file: which domains to build, from which
 * modules, with how much memory. One line per domain:
 *
 *   # comment
 *   domain name=web kernel=guest.elf mem=32M mode=pv cmdline="test=all"
 *
 * Keys: name (required, unique, [A-Za-z0-9_-], at most 15 chars),
 * kernel (required: a module name), mem (the maximum reservation, default
 * 32M; a number with an optional K/M/G suffix, a bare number meaning MiB,
 * as xl's maxmem=), start (the initial reservation, populated at build,
 * at most mem; default mem, as xl's memory=),
 * mode (pv; shadow is parsed but not built yet), module (a module copied
 * into guest memory, start_info.mod_start), disk (a disk image, read-only,
 * which run-qemu.sh attaches as a QEMU drive), cowdisk (an image the
 * domain may write: its writes go to an overlay of its own, and the image
 * stays the same for every domain), wdisk (a blank writable disk of the
 * size given, e.g. wdisk=64M), cmdline (the guest's command line, quoted if
 * it has spaces), expect (the shutdown reason that counts as a pass:
 * poweroff or crash; default poweroff), share (the share group: pages are
 * shared only among domains of the same group; no share key, no sharing).
 *
 * The disk keys may repeat (at most SCN_MAX_DISKS disks, numbered in the
 * order they appear: the guest's disk 0, 1, ...); every other key may
 * appear at most once on a line.
 *
 * A share group may have a line of its own, before or after its domains:
 *
 *   group name=tenants behaviour=same
 *
 * behaviour: normal (the default) or same: a group of untrusting domains,
 * in which every candidate page behaves alike whether or not it is merged
 * (mem_sharing.c; every domain of it must be mode=shadow). A group line
 * for a group no domain names is an error, as is a second line for one.
 *
 * The parser is pure (no hypervisor state) and unit-tested on the host.
 */
#ifndef __HV_SCENARIO_H__
#define __HV_SCENARIO_H__

#include <hv/lib.h>
#include <hv/param.h>

#define SCN_NAME_MAX    16
#define SCN_MODNAME_MAX 64
#define SCN_CMDLINE_MAX 512
#define SCN_MAX_DISKS   4
#define SCN_DISK_NAME_MAX 20 /* a virtio-blk serial number */

enum scn_disk_kind { SCN_DISK_RO, SCN_DISK_COW, SCN_DISK_SCRATCH };

struct scn_disk {
    enum scn_disk_kind kind;
    char name[SCN_DISK_NAME_MAX + 1]; /* the image (RO, COW)            */
    uint64_t size_kb;                 /* SCRATCH: its size              */
};

enum pt_mode { PT_MODE_PV, PT_MODE_SHADOW };

struct scenario_domain {
    char name[SCN_NAME_MAX];
    char kernel[SCN_MODNAME_MAX];
    char module[SCN_MODNAME_MAX]; /* "" = none */
    struct scn_disk disks[SCN_MAX_DISKS];
    unsigned int nr_disks;
    uint32_t nr_pages;    /* maximum reservation, in 4 KiB pages   */
    uint32_t start_pages; /* initial reservation (<= nr_pages)      */
    enum pt_mode mode;
    char cmdline[SCN_CMDLINE_MAX];
    unsigned int expect; /* SHUTDOWN_* that passes */
    char share_group[SCN_NAME_MAX]; /* "" = sharing off */
    bool share_same;     /* its group's line says behaviour=same */
    unsigned int line;   /* where it was defined */
};

struct scenario_group {
    char name[SCN_NAME_MAX];
    bool same;         /* behaviour=same */
    unsigned int line;
};

struct scenario {
    unsigned int nr_domains;
    struct scenario_domain dom[MAX_DOMAINS];
    unsigned int nr_groups;
    struct scenario_group group[MAX_DOMAINS];
};

/*
 * scenario_parse - parse len bytes of scenario text into *s. Returns 0, or
 * -1 with a one-line message naming the line and the problem in err.
 */
int scenario_parse(const char *text, size_t len, struct scenario *s, char *err,
                   size_t errlen);

#endif /* __HV_SCENARIO_H__ */
