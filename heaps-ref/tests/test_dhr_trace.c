// SPDX-License-Identifier: MIT
/* Hand-computed traces for the allocator core: placement, splitting, merging and error returns. */

#include <criterion/criterion.h>
#include <stdbool.h>

#include "dhr_test.h"

#define BASE 0x100000000ull /* a physical address above 4 GiB */

static struct dhr_alloc A;
static struct test_nodes N;

static void setup(enum dhr_policy policy, uint64_t base, uint64_t size, uint64_t pad)
{
	struct dhr_config cfg = {
		.base = base,
		.size = size,
		.granule = KiB(4),
		.pad = pad,
		.policy = policy,
	};
	struct dhr_node_ops ops = test_node_ops(&N);

	cr_assert_eq(dhr_init(&A, &cfg, &ops), 0);
	cr_assert_eq(dhr_check(&A), 0);
}

static void finish(void)
{
	cr_assert_eq(dhr_check(&A), 0);
	dhr_destroy(&A);
	cr_assert_eq(N.live, 0, "%ld metadata nodes leaked", N.live);
}

static bool stats_equal(const struct dhr_stats *x, const struct dhr_stats *y)
{
	return x->total == y->total && x->used == y->used && x->requested == y->requested &&
	       x->free == y->free && x->free_extents == y->free_extents &&
	       x->largest_free == y->largest_free && x->live_allocs == y->live_allocs &&
	       x->allocs == y->allocs && x->frees == y->frees &&
	       x->failed_allocs == y->failed_allocs && x->ext_frag_ppm == y->ext_frag_ppm;
}

static struct dhr_stats stats(void)
{
	struct dhr_stats st;

	dhr_stats(&A, &st);
	return st;
}

#define ALLOC_AT(size, align, max, want)                                                  \
	do {                                                                              \
		uint64_t got_ = 0;                                                        \
		int r_ = dhr_alloc(&A, (size), (align), (max), &got_);                    \
		cr_assert_eq(r_, 0, "alloc(%#" PRIx64 ") = %d", (uint64_t)(size), r_);    \
		cr_assert_eq(got_, (uint64_t)(want),                                      \
			     "alloc(%#" PRIx64 ") at +%#" PRIx64 ", expected +%#" PRIx64, \
			     (uint64_t)(size), got_ - A.base, (uint64_t)(want)-A.base);   \
		cr_assert_eq(dhr_check(&A), 0);                                           \
	} while (0)

/* A call that must fail with @err and change nothing but failed_allocs. */
#define ALLOC_FAILS(size, align, max, err)                                                         \
	do {                                                                                       \
		struct dhr_stats b_ = stats(), a_;                                                 \
		uint64_t got_ = 0xdead;                                                            \
		int r_ = dhr_alloc(&A, (size), (align), (max), &got_);                             \
		cr_assert_eq(r_, (err), "alloc(%#" PRIx64 ") = %d, expected %d", (uint64_t)(size), \
			     r_, (err));                                                           \
		cr_assert_eq(got_, 0xdead);                                                        \
		a_ = stats();                                                                      \
		b_.failed_allocs += (err) == -ENOMEM;                                              \
		cr_assert(stats_equal(&a_, &b_), "state changed by a failed alloc");               \
		cr_assert_eq(dhr_check(&A), 0);                                                    \
	} while (0)

#define FREE_OK(addr)                                                        \
	do {                                                                 \
		cr_assert_eq(dhr_free(&A, (addr)), 0, "free(+%#" PRIx64 ")", \
			     (uint64_t)(addr)-A.base);                       \
		cr_assert_eq(dhr_check(&A), 0);                              \
	} while (0)

#define FREE_FAILS(addr)                                                            \
	do {                                                                        \
		struct dhr_stats b_ = stats(), a_;                                  \
		cr_assert_eq(dhr_free(&A, (addr)), -EINVAL);                        \
		a_ = stats();                                                       \
		cr_assert(stats_equal(&a_, &b_), "state changed by a failed free"); \
		cr_assert_eq(dhr_check(&A), 0);                                     \
	} while (0)

