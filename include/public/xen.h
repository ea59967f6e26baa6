/*
 * xen.h - the guest ABI of the page-sharing hypervisor: hypercall numbers,
 * the MMU interface, start_info and shared_info.
 *
 * This header is the reference for the hypercalls it defines: mmu_update,
 * mmuext_op, update_va_mapping, stack_switch, set_callbacks, set_timer_op,
 * xen_version and console_io. The comment above each command says what it
 * does, its arguments, what it returns and every error it returns. The
 * other hypercalls are documented in the header named next to their number
 * below. docs/hypercall-abi.md keeps the rules common to all hypercalls
 * (calling convention, continuations, guest memory, error numbers), the
 * page-table validation rules (its section 3.1), traps and events, the
 * initial state of a guest and shadow mode.
 *
 * Included by the hypervisor and by guests alike; it must stay free of
 * anything that is not part of the contract between them (no hypervisor
 * internals, no guest internals). Names and numbers follow Xen's public
 * headers where the concept is Xen's; binary compatibility with Xen guests
 * is not a goal.
 *
 * Conventions of every header in include/public:
 *  - A hypercall's arguments are in ebx, ecx, edx and esi, in that order;
 *    its result comes back in eax: 0 or a non-negative value on success, a
 *    negated XEN_E* number (errno.h) on failure. "Errors:" lists every
 *    error a command returns, with when.
 *  - A pointer argument is a guest virtual address (VA). Memory the
 *    hypervisor cannot read or write there fails the command with
 *    -XEN_EFAULT (docs/hypercall-abi.md section 1.6).
 *  - Structure fields are marked IN (the guest writes it, the hypervisor
 *    reads it), OUT (the hypervisor writes it, the guest reads it) or
 *    IN/OUT (both). For a page both sides use (shared_info, a ring) the
 *    marks say which side writes the field.
 *  - A padding or reserved field is marked "must be zero" when the
 *    hypervisor refuses any other value, and "ignored" when it does not
 *    look at the field today; a guest should still write 0 there.
 *  - pfn: a guest pseudo-physical frame number, an index into the domain's
 *    P2M. mfn: a machine frame number. max_page: the number of machine
 *    frames (mfns 0 .. max_page-1 exist). nr_pages: the domain's number of
 *    pfns (start_info.nr_pages).
 *  - A shadow-mode domain names frames by pfn where a header says mfn;
 *    docs/hypercall-abi.md section 6 lists what else differs for it.
 */
#ifndef __PUBLIC_XEN_H__
#define __PUBLIC_XEN_H__

#include "arch-x86_32.h"

/*
 * Hypercall numbers (eax), with the header that documents each. The
 * hypercall instruction is "int $0x82", accepted from guest kernel mode
 * only. Any number not defined here or in io/blkif.h or sharing.h returns
 * -XEN_ENOSYS, and so does any number >= NR_hypercalls.
 */
#define __HYPERVISOR_set_trap_table    0  /* arch-x86_32.h */
#define __HYPERVISOR_mmu_update        1  /* this header   */
#define __HYPERVISOR_stack_switch      3  /* this header   */
#define __HYPERVISOR_set_callbacks     4  /* this header   */
#define __HYPERVISOR_memory_op         12 /* memory.h      */
#define __HYPERVISOR_update_va_mapping 14 /* this header   */
#define __HYPERVISOR_set_timer_op      15 /* this header   */
#define __HYPERVISOR_xen_version       17 /* this header   */
#define __HYPERVISOR_console_io        18 /* this header   */
#define __HYPERVISOR_iret              23 /* arch-x86_32.h */
#define __HYPERVISOR_mmuext_op         26 /* this header   */
#define __HYPERVISOR_sched_op          29 /* sched.h       */
#define __HYPERVISOR_event_channel_op  32 /* event_channel.h */
/* Architecture-specific numbers (Xen's arch_0..arch_7). blkif_op (49) is
 * defined and documented in io/blkif.h, sharing_op (50) in sharing.h.
 * tmem_op (38, as in Xen) is defined and documented in tmem.h. */
#define __HYPERVISOR_debug_op          48 /* debug.h       */
#define NR_hypercalls                  64

/*
 * Virtual interrupts, bound to a port with EVTCHNOP_bind_virq
 * (event_channel.h). Any number below NR_VIRQS can be bound; only
 * VIRQ_TIMER, VIRQ_SHARING (16, sharing.h) and VIRQ_MEM_TARGET are ever
 * raised.
 */
