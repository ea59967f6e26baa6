/*
 * hypercall.h - a typed wrapper for every hypercall, over five arity
 * macros (Mini-OS's hypercall-x86_32.h, in spirit). The ABI: int $0x82,
 * number in eax, arguments in ebx, ecx, edx, esi, edi, result in eax.
 */
#ifndef __GUEST_HYPERCALL_H__
#define __GUEST_HYPERCALL_H__

#include <public/debug.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sharing.h>
#include <public/tmem.h>
#include <public/xen.h>

#define _hypercall0(name)                                                      \
    ({                                                                         \
        long __res;                                                            \
        asm volatile("int $0x82"                                               \
                     : "=a"(__res)                                             \
                     : "0"(__HYPERVISOR_##name)                                \
                     : "memory");                                              \
        __res;                                                                 \
    })
#define _hypercall1(name, a1)                                                  \
    ({                                                                         \
        long __res, __ign1;                                                    \
        asm volatile("int $0x82"                                               \
                     : "=a"(__res), "=b"(__ign1)                               \
                     : "0"(__HYPERVISOR_##name), "1"((long)(a1))               \
                     : "memory");                                              \
        __res;                                                                 \
    })
#define _hypercall2(name, a1, a2)                                              \
    ({                                                                         \
        long __res, __ign1, __ign2;                                            \
        asm volatile("int $0x82"                                               \
                     : "=a"(__res), "=b"(__ign1), "=c"(__ign2)                 \
                     : "0"(__HYPERVISOR_##name), "1"((long)(a1)),              \
                       "2"((long)(a2))                                         \
                     : "memory");                                              \
        __res;                                                                 \
    })
#define _hypercall3(name, a1, a2, a3)                                          \
    ({                                                                         \
        long __res, __ign1, __ign2, __ign3;                                    \
        asm volatile("int $0x82"                                               \
                     : "=a"(__res), "=b"(__ign1), "=c"(__ign2), "=d"(__ign3)   \
                     : "0"(__HYPERVISOR_##name), "1"((long)(a1)),              \
                       "2"((long)(a2)), "3"((long)(a3))                        \
                     : "memory");                                              \
        __res;                                                                 \
    })
#define _hypercall4(name, a1, a2, a3, a4)                                      \
    ({                                                                         \
        long __res, __ign1, __ign2, __ign3, __ign4;                            \
        asm volatile("int $0x82"                                               \
                     : "=a"(__res), "=b"(__ign1), "=c"(__ign2), "=d"(__ign3),  \
                       "=S"(__ign4)                                            \
                     : "0"(__HYPERVISOR_##name), "1"((long)(a1)),              \
                       "2"((long)(a2)), "3"((long)(a3)), "4"((long)(a4))       \
                     : "memory");                                              \
        __res;                                                                 \
    })

static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
    return _hypercall1(set_trap_table, table);
}

static inline long HYPERVISOR_mmu_update(const mmu_update_t *req,
                                         unsigned int count,
                                         unsigned int *success_count,
                                         domid_t domid)
{
    return _hypercall4(mmu_update, req, count, success_count, domid);
}

static inline long HYPERVISOR_mmuext_op(const struct mmuext_op *op,
                                        unsigned int count,
                                        unsigned int *success_count,
                                        domid_t domid)
{
    return _hypercall4(mmuext_op, op, count, success_count, domid);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long esp)
{
    return _hypercall2(stack_switch, ss, esp);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event_cs,
                                            unsigned long event_eip,
                                            unsigned long failsafe_cs,
                                            unsigned long failsafe_eip)
{
    return _hypercall4(set_callbacks, event_cs, event_eip, failsafe_cs,
                       failsafe_eip);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(memory_op, cmd, arg);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va,
                                                uint64_t new_val,
                                                unsigned long flags)
{
    return _hypercall4(update_va_mapping, va, (uint32_t)new_val,
                       (uint32_t)(new_val >> 32), flags);
}

static inline long HYPERVISOR_set_timer_op(uint64_t timeout_ns)
{
    return _hypercall2(set_timer_op, (uint32_t)timeout_ns,
                       (uint32_t)(timeout_ns >> 32));
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return _hypercall2(xen_version, cmd, arg);
}

static inline long HYPERVISOR_console_io(int cmd, unsigned int count,
                                         const char *buf)
{
    return _hypercall3(console_io, cmd, count, buf);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return _hypercall2(sched_op, cmd, arg);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return _hypercall2(event_channel_op, cmd, arg);
}

static inline long HYPERVISOR_debug_op(int cmd, unsigned long a1,
                                       unsigned long a2)
{
    return _hypercall3(debug_op, cmd, a1, a2);
}

/* sharing_op(cmd, arg, count): public/sharing.h. */
static inline long HYPERVISOR_sharing_op(unsigned int cmd, unsigned long arg,
                                         unsigned long count)
{
    return _hypercall3(sharing_op, cmd, arg, count);
}

/* Run the hypervisor's exit path so a pending, unmasked event is delivered. */
/* tmem_op(op): public/tmem.h. */
static inline long HYPERVISOR_tmem_op(void *op)
{
    return _hypercall1(tmem_op, op);
}

static inline void force_evtchn_callback(void)
{
    (void)HYPERVISOR_xen_version(XENVER_version, 0);
}

#endif /* __GUEST_HYPERCALL_H__ */
