// SPDX-License-Identifier: MIT
// Unit tests of the histogram mode: bucket geometry, the documented error bounds, the switch.
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "dhb/stats.h"
#include "stats_priv.h"
#include "testutil.h"

#define EPS (1.0 / (2 << DHB_STATS_SUB_BITS)) /* documented relative bound, 1/256 */

Test(hist, geometry)
{
	size_t i;

	cr_assert_eq(dhb_hist_index(0), 0);
	cr_assert_eq(dhb_hist_index(255), 255);
	cr_assert_eq(dhb_hist_index(256), 256);
	cr_assert_eq(dhb_hist_index(UINT64_MAX), DHB_STATS_NBUCKETS - 1);
	cr_assert_eq(dhb_hist_lower(0), 0);
	for (i = 0; i < DHB_STATS_NBUCKETS; i++) {
		uint64_t lo = dhb_hist_lower(i), w = dhb_hist_width(i);

		cr_assert_eq(dhb_hist_index(lo), i, "bucket %zu", i);
		cr_assert_eq(dhb_hist_index(lo + (w - 1)), i, "bucket %zu", i);
		if (i + 1 < DHB_STATS_NBUCKETS)
			cr_assert_eq(dhb_hist_lower(i + 1), lo + w, "gap after bucket %zu", i);
		else
			cr_assert_eq(lo + (w - 1), UINT64_MAX);
		if (i >= 256) /* width <= value / 2^K: half a width <= value / 256 */
			cr_assert_leq(w << DHB_STATS_SUB_BITS, lo, "bucket %zu", i);
		else
			cr_assert_eq(w, 1);
	}
}

/* Sorted copy of random samples, log-uniform over 1 ns .. 10 s. */
static uint64_t *log_uniform(size_t n, uint64_t seed)
{
	uint64_t *v = malloc(n * sizeof(*v));
	size_t i;

	cr_assert_not_null(v);
	for (i = 0; i < n; i++)
		v[i] = (uint64_t)llround(exp(tu_unit(&seed) * log(1e10)));
	return v;
}

static double exact_pct(const uint64_t *sorted, size_t n, double p)
{
	return (double)sorted[dhb_stats_rank(n, p) - 1];
}

static void check_bound(double got, double want, const char *what, double p)
{
	cr_assert_leq(fabs(got - want), want * EPS, "%s p%g: histogram %.17g exact %.17g", what, p,
		      got, want);
}

Test(hist, percentile_error_bound)
{
	const size_t n = 200000;
	uint64_t *v = log_uniform(n, 2024);
	struct dhb_stats h, e;
	struct dhb_stats_summary hs, es;
	double p, got;
	size_t i;

	dhb_stats_init(&h, 1000);
	dhb_stats_init(&e, n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(dhb_stats_add(&h, v[i]), 0);
		cr_assert_eq(dhb_stats_add(&e, v[i]), 0);
	}
	cr_assert(!dhb_stats_is_exact(&h));
	cr_assert(dhb_stats_is_exact(&e));
	qsort(v, n, sizeof(*v), tu_cmp_u64);
	for (p = 0; p <= 100; p += 0.1) {
		cr_assert_eq(dhb_stats_percentile(&h, p, &got), 0);
		check_bound(got, exact_pct(v, n, p), "grid", p);
	}
	for (i = 0; i < 5; i++) {
		static const double tail[] = {99.9, 99.99, 99.999, 0.001, 100};

		cr_assert_eq(dhb_stats_percentile(&h, tail[i], &got), 0);
		check_bound(got, exact_pct(v, n, tail[i]), "tail", tail[i]);
	}
	cr_assert_eq(dhb_stats_summarize(&h, &hs), 0);
	cr_assert_eq(dhb_stats_summarize(&e, &es), 0);
	cr_assert_eq(hs.flags, DHB_FLAG_APPROX);
	cr_assert_eq(es.flags, 0);
	check_bound(hs.p50, es.p50, "summary", 50);
	check_bound(hs.p90, es.p90, "summary", 90);
	check_bound(hs.p99, es.p99, "summary", 99);
	check_bound(hs.p99_9, es.p99_9, "summary", 99.9);
	/* exact in both modes */
	cr_assert_eq(hs.n, es.n);
	cr_assert_eq(hs.min, (double)v[0]);
	cr_assert_eq(hs.max, (double)v[n - 1]);
	cr_assert_eq(hs.mean, es.mean);
	cr_assert_eq(hs.stddev, es.stddev);
	cr_assert_leq(fabs(hs.mad - es.mad), (2 * es.p50 + es.mad) * EPS, "mad %g vs %g", hs.mad,
		      es.mad);
	dhb_stats_fini(&h);
	dhb_stats_fini(&e);
	free(v);
}