#define VIRQ_TIMER      0  /* One-shot timer set with set_timer_op.     */
#define VIRQ_DEBUG      1  /* Reserved: not raised yet.                 */
#define VIRQ_CONSOLE    2  /* Reserved: not raised yet.                 */
#define VIRQ_MEM_TARGET 17 /* The memory scheduler changed the domain's
                              target: XENMEM_balloon_report reads it
                              (memory.h).                             */
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
 *            unsigned int *success_count, domid_t foreigndom),
 * hypercall 1: write entries of the caller's page tables (and words of its
 * other frames), each checked first.
 *   ebx  VA of req[count].
 *   ecx  count. Bit 31 is MMU_UPDATE_PREEMPTED (see below).
 *   edx  VA of an unsigned int that receives the number of requests done,
 *        or 0 for none.
 *   esi  foreigndom: DOMID_SELF or the caller's own id (only its low 16
 *        bits are compared). No request is ever applied for another
 *        domain.
 *
 * The call proceeds in this order:
 *  1. If bit 31 of count is set, the bit is cleared and, if edx != 0,
 *     *success_count is read as the starting total.
 *  2. foreigndom is checked.
 *  3. The requests are applied in order. The first that fails ends the
 *     batch and its error is returned; the requests before it stay
 *     applied. Before the request at index 64, 128, 192, ... the call may
 *     stop and be continued: the hypervisor stores the number done so far
 *     in *success_count (if edx != 0) and makes the guest issue the call
 *     again with ebx = the next request, ecx = the requests left |
 *     MMU_UPDATE_PREEMPTED, edx and esi unchanged (docs/hypercall-abi.md
 *     section 1.5). The guest must not change *success_count meanwhile.
 *  4. If edx != 0, the total done (the requests applied, not the one that
 *     failed) is written to *success_count.
 *
 * Each request writes the 32-bit val to the 4-byte entry at machine
 * address ptr & 0xFFFFFFFC: frame ptr >> 12, index (ptr & 0xFFC) >> 2.
 * Bits 1..0 of ptr are the command (MMU_*). The frame must be the
 * caller's. Then:
 *  - if it is an L1 table in use (type L1, type count > 0), the L1 entry
 *    rules and the rules for changing an entry of docs/hypercall-abi.md
 *    section 3.1 apply;
 *  - if it is an L2 table in use, the L2 entry rules apply, and an index
 *    >= FIRST_HV_L2_SLOT (1008) is refused;
 *  - otherwise it is a data frame: it takes a writable type reference for
 *    the length of the write, val is stored unchecked and the reference is
 *    dropped. A former page table whose type count has fallen to 0 becomes
 *    a writable frame this way (with a TLB flush).
 *
 * Returns 0 when every request was applied.
 * Errors:
 *   -XEN_EFAULT    *success_count cannot be read (step 1); a request
 *                  cannot be read; *success_count cannot be written
 *                  (step 4) although every request succeeded, in which
 *                  case they all stay applied
 *   -XEN_EPERM     foreigndom is another domain (nothing applied); the
 *                  entry's frame is not the caller's; an L2 index >= 1008;
 *                  an L1 or L2 rule's -XEN_EPERM
 *   -XEN_EINVAL    bits 63..32 of ptr or of val are not zero; command 3;
 *                  the frame's mfn >= max_page; an L1 or L2 rule's
 *                  -XEN_EINVAL
 *   -XEN_ENOSYS    command MMU_MACHPHYS_UPDATE
 *   -XEN_EBUSY     a data frame with a non-zero count of another type (a
 *                  P2M frame, for one); an L1 or L2 rule's -XEN_EBUSY
 *   -XEN_EOVERFLOW a type count is saturated
 * Differences from Xen: MMU_MACHPHYS_UPDATE is refused, and the only
 * foreign domain accepted is the caller itself.
 */
/* Write the entry, checked. */
#define MMU_NORMAL_PT_UPDATE      0
/* Refused with -XEN_ENOSYS: the P2M and M2P belong to the hypervisor, and
 * only memory_op (memory.h) changes them. */
