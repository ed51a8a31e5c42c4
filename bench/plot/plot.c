// SPDX-License-Identifier: MIT
// Plot sessions: the kinds, the inputs kept for them, the figures' names and colours.
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/list.h"
#include "plot_priv.h"

static const struct dhb_plot_kind_info kinds[DHB_PLOT_NR_KINDS] = {
	[DHB_PLOT_LATENCY] = {"latency", "latency.gp", DHB_PLOT_IN_ROWS,
			      "latency vs size per heap: p50, whiskers p90 to p99 (rows in ns)"},
	[DHB_PLOT_BANDWIDTH] =
		{"bandwidth", "bandwidth.gp", DHB_PLOT_IN_ROWS,
		 "bandwidth vs size per heap, with the malloc baseline as the limit"},
	[DHB_PLOT_SYNC] =
		{"sync", "sync.gp", DHB_PLOT_IN_ROWS,
		 "sync cost vs size per direction: start and end per heap, the ioctl floor"},
	[DHB_PLOT_ECDF] = {"ecdf", "ecdf.gp", DHB_PLOT_IN_SAMPLES,
			   "distribution (ECDF) of one metric across heaps, per size (--samples)"},
	[DHB_PLOT_FRAG] = {"frag", "frag.gp", DHB_PLOT_IN_FRAG,
			   "external fragmentation over the operations per policy (--frag)"},
	[DHB_PLOT_RATIO] = {"ratio", "ratio.gp", DHB_PLOT_IN_COMPARE,
			    "new/base ratio per metric with its 95% interval (--compare)"},
	[DHB_PLOT_PIPELINE] = {"pipeline", "pipeline.gp", DHB_PLOT_IN_ROWS,
			       "pipeline frame times per heap (rows of the test pipeline)"},
	[DHB_PLOT_FRAMES] = {"frames", "frames.gp", DHB_PLOT_IN_SAMPLES,
			     "pipeline frame_time, end_to_end_latency over the frames per heap "
			     "(--samples of pipeline)"},
};

const struct dhb_plot_kind_info *dhb_plot_kind_info(enum dhb_plot_kind k)
{
	return &kinds[k];
}

