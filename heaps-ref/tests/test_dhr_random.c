// SPDX-License-Identifier: MIT
/* Seeded random alloc/free runs of the allocator core, checked against naive models. */

#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "dhr_test.h"

#define GRAN KiB(4)

/* ---- the region as a bitmap of granules, 1 = in use ---------------------------------------- */

struct bitmap {
	uint64_t *w;
	uint64_t bits;
};

static void bm_init(struct bitmap *b, uint64_t bits)
{
	b->bits = bits;
	b->w = calloc((bits + 63) / 64, sizeof(uint64_t));
	cr_assert_not_null(b->w);
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t word_mask(unsigned int lo, unsigned int hi)
{
	uint64_t m = hi == 64 ? ~0ull : (1ull << hi) - 1;

	return m & ~((1ull << lo) - 1);
}

/* Whether bits [i, i + n) are all clear; or set them to @val. */
static bool bm_apply(struct bitmap *b, uint64_t i, uint64_t n, int val)
{
	uint64_t end = i + n;

	while (i < end) {
		unsigned int lo = i % 64,
			     hi = end - (i - lo) >= 64 ? 64 : (unsigned int)(end - (i - lo));
		uint64_t m = word_mask(lo, hi), *w = &b->w[i / 64];

		if (val < 0 && (*w & m))
			return false;
		if (val == 1)
			*w |= m;
		else if (val == 0)
			*w &= ~m;
		i += hi - lo;
	}
	return true;
}

/* First bit at or after @i equal to @val, or b->bits. */
static uint64_t bm_find(const struct bitmap *b, uint64_t i, bool val)
{
	while (i < b->bits) {
		uint64_t w = b->w[i / 64];

		if (!val)
			w = ~w;
		w &= ~0ull << (i % 64);
		if (w) {
			i = (i & ~63ull) + (uint64_t)__builtin_ctzll(w);
			return i < b->bits ? i : b->bits;
		}
		i = (i & ~63ull) + 64;
	}
	return b->bits;
}

/* ---- the fit policies' expected choice, from the bitmap ------------------------------------ */

struct region {
	uint64_t base, size, pad;
	enum dhr_policy policy;
};

static uint64_t round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

/* Expected address for the fit policies, or 0 for none (0 is never inside the test regions). */
static uint64_t model_fit(const struct region *r, const struct bitmap *b, uint64_t len,
			  uint64_t align, uint64_t limit)
{
	uint64_t best = 0, best_len = UINT64_MAX, i = bm_find(b, 0, false);

	while (i < b->bits) {
		uint64_t j = bm_find(b, i, true), s = r->base + i * GRAN, e = r->base + j * GRAN;
		uint64_t at = round_up(s, align), top = e < limit ? e : limit;

		if (at < top && top - at >= len) {
			if (r->policy == DHR_POLICY_FIRST_FIT)
				return at;
			if (e - s < best_len) {
				best = at;
				best_len = e - s;
			}
		}
		i = bm_find(b, j, false);
	}
	return best;
}

/* ---- a naive buddy model: an unsorted array of free blocks --------------------------------- */

struct mblock {
	uint64_t addr;
	unsigned int order;
};

struct buddy_model {
	struct mblock *free;
	size_t n, cap;
	unsigned int max_order;
};

static void bmod_push(struct buddy_model *m, uint64_t addr, unsigned int order)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->free = realloc(m->free, m->cap * sizeof(*m->free));
		cr_assert_not_null(m->free);
	}
	m->free[m->n].addr = addr;
	m->free[m->n].order = order;
	m->n++;
}

static void bmod_init(struct buddy_model *m, uint64_t base, uint64_t size)
{
	uint64_t p = base, end = base + size;

	memset(m, 0, sizeof(*m));
	m->max_order = 63 - __builtin_clzll(size / GRAN);
	while (p < end) {
		unsigned int k = 0;

		while (k < m->max_order && p % (GRAN << (k + 1)) == 0 &&
		       (GRAN << (k + 1)) <= end - p)
			k++;
		bmod_push(m, p, k);
		p += GRAN << k;
	}
}

static unsigned int order_of(uint64_t bytes)
{
	unsigned int k = 0;

	while ((GRAN << k) < bytes)
		k++;
	return k;
}

