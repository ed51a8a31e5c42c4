// SPDX-License-Identifier: MIT
// Comparing runs: rank tests, false-alarm control, ratios with intervals, verdicts, attribution.
#ifndef DHB_ANALYSIS_H
#define DHB_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The statistics of compare and track (results/COMPARE.md says the same for users)
 * ---------------------------------------------------------------------------------
 * The unit of evidence is a run-level median: the p50 of one row, i.e. of one repetition of one
 * run (a boot, or one pass of `run --repeat`). Boot-to-boot variation is usually larger than the
 * variation inside a run, so the samples of one run are not independent evidence about a kernel.
 *
 * Per key (board, test, heap, backend, size, metric, params), with base values b[] and new
 * values n[]:
 *   - ratio = median(n) / median(b) (the usual median: the mean of the two middle values for
 *     an even count), with a 95 % percentile bootstrap interval (2000 resamples of each side,
 *     a fixed seed, so the output is reproducible);
 *   - p: two-sided Mann–Whitney U test, exact (no ties, both sides up to 30 values) else the
 *     normal approximation with tie and continuity corrections;
 *   - the p-values are adjusted within metric families: one family per (board, test, metric),
 *     i.e. one metric across its heaps, backends, sizes and params, Benjamini–Hochberg (false
 *     discovery rate) by default, or Holm (family-wise error), or none. Counter rows
 *     (METRIC.EVENT) are families of their own by construction and are reported apart: they
 *     explain a change of their metric and do not set compare's exit status. Why per family:
 *     one correction over every key of the standard suite (2705 keys, 565 without counters)
 *     asks a lone change for p < 0.05 / 2705 = 1.8e-5, below the smallest p that 9 runs a
 *     side can give (2 / C(18, 9) = 4.1e-5), so no lone change could ever be found; a family
 *     (about 10 to 60 keys) keeps the false alarms of each metric under alpha while a lone
 *     change with most runs separated still passes;
 *   - verdict: "regression" or "improvement" when the adjusted p is below alpha (0.05), the
 *     change |ratio - 1| at least the minimum effect (5 %), and, for time units, the change
 *     of the medians more than 3 times the runs' timer overhead; direction: lower is better,
 *     except for bandwidths (MB/s); "not enough data" below 3 values on a side; else
 *     "no change". With one run a side and that run's raw samples given (run --samples),
 *     the test and the ratio use the raw samples instead, and the result says so: samples of
 *     one run are weaker evidence (they share the boot's state);
 *   - attribution: the same on each run's value divided by the same run's floor (sync rows:
 *     ioctl_floor_latency of the same heap and size; alloc and map rows: the memfd baseline;
 *     cpu bandwidths: the malloc baseline), paired by run and repetition. A change that is gone
 *     relative to the floor (no change there, ratio within the minimum effect of 1) moved with
 *     the platform ("platform"); one that stays is the heap's or the test's own ("specific");
 *     neither is "unclear".
 */

/* Multiple-comparison correction of a comparison's p-values. */
enum dhb_adjust {
	DHB_ADJUST_BH,	 /* Benjamini–Hochberg: false discovery rate */
	DHB_ADJUST_HOLM, /* Holm: family-wise error rate */
	DHB_ADJUST_NONE,
};

enum dhb_verdict {
	DHB_VERDICT_NONE, /* not enough data */
	DHB_VERDICT_SAME, /* no change */
	DHB_VERDICT_WORSE,
	DHB_VERDICT_BETTER,
};

/**
 * dhb_median() - the median of @n values (mean of the two middle ones for even @n).
 * @v: values; reordered.
 * @n: their number (> 0).
 *
 * Return: the median; NaN when @n is 0.
 */
double dhb_median(double *v, size_t n);

/**
 * dhb_mann_whitney() - two-sided p-value of the Mann–Whitney U test of @a against @b.
 * @a: values.
 * @na: their number.
 * @b: values.
 * @nb: their number.
 * @exact: set to whether the exact distribution was used (may be NULL).
 *
 * Return: the p-value in [0, 1]; 1 when either side is empty.
 */
double dhb_mann_whitney(const double *a, size_t na, const double *b, size_t nb, bool *exact);

/**
 * dhb_adjust_p() - adjust p-values for multiple comparisons, in place.
 * @p: the p-values; NaN entries are left out (and stay NaN).
 * @n: their number.
 * @how: the method.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_adjust_p(double *p, size_t n, enum dhb_adjust how);

/**
 * dhb_ratio_ci() - ratio of medians median(@b) / median(@a) with a 95 % bootstrap interval.
 * @a: base values.
 * @na: their number.
 * @b: new values.
 * @nb: their number.
 * @lo: lower bound.
 * @hi: upper bound.
 *
 * Deterministic (fixed seed). Return: the ratio; NaN when a side is empty.
 */
double dhb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo, double *hi);

