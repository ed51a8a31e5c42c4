// SPDX-License-Identifier: MIT
// The store command: `store add FILES...` loads results files into the SQLite store, idempotently.
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dhb/db.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/results.h"

struct store_settings {
	const char *db;
	bool help;
};

#define OFF(field) offsetof(struct store_settings, field)

static const struct dhb_opt store_opts[] = {
	{.name = "db",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(db),
	 .def = DHB_DB_DEFAULT,
	 .complete = DHB_COMPLETE_FILE,
	 .help = "the SQLite store (created when missing)"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int store_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_store = {
	.name = "store",
	.summary = "add results files (CSV, JSON) to the SQLite store",
	.usage = "store add [--db FILE] FILE...",
	.about = "Adds the rows of results files (CSV or JSON of `run`, any number of runs,\n"
		 "boards and kernels) to one SQLite database (results/STORE.md), in one\n"
		 "transaction: a run or row already there is not added again, and on any\n"
		 "error nothing is. Every file is read whole before the store is opened.\n"
		 "Exit status 0; 2 for bad input (a file refused by the reader, mixed units for\n"
		 "one metric, a store that is not one or is damaged), the store untouched;\n"
		 "1 for another failure.",
	.opts = store_opts,
	.n_opts = sizeof(store_opts) / sizeof(store_opts[0]),
	.operands = "add FILE...",
	.min_operands = 2,
	.main = store_main,
};

/* Every file into @res; the exit status on failure (one line said), else -1. */
static int read_all(struct dhb_results *res, const char *const *files, size_t n)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = dhb_results_read(res, files[i], DHB_RESULTS_AUTO);
		if (ret == -ENOMEM) {
			fputs("dmaheap-bench store: out of memory\n", stderr);
			return DHB_EXIT_FAIL;
		}
		if (ret) {
			fprintf(stderr, "dmaheap-bench store: %s\n", dhb_results_error(res));
			return DHB_EXIT_USAGE;
		}
	}
	return -1;
}

static int add(const struct store_settings *s, const char *const *files, size_t n)
{
	struct dhb_results res;
	struct dhb_db_counts c;
	struct dhb_db *db = NULL;
	char err[DHB_DB_ERROR_LEN];
	int ret, status;

	dhb_results_init(&res, 0);
	status = read_all(&res, files, n);
	if (status >= 0)
		goto out;
	ret = dhb_db_open(s->db, true, &db, err, sizeof(err));
	if (ret && ret != -ENOMEM)
		ret = -EPROTO; /* not a store, damaged, or a path that cannot be created */
	if (!ret)
		ret = dhb_db_add(db, &res, &c, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dmaheap-bench store: %s\n",
			ret == -ENOMEM ? "out of memory" : err);
		status = ret == -EIO || ret == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
		goto out;
	}
	errno = 0; /* see dhb_outfile_flush() */
	printf("%s: %zu file%s, %zu row%s: %" PRIu64 " added, %" PRIu64 " already there; %" PRIu64
	       " new run%s\n",
	       s->db, n, n == 1 ? "" : "s", res.n_rows, res.n_rows == 1 ? "" : "s", c.rows_added,
	       c.rows_present, c.runs_added, c.runs_added == 1 ? "" : "s");
	status = dhb_outfile_flush(stdout) ? DHB_EXIT_FAIL : DHB_EXIT_OK;
out:
	dhb_db_close(db);
	dhb_results_free(&res);
	return status;
}

static int store_main(int argc, char **argv)
{
	struct store_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_store, argc, argv, &s, &line);
	if (ret >= 0)
		goto out;
	if (strcmp(line.operands[0], "add")) {
		fprintf(stderr, "dmaheap-bench store: unknown action '%s' (add)\n",
			line.operands[0]);
		ret = DHB_EXIT_USAGE;
		goto out;
	}
	ret = add(&s, line.operands + 1, line.n_operands - 1);
out:
	dhb_opts_line_free(&line);
	return ret;
}
