// SPDX-License-Identifier: MIT
// compare's engine: observations grouped by key, ratios, rank tests, verdicts, floor attribution.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"

/* One observation, its strings in one allocation. */
struct obs {
	char *key; /* board, test, heap, backend, size, metric, params joined by \x1f */
	const char *unit, *run, *boot;
	uint64_t size;
	double v, tov;
	int side;
};

/* A key's observations: [first, first + n) of the sorted array, base ones first. */
struct group {
	size_t first, n_base, n_new;
};

struct dhb_cmp_priv {
	struct obs *o;
	size_t n, cap, count[2];
	struct group *g;
	size_t ng;
	char **strs; /* the strings of results (key parts, families, floor labels) */
	size_t nstrs, capstrs;
	struct cmp_samples *samples;
};

void dhb_cmp_params_default(struct dhb_cmp_params *p)
{
	p->alpha = 0.05;
	p->min_effect = 0.05;
	p->timer_factor = 3;
	p->adjust = DHB_ADJUST_BH;
	p->min_values = 3;
}

int dhb_cmp_init(struct dhb_cmp *c, const struct dhb_cmp_params *p)
{
	memset(c, 0, sizeof(*c));
	c->params = *p;
	c->timer_overhead_ns = NAN;
	c->priv = calloc(1, sizeof(*c->priv));
	return c->priv ? 0 : -ENOMEM;
}

char *dhb_cmp_make_key(const struct dhb_cmp_obs *o)
{
	char *k;

	if (asprintf(&k, "%s\x1f%s\x1f%s\x1f%s\x1f%020" PRIu64 "\x1f%s\x1f%s", o->board, o->test,
		     o->heap, o->backend, o->size_bytes, o->metric, o->params) < 0)
		return NULL;
	return k;
}

int dhb_cmp_add(struct dhb_cmp *c, int side, const struct dhb_cmp_obs *o)
{
	struct dhb_cmp_priv *p = c->priv;
	struct obs *x;
	char *k;

	if (p->n == p->cap) {
		x = realloc(p->o, (p->cap ? p->cap * 2 : 1024) * sizeof(*x));
		if (!x)
			return -ENOMEM;
		p->o = x;
		p->cap = p->cap ? p->cap * 2 : 1024;
	}
	k = dhb_cmp_make_key(o);
	x = &p->o[p->n];
	if (!k || asprintf(&x->key, "%s%c%s%c%s%c%s", k, 0, o->unit, 0, o->run, 0,
			   o->boot ? o->boot : "") < 0) {
		free(k);
		return -ENOMEM;
	}
	free(k);
	/* the key's parts: board \x1f test \x1f ...; split a copy at the separators */
	x->unit = x->key + strlen(x->key) + 1;
	x->run = x->unit + strlen(x->unit) + 1;
	x->boot = x->run + strlen(x->run) + 1;
	x->size = o->size_bytes;
	x->v = o->value;
	x->tov = o->timer_overhead_ns;
	x->side = side;
	p->n++;
	p->count[side]++;
	if (isfinite(o->timer_overhead_ns) &&
	    (isnan(c->timer_overhead_ns) || o->timer_overhead_ns > c->timer_overhead_ns))
		c->timer_overhead_ns = o->timer_overhead_ns;
	return 0;
}

int dhb_cmp_add_sample(struct dhb_cmp *c, int side, const struct dhb_cmp_obs *o, uint64_t count)
{
	char *k = dhb_cmp_make_key(o);
	int ret;

	if (!k)
		return -ENOMEM;
	ret = dhb_cmp_samples_add(&c->priv->samples, side, k, o->run, o->value, count);
	free(k);
	return ret;
}

size_t dhb_cmp_count(const struct dhb_cmp *c, int side)
{
	return c->priv->count[side];
}

static int cmp_obs(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : x->side - y->side;
}

