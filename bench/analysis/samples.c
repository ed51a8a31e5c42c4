// SPDX-License-Identifier: MIT
// compare's raw samples: kept per key, run and side, for a key with one run a side.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"

/*
 * One line of a samples file. Lines of one row come together, so the key and run strings are
 * shared with the line before when equal (one allocation per row, not per sample).
 */
struct samp {
	const char *key, *run;
	double v;
	uint64_t count;
	int side;
};

struct cmp_samples {
	struct samp *s;
	size_t n, cap;
	char **strs;
	size_t nstrs, capstrs;
};

/* @str, or the string kept last when equal; kept in s->strs. */
static const char *intern(struct cmp_samples *s, const char *str)
{
	char **v, *d;
	size_t i;

	for (i = s->nstrs; i-- > 0 && i + 2 >= s->nstrs;) {
		if (!strcmp(s->strs[i], str))
			return s->strs[i];
	}
	if (s->nstrs == s->capstrs) {
		v = realloc(s->strs, (s->capstrs ? s->capstrs * 2 : 256) * sizeof(*v));
		if (!v)
			return NULL;
		s->strs = v;
		s->capstrs = s->capstrs ? s->capstrs * 2 : 256;
	}
	d = strdup(str);
	if (d)
		s->strs[s->nstrs++] = d;
	return d;
}

int dhb_cmp_samples_add(struct cmp_samples **sp, int side, const char *key, const char *run,
			double v, uint64_t count)
{
	struct cmp_samples *s = *sp;
	struct samp *x;

	if (!s) {
		s = *sp = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
	}
	if (s->n == s->cap) {
		x = realloc(s->s, (s->cap ? s->cap * 2 : 4096) * sizeof(*x));
		if (!x)
			return -ENOMEM;
		s->s = x;
		s->cap = s->cap ? s->cap * 2 : 4096;
	}
	x = &s->s[s->n];
	x->key = intern(s, key);
	x->run = intern(s, run);
	if (!x->key || !x->run)
		return -ENOMEM;
	x->v = v;
	x->count = count;
	x->side = side;
	s->n++;
	return 0;
}

static int cmp_samp(const void *a, const void *b)
{
	const struct samp *x = a, *y = b;
	int d = strcmp(x->key, y->key);

	return d ? d : x->side - y->side;
}

void dhb_cmp_samples_sort(struct cmp_samples *s)
{
	if (s)
		qsort(s->s, s->n, sizeof(*s->s), cmp_samp);
}

size_t dhb_cmp_samples_get(const struct cmp_samples *s, const char *key, const char *run, int side,
			   double **out)
{
	struct samp k = {.key = key, .side = side};
	size_t lo = 0, hi = s ? s->n : 0, mid, n = 0, cap = 0, i, j;
	double *v = NULL, *t;

	*out = NULL;
	while (lo < hi) { /* the first line of (key, side) */
		mid = (lo + hi) / 2;
		if (cmp_samp(&s->s[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; s && i < s->n && !cmp_samp(&s->s[i], &k); i++) {
		if (strcmp(s->s[i].run, run))
			continue;
		for (j = 0; j < s->s[i].count && n < DHB_CMP_MAX_SAMPLES; j++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				t = realloc(v, cap * sizeof(*v));
				if (!t) {
					free(v);
					return 0;
				}
				v = t;
			}
			v[n++] = s->s[i].v;
		}
	}
	*out = v;
	return n;
}

void dhb_cmp_samples_free(struct cmp_samples *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->s);
	free(s);
}