#define MMU_MACHPHYS_UPDATE       1
/* As MMU_NORMAL_PT_UPDATE, but for an entry of an L1 table in use whose new
 * value maps the same mfn as the old one, the old entry's Accessed and
 * Dirty bits are ORed into the new value first. No effect on an L2 entry
 * or a data frame. */
#define MMU_PT_UPDATE_PRESERVE_AD 2
/* Bit 31 of count: the call is a continuation; *success_count holds the
 * total so far. mmu_update and mmuext_op. A guest may set it itself:
 * *success_count is then its starting total. */
#define MMU_UPDATE_PREEMPTED      (~(~0U >> 1))

struct mmu_update {
    uint64_t ptr; /* IN: machine address of the entry | MMU_* command in
                     bits 1..0; bits 63..32 must be zero                */
    uint64_t val; /* IN: the new entry; bits 63..32 must be zero        */
};
typedef struct mmu_update mmu_update_t;
XEN_ABI_SIZE(mmu_update_t, 16);

/*
 * mmuext_op(const struct mmuext_op *op, unsigned int count,
 *           unsigned int *success_count, domid_t foreigndom),
 * hypercall 26: pin and unpin page tables, install page directories, flush
 * the TLB, clear and copy frames.
 *   ebx  VA of op[count].
 *   ecx  count; bit 31 is MMU_UPDATE_PREEMPTED.
 *   edx  VA of an unsigned int that receives the number of operations
 *        done, or 0.
 *   esi  foreigndom: DOMID_SELF or the caller's own id.
 * The batch is handled exactly as mmu_update's (steps 1 to 4 above): the
 * MMU_UPDATE_PREEMPTED bit, the foreigndom check, in-order processing that
 * stops at the first failure (the operations before it stay done), a
 * possible continuation before every 64th operation, and *success_count.
 * Returns 0 when every operation was done.
 * Errors of the batch itself: -XEN_EFAULT (*success_count cannot be read
 * or written, an operation cannot be read), -XEN_EPERM (foreigndom is
 * another domain); then the failing operation's errors, given with each
 * command below. A cmd not defined below (12, 13, 14, 18 and above):
 * -XEN_ENOSYS. There is no MMUEXT_SET_LDT.
 */
/*
 * MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE: pin frame arg1.mfn as an L1
 * (or L2) table. The pin takes a general and a type reference of that
 * level and sets the frame's pinned flag, so the table stays validated
 * while nothing else refers to it. Taking the type reference validates the
 * frame as docs/hypercall-abi.md section 3.1 says.
 * Errors:
 *   -XEN_EINVAL    mfn >= max_page; the frame is already pinned (the
 *                  references just taken are dropped again)
 *   -XEN_EPERM     the frame is not the caller's
 *   -XEN_EBUSY     it is in use with another type (mapped writable, an L2
 *                  being pinned as an L1, ...)
 *   -XEN_EOVERFLOW its type count is saturated
 *   and any L1 or L2 rule error of one of its entries, if its type count
 *   was 0 and it had to be validated.
 */
#define MMUEXT_PIN_L1_TABLE     0
#define MMUEXT_PIN_L2_TABLE     1
/* MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE: always -XEN_EINVAL: paging
 * here has two levels. */
#define MMUEXT_PIN_L3_TABLE     2
#define MMUEXT_PIN_L4_TABLE     3
/*
 * MMUEXT_UNPIN_TABLE: unpin frame arg1.mfn: clear the pinned flag and drop
 * the pin's general and type references. If that was the table's last type
 * reference, its entries release their references (section 3.1).
 * Errors: -XEN_EINVAL mfn >= max_page, or the frame is not pinned;
 * -XEN_EPERM the frame is not the caller's.
 */
#define MMUEXT_UNPIN_TABLE      4
/*
 * MMUEXT_NEW_BASEPTR: install frame arg1.mfn as the kernel-mode page
 * directory. The frame takes a general and an L2 type reference (and is
 * validated if its type count was 0) and is loaded into CR3 at once, since
 * hypercalls run in kernel mode; that flushes the TLB. The rest of the
 * batch and the write of *success_count go through the new address space.
 * The previous directory's references are then dropped. On failure the old
 * directory stays installed.
 * Errors: -XEN_EINVAL mfn >= max_page; -XEN_EPERM the frame is not the
 * caller's (mfn 0 is never a guest frame); -XEN_EBUSY, -XEN_EOVERFLOW and
 * the L2 rule errors when it cannot take an L2 type reference.
 */
