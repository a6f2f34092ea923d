/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Glue shared by the NSS entry points. */
#ifndef CHATCELL_NSS_CHATCELL_H
#define CHATCELL_NSS_CHATCELL_H

#include <errno.h>
#include <nss.h>

/* Type-checks every entry point against glibc's prototypes. */
NSS_DECLARE_MODULE_FUNCTIONS(chatcell)

/* Callers' errno survives every entry point (glibc's NSS rule); failures are
 * reported through *errnop only. */
static inline void cc_restore_errno(const int *saved)
{
	errno = *saved;
}
#define CC_PROTECT_ERRNO __attribute__((cleanup(cc_restore_errno))) const int cc_saved_errno_ = errno

/* Map a view error (-ENOENT, -EPERM, -EINVAL, -errno) to an NSS status. */
enum nss_status cc_nss_status_from_error(int r, int *errnop);

/* ERANGE from packing: the caller retries with a larger buffer. */
enum nss_status cc_nss_buffer_too_small(int *errnop);

#endif
