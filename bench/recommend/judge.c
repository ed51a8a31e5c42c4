// SPDX-License-Identifier: MIT
// Recommend's judging: every heap against every use, the matrix first, then the measured rows.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/backend.h"
#include "dhb/size.h"
#include "rec_priv.h"

/* The metric a use is ranked by (see dhb/recommend.h). */
static void use_metric(const struct rec_use *u, struct dhb_rec_evidence *ev)
{
	if (u->cpu_read || u->cpu_write) {
		ev->test = "cpu";
		ev->metric = u->cpu_read ? "read_bw" : "write_bw";
		ev->unit = "MB/s";
		ev->higher_better = true;
	} else {
		ev->test = "alloc";
		ev->metric = "alloc_latency";
		ev->unit = "ns";
		ev->higher_better = false;
	}
}

/* Every source the inputs name, each once: the matrix's, then the rows' (name order later). */
static const char **all_heaps(const struct dhb_rec *r, size_t *n)
{
	const char **v = calloc(r->nsrc + r->nrows + 1, sizeof(*v));
	size_t i, j;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < r->nsrc; i++)
		v[(*n)++] = r->src[i].name;
	for (i = 0; i < r->nrows; i++) {
		for (j = 0; j < *n && strcmp(v[j], r->rows[i].heap); j++)
			;
		if (j == *n)
			v[(*n)++] = r->rows[i].heap;
	}
	return v;
}

