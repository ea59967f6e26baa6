/*
 * time.c (x86_32) - the TSC as the clock, calibrated against the i8254
 * PIT at boot, and the PIT's channel 0 as the HZ tick. Under
 * "qemu -icount shift=0" the TSC counts instructions, so every figure
 * derived from it repeats exactly. Owns ports 0x40-0x43 and 0x61, and
 * reads the CMOS clock (0x70-0x71) for arch_boot_entropy().
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <hv/time.h>
#include <asm/irq.h>
#include <asm/processor.h>

#define PIT_HZ       1193182U
#define PIT_CH0      0x40
#define PIT_CH2      0x42
#define PIT_MODE     0x43
#define PIT_CH2_GATE 0x61
#define CALIBRATE_MS   20U
#define CALIBRATE_RUNS 5U

uint32_t tsc_khz;

uint64_t arch_read_tsc(void)
{
    return rdtsc();
}

/* Count TSC ticks while PIT channel 2 counts down CALIBRATE_MS. */
static uint64_t calibrate_tsc_once(void)
{
    uint32_t latch = PIT_HZ * CALIBRATE_MS / 1000;
    uint64_t start, end;

    outb(PIT_CH2_GATE,
         (inb(PIT_CH2_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_MODE, 0xb0);                     /* ch2, lo/hi, mode 0 */
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    start = rdtsc();
    while (!(inb(PIT_CH2_GATE) & 0x20)) /* OUT2 goes high at zero */
        ;
    end = rdtsc();
    return (end - start) * 1000 / CALIBRATE_MS; /* ticks per second */
}

/*
 * The median of CALIBRATE_RUNS runs. Under QEMU on a loaded host the vcpu
 * thread can lose the host cpu between a PIT access and the rdtsc beside
 * it, which skews one run by the time lost (seen: 2.54 GHz for 2.11, so
 * that the watchdog ran 20% late); a median ignores up to two such runs.
 */
static uint64_t calibrate_tsc(void)
{
    uint64_t hz[CALIBRATE_RUNS], t;
    unsigned int i, j;

    for (i = 0; i < CALIBRATE_RUNS; i++) {
        t = calibrate_tsc_once();
        for (j = i; j > 0 && hz[j - 1] > t; j--) /* insertion sort */
            hz[j] = hz[j - 1];
        hz[j] = t;
    }
    return hz[CALIBRATE_RUNS / 2];
}

static uint64_t tsc_hz;

uint32_t arch_boot_entropy(void)
{
    uint32_t x = (uint32_t)rdtsc() ^ (uint32_t)(rdtsc() >> 7) ^ 0x9E3779B9U;
    unsigned int r;

    for (r = 0; r <= 9; r++) { /* CMOS: seconds, minutes, hours, ..., year */
        outb(0x70, (uint8_t)r);
        x = (x << 5 | x >> 27) ^ inb(0x71);
    }
    return x;
}

void arch_time_init(void)
{
    uint32_t divisor = PIT_HZ / HZ;

    tsc_hz = calibrate_tsc();
    if (tsc_hz < 1000000)
        panic("arch_time_init: TSC runs at %llu Hz; it cannot be the clock",
              (unsigned long long)tsc_hz);
    tsc_khz = (uint32_t)(tsc_hz / 1000);

    outb(PIT_MODE, 0x34); /* ch0, lo/hi, mode 2 (rate generator) */
    outb(PIT_CH0, divisor & 0xff);
    outb(PIT_CH0, divisor >> 8);
    i8259_unmask(IRQ_TIMER);
    printk("time: TSC %u kHz, tick %u Hz", tsc_khz, HZ);
}

/*
 * mul and shift with ns = ((tsc << shift) * mul) >> 32 (Xen's
 * set_time_scale): normalise the rate into (1e9, 2e9], then
 * mul = 1e9 * 2^32 / rate.
 */
void arch_tsc_scale(uint32_t *mul, int8_t *shift)
{
    uint64_t tps = tsc_hz;
    int8_t s = 0;

    while (tps > 2000000000ULL) {
        tps >>= 1;
        s--;
    }
    while (tps <= 1000000000ULL) {
        tps <<= 1;
        s++;
    }
    *mul = (uint32_t)((1000000000ULL << 32) / tps);
    *shift = s;
}
