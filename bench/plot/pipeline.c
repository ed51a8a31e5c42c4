// SPDX-License-Identifier: MIT
// Pipeline figures' parts: the display's frame period (rate=) and a source's counts in its label.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_priv.h"

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