#define MMUEXT_NEW_BASEPTR      5
/*
 * MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_TLB_FLUSH_MULTI, MMUEXT_TLB_FLUSH_ALL:
 * reload CR3, which drops every non-global TLB entry (a guest cannot
 * create global ones). A domain has one vcpu, so the three are the same;
 * arg1 and arg2 (Xen's vcpu mask) are ignored. Never fail.
 */
#define MMUEXT_TLB_FLUSH_LOCAL  6
/*
 * MMUEXT_INVLPG_LOCAL, MMUEXT_INVLPG_MULTI, MMUEXT_INVLPG_ALL: invlpg
 * arg1.linear_addr. The three are the same; arg2 is ignored.
 * Errors: -XEN_EINVAL if arg1.linear_addr >= HYPERVISOR_VIRT_START.
 */
#define MMUEXT_INVLPG_LOCAL     7
#define MMUEXT_TLB_FLUSH_MULTI  8  /* as MMUEXT_TLB_FLUSH_LOCAL */
#define MMUEXT_INVLPG_MULTI     9  /* as MMUEXT_INVLPG_LOCAL    */
#define MMUEXT_TLB_FLUSH_ALL    10 /* as MMUEXT_TLB_FLUSH_LOCAL */
#define MMUEXT_INVLPG_ALL       11 /* as MMUEXT_INVLPG_LOCAL    */
/*
 * MMUEXT_NEW_USER_BASEPTR: install frame arg1.mfn as the user-mode page
 * directory, or, with arg1.mfn = 0, remove it (an iret to user mode then
 * crashes the domain). The directory is loaded whenever the vcpu enters
 * user mode (iret with cs = FLAT_USER_CS), not now. The previous user
 * directory's references are dropped. Everything the directory maps is
 * reachable from user mode; the hypervisor fills in its slots 1008 .. 1023
 * as in any directory, so the M2P is readable in user mode too. It may be
 * the same directory as the kernel-mode one.
 * Errors: those of MMUEXT_NEW_BASEPTR.
 */
#define MMUEXT_NEW_USER_BASEPTR 15
/*
 * MMUEXT_CLEAR_PAGE: write zeroes over the 4096 bytes of frame arg1.mfn,
 * which takes a writable type reference for the time it takes.
 * Errors:
 *   -XEN_EINVAL    mfn >= max_page
 *   -XEN_EPERM     the frame is not the caller's (a shared frame is not)
 *   -XEN_EBUSY     it cannot take a writable type reference (a page table
 *                  in use, a P2M frame)
 *   -XEN_EOVERFLOW its type count is saturated
 */
#define MMUEXT_CLEAR_PAGE       16
/*
 * MMUEXT_COPY_PAGE: copy the 4096 bytes of frame arg2.src_mfn into frame
 * arg1.mfn. The source may be any frame of the caller, a page table or a
 * P2M frame included; the destination is taken as by MMUEXT_CLEAR_PAGE.
 * Errors: -XEN_EINVAL src_mfn >= max_page; -XEN_EPERM the source is not
 * the caller's (a shared frame is not); then the errors of
 * MMUEXT_CLEAR_PAGE for the destination.
 */
#define MMUEXT_COPY_PAGE        17

struct mmuext_op {
    uint32_t cmd; /* IN: MMUEXT_*                                        */
    union {
        xen_pfn_t mfn;        /* IN: the frame (pins, base pointers, clear,
                                 copy destination)                      */
        uint32_t linear_addr; /* IN: the address (invlpg)               */
    } arg1;                   /* IN; ignored by the TLB flushes         */
    union {
        uint32_t nr_ents;  /* ignored: no command uses it               */
        xen_pfn_t src_mfn; /* IN: the source frame (copy)               */
    } arg2;                /* IN; ignored by every command but COPY_PAGE */
};
XEN_ABI_SIZE(struct mmuext_op, 12);

