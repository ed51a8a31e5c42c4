// SPDX-License-Identifier: MIT
// The calibrate command: the detector benchmark of compare on resampled real runs.
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_in.h"
#include "cli.h"
#include "dhb/analysis.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"

struct calibrate_settings {
	const char *db;
	const char *format;
	const char *repetitions;
	double shift;
	uint64_t trials;
	uint64_t seed;
	bool help;
};

#define OFF(field) offsetof(struct calibrate_settings, field)

static const struct dhb_opt calibrate_opts[] = {
	AIN_OPT_DB(struct calibrate_settings, db, "the store that a selector reads"),
	AIN_OPT_FORMAT(struct calibrate_settings, format, "table|csv",
		       "output on stdout: table or csv (results/COMPARE.md)"),
	{.name = "repetitions",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(repetitions),
	 .def = "5,9,15",
	 .help = "run-level medians a side, one benchmark each (3 to 64)"},
	{.name = "shift",
	 .metavar = "F",
	 .type = DHB_OPT_FRACTION,
	 .off = OFF(shift),
	 .def = "0.10",
	 .help = "the injected change, as a fraction (0.10: 10 % worse)"},
	{.name = "trials",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(trials),
	 .def = "400",
	 .min = 1,
	 .max = 1000000,
	 .help = "trials per metric family"},
	{.name = "seed",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(seed),
	 .def = "1",
	 .min = 1,
	 .max = UINT64_MAX,
	 .help = "seed of the resampling (the same seed gives the same figures)"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int calibrate_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_calibrate = {
	.name = "calibrate",
	.summary = "the detector benchmark: compare's power and false alarms on real runs",
	.usage = "calibrate [OPTIONS] INPUT",
	.about =
		"INPUT is one set of real runs (files, a directory, or a selector into the store,\n"
		"e.g. one kernel's lab boots). Per metric family (board, test, metric), trials\n"
		"draw run-level medians from each key's runs, make one key worse by --shift, and\n"
		"judge every key as compare does: power (the shifted key found) and false alarms\n"
		"per metric (any other key judged changed), for each --repetitions count\n"
		"(results/COMPARE.md). Exit status 0; 2 for bad input.",
	.opts = calibrate_opts,
	.n_opts = sizeof(calibrate_opts) / sizeof(calibrate_opts[0]),
	.operands = "INPUT",
	.min_operands = 1,
	.max_operands = 1,
	.main = calibrate_main,
};

static int add_row(void *arg, const struct ain_row *a)
{
	struct dhb_cmp_obs o = ain_obs(a);

	return dhb_det_add(arg, &o);
}

/* One benchmark with @reps repetitions a side; -1 when done, else an exit status. */
static int one(const struct calibrate_settings *s, const char *input, size_t reps, bool first)
{
	struct dhb_det_params p = {
		.repetitions = reps, .shift = s->shift, .trials = s->trials, .seed = s->seed};
	bool csv = !strcmp(s->format, "csv");
	struct dhb_db *db = NULL;
	struct dhb_det d;
	int ret;

	dhb_cmp_params_default(&p.cmp);
	if (dhb_det_init(&d, &p))
		return DHB_EXIT_FAIL;
	ret = ain_load("calibrate", input, s->db, &db, add_row, &d);
	if (ret < 0) {
		ret = dhb_det_run(&d);
		if (ret)
			fprintf(stderr, "dmaheap-bench calibrate: out of memory\n");
		ret = ret ? DHB_EXIT_FAIL : -1;
	}
	if (ret < 0 && !csv)
		printf("%s%zu repetitions a side, shift %g, %" PRIu64 " trials per family, %s "
		       "within families, alpha %g, min effect %g\n",
		       first ? "" : "\n", reps, s->shift, s->trials, dhb_adjust_name(p.cmp.adjust),
		       p.cmp.alpha, p.cmp.min_effect);
	if (ret < 0)
		dhb_det_write(&d, csv, first || !csv, stdout);
	dhb_det_free(&d);
	dhb_db_close(db);
	return ret;
}

static int calibrate(const struct calibrate_settings *s, const char *input)
{
	char *list = strdup(s->repetitions), *save = NULL, *tok, *end;
	unsigned long r;
	int ret = -1;
	bool first = true;

	if (!list)
		return DHB_EXIT_FAIL;
	for (tok = strtok_r(list, ",", &save); tok && ret < 0; tok = strtok_r(NULL, ",", &save)) {
		errno = 0;
		r = strtoul(tok, &end, 10);
		if (errno || *end || r < 3 || r > DHB_DET_MAX_REPS) {
			fprintf(stderr,
				"dmaheap-bench calibrate: --repetitions: '%s' is not a count "
				"from 3 to %d\n",
				tok, DHB_DET_MAX_REPS);
			ret = DHB_EXIT_USAGE;
			break;
		}
		ret = one(s, input, r, first);
		first = false;
	}
	free(list);
	if (ret < 0 && dhb_outfile_flush(stdout)) {
		fprintf(stderr, "dmaheap-bench calibrate: writing standard output: %s\n",
			strerror(errno ? errno : EIO));
		ret = DHB_EXIT_FAIL;
	}
	return ret < 0 ? DHB_EXIT_OK : ret;
}

static int calibrate_main(int argc, char **argv)
{
	struct calibrate_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_calibrate, argc, argv, &s, &line);
	if (ret < 0)
		ret = calibrate(&s, line.operands[0]);
	dhb_opts_line_free(&line);
	return ret;
}
