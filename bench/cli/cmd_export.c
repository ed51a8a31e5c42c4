// SPDX-License-Identifier: MIT
// The export command: results files for KernelCI's KCIDB (schema v5) and for LAVA's test cases.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/results.h"
#include "export.h"

#define OFF(field) offsetof(struct export_settings, field)

static const struct dhb_opt export_opts[] = {
	{.name = "kcidb",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(kcidb),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write the rows as KCIDB I/O data, schema v5 (- for standard output)"},
	{.name = "lava",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(lava),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write one line per row and per skip for lava-test-case: NAME RESULT [VALUE "
		 "UNIT]"},
	{.name = "origin",
	 .metavar = "NAME",
	 .type = DHB_OPT_STRING,
	 .off = OFF(origin),
	 .def = EXPORT_ROOT,
	 .help = "the KCIDB origin (the submitting CI system), a-z, 0-9 and _"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int export_check(const void *settings, const struct dhb_opts_line *line, char *err,
			size_t errlen)
{
	const struct export_settings *s = settings;

	if (!s->kcidb && !s->lava)
		return snprintf(err, errlen, "give --kcidb FILE or --lava FILE (or both)"), -EINVAL;
	if (strspn(s->origin, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(s->origin))
		return snprintf(err, errlen, "--origin: '%s' is not a KCIDB origin (a-z, 0-9, _)",
				s->origin),
		       -EINVAL;
	return 0;
}

static int export_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_export = {
	.name = "export",
	.summary = "results for a CI system: KCIDB (KernelCI) or LAVA test cases",
	.usage = "export (--kcidb FILE | --lava FILE) [OPTIONS] [RESULTS...]",
	.about = "Reads results files (run's CSV or JSON; - or none: standard input) and writes\n"
		 "them for KernelCI's KCIDB (I/O schema v5: a checkout and a build per kernel\n"
		 "release, a test per row, path dmaheap_bench.TEST.HEAP.SIZE.METRIC[.PARAMS]) or\n"
		 "for LAVA's lava-test-case (results/EXPORT.md).",
	.opts = export_opts,
	.n_opts = sizeof(export_opts) / sizeof(export_opts[0]),
	.operands = "RESULTS...",
	.check = export_check,
	.main = export_main,
};

/* Standard input, whole (at most a JSON document's bound), into the set. */
static int read_stdin(struct dhb_results *res)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;
	ssize_t n;
	int ret;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (size_t)DHB_RESULTS_MAX_JSON + 1)
				cap = (size_t)DHB_RESULTS_MAX_JSON + 1;
			if (len == cap) {
				free(buf);
				snprintf(res->error, sizeof(res->error),
					 "standard input: larger than %u bytes",
					 DHB_RESULTS_MAX_JSON);
				return -E2BIG;
			}
			p = realloc(buf, cap);
			if (!p)
				return free(buf), -ENOMEM;
			buf = p;
		}
		n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(res->error, sizeof(res->error), "standard input: %s",
				 strerror(errno));
			free(buf);
			return ret;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	ret = dhb_results_read_mem(res, "standard input", buf, len, DHB_RESULTS_AUTO);
	free(buf);
	return ret;
}

/* One output, written whole; 0 or an exit status after one line. */
static int write_out(const char *opt, const char *path, bool std, const struct export_settings *s,
		     const struct dhb_results *res,
		     int (*fn)(FILE *, const struct export_settings *, const struct dhb_results *))
{
	struct dhb_outfile of;
	int ret;

	errno = 0; /* see dhb_outfile_flush() */
	ret = dhb_outfile_open(&of, path, std);
	if (!ret) {
		ret = fn(of.fp, s, res);
		if (ret)
			dhb_outfile_abort(&of);
		else
			ret = dhb_outfile_commit(&of);
	}
	if (!ret)
		return 0;
	fprintf(stderr, "dmaheap-bench export: %s %s: %s\n", opt, std ? "(standard output)" : path,
		strerror(-ret));
	return DHB_EXIT_FAIL;
}

static int export(const struct export_settings *s, const struct dhb_opts_line *line)
{
	size_t n_in = line->n_operands ? line->n_operands : 1, i;
	struct dhb_outfile_arg *a = calloc(n_in + 2, sizeof(*a));
	struct dhb_results res;
	char err[512];
	int ret = 0;

	dhb_results_init(&res, 0);
	if (!a)
		return DHB_EXIT_FAIL;
	a[0] = (struct dhb_outfile_arg){"--kcidb", s->kcidb, DHB_OUTFILE_DASH, false};
	a[1] = (struct dhb_outfile_arg){"--lava", s->lava, DHB_OUTFILE_DASH, false};
	for (i = 0; i < n_in; i++)
		a[2 + i] = (struct dhb_outfile_arg){"RESULTS",
						    line->n_operands ? line->operands[i] : "-",
						    DHB_OUTFILE_INPUT | DHB_OUTFILE_DASH, false};
	if (dhb_outfile_check(a, n_in + 2, err, sizeof(err))) {
		fprintf(stderr, "dmaheap-bench export: %s\n", err);
		ret = DHB_EXIT_USAGE;
	} else if (!line->n_operands && isatty(STDIN_FILENO)) {
		fputs("dmaheap-bench export: no RESULTS files, and standard input is a terminal\n",
		      stderr);
		ret = DHB_EXIT_USAGE;
	}
	for (i = 0; i < n_in && !ret; i++) {
		int r = a[2 + i].std ? read_stdin(&res)
				     : dhb_results_read(&res, a[2 + i].path, DHB_RESULTS_AUTO);

		if (r) {
			fprintf(stderr, "dmaheap-bench export: %s\n", dhb_results_error(&res));
			ret = r == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
		}
	}
	if (!ret && s->kcidb)
		ret = write_out("--kcidb", s->kcidb, a[0].std, s, &res, export_kcidb);
	if (!ret && s->lava)
		ret = write_out("--lava", s->lava, a[1].std, s, &res, export_lava);
	dhb_results_free(&res);
	free(a);
	return ret;
}

static int export_main(int argc, char **argv)
{
	struct export_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_export, argc, argv, &s, &line);
	if (ret < 0)
		ret = export(&s, &line);
	dhb_opts_line_free(&line);
	return ret;
}