/*
 * update_va_mapping(unsigned long va, uint32_t val_lo, uint32_t val_hi,
 *                   unsigned long flags), hypercall 14: change the L1 entry
 * that maps va in the current kernel-mode page directory (the one
 * installed with MMUEXT_NEW_BASEPTR), then flush as flags say.
 *   ebx  va; its low 12 bits are ignored.
 *   ecx  the new L1 entry, bits 31..0.
 *   edx  the new L1 entry, bits 63..32: must be zero.
 *   esi  flags: bits 1..0 (UVMF_FLUSHTYPE_MASK) choose the flush done after
 *        a successful change; bits 31..2 are ignored (Xen encodes a vcpu
 *        mask or UVMF_ALL there; with one vcpu every flush is local).
 * The L1 entry rules and the rules for changing an entry of
 * docs/hypercall-abi.md section 3.1 apply, without MMU_PT_UPDATE_PRESERVE_AD.
 * Returns 0.
 * Errors:
 *   -XEN_EINVAL    va >= HYPERVISOR_VIRT_START, edx != 0, or flags & 3 is 3
 *                  (nothing is changed); the directory's entry for va is
 *                  not present (there is no L1 table to change)
 *   -XEN_EINVAL, -XEN_EPERM, -XEN_EBUSY, -XEN_EOVERFLOW
 *                  the new entry breaks an L1 rule; the entry is unchanged
 */
#define UVMF_NONE           0 /* no flush                                  */
#define UVMF_TLB_FLUSH      1 /* flush the TLB (non-global entries)        */
#define UVMF_INVLPG         2 /* invlpg va                                 */
#define UVMF_FLUSHTYPE_MASK 3 /* flags & 3 == 3 is refused (-XEN_EINVAL)   */

/*
 * stack_switch(uint32_t ss, uint32_t esp), hypercall 3: set the kernel
 * stack used for traps from user mode.
 *   ebx  ss: must be FLAT_KERNEL_SS.
 *   ecx  esp. Every exception, software interrupt and event upcall that
 *        arrives while the guest is in user mode builds its frame just
 *        below this esp (docs/hypercall-abi.md section 4.5); delivery does
 *        not change the recorded value. 0 means no kernel stack: a trap
 *        from user mode then crashes the domain. The value at start is 0.
 * Returns 0 once the value is recorded.
 * Errors: -XEN_EINVAL if ss != FLAT_KERNEL_SS or esp > HYPERVISOR_VIRT_START
 * (HYPERVISOR_VIRT_START itself is accepted); nothing is changed.
 */

/*
 * set_callbacks(uint32_t event_cs, uint32_t event_eip, uint32_t failsafe_cs,
 *               uint32_t failsafe_eip), hypercall 4: set the event callback.
 *   ebx  event callback cs: ignored (handlers run with FLAT_KERNEL_CS).
 *   ecx  event callback address: where event upcalls are delivered
 *        (docs/hypercall-abi.md section 4.7). 0 disables upcalls; events
 *        still become pending. None is set at start.
 *   edx  failsafe callback cs: ignored.
 *   esi  failsafe callback address: checked and stored, never called.
 *        Where Xen would call it (a bad frame on the way back to the
 *        guest), this hypervisor crashes the domain instead.
 * Returns 0 once both addresses are stored.
 * Errors: -XEN_EINVAL if ecx or esi >= HYPERVISOR_VIRT_START; nothing is
 * changed.
 */

/*
 * set_timer_op(uint32_t deadline_lo, uint32_t deadline_hi), hypercall 15:
 * set the vcpu's one-shot timer.
 *   ebx  deadline, bits 31..0.
 *   ecx  deadline, bits 63..32.
 * The deadline is an absolute system time, in nanoseconds since the
 * hypervisor's clock started: the time base of vcpu_time_info. It replaces
 * any earlier deadline; 0 cancels the timer. The timer is checked at every
 * hypervisor tick (1000 Hz) and fires at the first tick at or after the
 * deadline; a deadline already past (or negative as a signed 64-bit
 * number) fires at the next tick. When it fires the timer is cleared and,
 * if the domain has bound VIRQ_TIMER, that port is made pending, which
 * wakes a blocked vcpu. If VIRQ_TIMER is not bound the expiry is lost.
 * Returns 0 always; there are no errors.
 */

/*
 * xen_version(int cmd, void *arg), hypercall 17.
 *   ebx  cmd.
 *   ecx  arg: ignored.
 * Errors: -XEN_ENOSYS for any cmd but XENVER_version.
 */
/* XENVER_version: returns (major << 16) | minor, today 0x00000001 (0.1).
 * No errors. A guest also makes this call only to pass through the
 * hypervisor's exit path (docs/hypercall-abi.md section 1.3). */