/* Take the block the buddy policy should; return its address or 0. */
static uint64_t bmod_alloc(struct buddy_model *m, uint64_t len, uint64_t align, uint64_t limit)
{
	unsigned int k = order_of(len), j;
	size_t i, pick = SIZE_MAX;

	if (order_of(align) > k)
		k = order_of(align);
	for (j = k; j <= m->max_order && pick == SIZE_MAX; j++)
		for (i = 0; i < m->n; i++)
			if (m->free[i].order == j && m->free[i].addr + (GRAN << k) <= limit &&
			    (pick == SIZE_MAX || m->free[i].addr < m->free[pick].addr))
				pick = i;
	if (pick == SIZE_MAX)
		return 0;
	{
		uint64_t addr = m->free[pick].addr;

		j = m->free[pick].order;
		m->free[pick] = m->free[--m->n];
		while (j > k) {
			j--;
			bmod_push(m, addr + (GRAN << j), j);
		}
		return addr;
	}
}

static void bmod_free(struct buddy_model *m, uint64_t addr, uint64_t len)
{
	unsigned int k = order_of(len);
	bool merged = true;

	while (merged && k < m->max_order) {
		uint64_t bud = addr ^ (GRAN << k);
		size_t i;

		merged = false;
		for (i = 0; i < m->n; i++) {
			if (m->free[i].order == k && m->free[i].addr == bud) {
				m->free[i] = m->free[--m->n];
				addr = addr < bud ? addr : bud;
				k++;
				merged = true;
				break;
			}
		}
	}
	bmod_push(m, addr, k);
}

/* ---- the run ------------------------------------------------------------------------------- */

struct live {
	uint64_t addr, len, req;
};

struct run {
	struct region r;
	struct dhr_alloc a;
	struct test_nodes nodes;
	struct bitmap bm;
	struct buddy_model bmod;
	struct live *live;
	size_t nlive;
	uint64_t used, requested, failed, allocs, frees;
	uint64_t rng;
	bool exact;	  /* compare every placement with the models */
	uint64_t max_req; /* largest request */
	uint64_t limit4g; /* a maximum address that often matters */
};

static void run_init(struct run *t, const struct region *r, uint64_t seed, bool exact)
{
	struct dhr_config cfg = {
		.base = r->base,
		.size = r->size,
		.granule = GRAN,
		.pad = r->pad,
		.policy = r->policy,
	};
	struct dhr_node_ops ops = test_node_ops(&t->nodes);

	memset(t, 0, sizeof(*t));
	t->r = *r;
	t->rng = seed;
	t->exact = exact;
	ops.ctx = &t->nodes;
	t->nodes.fail_after = -1;
	cr_assert_eq(dhr_init(&t->a, &cfg, &ops), 0);
	bm_init(&t->bm, r->size / GRAN);
	t->live = calloc(r->size / GRAN, sizeof(*t->live));
	cr_assert_not_null(t->live);
	if (r->policy == DHR_POLICY_BUDDY)
		bmod_init(&t->bmod, r->base, r->size);
}

static uint64_t expected_len(const struct run *t, uint64_t size, uint64_t align)
{
	uint64_t len = round_up(size + t->r.pad, GRAN);

	if (t->r.policy != DHR_POLICY_BUDDY)
		return len;
	len = GRAN << order_of(len);
	return len > align ? len : align;
}

/* Compare every counter with the models; walk the invariants. */
static void run_verify(struct run *t)
{
	struct dhr_stats st;
	uint64_t runs = 0, largest = 0, i;

	cr_assert_eq(dhr_check(&t->a), 0, "invariants broken after %" PRIu64 " allocs", t->allocs);
	dhr_stats(&t->a, &st);
	cr_assert_eq(st.total, t->r.size);
	cr_assert_eq(st.used, t->used);
	cr_assert_eq(st.free, t->r.size - t->used);
	cr_assert_eq(st.requested, t->requested);
	cr_assert_eq(st.live_allocs, t->nlive);
	cr_assert_eq(st.failed_allocs, t->failed);
	cr_assert_eq(st.allocs, t->allocs);
	cr_assert_eq(st.frees, t->frees);

	if (t->r.policy == DHR_POLICY_BUDDY) {
		for (i = 0; t->exact && i < t->bmod.n; i++)
			if ((GRAN << t->bmod.free[i].order) > largest)
				largest = GRAN << t->bmod.free[i].order;
		if (t->exact) {
			cr_assert_eq(st.free_extents, t->bmod.n);
			cr_assert_eq(st.largest_free, largest);
		}
		largest = st.largest_free;
	} else {
		for (i = bm_find(&t->bm, 0, false); i < t->bm.bits;) {
			uint64_t j = bm_find(&t->bm, i, true);

			runs++;
			if ((j - i) * GRAN > largest)
				largest = (j - i) * GRAN;
			i = bm_find(&t->bm, j, false);
		}
		cr_assert_eq(st.free_extents, runs, "free extents %" PRIu64 ", model %" PRIu64,
			     st.free_extents, runs);
		cr_assert_eq(st.largest_free, largest);
	}
	if (st.free)
		cr_assert_eq(st.ext_frag_ppm, (st.free - largest) * 1000000 / st.free);
	else
		cr_assert_eq(st.ext_frag_ppm, 0);
}

