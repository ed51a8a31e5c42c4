// SPDX-License-Identifier: MIT
// compare's output: its columns as data (results/COMPARE.md), written as a table, CSV or JSON.
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
	C_NBASE,
	C_NNEW,
	C_BOOTSBASE,
	C_BOOTSNEW,
	C_BASE,
	C_NEW,
	C_RATIO,
	C_CILO,
	C_CIHI,
	C_P,
	C_PADJ,
	C_VERDICT,
	C_FLOOR,
	C_RRATIO,
	C_RCILO,
	C_RCIHI,
	C_RPADJ,
	C_RVERDICT,
	C_ATTR,
	C_KIND,
	C_FAMILY,
	C_FAMSIZE,
	C_EVIDENCE,
};

/* The columns of compare's CSV and JSON, in order (COMPARE.md documents each). */
static const struct dhb_out_col columns[] = {
	[C_BOARD] = {"board", DHB_OUT_TEXT},
	[C_TEST] = {"test", DHB_OUT_TEXT},
	[C_HEAP] = {"heap", DHB_OUT_TEXT},
	[C_BACKEND] = {"backend", DHB_OUT_TEXT},
	[C_SIZE] = {"size_bytes", DHB_OUT_NUM},
	[C_METRIC] = {"metric", DHB_OUT_TEXT},
	[C_PARAMS] = {"params", DHB_OUT_TEXT},
	[C_UNIT] = {"unit", DHB_OUT_TEXT},
	[C_DIRECTION] = {"better", DHB_OUT_TEXT},
	[C_NBASE] = {"n_base", DHB_OUT_NUM},
	[C_NNEW] = {"n_new", DHB_OUT_NUM},
	[C_BOOTSBASE] = {"boots_base", DHB_OUT_NUM},
	[C_BOOTSNEW] = {"boots_new", DHB_OUT_NUM},
	[C_BASE] = {"base_median", DHB_OUT_NUM},
	[C_NEW] = {"new_median", DHB_OUT_NUM},
	[C_RATIO] = {"ratio", DHB_OUT_NUM},
	[C_CILO] = {"ci_low", DHB_OUT_NUM},
	[C_CIHI] = {"ci_high", DHB_OUT_NUM},
	[C_P] = {"p_value", DHB_OUT_NUM},
	[C_PADJ] = {"p_adjusted", DHB_OUT_NUM},
	[C_VERDICT] = {"verdict", DHB_OUT_TEXT},
	[C_FLOOR] = {"floor", DHB_OUT_TEXT},
	[C_RRATIO] = {"rel_ratio", DHB_OUT_NUM},
	[C_RCILO] = {"rel_ci_low", DHB_OUT_NUM},
	[C_RCIHI] = {"rel_ci_high", DHB_OUT_NUM},
	[C_RPADJ] = {"rel_p_adjusted", DHB_OUT_NUM},
	[C_RVERDICT] = {"rel_verdict", DHB_OUT_TEXT},
	[C_ATTR] = {"attribution", DHB_OUT_TEXT},
	[C_KIND] = {"kind", DHB_OUT_TEXT},
	[C_FAMILY] = {"family", DHB_OUT_TEXT},
	[C_FAMSIZE] = {"family_size", DHB_OUT_NUM},
	[C_EVIDENCE] = {"evidence", DHB_OUT_TEXT},
};

#define NCOLS (sizeof(columns) / sizeof(columns[0]))

size_t dhb_cmp_ncolumns(void)
{
	return NCOLS;
}

const char *dhb_cmp_column(size_t i)
{
	return i < NCOLS ? columns[i].name : NULL;
}

