/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Errors for administrators: a kind (mapped to an exit code by chatcell-admin
 * and to a PAM status by pam_chatcell) and one line that says what happened
 * and what to do next. */
#ifndef CHATCELL_ERROR_H
#define CHATCELL_ERROR_H

#include <stdarg.h>

enum cc_err_kind {
	CC_OK = 0,
	CC_ERR_SYSTEM,    /* I/O, full disk, damaged files, kernel refused */
	CC_ERR_USAGE,     /* bad command line */
	CC_ERR_INVALID,   /* bad input value (chat ID, limit, rule) */
	CC_ERR_NOT_FOUND, /* no such chat */
	CC_ERR_CONFLICT,  /* name collision, wrong state, range overlap */
	CC_ERR_CONFIG,    /* chatcell.conf is malformed or unsafe */
	CC_ERR_PERMISSION /* not root, or a file has unsafe ownership */
};

struct cc_err {
	enum cc_err_kind kind;
	char msg[1024];
};

/* Record an error and return -1, so callers can `return cc_fail(...)`. */
int cc_fail(struct cc_err *err, enum cc_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like cc_fail, with ": <strerror(errnum)>" appended. */
int cc_fail_errno(struct cc_err *err, enum cc_err_kind kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prefix the recorded message with more context ("ensure: " ...). */
void cc_err_prefix(struct cc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append to the recorded message (what to do next). */
void cc_err_append(struct cc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