/* A tight distribution (MAD << median) stresses the MAD bound; outliers are far away. */
Test(hist, mad_and_outliers)
{
	const size_t n = 100000;
	struct dhb_stats h, e;
	struct dhb_stats_summary hs, es;
	uint64_t seed = 77, x;
	size_t i;

	dhb_stats_init(&h, 4096);
	dhb_stats_init(&e, n);
	for (i = 0; i < n; i++) {
		if (i % 1000 == 999)
			x = 50000000 + tu_next(&seed) % 1000; /* 100 outliers at 50 ms */
		else
			x = 2000000 + tu_next(&seed) % 20001; /* 2 ms + 0..20 us, uniform */
		dhb_stats_add(&h, x);
		dhb_stats_add(&e, x);
	}
	cr_assert_eq(dhb_stats_summarize(&h, &hs), 0);
	cr_assert_eq(dhb_stats_summarize(&e, &es), 0);
	cr_assert_eq(es.outliers, 100);
	cr_assert_eq(hs.outliers, es.outliers);
	check_bound(hs.p50, es.p50, "tight", 50);
	cr_assert_leq(fabs(hs.mad - es.mad), (2 * es.p50 + es.mad) * EPS, "mad %g vs %g", hs.mad,
		      es.mad);
	cr_assert_float_eq(es.mad, 5000, 100);
	dhb_stats_fini(&h);
	dhb_stats_fini(&e);
}

Test(hist, switch_at_bound)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;
	uint64_t i;

	dhb_stats_init(&st, 1000);
	for (i = 1; i <= 1000; i++)
		cr_assert_eq(dhb_stats_add(&st, i * 1000), 0);
	cr_assert(dhb_stats_is_exact(&st));
	cr_assert_eq(dhb_stats_summarize(&st, &s), 0);
	cr_assert_eq(s.flags, 0);
	cr_assert_eq(s.p50, 500000);
	cr_assert_eq(dhb_stats_add(&st, 1001000), 0);
	cr_assert(!dhb_stats_is_exact(&st));
	cr_assert_null(st.samples);
	cr_assert_eq(dhb_stats_summarize(&st, &s), 0);
	cr_assert_eq(s.flags, DHB_FLAG_APPROX);
	cr_assert_eq(s.n, 1001);
	cr_assert_eq(s.min, 1000);
	cr_assert_eq(s.max, 1001000);
	cr_assert_float_eq(s.mean, 501000, 1e-6);
	check_bound(s.p50, 501000, "switched", 50); /* rank 501 of 1001 */
	check_bound(s.p90, 901000, "switched", 90);
	/* reset returns to exact mode */
	dhb_stats_reset(&st);
	cr_assert(dhb_stats_is_exact(&st));
	cr_assert_eq(dhb_stats_add(&st, 5), 0);
	cr_assert_eq(dhb_stats_summarize(&st, &s), 0);
	cr_assert_eq(s.p50, 5);
	cr_assert_eq(s.flags, 0);
	dhb_stats_fini(&st);
}

/* Values below 2^(K+1) have their own buckets: the histogram is exact there. */
Test(hist, small_values_exact)
{
	struct dhb_stats h, e;
	struct dhb_stats_summary hs, es;
	uint64_t seed = 3, x;
	int i;

	dhb_stats_init(&h, 16);
	dhb_stats_init(&e, 0);
	for (i = 0; i < 5000; i++) {
		x = tu_next(&seed) % 256;
		dhb_stats_add(&h, x);
		dhb_stats_add(&e, x);
	}
	dhb_stats_summarize(&h, &hs);
	dhb_stats_summarize(&e, &es);
	cr_assert_eq(hs.p50, es.p50);
	cr_assert_eq(hs.p90, es.p90);
	cr_assert_eq(hs.p99, es.p99);
	cr_assert_eq(hs.p99_9, es.p99_9);
	cr_assert_eq(hs.mad, es.mad);
	cr_assert_eq(hs.outliers, es.outliers);
	dhb_stats_fini(&h);
	dhb_stats_fini(&e);
}

Test(hist, constant_in_histogram_mode)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;
	int i;

	dhb_stats_init(&st, 10);
	for (i = 0; i < 100; i++)
		dhb_stats_add(&st, 123456789);
	dhb_stats_summarize(&st, &s);
	cr_assert_eq(s.flags, DHB_FLAG_APPROX);
	cr_assert_eq(s.p50, 123456789); /* clamped to the exact min = max */
	cr_assert_eq(s.mad, 0);
	cr_assert_eq(s.stddev, 0);
	cr_assert_eq(s.outliers, 0);
	dhb_stats_fini(&st);
}
