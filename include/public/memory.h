/*
 * memory.h - memory_op(int cmd, void *arg): give pages back to the
 * hypervisor and take them again (the basis of ballooning). ABI only.
 *
 * Difference from Xen's PV guests: the P2M belongs to the hypervisor (a
 * guest sees it read-only at start_info.mfn_list), so extent lists always
 * hold guest pfns, as they do for Xen's translated guests.
 */
#ifndef __PUBLIC_MEMORY_H__
#define __PUBLIC_MEMORY_H__

#include "xen.h"

#define XENMEM_increase_reservation 0 /* as populate_physmap            */
#define XENMEM_decrease_reservation 1 /* free the frames behind pfns    */
#define XENMEM_maximum_ram_page     2 /* returns the highest mfn + 1... */
#define XENMEM_current_reservation  3 /* returns pages the domain holds */
#define XENMEM_maximum_reservation  4 /* returns its limit              */
#define XENMEM_populate_physmap     6 /* back pfns with fresh frames    */

/*
 * Returns the number of extents done (0 .. nr_extents); a number below
 * nr_extents means the next one failed. For populate_physmap the machine
 * frame chosen is written back over each pfn in extent_start.
 */
struct xen_memory_reservation {
    xen_pfn_t *extent_start; /* IN/OUT: array of pfns                 */
    xen_ulong_t nr_extents;  /* IN                                    */
    uint32_t extent_order;   /* IN: must be 0 (single pages)          */
    uint32_t mem_flags;      /* IN: must be 0                         */
    domid_t domid;           /* IN: DOMID_SELF                        */
    uint16_t pad;
};
XEN_ABI_SIZE(struct xen_memory_reservation, 20);

#endif /* __PUBLIC_MEMORY_H__ */
