/*
 * errno.h - error numbers returned (negated) by hypercalls.
 * Same values as Xen's public errno.h (which are Linux's). ABI only.
 *
 * Each command's errors, and when it returns them, are listed with the
 * command in the header that documents it; docs/hypercall-abi.md section
 * 1.7 says which of these numbers hypercalls return at all.
 */
#ifndef __PUBLIC_ERRNO_H__
#define __PUBLIC_ERRNO_H__

#define XEN_EPERM      1 /* Operation not permitted              */
#define XEN_ENOENT     2 /* No such entry                        */
#define XEN_ESRCH      3 /* No such domain                       */
#define XEN_EINTR      4
#define XEN_EIO        5
#define XEN_E2BIG      7  /* Argument list too long               */
#define XEN_EBADF      9  /* Bad file (port) number               */
#define XEN_EAGAIN     11 /* Try again                            */
#define XEN_ENOMEM     12 /* Out of memory                        */
#define XEN_EACCES     13 /* Permission denied                    */
#define XEN_EFAULT     14 /* Bad address                          */
#define XEN_EBUSY      16 /* Busy: frame in use, port bound       */
#define XEN_EEXIST     17 /* Already exists                       */
#define XEN_EXDEV      18 /* Not in the same share group          */
#define XEN_ENODEV     19 /* No such device                       */
#define XEN_EINVAL     22 /* Invalid argument                     */
#define XEN_ENOSPC     28 /* No space left                        */
#define XEN_ERANGE     34 /* Out of range                         */
#define XEN_ENOSYS     38 /* Function not implemented             */
#define XEN_EOVERFLOW  75 /* Value too large                      */
#define XEN_EOPNOTSUPP 95 /* Operation not supported              */
#define XEN_ESTALE     116 /* Stale: contents changed under a share */

#endif /* __PUBLIC_ERRNO_H__ */