#define XENVER_version 0

/*
 * console_io(int cmd, unsigned int count, const char *buffer),
 * hypercall 18.
 *   ebx  cmd.
 *   ecx  count.
 *   edx  VA of the bytes.
 * Errors: -XEN_ENOSYS for any cmd but CONSOLEIO_write.
 */
/*
 * CONSOLEIO_write: write count bytes to the caller's console. count = 0
 * returns 0 without reading anything. The buffer is copied in pieces of
 * 256 bytes, and each piece is output before the next is read. The output
 * is line-buffered per domain: '\n' ends a line, '\r' is dropped, a tab is
 * kept, any other byte outside 0x20 .. 0x7E becomes '.', and a line of 200
 * characters is ended early. Each line appears on the serial console
 * prefixed with "(dN) ", N being the domain id. An unfinished line is
 * printed when the domain shuts down.
 * Returns 0.
 * Errors:
 *   -XEN_E2BIG  count > 16384; nothing is written
 *   -XEN_EFAULT part of the buffer cannot be read; the pieces before the
 *               bad one have been written
 */
#define CONSOLEIO_write 0
/* CONSOLEIO_read: always -XEN_ENOSYS: the serial input belongs to the
 * hypervisor (its debug keys). */
#define CONSOLEIO_read  1

/*
 * Event channel bits live in shared_info; event_channel.h has the
 * operations, docs/hypercall-abi.md section 4.7 how events are delivered.
 * One vcpu per domain.
 */
#define XEN_LEGACY_MAX_VCPUS 1
#define EVTCHN_WORDS         32 /* 1024 ports' worth of bits */

/*
 * The vcpu's time record, in its vcpu_info (docs/hypercall-abi.md section
 * 5.5). Written by the hypervisor before the domain first runs and each
 * time the vcpu is switched onto the cpu.
 */
struct vcpu_time_info {
    /*
     * Updated by the hypervisor with version odd while it writes. A guest
     * reads version, the fields, then version again, and retries if the two
     * differ or are odd. Time now (ns since boot) =
     *   system_time + ((rdtsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32
     * (a negative tsc_shift shifts right).
     */
    uint32_t version;           /* OUT: odd while the record is written   */
    uint32_t pad0;              /* ignored: never read nor written (0)    */
    uint64_t tsc_timestamp;     /* OUT: the TSC when it was written       */
    uint64_t system_time;       /* OUT: ns since the hypervisor's clock
                                   started, at tsc_timestamp              */
    uint32_t tsc_to_system_mul; /* OUT: constant during a run             */
    int8_t tsc_shift;           /* OUT: constant during a run             */
    int8_t pad1[3];             /* ignored: never read nor written (0)    */
};
XEN_ABI_SIZE(struct vcpu_time_info, 32);

/* The vcpu's part of shared_info (docs/hypercall-abi.md sections 4.7, 5.4). */
struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* IN/OUT: set by the hypervisor when an
                                      unmasked port became pending; only
                                      the guest clears it. 0 at start     */
    uint8_t evtchn_upcall_mask;    /* IN/OUT: the guest's "interrupts off"
                                      (1: no upcalls); also set by an
                                      upcall, set or cleared by iret,
                                      cleared by SCHEDOP_block. 1 at start */
    uint8_t pad[2];                /* ignored: never read nor written (0) */
    uint32_t evtchn_pending_sel;   /* IN/OUT: bit w: word w of
                                      evtchn_pending may hold pending
                                      unmasked ports; set by the
                                      hypervisor, cleared by the guest    */
    struct arch_vcpu_info arch;    /* OUT                                 */
    struct vcpu_time_info time;    /* OUT                                 */
};
XEN_ABI_SIZE(struct vcpu_info, 48);

/*
 * shared_info: one page, mapped read-write at start_info.shared_info_va
 * (docs/hypercall-abi.md section 5.4); the structure is 324 bytes and the
 * rest of the page is 0. It may be mapped elsewhere too, read-write or
 * read-only, but can never be a page table nor be given back.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS]; /* IN/OUT */
    /* IN/OUT: bit p: port p is pending. Set by the hypervisor; cleared by
     * the guest, and by EVTCHNOP_close. 0 at start. */
    uint32_t evtchn_pending[EVTCHN_WORDS];
    /* IN/OUT: bit p: port p is masked. Set and cleared by the guest;
     * cleared by EVTCHNOP_unmask too. 0 at start (no port masked). */
    uint32_t evtchn_mask[EVTCHN_WORDS];
    uint32_t wc_version;          /* OUT: always 0: there is no wall clock */
    uint32_t wc_sec;              /* OUT: always 0                         */
    uint32_t wc_nsec;             /* OUT: always 0                         */
    struct arch_shared_info arch; /* OUT                                   */
};
typedef struct shared_info shared_info_t;