static void do_alloc(struct run *t)
{
	uint64_t *rng = &t->rng, size, align = 0, max = 0, addr = 0, limit, want = 0;
	unsigned int pick = test_rand(rng) % 100;
	int ret;

	if (pick < 55)
		size = test_range(rng, 1, KiB(64));
	else if (pick < 85)
		size = test_range(rng, KiB(64), MiB(1));
	else if (pick < 97)
		size = test_range(rng, MiB(1), MiB(4));
	else
		size = test_range(rng, MiB(4), MiB(16));
	if (size > t->max_req)
		size = test_range(rng, 1, t->max_req);
	pick = test_rand(rng) % 100;
	if (pick < 10)
		align = GRAN;
	else if (pick < 35)
		align = KiB(8) << test_range(rng, 0, 8); /* 8K .. 2M */
	pick = test_rand(rng) % 100;
	if (pick < 10)
		max = t->limit4g;
	else if (pick < 20)
		max = test_range(rng, t->r.base - KiB(64), t->r.base + t->r.size + MiB(1));

	limit = max && max < t->r.base + t->r.size ? max : t->r.base + t->r.size;
	if (t->exact) {
		uint64_t len = expected_len(t, size, align ? align : GRAN);

		if (limit < t->r.base || limit - t->r.base < len)
			want = 0;
		else if (t->r.policy == DHR_POLICY_BUDDY)
			want = bmod_alloc(&t->bmod, len, align ? align : GRAN, limit);
		else
			want = model_fit(&t->r, &t->bm, len, align ? align : GRAN, limit);
	}

	ret = dhr_alloc(&t->a, size, align, max, &addr);
	if (ret == -ENOMEM) {
		cr_assert(!t->exact || !want, "ENOMEM, but +%#" PRIx64 " fits %#" PRIx64,
			  want - t->r.base, size);
		t->failed++;
		return;
	}
	cr_assert_eq(ret, 0, "alloc(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ") = %d", size, align,
		     max, ret);
	{
		uint64_t len = 0, a = align ? align : GRAN;
		struct live *l = &t->live[t->nlive++];

		cr_assert_eq(dhr_block_size(&t->a, addr, &len), 0);
		cr_assert_eq(len, expected_len(t, size, a));
		cr_assert(!t->exact || addr == want,
			  "alloc(%#" PRIx64 ", %#" PRIx64 ") at +%#" PRIx64 ", model +%#" PRIx64,
			  size, a, addr - t->r.base, want - t->r.base);
		cr_assert(addr >= t->r.base && addr - t->r.base <= t->r.size - len,
			  "block outside the region");
		cr_assert_eq(addr % a, 0, "misaligned");
		if (t->r.policy == DHR_POLICY_BUDDY)
			cr_assert_eq(addr % len, 0, "buddy block not naturally aligned");
		cr_assert(addr + len <= limit, "block ends above the maximum address");
		cr_assert(bm_apply(&t->bm, (addr - t->r.base) / GRAN, len / GRAN, -1),
			  "block overlaps a live one");
		bm_apply(&t->bm, (addr - t->r.base) / GRAN, len / GRAN, 1);
		l->addr = addr;
		l->len = len;
		l->req = size;
		t->used += len;
		t->requested += size;
		t->allocs++;
	}
}

static void do_free(struct run *t, size_t i)
{
	struct live l = t->live[i];

	cr_assert_eq(dhr_free(&t->a, l.addr), 0);
	bm_apply(&t->bm, (l.addr - t->r.base) / GRAN, l.len / GRAN, 0);
	if (t->r.policy == DHR_POLICY_BUDDY && t->exact)
		bmod_free(&t->bmod, l.addr, l.len);
	t->live[i] = t->live[--t->nlive];
	t->used -= l.len;
	t->requested -= l.req;
	t->frees++;
	/* now and then, the same address again */
	if (test_rand(&t->rng) % 64 == 0)
		cr_assert_eq(dhr_free(&t->a, l.addr), -EINVAL, "double free accepted");
}