static const char *backend_of(const struct dhb_rec *r, const char *heap)
{
	const struct dhb_rec_source *s = rec_source(r, heap);
	size_t i;

	if (s)
		return s->backend;
	for (i = 0; i < r->nrows; i++) {
		if (!strcmp(r->rows[i].heap, heap))
			return r->rows[i].backend;
	}
	return "";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median p50 of @heap's rows of the metric at the size; NaN when none. */
static double median_p50(const struct dhb_rec *r, const char *heap,
			 const struct dhb_rec_evidence *ev, size_t *runs)
{
	double *v = calloc(r->nrows + 1, sizeof(*v)), m = NAN;
	size_t i, n = 0;

	if (!v)
		return NAN;
	for (i = 0; i < r->nrows; i++) {
		const struct rec_row *x = &r->rows[i];

		if (!strcmp(x->heap, heap) && !strcmp(x->test, ev->test) &&
		    !strcmp(x->metric, ev->metric) && x->size == r->size)
			v[n++] = x->p50;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	*runs = n;
	return m;
}

/* Whether the matrix lets @heap serve touch @t; false with the reason in @why. */
static bool matrix_ok(const struct dhb_rec *r, const char *heap, const struct rec_touch *t,
		      char *why, size_t len)
{
	const char *dev = t->dev->name;
	size_t i, seen = 0;

	for (i = 0; i < r->ncells; i++) {
		const struct dhb_rec_cell *c = &r->cells[i];
		const char *q = c->queue ? c->queue : "";

		if (strcmp(c->source, heap) || strcmp(c->device, dev) ||
		    (t->queue && strcmp(q, t->queue)))
			continue;
		seen++;
		if (!strcmp(c->result, "ok"))
			continue;
		snprintf(why, len, "%s%s%s %s it: %s %s%s%s", dev, *q ? "/" : "", q,
			 strcmp(c->result, "refused") ? "could not try" : "refused",
			 c->step ? c->step : "", c->errname ? c->errname : "",
			 c->reason ? ": " : "", c->reason ? c->reason : "");
		return false;
	}
	if (!seen) {
		snprintf(why, len, "the matrix never tried it on %s%s%s", dev, t->queue ? "/" : "",
			 t->queue ? t->queue : "");
		return false;
	}
	return true;
}

/* Verdicts: chosen first, ranked by p50, then the rejected in name order. */
static int cmp_verdict(const void *a, const void *b, void *arg)
{
	const struct dhb_rec_verdict *x = a, *y = b;
	const struct dhb_rec_evidence *ev = arg;
	bool rx = !strcmp(x->stage, "ranked") || x->chosen,
	     ry = !strcmp(y->stage, "ranked") || y->chosen;

	if (rx != ry)
		return rx ? -1 : 1;
	if (rx && x->p50 != y->p50)
		return (ev->higher_better ? x->p50 < y->p50 : x->p50 > y->p50) ? 1 : -1;
	return strcmp(x->heap, y->heap);
}

static double advantage(const struct dhb_rec_evidence *ev, double best, double other)
{
	return ev->higher_better ? best / other : other / best;
}

/* Judge every heap for @u; 0, -ESRCH (no heap left), -ENODATA (no rows at all), -ENOMEM. */
static int judge(struct dhb_rec *r, struct rec_use *u, char *err, size_t errlen)
{
	size_t n, i, j, runs, ranked = 0, with_rows = 0;
	const char **heaps = all_heaps(r, &n);
	const struct dhb_backend_ops *ops;
	const struct dhb_rec_source *s;
	char size[32];

	if (!heaps)
		return -ENOMEM;
	use_metric(u, &u->ev);
	u->ev.size_bytes = r->size;
	u->v = calloc(n ? n : 1, sizeof(*u->v));
	if (!u->v) {
		free(heaps);
		return -ENOMEM;
	}
	dhb_size_format(r->size, size, sizeof(size));
	for (i = 0; i < n; i++) {
		struct dhb_rec_verdict *v = &u->v[u->nv++];
		const char *b = backend_of(r, heaps[i]);

		v->heap = heaps[i];
		v->p50 = median_p50(r, heaps[i], &u->ev, &runs);
		if (!isnan(v->p50) && strcmp(heaps[i], "malloc"))
			with_rows++;
		ops = dhb_backend_find(b);
		if (!ops || !(ops->caps & DHB_CAP_HEAP_NODE)) {
			v->stage = "backend";
			snprintf(v->reason, sizeof(v->reason),
				 "not a dma-buf heap (%s): no /dev/dma_heap node to alias",
				 *b ? b : "a baseline");
			continue;
		}
		v->stage = "matrix";
		for (j = 0; j < u->nt; j++) {
			if (!matrix_ok(r, heaps[i], &u->t[j], v->reason, sizeof(v->reason)))
				break;
		}
		if (j < u->nt)
			continue;
		if (isnan(v->p50)) {
			v->stage = "results";
			snprintf(v->reason, sizeof(v->reason), "no %s %s row at %s", u->ev.test,
				 u->ev.metric, size);
			continue;
		}
		v->stage = "ranked";
		ranked++;
	}
	free(heaps);
	if (!with_rows) {
		snprintf(err, errlen,
			 "%s: no heap has a %s %s row at %s (run the %s test at that "
			 "size, or give --size)",
			 u->spec, u->ev.test, u->ev.metric, size, u->ev.test);
		return -ENODATA;
	}
	qsort_r(u->v, u->nv, sizeof(*u->v), cmp_verdict, &u->ev);
	if (!ranked)
		return -ESRCH;
	u->v[0].chosen = true;
	u->v[0].stage = "";
	u->heap = u->v[0].heap;
	s = rec_source(r, u->heap);
	if (s && s->path)
		snprintf(u->path, sizeof(u->path), "%s", s->path);
	else
		snprintf(u->path, sizeof(u->path), "/dev/dma_heap/%s", u->heap);
	u->ev.p50 = median_p50(r, u->heap, &u->ev, &u->ev.runs);
	u->ev.runner_up_p50 = NAN;
	u->ev.ratio = NAN;
	if (ranked > 1) {
		u->ev.runner_up = u->v[1].heap;
		u->ev.runner_up_p50 = u->v[1].p50;
		u->ev.ratio = advantage(&u->ev, u->ev.p50, u->v[1].p50);
	}
	for (i = 1; i < ranked; i++)
		snprintf(u->v[i].reason, sizeof(u->v[i].reason),
			 "%s %s p50 %.*f %s at %s, %.3gx %s than %s", u->ev.test, u->ev.metric,
			 u->v[i].p50 >= 1e4 ? 0 : 2, u->v[i].p50, u->ev.unit, size,
			 advantage(&u->ev, u->ev.p50, u->v[i].p50),
			 u->ev.higher_better ? "lower" : "slower", u->heap);
	return 0;
}

int dhb_rec_run(struct dhb_rec *r, char *err, size_t errlen)
{
	int ret, worst = 0;
	size_t i;

	if (r->mixed) {
		snprintf(err, errlen,
			 "rows of more than one board or kernel: a recommendation is for "
			 "one board and kernel (give one's results)");
		return -EINVAL;
	}

	for (i = 0; i < r->nuses; i++) {
		ret = judge(r, &r->uses[i], err, errlen);
		if (ret == -ENOMEM || ret == -ENODATA)
			return ret;
		if (ret)
			worst = ret;
	}
	return worst;
}

const struct dhb_rec_verdict *rec_chosen(const struct rec_use *u)
{
	return u->heap ? &u->v[0] : NULL;
}

void dhb_rec_result(const struct dhb_rec *r, size_t i, struct dhb_rec_result *out)
{
	const struct rec_use *u = &r->uses[i];
	const struct dhb_rec_source *s = u->heap ? rec_source(r, u->heap) : NULL;

	*out = (struct dhb_rec_result){
		.spec = u->spec,
		.alias = u->alias,
		.touch = u->touch_text,
		.cpu = u->cpu_read ? (u->cpu_write ? "read-write" : "read")
				   : (u->cpu_write ? "write" : "none"),
		.heap = u->heap,
		.path = u->path,
		.contiguous = s ? s->contiguous : -1,
		.cached = s ? s->cached : -1,
		.ev = u->ev,
		.v = u->v,
		.n = u->nv,
	};
}
