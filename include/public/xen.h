/*
 * xen.h - the guest ABI of the page-sharing hypervisor: hypercall numbers,
 * the MMU interface, start_info and shared_info.
 *
 * Included by the hypervisor and by guests alike; it must stay free of
 * anything that is not part of the contract between them (no hypervisor
 * internals, no guest internals). Names and numbers follow Xen's public
 * headers where the concept is Xen's; binary compatibility with Xen guests
 * is not a goal. docs/hypercall-abi.md describes every call register by
 * register.
 */
#ifndef __PUBLIC_XEN_H__
#define __PUBLIC_XEN_H__

#include "arch-x86_32.h"

/*
 * Hypercall numbers (eax). Arguments in ebx, ecx, edx, esi, edi; the result
 * comes back in eax, a negative XEN_E* value on error.
 */
#define __HYPERVISOR_set_trap_table    0
#define __HYPERVISOR_mmu_update        1
#define __HYPERVISOR_stack_switch      3
#define __HYPERVISOR_set_callbacks     4
#define __HYPERVISOR_memory_op         12
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op      15
#define __HYPERVISOR_xen_version       17
#define __HYPERVISOR_console_io        18
#define __HYPERVISOR_iret              23
#define __HYPERVISOR_mmuext_op         26
#define __HYPERVISOR_sched_op          29
#define __HYPERVISOR_event_channel_op  32
/* Architecture-specific numbers (Xen's arch_0..arch_7). */
#define __HYPERVISOR_debug_op          48
#define NR_hypercalls                  64

/* Virtual interrupts (event channels bound with EVTCHNOP_bind_virq). */
#define VIRQ_TIMER   0 /* One-shot timer set with set_timer_op.        */
#define VIRQ_DEBUG   1 /* Reserved: not raised yet.                    */
#define VIRQ_CONSOLE 2 /* Reserved: not raised yet.                    */
#define NR_VIRQS     24

#ifndef __ASSEMBLY__
/* Domain identifiers. Guests are numbered from 1 in scenario order. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_COW            0x7FF3U /* Owner of shared frames. */
#define DOMID_INVALID        0x7FF4U

/*
 * mmu_update(const mmu_update_t *req, unsigned int count,
 *            unsigned int *success_count, domid_t foreigndom)
 *
 * req->ptr is the machine address of the entry to change, with the command
 * in its low two bits; req->val is the new entry. Entries are applied in
 * order; the first one that fails stops the batch and its error is
 * returned, with *success_count (if not NULL) telling how many were done.
 * foreigndom must be DOMID_SELF. A long batch may be preempted and
 * continued transparently (count then carries MMU_UPDATE_PREEMPTED).
 */
#define MMU_NORMAL_PT_UPDATE      0 /* checked *ptr = val               */
#define MMU_MACHPHYS_UPDATE       1 /* refused: the P2M is hypervisor-owned */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* as NORMAL, keeping A/D bits      */
#define MMU_UPDATE_PREEMPTED      (~(~0U >> 1))

struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;
XEN_ABI_SIZE(mmu_update_t, 16);

/*
 * mmuext_op(const struct mmuext_op *op, unsigned int count,
 *           unsigned int *success_count, domid_t foreigndom)
 */
#define MMUEXT_PIN_L1_TABLE    0 /* arg1.mfn: frame to pin as an L1 table   */
#define MMUEXT_PIN_L2_TABLE    1 /* arg1.mfn: frame to pin as an L2 table   */
#define MMUEXT_PIN_L3_TABLE    2 /* refused: two-level paging only          */
#define MMUEXT_PIN_L4_TABLE    3 /* refused: two-level paging only          */
#define MMUEXT_UNPIN_TABLE     4 /* arg1.mfn                                */
#define MMUEXT_NEW_BASEPTR     5 /* arg1.mfn: kernel-mode page directory    */
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL    7 /* arg1.linear_addr                        */
#define MMUEXT_TLB_FLUSH_MULTI 8 /* one vcpu per domain: as _LOCAL          */
#define MMUEXT_INVLPG_MULTI    9
#define MMUEXT_TLB_FLUSH_ALL   10
#define MMUEXT_INVLPG_ALL      11
#define MMUEXT_NEW_USER_BASEPTR                                                \
    15                       /* arg1.mfn: user-mode page directory, 0 = none */
#define MMUEXT_CLEAR_PAGE 16 /* arg1.mfn: zero a frame                  */
#define MMUEXT_COPY_PAGE  17 /* arg1.mfn: destination, arg2.src_mfn     */

