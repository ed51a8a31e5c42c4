// SPDX-License-Identifier: MIT
// Internal interface between the exact and the histogram halves of the sample recorder.
#ifndef DHB_STATS_PRIV_H
#define DHB_STATS_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "dhb/stats.h"

/* Modified z-score constants (Iglewicz and Hoaglin), see dhb/stats.h. */
#define DHB_MZ_SCALE	 0.6745
#define DHB_MZ_MEANAD	 1.253314
#define DHB_MZ_THRESHOLD 3.5

/* Nearest rank (1-based) of percentile p (0..100) among n > 0 samples. */
uint64_t dhb_stats_rank(uint64_t n, double p);

/* Whether a deviation d from the median makes a sample an outlier. */
static inline int dhb_stats_is_outlier(double d, double mad, double mean_ad)
{
	if (mad > 0)
		return DHB_MZ_SCALE * d / mad > DHB_MZ_THRESHOLD;
	if (mean_ad > 0)
		return d / (DHB_MZ_MEANAD * mean_ad) > DHB_MZ_THRESHOLD;
	return 0;
}

/* Histogram geometry (bucket index of a value, and a bucket's first value and width). */
size_t dhb_hist_index(uint64_t v);
uint64_t dhb_hist_lower(size_t idx);
uint64_t dhb_hist_width(size_t idx);

/* Bucket @idx of a recorder in histogram mode as a bin (dhb_stats_each()). */
void dhb_hist_bin(const struct dhb_stats *st, size_t idx, struct dhb_stats_bin *b);

/* Histogram-mode figures of a recorder (st->hist != NULL, st->n > 0). */
double dhb_hist_percentile(const struct dhb_stats *st, double p);
void dhb_hist_robust(const struct dhb_stats *st, struct dhb_stats_summary *out);

#endif /* DHB_STATS_PRIV_H */