const char *dhb_verdict_name(enum dhb_verdict v);
const char *dhb_adjust_name(enum dhb_adjust a);

/**
 * struct dhb_cmp_params - the thresholds of a comparison.
 * @alpha: significance level of the adjusted p-values (0.05).
 * @min_effect: smallest |ratio - 1| that counts (0.05).
 * @timer_factor: a time change must exceed this many timer overheads (3).
 * @adjust: correction of the p-values.
 * @min_values: fewest run-level medians a side needs (3).
 */
struct dhb_cmp_params {
	double alpha;
	double min_effect;
	double timer_factor;
	enum dhb_adjust adjust;
	size_t min_values;
};

void dhb_cmp_params_default(struct dhb_cmp_params *p);

/**
 * struct dhb_cmp_obs - one run-level median given to a comparison.
 * @board: board (key).
 * @test: test (key).
 * @heap: heap (key).
 * @backend: backend (key).
 * @size_bytes: size (key).
 * @metric: metric (key).
 * @params: params (key), "" when none.
 * @unit: its unit; one key has one unit.
 * @run: what identifies its run and repetition (floors pair on it).
 * @boot: the boot that measured it (boot_id), "" or NULL when unknown.
 * @value: the median (p50 of the row).
 * @timer_overhead_ns: the run's timer overhead, NaN when unknown.
 */
struct dhb_cmp_obs {
	const char *board;
	const char *test;
	const char *heap;
	const char *backend;
	uint64_t size_bytes;
	const char *metric;
	const char *params;
	const char *unit;
	const char *run;
	const char *boot;
	double value;
	double timer_overhead_ns;
};

/**
 * struct dhb_cmp_result - one key's comparison; see the block comment above.
 * @board: key.
 * @test: key.
 * @heap: key.
 * @backend: key.
 * @size_bytes: key.
 * @metric: key.
 * @params: key.
 * @unit: unit.
 * @higher_better: direction.
 * @n_base: base values.
 * @n_new: new values.
 * @boots_base: the boots the base values come from (distinct boot_ids), 0 when unknown.
 * @boots_new: likewise for the new values.
 * @base: median of the base values.
 * @new: median of the new values.
 * @ratio: @new / @base.
 * @ci_low: 95 % interval of @ratio.
 * @ci_high: likewise.
 * @p: Mann–Whitney p, NaN when not tested.
 * @p_adj: adjusted p.
 * @verdict: verdict.
 * @floor: the floor's metric and heap ("" when none).
 * @rel_ratio: the ratio of the values divided by their run's floor (NaN when none).
 * @rel_ci_low: its interval.
 * @rel_ci_high: likewise.
 * @rel_p_adj: adjusted p of the relative values.
 * @rel_verdict: verdict of the relative values.
 * @attribution: "specific", "platform", "unclear", "relative only", "unknown" or "".
 * @family: the metric family the p-value was adjusted in, "TEST/METRIC" (per board).
 * @family_size: the keys of that family that were tested.
 * @counter: a counter row (METRIC.EVENT): reported apart, not in the exit status.
 * @evidence: what @p rests on: "run-level medians", "raw samples, one run a side", or "" when
 *            not tested.
 */
struct dhb_cmp_result {
	const char *board, *test, *heap, *backend;
	uint64_t size_bytes;
	const char *metric, *params, *unit;
	bool higher_better;
	size_t n_base, n_new, boots_base, boots_new;
	double base, new, ratio, ci_low, ci_high, p, p_adj;
	enum dhb_verdict verdict;
	const char *floor;
	double rel_ratio, rel_ci_low, rel_ci_high, rel_p_adj;
	enum dhb_verdict rel_verdict;
	const char *attribution;
	const char *family;
	size_t family_size;
	bool counter;
	const char *evidence;
};

struct dhb_cmp_priv;

/**
 * struct dhb_cmp - a comparison: observations of two sides, then results.
 * @params: thresholds.
 * @results: per key, in key order, after dhb_cmp_compute().
 * @n_results: their number.
 * @timer_overhead_ns: the largest timer overhead of any run (NaN when none known).
 * @n_families: the metric families the p-values were adjusted in.
 * @error: one line after a failure.
 * @priv: private.
 */
