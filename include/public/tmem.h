/*
 * tmem.h - tmem_op(op), hypercall 38: transcendent memory (Magenheimer et
 * al.), pools of pages that the hypervisor keeps for a guest out of memory
 * no guest owns. ABI only; the design is in docs/architecture.md
 * (Transcendent memory).
 *
 * A guest copies a page into a pool (put) and may copy it back later
 * (get); it never maps a pool page, so a pool page is never writable by a
 * guest and identical pages are stored once. Pages are named by the pool,
 * an object id of 192 bits and an index within the object, as in Xen: a
 * page cache names a file's page (inode, index), a swap device its slot.
 *
 * Two kinds of pool:
 *  - ephemeral (hcache): clean pages the guest could read again. The
 *    hypervisor may drop any page at any time (it does when it needs the
 *    frame: least recently used first, from the domain that holds the
 *    most), so a get may miss a page that was put. A get from a private
 *    ephemeral pool takes the page out of the pool (the guest has it
 *    again); from a shared pool the page stays.
 *  - persistent (hswap): a put may be refused, but a page accepted stays
 *    until the guest flushes it (or destroys the pool); a get leaves it.
 *    Persistent pages count against the guest: its populated pfns plus
 *    its persistent pages never exceed its maximum (mem=), and only a
 *    guest that balloons (it has sent XENMEM_balloon_report, memory.h)
 *    gets room at all.
 *
 * A pool is private to the domain that created it, or (TMEM_POOL_SHARED,
 * ephemeral only) shared by the domains of one share group (share= in the
 * scenario) that create it with the same uuid: the first creates it, the
 * others join it, and it goes when the last one destroys it or ends. The
 * pages of a shared pool are every member's: a put by one is a hit for
 * all. A put to a name a shared pool already holds with other contents is
 * refused: the first contents stay (share groups are trust boundaries: a
 * member that puts wrong contents under a new name misleads its group,
 * never a domain outside it).
 *
 * Pool ids are the caller's own, 0 .. TMEM_MAX_POOLS - 1: no domain can
 * name another's pool. Pages the hypervisor stores are deduplicated
 * across the pools of one share group (or of one domain in no group).
 *
 *   ebx  a pointer to struct tmem_op, read (and not written back).
 * Errors of every command:
 *   -XEN_EFAULT  the structure cannot be read
 *   -XEN_ENOSYS  cmd is not defined here
 *   -XEN_EINVAL  pool_id is not a pool of the caller's (for the commands
 *                that name one)
 */
#ifndef __PUBLIC_TMEM_H__
#define __PUBLIC_TMEM_H__

#include "xen.h"

#define __HYPERVISOR_tmem_op 38

#define TMEM_MAX_POOLS 16 /* per domain */

/*
 * TMEM_NEW_POOL: make a pool with u.creat.flags; for a shared pool,
 * u.creat.uuid names it within the caller's share group (joining the
 * group's pool of that uuid if there is one). pool_id is ignored.
 * Returns the new pool id (>= 0).
 * Errors:
 *   -XEN_EINVAL  a flag not defined here, TMEM_POOL_SHARED with
 *                TMEM_POOL_PERSIST, or u.creat.arg1 not 0
 *   -XEN_EPERM   TMEM_POOL_SHARED and the caller is in no share group
 *   -XEN_EEXIST  the caller already has the shared pool of that uuid
 *   -XEN_ENOSPC  the caller has TMEM_MAX_POOLS pools already
 *   -XEN_ENOMEM  no memory for the pool's records
 */
#define TMEM_NEW_POOL     1
/*
 * TMEM_DESTROY_POOL: the caller's pool pool_id goes, with every page in it
 * (a shared pool: the caller leaves it; its pages go with the last
 * member). Returns 0.
 */
#define TMEM_DESTROY_POOL 2
/*
 * TMEM_PUT_PAGE: copy the page of the caller's pfn u.gen.pfn into the pool
 * as (u.gen.oid, u.gen.index), replacing what was there (in a private
 * pool). The pfn may be any populated pfn of the caller, shared or not.
 * Returns 1 if the page was stored, 0 if it was refused (no room: for an
 * ephemeral pool, no frame free or to be taken from other ephemeral pages;
 * for a persistent one, the caller does not balloon, would exceed its
 * maximum, or the machine has no frame beyond its reserve). A refused put
 * to a private pool drops what the name held: the pool never holds an
 * older page than the guest last put under a name.
 * Errors:
 *   -XEN_EINVAL  u.gen.pfn is >= nr_pages or not populated
 *   -XEN_EEXIST  a shared pool holds the name with other contents
 *   -XEN_ENOMEM  no memory for the hypervisor's records
 */
#define TMEM_PUT_PAGE     4
/*
 * TMEM_GET_PAGE: copy the page (u.gen.oid, u.gen.index) of the pool into
 * the caller's pfn u.gen.pfn. Returns 1 (a hit: the page was copied; from
 * a private ephemeral pool it also left the pool) or 0 (a miss: the pfn
 * is unchanged).
 * Errors:
 *   -XEN_EINVAL  u.gen.pfn is >= nr_pages or not populated
 *   -XEN_EPERM   the pfn's frame cannot be written by the hypervisor for
 *                the caller: it is a page table, pinned, or (PV) a shared
 *                frame (a shadow-mode pfn on a shared frame is unshared
 *                first)
 *   -XEN_ENOMEM  a shadow-mode pfn could not be unshared
 */
#define TMEM_GET_PAGE     5
/*
 * TMEM_FLUSH_PAGE: drop the page (u.gen.oid, u.gen.index) from the pool.
 * Returns 1 if it was there, 0 if not.
 */
#define TMEM_FLUSH_PAGE   6
/*
 * TMEM_FLUSH_OBJECT: drop every page of object u.gen.oid from the pool.
 * Returns the number of pages dropped.
 */
#define TMEM_FLUSH_OBJECT 7
/*
 * TMEM_FLUSH_POOL: drop every page of the pool; the pool stays. Returns
 * the number of pages dropped. (Not in Xen, whose guests destroy and
 * create the pool again.)
 */
#define TMEM_FLUSH_POOL   8

/* u.creat.flags */
#define TMEM_POOL_PERSIST 1 /* persistent (hswap); else ephemeral      */
#define TMEM_POOL_SHARED  2 /* shared by the caller's share group      */

struct tmem_oid {
    uint64_t oid[3];
};

struct tmem_op {
    uint32_t cmd;    /* TMEM_*                                        */
    int32_t pool_id; /* the caller's pool (all but TMEM_NEW_POOL)     */
    union {
        struct {
            uint64_t uuid[2]; /* a shared pool's name in the group    */
            uint32_t flags;   /* TMEM_POOL_*                          */
            uint32_t arg1;    /* must be 0                            */
        } creat;
        struct {
            struct tmem_oid oid;
            uint32_t index;
            uint32_t pfn; /* the caller's pfn put from or got into */
        } gen;
    } u;
};
XEN_ABI_SIZE(struct tmem_op, 40);

#endif /* __PUBLIC_TMEM_H__ */
