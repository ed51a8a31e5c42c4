// SPDX-License-Identifier: MIT
// track's engine: run-level medians per kernel, kernels sorted as versions, each step compared.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"

/* One observation with its strings in one allocation. */
struct tobs {
	struct dhb_cmp_obs o;
	size_t kernel;
	char *strs;
};

struct dhb_track_priv {
	struct tobs *o;
	size_t n, cap;
};

int dhb_track_init(struct dhb_track *t, const struct dhb_cmp_params *p)
{
	memset(t, 0, sizeof(*t));
	t->params = *p;
	t->priv = calloc(1, sizeof(*t->priv));
	return t->priv ? 0 : -ENOMEM;
}

/* The index of @kernel in t->kernels, added when new; -1 without memory. */
static long kernel_index(struct dhb_track *t, const char *kernel)
{
	char **v;
	size_t i;

	for (i = 0; i < t->n_kernels; i++) {
		if (!strcmp(t->kernels[i], kernel))
			return (long)i;
	}
	v = realloc(t->kernels, (t->n_kernels + 1) * sizeof(*v));
	if (!v)
		return -1;
	t->kernels = v;
	v[t->n_kernels] = strdup(kernel);
	return v[t->n_kernels] ? (long)t->n_kernels++ : -1;
}

/* @s copied to the end of @buf (at *@off); returns the copy. */
static const char *put(char *buf, size_t *off, const char *s)
{
	char *d = buf + *off;

	strcpy(d, s);
	*off += strlen(s) + 1;
	return d;
}

int dhb_track_add(struct dhb_track *t, const char *kernel, const struct dhb_cmp_obs *o)
{
	struct dhb_track_priv *p = t->priv;
	const char *s[] = {o->board,  o->test,	 o->heap, o->backend,
			   o->metric, o->params, o->unit, o->run};
	size_t len = 0, off = 0, i;
	struct tobs *x;
	long k = kernel_index(t, kernel);

	if (k < 0)
		return -ENOMEM;
	if (p->n == p->cap) {
		x = realloc(p->o, (p->cap ? p->cap * 2 : 1024) * sizeof(*x));
		if (!x)
			return -ENOMEM;
		p->o = x;
		p->cap = p->cap ? p->cap * 2 : 1024;
	}
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		len += strlen(s[i]) + 1;
	x = &p->o[p->n];
	x->strs = malloc(len);
	if (!x->strs)
		return -ENOMEM;
	x->o = *o;
	x->o.board = put(x->strs, &off, o->board);
	x->o.test = put(x->strs, &off, o->test);
	x->o.heap = put(x->strs, &off, o->heap);
	x->o.backend = put(x->strs, &off, o->backend);
	x->o.metric = put(x->strs, &off, o->metric);
	x->o.params = put(x->strs, &off, o->params);
	x->o.unit = put(x->strs, &off, o->unit);
	x->o.run = put(x->strs, &off, o->run);
	x->kernel = (size_t)k;
	p->n++;
	return 0;
}

