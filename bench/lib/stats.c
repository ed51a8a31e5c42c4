// SPDX-License-Identifier: MIT
// Sample recorder: exact mode, the switch to the histogram, and the summary figures.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats_priv.h"

int dhb_stats_init(struct dhb_stats *st, size_t exact_max)
{
	memset(st, 0, sizeof(*st));
	st->exact_max = exact_max ? exact_max : DHB_STATS_EXACT_DEFAULT;
	st->sorted = true;
	return 0;
}

void dhb_stats_fini(struct dhb_stats *st)
{
	free(st->samples);
	free(st->by_value);
	free(st->hist);
	st->samples = NULL;
	st->by_value = NULL;
	st->hist = NULL;
	st->cap = 0;
	st->by_value_cap = 0;
	st->n = 0;
}

void dhb_stats_reset(struct dhb_stats *st)
{
	free(st->hist);
	st->hist = NULL;
	st->n = 0;
	st->sorted = true;
	st->min = 0;
	st->max = 0;
	st->mean = 0;
	st->m2 = 0;
}

bool dhb_stats_is_exact(const struct dhb_stats *st)
{
	return st->hist == NULL;
}

uint64_t dhb_stats_rank(uint64_t n, double p)
{
	double x;
	uint64_t r;

	if (p <= 0)
		return 1;
	/*
	 * p * n is exact for integral p, so the division rounds correctly; the small slack keeps
	 * a product such as 99.9 * 1000 that lands a hair above an integer on that integer.
	 */
	x = p * (double)n / 100.0;
	x = ceil(x - 1e-7);
	r = x < 1 ? 1 : (uint64_t)x;
	return r > n ? n : r;
}

/* Switch to the histogram: replay the exact samples into fresh buckets. */
static int stats_to_hist(struct dhb_stats *st)
{
	uint64_t *hist;
	uint64_t i;

	hist = calloc(DHB_STATS_NBUCKETS, sizeof(*hist));
	if (!hist)
		return -ENOMEM;
	for (i = 0; i < st->n; i++)
		hist[dhb_hist_index(st->samples[i])]++;
	free(st->samples);
	free(st->by_value);
	st->samples = NULL;
	st->by_value = NULL;
	st->cap = 0;
	st->by_value_cap = 0;
	st->hist = hist;
	return 0;
}