int dhb_plot_kind_parse(const char *name, enum dhb_plot_kind *k)
{
	unsigned int i;

	for (i = 0; i < DHB_PLOT_NR_KINDS; i++) {
		if (!strcmp(kinds[i].name, name)) {
			*k = (enum dhb_plot_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Interned strings: an open-addressing hash set, its size a power of two, at most half full. */
struct intern {
	char **slot;
	size_t cap, n;
};

uint64_t plot_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

int plot_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int intern_grow(struct intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, i, j;
	char **slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i])
			continue;
		for (j = plot_hash(t->slot[i]) & (cap - 1); slot[j]; j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

const char *plot_intern(struct dhb_plot *p, const char *s)
{
	struct intern *t = p->strings;
	size_t j;

	if (!s)
		s = "";
	if ((t->n + 1) * 2 > t->cap && intern_grow(t))
		return NULL;
	for (j = plot_hash(s) & (t->cap - 1); t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		if (!strcmp(t->slot[j], s))
			return t->slot[j];
	}
	t->slot[j] = strdup(s);
	if (!t->slot[j])
		return NULL;
	t->n++;
	return t->slot[j];
}

int plot_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 16;
	void *m;

	if (n < *cap)
		return 0;
	m = realloc(*v, c * size);
	if (!m)
		return -ENOMEM;
	*v = m;
	*cap = c;
	return 0;
}

struct dhb_plot *dhb_plot_new(const struct dhb_plot_filter *filter)
{
	struct dhb_plot *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->strings = calloc(1, sizeof(*p->strings));
	if (!p->strings) {
		free(p);
		return NULL;
	}
	if (filter)
		p->filter = *filter;
	return p;
}

void plot_figure_release(struct dhb_plot_figure *f)
{
	size_t i;

	for (i = 0; i < f->n_series; i++)
		free(f->series[i].pts);
	free(f->series);
	free(f->cats);
	f->series = NULL;
	f->cats = NULL;
	f->n_series = f->n_cats = 0;
}

static void figures_release(struct dhb_plot *p)
{
	size_t i;

	for (i = 0; i < p->n_figs; i++)
		plot_figure_release(&p->figs[i]);
	p->n_figs = 0;
}

void dhb_plot_free(struct dhb_plot *p)
{
	size_t i;

	if (!p)
		return;
	figures_release(p);
	free(p->figs);
	for (i = 0; i < p->n_groups; i++)
		free(p->groups[i].v);
	free(p->groups);
	free(p->sample_metrics);
	free(p->rows);
	free(p->frag);
	free(p->cmp);
	for (i = 0; i < p->strings->cap; i++)
		free(p->strings->slot[i]);
	free(p->strings->slot);
	free(p->strings);
	free(p);
}

void plot_frag_label(const char *source, const char *policy, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", source, *policy ? " " : "", policy);
}

bool plot_is_counter(const char *metric)
{
	return strchr(metric, '.') != NULL;
}

bool plot_metric_taken(const struct dhb_plot *p, const char *metric)
{
	const char *l = p->filter.metrics;
	char pat[256];
	bool too_long;

	if (!l)
		return !plot_is_counter(metric);
	while (dhb_list_next(&l, pat, sizeof(pat), &too_long)) {
		if (!fnmatch(pat, metric, 0) && (strchr(pat, '.') || !plot_is_counter(metric)))
			return true;
	}
	return false;
}

bool plot_size_taken(const struct dhb_plot *p, uint64_t size)
{
	size_t i;

	if (!p->filter.sizes)
		return true;
	for (i = 0; i < p->filter.n_sizes; i++) {
		if (p->filter.sizes[i] == size)
			return true;
	}
	return false;
}

/* A run's strings interned in place: 0 or -ENOMEM. */
static int run_intern(struct dhb_plot *p, struct prun *r)
{
	r->board = plot_intern(p, r->board);
	r->kernel = plot_intern(p, r->kernel);
	r->timestamp = plot_intern(p, r->timestamp);
	r->key = plot_intern(p, r->key);
	return r->board && r->kernel && r->timestamp && r->key ? 0 : -ENOMEM;
}

/* A key's strings interned in place: 0 or -ENOMEM. */
static int key_intern(struct dhb_plot *p, struct pkey *k)
{
	k->test = plot_intern(p, k->test);
	k->heap = plot_intern(p, k->heap);
	k->backend = plot_intern(p, k->backend);
	k->metric = plot_intern(p, k->metric);
	k->params = plot_intern(p, k->params);
	k->unit = plot_intern(p, k->unit);
	return k->test && k->heap && k->backend && k->metric && k->params && k->unit ? 0 : -ENOMEM;
}

int dhb_plot_add_row(struct dhb_plot *p, const struct dhb_run_info *run, const struct dhb_row *row,
		     const char *run_key)
{
	struct prow r = {
		.run = {run->board, run->kernel, run->timestamp, run_key},
		.key = {row->test, row->heap, row->backend, row->metric, row->params, row->unit,
			row->size_bytes},
		.p50 = row->stats.p50,
		.p90 = row->stats.p90,
		.p99 = row->stats.p99,
	};

	p->has[DHB_PLOT_IN_ROWS] = true;
	if (run_intern(p, &r.run) || key_intern(p, &r.key) ||
	    plot_grow((void **)&p->rows, &p->cap_rows, p->n_rows, sizeof(*p->rows)))
		return -ENOMEM;
	p->rows[p->n_rows++] = r;
	return 0;
}

/* Whether @g is the group of @s (interned strings compare by pointer once @s's are looked up). */
static bool group_of(const struct pgroup *g, const struct dhb_results_sample *s, const char *key)
{
	return g->key.size == s->size_bytes && !strcmp(g->key.metric, s->metric) &&
	       !strcmp(g->key.heap, s->heap) && !strcmp(g->key.params, s->params) &&
	       !strcmp(g->key.test, s->test) && !strcmp(g->key.backend, s->backend) &&
	       !strcmp(g->key.unit, s->unit) && !strcmp(g->run.timestamp, s->timestamp) &&
	       !strcmp(g->run.board, s->board) && !strcmp(g->run.kernel, s->kernel) &&
	       !strcmp(g->run.key, key);
}

/* The group of a sample: the last one (samples come a row at a time), another, or a new one. */
static struct pgroup *find_group(struct dhb_plot *p, const struct dhb_results_sample *s)
{
	struct pgroup g = {
		.run = {s->board, s->kernel, s->timestamp, s->hostname},
		.key = {s->test, s->heap, s->backend, s->metric, s->params, s->unit, s->size_bytes},
	};
	size_t i;

	for (i = p->n_groups; i-- > 0;) {
		if (group_of(&p->groups[i], s, s->hostname))
			return &p->groups[i];
	}
	if (run_intern(p, &g.run) || key_intern(p, &g.key) ||
	    plot_grow((void **)&p->groups, &p->cap_groups, p->n_groups, sizeof(*p->groups)))
		return NULL;
	p->groups[p->n_groups] = g;
	return &p->groups[p->n_groups++];
}

#define MAX_SAMPLES (1u << 24)

/* @metric among the samples' metrics, for the message of a --metric that matches none. */
static int sample_metric_seen(struct dhb_plot *p, const char *metric)
{
	const char **v = p->sample_metrics;
	size_t n = p->n_sample_metrics, i;

	if (n && !strcmp(v[n - 1], metric))
		return 0; /* samples come a row at a time */
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i], metric))
			return 0;
	}
	if (plot_grow((void **)&p->sample_metrics, &p->cap_sample_metrics, n, sizeof(*v)))
		return -ENOMEM;
	p->sample_metrics[n] = plot_intern(p, metric);
	if (!p->sample_metrics[n])
		return -ENOMEM;
	p->n_sample_metrics++;
	return 0;
}