#define EXPECT_FREE(extents, largest)                                                       \
	do {                                                                                \
		struct dhr_stats s_ = stats();                                              \
		cr_assert_eq(s_.free_extents, (uint64_t)(extents), "free extents %" PRIu64, \
			     s_.free_extents);                                              \
		cr_assert_eq(s_.largest_free, (uint64_t)(largest), "largest %#" PRIx64,     \
			     s_.largest_free);                                              \
	} while (0)

Test(best_fit, smallest_hole_and_ties)
{
	struct dhr_stats st;

	setup(DHR_POLICY_BEST_FIT, BASE, MiB(1), 0);
	ALLOC_AT(KiB(64), 0, 0, BASE);
	ALLOC_AT(KiB(16), 0, 0, BASE + KiB(64));
	ALLOC_AT(KiB(32), 0, 0, BASE + KiB(80));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(112));
	ALLOC_AT(KiB(48), 0, 0, BASE + KiB(120));
	ALLOC_AT(KiB(4), 0, 0, BASE + KiB(168));
	FREE_OK(BASE + KiB(64));  /* hole [64K, 80K) */
	FREE_OK(BASE + KiB(120)); /* hole [120K, 168K) */
	EXPECT_FREE(3, KiB(852));
	st = stats();
	cr_assert_eq(st.used, KiB(108));
	cr_assert_eq(st.live_allocs, 4);
	/* 1 - 852/916 */
	cr_assert_eq(st.ext_frag_ppm, (uint32_t)((KiB(916) - KiB(852)) * 1000000 / KiB(916)));

	ALLOC_AT(KiB(12), 0, 0, BASE + KiB(64)); /* the 16K hole, not the 48K one */
	ALLOC_AT(KiB(40), 0, 0, BASE + KiB(120));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(160)); /* exact 8K hole beats the 4K one and the tail */
	ALLOC_AT(KiB(4), 0, 0, BASE + KiB(76));
	EXPECT_FREE(1, KiB(852));

	/* alignment: the tail starts at 172K, the block goes to 192K, leaving a 20K hole */
	ALLOC_AT(KiB(4), KiB(64), 0, BASE + KiB(192));
	EXPECT_FREE(2, MiB(1) - KiB(196));
	ALLOC_AT(KiB(16), 0, 0, BASE + KiB(172));

	/* two isolated 8K holes: the lower one wins the tie */
	FREE_OK(BASE + KiB(160));
	FREE_OK(BASE + KiB(112));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(112));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(160));

	/* maximum address: only [188K, 192K) lies below 192K */
	ALLOC_FAILS(KiB(64), 0, BASE + KiB(192), -ENOMEM);
	cr_assert_eq(stats().failed_allocs, 1);
	ALLOC_AT(KiB(4), 0, BASE + KiB(192), BASE + KiB(188));
	finish();
}

Test(best_fit, alignment_skips_a_misaligned_smaller_hole)
{
	int i;

	setup(DHR_POLICY_BEST_FIT, BASE, KiB(256), 0);
	for (i = 0; i < 64; i++)
		ALLOC_AT(KiB(4), 0, 0, BASE + KiB(4) * i);
	ALLOC_FAILS(KiB(4), 0, 0, -ENOMEM);
	FREE_OK(BASE + KiB(4)); /* hole [4K, 12K): 8K, but no 8K-aligned 8K inside */
	FREE_OK(BASE + KiB(8));
	for (i = 5; i < 8; i++) /* hole [20K, 32K): 12K, holds [24K, 32K) */
		FREE_OK(BASE + KiB(4) * i);
	for (i = 40; i < 48; i++) /* hole [160K, 192K) */
		FREE_OK(BASE + KiB(4) * i);
	EXPECT_FREE(3, KiB(32));

	ALLOC_AT(KiB(8), KiB(8), 0, BASE + KiB(24));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(4));
	/* the 4K hole at 20K is too small; [160K, 176K) ends below 176K */
	ALLOC_AT(KiB(16), 0, BASE + KiB(176), BASE + KiB(160));
	ALLOC_FAILS(KiB(16), 0, BASE + KiB(190), -ENOMEM);
	ALLOC_AT(KiB(8), KiB(16), BASE + KiB(192), BASE + KiB(176));
	ALLOC_FAILS(KiB(8), KiB(16), 0, -ENOMEM);
	EXPECT_FREE(2, KiB(8));
	finish();
}

