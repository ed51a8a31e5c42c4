// SPDX-License-Identifier: MIT
/* Replay speed of the userspace allocator model: random alloc/free at ~90% use, per policy. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhr_alloc.h"

#define GRAN 4096ull

/* Metadata nodes from a free list refilled in slabs, as a kmem_cache would. */
struct pool {
	void *free;
	void **slabs;
	size_t nslabs, cap;
	size_t node_size;
};

static void *pool_alloc(void *ctx, size_t size)
{
	struct pool *p = ctx;
	void *n = p->free;
	size_t per = 4096, i;
	char *slab;

	if (n) {
		p->free = *(void **)n;
		return n;
	}
	if (p->nslabs == p->cap) {
		void **s = realloc(p->slabs, (p->cap ? p->cap * 2 : 16) * sizeof(*s));

		if (!s)
			return NULL;
		p->slabs = s;
		p->cap = p->cap ? p->cap * 2 : 16;
	}
	slab = malloc(per * size);
	if (!slab)
		return NULL;
	p->slabs[p->nslabs++] = slab;
	p->node_size = size;
	for (i = 1; i < per; i++) {
		*(void **)(slab + i * size) = p->free;
		p->free = slab + i * size;
	}
	return slab;
}

static void pool_free(void *ctx, void *node)
{
	struct pool *p = ctx;

	*(void **)node = p->free;
	p->free = node;
}

static void pool_destroy(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->nslabs; i++)
		free(p->slabs[i]);
	free(p->slabs);
	memset(p, 0, sizeof(*p));
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct req {
	uint64_t size;
	uint64_t align;
};

/* dma-buf-like sizes: mostly small buffers, some frames, a few large surfaces. */
static struct req make_req(uint64_t *s)
{
	unsigned int p = rnd(s) % 100;
	struct req r = {0, 0};

	if (p < 50)
		r.size = GRAN + rnd(s) % (64 << 10);
	else if (p < 85)
		r.size = (64 << 10) + rnd(s) % (1 << 20);
	else
		r.size = (1 << 20) + rnd(s) % (8 << 20);
	if (rnd(s) % 10 == 0)
		r.align = 64 << 10;
	return r;
}

static uint64_t block_len(enum dhr_policy pol, struct req r)
{
	uint64_t len = (r.size + GRAN - 1) & ~(GRAN - 1), b = GRAN;

	if (pol != DHR_POLICY_BUDDY)
		return len;
	while (b < len || b < r.align)
		b <<= 1;
	return b;
}

/* CPU time of this thread: on a shared machine, closer to what an idle one would show. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct result {
	double ops_per_s;
	struct dhr_stats st;
	uint64_t ops;
};

static int replay(enum dhr_policy pol, uint64_t region, uint64_t ops, unsigned int util,
		  uint64_t seed, struct result *res)
{
	struct pool pool = {0};
	struct dhr_node_ops nops = {pool_alloc, pool_free, &pool};
	struct dhr_config cfg = {0x100000000ull, region, GRAN, 0, pol};
	struct dhr_alloc a;
	uint64_t *live, *lens, nlive = 0, used = 0, target = region / 100 * util, i;
	uint64_t max_live = region / GRAN;
	bool failed = false;
	double t0;
	int ret;

	live = malloc(max_live * sizeof(*live));
	lens = malloc(max_live * sizeof(*lens));
	ret = live && lens ? dhr_init(&a, &cfg, &nops) : -ENOMEM;
	if (ret)
		goto out_free;

	/*
	 * Fill to the target untimed, then time @ops operations: an allocation while below the
	 * target, else (or after a failed allocation) the free of a random live block.
	 */
	for (i = 0, t0 = 0; i < ops;) {
		bool fill = t0 == 0;
		uint64_t addr;

		if ((used < target && !failed) || !nlive) {
			struct req r = make_req(&seed);

			failed = dhr_alloc(&a, r.size, r.align, 0, &addr) != 0;
			if (!failed) {
				live[nlive] = addr;
				lens[nlive++] = block_len(pol, r);
				used += block_len(pol, r);
			} else if (fill) {
				t0 = now(); /* full before the target: start anyway */
				continue;
			}
		} else {
			uint64_t k = rnd(&seed) % nlive;

			if (fill) {
				t0 = now();
				continue;
			}
			dhr_free(&a, live[k]);
			failed = false;
			used -= lens[k];
			live[k] = live[--nlive];
			lens[k] = lens[nlive];
		}
		if (!fill)
			i++;
	}
	res->ops_per_s = ops / (now() - t0);
	res->ops = ops;
	dhr_stats(&a, &res->st);
	ret = dhr_check(&a);
	dhr_destroy(&a);
out_free:
	pool_destroy(&pool);
	free(live);
	free(lens);
	return ret;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dhr-replay-speed [-n OPS] [-r RUNS] [-u UTIL%%] [-m REGION_MIB] [-s SEED]\n"
		"                        [-p best-fit|first-fit|buddy]\n"
		"Random alloc/free operations on the allocator core, per policy, after filling\n"
		"the region to UTIL%% (default 90); prints the median rate of RUNS runs, in\n"
		"operations per second of this thread's CPU time.\n");
}

int main(int argc, char **argv)
{
	static const struct {
		enum dhr_policy pol;
		const char *name;
	} pols[] = {
		{DHR_POLICY_BEST_FIT, "best-fit"},
		{DHR_POLICY_FIRST_FIT, "first-fit"},
		{DHR_POLICY_BUDDY, "buddy"},
	};
	uint64_t ops = 2000000, region_mib = 1024, seed = 1;
	unsigned int runs = 3, util = 90, p, r;
	const char *only = NULL;
	int c;

	while ((c = getopt(argc, argv, "n:r:u:m:s:p:h")) != -1) {
		switch (c) {
		case 'p':
			only = optarg;
			break;
		case 'n':
			ops = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			runs = strtoul(optarg, NULL, 0);
			break;
		case 'u':
			util = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			region_mib = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!ops || !runs || runs > 99 || !util || util > 99 || !region_mib) {
		usage(stderr);
		return 2;
	}

	printf("%-10s %12s %14s %10s %12s %10s %8s\n", "policy", "ops", "ops/cpu_s", "used_%",
	       "free_extents", "ext_frag_%", "failed");
	for (p = 0; p < sizeof(pols) / sizeof(pols[0]); p++) {
		double rate[99];
		struct result res = {0};

		if (only && strcmp(only, pols[p].name))
			continue;
		for (r = 0; r < runs; r++) {
			int ret = replay(pols[p].pol, region_mib << 20, ops, util, seed + r, &res);

			if (ret) {
				fprintf(stderr, "%s: %s\n", pols[p].name, strerror(-ret));
				return 1;
			}
			rate[r] = res.ops_per_s;
		}
		qsort(rate, runs, sizeof(rate[0]), cmp_double);
		printf("%-10s %12" PRIu64 " %14.0f %10.1f %12" PRIu64 " %10.2f %8" PRIu64 "\n",
		       pols[p].name, res.ops, rate[runs / 2], 100.0 * res.st.used / res.st.total,
		       res.st.free_extents, res.st.ext_frag_ppm / 1e4, res.st.failed_allocs);
	}
	return 0;
}
