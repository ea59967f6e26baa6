/*
 * processor.h - inline wrappers for privileged x86 instructions and
 * control registers. Hardware facts only.
 */
#ifndef __ASM_PROCESSOR_H__
#define __ASM_PROCESSOR_H__

#define X86_CR0_PE 0x00000001U
#define X86_CR0_MP 0x00000002U
#define X86_CR0_EM 0x00000004U
#define X86_CR0_TS 0x00000008U
#define X86_CR0_NE 0x00000020U
#define X86_CR0_WP 0x00010000U
#define X86_CR0_PG 0x80000000U

#define X86_CR4_TSD        0x00000004U
#define X86_CR4_PSE        0x00000010U
#define X86_CR4_PGE        0x00000080U
#define X86_CR4_OSFXSR     0x00000200U
#define X86_CR4_OSXMMEXCPT 0x00000400U
#define X86_CR4_SMEP       0x00100000U

#define X86_EFLAGS_CF   0x00000001U
#define X86_EFLAGS_MBS  0x00000002U /* must be set */
#define X86_EFLAGS_PF   0x00000004U
#define X86_EFLAGS_AF   0x00000010U
#define X86_EFLAGS_ZF   0x00000040U
#define X86_EFLAGS_SF   0x00000080U
#define X86_EFLAGS_TF   0x00000100U
#define X86_EFLAGS_IF   0x00000200U
#define X86_EFLAGS_DF   0x00000400U
#define X86_EFLAGS_OF   0x00000800U
#define X86_EFLAGS_IOPL 0x00003000U
#define X86_EFLAGS_NT   0x00004000U
#define X86_EFLAGS_RF   0x00010000U
#define X86_EFLAGS_VM   0x00020000U
#define X86_EFLAGS_AC   0x00040000U
#define X86_EFLAGS_ID   0x00200000U
/* The flags a guest may set for itself on iret. */
#define X86_EFLAGS_GUEST_MASK                                                  \
    (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF |           \
     X86_EFLAGS_SF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_OF |           \
     X86_EFLAGS_AC | X86_EFLAGS_ID)

#define CPUID1_EDX_TSC  (1U << 4)
#define CPUID1_EDX_PSE  (1U << 3)
#define CPUID1_EDX_PGE  (1U << 13)
#define CPUID1_EDX_FXSR (1U << 24)
#define CPUID7_EBX_SMEP (1U << 7)

#ifndef __ASSEMBLY__
#include <stdint.h>

#define DEFINE_CR(n)                                                           \
    static inline uint32_t read_cr##n(void)                                    \
    {                                                                          \
        uint32_t v;                                                            \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                          \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(uint32_t v)                                 \
    {                                                                          \
        asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                 \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void invlpg(uint32_t va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                         uint32_t *c, uint32_t *d)
{
    asm volatile("cpuid"
                 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                 : "0"(leaf), "2"(sub));
}

static inline void local_irq_disable(void)
{
    asm volatile("cli" ::: "memory");
}
static inline void local_irq_enable(void)
{
    asm volatile("sti" ::: "memory");
}
static inline void halt(void)
{
    asm volatile("hlt" ::: "memory");
}
/* Enable interrupts and halt in one step, so a wakeup cannot be missed. */
/* Let an interrupt that is waiting behind cli in, then cli again. */
static inline void irq_window(void)
{
    asm volatile("sti; nop; cli" ::: "memory");
}

static inline void safe_halt(void)
{
    asm volatile("sti; hlt" ::: "memory");
}

static inline uint32_t read_eflags(void)
{
    uint32_t f;
    asm volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Ordering of memory a device reads and writes (a virtqueue): x86 keeps
 * stores in order and loads in order, so a compiler barrier is enough. */
#define wmb() asm volatile("" ::: "memory")
#define rmb() asm volatile("" ::: "memory")

static inline void cpu_relax(void)
{
    asm volatile("pause" ::: "memory");
}

/* 512-byte FPU/SSE state, 16-byte aligned. */
struct fxsave_area {
    uint8_t bytes[512];
} __attribute__((aligned(16)));

static inline void fxsave(struct fxsave_area *a)
{
    asm volatile("fxsave %0" : "=m"(*a));
}
static inline void fxrstor(const struct fxsave_area *a)
{
    asm volatile("fxrstor %0" : : "m"(*a));
}

#endif /* !__ASSEMBLY__ */
#endif /* __ASM_PROCESSOR_H__ */