Test(best_fit, maximum_address_passes_over_a_better_hole)
{
	int i;

	setup(DHR_POLICY_BEST_FIT, BASE, KiB(256), 0);
	for (i = 0; i < 64; i++)
		ALLOC_AT(KiB(4), 0, 0, BASE + KiB(4) * i);
	for (i = 2; i < 10; i++) /* [8K, 40K) */
		FREE_OK(BASE + KiB(4) * i);
	for (i = 50; i < 54; i++) /* [200K, 216K) */
		FREE_OK(BASE + KiB(4) * i);
	ALLOC_AT(KiB(16), 0, BASE + KiB(128), BASE + KiB(8));
	/* now [24K, 40K) and [200K, 216K) are both 16K: the lower one */
	ALLOC_AT(KiB(16), 0, 0, BASE + KiB(24));
	ALLOC_AT(KiB(16), 0, 0, BASE + KiB(200));
	EXPECT_FREE(0, 0);
	cr_assert_eq(stats().ext_frag_ppm, 0);
	finish();
}

Test(first_fit, lowest_hole)
{
	setup(DHR_POLICY_FIRST_FIT, BASE, MiB(1), 0);
	ALLOC_AT(KiB(64), 0, 0, BASE);
	ALLOC_AT(KiB(16), 0, 0, BASE + KiB(64));
	ALLOC_AT(KiB(32), 0, 0, BASE + KiB(80));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(112));
	FREE_OK(BASE);		       /* [0, 64K) */
	FREE_OK(BASE + KiB(80));       /* [80K, 112K) */
	ALLOC_AT(KiB(16), 0, 0, BASE); /* best fit would take 80K */
	ALLOC_AT(KiB(32), KiB(32), 0, BASE + KiB(32));
	ALLOC_AT(KiB(20), 0, 0, BASE + KiB(80)); /* [16K, 32K) is too small */
	ALLOC_FAILS(KiB(4), 0, BASE + KiB(16), -ENOMEM);
	ALLOC_AT(KiB(4), 0, BASE + KiB(20), BASE + KiB(16));
	EXPECT_FREE(3, MiB(1) - KiB(120));
	finish();
}

Test(buddy, split_and_merge)
{
	setup(DHR_POLICY_BUDDY, BASE, MiB(1), 0);
	EXPECT_FREE(1, MiB(1));
	ALLOC_AT(KiB(4), 0, 0, BASE); /* splits 1M down to 4K: one free block per order 0..7 */
	EXPECT_FREE(8, KiB(512));
	ALLOC_AT(KiB(4), 0, 0, BASE + KiB(4));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(8));
	ALLOC_AT(KiB(12), 0, 0, BASE + KiB(16)); /* a 16K block */
	EXPECT_FREE(5, KiB(512));
	cr_assert_eq(stats().used, KiB(32));
	cr_assert_eq(stats().requested, KiB(28));
	ALLOC_AT(KiB(4), KiB(64), 0, BASE + KiB(64)); /* a 64K block for the alignment */
	EXPECT_FREE(4, KiB(512));
	cr_assert_eq(stats().used, KiB(96));

	FREE_OK(BASE + KiB(4)); /* buddy at 0 is in use */
	EXPECT_FREE(5, KiB(512));
	FREE_OK(BASE); /* merges to 8K at 0; its buddy at 8K is in use */
	EXPECT_FREE(5, KiB(512));
	FREE_OK(BASE + KiB(8)); /* 16K at 0 */
	EXPECT_FREE(5, KiB(512));
	FREE_OK(BASE + KiB(16)); /* 32K, then 64K at 0; its buddy at 64K is in use */
	EXPECT_FREE(4, KiB(512));
	FREE_OK(BASE + KiB(64));
	EXPECT_FREE(1, MiB(1));

	ALLOC_AT(KiB(512), 0, BASE + KiB(512), BASE);
	ALLOC_FAILS(KiB(4), 0, BASE + KiB(512), -ENOMEM);
	ALLOC_AT(KiB(4), 0, 0, BASE + KiB(512));
	ALLOC_AT(KiB(256), 0, 0, BASE + KiB(768));
	ALLOC_FAILS(KiB(200), 0, 0, -ENOMEM); /* needs a 256K block: none left */
	ALLOC_AT(KiB(100), 0, 0, BASE + KiB(640));
	EXPECT_FREE(5, KiB(64));
	finish();
}