int dhb_plot_add_sample(struct dhb_plot *p, const struct dhb_results_sample *s)
{
	struct pgroup *g;

	p->has[DHB_PLOT_IN_SAMPLES] = true;
	if (sample_metric_seen(p, s->metric))
		return -ENOMEM;
	if (!plot_metric_taken(p, s->metric) || !plot_size_taken(p, s->size_bytes))
		return 0;
	if (p->n_samples >= MAX_SAMPLES)
		return -E2BIG;
	g = p->n_groups && group_of(&p->groups[p->n_groups - 1], s, s->hostname)
		    ? &p->groups[p->n_groups - 1]
		    : find_group(p, s);
	if (!g || plot_grow((void **)&g->v, &g->cap, g->n, sizeof(*g->v)))
		return -ENOMEM;
	g->v[g->n++] = (struct pval){s->value, s->count, s->index};
	g->buckets |= s->count != 1 || !isnan(s->low);
	p->n_samples++;
	return 0;
}

bool dhb_plot_has(const struct dhb_plot *p, enum dhb_plot_input input)
{
	return p->has[input];
}

struct dhb_plot_figure *plot_figure_new(struct dhb_plot *p, enum dhb_plot_kind kind)
{
	struct dhb_plot_figure *f;

	if (plot_grow((void **)&p->figs, &p->cap_figs, p->n_figs, sizeof(*p->figs)))
		return NULL;
	f = &p->figs[p->n_figs++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->unit = "";
	f->label = "";
	return f;
}

struct pseries *plot_series_new(struct dhb_plot_figure *f, const char *label,
				const char *colour_key, char style)
{
	struct pseries *s = realloc(f->series, (f->n_series + 1) * sizeof(*s));

	if (!s)
		return NULL;
	f->series = s;
	s = &f->series[f->n_series++];
	*s = (struct pseries){.label = label, .colour_key = colour_key, .style = style};
	return s;
}

int plot_point_add(struct pseries *s, const struct ppoint *pt)
{
	if (plot_grow((void **)&s->pts, &s->cap, s->n, sizeof(*s->pts)))
		return -ENOMEM;
	s->pts[s->n++] = *pt;
	return 0;
}

void plot_figure_name(struct dhb_plot *p, struct dhb_plot_figure *f, const char *name)
{
	char base[sizeof(f->name) - 8];
	unsigned int k = 1;
	size_t i, j;

	for (i = 0; name[i] && i + 1 < sizeof(base); i++) {
		char c = name[i];

		base[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'
				  ? c
			  : c == ';' ? '-'
				     : '_';
	}
	base[i] = '\0';
	snprintf(f->name, sizeof(f->name), "%s", base);
	for (j = 0; j < p->n_figs; j++) {
		if (&p->figs[j] != f && !strcmp(p->figs[j].name, f->name)) {
			snprintf(f->name, sizeof(f->name), "%s-%u", base, ++k);
			j = (size_t)-1; /* again from the first */
		}
	}
}

const char *plot_without_baseline(struct dhb_plot *p, const char *params, bool *baseline)
{
	const char *b = strstr(params, "baseline_for=");
	const char *end;
	char buf[512];
	size_t len;

	*baseline = b && (b == params || b[-1] == ';');
	if (!*baseline)
		return params;
	end = strchr(b, ';');
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(b - params), params, end ? end + 1 : "");
	len = strlen(buf);
	if (len && buf[len - 1] == ';')
		buf[len - 1] = '\0';
	return plot_intern(p, buf);
}

static int run_cmp(const void *pa, const void *pb)
{
	const struct prun *a = *(const struct prun *const *)pa,
			  *b = *(const struct prun *const *)pb;
	int c = strcmp(a->timestamp, b->timestamp);

	return c ? c : strcmp(a->key, b->key);
}

void plot_runs_subtitle(char *buf, size_t len, const struct prun **r, size_t n)
{
	size_t u = 0, k;

	qsort(r, n, sizeof(*r), run_cmp);
	for (k = 0; k < n; k++) {
		if (!u || run_cmp(&r[u - 1], &r[k]))
			r[u++] = r[k];
	}
	if (u == 1)
		snprintf(buf, len, "%s, kernel %s, run of %s", r[0]->board, r[0]->kernel,
			 r[0]->timestamp);
	else if (u)
		snprintf(buf, len, "%s, kernel %s, %zu runs (%s .. %s)", r[0]->board, r[0]->kernel,
			 u, r[0]->timestamp, r[u - 1]->timestamp);
	else
		*buf = '\0';
}

/* Whether a metric pattern of the filter matches no metric of the inputs: its text, or NULL. */
static const char *unmatched_pattern(const struct dhb_plot *p, char *pat, size_t len)
{
	const char *l = p->filter.metrics;
	bool too_long, hit;
	size_t i;

	while (l && dhb_list_next(&l, pat, len, &too_long)) {
		hit = false;
		for (i = 0; i < p->n_rows && !hit; i++)
			hit = !fnmatch(pat, p->rows[i].key.metric, 0);
		for (i = 0; i < p->n_sample_metrics && !hit; i++)
			hit = !fnmatch(pat, p->sample_metrics[i], 0);
		for (i = 0; i < p->n_cmp && !hit; i++)
			hit = !fnmatch(pat, p->cmp[i].metric, 0);
		if (!hit)
			return pat;
	}
	return NULL;
}

/* Up to a line of the inputs' metrics (not counter rows), for the message of an unknown one. */
static void metric_names(const struct dhb_plot *p, char *buf, size_t len)
{
	const char **v = malloc((p->n_rows + p->n_sample_metrics + p->n_cmp + 1) * sizeof(*v));
	size_t n = 0, i, off = 0;

	buf[0] = '\0';
	if (!v)
		return;
	for (i = 0; i < p->n_rows; i++)
		v[n++] = p->rows[i].key.metric;
	for (i = 0; i < p->n_sample_metrics; i++)
		v[n++] = p->sample_metrics[i];
	for (i = 0; i < p->n_cmp; i++)
		v[n++] = p->cmp[i].metric;
	if (n)
		qsort(v, n, sizeof(*v), plot_str_cmp);
	for (i = 0; i < n && off + 1 < len; i++) {
		if ((i && !strcmp(v[i - 1], v[i])) || plot_is_counter(v[i]))
			continue;
		if (off + strlen(v[i]) + 8 >= len) {
			snprintf(buf + off, len - off, "%s...", off ? ", " : "");
			break;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", v[i]);
	}
	free(v);
}

long dhb_plot_select(struct dhb_plot *p, unsigned int kinds_mask, unsigned int required, char *err,
		     size_t errlen)
{
	char pat[256], names[384];
	unsigned int k;
	size_t before;
	int ret = 0;

	figures_release(p);
	if (unmatched_pattern(p, pat, sizeof(pat))) {
		metric_names(p, names, sizeof(names));
		snprintf(err, errlen, "--metric %s: no such metric in the input (%s%s)", pat,
			 *names ? "metrics: " : "it has no rows", names);
		return -EINVAL;
	}
	for (k = 0; k < DHB_PLOT_NR_KINDS && !ret; k++) {
		if (!(kinds_mask & (1u << k)))
			continue;
		before = p->n_figs;
		switch (kinds[k].input) {
		case DHB_PLOT_IN_ROWS:
			ret = plot_rows_figures(p, (enum dhb_plot_kind)k, err, errlen);
			break;
		case DHB_PLOT_IN_SAMPLES:
			ret = k == DHB_PLOT_FRAMES
				      ? plot_frames_figures(p, required & (1u << k), err, errlen)
				      : plot_ecdf_figures(p, err, errlen);
			break;
		case DHB_PLOT_IN_FRAG:
			ret = plot_frag_figures(p, err, errlen);
			break;
		case DHB_PLOT_IN_COMPARE:
			ret = plot_ratio_figures(p, err, errlen);
			break;
		}
		if (!ret && p->n_figs == before && (required & (1u << k))) {
			snprintf(err, errlen, "no rows for the %s plot (%s)", kinds[k].name,
				 kinds[k].help);
			ret = -ENODATA;
		}
	}
	if (!ret && !p->n_figs) {
		snprintf(err, errlen, "nothing to plot: the input has no rows any plot takes");
		ret = -ENODATA;
	}
	if (!ret)
		ret = plot_assign_colours(p);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		figures_release(p);
	return ret ? ret : (long)p->n_figs;
}

const struct dhb_plot_figure *dhb_plot_figure(const struct dhb_plot *p, size_t i)
{
	return &p->figs[i];
}

const char *dhb_plot_figure_name(const struct dhb_plot_figure *f)
{
	return f->name;
}

enum dhb_plot_kind dhb_plot_figure_kind(const struct dhb_plot_figure *f)
{
	return f->kind;
}