/* Keep @s (malloc'd) in p->strs, freed with the comparison; frees it on failure. */
static int keep(struct dhb_cmp_priv *p, char *s)
{
	char **v;

	if (p->nstrs == p->capstrs) {
		v = realloc(p->strs, (p->capstrs ? p->capstrs * 2 : 256) * sizeof(*v));
		if (!v) {
			free(s);
			return -ENOMEM;
		}
		p->strs = v;
		p->capstrs = p->capstrs ? p->capstrs * 2 : 256;
	}
	p->strs[p->nstrs++] = s;
	return 0;
}

/* The key's parts as strings: a copy of the key cut at its separators (kept in strs). */
static int split_key(struct dhb_cmp_priv *p, struct dhb_cmp_result *r, const struct obs *o)
{
	char *s = strdup(o->key), *f[7];
	size_t i = 0;

	if (!s || keep(p, s))
		return -ENOMEM;
	f[i++] = s;
	for (; *s && i < 7; s++) {
		if (*s == '\x1f') {
			*s = '\0';
			f[i++] = s + 1;
		}
	}
	r->board = f[0];
	r->test = f[1];
	r->heap = f[2];
	r->backend = f[3];
	r->size_bytes = o->size;
	r->metric = f[5];
	r->params = f[6];
	r->unit = o->unit;
	r->higher_better = !strcmp(o->unit, "MB/s");
	r->counter = strchr(r->metric, '.') != NULL;
	if (asprintf(&s, "%s/%s", r->test, r->metric) < 0 || keep(p, s))
		return -ENOMEM;
	r->family = s;
	return 0;
}

/* A key for people: "metric M (board B, test T, heap H, backend K, size S, params P)". */
static void key_text(const char *key, char *buf, size_t len)
{
	char copy[1024], *f[7] = {0}, *s = copy;
	size_t i = 0;

	snprintf(copy, sizeof(copy), "%s", key);
	f[i++] = s;
	for (; *s && i < 7; s++) {
		if (*s == '\x1f') {
			*s = '\0';
			f[i++] = s + 1;
		}
	}
	for (i = 0; i < 7; i++)
		f[i] = f[i] ? f[i] : "";
	snprintf(buf, len, "metric \"%s\" (board %s, test %s, heap %s, size %llu%s%s)", f[5], f[0],
		 f[1], f[2], strtoull(f[4], NULL, 10), *f[6] ? ", params " : "", f[6]);
}

/* Groups of equal keys; -EPROTO when one key has two units. */
static int make_groups(struct dhb_cmp *c)
{
	struct dhb_cmp_priv *p = c->priv;
	size_t i, j;

	if (p->n) /* p->o is NULL without observations */
		qsort(p->o, p->n, sizeof(*p->o), cmp_obs);
	p->g = calloc(p->n ? p->n : 1, sizeof(*p->g));
	if (!p->g)
		return -ENOMEM;
	for (i = 0; i < p->n; i = j) {
		struct group *g = &p->g[p->ng++];

		g->first = i;
		for (j = i; j < p->n && !strcmp(p->o[j].key, p->o[i].key); j++) {
			if (strcmp(p->o[j].unit, p->o[i].unit)) {
				char what[400];

				key_text(p->o[i].key, what, sizeof(what));
				snprintf(c->error, sizeof(c->error),
					 "%s in units \"%s\" and \"%s\" (mixed units for one "
					 "metric)",
					 what, p->o[i].unit, p->o[j].unit);
				return -EPROTO;
			}
			if (p->o[j].side)
				g->n_new++;
			else
				g->n_base++;
		}
	}
	return 0;
}

/* The values of side @side of group @g into @v; their number. */
static size_t values(const struct dhb_cmp_priv *p, const struct group *g, int side, double *v)
{
	size_t i, n = 0;

	for (i = g->first; i < g->first + g->n_base + g->n_new; i++) {
		if (p->o[i].side == side && isfinite(p->o[i].v))
			v[n++] = p->o[i].v;
	}
	return n;
}

