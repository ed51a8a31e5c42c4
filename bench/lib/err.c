// SPDX-License-Identifier: MIT
// One-line error messages into a caller's buffer (dhb/err.h).
#include <stdarg.h>
#include <stdio.h>

#include "dhb/err.h"

int dhb_err(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}
