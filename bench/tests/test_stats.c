// SPDX-License-Identifier: MIT
// Unit tests of the exact-mode statistics, the timer helpers and the trust verdict.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/stats.h"
#include "testutil.h"

static void summarize(struct dhb_stats *st, struct dhb_stats_summary *s)
{
	cr_assert_eq(dhb_stats_summarize(st, s), 0);
}

/* Add 1..n in a shuffled order (Fisher-Yates with a fixed seed). */
static void add_uniform(struct dhb_stats *st, uint64_t n)
{
	uint64_t *v = malloc(n * sizeof(*v)), seed = 99, i, j, t;

	cr_assert_not_null(v);
	for (i = 0; i < n; i++)
		v[i] = i + 1;
	for (i = n - 1; i > 0; i--) {
		j = tu_next(&seed) % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	for (i = 0; i < n; i++)
		cr_assert_eq(dhb_stats_add(st, v[i]), 0);
	free(v);
}

Test(stats, uniform_1000)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;

	dhb_stats_init(&st, 0);
	add_uniform(&st, 1000);
	summarize(&st, &s);
	cr_assert(dhb_stats_is_exact(&st));
	cr_assert_eq(s.n, 1000);
	cr_assert_eq(s.min, 1);
	cr_assert_eq(s.max, 1000);
	cr_assert_eq(s.p50, 500);
	cr_assert_eq(s.p90, 900);
	cr_assert_eq(s.p99, 990);
	cr_assert_eq(s.p99_9, 999);
	cr_assert_float_eq(s.mean, 500.5, 1e-9);
	cr_assert_float_eq(s.stddev, sqrt(1000.0 * 1001.0 / 12.0), 1e-9);
	cr_assert_float_eq(s.cv, s.stddev / 500.5, 1e-12);
	/* |x - 500| for x = 1..1000 is 0 once, 1..499 twice, 500 once: the 500th is 250 */
	cr_assert_eq(s.mad, 250);
	cr_assert_eq(s.outliers, 0);
	cr_assert_eq(s.flags, 0);
	dhb_stats_fini(&st);
}

Test(stats, uniform_100_nearest_rank)
{
	static const struct {
		double p, want;
	} cases[] = {
		{0, 1},	  {0.5, 1}, {1, 1},	 {1.01, 2},    {25, 25},   {50, 50},   {50.5, 51},
		{90, 90}, {99, 99}, {99.9, 100}, {99.01, 100}, {100, 100}, {33.3, 34}, {66.7, 67},
	};
	struct dhb_stats st;
	double v;
	size_t i;

	dhb_stats_init(&st, 0);
	add_uniform(&st, 100);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(dhb_stats_percentile(&st, cases[i].p, &v), 0);
		cr_assert_eq(v, cases[i].want, "p%g: got %g want %g", cases[i].p, v, cases[i].want);
	}
	cr_assert_eq(dhb_stats_percentile(&st, -1, &v), -EINVAL);
	cr_assert_eq(dhb_stats_percentile(&st, 100.5, &v), -EINVAL);
	cr_assert_eq(dhb_stats_percentile(&st, NAN, &v), -EINVAL);
	dhb_stats_fini(&st);
}

Test(stats, even_count_median_is_lower_middle)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;

	dhb_stats_init(&st, 0);
	dhb_stats_add(&st, 4);
	dhb_stats_add(&st, 1);
	dhb_stats_add(&st, 3);
	dhb_stats_add(&st, 2);
	summarize(&st, &s);
	cr_assert_eq(s.p50, 2);
	cr_assert_eq(s.mad, 1); /* deviations 1, 0, 1, 2 -> sorted 0 1 1 2, 2nd is 1 */
	dhb_stats_fini(&st);
}

Test(stats, constant)
{
	static const uint64_t values[] = {42, 0};
	struct dhb_stats st;
	struct dhb_stats_summary s;
	size_t k;
	int i;

	for (k = 0; k < 2; k++) {
		dhb_stats_init(&st, 0);
		for (i = 0; i < 1000; i++)
			dhb_stats_add(&st, values[k]);
		summarize(&st, &s);
		cr_assert_eq(s.min, values[k]);
		cr_assert_eq(s.max, values[k]);
		cr_assert_eq(s.p50, values[k]);
		cr_assert_eq(s.p99_9, values[k]);
		cr_assert_eq(s.mean, values[k]);
		cr_assert_eq(s.stddev, 0);
		cr_assert_eq(s.cv, 0);
		cr_assert_eq(s.mad, 0);
		cr_assert_eq(s.outliers, 0);
		cr_assert(!isnan(s.cv) && !isnan(s.mad));
		dhb_stats_fini(&st);
	}
}

