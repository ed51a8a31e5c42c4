// SPDX-License-Identifier: MIT
// The fuzz targets' check: a broken promise aborts, so libFuzzer keeps the input like a crash.
#ifndef DHB_FUZZ_CHECK_H
#define DHB_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stop at the first broken promise of the parser, naming the target (@who) and the check. */
#define FUZZ_CHECK(who, cond)                                                                     \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "%s: %s:%d: check failed: %s\n", who, __FILE__, __LINE__, \
				#cond);                                                           \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

/*
 * Exact-size copies of the input and of a message buffer of @errlen bytes: ASan sees any read
 * past the input or write past the message. Free both.
 */
static inline void fuzz_copy(const uint8_t *data, size_t size, size_t errlen, char **buf,
			     char **err)
{
	*buf = malloc(size ? size : 1);
	*err = malloc(errlen);
	FUZZ_CHECK("fuzz", *buf && *err);
	if (size)
		memcpy(*buf, data, size);
	(*err)[0] = '\0';
}

#endif /* DHB_FUZZ_CHECK_H */
