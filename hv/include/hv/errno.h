/*
 * errno.h - the hypervisor's short names for the public XEN_E* values.
 * Functions return 0 or -E*; hypercalls hand the value to the guest.
 */
#ifndef __HV_ERRNO_H__
#define __HV_ERRNO_H__

#include <public/errno.h>

#define EPERM      XEN_EPERM
#define ENOENT     XEN_ENOENT
#define ESRCH      XEN_ESRCH
#define EIO        XEN_EIO
#define E2BIG      XEN_E2BIG
#define EBADF      XEN_EBADF
#define EAGAIN     XEN_EAGAIN
#define ENOMEM     XEN_ENOMEM
#define EACCES     XEN_EACCES
#define EFAULT     XEN_EFAULT
#define EBUSY      XEN_EBUSY
#define EEXIST     XEN_EEXIST
#define EXDEV      XEN_EXDEV
#define ENODEV     XEN_ENODEV
#define EINVAL     XEN_EINVAL
#define ENOSPC     XEN_ENOSPC
#define ERANGE     XEN_ERANGE
#define ENOSYS     XEN_ENOSYS
#define EOVERFLOW  XEN_EOVERFLOW
#define EOPNOTSUPP XEN_EOPNOTSUPP
#define ESTALE     XEN_ESTALE

#endif /* __HV_ERRNO_H__ */