/* @ops random operations aiming at ~85% use, verifying every @every; then free all. */
static void run_random(const struct region *r, uint64_t seed, uint64_t ops, uint64_t every,
		       bool exact)
{
	struct run *t = calloc(1, sizeof(*t));
	struct dhr_stats st0, st;
	uint64_t i;

	cr_assert_not_null(t);
	run_init(t, r, seed, exact);
	dhr_stats(&t->a, &st0);
	t->max_req = r->size / 4;
	/* the 4 GiB line of 32-bit devices where it crosses the region, else its middle */
	t->limit4g = 0x100000000ull;
	if (t->limit4g <= r->base || t->limit4g >= r->base + r->size)
		t->limit4g = r->base + r->size / 2;
	for (i = 0; i < ops; i++) {
		bool full = t->used * 100 > r->size * 85;
		unsigned int p = test_rand(&t->rng) % 100;

		if (t->nlive && (p < (full ? 70u : 40u)))
			do_free(t, test_rand(&t->rng) % t->nlive);
		else
			do_alloc(t);
		if (i % every == 0)
			run_verify(t);
	}
	run_verify(t);
	while (t->nlive) {
		do_free(t, test_rand(&t->rng) % t->nlive);
		if (t->nlive % every == 0)
			run_verify(t);
	}
	run_verify(t);
	/* all free again: coalesced back to how it started */
	dhr_stats(&t->a, &st);
	cr_assert_eq(st.free_extents, st0.free_extents);
	cr_assert_eq(st.largest_free, st0.largest_free);
	if (r->policy != DHR_POLICY_BUDDY)
		cr_assert_eq(st.largest_free, r->size);
	cr_log_info("policy %d: %" PRIu64 " allocs, %" PRIu64 " failed", r->policy, t->allocs,
		    t->failed);
	dhr_destroy(&t->a);
	cr_assert_eq(t->nodes.live, 0, "%ld nodes leaked", t->nodes.live);
	free(t->bm.w);
	free(t->live);
	free(t->bmod.free);
	free(t);
}

/*
 * Exact: a 16 MiB region straddling 4 GiB (so the 4 GiB maximum address splits it), every
 * placement compared with the models. Coarse: 1 GiB, 2 million operations in all, invariants and
 * counters every 1000 operations.
 */
#define STRADDLE (0x100000000ull - MiB(8) - KiB(20))

Test(random, exact_best_fit)
{
	struct region r = {STRADDLE, MiB(16), 0, DHR_POLICY_BEST_FIT};

	run_random(&r, 1, 150000, 1000, true);
}

Test(random, exact_first_fit)
{
	struct region r = {STRADDLE, MiB(16), 0, DHR_POLICY_FIRST_FIT};

	run_random(&r, 2, 150000, 1000, true);
}

Test(random, exact_buddy)
{
	struct region r = {STRADDLE, MiB(16), 0, DHR_POLICY_BUDDY};

	run_random(&r, 3, 150000, 1000, true);
}

Test(random, exact_buddy_aligned)
{
	struct region r = {0x100000000ull, MiB(16), 0, DHR_POLICY_BUDDY};

	run_random(&r, 5, 100000, 1000, true);
}

Test(random, exact_best_fit_padded)
{
	struct region r = {0x100000000ull, MiB(16), 300, DHR_POLICY_BEST_FIT};

	run_random(&r, 4, 100000, 1000, true);
}

Test(random, million_best_fit)
{
	struct region r = {0x100000000ull, MiB(1024), 0, DHR_POLICY_BEST_FIT};

	run_random(&r, 11, 800000, 1000, false);
}

Test(random, half_million_first_fit)
{
	struct region r = {0xc0000000ull, MiB(1024), 64, DHR_POLICY_FIRST_FIT};

	run_random(&r, 12, 500000, 1000, false);
}

Test(random, half_million_buddy)
{
	struct region r = {0x80000000ull + MiB(3), MiB(1024) - MiB(5), 0, DHR_POLICY_BUDDY};

	run_random(&r, 13, 700000, 1000, false);
}
