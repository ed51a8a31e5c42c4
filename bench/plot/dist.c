// SPDX-License-Identifier: MIT
// Figures of distributions and series over time: ECDF of samples, fragmentation of frag's rows.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "plot_priv.h"

/* Most points of an ECDF series: the steps of a long run are thinned to this many. */
#define ECDF_POINTS 512

/* A samples group placed in an ECDF figure and series. */
struct place {
	const char *fig, *name, *title, *ser, *colour_key;
	int rank;
	char style;
	const struct pgroup *g;
};

static int place_cmp(const void *pa, const void *pb)
{
	const struct place *a = pa, *b = pb;
	int c = strcmp(a->fig, b->fig);

	if (!c)
		c = a->rank - b->rank;
	return c ? c : strcmp(a->ser, b->ser);
}

static int val_cmp(const void *pa, const void *pb)
{
	const struct pval *a = pa, *b = pb;

	return a->value < b->value ? -1 : a->value > b->value;
}

/* The ECDF of the groups of places [i, j) as the points of @s: (value, fraction at or below). */
static int ecdf(struct pseries *s, const struct place *pl, size_t i, size_t j)
{
	struct ppoint pt = {.lo = NAN, .hi = NAN};
	double total = 0, cum = 0, last = -1;
	struct pval *v;
	size_t n = 0, k, m;
	int ret = 0;

	for (k = i; k < j; k++)
		n += pl[k].g->n;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = i, n = 0; k < j; k++) {
		memcpy(v + n, pl[k].g->v, pl[k].g->n * sizeof(*v));
		n += pl[k].g->n;
	}
	qsort(v, n, sizeof(*v), val_cmp);
	for (k = 0; k < n; k++)
		total += (double)v[k].count;
	for (k = 0; k < n && !ret; k = m) {
		for (m = k; m < n && v[m].value == v[k].value; m++)
			cum += (double)v[m].count;
		pt.x = v[k].value;
		if (!k) {
			pt.y = 0;
			ret = plot_point_add(s, &pt);
		}
		if (!ret && (m == n || cum / total - last >= 1.0 / ECDF_POINTS)) {
			pt.y = cum / total;
			last = pt.y;
			ret = plot_point_add(s, &pt);
		}
	}
	free(v);
	return ret;
}

/* Place group @g: its figure (test, metric, params, size) and series (heap). */
static int place(struct dhb_plot *p, const struct pgroup *g, struct place *pl)
{
	char size[DHB_SIZE_FMT_LEN], buf[512];
	bool baseline;
	const char *params = plot_without_baseline(p, g->key.params, &baseline);

	if (!params)
		return -ENOMEM;
	dhb_size_format(g->key.size, size, sizeof(size));
	pl->g = g;
	snprintf(buf, sizeof(buf), "%s\x1f%s\x1f%s\x1f%020llu", g->key.test, g->key.metric, params,
		 (unsigned long long)g->key.size);
	pl->fig = plot_intern(p, buf);
	snprintf(buf, sizeof(buf), "ecdf-%s%s%s-%s", g->key.metric, *params ? "-" : "", params,
		 size);
	pl->name = plot_intern(p, buf);
	snprintf(buf, sizeof(buf), "%s: %s%s%s, %s buffers: distribution of the samples",
		 g->key.test, g->key.metric, *params ? ", " : "", params, size);
	pl->title = plot_intern(p, buf);
	pl->rank = baseline;
	pl->style = baseline ? STYLE_LIMIT : STYLE_PLAIN;
	pl->colour_key = baseline ? NULL : g->key.heap;
	pl->ser = g->key.heap;
	return pl->fig && pl->name && pl->title ? 0 : -ENOMEM;
}

static int ecdf_figure(struct dhb_plot *p, const struct place *pl, size_t i, size_t j)
{
	struct dhb_plot_figure *f = plot_figure_new(p, DHB_PLOT_ECDF);
	const struct prun **runs = malloc((j - i) * sizeof(*runs));
	size_t s, t;
	int ret = 0;

	if (!f || !runs) {
		free(runs);
		return -ENOMEM;
	}
	plot_figure_name(p, f, pl[i].name);
	snprintf(f->title, sizeof(f->title), "%s", pl[i].title);
	for (s = i; s < j; s++)
		runs[s - i] = &pl[s].g->run;
	plot_runs_subtitle(f->subtitle, sizeof(f->subtitle), runs, j - i);
	free(runs);
	f->unit = pl[i].g->key.unit;
	f->label = pl[i].g->key.metric;
	for (s = i; s < j && !ret; s = t) {
		struct pseries *se;

		for (t = s; t < j && pl[t].rank == pl[s].rank && !strcmp(pl[t].ser, pl[s].ser); t++)
			;
		se = plot_series_new(f, pl[s].ser, pl[s].colour_key, pl[s].style);
		ret = se ? ecdf(se, pl, s, t) : -ENOMEM;
	}
	return ret;
}

