// SPDX-License-Identifier: MIT
// track's output: its columns as data (results/TRACK.md), written as a table, CSV or JSON.
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis_priv.h"
#include "dhb/sink.h"

enum col_id {
	C_BOARD,
	C_TEST,
	C_HEAP,
	C_BACKEND,
	C_SIZE,
	C_METRIC,
	C_PARAMS,
	C_UNIT,
	C_DIRECTION,
	C_KIND,
	C_KERNEL,
	C_N,
	C_MEDIAN,
	C_PREV,
	C_RATIO,
	C_CILO,
	C_CIHI,
	C_PADJ,
	C_VERDICT,
	C_FLOOR,
	C_RRATIO,
	C_RVERDICT,
	C_ATTR,
	C_FIRST,
};

/* The columns of track's CSV and JSON, in order (TRACK.md documents each). */
static const struct dhb_out_col columns[] = {
	[C_BOARD] = {"board", DHB_OUT_TEXT},	  [C_TEST] = {"test", DHB_OUT_TEXT},
	[C_HEAP] = {"heap", DHB_OUT_TEXT},	  [C_BACKEND] = {"backend", DHB_OUT_TEXT},
	[C_SIZE] = {"size_bytes", DHB_OUT_NUM},	  [C_METRIC] = {"metric", DHB_OUT_TEXT},
	[C_PARAMS] = {"params", DHB_OUT_TEXT},	  [C_UNIT] = {"unit", DHB_OUT_TEXT},
	[C_DIRECTION] = {"better", DHB_OUT_TEXT}, [C_KIND] = {"kind", DHB_OUT_TEXT},
	[C_KERNEL] = {"kernel", DHB_OUT_TEXT},	  [C_N] = {"n", DHB_OUT_NUM},
	[C_MEDIAN] = {"median", DHB_OUT_NUM},	  [C_PREV] = {"previous_kernel", DHB_OUT_TEXT},
	[C_RATIO] = {"ratio", DHB_OUT_NUM},	  [C_CILO] = {"ci_low", DHB_OUT_NUM},
	[C_CIHI] = {"ci_high", DHB_OUT_NUM},	  [C_PADJ] = {"p_adjusted", DHB_OUT_NUM},
	[C_VERDICT] = {"verdict", DHB_OUT_TEXT},  [C_FLOOR] = {"floor", DHB_OUT_TEXT},
	[C_RRATIO] = {"rel_ratio", DHB_OUT_NUM},  [C_RVERDICT] = {"rel_verdict", DHB_OUT_TEXT},
	[C_ATTR] = {"attribution", DHB_OUT_TEXT}, [C_FIRST] = {"first_change", DHB_OUT_TEXT},
};

#define NCOLS (sizeof(columns) / sizeof(columns[0]))

size_t dhb_track_ncolumns(void)
{
	return NCOLS;
}

const char *dhb_track_column(size_t i)
{
	return i < NCOLS ? columns[i].name : NULL;
}

/* The kernel before point @i's ("" for the first kernel of the series). */
static const char *previous(const struct dhb_track *t, size_t i)
{
	size_t k;

	for (k = 1; k < t->n_kernels; k++) {
		if (!strcmp(t->kernels[k], t->points[i].kernel))
			return t->kernels[k - 1];
	}
	return "";
}

/* Column @j of point @i as text (numbers as the results files write them). */
static const char *cell(const void *ctx, size_t i, size_t j, char *buf, size_t len)
{
	const struct dhb_track *t = ctx;
	const struct dhb_track_point *pt = &t->points[i];
	const struct dhb_cmp_result *r = pt->r;
	bool f = pt->first;
	const char *s[] = {
		[C_BOARD] = r->board,
		[C_TEST] = r->test,
		[C_HEAP] = r->heap,
		[C_BACKEND] = r->backend,
		[C_METRIC] = r->metric,
		[C_PARAMS] = r->params,
		[C_UNIT] = r->unit,
		[C_DIRECTION] = r->higher_better ? "higher" : "lower",
		[C_KIND] = r->counter ? "counter" : "primary",
		[C_KERNEL] = pt->kernel,
		[C_PREV] = f ? "" : previous(t, i),
		[C_VERDICT] = f ? "" : dhb_verdict_name(r->verdict),
		[C_FLOOR] = f ? "" : r->floor,
		[C_RVERDICT] = f || !*r->floor ? "" : dhb_verdict_name(r->rel_verdict),
		[C_ATTR] = f ? "" : r->attribution,
		[C_FIRST] = pt->first_change,
	};
	const double d[] = {
		[C_SIZE] = (double)r->size_bytes,  [C_N] = (double)(f ? r->n_base : r->n_new),
		[C_MEDIAN] = f ? r->base : r->new, [C_RATIO] = f ? NAN : r->ratio,
		[C_CILO] = f ? NAN : r->ci_low,	   [C_CIHI] = f ? NAN : r->ci_high,
		[C_PADJ] = f ? NAN : r->p_adj,	   [C_RRATIO] = f ? NAN : r->rel_ratio,
	};

	if (columns[j].kind == DHB_OUT_TEXT)
		return s[j] ? s[j] : "";
	return dhb_out_number(d[j], buf, len);
}

