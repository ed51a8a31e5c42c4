// SPDX-License-Identifier: MIT
// One-line error messages into a caller's buffer, the way the parsers and checks report them.
#ifndef DHB_ERR_H
#define DHB_ERR_H

#include <stddef.h>

/**
 * dhb_err() - write a message into @err and return @ret, for "return dhb_err(-EINVAL, ...)".
 * @ret: what to return (a -errno, or 0).
 * @err: buffer for the message, or NULL.
 * @errlen: its size; 0 writes nothing.
 * @fmt: printf format of the message, one line without a newline.
 *
 * Return: @ret.
 */
int dhb_err(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* DHB_ERR_H */
