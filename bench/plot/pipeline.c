// SPDX-License-Identifier: MIT
// Pipeline figures: the frame period (rate=), a source's counts in its label, the frames figures.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "plot_priv.h"

void plot_params_text(const char *params, char *buf, size_t len)
{
	size_t i = 0;

	for (; *params && i + 3 < len; params++) {
		buf[i++] = *params == ';' ? ',' : *params;
		if (*params == ';')
			buf[i++] = ' ';
	}
	buf[i] = '\0';
}

double plot_frame_period(const char *params)
{
	const char *r = params;
	char *end;
	double hz;

	while ((r = strstr(r, "rate=")) && r != params && r[-1] != ';')
		r += 5;
	if (!r)
		return NAN;
	hz = strtod(r + 5, &end);
	if (end == r + 5 || (*end && *end != ';') || !isfinite(hz) || hz <= 0)
		return NAN;
	return 1e9 / hz;
}

/* A time in ns as "16.7 ms". */
static void time_text(double ns, char *buf, size_t len)
{
	static const char *const units[] = {"ns", "µs", "ms", "s"};
	unsigned int u = 0;

	while (u < 3 && fabs(ns) >= 1000) {
		ns /= 1000;
		u++;
	}
	snprintf(buf, len, "%.3g %s", ns, units[u]);
}

const char *plot_period_label(struct dhb_plot *p, const char *params, double period)
{
	char t[32], buf[96];
	const char *r = strstr(params, "rate=");
	size_t n = r ? strcspn(r, ";") : 0;

	time_text(period, t, sizeof(t));
	snprintf(buf, sizeof(buf), "frame period at %.*s (%s)", (int)(n < 40 ? n : 40), r ? r : "",
		 t);
	return plot_intern(p, buf);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0 .. n-1] (n > 0, reordered). */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Whether @o is a count of the source of @r: its test, heap, params and size, not in ns. */
static bool count_of(const struct dhb_plot *p, const struct prow *o, const struct prow *r)
{
	return o->key.test == r->key.test && o->key.heap == r->key.heap &&
	       o->key.params == r->key.params && o->key.size == r->key.size &&
	       strcmp(o->key.unit, "ns") && isfinite(o->p50) && plot_metric_taken(p, o->key.metric);
}

/* " 54.9 fps" (median of the runs' p50) of the count @metric of the source of @r, into @buf. */
static int count_text(const struct dhb_plot *p, const struct prow *r, const char *metric, double *v,
		      char *buf, size_t len)
{
	size_t n = 0, i;
	double m;

	for (i = 0; i < p->n_rows; i++) {
		if (p->rows[i].key.metric == metric && count_of(p, &p->rows[i], r))
			v[n++] = p->rows[i].p50;
	}
	m = median(v, n);
	if (m == floor(m) && fabs(m) < 1e15)
		return snprintf(buf, len, " %.0f %s", m, metric);
	return snprintf(buf, len, " %.3g %s", m, metric);
}

#define MAX_COUNTS 16

const char *plot_pipeline_label(struct dhb_plot *p, const struct prow *r)
{
	double *v = malloc((p->n_rows ? p->n_rows : 1) * sizeof(*v));
	const char *metrics[MAX_COUNTS];
	size_t n = 0, off, i, k;
	char buf[512];

	if (!v)
		return NULL;
	/* The counts' metrics in the order of their first rows: the order the pipeline wrote. */
	for (i = 0; i < p->n_rows && n < MAX_COUNTS; i++) {
		if (!count_of(p, &p->rows[i], r))
			continue;
		for (k = 0; k < n && metrics[k] != p->rows[i].key.metric; k++)
			;
		if (k == n)
			metrics[n++] = p->rows[i].key.metric;
	}
	off = (size_t)snprintf(buf, sizeof(buf), "%s", r->key.heap);
	for (k = 0; k < n && off + 2 < sizeof(buf); k++) {
		buf[off] = k ? ',' : ':';
		off += 1 + (size_t)count_text(p, r, metrics[k], v, buf + off + 1,
					      sizeof(buf) - off - 1);
	}
	free(v);
	if (off >= sizeof(buf))
		snprintf(buf + sizeof(buf) - 4, 4, "...");
	return plot_intern(p, buf);
}