Test(stats, empty_and_single)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;
	double v;

	dhb_stats_init(&st, 0);
	cr_assert_eq(dhb_stats_summarize(&st, &s), -ENODATA);
	cr_assert_eq(s.n, 0);
	cr_assert(isnan(s.p50) && isnan(s.mean) && isnan(s.cv));
	cr_assert_eq(dhb_stats_percentile(&st, 50, &v), -ENODATA);
	dhb_stats_add(&st, 7);
	summarize(&st, &s);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.min, 7);
	cr_assert_eq(s.p50, 7);
	cr_assert_eq(s.p99_9, 7);
	cr_assert_eq(s.max, 7);
	cr_assert_eq(s.stddev, 0);
	cr_assert_eq(s.mad, 0);
	cr_assert_eq(s.outliers, 0);
	dhb_stats_reset(&st);
	cr_assert_eq(dhb_stats_summarize(&st, &s), -ENODATA);
	dhb_stats_add(&st, 9);
	summarize(&st, &s);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.min, 9);
	dhb_stats_fini(&st);
}

static int log_each(void *arg, const struct dhb_stats_bin *b)
{
	char *buf = arg;

	snprintf(buf + strlen(buf), 64 - strlen(buf), "%llu ", (unsigned long long)b->value);
	return 0;
}

/* Percentiles read a sorted copy: the samples keep the order recorded (a pipeline's frames). */
Test(stats, order_recorded_kept)
{
	static const uint64_t v[] = {30, 10, 50, 20, 40};
	struct dhb_stats_summary s;
	struct dhb_stats st;
	char order[64] = "";
	double p;
	size_t i;

	dhb_stats_init(&st, 0);
	for (i = 0; i < 4; i++)
		cr_assert_eq(dhb_stats_add(&st, v[i]), 0);
	summarize(&st, &s);
	cr_assert_eq(s.p50, 20);
	cr_assert_eq(dhb_stats_add(&st, v[4]), 0); /* after a summary: sorted again */
	summarize(&st, &s);
	cr_assert_eq(s.p50, 30);
	cr_assert_eq(s.p90, 50);
	cr_assert_eq(dhb_stats_percentile(&st, 0, &p), 0);
	cr_assert_eq(p, 10);
	cr_assert_eq(dhb_stats_each(&st, log_each, order), 0);
	cr_assert_str_eq(order, "30 10 50 20 40 ");
	dhb_stats_fini(&st);
}

Test(stats, normal_box_muller)
{
	const double mu = 1e6, sigma = 1e4;
	const int n = 20000;
	struct dhb_stats st;
	struct dhb_stats_summary s;
	uint64_t seed = 12345;
	int i;

	dhb_stats_init(&st, 0);
	for (i = 0; i < n; i++)
		dhb_stats_add(&st, (uint64_t)llround(mu + sigma * tu_normal(&seed)));
	summarize(&st, &s);
	cr_assert(dhb_stats_is_exact(&st));
	/* standard errors: mean sigma/sqrt(n) = 71, median ~1.25x that, stddev ~0.5 % */
	cr_assert_float_eq(s.mean, mu, 4 * sigma / sqrt(n));
	cr_assert_float_eq(s.p50, mu, 5 * sigma / sqrt(n));
	cr_assert_float_eq(s.stddev, sigma, 0.03 * sigma);
	cr_assert_float_eq(s.cv, 0.01, 0.0003);
	cr_assert_float_eq(s.p90, mu + 1.2816 * sigma, 0.06 * sigma);
	cr_assert_float_eq(s.p99, mu + 2.3263 * sigma, 0.15 * sigma);
	cr_assert_float_eq(s.mad, 0.6745 * sigma, 0.03 * sigma);
	/* P(|Z| > 3.5) = 4.7e-4: about 9 expected */
	cr_assert_lt(s.outliers, 40);
	cr_assert_lt(s.min, mu - 3 * sigma);
	cr_assert_gt(s.max, mu + 3 * sigma);
	dhb_stats_fini(&st);
}