static void write_json(const struct dhb_track *t, const struct dhb_out *o, FILE *fp)
{
	size_t i;

	fprintf(fp, "{\n  \"kernels\": [");
	for (i = 0; i < t->n_kernels; i++) {
		fputs(i ? ", " : "", fp);
		dhb_json_string(fp, t->kernels[i]);
	}
	fprintf(fp, "],\n  \"test\": \"Mann-Whitney U on run-level medians, each step\",\n");
	fprintf(fp, "  \"correction\": ");
	dhb_json_string(fp, dhb_adjust_name(t->params.adjust));
	fprintf(fp, ",\n  \"family\": \"board, test, metric\",\n  \"regressions\": %zu,\n",
		dhb_track_regressions(t));
	fputs("  ", fp);
	dhb_out_json_rows(o, fp);
	fputs("\n}\n", fp);
}

/* One key's series on one line: "KERNEL MEDIAN [ratio verdict] -> ..." */
static void table_key(const struct dhb_track *t, size_t i, size_t j, FILE *fp)
{
	const struct dhb_cmp_result *r = t->points[i].r;
	char name[200];
	size_t k;

	snprintf(name, sizeof(name), "%s %s %" PRIu64 " %s%s%s", r->test, r->heap, r->size_bytes,
		 r->metric, *r->params ? " " : "", r->params);
	fprintf(fp, "%-64s first change: %s\n", name,
		*t->points[i].first_change ? t->points[i].first_change : "none");
	for (k = i; k < j; k++) {
		r = t->points[k].r;
		if (t->points[k].first) {
			fprintf(fp, "    %-12s %12.6g %s\n", t->points[k].kernel, r->base, r->unit);
			continue;
		}
		fprintf(fp, "    %-12s %12.6g %s  %.3f [%.3f, %.3f] p_adj %.2g  %s",
			t->points[k].kernel, r->new, r->unit, r->ratio, r->ci_low, r->ci_high,
			r->p_adj, dhb_verdict_name(r->verdict));
		if (*r->attribution)
			fprintf(fp, " (%s; rel %.3f vs %s)", r->attribution, r->rel_ratio,
				r->floor);
		fputc('\n', fp);
	}
}

static bool same_key(const struct dhb_cmp_result *x, const struct dhb_cmp_result *y)
{
	return !strcmp(x->board, y->board) && !strcmp(x->test, y->test) &&
	       !strcmp(x->heap, y->heap) && !strcmp(x->backend, y->backend) &&
	       x->size_bytes == y->size_bytes && !strcmp(x->metric, y->metric) &&
	       !strcmp(x->params, y->params);
}

static void write_table(const struct dhb_track *t, bool all, FILE *fp)
{
	size_t i, j, keys = 0, changed = 0;
	bool change;

	fprintf(fp, "track: %zu kernels:", t->n_kernels);
	for (i = 0; i < t->n_kernels; i++)
		fprintf(fp, " %s", t->kernels[i]);
	fprintf(fp,
		"\neach step compared like compare (Mann-Whitney U on run-level medians, %s within "
		"each (board, test, metric) family, min effect %g)\n\n",
		dhb_adjust_name(t->params.adjust), t->params.min_effect);
	for (i = 0; i < t->n_points; i = j) {
		for (j = i + 1; j < t->n_points && same_key(t->points[j].r, t->points[i].r); j++)
			;
		keys++;
		change = *t->points[i].first_change && !t->points[i].r->counter;
		changed += change;
		if (all || change)
			table_key(t, i, j, fp);
	}
	fprintf(fp,
		"\n%zu keys, %zu primary keys with a change, %zu primary regressions over all "
		"steps\n",
		keys, changed, dhb_track_regressions(t));
}

void dhb_track_write(const struct dhb_track *t, enum dhb_cmp_format fmt, bool all, FILE *fp)
{
	const struct dhb_out o = {columns, NCOLS, t->n_points, cell, t};

	switch (fmt) {
	case DHB_CMP_CSV:
		dhb_out_csv(&o, true, fp);
		break;
	case DHB_CMP_JSON:
		write_json(t, &o, fp);
		break;
	default:
		write_table(t, all, fp);
	}
}
