// SPDX-License-Identifier: MIT
// Internal interface of the plot engine: the session's inputs, figures and their builders.
#ifndef DHB_PLOT_PRIV_H
#define DHB_PLOT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/plot.h"

/* Where a row, a sample group or a frag file came from; strings interned in the session. */
struct prun {
	const char *board;
	const char *kernel;
	const char *timestamp;
	const char *key; /* tells runs of one identity apart (repetitions) */
};

/* What a results row is, beside its run: its key columns. */
struct pkey {
	const char *test, *heap, *backend, *metric, *params, *unit;
	uint64_t size;
};

/* One results row, what the figures use of it. */
struct prow {
	struct prun run;
	struct pkey key;
	double p50, p90, p99;
};

/* One sample value, or a histogram bucket's value and count; its index in its file. */
struct pval {
	double value;
	uint64_t count;
	uint64_t index;
};

/* The samples of one row of one run: its key and its values; buckets when any is one. */
struct pgroup {
	struct prun run;
	struct pkey key;
	struct pval *v;
	size_t n, cap;
	bool buckets;
};

/* One row of frag's CSV. */
struct pfrag {
	const char *file; /* the file it came from, as given */
	struct prun run;
	const char *source, *policy;
	double op, ext_frag, util;
};

/* One row of compare's CSV. */
struct pcmp {
	const char *file;
	const char *board, *test, *heap, *backend, *metric, *params, *unit, *verdict, *kind;
	uint64_t size;
	double ratio, lo, hi;
};

/* A point of a series: x, y and the whisker's ends (NaN for none), mark 1 for a filled point. */
struct ppoint {
	double x, y, lo, hi;
	int mark;
};

/*
 * Series styles, one letter each in the scripts' styles argument (plots/README.md): a heap's
 * own series ('p', variants 'd' and 'e' dashed), or a reference drawn in black or grey: a limit
 * line ('l', the malloc baseline), a floor ('f'), the trace's utilisation ('u').
 */
#define STYLE_PLAIN   'p'
#define STYLE_DASHED  'd'
#define STYLE_DOTDASH 'e'
#define STYLE_LIMIT   'l'
#define STYLE_FLOOR   'f'
#define STYLE_UTIL    'u'

struct pseries {
	const char *label;
	const char *colour_key; /* NULL for the reference styles */
	char style;
	uint32_t colour;
	struct ppoint *pts;
	size_t n, cap;
};

struct dhb_plot_figure {
	enum dhb_plot_kind kind;
	char name[160];
	char title[256];
	char subtitle[256];
	const char *unit;  /* of y (of x for ecdf) */
	const char *label; /* what y is (x for ecdf) */
	struct pseries *series;
	size_t n_series;
	const char **cats; /* pipeline: the categories on x, else NULL */
	size_t n_cats;
};

struct intern;

struct dhb_plot {
	struct dhb_plot_filter filter;
	struct intern *strings;
	struct prow *rows;
	size_t n_rows, cap_rows;
	struct pgroup *groups;
	size_t n_groups, cap_groups;
	uint64_t n_samples;
	const char **sample_metrics; /* every metric of the samples, kept or not (messages) */
	size_t n_sample_metrics, cap_sample_metrics;
	struct pfrag *frag;
	size_t n_frag, cap_frag;
	struct pcmp *cmp;
	size_t n_cmp, cap_cmp;
	bool has[4];
	struct dhb_plot_figure *figs;
	size_t n_figs, cap_figs;
};

/* The palette a series' colour is taken from (colour.c). */
#define PLOT_NCOLOURS 12

/* FNV-1a of a string: the interned strings' hash, and a name's colour. */
uint64_t plot_hash(const char *s);

/* qsort() and bsearch() order of an array of strings (const char *). */
int plot_str_cmp(const void *a, const void *b);

/* Every series of the session's figures its colour (colour.c): 0 or -ENOMEM. */
int plot_assign_colours(struct dhb_plot *p);

