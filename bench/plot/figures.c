// SPDX-License-Identifier: MIT
// Figures of rows: latency, bandwidth, sync, pipeline (results rows) and ratio (compare's CSV).
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "plot_priv.h"

/*
 * Every point of these figures starts as a pick: one input row placed in a figure (fig), a
 * series (rank, then label) and at an x (or a category). Picks are sorted, and the picks of
 * one place become one point: the median of their y, lo and hi (several runs, or the heaps of
 * a floor), marked when any is.
 */
struct pick {
	const char *fig, *name, *title, *label, *unit;
	int rank;
	const char *ser, *colour_key;
	char style;
	const char *cat;
	double x, y, lo, hi;
	int mark;
	const struct prun *run;
	const char *note; /* compare: the file, for the subtitle */
	size_t seq;	  /* the order picks were made in: the rows' order */
};

struct picks {
	struct pick *v;
	size_t n, cap;
};

static int str_cmp(const char *a, const char *b)
{
	return a == b ? 0 : !a ? -1 : !b ? 1 : strcmp(a, b);
}

static int num_cmp(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int pick_cmp(const void *pa, const void *pb)
{
	const struct pick *a = pa, *b = pb;
	int c = str_cmp(a->fig, b->fig);

	if (!c)
		c = a->rank - b->rank;
	if (!c)
		c = str_cmp(a->ser, b->ser);
	if (!c)
		c = str_cmp(a->cat, b->cat);
	if (!c)
		c = num_cmp(a->x, b->x);
	return c;
}

static int dbl_cmp(const void *a, const void *b)
{
	return num_cmp(*(const double *)a, *(const double *)b);
}

static int point_x_cmp(const void *a, const void *b)
{
	return num_cmp(((const struct ppoint *)a)->x, ((const struct ppoint *)b)->x);
}

/* The median of the finite values of v[0 .. n-1] (reordered), NaN when none. */
static double median(double *v, size_t n)
{
	size_t m = 0, i;

	for (i = 0; i < n; i++) {
		if (isfinite(v[i]))
			v[m++] = v[i];
	}
	if (!m)
		return NAN;
	qsort(v, m, sizeof(*v), dbl_cmp);
	return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

static const char *fmt(struct dhb_plot *p, const char *f, ...)
	__attribute__((format(printf, 2, 3)));

/* A formatted string, interned; NULL when out of memory. */
static const char *fmt(struct dhb_plot *p, const char *f, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return plot_intern(p, buf);
}

static int pick_add(struct picks *pk, const struct pick *k)
{
	if (!k->fig || !k->name || !k->title || !k->ser)
		return -ENOMEM;
	if (plot_grow((void **)&pk->v, &pk->cap, pk->n, sizeof(*pk->v)))
		return -ENOMEM;
	pk->v[pk->n] = *k;
	pk->v[pk->n].seq = pk->n;
	pk->n++;
	return 0;
}

/* The subtitle of the picks [i, j): their runs (plot_runs_subtitle()), or compare's note. */
static int subtitle(char *buf, size_t len, const struct pick *v, size_t i, size_t j)
{
	const struct prun **r;
	size_t k;

	if (!v[i].run) {
		snprintf(buf, len, "%s", v[i].note ? v[i].note : "");
		return 0;
	}
	r = malloc((j - i) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (k = i; k < j; k++)
		r[k - i] = v[k].run;
	plot_runs_subtitle(buf, len, r, j - i);
	free(r);
	return 0;
}

/* One point from the picks [i, j) of one place. */
static int point(struct pseries *s, const struct pick *v, size_t i, size_t j)
{
	double *y = malloc(3 * (j - i) * sizeof(*y)), *lo, *hi;
	struct ppoint pt = {.x = v[i].x};
	size_t k, n = j - i;
	int ret;

	if (!y)
		return -ENOMEM;
	lo = y + n;
	hi = lo + n;
	for (k = 0; k < n; k++) {
		y[k] = v[i + k].y;
		lo[k] = v[i + k].lo;
		hi[k] = v[i + k].hi;
		pt.mark |= v[i + k].mark;
	}
	pt.y = median(y, n);
	pt.lo = median(lo, n);
	pt.hi = median(hi, n);
	free(y);
	ret = isfinite(pt.y) ? plot_point_add(s, &pt) : 0;
	return ret;
}

struct cat_seq {
	const char *cat;
	size_t seq;
};

static int cat_seq_cmp(const void *pa, const void *pb)
{
	const struct cat_seq *a = pa, *b = pb;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * The categories of a figure's picks [i, j), in the order of their first rows: the order their
 * writer gave them (a pipeline's stages in turn).
 */
static int categories(struct dhb_plot_figure *f, const struct pick *v, size_t i, size_t j)
{
	struct cat_seq *c = malloc((j - i) * sizeof(*c));
	size_t k, q, n = 0;

	f->cats = malloc((j - i) * sizeof(*f->cats));
	if (!c || !f->cats) {
		free(c);
		return -ENOMEM;
	}
	for (k = i; k < j; k++) {
		for (q = 0; q < n && c[q].cat != v[k].cat; q++)
			;
		if (q == n)
			c[n++] = (struct cat_seq){v[k].cat, v[k].seq};
		else if (v[k].seq < c[q].seq)
			c[q].seq = v[k].seq;
	}
	qsort(c, n, sizeof(*c), cat_seq_cmp);
	for (k = 0; k < n; k++)
		f->cats[k] = c[k].cat;
	f->n_cats = n;
	free(c);
	return 0;
}

/* Index of @cat among the figure's categories. */
static double cat_index(const struct dhb_plot_figure *f, const char *cat)
{
	size_t k;

	for (k = 0; k < f->n_cats; k++) {
		if (!strcmp(f->cats[k], cat))
			return (double)k;
	}
	return 0;
}

/* The figures of sorted picks: one per fig, a series per (rank, label), a point per place. */
static int build(struct dhb_plot *p, enum dhb_plot_kind kind, struct picks *pk)
{
	struct pick *v = pk->v;
	size_t i = 0, j, s, t;
	int ret = 0;

	if (pk->n)
		qsort(v, pk->n, sizeof(*v), pick_cmp);
	while (i < pk->n && !ret) {
		struct dhb_plot_figure *f = plot_figure_new(p, kind);

		if (!f)
			return -ENOMEM;
		for (j = i; j < pk->n && v[j].fig == v[i].fig; j++)
			;
		plot_figure_name(p, f, v[i].name);
		snprintf(f->title, sizeof(f->title), "%s", v[i].title);
		ret = subtitle(f->subtitle, sizeof(f->subtitle), v, i, j);
		f->unit = v[i].unit;
		f->label = v[i].label;
		if (v[i].cat && !ret)
			ret = categories(f, v, i, j);
		for (s = i; s < j && !ret; s = t) {
			struct pseries *se =
				plot_series_new(f, v[s].ser, v[s].colour_key, v[s].style);

			if (!se)
				return -ENOMEM;
			for (t = s; t < j && v[t].rank == v[s].rank && v[t].ser == v[s].ser; t++)
				;
			while (s < t && !ret) {
				size_t e = s;

				while (e < t && v[e].cat == v[s].cat && v[e].x == v[s].x)
					e++;
				ret = point(se, v, s, e);
				if (!ret && v[s].cat && se->n)
					se->pts[se->n - 1].x = cat_index(f, v[s].cat);
				s = e;
			}
			if (f->cats && se->n) /* in the categories' order */
				qsort(se->pts, se->n, sizeof(*se->pts), point_x_cmp);
			if (!se->n)
				f->n_series--; /* nothing finite: no series */
		}
		if (!f->n_series) {
			plot_figure_release(f);
			p->n_figs--;
		}
		i = j;
	}
	return ret;
}

static bool is_floor(const char *params)
{
	return !strncmp(params, "floor=", 6);
}

/* A test that has floor rows (params floor=...): its rows make sync figures. */
static bool has_floor(const struct dhb_plot *p, const char *test)
{
	size_t i;

	for (i = 0; i < p->n_rows; i++) {
		if (p->rows[i].key.test == test && is_floor(p->rows[i].key.params))
			return true;
	}
	return false;
}

/* The place of a row in a size figure; the fields the kinds share. */
static struct pick row_pick(const struct prow *r)
{
	return (struct pick){.ser = r->key.heap,
			     .colour_key = r->key.heap,
			     .style = STYLE_PLAIN,
			     .unit = r->key.unit,
			     .label = r->key.metric,
			     .x = (double)r->key.size,
			     .y = r->p50,
			     .lo = r->p90,
			     .hi = r->p99,
			     .run = &r->run};
}

static const char *sep(const char *params)
{
	return *params ? ", " : "";
}

static const char *dash(const char *params)
{
	return *params ? "-" : "";
}

static int latency_pick(struct dhb_plot *p, struct picks *pk, const struct prow *r)
{
	struct pick k = row_pick(r);

	if (strcmp(r->key.unit, "ns") || !strcmp(r->key.test, PLOT_PIPELINE_TEST))
		return 0;
	k.fig = fmt(p, "%s\x1f%s\x1f%s", r->key.test, r->key.metric, r->key.params);
	k.name = fmt(p, "latency-%s%s%s", r->key.metric, dash(r->key.params), r->key.params);
	k.title =
		fmt(p, "%s: %s%s%s", r->key.test, r->key.metric, sep(r->key.params), r->key.params);
	return pick_add(pk, &k);
}

static int bandwidth_pick(struct dhb_plot *p, struct picks *pk, const struct prow *r)
{
	struct pick k = row_pick(r);
	bool baseline;
	const char *params = plot_without_baseline(p, r->key.params, &baseline);

	if (strcmp(r->key.unit, "MB/s"))
		return 0;
	if (!params)
		return -ENOMEM;
	k.lo = k.hi = NAN;
	if (baseline) {
		k.rank = 1;
		k.colour_key = NULL;
		k.style = STYLE_LIMIT;
		k.ser = fmt(p, "%s (limit)", r->key.heap);
	}
	k.fig = fmt(p, "%s\x1f%s\x1f%s", r->key.test, r->key.metric, params);
	k.name = fmt(p, "bandwidth-%s%s%s", r->key.metric, dash(params), params);
	k.title = fmt(p, "%s: %s%s%s", r->key.test, r->key.metric, sep(params), params);
	return pick_add(pk, &k);
}

/*
 * The sync metrics of @test (not floors), at most 8, in name order; their style is their index
 * (solid, dashed, dot-dash) and their label what is left of their name without the prefix and
 * suffix they all share ("start" of sync_start_latency beside sync_end_latency).
 */
static size_t test_metrics(const struct dhb_plot *p, const char *test, const char **seen)
{
	size_t n = 0, i, k;

	for (i = 0; i < p->n_rows && n < 8; i++) {
		const struct prow *r = &p->rows[i];

		if (r->key.test != test || is_floor(r->key.params) ||
		    plot_is_counter(r->key.metric) || strcmp(r->key.unit, "ns"))
			continue;
		for (k = 0; k < n && seen[k] != r->key.metric; k++)
			;
		if (k == n)
			seen[n++] = r->key.metric;
	}
	qsort(seen, n, sizeof(*seen), plot_str_cmp);
	return n;
}

/* @metric's style and short label among @test's sync metrics. */
static const char *metric_short(struct dhb_plot *p, const char *test, const char *metric,
				char *style)
{
	static const char styles[] = {STYLE_PLAIN, STYLE_DASHED, STYLE_DOTDASH};
	const char *m[8];
	size_t n = test_metrics(p, test, m), k, pre, suf, len = strlen(metric);

	for (k = 0; k < n && m[k] != metric; k++)
		;
	*style = styles[k % 3];
	if (n < 2)
		return metric;
	/* The longest prefix and suffix, ending and starting at '_', that every name shares. */
	for (pre = len; pre > 0; pre--) {
		for (k = 0; k < n && !strncmp(m[k], metric, pre); k++)
			;
		if (k == n && metric[pre - 1] == '_')
			break;
	}
	for (suf = len - pre; suf > 0; suf--) {
		for (k = 0; k < n && strlen(m[k]) >= suf &&
			    !strcmp(m[k] + strlen(m[k]) - suf, metric + len - suf);
		     k++)
			;
		if (k == n && metric[len - suf] == '_')
			break;
	}
	if (pre + suf >= len)
		return metric;
	return fmt(p, "%.*s", (int)(len - pre - suf), metric + pre);
}

#define MAX_PARAMS 64

/* The distinct params of @test's rows that are not floors and that a sync figure takes. */
static size_t test_params(const struct dhb_plot *p, const char *test, const char **v, size_t max)
{
	size_t n = 0, i, k;

	for (i = 0; i < p->n_rows && n < max; i++) {
		const struct prow *o = &p->rows[i];

		if (o->key.test != test || is_floor(o->key.params) || strcmp(o->key.unit, "ns") ||
		    !plot_metric_taken(p, o->key.metric) || !plot_size_taken(p, o->key.size))
			continue;
		for (k = 0; k < n && v[k] != o->key.params; k++)
			;
		if (k == n)
			v[n++] = o->key.params;
	}
	return n;
}

static int sync_pick(struct dhb_plot *p, struct picks *pk, const struct prow *r)
{
	const char *params[MAX_PARAMS], *short_name;
	struct pick k = row_pick(r);
	size_t i, n;
	int ret = 0;

	if (strcmp(r->key.unit, "ns") || !has_floor(p, r->key.test))
		return 0;
	if (!is_floor(r->key.params)) {
		k.fig = fmt(p, "%s\x1f%s", r->key.test, r->key.params);
		k.name = fmt(p, "sync-%s", *r->key.params ? r->key.params : r->key.test);
		k.title = fmt(p, "%s: cost vs size%s%s", r->key.test, sep(r->key.params),
			      r->key.params);
		short_name = metric_short(p, r->key.test, r->key.metric, &k.style);
		k.ser = short_name ? fmt(p, "%s %s", r->key.heap, short_name) : NULL;
		k.label = "cost";
		return pick_add(pk, &k);
	}
	/* A floor row joins every figure of its test: one per params of its other rows. */
	k.rank = 1;
	k.colour_key = NULL;
	k.style = STYLE_FLOOR;
	k.lo = k.hi = NAN;
	k.ser = fmt(p, "%s (median of the heaps)", r->key.metric);
	n = test_params(p, r->key.test, params, MAX_PARAMS);
	for (i = 0; i < n && !ret; i++) {
		k.fig = fmt(p, "%s\x1f%s", r->key.test, params[i]);
		k.name = fmt(p, "sync-%s", *params[i] ? params[i] : r->key.test);
		k.title = fmt(p, "%s: cost vs size%s%s", r->key.test, sep(params[i]), params[i]);
		ret = pick_add(pk, &k);
	}
	return ret;
}

/*
 * A pipeline's rows in ns: one figure per params and size, a category per metric, a series per
 * source labelled with its counts (the rows not in ns: fps, late and dropped frames ...), and
 * the display's frame period (rate=) as a reference line across the categories.
 */
static int pipeline_pick(struct dhb_plot *p, struct picks *pk, const struct prow *r)
{
	struct pick k = row_pick(r);
	char size[DHB_SIZE_FMT_LEN], params[512];
	double period = plot_frame_period(r->key.params);
	int ret;

	if (strcmp(r->key.test, PLOT_PIPELINE_TEST) || strcmp(r->key.unit, "ns"))
		return 0;
	dhb_size_format(r->key.size, size, sizeof(size));
	plot_params_text(r->key.params, params, sizeof(params));
	k.fig = fmt(p, "%s\x1f%s", r->key.params, size);
	k.name = fmt(p, "pipeline-%s%s%s", r->key.params, dash(r->key.params), size);
	k.title = fmt(p, "pipeline %s%s(%s a frame)", params, *params ? " " : "", size);
	k.ser = plot_pipeline_label(p, r);
	k.cat = r->key.metric;
	k.x = 0;
	k.label = "time per frame and stage";
	ret = pick_add(pk, &k);
	if (ret || !isfinite(period))
		return ret;
	k.rank = 1;
	k.colour_key = NULL;
	k.style = STYLE_LIMIT;
	k.ser = plot_period_label(p, r->key.params, period);
	k.y = period;
	k.lo = k.hi = NAN;
	return pick_add(pk, &k);
}

/* Rows of more than one board or kernel in the picks: one line in @err, -EINVAL. */
static int one_platform(const struct picks *pk, enum dhb_plot_kind kind, char *err, size_t errlen)
{
	size_t i;

	for (i = 1; i < pk->n; i++) {
		const struct prun *a = pk->v[0].run, *b = pk->v[i].run;

		if (a && b && (a->board != b->board || a->kernel != b->kernel)) {
			snprintf(
				err, errlen,
				"the rows for the %s plot come from more than one board or kernel "
				"(%s, %s and %s, %s): plot one at a time (its files, or a selector "
				"such as kernel=%s), or compare them and plot the ratio",
				dhb_plot_kind_info(kind)->name, a->board, a->kernel, b->board,
				b->kernel, b->kernel);
			return -EINVAL;
		}
	}
	return 0;
}

int plot_rows_figures(struct dhb_plot *p, enum dhb_plot_kind kind, char *err, size_t errlen)
{
	int (*add)(struct dhb_plot *, struct picks *, const struct prow *) =
		kind == DHB_PLOT_LATENCY     ? latency_pick
		: kind == DHB_PLOT_BANDWIDTH ? bandwidth_pick
		: kind == DHB_PLOT_SYNC	     ? sync_pick
					     : pipeline_pick;
	struct picks pk = {0};
	size_t i;
	int ret = 0;

	for (i = 0; i < p->n_rows && !ret; i++) {
		const struct prow *r = &p->rows[i];

		if (plot_metric_taken(p, r->key.metric) && plot_size_taken(p, r->key.size) &&
		    isfinite(r->p50))
			ret = add(p, &pk, r);
	}
	if (!ret)
		ret = one_platform(&pk, kind, err, errlen);
	if (!ret)
		ret = build(p, kind, &pk);
	free(pk.v);
	return ret;
}

static bool significant(const char *verdict)
{
	return !strcmp(verdict, "regression") || !strcmp(verdict, "improvement");
}

int plot_ratio_figures(struct dhb_plot *p, char *err, size_t errlen)
{
	struct picks pk = {0};
	size_t i;
	int ret = 0;

	(void)err;
	(void)errlen;
	for (i = 0; i < p->n_cmp && !ret; i++) {
		const struct pcmp *c = &p->cmp[i];
		bool baseline;
		const char *params = plot_without_baseline(p, c->params, &baseline);
		struct pick k = {.ser = c->heap,
				 .colour_key = c->heap,
				 .style = STYLE_PLAIN,
				 .unit = "ratio",
				 .label = c->metric,
				 .x = (double)c->size,
				 .y = c->ratio,
				 .lo = c->lo,
				 .hi = c->hi,
				 .mark = significant(c->verdict)};

		if (!params)
			return -ENOMEM;
		if (!isfinite(c->ratio) || !plot_metric_taken(p, c->metric) ||
		    !plot_size_taken(p, c->size))
			continue;
		if (baseline) { /* the malloc baseline's ratio: a reference, grey */
			k.rank = 1;
			k.colour_key = NULL;
			k.style = STYLE_FLOOR;
			k.ser = fmt(p, "%s (baseline)", c->heap);
		}
		k.fig = fmt(p, "%s\x1f%s\x1f%s\x1f%s", c->board, c->test, c->metric, params);
		k.name = fmt(p, "ratio-%s%s%s", c->metric, dash(params), params);
		k.title = fmt(p, "%s: %s%s%s, new / base", c->test, c->metric, sep(params), params);
		k.note = fmt(p, "%s, from %s (compare --format csv)", c->board, c->file);
		ret = pick_add(&pk, &k);
	}
	if (!ret)
		ret = build(p, DHB_PLOT_RATIO, &pk);
	free(pk.v);
	return ret;
}
