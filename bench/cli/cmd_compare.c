// SPDX-License-Identifier: MIT
// The compare command: BASE against NEW (files or store selectors), per metric, with statistics.
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "analysis_in.h"
#include "cli.h"
#include "dhb/analysis.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"

struct compare_settings {
	const char *db;
	const char *base_samples;
	const char *new_samples;
	const char *format;
	struct ain_stats stats;
	bool all;
	bool help;
};

#define OFF(field) offsetof(struct compare_settings, field)

static const struct dhb_opt compare_opts[] = {
	AIN_OPT_DB(struct compare_settings, db, "the store that selectors read"),
	AIN_OPT_FORMAT(struct compare_settings, format, "table|csv|json",
		       "output on stdout: table, csv or json (results/COMPARE.md)"),
	AIN_OPTS_STATS(struct compare_settings, stats),
	{.name = "all",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(all),
	 .help = "the table shows every metric, not only the changes"},
	{.name = "base-samples",
	 .metavar = "FILES",
	 .type = DHB_OPT_STRING,
	 .off = OFF(base_samples),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "run --samples files of BASE: one run a side is then tested on raw samples"},
	{.name = "new-samples",
	 .metavar = "FILES",
	 .type = DHB_OPT_STRING,
	 .off = OFF(new_samples),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "run --samples files of NEW (see --base-samples)"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int compare_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_compare = {
	.name = "compare",
	.summary = "compare two sets of runs per metric (regressions, improvements)",
	.usage = "compare [OPTIONS] BASE NEW",
	.about = "BASE and NEW are results files (FILE[,FILE...], a directory for its *.csv) or\n"
		 "selectors into the store (kernel=6.1.192[,board=...]). Per board, test, heap,\n"
		 "backend, size, metric and params: the ratio of the medians of the run-level\n"
		 "medians with a 95% interval, a Mann-Whitney U test, p-values adjusted within\n"
		 "each metric family (board, test, metric), a verdict, and the same relative to\n"
		 "each run's floors (results/COMPARE.md).\n"
		 "Exit status 0; 1 when a primary metric regresses; 2 for bad input.",
	.opts = compare_opts,
	.n_opts = sizeof(compare_opts) / sizeof(compare_opts[0]),
	.operands = "BASE NEW",
	.min_operands = 2,
	.max_operands = 2,
	.main = compare_main,
};

struct add_ctx {
	struct dhb_cmp *c;
	int side;
};

static int add_row(void *arg, const struct ain_row *a)
{
	struct add_ctx *x = arg;
	struct dhb_cmp_obs o = ain_obs(a);

	return dhb_cmp_add(x->c, x->side, &o);
}

static int add_sample(void *arg, const struct dhb_results_sample *s, const char *run_key)
{
	struct add_ctx *x = arg;
	struct dhb_cmp_obs o = {
		.board = s->board,
		.test = s->test,
		.heap = s->heap,
		.backend = s->backend,
		.size_bytes = s->size_bytes,
		.metric = s->metric,
		.params = s->params,
		.unit = s->unit,
		.run = run_key,
		.value = s->value,
	};

	return dhb_cmp_add_sample(x->c, x->side, &o, s->count);
}

/* Both inputs, then the samples files given; -1 when done, else an exit status. */
static int load(const struct compare_settings *s, struct add_ctx *x, struct dhb_db **db,
		const char *base, const char *new)
{
	int ret;

	x->side = 0;
	ret = ain_load("compare", base, s->db, db, add_row, x);
	x->side = 1;
	if (ret < 0)
		ret = ain_load("compare", new, s->db, db, add_row, x);
	x->side = 0;
	if (ret < 0 && s->base_samples)
		ret = ain_load_samples("compare", s->base_samples, add_sample, x);
	x->side = 1;
	if (ret < 0 && s->new_samples)
		ret = ain_load_samples("compare", s->new_samples, add_sample, x);
	return ret;
}

static int compare(const struct compare_settings *s, const char *base, const char *new)
{
	enum dhb_cmp_format fmt = ain_format(s->format);
	struct dhb_cmp_params p;
	struct dhb_db *db = NULL;
	struct dhb_cmp c;
	struct add_ctx x = {&c, 0};
	int ret;

	ain_cmp_params(&s->stats, &p);
	if (dhb_cmp_init(&c, &p))
		return DHB_EXIT_FAIL;
	ret = load(s, &x, &db, base, new);
	if (ret >= 0)
		goto out;
	ret = dhb_cmp_compute(&c);
	if (ret) {
		fprintf(stderr, "dmaheap-bench compare: %s\n",
			ret == -EPROTO ? c.error : "out of memory");
		ret = ret == -EPROTO ? DHB_EXIT_USAGE : DHB_EXIT_FAIL;
		goto out;
	}
	errno = 0; /* see dhb_outfile_flush() */
	dhb_cmp_write(&c, fmt, s->all, stdout, base, new);
	if (dhb_outfile_flush(stdout)) {
		fprintf(stderr, "dmaheap-bench compare: writing standard output: %s\n",
			strerror(errno ? errno : EIO));
		ret = DHB_EXIT_FAIL;
	} else {
		ret = dhb_cmp_regressions(&c) ? DHB_EXIT_FAIL : DHB_EXIT_OK;
	}
out:
	dhb_cmp_free(&c);
	dhb_db_close(db);
	return ret;
}

static int compare_main(int argc, char **argv)
{
	struct compare_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_compare, argc, argv, &s, &line);
	if (ret < 0)
		ret = compare(&s, line.operands[0], line.operands[1]);
	dhb_opts_line_free(&line);
	return ret;
}