/* A copy of @s owned by the session, equal strings the same pointer; NULL when out of memory. */
const char *plot_intern(struct dhb_plot *p, const char *s);

/* Grow *@v (of *@cap elements of @size bytes) to hold @n + 1: 0 or -ENOMEM. */
int plot_grow(void **v, size_t *cap, size_t n, size_t size);

/* Whether the filter takes a metric, and a size. */
bool plot_metric_taken(const struct dhb_plot *p, const char *metric);
bool plot_size_taken(const struct dhb_plot *p, uint64_t size);

/*
 * The params of a row without its baseline_for=HEAP item (the cpu test's malloc baseline, whose
 * rows join the figure of their metric), interned; *@baseline says whether it had one. NULL
 * when out of memory.
 */
const char *plot_without_baseline(struct dhb_plot *p, const char *params, bool *baseline);

/* The label (and colour key) of frag's series of @source and @policy: "model best-fit". */
void plot_frag_label(const char *source, const char *policy, char *buf, size_t len);

/* The rows (and samples) of the test pipeline: the pipeline command writes them. */
#define PLOT_PIPELINE_TEST "pipeline"

/* The display's frame period in ns from a pipeline's params (rate=HZ), NaN when none. */
double plot_frame_period(const char *params);

/* The label of @period's reference line: "frame period at rate=60 (16.7 ms)"; NULL on -ENOMEM. */
const char *plot_period_label(struct dhb_plot *p, const char *params, double period);

/* @params for a title: its items joined by ", " instead of ";", into @buf. */
void plot_params_text(const char *params, char *buf, size_t len);

/*
 * The label of the series of @r's source in a pipeline figure: its heap, then its counts (the
 * rows of its test, heap, params and size not in ns that the filter takes, in the order of their
 * first rows, each the median of the runs' p50): "system: 54.5 fps, 12 late_frames". NULL on
 * -ENOMEM.
 */
const char *plot_pipeline_label(struct dhb_plot *p, const struct prow *r);

/* Whether a metric is a counter row's (METRIC.EVENT). */
bool plot_is_counter(const char *metric);

/* A new figure at the end of the session's list, zeroed but for its kind; NULL on -ENOMEM. */
struct dhb_plot_figure *plot_figure_new(struct dhb_plot *p, enum dhb_plot_kind kind);

/* A new series of @f; NULL when out of memory. */
struct pseries *plot_series_new(struct dhb_plot_figure *f, const char *label,
				const char *colour_key, char style);

/* Append a point to @s: 0 or -ENOMEM. */
int plot_point_add(struct pseries *s, const struct ppoint *pt);

/* @name made a figure name: [A-Za-z0-9._-] only, unique among the session's figures. */
void plot_figure_name(struct dhb_plot *p, struct dhb_plot_figure *f, const char *name);

/*
 * "BOARD, kernel K, run of TIMESTAMP" or "..., N runs (FIRST .. LAST)" of the runs @r[0 .. n-1]
 * (sorted and made unique in place).
 */
void plot_runs_subtitle(char *buf, size_t len, const struct prun **r, size_t n);

/* The figures of each kind of input (figures.c, dist.c); 0, -ENODATA or -ENOMEM. */
int plot_rows_figures(struct dhb_plot *p, enum dhb_plot_kind kind, char *err, size_t errlen);
int plot_ecdf_figures(struct dhb_plot *p, char *err, size_t errlen);
/*
 * @required: frames was named (--plots): samples in order of value (a file written before the
 * recorder kept the order recorded) are refused instead of left out.
 */
int plot_frames_figures(struct dhb_plot *p, bool required, char *err, size_t errlen);
int plot_frag_figures(struct dhb_plot *p, char *err, size_t errlen);
int plot_ratio_figures(struct dhb_plot *p, char *err, size_t errlen);

/* Free a figure's series and categories. */
void plot_figure_release(struct dhb_plot_figure *f);

#endif /* DHB_PLOT_PRIV_H */