/* Make room for one more exact sample, or switch to the histogram when exact_max is reached. */
static int stats_reserve(struct dhb_stats *st)
{
	uint64_t *p;
	size_t cap;

	if (st->hist || st->n < st->cap)
		return 0;
	if (st->n >= st->exact_max)
		return stats_to_hist(st);
	cap = st->cap ? st->cap * 2 : 256;
	if (cap > st->exact_max || cap < st->cap)
		cap = st->exact_max;
	if (cap > SIZE_MAX / sizeof(*p))
		return -ENOMEM;
	p = realloc(st->samples, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	st->samples = p;
	st->cap = cap;
	return 0;
}

int dhb_stats_add(struct dhb_stats *st, uint64_t v)
{
	double delta;
	int ret;

	ret = stats_reserve(st);
	if (ret)
		return ret;
	if (st->hist) {
		st->hist[dhb_hist_index(v)]++;
	} else {
		st->samples[st->n] = v;
		st->sorted = false;
	}
	if (!st->n || v < st->min)
		st->min = v;
	if (!st->n || v > st->max)
		st->max = v;
	st->n++;
	delta = (double)v - st->mean;
	st->mean += delta / (double)st->n;
	st->m2 += delta * ((double)v - st->mean);
	return 0;
}

int dhb_stats_each(const struct dhb_stats *st, int (*fn)(void *arg, const struct dhb_stats_bin *b),
		   void *arg)
{
	struct dhb_stats_bin b;
	size_t i;
	int ret;

	for (i = 0; st->hist && i < DHB_STATS_NBUCKETS; i++) {
		if (!st->hist[i])
			continue;
		dhb_hist_bin(st, i, &b);
		ret = fn(arg, &b);
		if (ret)
			return ret;
	}
	for (i = 0; !st->hist && i < st->n; i++) {
		b = (struct dhb_stats_bin){st->samples[i], 1, st->samples[i], st->samples[i]};
		ret = fn(arg, &b);
		if (ret)
			return ret;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The sorted copy of the exact samples (@samples keeps the order recorded): 0 or -ENOMEM. */
static int stats_sort(struct dhb_stats *st)
{
	uint64_t *p;

	if (st->sorted)
		return 0;
	if (st->by_value_cap < st->n) {
		p = realloc(st->by_value, st->cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		st->by_value = p;
		st->by_value_cap = st->cap;
	}
	memcpy(st->by_value, st->samples, st->n * sizeof(*p));
	qsort(st->by_value, st->n, sizeof(*st->by_value), cmp_u64);
	st->sorted = true;
	return 0;
}

int dhb_stats_percentile(struct dhb_stats *st, double p, double *out)
{
	if (isnan(p) || p < 0 || p > 100)
		return -EINVAL;
	if (!st->n)
		return -ENODATA;
	if (st->hist) {
		*out = dhb_hist_percentile(st, p);
		return 0;
	}
	if (stats_sort(st))
		return -ENOMEM;
	*out = (double)st->by_value[dhb_stats_rank(st->n, p) - 1];
	return 0;
}

/*
 * Exact MAD without a scratch array: in the sorted samples the deviations from the median
 * x[m] grow leftwards from m and rightwards from m + 1, so the k-th smallest deviation is found
 * by merging those two runs, O(n).
 */
static uint64_t exact_mad(const uint64_t *x, uint64_t n, uint64_t m)
{
	uint64_t k = dhb_stats_rank(n, 50), med = x[m], d = 0;
	uint64_t l = m + 1, r = m + 1; /* next left is x[l - 1], next right is x[r] */

	while (k--) {
		if (l > 0 && (r >= n || med - x[l - 1] <= x[r] - med))
			d = med - x[--l];
		else
			d = x[r++] - med;
	}
	return d;
}

static int exact_robust(struct dhb_stats *st, struct dhb_stats_summary *out)
{
	uint64_t m, i, outliers = 0;
	double med, mad, sum_ad = 0, mean_ad;
	const uint64_t *x;

	if (stats_sort(st))
		return -ENOMEM;
	x = st->by_value;
	m = dhb_stats_rank(st->n, 50) - 1;
	med = (double)x[m];
	mad = (double)exact_mad(x, st->n, m);
	if (mad == 0) {
		for (i = 0; i < st->n; i++)
			sum_ad += fabs((double)x[i] - med);
	}
	mean_ad = sum_ad / (double)st->n;
	for (i = 0; i < st->n; i++)
		outliers += dhb_stats_is_outlier(fabs((double)x[i] - med), mad, mean_ad);
	out->p50 = med;
	out->p90 = (double)x[dhb_stats_rank(st->n, 90) - 1];
	out->p99 = (double)x[dhb_stats_rank(st->n, 99) - 1];
	out->p99_9 = (double)x[dhb_stats_rank(st->n, 99.9) - 1];
	out->mad = mad;
	out->outliers = outliers;
	return 0;
}

int dhb_stats_summarize(struct dhb_stats *st, struct dhb_stats_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->n = st->n;
	if (!st->n) {
		out->min = out->max = out->mean = out->stddev = out->cv = NAN;
		out->p50 = out->p90 = out->p99 = out->p99_9 = out->mad = NAN;
		return -ENODATA;
	}
	out->min = (double)st->min;
	out->max = (double)st->max;
	out->mean = st->mean;
	out->stddev = st->n > 1 ? sqrt(st->m2 / (double)(st->n - 1)) : 0;
	out->cv = out->stddev > 0 ? out->stddev / out->mean : 0;
	if (st->hist) {
		out->flags |= DHB_FLAG_APPROX;
		out->p90 = dhb_hist_percentile(st, 90);
		out->p99 = dhb_hist_percentile(st, 99);
		out->p99_9 = dhb_hist_percentile(st, 99.9);
		dhb_hist_robust(st, out);
		return 0;
	}
	return exact_robust(st, out);
}
