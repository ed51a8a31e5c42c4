// SPDX-License-Identifier: MIT
// Log-linear histogram of the sample recorder: bucket geometry, percentiles, MAD and outliers.
#include <math.h>

#include "stats_priv.h"

#define SUB_BITS  DHB_STATS_SUB_BITS
#define SUB_COUNT (1u << SUB_BITS) /* linear sub-buckets per power of two */
#define EXACT_TOP (2u << SUB_BITS) /* values below this have their own bucket */
#define NBUCKETS  DHB_STATS_NBUCKETS

/*
 * Bucket layout (see dhb/stats.h for the error bound): indexes 0 .. EXACT_TOP - 1 hold the value
 * equal to the index; then, for m = SUB_BITS + 1 .. 63, the range [2^m, 2^(m+1)) takes SUB_COUNT
 * consecutive indexes, sub-bucket s starting at (SUB_COUNT + s) << (m - SUB_BITS) and
 * 2^(m - SUB_BITS) wide.
 */
size_t dhb_hist_index(uint64_t v)
{
	unsigned int m, shift;

	if (v < EXACT_TOP)
		return (size_t)v;
	m = 63u - (unsigned int)__builtin_clzll(v);
	shift = m - SUB_BITS;
	return EXACT_TOP + (size_t)(m - SUB_BITS - 1) * SUB_COUNT +
	       (size_t)((v >> shift) - SUB_COUNT);
}

uint64_t dhb_hist_lower(size_t idx)
{
	size_t j;

	if (idx < EXACT_TOP)
		return idx;
	j = idx - EXACT_TOP;
	return (uint64_t)(SUB_COUNT + j % SUB_COUNT) << (j / SUB_COUNT + 1);
}

uint64_t dhb_hist_width(size_t idx)
{
	if (idx < EXACT_TOP)
		return 1;
	return (uint64_t)1 << ((idx - EXACT_TOP) / SUB_COUNT + 1);
}

/* Reported value of a bucket: its midpoint, clamped to the exact extremes. */
static double hist_value(const struct dhb_stats *st, size_t idx)
{
	uint64_t v = dhb_hist_lower(idx) + dhb_hist_width(idx) / 2;

	if (v < st->min)
		v = st->min;
	if (v > st->max)
		v = st->max;
	return (double)v;
}

void dhb_hist_bin(const struct dhb_stats *st, size_t idx, struct dhb_stats_bin *b)
{
	b->value = (uint64_t)hist_value(st, idx);
	b->count = st->hist[idx];
	b->lo = dhb_hist_lower(idx);
	b->hi = b->lo + (dhb_hist_width(idx) - 1);
}

/* Index of the bucket holding the sample of 1-based rank r. */
static size_t hist_bucket_of_rank(const struct dhb_stats *st, uint64_t r)
{
	uint64_t seen = 0;
	size_t i;

	for (i = 0; i < NBUCKETS; i++) {
		seen += st->hist[i];
		if (seen >= r)
			return i;
	}
	return NBUCKETS - 1; /* not reached: the counts add up to n >= r */
}

double dhb_hist_percentile(const struct dhb_stats *st, double p)
{
	uint64_t r = dhb_stats_rank(st->n, p);

	if (r == 1)
		return (double)st->min;
	if (r == st->n)
		return (double)st->max;
	return hist_value(st, hist_bucket_of_rank(st, r));
}

static size_t prev_used(const struct dhb_stats *st, size_t i)
{
	while (i-- > 0) {
		if (st->hist[i])
			return i;
	}
	return NBUCKETS; /* none */
}

static size_t next_used(const struct dhb_stats *st, size_t i)
{
	while (++i < NBUCKETS) {
		if (st->hist[i])
			return i;
	}
	return NBUCKETS;
}

/*
 * MAD from the buckets: deviations of bucket values from the median grow outwards from the
 * median's bucket in both directions, so walk outwards, always taking the nearer side, until
 * the median rank of the deviations is reached.
 */
static double hist_mad(const struct dhb_stats *st, size_t bm, double med)
{
	uint64_t k = dhb_stats_rank(st->n, 50);
	size_t l = bm, r = next_used(st, bm);
	double dl, dr;

	for (;;) {
		dl = l < NBUCKETS ? fabs(med - hist_value(st, l)) : INFINITY;
		dr = r < NBUCKETS ? fabs(hist_value(st, r) - med) : INFINITY;
		if (dl <= dr) {
			if (l >= NBUCKETS || st->hist[l] >= k)
				return dl;
			k -= st->hist[l];
			l = prev_used(st, l);
		} else {
			if (st->hist[r] >= k)
				return dr;
			k -= st->hist[r];
			r = next_used(st, r);
		}
	}
}

void dhb_hist_robust(const struct dhb_stats *st, struct dhb_stats_summary *out)
{
	size_t bm = hist_bucket_of_rank(st, dhb_stats_rank(st->n, 50)), i;
	double med = dhb_hist_percentile(st, 50), mad, sum_ad = 0, mean_ad, d;
	uint64_t outliers = 0;

	mad = hist_mad(st, bm, med);
	if (mad == 0) {
		for (i = 0; i < NBUCKETS; i++) {
			if (st->hist[i])
				sum_ad += (double)st->hist[i] * fabs(hist_value(st, i) - med);
		}
	}
	mean_ad = sum_ad / (double)st->n;
	for (i = 0; i < NBUCKETS; i++) {
		if (!st->hist[i])
			continue;
		d = fabs(hist_value(st, i) - med);
		if (dhb_stats_is_outlier(d, mad, mean_ad))
			outliers += st->hist[i];
	}
	out->p50 = med;
	out->mad = mad;
	out->outliers = outliers;
}