/*
 * The frames figures: the metrics a pipeline records once per frame, so that a sample's index
 * is its frame's (results/SCHEMA.md; commit_to_flip_latency, for one, skips frames). Exact
 * samples only: a group past the recorder's bound holds histogram buckets, not frames.
 */
static const char *const frame_metrics[] = {"frame_time", "end_to_end_latency"};
#define N_FRAME_METRICS (sizeof(frame_metrics) / sizeof(frame_metrics[0]))

/* A samples group placed in a frames figure (metric, params, size) and series (heap). */
struct fplace {
	const char *fig;
	const struct pgroup *g;
};

static int fplace_cmp(const void *pa, const void *pb)
{
	const struct fplace *a = pa, *b = pb;
	int c = strcmp(a->fig, b->fig);

	return c ? c : strcmp(a->g->key.heap, b->g->key.heap);
}

/* The rank of @g's metric among frame_metrics, or -1 when no frames figure takes @g. */
static int frame_rank(const struct pgroup *g)
{
	size_t m;

	if (strcmp(g->key.test, PLOT_PIPELINE_TEST) || strcmp(g->key.unit, "ns") || !g->n ||
	    g->buckets)
		return -1;
	for (m = 0; m < N_FRAME_METRICS; m++) {
		if (!strcmp(g->key.metric, frame_metrics[m]))
			return (int)m;
	}
	return -1;
}

static int val_index_cmp(const void *pa, const void *pb)
{
	const struct pval *a = pa, *b = pb;

	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return a->value < b->value ? -1 : a->value > b->value;
}

/*
 * The points of the places [i, j) of one heap: per frame the value, the median of the runs'
 * when several; *@last the largest frame index seen.
 */
static int frames_series(struct pseries *s, const struct fplace *pl, size_t i, size_t j,
			 uint64_t *last)
{
	struct ppoint pt = {.lo = NAN, .hi = NAN};
	size_t n = 0, k, e;
	struct pval *v;
	int ret = 0;

	for (k = i; k < j; k++)
		n += pl[k].g->n;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = i, n = 0; k < j; k++) {
		memcpy(v + n, pl[k].g->v, pl[k].g->n * sizeof(*v));
		n += pl[k].g->n;
	}
	qsort(v, n, sizeof(*v), val_index_cmp);
	for (k = 0; k < n && !ret; k = e) {
		for (e = k; e < n && v[e].index == v[k].index; e++)
			;
		pt.x = (double)v[k].index;
		pt.y = (e - k) % 2 ? v[k + (e - k) / 2].value
				   : (v[k + (e - k) / 2 - 1].value + v[k + (e - k) / 2].value) / 2;
		if (v[k].index > *last)
			*last = v[k].index;
		ret = plot_point_add(s, &pt);
	}
	free(v);
	return ret;
}

/* The frame period's line across the frames [0, last] of @f. */
static int frames_period(struct dhb_plot *p, struct dhb_plot_figure *f, const char *params,
			 uint64_t last)
{
	double period = plot_frame_period(params);
	const char *label;
	struct pseries *s;
	struct ppoint pt = {.x = 0, .y = period, .lo = NAN, .hi = NAN};

	if (!isfinite(period))
		return 0;
	label = plot_period_label(p, params, period);
	s = label ? plot_series_new(f, label, NULL, STYLE_LIMIT) : NULL;
	if (!s || plot_point_add(s, &pt))
		return -ENOMEM;
	pt.x = (double)last;
	return plot_point_add(s, &pt);
}