struct dhb_cmp {
	struct dhb_cmp_params params;
	struct dhb_cmp_result *results;
	size_t n_results;
	double timer_overhead_ns;
	size_t n_families;
	char error[512];
	struct dhb_cmp_priv *priv;
};

int dhb_cmp_init(struct dhb_cmp *c, const struct dhb_cmp_params *p);

/**
 * dhb_cmp_add() - add one observation to a side.
 * @c: comparison.
 * @side: 0 base, 1 new.
 * @o: the observation (copied).
 *
 * Return: 0; -EPROTO when its unit differs from an earlier one of the same key (mixed
 * units; @c->error says so); -ENOMEM.
 */
int dhb_cmp_add(struct dhb_cmp *c, int side, const struct dhb_cmp_obs *o);

/**
 * dhb_cmp_add_sample() - add raw samples of one run's row (a line of `run --samples`).
 * @c: comparison.
 * @side: 0 base, 1 new.
 * @o: the row's key and run (as for dhb_cmp_add()), @o->value the sample's value.
 * @count: how many samples have that value (a histogram bucket's count, else 1).
 *
 * A key with one run-level median a side is then tested on the two runs' raw samples (at
 * least min_values each), and its result says so (@evidence).
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_cmp_add_sample(struct dhb_cmp *c, int side, const struct dhb_cmp_obs *o, uint64_t count);

/**
 * dhb_cmp_count() - observations of a side.
 * @c: comparison.
 * @side: 0 or 1.
 *
 * Return: their number.
 */
size_t dhb_cmp_count(const struct dhb_cmp *c, int side);

/**
 * dhb_cmp_compute() - every key's result (@c->results).
 * @c: comparison.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_cmp_compute(struct dhb_cmp *c);

void dhb_cmp_free(struct dhb_cmp *c);

/* Output formats of compare and track. */
enum dhb_cmp_format {
	DHB_CMP_TABLE,
	DHB_CMP_CSV,
	DHB_CMP_JSON,
};

/**
 * dhb_cmp_write() - write the results.
 * @c: computed comparison.
 * @fmt: format.
 * @all: the table shows every key (else only the changes and a count of the rest).
 * @fp: stream.
 * @label_base: what the base is (a file list or a selector), for the header and JSON.
 * @label_new: likewise.
 */
void dhb_cmp_write(const struct dhb_cmp *c, enum dhb_cmp_format fmt, bool all, FILE *fp,
		   const char *label_base, const char *label_new);

/**
 * dhb_cmp_ncolumns() - the columns of compare's CSV and JSON (results/COMPARE.md).
 *
 * Return: their number.
 */
size_t dhb_cmp_ncolumns(void);

/**
 * dhb_cmp_column() - the name of column @i, NULL past the end.
 * @i: index.
 *
 * Return: name.
 */
const char *dhb_cmp_column(size_t i);

/**
 * dhb_cmp_regressions() - the number of regressions of the primary metrics.
 * @c: computed comparison.
 *
 * Return: the count of DHB_VERDICT_WORSE results that are not counter rows.
 */
size_t dhb_cmp_regressions(const struct dhb_cmp *c);

/*
 * track: per board and metric, the series over kernel versions
 * ------------------------------------------------------------
 * The kernels of the observations are sorted as versions (strverscmp: 6.1.192 < 6.12.117 <
 * 6.12.118), and each step from one kernel to the next is a comparison of its own (all of the
 * above: families, thresholds, floors). Per key the first step whose verdict is a regression or
 * an improvement names the first kernel where a change appeared.
 */

struct dhb_track_priv;

/**
 * struct dhb_track_point - one key at one kernel.
 * @r: the comparison of this kernel with the previous one (its new side is this kernel); for
 *     the first kernel, the first step's comparison, whose base side it is.
 * @kernel: the kernel.
 * @first: the first kernel of the series.
 * @first_change: the kernel where this key's first change appeared, "" when none.
 */
struct dhb_track_point {
	const struct dhb_cmp_result *r;
	const char *kernel;
	bool first;
	const char *first_change;
};

/**
 * struct dhb_track - the series of every key.
 * @params: thresholds of each step.
 * @kernels: the kernels, sorted as versions.
 * @n_kernels: their number.
 * @points: per key (in key order) its kernels in order, after dhb_track_compute().
 * @n_points: their number.
 * @steps: the comparisons of kernels[i] with kernels[i + 1].
 * @error: one line after a failure.
 * @priv: private.
 */
