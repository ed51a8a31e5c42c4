// SPDX-License-Identifier: MIT
// Sample recorder and summary statistics: exact samples up to a bound, then a log-linear histogram.
#ifndef DHB_STATS_H
#define DHB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Samples, modes and error bounds
 * -------------------------------
 * A sample is a uint64_t in the metric's base unit; for every latency that is nanoseconds. Rates
 * (MB/s) are derived from times by the caller: rate percentile p is bytes / time percentile
 * (100 - p), which dhb_stats_percentile() answers for any p.
 *
 * The recorder keeps every sample exactly until it holds exact_max of them (default 65536). The
 * sample after that switches it, once and for good, to a log-linear ("HDR") histogram into which
 * all kept samples are replayed and the array freed:
 *
 *   - values 0 .. 2^(K+1)-1 each have their own bucket (K = DHB_STATS_SUB_BITS = 7, so 0..255
 *     are exact);
 *   - every power-of-two range [2^m, 2^(m+1)), m > K, is split into 2^K = 128 linear sub-buckets
 *     of width 2^(m-K), which is at most value / 2^K;
 *   - the value reported for a bucket is its midpoint, clamped to the exact [min, max].
 *
 * Error bound: a percentile read from the histogram lies in the same bucket as the exact
 * percentile of the same samples (bucket counts are exact and bucketing is monotonic), so
 *
 *      |reported - exact| <= width / 2 <= exact / 2^(K+1) = exact / 256  (relative error 0.39 %).
 *
 * The same holds for the median. The MAD is computed from bucket midpoints and its absolute
 * error is at most (2 * median + MAD) / 256 (each deviation moves by at most (x + median) / 256);
 * note this can be large relative to a MAD that is far smaller than the median. Outliers are
 * counted per bucket by the bucket midpoint, so only samples within 1/256 (relative) of the
 * cut-offs median +- 3.5 * MAD / 0.6745 can be misclassified. min, max, n, mean and stddev are
 * exact in both modes (Welford's running algorithm over every sample).
 *
 * Percentile definition (both modes): nearest rank. For n sorted samples x(1) <= ... <= x(n),
 * percentile p in (0, 100] is x(r) with r = ceil(p / 100 * n); p = 0 is the minimum. The median
 * is p50 by the same rule (for even n the lower middle sample, never an average), and the MAD is
 * the nearest-rank median of |x - median|.
 *
 * Outliers: modified z-score (Iglewicz and Hoaglin), |0.6745 * (x - median) / MAD| > 3.5. When
 * MAD is 0 the mean absolute deviation stands in: |x - median| / (1.253314 * MeanAD) > 3.5; when
 * that is 0 too every sample equals the median and there are no outliers.
 *
 * Spread: stddev is the sample standard deviation (n - 1 denominator, 0 for n = 1); cv is
 * stddev / mean, and 0 when stddev is 0.
 *
 * Memory: the exact array grows by doubling up to exact_max * 8 bytes, and percentiles read a
 * sorted copy of it (as large, made when first needed after an add), so that the samples keep
 * the order they were recorded in (a pipeline's frames, in the samples file); the histogram
 * takes DHB_STATS_NBUCKETS * 8 bytes (about 58 KiB) and covers the full uint64_t range.
 */
#define DHB_STATS_SUB_BITS 7
#define DHB_STATS_NBUCKETS \
	((2u << DHB_STATS_SUB_BITS) + (63u - DHB_STATS_SUB_BITS) * (1u << DHB_STATS_SUB_BITS))
#define DHB_STATS_EXACT_DEFAULT 65536

/* Result flags (struct dhb_stats_summary.flags); dhb_stats_flags_format() names them. */
#define DHB_FLAG_APPROX		(1u << 0) /* percentiles, MAD, outliers come from the histogram */
#define DHB_FLAG_HIGH_CV	(1u << 1) /* cv above dhb_trust_limits.max_cv */
#define DHB_FLAG_TIMER_OVERHEAD (1u << 2) /* timer overhead above max_timer_frac of the median */
#define DHB_FLAG_FEW_SAMPLES	(1u << 3) /* n below dhb_trust_limits.min_samples */
/* what counting adds to a section, or an event's floor, above 1 % of the median (dhb/section.h) */
#define DHB_FLAG_COUNTER_OVERHEAD (1u << 4)

/*
 * Trust thresholds (defaults used when dhb_stats_trust() gets NULL limits):
 *   max_cv 0.10: with more than 10 % spread between samples, a difference between two heaps of
 *       the size that usually matters (a few percent) cannot be told from noise;
 *   max_timer_frac 0.01: clock_gettime's own cost must stay under 1 % of the median it measures;
 *   min_samples 30: fewer samples make the median and MAD unstable, and p99 (p99.9) equals the
 *       maximum below 100 (1000) samples anyway.
 */
#define DHB_TRUST_MAX_CV	 0.10
#define DHB_TRUST_MAX_TIMER_FRAC 0.01
#define DHB_TRUST_MIN_SAMPLES	 30
/* The same 1 % for what perf counting adds to a timed section (dhb_section_overhead_flags()). */
#define DHB_TRUST_MAX_COUNTER_FRAC 0.01

/**
 * struct dhb_stats - a sample recorder; initialise with dhb_stats_init(), fields are private.
 * @n: number of samples added.
 * @exact_max: samples kept exactly before the switch to the histogram.
 * @samples: exact samples in the order recorded (exact mode), NULL in histogram mode.
 * @cap: allocated length of @samples.
 * @by_value: @samples sorted, for percentiles (exact mode), or NULL.
 * @by_value_cap: allocated length of @by_value.
 * @sorted: @by_value holds the @n samples sorted (cleared by every add).
 * @hist: bucket counts (histogram mode), NULL in exact mode.
 * @min: smallest sample.
 * @max: largest sample.
 * @mean: running mean (Welford).
 * @m2: running sum of squared deviations from the mean (Welford).
 */
struct dhb_stats {
	uint64_t n;
	size_t exact_max;
	uint64_t *samples;
	size_t cap;
	uint64_t *by_value;
	size_t by_value_cap;
	bool sorted;
	uint64_t *hist;
	uint64_t min;
	uint64_t max;
	double mean;
	double m2;
};

/**
 * struct dhb_stats_summary - figures of a recorder, all in the samples' unit.
 * @n: sample count.
 * @min: smallest sample.
 * @max: largest sample.
 * @mean: arithmetic mean.
 * @stddev: sample standard deviation.
 * @cv: coefficient of variation, stddev / mean (0 when stddev is 0).
 * @p50: median (nearest rank).
 * @p90: 90th percentile.
 * @p99: 99th percentile.
 * @p99_9: 99.9th percentile.
 * @mad: median absolute deviation (raw, not scaled by 1.4826).
 * @outliers: samples with a modified z-score above 3.5.
 * @flags: DHB_FLAG_APPROX when the figures come from the histogram.
 */
struct dhb_stats_summary {
	uint64_t n;
	double min;
	double max;
	double mean;
	double stddev;
	double cv;
	double p50;
	double p90;
	double p99;
	double p99_9;
	double mad;
	uint64_t outliers;
	unsigned int flags;
};

/**
 * struct dhb_trust_limits - thresholds of dhb_stats_trust().
 * @max_cv: highest acceptable coefficient of variation.
 * @max_timer_frac: highest acceptable timer overhead as a fraction of the median.
 * @min_samples: lowest acceptable sample count.
 */
struct dhb_trust_limits {
	double max_cv;
	double max_timer_frac;
	uint64_t min_samples;
};

/**
 * dhb_stats_init() - prepare an empty recorder.
 * @st: recorder.
 * @exact_max: samples kept exactly before switching to the histogram; 0 means
 *             DHB_STATS_EXACT_DEFAULT.
 *
 * Allocates nothing; dhb_stats_fini() releases what dhb_stats_add() allocated.
 *
 * Return: 0.
 */
int dhb_stats_init(struct dhb_stats *st, size_t exact_max);

/**
 * dhb_stats_fini() - release a recorder's memory; it may be initialised again.
 * @st: recorder.
 */
void dhb_stats_fini(struct dhb_stats *st);

/**
 * dhb_stats_reset() - forget all samples and return to exact mode.
 * @st: recorder.
 */
void dhb_stats_reset(struct dhb_stats *st);

/**
 * dhb_stats_add() - record one sample.
 * @st: recorder.
 * @v: sample value (nanoseconds for latencies).
 *
 * Return: 0, or -ENOMEM (the sample is then not recorded and the recorder is unchanged).
 */
int dhb_stats_add(struct dhb_stats *st, uint64_t v);

/**
 * dhb_stats_is_exact() - whether the recorder still keeps every sample.
 * @st: recorder.
 *
 * Return: true in exact mode, false once switched to the histogram.
 */
bool dhb_stats_is_exact(const struct dhb_stats *st);

/**
 * struct dhb_stats_bin - one recorded sample (exact mode) or one histogram bucket.
 * @value: the sample; for a bucket, the value the figures use for it (its midpoint, clamped to
 *	   the exact minimum and maximum).
 * @count: 1 for a sample; the samples in a bucket.
 * @lo: the smallest value a bucket holds (the sample itself in exact mode).
 * @hi: the largest value a bucket holds, inclusive (the sample itself in exact mode).
 */
struct dhb_stats_bin {
	uint64_t value;
	uint64_t count;
	uint64_t lo;
	uint64_t hi;
};

/**
 * dhb_stats_each() - call @fn for every recorded sample, or every non-empty histogram bucket.
 * @st: recorder.
 * @fn: called once per sample (exact mode: in the order recorded) or per non-empty bucket in
 *	increasing order of value (histogram mode); a non-zero return stops the walk.
 * @arg: passed to @fn.
 *
 * Return: 0, or what @fn returned to stop.
 */
int dhb_stats_each(const struct dhb_stats *st, int (*fn)(void *arg, const struct dhb_stats_bin *b),
		   void *arg);

/**
 * dhb_stats_percentile() - nearest-rank percentile of the recorded samples.
 * @st: recorder (its sorted copy of exact samples is made here, hence not const).
 * @p: percentile in [0, 100].
 * @out: the percentile value.
 *
 * Return: 0, -EINVAL for p outside [0, 100] or NaN, -ENODATA when there are no samples,
 * -ENOMEM (no room for the sorted copy).
 */
int dhb_stats_percentile(struct dhb_stats *st, double p, double *out);

/**
 * dhb_stats_summarize() - compute every summary figure.
 * @st: recorder (its sorted copy of exact samples is made here).
 * @out: summary; with no samples n is 0 and every other figure NaN.
 *
 * Return: 0, -ENODATA when there are no samples, or -ENOMEM (no room for the sorted copy).
 */
int dhb_stats_summarize(struct dhb_stats *st, struct dhb_stats_summary *out);

/**
 * dhb_stats_clock() - the clock benchmarks should time with.
 *
 * Return: CLOCK_MONOTONIC_RAW where clock_gettime() supports it, else CLOCK_MONOTONIC.
 */
clockid_t dhb_stats_clock(void);

/**
 * dhb_stats_now_ns() - read a clock in nanoseconds.
 * @clk: clock, normally dhb_stats_clock().
 *
 * Return: the clock's value in nanoseconds, 0 if it cannot be read.
 */
uint64_t dhb_stats_now_ns(clockid_t clk);

/**
 * dhb_stats_timer_overhead() - median cost of one timing (two back-to-back clock reads).
 * @clk: clock to measure.
 * @pairs: number of back-to-back pairs (0 means 10000).
 * @median_ns: median difference between the second and the first read, in nanoseconds.
 *
 * Return: 0, -EINVAL when the clock cannot be read, -ENOMEM.
 */
int dhb_stats_timer_overhead(clockid_t clk, unsigned int pairs, double *median_ns);

/**
 * dhb_stats_trust() - warning flags for a summary.
 * @s: summary.
 * @timer_overhead_ns: result of dhb_stats_timer_overhead(), or a negative value to skip that check.
 * @lim: thresholds, or NULL for DHB_TRUST_MAX_CV, DHB_TRUST_MAX_TIMER_FRAC, DHB_TRUST_MIN_SAMPLES.
 *
 * Return: s->flags plus any of DHB_FLAG_HIGH_CV, DHB_FLAG_TIMER_OVERHEAD, DHB_FLAG_FEW_SAMPLES.
 */
unsigned int dhb_stats_trust(const struct dhb_stats_summary *s, double timer_overhead_ns,
			     const struct dhb_trust_limits *lim);

/**
 * dhb_stats_flags_format() - flag names joined by ';' in bit order ("approx;high_cv"), or "".
 * @flags: DHB_FLAG_* bits; unknown bits print as "bitN".
 * @buf: destination, always NUL-terminated when @len > 0.
 * @len: size of @buf.
 *
 * Return: 0, or -ENOSPC when @buf was too small (the text is truncated).
 */
int dhb_stats_flags_format(unsigned int flags, char *buf, size_t len);

/**
 * dhb_stats_flags_parse() - the inverse of dhb_stats_flags_format().
 * @text: flag names joined by ';' in any order ("high_cv;approx"), or "" for none; "bitN"
 *        (N below 32, written without leading zeros) names a bit by number.
 * @flags: where the DHB_FLAG_* bits go (0 on error).
 *
 * Return: 0, or -EINVAL for an unknown name or an empty item ("approx;", ";").
 */
int dhb_stats_flags_parse(const char *text, unsigned int *flags);

#endif /* DHB_STATS_H */