/*
 * The boots side @side of group @g comes from: distinct known boot_ids among its finite values
 * (a key has a few dozen runs at most), 0 when none is known.
 */
static size_t boots(const struct dhb_cmp_priv *p, const struct group *g, int side)
{
	size_t i, j, n = 0, end = g->first + g->n_base + g->n_new;

	for (i = g->first; i < end; i++) {
		const struct obs *x = &p->o[i];

		if (x->side != side || !isfinite(x->v) || !*x->boot)
			continue;
		for (j = g->first; j < i; j++) {
			const struct obs *y = &p->o[j];

			if (y->side == side && isfinite(y->v) && !strcmp(y->boot, x->boot))
				break;
		}
		n += j == i;
	}
	return n;
}

/* The values of side @side of @g divided by the same run's value in floor group @f. */
static size_t rel_values(const struct dhb_cmp_priv *p, const struct group *g, const struct group *f,
			 int side, double *v)
{
	size_t i, j, n = 0;

	for (i = g->first; i < g->first + g->n_base + g->n_new; i++) {
		if (p->o[i].side != side)
			continue;
		for (j = f->first; j < f->first + f->n_base + f->n_new; j++) {
			if (p->o[j].side == side && !strcmp(p->o[j].run, p->o[i].run) &&
			    p->o[j].v > 0 && isfinite(p->o[i].v)) {
				v[n++] = p->o[i].v / p->o[j].v;
				break;
			}
		}
	}
	return n;
}

/* The largest timer overhead of the group's runs (NaN when none known). */
static double group_overhead(const struct dhb_cmp_priv *p, const struct group *g)
{
	double t = NAN;
	size_t i;

	for (i = g->first; i < g->first + g->n_base + g->n_new; i++) {
		if (isfinite(p->o[i].tov) && (isnan(t) || p->o[i].tov > t))
			t = p->o[i].tov;
	}
	return t;
}

/* Ratio, interval and p of one pair of value sets; false when a side has too few. */
static bool test_pair(const struct dhb_cmp *c, double *a, size_t na, double *b, size_t nb,
		      double *ratio, double *lo, double *hi, double *pv)
{
	*ratio = dhb_ratio_ci(a, na, b, nb, lo, hi);
	*pv = NAN;
	if (na < c->params.min_values || nb < c->params.min_values)
		return false;
	*pv = dhb_mann_whitney(a, na, b, nb, NULL);
	return true;
}

/*
 * One run a side: the Mann-Whitney test and the ratio on the two runs' raw samples instead,
 * when both sides have at least min_values of them. Samples of one run are not independent
 * evidence about a kernel (a boot's own state moves them together), so the output says which
 * evidence each verdict rests on.
 */
static int raw_samples(struct dhb_cmp *c, const struct group *g, struct dhb_cmp_result *r)
{
	struct dhb_cmp_priv *p = c->priv;
	const struct obs *ob = NULL, *on = NULL;
	double *a = NULL, *b = NULL;
	size_t i, na, nb;

	for (i = g->first; i < g->first + g->n_base + g->n_new; i++) {
		if (p->o[i].side)
			on = &p->o[i];
		else
			ob = &p->o[i];
	}
	if (!p->samples || !ob || !on)
		return 0;
	na = dhb_cmp_samples_get(p->samples, ob->key, ob->run, 0, &a);
	nb = dhb_cmp_samples_get(p->samples, on->key, on->run, 1, &b);
	if (na >= c->params.min_values && nb >= c->params.min_values) {
		r->ratio = dhb_ratio_ci(a, na, b, nb, &r->ci_low, &r->ci_high);
		r->p = dhb_mann_whitney(a, na, b, nb, NULL);
		r->evidence = "raw samples, one run a side";
	}
	free(a);
	free(b);
	return (na && !a) || (nb && !b) ? -ENOMEM : 0;
}