Test(buddy, region_not_a_power_of_two)
{
	/* [12K, 1M) above BASE: 4K@12K 16K@16K 32K@32K 64K@64K 128K@128K 256K@256K 512K@512K */
	setup(DHR_POLICY_BUDDY, BASE + KiB(12), MiB(1) - KiB(12), 0);
	EXPECT_FREE(7, KiB(512));
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(16)); /* splits the 16K block */
	ALLOC_AT(KiB(4), 0, 0, BASE + KiB(12));
	EXPECT_FREE(6, KiB(512));
	FREE_OK(BASE + KiB(12)); /* its buddy at 8K lies outside the region */
	FREE_OK(BASE + KiB(16)); /* merges with 8K@24K; the 16K buddy at 0 is outside */
	EXPECT_FREE(7, KiB(512));
	finish();

	/* 768K: 512K@0 and 256K@512K, which never merge */
	setup(DHR_POLICY_BUDDY, BASE, KiB(768), 0);
	EXPECT_FREE(2, KiB(512));
	ALLOC_FAILS(KiB(768), 0, 0, -ENOMEM);
	ALLOC_FAILS(KiB(4), MiB(1), 0, -ENOMEM); /* no block of 1M exists */
	ALLOC_AT(KiB(300), 0, 0, BASE);
	ALLOC_AT(KiB(256), 0, 0, BASE + KiB(512));
	ALLOC_FAILS(KiB(4), 0, 0, -ENOMEM);
	FREE_OK(BASE);
	FREE_OK(BASE + KiB(512));
	EXPECT_FREE(2, KiB(512));
	finish();
}

Test(buddy, maximum_address_takes_a_larger_lower_block)
{
	setup(DHR_POLICY_BUDDY, BASE, MiB(1), 0);
	ALLOC_AT(KiB(4), 0, 0, BASE);
	FREE_OK(BASE);
	ALLOC_AT(KiB(128), 0, 0, BASE);
	/* free: 128K@128K 256K@256K 512K@512K; below 384K, a 128K block must come from 128K */
	ALLOC_AT(KiB(64), 0, BASE + KiB(384), BASE + KiB(128));
	/* now free: 64K@192K 256K@256K 512K@512K: the 64K block is too high for 200K */
	ALLOC_FAILS(KiB(64), 0, BASE + KiB(200), -ENOMEM);
	ALLOC_AT(KiB(64), 0, BASE + KiB(256), BASE + KiB(192));
	ALLOC_AT(KiB(64), 0, BASE + KiB(320), BASE + KiB(256)); /* splits 256K */
	EXPECT_FREE(3, KiB(512));
	finish();
}

