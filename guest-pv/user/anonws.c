/*
 * anonws - an anonymous working set: "anonws MIB [PASSES [fork]]" takes MIB MiB
 * of heap, writes every page (its index and the pass in every word), then
 * PASSES times (default 3) reads every page back, checks it, and writes
 * it anew. With more pages than the guest has frames, the kernel swaps
 * (swap.c: frontswap to the hypervisor's hswap pool, else the swap disk).
 * Prints each pass's time and the swap counts; exits 1 on a wrong word.
 * With "fork", after the first pass a child checks every page (many of
 * them swapped out: its page tables got the parent's swap entries) and
 * writes its own pattern over them, while the parent's pages must keep
 * theirs.
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096U

static unsigned long long rdtsc(void)
{
    unsigned int lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long long)hi << 32) | lo;
}

int main(int argc, char **argv)
{
    unsigned int mib = argc > 1 ? (unsigned int)atoi(argv[1]) : 8;
    unsigned int passes = argc > 2 ? (unsigned int)atoi(argv[2]) : 3;
    unsigned int pages = mib * 256, bad = 0, pass, i, w;
    int do_fork = argc > 3 && !strcmp(argv[3], "fork");
    struct pvk_meminfo m0, m1;
    unsigned int *mem;

    if (!mib || !passes) {
        fprintf(stderr, "anonws: MIB and PASSES must be at least 1\n");
        return 1;
    }
    mem = malloc((size_t)pages * PAGE);
    if (!mem) {
        printf("anonws: no %u MiB of heap\n", mib);
        return 1;
    }
    printf("anonws: %u pages\n", pages);
    for (pass = 0; pass <= passes; pass++) {
        unsigned long long t0 = rdtsc();
        double s0 = pvk_now_s();

        pvk_meminfo(&m0);
        for (i = 0; i < pages; i++) {
            unsigned int *p = mem + (size_t)i * (PAGE / 4);

            if (pass)
                for (w = 0; w < PAGE / 4; w++)
                    bad += p[w] != ((i * 1024 + w) ^ (pass - 1));
            for (w = 0; w < PAGE / 4; w++)
                p[w] = (i * 1024 + w) ^ pass;
        }
        pvk_meminfo(&m1);
        printf("anonws: pass=%u pages=%u bad=%u seconds=%.3f tsc=%llu "
               "swap_outs=%u swap_ins=%u fs_puts=%u fs_refused=%u "
               "swap_writes=%u swap_reads=%u\n",
               pass, pages, bad, pvk_now_s() - s0, rdtsc() - t0,
               m1.swap_outs - m0.swap_outs, m1.swap_ins - m0.swap_ins,
               m1.fs_puts - m0.fs_puts, m1.fs_refused - m0.fs_refused,
               m1.swap_writes - m0.swap_writes, m1.swap_reads - m0.swap_reads);
        if (pass == 0 && do_fork) {
            pid_t pid = fork();
            int status = 0;

            if (pid == 0) { /* the child: pass 0's words, then its own */
                unsigned int cbad = 0;

                for (i = 0; i < pages; i++) {
                    unsigned int *p = mem + (size_t)i * (PAGE / 4);

                    for (w = 0; w < PAGE / 4; w++) {
                        cbad += p[w] != (i * 1024 + w);
                        p[w] = ~(i * 1024 + w);
                    }
                }
                for (i = 0; i < pages; i++)
                    for (w = 0; w < PAGE / 4; w++)
                        cbad += mem[(size_t)i * (PAGE / 4) + w] != ~(i * 1024 + w);
                printf("anonws: child: bad=%u\n", cbad);
                _exit(cbad ? 1 : 0);
            }
            if (pid < 0 || waitpid(pid, &status, 0) != pid ||
                !WIFEXITED(status) || WEXITSTATUS(status)) {
                printf("anonws: the child failed\n");
                bad++;
            }
        }
    }
    free(mem);
    printf("anonws: done, %u wrong words\n", bad);
    return bad ? 1 : 0;
}