/* Column @i of result @row as text into @buf (numbers as the results files write them). */
static const char *cell(const void *ctx, size_t row, size_t i, char *buf, size_t len)
{
	const struct dhb_cmp_result *r = &((const struct dhb_cmp *)ctx)->results[row];
	const char *t[] = {
		[C_BOARD] = r->board,
		[C_TEST] = r->test,
		[C_HEAP] = r->heap,
		[C_BACKEND] = r->backend,
		[C_METRIC] = r->metric,
		[C_PARAMS] = r->params,
		[C_UNIT] = r->unit,
		[C_DIRECTION] = r->higher_better ? "higher" : "lower",
		[C_FLOOR] = r->floor,
		[C_VERDICT] = dhb_verdict_name(r->verdict),
		[C_ATTR] = r->attribution,
		[C_RVERDICT] = *r->floor ? dhb_verdict_name(r->rel_verdict) : "",
		[C_KIND] = r->counter ? "counter" : "primary",
		[C_FAMILY] = r->family,
		[C_EVIDENCE] = r->evidence,
	};
	const double d[] = {
		[C_SIZE] = (double)r->size_bytes,
		[C_NBASE] = (double)r->n_base,
		[C_NNEW] = (double)r->n_new,
		[C_BOOTSBASE] = r->boots_base ? (double)r->boots_base : NAN,
		[C_BOOTSNEW] = r->boots_new ? (double)r->boots_new : NAN,
		[C_BASE] = r->base,
		[C_NEW] = r->new,
		[C_RATIO] = r->ratio,
		[C_CILO] = r->ci_low,
		[C_CIHI] = r->ci_high,
		[C_P] = r->p,
		[C_PADJ] = r->p_adj,
		[C_RRATIO] = r->rel_ratio,
		[C_RCILO] = r->rel_ci_low,
		[C_RCIHI] = r->rel_ci_high,
		[C_RPADJ] = r->rel_p_adj,
		[C_FAMSIZE] = (double)r->family_size,
	};

	if (columns[i].kind == DHB_OUT_TEXT)
		return t[i] ? t[i] : "";
	return dhb_out_number(d[i], buf, len);
}

static void write_json(const struct dhb_cmp *c, const struct dhb_out *o, FILE *fp, const char *lb,
		       const char *ln)
{
	char buf[40];

	fprintf(fp, "{\n  \"base\": ");
	dhb_json_string(fp, lb);
	fprintf(fp, ",\n  \"new\": ");
	dhb_json_string(fp, ln);
	fprintf(fp, ",\n  \"test\": \"Mann-Whitney U on run-level medians\",\n  \"correction\": ");
	dhb_json_string(fp, dhb_adjust_name(c->params.adjust));
	fprintf(fp, ",\n  \"family\": \"board, test, metric\",\n  \"families\": %zu",
		c->n_families);
	dhb_sink_format_number(c->params.alpha, buf, sizeof(buf));
	fprintf(fp, ",\n  \"alpha\": %s,", buf);
	dhb_sink_format_number(c->params.min_effect, buf, sizeof(buf));
	fprintf(fp, "\n  \"min_effect\": %s,", buf);
	dhb_sink_format_number(c->timer_overhead_ns, buf, sizeof(buf));
	fprintf(fp, "\n  \"timer_overhead_ns\": %s,", *buf ? buf : "null");
	fprintf(fp, "\n  \"regressions\": %zu,\n  ", dhb_cmp_regressions(c));
	dhb_out_json_rows(o, fp);
	fputs("\n}\n", fp);
}

/* "1.083 [1.051, 1.120]" */
static void ratio_text(char *buf, size_t len, double r, double lo, double hi)
{
	if (isnan(r))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f [%.3f, %.3f]", r, lo, hi);
}

static void table_row(const struct dhb_cmp_result *r, FILE *fp)
{
	char rat[64], rel[64], name[160], verdict[24];
	bool raw = r->evidence && !strncmp(r->evidence, "raw", 3);

	ratio_text(rat, sizeof(rat), r->ratio, r->ci_low, r->ci_high);
	ratio_text(rel, sizeof(rel), r->rel_ratio, r->rel_ci_low, r->rel_ci_high);
	snprintf(name, sizeof(name), "%s%s%s", r->metric, *r->params ? " " : "", r->params);
	snprintf(verdict, sizeof(verdict), "%s%s", dhb_verdict_name(r->verdict), raw ? "*" : "");
	fprintf(fp, "%-16s %-6s %-35s %9" PRIu64 " %-36s %-24s %8.2g  %-24s %s\n", verdict, r->test,
		r->heap, r->size_bytes, name, rat, r->p_adj, rel, r->attribution);
}