static void einval_trace(enum dhr_policy policy)
{
	uint64_t a;

	setup(policy, BASE, MiB(1), 0);
	ALLOC_AT(KiB(8), 0, 0, BASE);
	ALLOC_FAILS(0, 0, 0, -EINVAL);
	ALLOC_FAILS(MiB(1) + 1, 0, 0, -EINVAL);
	ALLOC_FAILS(UINT64_MAX, 0, 0, -EINVAL);
	ALLOC_FAILS(KiB(4), 3, 0, -EINVAL);
	ALLOC_FAILS(KiB(4), KiB(2), 0, -EINVAL); /* below the granule */
	ALLOC_FAILS(KiB(4), KiB(12), 0, -EINVAL);
	ALLOC_FAILS(KiB(4), UINT64_MAX, 0, -EINVAL);
	ALLOC_FAILS(KiB(4), 0, BASE + KiB(4), -ENOMEM); /* only [0, 8K) below, in use */
	ALLOC_FAILS(KiB(4), 0, BASE - 1, -ENOMEM);	/* below the region */
	FREE_FAILS(BASE + KiB(4));			/* inside a block */
	FREE_FAILS(BASE + KiB(8));			/* never handed out */
	FREE_FAILS(0);
	FREE_FAILS(UINT64_MAX);
	FREE_OK(BASE);
	FREE_FAILS(BASE); /* double free */
	a = 0;
	cr_assert_eq(dhr_alloc(&A, MiB(1), 0, 0, &a), 0); /* the whole region */
	cr_assert_eq(a, BASE);
	ALLOC_FAILS(KiB(4), 0, 0, -ENOMEM);
	cr_assert_eq(stats().failed_allocs, 3);
	cr_assert_eq(stats().allocs, 2);
	cr_assert_eq(stats().frees, 1);
	finish();
}

Test(errors, einval_best_fit)
{
	einval_trace(DHR_POLICY_BEST_FIT);
}

Test(errors, einval_first_fit)
{
	einval_trace(DHR_POLICY_FIRST_FIT);
}

Test(errors, einval_buddy)
{
	einval_trace(DHR_POLICY_BUDDY);
}

Test(errors, init_rejects_bad_regions)
{
	struct dhr_node_ops ops = test_node_ops(&N);
	struct dhr_config good = {.base = BASE, .size = MiB(1), .granule = KiB(4)};
	struct dhr_config c;

	c = good, c.granule = 0;
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	c = good, c.granule = KiB(3);
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	c = good, c.base = BASE + 512;
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	c = good, c.size = 0;
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	c = good, c.size = MiB(1) + 512;
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	c = good, c.base = UINT64_MAX - KiB(4) + 1, c.size = KiB(8); /* wraps */
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	c = good, c.policy = (enum dhr_policy)7;
	cr_assert_eq(dhr_init(&A, &c, &ops), -EINVAL);
	cr_assert_eq(dhr_init(&A, &good, NULL), -EINVAL);
	cr_assert_eq(N.live, 0);

	/* a region just below the top of the address space, and a 1-byte granule */
	c = good, c.base = UINT64_MAX - MiB(2) + 1, c.policy = DHR_POLICY_BUDDY;
	cr_assert_eq(dhr_init(&A, &c, &ops), 0);
	ALLOC_AT(MiB(1), 0, 0, c.base);
	finish();
	c = good, c.granule = 1, c.size = 1000;
	cr_assert_eq(dhr_init(&A, &c, &ops), 0);
	ALLOC_AT(3, 0, 0, BASE);
	ALLOC_AT(5, 4, 0, BASE + 4);
	finish();
}

Test(pad, pad_counts_as_used_and_below_the_limit)
{
	uint64_t sz;

	setup(DHR_POLICY_BEST_FIT, BASE, MiB(1), 100);
	ALLOC_AT(KiB(4), 0, 0, BASE); /* 4096 + 100 -> 8K */
	ALLOC_AT(1, 0, 0, BASE + KiB(8));
	cr_assert_eq(dhr_block_size(&A, BASE, &sz), 0);
	cr_assert_eq(sz, KiB(8));
	cr_assert_eq(dhr_block_size(&A, BASE + KiB(8), &sz), 0);
	cr_assert_eq(sz, KiB(4));
	cr_assert_eq(dhr_block_size(&A, BASE + KiB(4), &sz), -EINVAL);
	cr_assert_eq(stats().used, KiB(12));
	cr_assert_eq(stats().requested, KiB(4) + 1);
	ALLOC_FAILS(4000, 0, BASE + KiB(16), -ENOMEM); /* 4100 bytes do not fit in [12K, 16K) */
	ALLOC_AT(3996, 0, BASE + KiB(16), BASE + KiB(12));
	ALLOC_FAILS(MiB(1) - 99, 0, 0, -EINVAL); /* larger than the region once padded */
	finish();

	setup(DHR_POLICY_BUDDY, BASE, MiB(1), KiB(4));
	ALLOC_AT(KiB(4), 0, 0, BASE);		/* 8K block */
	ALLOC_AT(KiB(8), 0, 0, BASE + KiB(16)); /* 12K -> 16K block */
	cr_assert_eq(stats().used, KiB(24));
	ALLOC_FAILS(MiB(1), 0, 0, -EINVAL);
	finish();
}

