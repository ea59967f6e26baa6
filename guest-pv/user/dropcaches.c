/*
 * dropcaches - evict every clean, unmapped page-cache page (as Linux's
 * "echo 1 > /proc/sys/vm/drop_caches"), and say how many went. With
 * cleancache on, they go to the hypervisor's tmem pool: the tmem
 * benchmarks use it to put a whole tree there.
 */
#include <pvk.h>
#include <stdio.h>

int main(void)
{
    int n = pvk_drop_caches();

    if (n < 0) {
        printf("dropcaches: failed (%d)\n", n);
        return 1;
    }
    printf("dropcaches: %d pages evicted\n", n);
    return 0;
}
