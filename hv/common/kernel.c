/*
 * kernel.c - hypercalls about the hypervisor itself (xen_version).
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <public/xen.h>

#define HV_VERSION_MAJOR 0
#define HV_VERSION_MINOR 1

long do_xen_version(uint32_t cmd, uint32_t arg)
{
    (void)arg;
    switch (cmd) {
    case XENVER_version:
        return (HV_VERSION_MAJOR << 16) | HV_VERSION_MINOR;
    default:
        gprintk(current->domain, "xen_version %u not supported", cmd);
        return -ENOSYS;
    }
}