static void fill_and_drain(enum dhr_policy policy)
{
	uint64_t i, n = MiB(1) / KiB(4);

	setup(policy, BASE, MiB(1), 0);
	for (i = 0; i < n; i++) {
		uint64_t a = 0;

		cr_assert_eq(dhr_alloc(&A, KiB(4), 0, 0, &a), 0);
		cr_assert_eq(a, BASE + i * KiB(4));
	}
	ALLOC_FAILS(KiB(4), 0, 0, -ENOMEM);
	EXPECT_FREE(0, 0);
	cr_assert_eq(stats().used, MiB(1));
	cr_assert_eq(dhr_check(&A), 0);
	for (i = 0; i < n; i += 2) /* every other block: n/2 holes, nothing coalesces */
		cr_assert_eq(dhr_free(&A, BASE + i * KiB(4)), 0);
	EXPECT_FREE(n / 2, KiB(4));
	cr_assert_eq(stats().ext_frag_ppm, (n / 2 - 1) * 1000000 / (n / 2));
	ALLOC_FAILS(KiB(8), 0, 0, -ENOMEM);
	cr_assert_eq(dhr_check(&A), 0);
	for (i = 1; i < n; i += 2)
		cr_assert_eq(dhr_free(&A, BASE + i * KiB(4)), 0);
	EXPECT_FREE(1, MiB(1));
	cr_assert_eq(stats().used, 0);
	cr_assert_eq(stats().live_allocs, 0);
	finish();
}

Test(exhaustion, best_fit)
{
	fill_and_drain(DHR_POLICY_BEST_FIT);
}

Test(exhaustion, first_fit)
{
	fill_and_drain(DHR_POLICY_FIRST_FIT);
}

Test(exhaustion, buddy)
{
	fill_and_drain(DHR_POLICY_BUDDY);
}

/* Every allocation that needs metadata fails cleanly when the node callback returns NULL. */
Test(nodes, failed_node_allocation_changes_nothing)
{
	struct dhr_node_ops ops = test_node_ops(&N);
	struct dhr_config c = {.base = BASE, .size = MiB(1), .granule = KiB(4)};
	long k;

	setup(DHR_POLICY_BEST_FIT, BASE, MiB(1), 0);
	ALLOC_AT(KiB(4), 0, 0, BASE);
	N.fail_after = 0; /* a split needs a node */
	ALLOC_FAILS(KiB(4), 0, 0, -ENOMEM);
	N.fail_after = 1; /* head and tail need two */
	ALLOC_FAILS(KiB(4), KiB(64), 0, -ENOMEM);
	cr_assert_eq(stats().failed_allocs, 2);
	N.fail_after = 0;
	FREE_OK(BASE);		      /* free never allocates */
	ALLOC_AT(MiB(1), 0, 0, BASE); /* nor does taking a whole extent */
	FREE_OK(BASE);
	N.fail_after = -1;
	finish();

	/* buddy: a 4K block from 1M needs 8 nodes; fail each of them in turn */
	setup(DHR_POLICY_BUDDY, BASE, MiB(1), 0);
	for (k = 0; k < 8; k++) {
		N.fail_after = k;
		ALLOC_FAILS(KiB(4), 0, 0, -ENOMEM);
	}
	N.fail_after = 8;
	ALLOC_AT(KiB(4), 0, 0, BASE);
	finish();

	/* buddy init: 7 blocks for [12K, 1M); fail each */
	c.base = BASE + KiB(12), c.size = MiB(1) - KiB(12), c.policy = DHR_POLICY_BUDDY;
	for (k = 0; k < 7; k++) {
		ops = test_node_ops(&N);
		N.fail_after = k;
		cr_assert_eq(dhr_init(&A, &c, &ops), -ENOMEM);
		cr_assert_eq(N.live, 0);
	}
	c.policy = DHR_POLICY_BEST_FIT;
	N.fail_after = 0;
	cr_assert_eq(dhr_init(&A, &c, &ops), -ENOMEM);
	cr_assert_eq(N.live, 0);
}

