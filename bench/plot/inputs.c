// SPDX-License-Identifier: MIT
// Plot inputs besides results rows: frag's CSV (heaps-ref/TRACE.md) and compare's (COMPARE.md).
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_priv.h"

/*
 * Both files are read by the results reader's CSV records (dhb_results_read_table()) and their
 * columns found by name in the header, so a column added later does not break the plots;
 * frag's file must start with the results schema's run columns of this version, as its
 * writer's does.
 */

enum { F_SOURCE, F_POLICY, F_OP, F_EXT_FRAG, F_UTIL, NF };
static const char *const frag_cols[NF] = {"source", "policy", "op_index", "ext_frag",
					  "trace_utilisation"};

enum {
	C_BOARD,
	C_TEST,
	C_HEAP,
	C_BACKEND,
	C_SIZE,
	C_METRIC,
	C_PARAMS,
	C_UNIT,
	C_RATIO,
	C_LOW,
	C_HIGH,
	C_VERDICT,
	C_KIND,
	NC
};
static const char *const cmp_cols[NC] = {"board",   "test",    "heap", "backend", "size_bytes",
					 "metric",  "params",  "unit", "ratio",	  "ci_low",
					 "ci_high", "verdict", "kind"};

struct table {
	struct dhb_plot *p;
	const char *path;
	const char *what; /* "frag's CSV" */
	const char *const *want;
	size_t n_want;
	long col[16];	 /* per wanted column: NF or NC of them */
	long run_col[8]; /* frag: schema_version, board, kernel, timestamp, hostname */
	size_t n_fields;
	bool header;
	const char *file; /* interned path */
	char *err;
	size_t errlen;
};

enum { R_VERSION, R_BOARD, R_KERNEL, R_TIMESTAMP, R_HOST, NR };
_Static_assert((int)NC <= 16 && (int)NF <= 16 && (int)NR <= 8, "struct table's arrays");
static const char *const run_cols[NR] = {"schema_version", "board", "kernel", "timestamp",
					 "hostname"};

static int refuse(struct table *t, unsigned long line, const char *why, const char *what)
{
	snprintf(t->err, t->errlen, "%s:%lu: %s%s", t->path, line, why, what);
	return -EPROTO;
}

static long find(const char *const *fields, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(fields[i], name))
			return (long)i;
	}
	return -1;
}

static int header(struct table *t, const char *const *f, size_t n, unsigned long line, bool frag)
{
	char why[160];
	size_t i;

	for (i = 0; frag && i < dhb_sink_nrun_columns(); i++) {
		if (i >= n || strcmp(f[i], dhb_sink_column(i))) {
			snprintf(why, sizeof(why),
				 "not frag's CSV of schema version %d (column %zu is not \"%s\")",
				 DHB_SCHEMA_VERSION, i + 1, dhb_sink_column(i));
			return refuse(t, line, why, "");
		}
	}
	for (i = 0; i < t->n_want; i++) {
		t->col[i] = find(f, n, t->want[i]);
		if (t->col[i] < 0) {
			snprintf(why, sizeof(why), "not %s: no column \"%s\"", t->what, t->want[i]);
			return refuse(t, line, why, "");
		}
	}
	for (i = 0; frag && i < NR; i++)
		t->run_col[i] = find(f, n, run_cols[i]);
	t->n_fields = n;
	t->header = true;
	return 0;
}

/* A number of a field: empty is NaN; -EPROTO for anything else that is not a number. */
static int number(struct table *t, const char *s, unsigned long line, const char *col, double *v)
{
	char why[160];

	*v = NAN;
	if (!*s || !dhb_sink_parse_number(s, v))
		return 0;
	snprintf(why, sizeof(why), "column \"%s\": \"%.40s\" is not a number", col, s);
	return refuse(t, line, why, "");
}

