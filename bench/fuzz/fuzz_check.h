// SPDX-License-Identifier: MIT
// The fuzz targets' check: a broken promise aborts, so libFuzzer keeps the input like a crash.
#ifndef DHB_FUZZ_CHECK_H
#define DHB_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/* Stop at the first broken promise of the parser, naming the target (@who) and the check. */
#define FUZZ_CHECK(who, cond)                                                                     \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "%s: %s:%d: check failed: %s\n", who, __FILE__, __LINE__, \
				#cond);                                                           \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

#endif /* DHB_FUZZ_CHECK_H */