/*
 * start_info: one page, mapped by the domain builder; its virtual address
 * is in esi when the guest kernel starts. The structure is 1140 bytes and
 * the rest of the page is 0. Every field is written by the hypervisor
 * once, before the guest starts (docs/hypercall-abi.md section 5.3).
 *
 * Initial address space (all addresses virtual, built by the hypervisor;
 * docs/hypercall-abi.md section 5.2 gives the details):
 *   virt_base ........ pfn 0: every page of the domain, in pfn order
 *                      (kernel image, module, start_info, the initial page
 *                      tables (mapped read-only), boot stack, free pages)
 *   virt_base + nr_pages * 4K .. the P2M table (mfn_list), read-only,
 *                      then the shared_info page.
 *   MACH2PHYS_VIRT_START: the domain's own view of the M2P, read-only:
 *                      the pfn of each frame it owns privately,
 *                      INVALID_M2P_ENTRY for every other frame.
 * esp points to the top of the boot stack, cs is FLAT_KERNEL_CS and events
 * are masked.
 */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
    char magic[32];          /* OUT: "xen-3.0-x86_32", NUL-padded     */
    uint32_t nr_pages;       /* OUT: pfns 0 .. nr_pages-1 exist        */
    uint32_t shared_info;    /* OUT: machine address of shared_info    */
    uint32_t flags;          /* OUT: SIF_*                             */
    xen_pfn_t store_mfn;     /* OUT: unused, always 0                  */
    uint32_t store_evtchn;   /* OUT: unused, always 0                  */
    uint32_t console_mfn;    /* OUT: unused, always 0: console_io is
                                the console                            */
    uint32_t console_evtchn; /* OUT: unused, always 0                  */
    uint32_t pt_base;        /* OUT: virtual address of the page
                                directory                              */
    uint32_t nr_pt_frames;   /* OUT: page-table frames the builder made
                                (1 + the L1 tables)                    */
    uint32_t mfn_list;       /* OUT: virtual address of the P2M
                                (read-only)                            */
    uint32_t mod_start;      /* OUT: virtual address of the module, or 0 */
    uint32_t mod_len;        /* OUT: its length in bytes, or 0         */
    char cmd_line[MAX_GUEST_CMDLINE]; /* OUT: NUL-terminated           */
    /* Extensions of this hypervisor. */
    uint32_t domid;          /* OUT: this domain's id                  */
    uint32_t shared_info_va; /* OUT: where the builder mapped shared_info */
    uint32_t virt_base;      /* OUT: virtual address of pfn 0          */
    uint32_t first_free_pfn; /* OUT: first pfn the builder did not use */
    uint32_t max_pfn;        /* OUT: size of the P2M, in entries
                                (= nr_pages)                           */
    char name[16];           /* OUT: the domain's name from the scenario,
                                NUL-terminated                         */
};
typedef struct start_info start_info_t;
/* Never set: no domain is privileged. */
#define SIF_PRIVILEGED       1
/* Shadow (translated) mode: page tables and every hypercall argument name
 * pseudo-physical frames (pfn = "mfn"); the P2M and M2P are not needed. */
#define SIF_TRANSLATED       (1U << 4)
#define XEN_START_INFO_MAGIC "xen-3.0-x86_32"

/* An invalid frame number, as found in unpopulated P2M and M2P slots. */
#define INVALID_MFN       (~0U)
#define INVALID_P2M_ENTRY (~0U)
#define INVALID_M2P_ENTRY (~0U)
/* The hypervisor's M2P entry of a shared frame (sharing.h): several pfns
 * stand for it. A guest's view of the M2P never shows it (see
 * MACH2PHYS_VIRT_START above: a guest sees its own private frames only). */
#define SHARED_M2P_ENTRY  (~0U - 1U)

#endif /* !__ASSEMBLY__ */
#endif /* __PUBLIC_XEN_H__ */