static int frag_record(void *arg, const char *const *f, size_t n, unsigned long line)
{
	struct table *t = arg;
	struct dhb_plot *p = t->p;
	struct pfrag *r;
	char want[16];
	int ret;

	if (!t->header)
		return header(t, f, n, line, true);
	if (n != t->n_fields)
		return refuse(t, line, "a record with another number of fields than the header",
			      "");
	snprintf(want, sizeof(want), "%d", DHB_SCHEMA_VERSION);
	if (strcmp(f[t->run_col[R_VERSION]], want))
		return refuse(t, line, "schema version ", f[t->run_col[R_VERSION]]);
	if (plot_grow((void **)&p->frag, &p->cap_frag, p->n_frag, sizeof(*p->frag)))
		return -ENOMEM;
	r = &p->frag[p->n_frag];
	r->file = t->file;
	r->run.board = plot_intern(p, f[t->run_col[R_BOARD]]);
	r->run.kernel = plot_intern(p, f[t->run_col[R_KERNEL]]);
	r->run.timestamp = plot_intern(p, f[t->run_col[R_TIMESTAMP]]);
	r->run.key = plot_intern(p, f[t->run_col[R_HOST]]);
	r->source = plot_intern(p, f[t->col[F_SOURCE]]);
	r->policy = plot_intern(p, f[t->col[F_POLICY]]);
	if (!r->run.board || !r->run.kernel || !r->run.timestamp || !r->run.key || !r->source ||
	    !r->policy)
		return -ENOMEM;
	ret = number(t, f[t->col[F_OP]], line, "op_index", &r->op);
	if (!ret)
		ret = number(t, f[t->col[F_EXT_FRAG]], line, "ext_frag", &r->ext_frag);
	if (!ret)
		ret = number(t, f[t->col[F_UTIL]], line, "trace_utilisation", &r->util);
	if (!ret && !isfinite(r->op))
		ret = refuse(t, line, "op_index is empty", "");
	if (!ret)
		p->n_frag++;
	return ret;
}

static int cmp_record(void *arg, const char *const *f, size_t n, unsigned long line)
{
	struct table *t = arg;
	struct dhb_plot *p = t->p;
	const char *s;
	struct pcmp *c;
	uint64_t size;
	int ret;

	if (!t->header)
		return header(t, f, n, line, false);
	if (n != t->n_fields)
		return refuse(t, line, "a record with another number of fields than the header",
			      "");
	s = f[t->col[C_SIZE]];
	if (dhb_sink_parse_uint(s, &size))
		return refuse(t, line, "size_bytes is not a count: ", s);
	if (plot_grow((void **)&p->cmp, &p->cap_cmp, p->n_cmp, sizeof(*p->cmp)))
		return -ENOMEM;
	c = &p->cmp[p->n_cmp];
	c->file = t->file;
	c->size = size;
	c->board = plot_intern(p, f[t->col[C_BOARD]]);
	c->test = plot_intern(p, f[t->col[C_TEST]]);
	c->heap = plot_intern(p, f[t->col[C_HEAP]]);
	c->backend = plot_intern(p, f[t->col[C_BACKEND]]);
	c->metric = plot_intern(p, f[t->col[C_METRIC]]);
	c->params = plot_intern(p, f[t->col[C_PARAMS]]);
	c->unit = plot_intern(p, f[t->col[C_UNIT]]);
	c->verdict = plot_intern(p, f[t->col[C_VERDICT]]);
	c->kind = plot_intern(p, f[t->col[C_KIND]]);
	if (!c->board || !c->test || !c->heap || !c->backend || !c->metric || !c->params ||
	    !c->unit || !c->verdict || !c->kind)
		return -ENOMEM;
	ret = number(t, f[t->col[C_RATIO]], line, "ratio", &c->ratio);
	if (!ret)
		ret = number(t, f[t->col[C_LOW]], line, "ci_low", &c->lo);
	if (!ret)
		ret = number(t, f[t->col[C_HIGH]], line, "ci_high", &c->hi);
	if (!ret)
		p->n_cmp++;
	return ret;
}

static int read_table(struct dhb_plot *p, const char *path, bool frag, char *err, size_t errlen)
{
	struct table t = {.p = p,
			  .path = path,
			  .what = frag ? "frag's CSV" : "compare's CSV (compare --format csv)",
			  .want = frag ? frag_cols : cmp_cols,
			  .n_want = frag ? NF : NC,
			  .err = err,
			  .errlen = errlen};
	struct dhb_results res;
	int ret;

	p->has[frag ? DHB_PLOT_IN_FRAG : DHB_PLOT_IN_COMPARE] = true;
	*err = '\0';
	t.file = plot_intern(p, path);
	if (!t.file)
		return -ENOMEM;
	dhb_results_init(&res, 0);
	ret = dhb_results_read_table(&res, path, frag ? frag_record : cmp_record, &t);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (ret && !*err)
		snprintf(err, errlen, "%s", dhb_results_error(&res));
	dhb_results_free(&res);
	return ret;
}

int dhb_plot_read_frag(struct dhb_plot *p, const char *path, char *err, size_t errlen)
{
	return read_table(p, path, true, err, errlen);
}

int dhb_plot_read_compare(struct dhb_plot *p, const char *path, char *err, size_t errlen)
{
	return read_table(p, path, false, err, errlen);
}
