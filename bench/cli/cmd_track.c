// SPDX-License-Identifier: MIT
// The track command: per board and metric, the series over kernel versions, each step judged.
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "analysis_in.h"
#include "cli.h"
#include "dhb/analysis.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"

struct track_settings {
	const char *db;
	const char *format;
	struct ain_stats stats;
	bool all;
	bool help;
};

#define OFF(field) offsetof(struct track_settings, field)

static const struct dhb_opt track_opts[] = {
	AIN_OPT_DB(struct track_settings, db, "the store that selectors read"),
	AIN_OPT_FORMAT(struct track_settings, format, "table|csv|json",
		       "output on stdout: table, csv or json (results/TRACK.md)"),
	AIN_OPTS_STATS(struct track_settings, stats),
	{.name = "all",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(all),
	 .help = "the table shows every metric, not only those that changed"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int track_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_track = {
	.name = "track",
	.summary = "per board and metric, the series over kernel versions",
	.usage = "track [OPTIONS] [INPUT...]",
	.about = "Each INPUT is results files (FILE[,FILE...], a directory for its *.csv) or a\n"
		 "selector into the store (kernel=6.*,board=...); none means the whole store.\n"
		 "The kernels are sorted as versions (6.1.192 < 6.12.117); each step from one\n"
		 "kernel to the next is judged like compare, and per metric the first kernel\n"
		 "where a change appeared is named (results/TRACK.md).\n"
		 "Exit status 0; 1 when a primary metric regresses at any step; 2 for bad input.",
	.opts = track_opts,
	.n_opts = sizeof(track_opts) / sizeof(track_opts[0]),
	.operands = "INPUT...",
	.min_operands = 0,
	.max_operands = 0,
	.main = track_main,
};

static int add_row(void *arg, const struct ain_row *a)
{
	struct dhb_cmp_obs o = ain_obs(a);

	return dhb_track_add(arg, a->run->kernel, &o);
}

static int track(const struct track_settings *s, const char **inputs, size_t n)
{
	enum dhb_cmp_format fmt = ain_format(s->format);
	static const char *all[] = {"all"};
	struct dhb_cmp_params p;
	struct dhb_db *db = NULL;
	struct dhb_track t;
	size_t i;
	int ret = -1;

	ain_cmp_params(&s->stats, &p);
	if (dhb_track_init(&t, &p))
		return DHB_EXIT_FAIL;
	if (!n) {
		inputs = all;
		n = 1;
	}
	for (i = 0; i < n && ret < 0; i++)
		ret = ain_load("track", inputs[i], s->db, &db, add_row, &t);
	if (ret >= 0)
		goto out;
	ret = dhb_track_compute(&t);
	if (ret) {
		fprintf(stderr, "dmaheap-bench track: %s\n",
			ret == -ENOMEM ? "out of memory" : t.error);
		ret = ret == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
		goto out;
	}
	errno = 0; /* see dhb_outfile_flush() */
	dhb_track_write(&t, fmt, s->all, stdout);
	if (dhb_outfile_flush(stdout)) {
		fprintf(stderr, "dmaheap-bench track: writing standard output: %s\n",
			strerror(errno ? errno : EIO));
		ret = DHB_EXIT_FAIL;
	} else {
		ret = dhb_track_regressions(&t) ? DHB_EXIT_FAIL : DHB_EXIT_OK;
	}
out:
	dhb_track_free(&t);
	dhb_db_close(db);
	return ret;
}

static int track_main(int argc, char **argv)
{
	struct track_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_track, argc, argv, &s, &line);
	if (ret < 0)
		ret = track(&s, line.operands, line.n_operands);
	dhb_opts_line_free(&line);
	return ret;
}