Test(stats, injected_outlier)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;
	uint64_t seed = 7;
	int i;

	dhb_stats_init(&st, 0);
	for (i = 0; i < 999; i++)
		dhb_stats_add(&st, 990 + tu_next(&seed) % 21);
	dhb_stats_add(&st, 100000);
	summarize(&st, &s);
	cr_assert_eq(s.outliers, 1);
	cr_assert_eq(s.max, 100000);
	cr_assert_leq(s.mad, 6);
	dhb_stats_fini(&st);
}

Test(stats, outlier_when_mad_is_zero)
{
	struct dhb_stats st;
	struct dhb_stats_summary s;
	int i;

	/* more than half the samples equal the median: MAD 0, MeanAD 4 stands in */
	dhb_stats_init(&st, 0);
	for (i = 0; i < 999; i++)
		dhb_stats_add(&st, 1000);
	dhb_stats_add(&st, 5000);
	summarize(&st, &s);
	cr_assert_eq(s.mad, 0);
	cr_assert_eq(s.outliers, 1);
	dhb_stats_fini(&st);
}

Test(stats, timer_overhead)
{
	clockid_t clk = dhb_stats_clock();
	uint64_t a, b;
	double ns = -1;

	a = dhb_stats_now_ns(clk);
	cr_assert_eq(dhb_stats_timer_overhead(clk, 2000, &ns), 0);
	b = dhb_stats_now_ns(clk);
	cr_assert_geq(b, a);
	cr_assert_geq(ns, 0);
	cr_assert_lt(ns, 1e6, "timer overhead %g ns", ns);
	cr_assert_eq(dhb_stats_timer_overhead((clockid_t)-12345, 10, &ns), -EINVAL);
}

Test(stats, trust_flags)
{
	struct dhb_stats_summary s = {.n = 1000, .p50 = 1000, .mean = 1000, .cv = 0.05};
	struct dhb_trust_limits strict = {
		.max_cv = 0.01, .max_timer_frac = 0.001, .min_samples = 5000};

	cr_assert_eq(dhb_stats_trust(&s, 5, NULL), 0);
	cr_assert_eq(dhb_stats_trust(&s, -1, NULL), 0);
	cr_assert_eq(dhb_stats_trust(&s, 20, NULL), DHB_FLAG_TIMER_OVERHEAD);
	s.cv = 0.2;
	cr_assert_eq(dhb_stats_trust(&s, 5, NULL), DHB_FLAG_HIGH_CV);
	s.cv = 0.05;
	s.n = 10;
	cr_assert_eq(dhb_stats_trust(&s, 5, NULL), DHB_FLAG_FEW_SAMPLES);
	s.n = 1000;
	s.flags = DHB_FLAG_APPROX;
	cr_assert_eq(dhb_stats_trust(&s, 5, NULL), DHB_FLAG_APPROX);
	cr_assert_eq(dhb_stats_trust(&s, 5, &strict), DHB_FLAG_APPROX | DHB_FLAG_HIGH_CV |
							      DHB_FLAG_TIMER_OVERHEAD |
							      DHB_FLAG_FEW_SAMPLES);
	s.cv = NAN;
	cr_assert(dhb_stats_trust(&s, 5, NULL) & DHB_FLAG_HIGH_CV);
}

Test(stats, flags_format)
{
	char buf[64], tiny[8];

	cr_assert_eq(dhb_stats_flags_format(0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(dhb_stats_flags_format(DHB_FLAG_HIGH_CV, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "high_cv");
	cr_assert_eq(dhb_stats_flags_format(DHB_FLAG_APPROX | DHB_FLAG_HIGH_CV |
						    DHB_FLAG_TIMER_OVERHEAD | DHB_FLAG_FEW_SAMPLES |
						    (1u << 9),
					    buf, sizeof(buf)),
		     0);
	cr_assert_str_eq(buf, "approx;high_cv;timer_overhead;few_samples;bit9");
	cr_assert_eq(dhb_stats_flags_format(DHB_FLAG_TIMER_OVERHEAD, tiny, sizeof(tiny)), -ENOSPC);
	cr_assert_eq(strlen(tiny), sizeof(tiny) - 1);
}
