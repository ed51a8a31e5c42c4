// SPDX-License-Identifier: MIT
// Helpers shared by the bench unit tests: a seeded PRNG and capture of a sink's output.
#ifndef DHB_TESTUTIL_H
#define DHB_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

/* splitmix64: small, seedable, identical on every platform. */
static inline uint64_t tu_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform double in (0, 1). */
static inline double tu_unit(uint64_t *state)
{
	return ((double)(tu_next(state) >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal deviate (Box-Muller). */
static inline double tu_normal(uint64_t *state)
{
	double u1 = tu_unit(state), u2 = tu_unit(state);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static inline int tu_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

#endif /* DHB_TESTUTIL_H */
