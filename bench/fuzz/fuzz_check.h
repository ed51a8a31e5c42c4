// SPDX-License-Identifier: MIT
// The libFuzzer targets' check(): a broken promise stops the run, and libFuzzer keeps the input.
#ifndef DHB_FUZZ_CHECK_H
#define DHB_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/* Stop at the first broken promise: libFuzzer saves the input as a crash. */
#define check(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

#endif /* DHB_FUZZ_CHECK_H */
