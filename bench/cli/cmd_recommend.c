// SPDX-License-Identifier: MIT
// The recommend command: the heap each use should take, a JSON manifest and udev aliases.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis_in.h"
#include "cli.h"
#include "dhb/exit.h"
#include "dhb/list.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/recommend.h"

struct rec_settings {
	const char *use;
	const char *matrix;
	uint64_t size;
	const char *manifest;
	const char *rules;
	const char *db;
	bool help;
};

#define OFF(field) offsetof(struct rec_settings, field)

static const struct dhb_opt rec_opts[] = {
	{.name = "use",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(use),
	 .help = "the uses, comma list of [ALIAS:]TOUCH[+TOUCH...] (see below); required"},
	{.name = "matrix",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(matrix),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "the output of list --matrix --json (needed when a device touches the buffer)"},
	{.name = "size",
	 .metavar = "SIZE",
	 .type = DHB_OPT_SIZE,
	 .off = OFF(size),
	 .def = "8M",
	 .help = "the buffer size the heaps are compared at"},
	{.name = "manifest",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(manifest),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write the JSON manifest (results/MANIFEST.md) to FILE ('-': standard output)"},
	{.name = "rules",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(rules),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write udev rules giving the chosen heaps their aliases to FILE"},
	AIN_OPT_DB(struct rec_settings, db, "the store that selectors read"),
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int rec_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_recommend = {
	.name = "recommend",
	.summary = "choose a heap per use from results and the matrix; manifest, udev aliases",
	.usage = "recommend --use LIST [OPTIONS] INPUT...",
	.about =
		"INPUT: results files (CSV or JSON, FILE[,FILE...], a directory for its *.csv) or\n"
		"selectors into the store. A use is [ALIAS:]TOUCH[+TOUCH...]; TOUCH is "
		"camera[=DEV],\n"
		"decoder[=DEV], display[=DEV] (without =DEV: every such device of the matrix),\n"
		"cpu-read, cpu-write, or a device of the matrix DEV[/QUEUE]. Every heap is "
		"judged:\n"
		"a dma-buf heap, imported by every device of the use in the matrix, with a row of\n"
		"the use's metric at --size (cpu read_bw when the CPU reads, write_bw when it\n"
		"writes, else alloc alloc_latency); the best p50 is chosen. ALIAS (default the\n"
		"touches joined by '-') becomes /dev/dma_heap/ALIAS in the rules.",
	.footer = "Exit status: 0 ok, 1 a write failed, 2 bad input (an unknown use or device, no\n"
		  "rows for a use, a bad file or path), 3 a use no heap can serve (each heap's\n"
		  "reason is printed). results/MANIFEST.md documents the manifest.",
	.opts = rec_opts,
	.n_opts = sizeof(rec_opts) / sizeof(rec_opts[0]),
	.operands = "INPUT...",
	.min_operands = 1,
	.max_operands = 0,
	.main = rec_main,
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "dmaheap-bench recommend: %s\n", msg);
	return DHB_EXIT_USAGE;
}

static int add_row(void *arg, const struct ain_row *a)
{
	return dhb_rec_add_row(arg, a->run, a->row);
}

/* Inputs and outputs checked together; -1 to go on, else the exit status. */
static int check_paths(const struct rec_settings *s, const struct dhb_opts_line *line)
{
	struct dhb_outfile_arg *v = calloc(line->n_operands * 16 + 3, sizeof(*v));
	char err[PATH_MAX + 128], item[PATH_MAX], **own = NULL;
	size_t n = 0, i, nown = 0;
	struct stat sb;
	bool too_long;
	int ret = -1;

	if (!v)
		return DHB_EXIT_FAIL;
	v[n++] = (struct dhb_outfile_arg){"--matrix", s->matrix, DHB_OUTFILE_INPUT, false};
	v[n++] = (struct dhb_outfile_arg){"--manifest", s->manifest, DHB_OUTFILE_DASH, false};
	v[n++] = (struct dhb_outfile_arg){"--rules", s->rules, DHB_OUTFILE_DASH, false};
	own = calloc(line->n_operands * 16 + 1, sizeof(*own));
	for (i = 0; own && i < line->n_operands; i++) {
		const char *l = line->operands[i];

		if (!dhb_list_next(&l, item, sizeof(item), &too_long) || stat(item, &sb))
			continue; /* a selector */
		l = line->operands[i];
		while (dhb_list_next(&l, item, sizeof(item), &too_long) && nown < (i + 1) * 16) {
			if (!stat(item, &sb) && S_ISDIR(sb.st_mode))
				continue;
			own[nown] = strdup(item);
			if (own[nown])
				v[n++] = (struct dhb_outfile_arg){"INPUT", own[nown++],
								  DHB_OUTFILE_INPUT, false};
		}
	}
	if (dhb_outfile_check(v, n, err, sizeof(err)))
		ret = usage_error(err);
	for (i = 0; own && i < nown; i++)
		free(own[i]);
	free(own);
	free(v);
	return ret;
}

/* One output written whole; 0 or the exit status. */
static int write_out(const struct dhb_rec *r, const char *opt, const char *path,
		     void (*fn)(const struct dhb_rec *r, FILE *fp))
{
	struct dhb_outfile of;
	int ret;

	if (!path)
		return 0;
	ret = dhb_outfile_open(&of, path, false);
	if (!ret) {
		errno = 0; /* see dhb_outfile_flush() */
		fn(r, of.fp);
		ret = dhb_outfile_commit(&of);
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench recommend: %s %s: %s\n", opt, path, strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	return 0;
}

static int recommend(const struct rec_settings *s, const struct dhb_opts_line *line)
{
	struct dhb_rec *r = dhb_rec_new(s->size);
	char err[PATH_MAX + 256], item[512];
	struct dhb_db *db = NULL;
	const char *l = s->use;
	bool too_long;
	size_t i;
	int ret;

	if (!r)
		return DHB_EXIT_FAIL;
	if (!s->use) {
		ret = usage_error("--use is required (camera, decoder, display, cpu-read, "
				  "cpu-write, or a pipeline DEV+DEV+cpu-read)");
		goto out;
	}
	ret = check_paths(s, line);
	if (ret >= 0)
		goto out;
	if (s->matrix && (ret = dhb_rec_read_matrix(r, s->matrix, err, sizeof(err)))) {
		ret = ret == -ENOMEM ? DHB_EXIT_FAIL : usage_error(err);
		goto out;
	}
	ret = -1;
	while (ret < 0 && dhb_list_next(&l, item, sizeof(item), &too_long)) {
		if (too_long) {
			ret = usage_error("--use: a use too long");
		} else if ((ret = dhb_rec_add_use(r, item, err, sizeof(err)))) {
			ret = ret == -ENOMEM ? DHB_EXIT_FAIL : usage_error(err);
		} else {
			ret = -1;
		}
	}
	if (ret < 0 && !dhb_rec_n_uses(r))
		ret = usage_error("--use: no use given");
	for (i = 0; ret < 0 && i < line->n_operands; i++)
		ret = ain_load("recommend", line->operands[i], s->db, &db, add_row, r);
	if (ret >= 0)
		goto out;
	ret = dhb_rec_run(r, err, sizeof(err));
	if (ret == -ENODATA || ret == -EINVAL || ret == -ENOMEM) {
		ret = ret == -ENOMEM ? DHB_EXIT_FAIL : usage_error(err);
		goto out;
	}
	errno = 0;
	dhb_rec_write_text(r, stdout);
	if (ret == -ESRCH) {
		fputs("dmaheap-bench recommend: a use no heap can serve (see above); nothing "
		      "written\n",
		      stderr);
		ret = DHB_EXIT_NOTHING;
		goto out;
	}
	ret = write_out(r, "--manifest", s->manifest, dhb_rec_write_manifest);
	if (!ret)
		ret = write_out(r, "--rules", s->rules, dhb_rec_write_rules);
	if (!ret && dhb_outfile_flush(stdout)) {
		fputs("dmaheap-bench recommend: writing standard output failed\n", stderr);
		ret = DHB_EXIT_FAIL;
	}
out:
	dhb_rec_free(r);
	dhb_db_close(db);
	return ret;
}

static int rec_main(int argc, char **argv)
{
	struct rec_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_recommend, argc, argv, &s, &line);
	if (ret < 0)
		ret = recommend(&s, &line);
	dhb_opts_line_free(&line);
	return ret;
}
