/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/error.h"

#include <stdio.h>
#include <string.h>

int cc_fail(struct cc_err *err, enum cc_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cc_fail_errno(struct cc_err *err, enum cc_err_kind kind, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	return -1;
}

void cc_err_prefix(struct cc_err *err, const char *fmt, ...)
{
	char head[256];
	char tail[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(tail, err->msg, sizeof(tail));
	/* A message too long for the buffer keeps its start and says so. */
	if (snprintf(err->msg, sizeof(err->msg), "%s%s", head, tail) >= (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
}

void cc_err_append(struct cc_err *err, const char *fmt, ...)
{
	size_t len = strnlen(err->msg, sizeof(err->msg));
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
}
