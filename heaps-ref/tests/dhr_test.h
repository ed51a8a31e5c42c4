/* SPDX-License-Identifier: MIT */
/* Helpers shared by the allocator core's tests: counted metadata nodes with failure injection. */
#ifndef DHR_TEST_H
#define DHR_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhr_alloc.h"

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)

/* Nodes handed out and not yet given back; after fail_after more allocations, NULL. */
struct test_nodes {
	long live;
	long fail_after; /* -1: never fail */
};

static inline void *test_node_alloc(void *ctx, size_t size)
{
	struct test_nodes *t = ctx;
	void *p;

	if (t->fail_after == 0)
		return NULL;
	if (t->fail_after > 0)
		t->fail_after--;
	p = malloc(size);
	if (p)
		t->live++;
	return p;
}

static inline void test_node_free(void *ctx, void *node)
{
	struct test_nodes *t = ctx;

	t->live--;
	free(node);
}

static inline struct dhr_node_ops test_node_ops(struct test_nodes *t)
{
	struct dhr_node_ops ops = {
		.alloc_node = test_node_alloc,
		.free_node = test_node_free,
		.ctx = t,
	};

	t->live = 0;
	t->fail_after = -1;
	return ops;
}

/* Deterministic pseudo-random numbers (splitmix64). */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static inline uint64_t test_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
	return lo + test_rand(state) % (hi - lo + 1);
}

#endif /* DHR_TEST_H */
