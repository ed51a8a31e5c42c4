// SPDX-License-Identifier: MIT
// The report command: one self-contained HTML page of a run, its figures drawn by gnuplot.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis_in.h"
#include "cli.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/plot.h"
#include "dhb/report.h"
#include "dhb/results.h"
#include "dhb/store.h"
#include "dhb/summary.h"

struct report_settings {
	const char *output;
	const char *matrix;
	const char *samples;
	const char *scripts;
	bool help;
};

#define OFF(field) offsetof(struct report_settings, field)

static const struct dhb_opt report_opts[] = {
	{.name = "output",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(output),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "the HTML file to write (required)"},
	{.name = "matrix",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(matrix),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "the output of list --matrix --json, shown as the compatibility matrix"},
	{.name = "samples",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(samples),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "the run's --samples file: the frames figures of its pipelines"},
	AIN_OPT_SCRIPTS(struct report_settings, scripts),
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int report_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_report = {
	.name = "report",
	.summary = "one self-contained HTML page of a run: identity, tables, matrix, figures",
	.usage = "report --output FILE [OPTIONS] RESULTS",
	.about = "RESULTS: one run's results file (JSON gives the settings and environment too;\n"
		 "CSV the run identity). The page holds the run identity and environment, the\n"
		 "summary tables, the compatibility matrix (--matrix), the figures of plot\n"
		 "(latency, bandwidth, sync, pipeline, and frames with --samples; drawn by\n"
		 "gnuplot as SVG, embedded), the flags and what was skipped. It needs no other\n"
		 "file: it opens from file:// offline. The file's path is printed.",
	.footer = "Exit status: 0 ok, 1 gnuplot or a write failed, 2 bad input (no rows, a bad\n"
		  "file or path), 3 gnuplot is not installed. Nothing is written on failure.",
	.opts = report_opts,
	.n_opts = sizeof(report_opts) / sizeof(report_opts[0]),
	.operands = "RESULTS",
	.min_operands = 1,
	.max_operands = 1,
	.main = report_main,
};

static int usage_error(const char *msg, const char *what)
{
	fprintf(stderr, "dmaheap-bench report: %s%s\n", msg, what);
	return DHB_EXIT_USAGE;
}

/* One figure drawn as SVG into @svg (malloc'd); 0 or -errno, -EPROTO with @msg. */
static int draw(const struct dhb_plot_figure *f, const char *scripts, char **svg, size_t *len,
		char *msg, size_t msglen)
{
	int dfd = memfd_create("dmaheap-bench-report-data", 0);
	int ofd = memfd_create("dmaheap-bench-report-svg", 0);
	char data[64];
	struct stat sb;
	FILE *fp;
	int ret;

	*svg = NULL;
	if (dfd < 0 || ofd < 0) {
		ret = -errno;
		goto out;
	}
	fp = fdopen(dup(dfd), "w");
	if (!fp) {
		ret = -errno;
		goto out;
	}
	ret = dhb_plot_write_data(f, fp);
	if (fclose(fp) && !ret)
		ret = -errno;
	snprintf(data, sizeof(data), "/dev/fd/%d", dfd);
	if (!ret)
		ret = dhb_plot_render(f, scripts, data, DHB_PLOT_SVG, ofd, msg, msglen);
	if (!ret && (fstat(ofd, &sb) || !sb.st_size)) {
		snprintf(msg, msglen, "gnuplot wrote nothing");
		ret = -EPROTO;
	}
	if (!ret) {
		*len = (size_t)sb.st_size;
		*svg = malloc(*len);
		if (!*svg || pread(ofd, *svg, *len, 0) != (ssize_t)*len)
			ret = -EIO;
	}
out:
	if (dfd >= 0)
		close(dfd);
	if (ofd >= 0)
		close(ofd);
	return ret;
}

/* The run's identity: the JSON's environment, else the first row's. */
static void identity(FILE *fp, const struct dhb_results *res)
{
	const struct dhb_results_source *s = res->sources[0];
	const struct dhb_run_info *r = &res->rows[0].run;
	char cma[32], rep[32];
	struct dhb_kv kv[] = {
		{"tool_version", r->tool_version},
		{"git_rev", r->git_rev},
		{"timestamp", r->timestamp},
		{"hostname", r->hostname},
		{"board", r->board},
		{"kernel", r->kernel},
		{"cma_bytes", cma},
		{"boot_id", r->boot_id},
		{"repetition", rep},
		{"rows", NULL},
	};
	struct dhb_kv *env;
	char rows[32];
	size_t i, n = 0;

	snprintf(cma, sizeof(cma), "%lld", (long long)r->cma_bytes);
	snprintf(rep, sizeof(rep), "%llu", (unsigned long long)r->repetition);
	snprintf(rows, sizeof(rows), "%zu", res->n_rows);
	kv[9].value = rows;
	dhb_report_kv(fp, "Run", kv, sizeof(kv) / sizeof(kv[0]));
	env = calloc(s->n_environment + 1, sizeof(*env));
	for (i = 0; env && i < s->n_environment; i++) {
		if (strncmp(s->environment[i].key, "skip.", 5)) /* those go to "Skipped" */
			env[n++] = s->environment[i];
	}
	if (n)
		dhb_report_kv(fp, "Environment", env, n);
	free(env);
	if (s->n_settings)
		dhb_report_kv(fp, "Settings", s->settings, s->n_settings);
}

/* The summary tables run prints, from the rows. */
static int summary(FILE *fp, const struct dhb_results *res)
{
	struct dhb_row_store st = {0};
	char *text = NULL;
	size_t len = 0, i;
	FILE *mem;
	int ret = 0;

	for (i = 0; i < res->n_rows && !ret; i++)
		ret = dhb_store_add(&st, &res->rows[i].row);
	mem = ret ? NULL : open_memstream(&text, &len);
	if (mem) {
		dhb_summary_print(mem, &st);
		if (fclose(mem))
			ret = -ENOMEM;
	} else if (!ret) {
		ret = -ENOMEM;
	}
	if (!ret)
		dhb_report_pre(fp, "Summary: p50 per heap and size", "summary", text);
	free(text);
	dhb_store_free(&st);
	return ret;
}

/* Every row into the plot session, the pictures' params left out. */
static int add_rows(struct dhb_plot *p, const struct dhb_results *res)
{
	char params[512];
	size_t i;
	int ret = 0;

	for (i = 0; i < res->n_rows && !ret; i++) {
		struct dhb_row row = res->rows[i].row;

		/* as the summary tables: a picture's rows in the figure of its size */
		row.params = dhb_summary_no_geom(row.params, params, sizeof(params));
		ret = dhb_plot_add_row(p, &res->rows[i].run, &row, "");
	}
	return ret;
}

/* What --samples adds: the run's samples, the pictures' params left out as for its rows. */
struct samples_in {
	struct dhb_plot *p;
	const struct dhb_results *res;
	const char *run_ts; /* the last timestamp found among the rows' */
	char other[64];	    /* a sample's timestamp not among them: another run's */
};

static int add_sample(void *arg, const struct dhb_results_sample *s, const char *run_key)
{
	struct samples_in *x = arg;
	struct dhb_results_sample t = *s;
	char params[512];
	size_t i;

	(void)run_key;
	if (*x->other)
		return 0;
	for (i = 0; (!x->run_ts || strcmp(x->run_ts, s->timestamp)) && i < x->res->n_rows; i++) {
		if (!strcmp(x->res->rows[i].run.timestamp, s->timestamp) &&
		    !strcmp(x->res->rows[i].run.hostname, s->hostname))
			x->run_ts = x->res->rows[i].run.timestamp;
	}
	if (!x->run_ts || strcmp(x->run_ts, s->timestamp)) {
		snprintf(x->other, sizeof(x->other), "%s", s->timestamp);
		return 0;
	}
	t.params = dhb_summary_no_geom(s->params, params, sizeof(params));
	return dhb_plot_add_sample(x->p, &t);
}

/* --samples into the plot session; -1 to go on, else the exit status. */
static int add_samples(struct dhb_plot *p, const struct dhb_results *res, const char *path,
		       const char *results)
{
	struct samples_in x = {.p = p, .res = res};
	char msg[PATH_MAX * 2 + 160];
	int ret = ain_load_samples("report", path, add_sample, &x);

	if (ret < 0 && *x.other) {
		snprintf(msg, sizeof(msg),
			 "--samples %s: samples of another run (%s) than the rows of %s (%s)", path,
			 x.other, results, res->rows[0].run.timestamp);
		ret = usage_error(msg, "");
	}
	return ret;
}

struct report_job {
	const struct report_settings *s;
	const char *results;
	const char *scripts;
	struct dhb_results res;
	struct dhb_plot *p;
	long nfig;
	char **svg;
	size_t *len;
};

/* Every figure drawn before the page is written; 0, or the exit status. */
static int draw_all(struct report_job *j)
{
	char msg[1024];
	long i;
	int ret;

	j->svg = calloc((size_t)j->nfig + 1, sizeof(*j->svg));
	j->len = calloc((size_t)j->nfig + 1, sizeof(*j->len));
	if (!j->svg || !j->len)
		return DHB_EXIT_FAIL;
	for (i = 0; i < j->nfig; i++) {
		const struct dhb_plot_figure *f = dhb_plot_figure(j->p, (size_t)i);

		ret = draw(f, j->scripts, &j->svg[i], &j->len[i], msg, sizeof(msg));
		if (ret) {
			fprintf(stderr, "dmaheap-bench report: figure %s: %s\n",
				dhb_plot_figure_name(f), ret == -EPROTO ? msg : strerror(-ret));
			return DHB_EXIT_FAIL;
		}
	}
	return 0;
}

static int write_page(struct report_job *j)
{
	struct dhb_outfile of;
	char title[512], err[PATH_MAX + 128];
	long i;
	int ret;

	ret = dhb_outfile_open(&of, j->s->output, false);
	if (ret) {
		fprintf(stderr, "dmaheap-bench report: --output %s: %s\n", j->s->output,
			strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	errno = 0; /* see dhb_outfile_flush() */
	snprintf(title, sizeof(title), "dmaheap-bench: %s, kernel %s, %s", j->res.rows[0].run.board,
		 j->res.rows[0].run.kernel, j->res.rows[0].run.timestamp);
	dhb_report_begin(of.fp, title);
	identity(of.fp, &j->res);
	ret = summary(of.fp, &j->res);
	if (!ret && j->s->matrix)
		ret = dhb_report_matrix(of.fp, j->s->matrix, err, sizeof(err));
	dhb_report_heading(
		of.fp, "Figures", "figures",
		j->nfig ? "Drawn by gnuplot from the rows (dmaheap-bench plot): p50 with "
			  "whiskers from p90 to p99, and a pipeline's frames one by one from its "
			  "samples (--samples); one colour per heap in every figure."
			: "The rows make no figure.");
	for (i = 0; !ret && i < j->nfig; i++)
		dhb_report_figure(of.fp, dhb_plot_figure_name(dhb_plot_figure(j->p, (size_t)i)),
				  j->svg[i], j->len[i]);
	dhb_report_flags(of.fp, &j->res);
	dhb_report_skips(of.fp, &j->res);
	dhb_report_end(of.fp);
	if (ret) {
		dhb_outfile_abort(&of);
		fprintf(stderr, "dmaheap-bench report: %s\n",
			ret == -EPROTO ? err : strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	ret = dhb_outfile_commit(&of);
	if (ret) {
		fprintf(stderr, "dmaheap-bench report: --output %s: %s\n", j->s->output,
			strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	printf("%s\n", j->s->output);
	return dhb_outfile_flush(stdout) ? DHB_EXIT_FAIL : 0;
}

/* Paths, gnuplot and the scripts; -1 to go on, else the exit status. */
static int check(struct report_job *j)
{
	struct dhb_outfile_arg args[] = {
		{"RESULTS", j->results, DHB_OUTFILE_INPUT, false},
		{"--matrix", j->s->matrix, DHB_OUTFILE_INPUT, false},
		{"--samples", j->s->samples, DHB_OUTFILE_INPUT, false},
		{"--output", j->s->output, 0, false},
	};
	char err[PATH_MAX + 128];

	if (!j->s->output)
		return usage_error("--output FILE is required", "");
	if (dhb_outfile_check(args, sizeof(args) / sizeof(args[0]), err, sizeof(err)))
		return usage_error(err, "");
	if (!dhb_plot_gnuplot()) {
		fputs("dmaheap-bench report: gnuplot not found on PATH: install the Debian package "
		      "gnuplot-nox (scripts/setup plot)\n",
		      stderr);
		return DHB_EXIT_NOTHING;
	}
	j->scripts = j->s->scripts ? j->s->scripts : dhb_plot_scripts_dir();
	if (!j->scripts)
		return usage_error(
			"the gnuplot scripts (plots/) are neither in the source tree nor "
			"installed; see --scripts",
			"");
	if (dhb_plot_check_scripts(j->scripts, err, sizeof(err)))
		return usage_error("--scripts: ", err);
	if (j->s->matrix && dhb_report_check_matrix(j->s->matrix, err, sizeof(err)))
		return usage_error("--matrix ", err);
	return -1;
}

static int report(const struct report_settings *s, const char *results)
{
	struct report_job j = {.s = s, .results = results};
	unsigned int kinds = 0;
	char err[768];
	int ret, k;
	size_t i;

	dhb_results_init(&j.res, 0);
	ret = check(&j);
	if (ret >= 0)
		goto out;
	if (dhb_results_read(&j.res, results, DHB_RESULTS_AUTO)) {
		ret = usage_error(dhb_results_error(&j.res), "");
		goto out;
	}
	if (!j.res.n_rows) {
		ret = usage_error(results, ": no rows");
		goto out;
	}
	j.p = dhb_plot_new(NULL);
	if (!j.p || add_rows(j.p, &j.res)) {
		ret = DHB_EXIT_FAIL;
		goto out;
	}
	if (s->samples) {
		ret = add_samples(j.p, &j.res, s->samples, results);
		if (ret >= 0)
			goto out;
		kinds |= 1u << DHB_PLOT_FRAMES; /* the samples' figure of a page of a run */
	}
	for (k = 0; k < DHB_PLOT_NR_KINDS; k++) {
		if (dhb_plot_kind_info((enum dhb_plot_kind)k)->input == DHB_PLOT_IN_ROWS)
			kinds |= 1u << k;
	}
	j.nfig = dhb_plot_select(j.p, kinds, 0, err, sizeof(err));
	if (j.nfig == -ENOMEM) {
		ret = DHB_EXIT_FAIL;
		goto out;
	}
	if (j.nfig == -ENODATA) {
		j.nfig = 0;
	} else if (j.nfig < 0) {
		ret = usage_error(err, "");
		goto out;
	}
	ret = draw_all(&j);
	if (!ret)
		ret = write_page(&j);
out:
	for (i = 0; j.svg && i < (size_t)j.nfig; i++)
		free(j.svg[i]);
	free(j.svg);
	free(j.len);
	dhb_plot_free(j.p);
	dhb_results_free(&j.res);
	return ret;
}

static int report_main(int argc, char **argv)
{
	struct report_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_report, argc, argv, &s, &line);
	if (ret < 0)
		ret = report(&s, line.operands[0]);
	dhb_opts_line_free(&line);
	return ret;
}