/* The figure of the places [i, j), sorted by heap: a series per heap, the frame period. */
static int frames_figure(struct dhb_plot *p, const struct fplace *pl, size_t i, size_t j)
{
	struct dhb_plot_figure *f = plot_figure_new(p, DHB_PLOT_FRAMES);
	const struct prun **runs = malloc((j - i) * sizeof(*runs));
	const struct pkey *key = &pl[i].g->key;
	char size[DHB_SIZE_FMT_LEN], params[160], name[384];
	uint64_t last = 0;
	size_t s, t;
	int ret = 0;

	if (!f || !runs) {
		free(runs);
		return -ENOMEM;
	}
	dhb_size_format(key->size, size, sizeof(size));
	plot_params_text(key->params, params, sizeof(params));
	snprintf(name, sizeof(name), "frames-%s-%s%s%s", key->metric, key->params,
		 *key->params ? "-" : "", size);
	plot_figure_name(p, f, name);
	snprintf(f->title, sizeof(f->title), "%.40s per frame: pipeline %s%s(%s a frame)",
		 key->metric, params, *params ? " " : "", size);
	for (s = i; s < j; s++)
		runs[s - i] = &pl[s].g->run;
	plot_runs_subtitle(f->subtitle, sizeof(f->subtitle), runs, j - i);
	free(runs);
	f->unit = key->unit;
	f->label = key->metric;
	for (s = i; s < j && !ret; s = t) {
		struct pseries *se;

		for (t = s; t < j && !strcmp(pl[t].g->key.heap, pl[s].g->key.heap); t++)
			;
		se = plot_series_new(f, pl[s].g->key.heap, pl[s].g->key.heap, STYLE_PLAIN);
		ret = se ? frames_series(se, pl, s, t, &last) : -ENOMEM;
	}
	return ret ? ret : frames_period(p, f, key->params, last);
}

/*
 * Whether @g's samples are in increasing order of value rather than of frames: a samples file
 * written before the recorder kept the order recorded (its percentiles sorted the samples in
 * place). Frames in that order by chance: 16 or more, not all equal, have odds below 1 / 16!.
 */
#define VALUE_ORDER_MIN 16

static bool value_ordered(const struct pgroup *g)
{
	size_t k;

	if (g->n < VALUE_ORDER_MIN || g->v[0].value == g->v[g->n - 1].value)
		return false;
	for (k = 1; k < g->n; k++) {
		if (g->v[k].value < g->v[k - 1].value)
			return false;
	}
	return true;
}

/* Groups of more than one board or kernel among the places: one line in @err, -EINVAL. */
static int frames_one_platform(const struct fplace *pl, size_t n, char *err, size_t errlen)
{
	size_t i;

	for (i = 1; i < n; i++) {
		const struct prun *a = &pl[0].g->run, *b = &pl[i].g->run;

		if (a->board != b->board || a->kernel != b->kernel) {
			snprintf(err, errlen,
				 "the pipeline samples for the frames plot come from more than one "
				 "board or kernel (%s, %s and %s, %s): plot one at a time",
				 a->board, a->kernel, b->board, b->kernel);
			return -EINVAL;
		}
	}
	return 0;
}

int plot_frames_figures(struct dhb_plot *p, bool required, char *err, size_t errlen)
{
	struct fplace *pl = malloc((p->n_groups ? p->n_groups : 1) * sizeof(*pl));
	char buf[640];
	size_t n = 0, i, j;
	int ret = 0, m;

	if (!pl)
		return -ENOMEM;
	for (i = 0; i < p->n_groups && !ret; i++) {
		const struct pgroup *g = &p->groups[i];

		m = frame_rank(g);
		if (m < 0)
			continue;
		if (value_ordered(g) && !required)
			continue;
		if (value_ordered(g)) {
			snprintf(err, errlen,
				 "--plots frames: the samples of %s on %s (%s) are in increasing "
				 "order "
				 "of value, not of frames: a samples file written before the "
				 "samples "
				 "kept the order recorded (rerun pipeline --samples)",
				 g->key.metric, g->key.heap, g->key.params);
			ret = -EINVAL;
			break;
		}
		snprintf(buf, sizeof(buf), "%d\x1f%s\x1f%020llu", m, g->key.params,
			 (unsigned long long)g->key.size);
		pl[n] = (struct fplace){plot_intern(p, buf), g};
		ret = pl[n++].fig ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = frames_one_platform(pl, n, err, errlen);
	if (!ret && n)
		qsort(pl, n, sizeof(*pl), fplace_cmp);
	for (i = 0; i < n && !ret; i = j) {
		for (j = i; j < n && pl[j].fig == pl[i].fig; j++)
			;
		ret = frames_figure(p, pl, i, j);
	}
	free(pl);
	return ret;
}