static int cmp_version(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* One point while sorting: its key is its result's, then the kernel's position. */
struct spoint {
	struct dhb_track_point pt;
	size_t k;
};

static int cmp_key(const struct dhb_cmp_result *x, const struct dhb_cmp_result *y)
{
	int d;

	if ((d = strcmp(x->board, y->board)) || (d = strcmp(x->test, y->test)) ||
	    (d = strcmp(x->heap, y->heap)) || (d = strcmp(x->backend, y->backend)))
		return d;
	if (x->size_bytes != y->size_bytes)
		return x->size_bytes < y->size_bytes ? -1 : 1;
	if ((d = strcmp(x->metric, y->metric)))
		return d;
	return strcmp(x->params, y->params);
}

static int cmp_spoint(const void *a, const void *b)
{
	const struct spoint *x = a, *y = b;
	int d = cmp_key(x->pt.r, y->pt.r);

	return d ? d : (x->k > y->k) - (x->k < y->k);
}

/* Step @s: kernels[s] against kernels[s + 1]. */
static int compute_step(struct dhb_track *t, const size_t *rank, size_t s)
{
	struct dhb_track_priv *p = t->priv;
	struct dhb_cmp *c = &t->steps[s];
	size_t i;
	int ret;

	ret = dhb_cmp_init(c, &t->params);
	for (i = 0; i < p->n && !ret; i++) {
		if (rank[p->o[i].kernel] == s || rank[p->o[i].kernel] == s + 1)
			ret = dhb_cmp_add(c, rank[p->o[i].kernel] == s + 1, &p->o[i].o);
	}
	if (!ret)
		ret = dhb_cmp_compute(c);
	if (ret == -EPROTO)
		snprintf(t->error, sizeof(t->error), "%s", c->error);
	return ret;
}

/* The points of every step, sorted by key and kernel, with each key's first change. */
static int make_points(struct dhb_track *t)
{
	const struct dhb_cmp_result *r;
	struct spoint *v;
	size_t s, i, j, n = 0, cap = 0;
	const char *first;

	for (s = 0; s + 1 < t->n_kernels; s++)
		cap += t->steps[s].n_results * (s ? 1 : 2);
	v = calloc(cap ? cap : 1, sizeof(*v));
	t->points = calloc(cap ? cap : 1, sizeof(*t->points));
	if (!v || !t->points) {
		free(v);
		return -ENOMEM;
	}
	for (s = 0; s + 1 < t->n_kernels; s++) {
		for (i = 0; i < t->steps[s].n_results; i++) {
			r = &t->steps[s].results[i];
			if (!s && r->n_base)
				v[n++] = (struct spoint){{r, t->kernels[0], true, ""}, 0};
			if (r->n_new)
				v[n++] = (struct spoint){{r, t->kernels[s + 1], false, ""}, s + 1};
		}
	}
	qsort(v, n, sizeof(*v), cmp_spoint);
	for (i = 0; i < n; i = j) {
		first = "";
		for (j = i; j < n && !cmp_key(v[i].pt.r, v[j].pt.r); j++) {
			if (!*first && !v[j].pt.first &&
			    (v[j].pt.r->verdict == DHB_VERDICT_WORSE ||
			     v[j].pt.r->verdict == DHB_VERDICT_BETTER))
				first = v[j].pt.kernel;
		}
		for (j = i; j < n && !cmp_key(v[i].pt.r, v[j].pt.r); j++) {
			v[j].pt.first_change = first;
			t->points[j] = v[j].pt;
		}
	}
	t->n_points = n;
	free(v);
	return 0;
}

int dhb_track_compute(struct dhb_track *t)
{
	size_t *rank = NULL, s, i;
	char **orig;
	int ret = 0;

	if (t->n_kernels < 2) {
		snprintf(t->error, sizeof(t->error),
			 "%zu kernel%s in the input: track needs at least two", t->n_kernels,
			 t->n_kernels == 1 ? "" : "s");
		return -EINVAL;
	}
	/* observations hold the kernel's first-seen index; rank maps it to the sorted place */
	orig = malloc(t->n_kernels * sizeof(*orig));
	rank = malloc(t->n_kernels * sizeof(*rank));
	t->steps = calloc(t->n_kernels - 1, sizeof(*t->steps));
	if (!orig || !rank || !t->steps) {
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(orig, t->kernels, t->n_kernels * sizeof(*orig));
	qsort(t->kernels, t->n_kernels, sizeof(*t->kernels), cmp_version);
	for (i = 0; i < t->n_kernels; i++) {
		for (s = 0; s < t->n_kernels; s++) {
			if (t->kernels[s] == orig[i])
				rank[i] = s;
		}
	}
	for (s = 0; s + 1 < t->n_kernels && !ret; s++)
		ret = compute_step(t, rank, s);
	if (!ret)
		ret = make_points(t);
out_free:
	free(orig);
	free(rank);
	return ret;
}

size_t dhb_track_regressions(const struct dhb_track *t)
{
	size_t s, n = 0;

	for (s = 0; t->steps && s + 1 < t->n_kernels; s++)
		n += dhb_cmp_regressions(&t->steps[s]);
	return n;
}

void dhb_track_free(struct dhb_track *t)
{
	struct dhb_track_priv *p = t->priv;
	size_t i;

	for (i = 0; t->steps && i + 1 < t->n_kernels; i++)
		dhb_cmp_free(&t->steps[i]);
	for (i = 0; p && i < p->n; i++)
		free(p->o[i].strs);
	for (i = 0; i < t->n_kernels; i++)
		free(t->kernels[i]);
	if (p)
		free(p->o);
	free(p);
	free(t->kernels);
	free(t->steps);
	free(t->points);
	memset(t, 0, sizeof(*t));
}