/* The rows of one kind (primary or counter) the table shows; counts their verdicts. */
static void table_rows(const struct dhb_cmp *c, bool all, bool counter, size_t count[4], FILE *fp)
{
	const struct dhb_cmp_result *r;
	size_t i;

	fprintf(fp, "%-16s %-6s %-35s %9s %-36s %-24s %8s  %-24s %s\n", "verdict", "test", "heap",
		"size", "metric", "ratio [95% CI]", "p_adj", "rel ratio [95% CI]", "attribution");
	for (i = 0; i < c->n_results; i++) {
		r = &c->results[i];
		if (r->counter != counter)
			continue;
		count[r->verdict]++;
		if (all || r->verdict == DHB_VERDICT_WORSE || r->verdict == DHB_VERDICT_BETTER)
			table_row(r, fp);
	}
	fprintf(fp, "\n%zu regressions, %zu improvements, %zu no change, %zu not enough data\n",
		count[DHB_VERDICT_WORSE], count[DHB_VERDICT_BETTER], count[DHB_VERDICT_SAME],
		count[DHB_VERDICT_NONE]);
}

/* Says how many tested keys rest on fewer boots than run-level medians (run --repeat passes). */
static void one_boot_note(const struct dhb_cmp *c, FILE *fp)
{
	const struct dhb_cmp_result *r;
	size_t i, few = 0, tested = 0;

	for (i = 0; i < c->n_results; i++) {
		r = &c->results[i];
		if (r->counter || isnan(r->p))
			continue;
		tested++;
		if ((r->boots_base && r->boots_base < r->n_base) ||
		    (r->boots_new && r->boots_new < r->n_new))
			few++;
	}
	if (few)
		fprintf(fp,
			"%zu of %zu tested keys have fewer boots than run-level medians on a side "
			"(passes of run --repeat in one boot: boot-to-boot variation is not in "
			"their "
			"test; see boots_base, boots_new)\n",
			few, tested);
}

static void write_table(const struct dhb_cmp *c, bool all, FILE *fp, const char *lb, const char *ln)
{
	size_t count[4] = {0}, counters[4] = {0};

	fprintf(fp, "compare: base %s (%zu run-level medians), new %s (%zu)\n", lb,
		dhb_cmp_count(c, 0), ln, dhb_cmp_count(c, 1));
	fprintf(fp,
		"Mann-Whitney U on run-level medians, p adjusted by %s within each metric family "
		"(board, test, metric: %zu families);\na change needs p_adj < %g, |ratio - 1| >= "
		"%g",
		dhb_adjust_name(c->params.adjust), c->n_families, c->params.alpha,
		c->params.min_effect);
	if (!isnan(c->timer_overhead_ns))
		fprintf(fp, " and, for ns, > %g x the timer overhead (%.0f ns)",
			c->params.timer_factor, c->timer_overhead_ns);
	fprintf(fp,
		"\nrel: the ratio of each run's value over the same run's floor; *: tested on the "
		"raw samples of one run a side (weaker evidence: repeat runs)\n\n");
	table_rows(c, all, false, count, fp);
	one_boot_note(c, fp);
	fprintf(fp, "\ncounter rows (METRIC.EVENT, their own families; they explain the metrics "
		    "above and do not set the exit status):\n\n");
	table_rows(c, all, true, counters, fp);
}

void dhb_cmp_write(const struct dhb_cmp *c, enum dhb_cmp_format fmt, bool all, FILE *fp,
		   const char *label_base, const char *label_new)
{
	const struct dhb_out o = {columns, NCOLS, c->n_results, cell, c};

	switch (fmt) {
	case DHB_CMP_CSV:
		dhb_out_csv(&o, true, fp);
		break;
	case DHB_CMP_JSON:
		write_json(c, &o, fp, label_base, label_new);
		break;
	default:
		write_table(c, all, fp, label_base, label_new);
	}
}
