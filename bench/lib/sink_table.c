// SPDX-License-Identifier: MIT
// Table sink: the rows as aligned columns for a terminal, printed when the sink closes.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "sink_priv.h"

/*
 * Column widths depend on every row, so rows are kept (as text) until close. Latencies in ns
 * are shown in the unit that suits the row's median (ns, us, ms or s) with 3-4 significant
 * digits; other units as they come. CSV and JSON carry the exact figures.
 */
enum {
	T_TEST,
	T_HEAP,
	T_BACKEND,
	T_SIZE,
	T_METRIC,
	T_PARAMS,
	T_N,
	T_UNIT,
	T_MIN,
	T_P50,
	T_P90,
	T_P99,
	T_MAX,
	T_CV,
	T_OUTLIERS,
	T_FLAGS,
	T_NCOLS,
};

static const char *const headings[T_NCOLS] = {
	"test", "heap", "backend", "size", "metric", "params", "n",    "unit",
	"min",	"p50",	"p90",	   "p99",  "max",    "cv",     "outl", "flags",
};

/* Numeric columns are right-aligned. */
static bool numeric(int col)
{
	return col >= T_N && col <= T_OUTLIERS && col != T_UNIT;
}

struct table {
	char **cells; /* nrows * T_NCOLS strings */
	size_t nrows;
	size_t cap;
};

static int table_open(struct dhb_sink *sink)
{
	sink->priv = calloc(1, sizeof(struct table));
	return sink->priv ? 0 : -ENOMEM;
}

/* A figure with 3-4 significant digits; whole numbers of an unscaled unit print as integers. */
static void fig(char *buf, size_t len, double v, bool scaled)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (a >= 100 || (!scaled && a == floor(a)))
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

static int table_write_row(struct dhb_sink *sink, const struct dhb_row *row)
{
	static const struct {
		const char *unit;
		double div;
	} scales[] = {{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}};
	const struct dhb_stats_summary *s = &row->stats;
	const double figs[] = {s->min, s->p50, s->p90, s->p99, s->max};
	struct table *t = sink->priv;
	char buf[T_NCOLS][128];
	const char *unit = row->unit ? row->unit : "";
	double div = 1;
	char **cells;
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		cells = realloc(t->cells, t->cap * T_NCOLS * sizeof(*cells));
		if (!cells)
			return -ENOMEM;
		t->cells = cells;
	}
	if (!strcmp(unit, "ns")) {
		for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
			if (s->p50 >= 10 * scales[i].div) {
				unit = scales[i].unit;
				div = scales[i].div;
				break;
			}
		}
	}
	snprintf(buf[T_TEST], sizeof(buf[0]), "%s", row->test ? row->test : "");
	snprintf(buf[T_HEAP], sizeof(buf[0]), "%s", row->heap ? row->heap : "");
	snprintf(buf[T_BACKEND], sizeof(buf[0]), "%s", row->backend ? row->backend : "");
	dhb_size_format(row->size_bytes, buf[T_SIZE], sizeof(buf[0]));
	snprintf(buf[T_METRIC], sizeof(buf[0]), "%s", row->metric ? row->metric : "");
	snprintf(buf[T_PARAMS], sizeof(buf[0]), "%s", row->params ? row->params : "");
	snprintf(buf[T_N], sizeof(buf[0]), "%" PRIu64, s->n);
	snprintf(buf[T_UNIT], sizeof(buf[0]), "%s", unit);
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		fig(buf[T_MIN + i], sizeof(buf[0]), figs[i] / div, div != 1);
	if (isfinite(s->cv))
		snprintf(buf[T_CV], sizeof(buf[0]), "%.1f%%", 100 * s->cv);
	else
		snprintf(buf[T_CV], sizeof(buf[0]), "-");
	snprintf(buf[T_OUTLIERS], sizeof(buf[0]), "%" PRIu64, s->outliers);
	dhb_stats_flags_format(s->flags, buf[T_FLAGS], sizeof(buf[0]));
	cells = t->cells + t->nrows * T_NCOLS;
	for (i = 0; i < T_NCOLS; i++) {
		cells[i] = strdup(buf[i]);
		if (!cells[i]) {
			while (i--)
				free(cells[i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

static void table_line(FILE *fp, const char *const *cells, const int *width)
{
	int col, last = T_NCOLS - 1;

	while (last > 0 && !*cells[last]) /* no trailing blanks */
		last--;
	for (col = 0; col <= last; col++) {
		if (col == last && !numeric(col))
			fprintf(fp, "%s", cells[col]);
		else
			fprintf(fp, numeric(col) ? "%*s" : "%-*s", width[col], cells[col]);
		fputs(col == last ? "\n" : "  ", fp);
	}
}

static int table_close(struct dhb_sink *sink)
{
	const struct dhb_run_info *run = sink->cfg.run;
	struct table *t = sink->priv;
	int width[T_NCOLS], col, w;
	FILE *fp = sink->fp;
	size_t r;

	fprintf(fp, "# dmaheap-bench %s %s  host %s  board %s  kernel %s  %s\n",
		run->tool_version ? run->tool_version : "?", run->git_rev ? run->git_rev : "?",
		run->hostname ? run->hostname : "?", run->board ? run->board : "?",
		run->kernel ? run->kernel : "?", run->timestamp ? run->timestamp : "?");
	for (col = 0; col < T_NCOLS; col++) {
		width[col] = (int)strlen(headings[col]);
		for (r = 0; r < t->nrows; r++) {
			w = (int)strlen(t->cells[r * T_NCOLS + col]);
			if (w > width[col])
				width[col] = w;
		}
	}
	if (!t->nrows)
		fputs("(no results)\n", fp);
	else
		table_line(fp, headings, width);
	for (r = 0; r < t->nrows; r++) {
		table_line(fp, (const char *const *)&t->cells[r * T_NCOLS], width);
		for (col = 0; col < T_NCOLS; col++)
			free(t->cells[r * T_NCOLS + col]);
	}
	free(t->cells);
	free(t);
	sink->priv = NULL;
	return 0;
}

const struct dhb_sink_ops dhb_sink_table_ops = {
	.name = "table",
	.can_append = true,
	.open = table_open,
	.write_row = table_write_row,
	.close = table_close,
};