Test(nodes, node_size_and_destroy_with_live_blocks)
{
	cr_assert_geq(dhr_node_size(), sizeof(uint64_t) * 3);
	cr_assert_leq(dhr_node_size(), 128);
	setup(DHR_POLICY_BEST_FIT, BASE, MiB(1), 0);
	ALLOC_AT(KiB(4), 0, 0, BASE);
	ALLOC_AT(KiB(4), KiB(64), 0, BASE + KiB(64));
	finish(); /* destroy gives back block and extent nodes alike */
}

Test(check, detects_corrupted_counters)
{
	setup(DHR_POLICY_BEST_FIT, BASE, MiB(1), 0);
	ALLOC_AT(KiB(4), 0, 0, BASE);
	A.used += KiB(4);
	cr_assert_eq(dhr_check(&A), -EUCLEAN);
	A.used -= KiB(4);
	A.free_extents++;
	cr_assert_eq(dhr_check(&A), -EUCLEAN);
	A.free_extents--;
	A.requested--;
	cr_assert_eq(dhr_check(&A), -EUCLEAN);
	A.requested++;
	A.live_allocs++;
	cr_assert_eq(dhr_check(&A), -EUCLEAN);
	A.live_allocs--;
	finish();

	setup(DHR_POLICY_BUDDY, BASE, MiB(1), 0);
	ALLOC_AT(KiB(4), 0, 0, BASE);
	A.free_extents--;
	cr_assert_eq(dhr_check(&A), -EUCLEAN);
	A.free_extents++;
	A.max_order -= 2; /* the free 512K block is now above the top order */
	cr_assert_eq(dhr_check(&A), -EUCLEAN);
	A.max_order += 2;
	finish();
}

/* The policies' names: one table in the core, for the module's policy= and for frag. */
Test(policy, names_round_trip)
{
	static const char *const names[] = {"best-fit", "first-fit", "buddy"};
	enum dhr_policy p = DHR_NR_POLICIES;
	unsigned int i;

	cr_assert_eq(DHR_NR_POLICIES, 3);
	for (i = 0; i < DHR_NR_POLICIES; i++) {
		cr_expect_str_eq(dhr_policy_name((enum dhr_policy)i), names[i]);
		cr_assert_eq(dhr_policy_parse(names[i], &p), 0);
		cr_expect_eq(p, (enum dhr_policy)i);
	}
	cr_expect_eq(DHR_POLICY_FIRST_FIT, 1);
	cr_expect_str_eq(dhr_policy_name(DHR_NR_POLICIES), "?");
	cr_expect_str_eq(dhr_policy_name((enum dhr_policy)(DHR_NR_POLICIES + 1)), "?");
	p = DHR_POLICY_BUDDY;
	cr_expect_eq(dhr_policy_parse("worst-fit", &p), -EINVAL);
	cr_expect_eq(dhr_policy_parse("", &p), -EINVAL);
	cr_expect_eq(dhr_policy_parse("best-fit\n", &p), -EINVAL, "exact names only");
	cr_expect_eq(dhr_policy_parse("Best-fit", &p), -EINVAL);
	cr_expect_eq(p, DHR_POLICY_BUDDY, "unchanged on failure");
}