struct mmuext_op {
    uint32_t cmd;
    union {
        xen_pfn_t mfn;
        uint32_t linear_addr;
    } arg1;
    union {
        uint32_t nr_ents;
        xen_pfn_t src_mfn;
    } arg2;
};
XEN_ABI_SIZE(struct mmuext_op, 12);

/*
 * update_va_mapping(unsigned long va, uint32_t val_lo, uint32_t val_hi,
 *                   unsigned long flags)
 * Changes the L1 entry that maps va in the current kernel-mode page table.
 */
#define UVMF_NONE           0
#define UVMF_TLB_FLUSH      1
#define UVMF_INVLPG         2
#define UVMF_FLUSHTYPE_MASK 3

/* console_io(int cmd, unsigned int count, char *buffer) */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* xen_version(int cmd, void *arg) */
#define XENVER_version 0 /* returns major << 16 | minor */

/*
 * Event channel bits live in shared_info; see event_channel.h for the ops.
 * One vcpu per domain.
 */
#define XEN_LEGACY_MAX_VCPUS 1
#define EVTCHN_WORDS         32 /* 1024 ports' worth of bits */

struct vcpu_time_info {
    /*
     * Updated by the hypervisor with version odd while it writes. A guest
     * reads version, the fields, then version again, and retries if the two
     * differ or are odd. Time now (ns since boot) =
     *   system_time + ((rdtsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32
     * (a negative tsc_shift shifts right).
     */
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    int8_t pad1[3];
};
XEN_ABI_SIZE(struct vcpu_time_info, 32);

struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* set when any port is pending      */
    uint8_t evtchn_upcall_mask;    /* guest's "interrupts off"          */
    uint8_t pad[2];
    uint32_t evtchn_pending_sel; /* which pending[] words have bits   */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
XEN_ABI_SIZE(struct vcpu_info, 48);

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint32_t evtchn_pending[EVTCHN_WORDS];
    uint32_t evtchn_mask[EVTCHN_WORDS];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * start_info: one page, mapped by the domain builder; its virtual address
 * is in esi when the guest kernel starts.
 *
 * Initial address space (all addresses virtual, built by the hypervisor):
 *   virt_base ........ pfn 0: every page of the domain, in pfn order
 *                      (kernel image, module, start_info, the initial page
 *                      tables (mapped read-only), boot stack, free pages)
 *   virt_base + nr_pages * 4K .. the P2M table (mfn_list), read-only,
 *                      then the shared_info page.
 *   MACH2PHYS_VIRT_START: the M2P table, read-only.
 * esp points to the top of the boot stack, cs is FLAT_KERNEL_CS and events
 * are masked.
 */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
    char magic[32];          /* "xen-3.0-x86_32"                     */
    uint32_t nr_pages;       /* pfns 0 .. nr_pages-1 exist           */
    uint32_t shared_info;    /* machine address of shared_info       */
    uint32_t flags;          /* SIF_*                                */
    xen_pfn_t store_mfn;     /* unused (0)                           */
    uint32_t store_evtchn;   /* unused (0)                           */
    uint32_t console_mfn;    /* unused (0): console_io is the console */
    uint32_t console_evtchn; /* unused (0)                           */
    uint32_t pt_base;        /* virtual address of the page directory */
    uint32_t nr_pt_frames;   /* page-table frames the builder made   */
    uint32_t mfn_list;       /* virtual address of the P2M (read-only) */
    uint32_t mod_start;      /* virtual address of the module, or 0  */
    uint32_t mod_len;        /* its length in bytes                  */
    char cmd_line[MAX_GUEST_CMDLINE];
    /* Extensions of this hypervisor. */
    uint32_t domid;          /* this domain's id                     */
    uint32_t shared_info_va; /* where the builder mapped shared_info */
    uint32_t virt_base;      /* virtual address of pfn 0             */
    uint32_t first_free_pfn; /* first pfn the builder did not use    */
    uint32_t max_pfn;        /* size of the P2M, in entries          */
    char name[16];           /* the domain's name from the scenario  */
};
typedef struct start_info start_info_t;
#define SIF_PRIVILEGED       1
/* Shadow (translated) mode: page tables and every hypercall argument name
 * pseudo-physical frames (pfn = "mfn"); the P2M and M2P are not needed. */
#define SIF_TRANSLATED       (1U << 4)
#define XEN_START_INFO_MAGIC "xen-3.0-x86_32"

/* An invalid frame number, as found in unpopulated P2M and M2P slots. */
#define INVALID_MFN       (~0U)
#define INVALID_P2M_ENTRY (~0U)
#define INVALID_M2P_ENTRY (~0U)
#define SHARED_M2P_ENTRY  (~0U - 1U)

#endif /* !__ASSEMBLY__ */
#endif /* __PUBLIC_XEN_H__ */
