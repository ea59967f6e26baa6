/*
 * sleep - sleep for the milliseconds given (default 1000), so the guest
 * idles and the hypervisor's page scanner gets the cpu: "sleep+2000"; or,
 * with "sleep+@MS", until MS milliseconds after the hypervisor booted (the
 * guests' common clock), so that guests start what follows together (the
 * scale curves' builds). Late already: it does not sleep, and says so.
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] == '@') {
        double now_ms = pvk_now_s() * 1000, until = atoi(argv[1] + 1);

        if (now_ms >= until) {
            printf("# sleep: %.0f ms late for @%.0f\n", now_ms - until, until);
            return 0;
        }
        return pvk_msleep((unsigned int)(until - now_ms) + 1) ? 1 : 0;
    }
    return pvk_msleep(argc > 1 ? (unsigned int)atoi(argv[1]) : 1000) ? 1 : 0;
}
