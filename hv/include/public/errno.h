/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error codes returned by hypercalls, negated in rax. They are the Linux
 * errno numbers, so a library OS can hand them to C code unchanged.
 */
#ifndef HV_PUBLIC_ERRNO_H
#define HV_PUBLIC_ERRNO_H

#define HV_EPERM 1      /* not allowed for this domain */
#define HV_ENOENT 2     /* no such object */
#define HV_ESRCH 3      /* no such domain */
#define HV_EIO 5        /* I/O error */
#define HV_E2BIG 7      /* argument list or count too large */
#define HV_ENOEXEC 8    /* not a valid executable image */
#define HV_EAGAIN 11    /* try again */
#define HV_ENOMEM 12    /* out of memory */
#define HV_EACCES 13    /* access denied by ownership or grant */
#define HV_EFAULT 14    /* bad guest address */
#define HV_EBUSY 16     /* object in use */
#define HV_EEXIST 17    /* object exists */
#define HV_EINVAL 22    /* invalid argument */
#define HV_ENOSPC 28    /* no space left */
#define HV_ERANGE 34    /* value out of range */
#define HV_ENOSYS 38    /* no such hypercall or operation */
#define HV_EOVERFLOW 75 /* arithmetic overflow in an argument */

#endif