int plot_ecdf_figures(struct dhb_plot *p, char *err, size_t errlen)
{
	struct place *pl = malloc((p->n_groups ? p->n_groups : 1) * sizeof(*pl));
	size_t n = 0, i, j;
	int ret = 0;

	if (!pl)
		return -ENOMEM;
	for (i = 0; i < p->n_groups && !ret; i++) {
		const struct pgroup *g = &p->groups[i];

		if (!g->n)
			continue;
		if (g->run.board != p->groups[0].run.board ||
		    g->run.kernel != p->groups[0].run.kernel) {
			snprintf(err, errlen,
				 "the samples come from more than one board or kernel (%s, %s and "
				 "%s, %s): plot one at a time",
				 p->groups[0].run.board, p->groups[0].run.kernel, g->run.board,
				 g->run.kernel);
			ret = -EINVAL;
			break;
		}
		ret = place(p, g, &pl[n]);
		n += !ret;
	}
	if (!ret && n)
		qsort(pl, n, sizeof(*pl), place_cmp);
	for (i = 0; i < n && !ret; i = j) {
		for (j = i; j < n && pl[j].fig == pl[i].fig; j++)
			;
		ret = ecdf_figure(p, pl, i, j);
	}
	free(pl);
	return ret;
}

/* The file's name without its folders and its .csv: what its figure is named after. */
static void stem(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	snprintf(buf, len, "%s", b ? b + 1 : path);
	n = strlen(buf);
	if (n > 4 && !strcmp(buf + n - 4, ".csv"))
		buf[n - 4] = '\0';
}

/* The series of (source, policy) in figure @f, made when new. */
static struct pseries *frag_series(struct dhb_plot *p, struct dhb_plot_figure *f,
				   const struct pfrag *r)
{
	char buf[256];
	const char *label;
	size_t i;

	plot_frag_label(r->source, r->policy, buf, sizeof(buf));
	label = plot_intern(p, buf);
	if (!label)
		return NULL;
	for (i = 0; i < f->n_series; i++) {
		if (f->series[i].label == label && f->series[i].style == STYLE_PLAIN)
			return &f->series[i];
	}
	return plot_series_new(f, label, label, STYLE_PLAIN);
}

/* One figure of the frag rows [i, j) of one file; none when no row has an ext_frag. */
static int frag_figure(struct dhb_plot *p, size_t i, size_t j)
{
	struct dhb_plot_figure *f = plot_figure_new(p, DHB_PLOT_FRAG);
	const struct prun *run;
	struct pseries *se;
	size_t k, finite = 0, util = 0;
	char name[128];
	int ret = 0;

	if (!f)
		return -ENOMEM;
	stem(p->frag[i].file, name, sizeof(name));
	snprintf(f->title, sizeof(f->title), "fragmentation over the trace: %s", name);
	snprintf(f->name, sizeof(f->name), "frag-%s", name);
	plot_figure_name(p, f, f->name);
	run = &p->frag[i].run;
	plot_runs_subtitle(f->subtitle, sizeof(f->subtitle), &run, 1);
	f->unit = "fraction";
	f->label = "ext_frag";
	for (k = i; k < j && !ret; k++) {
		const struct pfrag *r = &p->frag[k];
		struct ppoint pt = {.x = r->op, .y = r->ext_frag, .lo = NAN, .hi = NAN};

		if (isfinite(r->ext_frag)) {
			se = frag_series(p, f, r);
			ret = se ? plot_point_add(se, &pt) : -ENOMEM;
			finite++;
		}
		/* The trace's utilisation is the same for every source: the first one's. */
		if (ret || r->source != p->frag[i].source || r->policy != p->frag[i].policy ||
		    !isfinite(r->util))
			continue;
		if (!util) {
			if (!plot_series_new(f, "trace utilisation (live / region)", NULL,
					     STYLE_UTIL))
				return -ENOMEM;
			util = f->n_series; /* its index + 1 */
		}
		pt.y = r->util;
		ret = plot_point_add(&f->series[util - 1], &pt);
	}
	if (!ret && !finite) {
		plot_figure_release(f);
		p->n_figs--;
	}
	return ret;
}

int plot_frag_figures(struct dhb_plot *p, char *err, size_t errlen)
{
	size_t i, j;
	int ret = 0;

	(void)err;
	(void)errlen;
	for (i = 0; i < p->n_frag && !ret; i = j) {
		for (j = i; j < p->n_frag && p->frag[j].file == p->frag[i].file; j++)
			;
		ret = frag_figure(p, i, j);
	}
	return ret;
}
