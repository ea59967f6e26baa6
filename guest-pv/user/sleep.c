/*
 * sleep - sleep for the milliseconds given (default 1000), so the guest
 * idles and the hypervisor's page scanner gets the cpu: "sleep+2000".
 */
#include <pvk.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    return pvk_msleep(argc > 1 ? (unsigned int)atoi(argv[1]) : 1000) ? 1 : 0;
}