struct dhb_track {
	struct dhb_cmp_params params;
	char **kernels;
	size_t n_kernels;
	struct dhb_track_point *points;
	size_t n_points;
	struct dhb_cmp *steps;
	char error[512];
	struct dhb_track_priv *priv;
};

int dhb_track_init(struct dhb_track *t, const struct dhb_cmp_params *p);

/**
 * dhb_track_add() - add one run-level median of kernel @kernel (copied).
 * @t: the series.
 * @kernel: its kernel release.
 * @o: the observation.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_track_add(struct dhb_track *t, const char *kernel, const struct dhb_cmp_obs *o);

/**
 * dhb_track_compute() - sort the kernels, compare each step, build the series.
 * @t: the series.
 *
 * Return: 0; -EINVAL with fewer than two kernels, -EPROTO for mixed units (@t->error says
 * which); -ENOMEM.
 */
int dhb_track_compute(struct dhb_track *t);

void dhb_track_free(struct dhb_track *t);

/**
 * dhb_track_write() - write the series (only keys with a change in the table, unless @all).
 * @t: computed series.
 * @fmt: format.
 * @all: the table shows every key.
 * @fp: stream.
 */
void dhb_track_write(const struct dhb_track *t, enum dhb_cmp_format fmt, bool all, FILE *fp);

/* The columns of track's CSV and JSON (results/TRACK.md). */
size_t dhb_track_ncolumns(void);
const char *dhb_track_column(size_t i);

/**
 * dhb_track_regressions() - regressions of primary metrics over all steps.
 * @t: computed series.
 *
 * Return: their number.
 */
size_t dhb_track_regressions(const struct dhb_track *t);

/*
 * The detector benchmark (detector.c says how): power and false alarms of compare's verdicts,
 * measured by resampling one set of real runs and shifting one key of a family at a time.
 */
#define DHB_DET_MAX_REPS 64

/**
 * struct dhb_det_params - a detector benchmark.
 * @cmp: the thresholds compare uses.
 * @repetitions: run-level medians a side in each trial (3 to DHB_DET_MAX_REPS).
 * @shift: the injected change, as a fraction (0.10), in the worse direction.
 * @trials: trials per family.
 * @seed: of the resampling (0: a fixed default).
 */
struct dhb_det_params {
	struct dhb_cmp_params cmp;
	size_t repetitions;
	double shift;
	size_t trials;
	uint64_t seed;
};

/**
 * struct dhb_det_family - what one family (or all of them) measured.
 * @name: "BOARD/TEST/METRIC".
 * @keys: its keys with at least 3 values in the pool.
 * @trials: trials.
 * @detected: trials whose shifted key was found as a regression.
 * @false_alarms: verdicts other than "no change" on keys that were not shifted.
 * @null_tests: keys judged that were not shifted (false_alarms' denominator).
 * @floor_trials: trials whose shifted key's shift (at its pool's median) is no larger than the
 *                timer rule's floor (timer_factor x its timer overhead): no verdict can find it.
 * @floor_detected: of @detected, those trials.
 */
struct dhb_det_family {
	char *name;
	size_t keys, trials, detected, false_alarms, null_tests, floor_trials, floor_detected;
};

struct dhb_det_priv;

struct dhb_det {
	struct dhb_det_params params;
	struct dhb_det_family *families;
	size_t n_families;
	struct dhb_det_priv *priv;
};

int dhb_det_init(struct dhb_det *d, const struct dhb_det_params *p);
/* Add one real run-level median to the pool (counter rows are left out); 0 or -ENOMEM. */
int dhb_det_add(struct dhb_det *d, const struct dhb_cmp_obs *o);
/* Run every family's trials; 0, -EINVAL for a repetition count out of range, -ENOMEM. */
int dhb_det_run(struct dhb_det *d);
/* The sums over every family into @all (its name is static). */
void dhb_det_total(const struct dhb_det *d, struct dhb_det_family *all);
/* One line per family and one for all; CSV (results/COMPARE.md) or a table. */
void dhb_det_write(const struct dhb_det *d, bool csv, bool header, FILE *fp);
size_t dhb_det_ncolumns(void);
const char *dhb_det_column(size_t i);
void dhb_det_free(struct dhb_det *d);

#endif /* DHB_ANALYSIS_H */
