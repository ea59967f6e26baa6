/*
 * waitscan - idle until the hypervisor's page scanner has passed over this
 * domain's memory a number of times: "waitscan+PASSES[+LIMIT_S]" (default
 * 3 passes, at most 300 s). The demos run it between unpack and build, so
 * that the build runs over shared pages however slow or busy the host is:
 * the wait is for the scanner's events, and the limit only catches a
 * scanner that never runs (exit 1, with a line that says so).
 *
 * Since a pass under way when the wait begins counts, PASSES - 1 whole
 * passes are seen; two find every duplicate present before the wait began
 * (the first hashes, the second matches what the first left).
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned int passes = argc > 1 ? (unsigned int)atoi(argv[1]) : 3;
    unsigned int limit_s = argc > 2 ? (unsigned int)atoi(argv[2]) : 300;
    struct pvk_scaninfo si;
    double t0 = pvk_now_s();
    int seen = pvk_wait_scan(passes, limit_s * 1000);

    if (seen < 0) {
        printf("waitscan: this domain shares with nobody: nothing to wait for\n");
        return 1;
    }
    if (pvk_scaninfo(&si))
        return 1;
    if ((unsigned int)seen < passes) {
        printf("waitscan: FAILED: the scanner made %d of %u passes over this "
               "domain in %u s (starved?)\n", seen, passes, limit_s);
        return 1;
    }
    printf("waitscan: %u passes over this domain in %.3f s; %u of its pages "
           "on shared frames\n", passes, pvk_now_s() - t0, si.shared_pfns);
    return 0;
}
