// SPDX-License-Identifier: MIT
// Plot inputs besides results rows: frag's CSV (heaps-ref/TRACE.md) and compare's (COMPARE.md).
#include <errno.h>
#include <stddef.h>
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

/* A column the plots read: its name, its kind, and where it goes in a row. */
enum col_kind {
	COL_TEXT,    /* const char *, interned */
	COL_NUMBER,  /* double, NaN when empty */
	COL_COUNT,   /* uint64_t */
	COL_VERSION, /* the schema version: must be this one; not kept */
};

struct col {
	const char *name;
	enum col_kind kind;
	size_t off;
};

#define FRAG(name, kind, field)                           \
	{                                                 \
		name, kind, offsetof(struct pfrag, field) \
	}
#define CMP(name, kind, field)                           \
	{                                                \
		name, kind, offsetof(struct pcmp, field) \
	}

static const struct col frag_cols[] = {
	FRAG("schema_version", COL_VERSION, op),
	/* checked, not kept */ FRAG("board", COL_TEXT, run.board),
	FRAG("kernel", COL_TEXT, run.kernel),
	FRAG("timestamp", COL_TEXT, run.timestamp),
	FRAG("hostname", COL_TEXT, run.key),
	FRAG("source", COL_TEXT, source),
	FRAG("policy", COL_TEXT, policy),
	FRAG("op_index", COL_NUMBER, op),
	FRAG("ext_frag", COL_NUMBER, ext_frag),
	FRAG("trace_utilisation", COL_NUMBER, util),
};

static const struct col cmp_cols[] = {
	CMP("board", COL_TEXT, board),	    CMP("test", COL_TEXT, test),
	CMP("heap", COL_TEXT, heap),	    CMP("backend", COL_TEXT, backend),
	CMP("size_bytes", COL_COUNT, size), CMP("metric", COL_TEXT, metric),
	CMP("params", COL_TEXT, params),    CMP("unit", COL_TEXT, unit),
	CMP("ratio", COL_NUMBER, ratio),    CMP("ci_low", COL_NUMBER, lo),
	CMP("ci_high", COL_NUMBER, hi),	    CMP("verdict", COL_TEXT, verdict),
	CMP("kind", COL_TEXT, kind),
};

#define MAX_COLS 16
_Static_assert(sizeof(frag_cols) / sizeof(frag_cols[0]) <= MAX_COLS &&
		       sizeof(cmp_cols) / sizeof(cmp_cols[0]) <= MAX_COLS,
	       "struct table's idx");

/* One file's read: its columns, where they are, and the array its rows go to. */
struct table {
	struct dhb_plot *p;
	const char *path;
	const char *what; /* "frag's CSV" */
	bool frag;
	const struct col *cols;
	size_t n_cols;
	long idx[MAX_COLS];
	size_t n_fields;
	bool header;
	char *err;
	size_t errlen;
};

static int refuse(struct table *t, unsigned long line, const char *why, const char *what)
{
	snprintf(t->err, t->errlen, "%s:%lu: %s%s", t->path, line, why, what);
	return -EPROTO;
}

/* The header: every column found (frag: after the results schema's run columns). */
static int header(struct table *t, const char *const *f, size_t n, unsigned long line)
{
	char why[160];
	size_t i, j;

	for (i = 0; t->frag && i < dhb_sink_nrun_columns(); i++) {
		if (i >= n || strcmp(f[i], dhb_sink_column(i))) {
			snprintf(why, sizeof(why),
				 "not frag's CSV of schema version %d (column %zu is not \"%s\")",
				 DHB_SCHEMA_VERSION, i + 1, dhb_sink_column(i));
			return refuse(t, line, why, "");
		}
	}
	for (i = 0; i < t->n_cols; i++) {
		for (j = 0; j < n && strcmp(f[j], t->cols[i].name); j++)
			;
		if (j == n) {
			snprintf(why, sizeof(why), "not %s: no column \"%s\"", t->what,
				 t->cols[i].name);
			return refuse(t, line, why, "");
		}
		t->idx[i] = (long)j;
	}
	t->n_fields = n;
	t->header = true;
	return 0;
}

/* One field into @row; -EPROTO (one line in t->err) or -ENOMEM. */
static int field(struct table *t, const struct col *c, const char *s, unsigned long line, char *row)
{
	char why[160], want[16];

	switch (c->kind) {
	case COL_TEXT:
		*(const char **)(row + c->off) = plot_intern(t->p, s);
		return *(const char **)(row + c->off) ? 0 : -ENOMEM;
	case COL_NUMBER:
		*(double *)(row + c->off) = NAN;
		if (!*s || !dhb_sink_parse_number(s, (double *)(row + c->off)))
			return 0;
		snprintf(why, sizeof(why), "column \"%s\": \"%.40s\" is not a number", c->name, s);
		return refuse(t, line, why, "");
	case COL_COUNT:
		if (!dhb_sink_parse_uint(s, (uint64_t *)(row + c->off)))
			return 0;
		snprintf(why, sizeof(why), "column \"%s\": \"%.40s\" is not a count", c->name, s);
		return refuse(t, line, why, "");
	case COL_VERSION:
		snprintf(want, sizeof(want), "%d", DHB_SCHEMA_VERSION);
		return strcmp(s, want) ? refuse(t, line, "schema version ", s) : 0;
	}
	return 0;
}

/* A record: the header, else one row at the end of the session's frag or compare rows. */
static int record(void *arg, const char *const *f, size_t n, unsigned long line)
{
	struct table *t = arg;
	struct dhb_plot *p = t->p;
	const char *file = plot_intern(p, t->path);
	char *row;
	size_t i;
	int ret = 0;

	if (!t->header)
		return header(t, f, n, line);
	if (n != t->n_fields)
		return refuse(t, line, "a record with another number of fields than the header",
			      "");
	if (!file ||
	    (t->frag ? plot_grow((void **)&p->frag, &p->cap_frag, p->n_frag, sizeof(*p->frag))
		     : plot_grow((void **)&p->cmp, &p->cap_cmp, p->n_cmp, sizeof(*p->cmp))))
		return -ENOMEM;
	row = t->frag ? (char *)&p->frag[p->n_frag] : (char *)&p->cmp[p->n_cmp];
	memset(row, 0, t->frag ? sizeof(*p->frag) : sizeof(*p->cmp));
	for (i = 0; i < t->n_cols && !ret; i++)
		ret = field(t, &t->cols[i], f[t->idx[i]], line, row);
	if (ret)
		return ret;
	if (t->frag) {
		p->frag[p->n_frag].file = file;
		if (!isfinite(p->frag[p->n_frag].op))
			return refuse(t, line, "op_index is empty", "");
		p->n_frag++;
	} else {
		p->cmp[p->n_cmp++].file = file;
	}
	return 0;
}

static int read_table(struct dhb_plot *p, const char *path, bool frag, char *err, size_t errlen)
{
	struct table t = {.p = p,
			  .path = path,
			  .what = frag ? "frag's CSV" : "compare's CSV (compare --format csv)",
			  .frag = frag,
			  .cols = frag ? frag_cols : cmp_cols,
			  .n_cols = frag ? sizeof(frag_cols) / sizeof(frag_cols[0])
					 : sizeof(cmp_cols) / sizeof(cmp_cols[0]),
			  .err = err,
			  .errlen = errlen};
	struct dhb_results res;
	int ret;

	p->has[frag ? DHB_PLOT_IN_FRAG : DHB_PLOT_IN_COMPARE] = true;
	*err = '\0';
	dhb_results_init(&res, 0);
	ret = dhb_results_read_table(&res, path, record, &t);
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