static int compute_group(struct dhb_cmp *c, size_t i, double *a, double *b)
{
	struct dhb_cmp_priv *p = c->priv;
	struct dhb_cmp_result *r = &c->results[i];
	const struct group *g = &p->g[i];
	char label[300];
	size_t na, nb;
	long f;

	r->n_base = na = values(p, g, 0, a);
	r->n_new = nb = values(p, g, 1, b);
	r->boots_base = boots(p, g, 0);
	r->boots_new = boots(p, g, 1);
	r->base = dhb_median(a, na);
	r->new = dhb_median(b, nb);
	test_pair(c, a, na, b, nb, &r->ratio, &r->ci_low, &r->ci_high, &r->p);
	r->evidence = isnan(r->p) ? "" : "run-level medians";
	if (isnan(r->p) && na == 1 && nb == 1) {
		int ret = raw_samples(c, g, r);

		if (ret)
			return ret;
	}
	r->p_adj = r->p;
	r->rel_ratio = r->rel_ci_low = r->rel_ci_high = r->rel_p_adj = NAN;
	r->floor = "";
	f = dhb_cmp_floor_find(c->results, p->ng, i, label, sizeof(label));
	if (f < 0)
		return 0;
	r->floor = strdup(label);
	if (!r->floor || keep(p, (char *)r->floor))
		return -ENOMEM;
	na = rel_values(p, g, &p->g[f], 0, a);
	nb = rel_values(p, g, &p->g[f], 1, b);
	test_pair(c, a, na, b, nb, &r->rel_ratio, &r->rel_ci_low, &r->rel_ci_high, &r->rel_p_adj);
	return 0;
}

/* The verdict of a ratio with its adjusted p; @over: the timer overhead check's pass. */
static enum dhb_verdict judge(const struct dhb_cmp *c, bool higher_better, double ratio,
			      double p_adj, bool over)
{
	if (isnan(p_adj))
		return DHB_VERDICT_NONE;
	if (p_adj >= c->params.alpha || !(fabs(ratio - 1) >= c->params.min_effect) || !over)
		return DHB_VERDICT_SAME;
	return (ratio > 1) == higher_better ? DHB_VERDICT_BETTER : DHB_VERDICT_WORSE;
}

/*
 * "platform" needs the relative values to show no change and their ratio to be within the
 * minimum effect of 1 (the floor explains the change); a relative ratio far from 1 that is not
 * significant is "unclear", not evidence that the platform moved.
 */
static const char *attribute(const struct dhb_cmp *c, const struct dhb_cmp_result *r)
{
	bool changed = r->verdict == DHB_VERDICT_WORSE || r->verdict == DHB_VERDICT_BETTER;
	bool rel = r->rel_verdict == DHB_VERDICT_WORSE || r->rel_verdict == DHB_VERDICT_BETTER;

	if (!*r->floor)
		return "";
	if (r->rel_verdict == DHB_VERDICT_NONE)
		return changed ? "unknown" : "";
	if (changed && rel)
		return "specific";
	if (changed)
		return fabs(r->rel_ratio - 1) < c->params.min_effect ? "platform" : "unclear";
	return rel ? "relative only" : "";
}

static void verdicts(struct dhb_cmp *c, const struct group *groups)
{
	struct dhb_cmp_result *r;
	double tov, diff;
	size_t i;
	bool over;

	for (i = 0; i < c->n_results; i++) {
		r = &c->results[i];
		tov = group_overhead(c->priv, &groups[i]);
		diff = fabs(r->new - r->base);
		over = strcmp(r->unit, "ns") || isnan(tov) || diff > c->params.timer_factor * tov;
		r->verdict = judge(c, r->higher_better, r->ratio, r->p_adj, over);
		/* relative values are ratios of times: the overhead check is the absolute one's */
		r->rel_verdict = judge(c, r->higher_better, r->rel_ratio, r->rel_p_adj, true);
		r->attribution = attribute(c, r);
	}
}

static int cmp_family(const void *a, const void *b, void *arg)
{
	const struct dhb_cmp_result *r = arg, *x = &r[*(const size_t *)a],
				    *y = &r[*(const size_t *)b];
	int d = strcmp(x->board, y->board);

	return d ? d : strcmp(x->family, y->family);
}

/* Adjust pass @pass's p-values (0: absolute, 1: relative) of the family idx[0..n). */
static int adjust_family(struct dhb_cmp *c, const size_t *idx, size_t n, int pass, double *p)
{
	struct dhb_cmp_result *r;
	size_t i, tested = 0;
	int ret;

	for (i = 0; i < n; i++) {
		r = &c->results[idx[i]];
		p[i] = pass ? r->rel_p_adj : r->p;
		tested += !pass && !isnan(p[i]);
	}
	ret = dhb_adjust_p(p, n, c->params.adjust);
	for (i = 0; i < n && !ret; i++) {
		r = &c->results[idx[i]];
		if (pass) {
			r->rel_p_adj = p[i];
		} else {
			r->p_adj = p[i];
			r->family_size = tested;
		}
	}
	return ret;
}

/* Every family's p-values adjusted on their own (see dhb/analysis.h), both passes. */
static int adjust_all(struct dhb_cmp *c)
{
	size_t n = c->n_results ? c->n_results : 1, *idx = malloc(n * sizeof(*idx)), i, j;
	double *p = malloc(n * sizeof(*p));
	int pass, ret = 0;

	if (!p || !idx) {
		free(p);
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < c->n_results; i++)
		idx[i] = i;
	qsort_r(idx, c->n_results, sizeof(*idx), cmp_family, c->results);
	for (i = 0; i < c->n_results && !ret; i = j) {
		for (j = i + 1; j < c->n_results && !cmp_family(&idx[i], &idx[j], c->results); j++)
			;
		for (pass = 0; pass < 2 && !ret; pass++)
			ret = adjust_family(c, idx + i, j - i, pass, p);
		c->n_families++;
	}
	free(p);
	free(idx);
	return ret;
}

int dhb_cmp_compute(struct dhb_cmp *c)
{
	struct dhb_cmp_priv *p = c->priv;
	double *a = NULL, *b = NULL;
	size_t i;
	int ret;

	ret = make_groups(c);
	if (ret)
		return ret;
	dhb_cmp_samples_sort(p->samples);
	c->results = calloc(p->ng ? p->ng : 1, sizeof(*c->results));
	a = malloc((p->n ? p->n : 1) * sizeof(*a));
	b = malloc((p->n ? p->n : 1) * sizeof(*b));
	if (!c->results || !a || !b)
		ret = -ENOMEM;
	for (i = 0; i < p->ng && !ret; i++)
		ret = split_key(p, &c->results[i], &p->o[p->g[i].first]);
	c->n_results = i;
	for (i = 0; i < c->n_results && !ret; i++)
		ret = compute_group(c, i, a, b);
	free(a);
	free(b);
	if (!ret)
		ret = adjust_all(c);
	if (!ret)
		verdicts(c, p->g);
	return ret;
}

size_t dhb_cmp_regressions(const struct dhb_cmp *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->n_results; i++)
		n += c->results[i].verdict == DHB_VERDICT_WORSE && !c->results[i].counter;
	return n;
}

void dhb_cmp_free(struct dhb_cmp *c)
{
	struct dhb_cmp_priv *p = c->priv;
	size_t i;

	if (p) {
		for (i = 0; i < p->n; i++)
			free(p->o[i].key);
		for (i = 0; i < p->nstrs; i++)
			free(p->strs[i]);
		free(p->strs);
		dhb_cmp_samples_free(p->samples);
		free(p->o);
		free(p->g);
		free(p);
	}
	free(c->results);
	c->results = NULL;
	c->priv = NULL;
}
