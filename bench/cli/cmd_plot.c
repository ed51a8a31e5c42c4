// SPDX-License-Identifier: MIT
// The plot command: figures from results, samples, frag rows or compare's CSV, drawn by gnuplot.
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
#include "dhb/list.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/plot.h"
#include "dhb/size.h"

struct plot_settings {
	const char *plots;
	const char *metric;
	const char *sizes;
	const char *samples;
	const char *frag;
	const char *compare;
	const char *db;
	const char *output;
	const char *format;
	const char *scripts;
	bool keep_data;
	bool help;
};

/* The kinds' names, and "all". */
static void kind_names(dhb_opt_emit emit, void *arg)
{
	unsigned int k;

	for (k = 0; k < DHB_PLOT_NR_KINDS; k++)
		emit(arg, dhb_plot_kind_info((enum dhb_plot_kind)k)->name);
	emit(arg, "all");
}

static void format_names(dhb_opt_emit emit, void *arg)
{
	emit(arg, "svg");
	emit(arg, "png");
}

#define OFF(field) offsetof(struct plot_settings, field)

static const struct dhb_opt plot_opts[] = {
	{.name = "plots",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(plots),
	 .def_text = "every kind the inputs make",
	 .complete = DHB_COMPLETE_LIST,
	 .values = kind_names,
	 .help = "the kinds of figure (comma list; see below)"},
	{.name = "metric",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(metric),
	 .def_text = "every metric but counter rows",
	 .help = "only these metrics (comma list of globs; METRIC.EVENT for counter rows)"},
	{.name = "sizes",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(sizes),
	 .def_text = "every size",
	 .help = "only these buffer sizes (4K,1M or 4K..32M)"},
	{.name = "samples",
	 .metavar = "FILES",
	 .type = DHB_OPT_STRING,
	 .off = OFF(samples),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "run or pipeline --samples files (comma list): the ecdf and frames plots"},
	{.name = "frag",
	 .metavar = "FILES",
	 .type = DHB_OPT_STRING,
	 .off = OFF(frag),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "frag --csv files (comma list): the frag plots, one per file"},
	{.name = "compare",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(compare),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "the output of compare --format csv: the ratio plots"},
	AIN_OPT_DB(struct plot_settings, db, "the store that selectors read"),
	{.name = "output",
	 .metavar = "DIR",
	 .type = DHB_OPT_STRING,
	 .off = OFF(output),
	 .def = ".",
	 .complete = DHB_COMPLETE_FILE,
	 .help = "an existing directory for the images (NAME.svg, NAME.png)"},
	{.name = "format",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(format),
	 .def = "svg",
	 .complete = DHB_COMPLETE_LIST,
	 .values = format_names,
	 .help = "svg, png or svg,png"},
	{.name = "keep-data",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(keep_data),
	 .help = "also write each figure's data file (NAME.dat) for its script"},
	AIN_OPT_SCRIPTS(struct plot_settings, scripts),
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int plot_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_plot = {
	.name = "plot",
	.summary = "draw figures of results with gnuplot (SVG, PNG)",
	.usage = "plot [OPTIONS] [INPUT...]",
	.about =
		"INPUT: results files (CSV or JSON, FILE[,FILE...], a directory for its *.csv) or\n"
		"selectors into the store (kernel=6.12.117,board=...). The figures' data go to\n"
		"gnuplot's scripts (plots/); each image's path is printed. Kinds:\n"
		"  latency    latency vs size per heap: p50, whiskers p90 to p99 (rows in ns)\n"
		"  bandwidth  bandwidth vs size per heap, the malloc baseline as the limit\n"
		"  sync       sync cost vs size per direction: start, end, the ioctl floor\n"
		"  ecdf       distribution of a metric across heaps per size (--samples)\n"
		"  frag       external fragmentation over a trace per policy (--frag)\n"
		"  pipeline   frame times per heap (rows of the test pipeline)\n"
		"  frames     pipeline frame_time, end_to_end_latency frame by frame (--samples)\n"
		"  ratio      new/base ratio per metric, its 95% interval, a line at 1 (--compare)",
	.footer =
		"Exit status: 0 ok, 1 gnuplot or a write failed, 2 bad input (no rows for a plot,\n"
		"an unknown metric, a bad file or path), 3 gnuplot is not installed.\n"
		"plots/README.md documents the data files and the scripts.",
	.opts = plot_opts,
	.n_opts = sizeof(plot_opts) / sizeof(plot_opts[0]),
	.operands = "INPUT...",
	.min_operands = 0,
	.max_operands = 0,
	.main = plot_main,
};

/* What the command line asks for, parsed. */
struct plot_job {
	const struct plot_settings *s;
	const char *const *inputs;
	size_t n_inputs;
	unsigned int kinds, required;
	bool svg, png;
	struct dhb_size_list sizes;
	const char *scripts;
	struct dhb_plot *p;
	struct dhb_db *db;
};

static int usage_error(const char *msg, const char *what)
{
	fprintf(stderr, "dmaheap-bench plot: %s%s\n", msg, what);
	return DHB_EXIT_USAGE;
}

/* --plots and --format; -1 to go on, else the exit status. */
static int parse_lists(struct plot_job *j)
{
	static const char *const needs[] = {
		[DHB_PLOT_IN_ROWS] = "results files or selectors (INPUT)",
		[DHB_PLOT_IN_SAMPLES] = "--samples FILES",
		[DHB_PLOT_IN_FRAG] = "--frag FILES",
		[DHB_PLOT_IN_COMPARE] = "--compare FILE",
	};
	const bool have[] = {j->n_inputs > 0, j->s->samples, j->s->frag, j->s->compare};
	const char *l = j->s->format;
	char item[64], why[160];
	enum dhb_plot_kind k;
	bool too_long;

	while (dhb_list_next(&l, item, sizeof(item), &too_long)) {
		if (!strcmp(item, "svg") || !strcmp(item, "png"))
			*(item[0] == 's' ? &j->svg : &j->png) = true;
		else
			return usage_error("--format: svg, png or svg,png, not ", item);
	}
	for (k = 0; k < DHB_PLOT_NR_KINDS; k++) {
		if (have[dhb_plot_kind_info(k)->input])
			j->kinds |= 1u << k;
	}
	if (!j->kinds)
		return usage_error("nothing to plot: give results (INPUT), --samples, --frag or "
				   "--compare",
				   "");
	if (dhb_list_is_all(j->s->plots))
		return -1;
	j->kinds = 0;
	l = j->s->plots;
	while (dhb_list_next(&l, item, sizeof(item), &too_long)) {
		if (dhb_plot_kind_parse(item, &k))
			return usage_error("--plots: unknown kind ", item);
		if (!have[dhb_plot_kind_info(k)->input]) {
			snprintf(why, sizeof(why), "--plots %s needs %s", item,
				 needs[dhb_plot_kind_info(k)->input]);
			return usage_error(why, "");
		}
		j->kinds |= 1u << k;
	}
	j->required = j->kinds;
	return -1;
}

/* The input files of the command line, for dhb_outfile_check(). */
struct paths {
	struct dhb_outfile_arg *v;
	size_t n, cap;
	char **owned;
	size_t n_owned;
};

static int path_add(struct paths *ps, const char *opt, const char *path, unsigned int flags)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 32;
		struct dhb_outfile_arg *v = realloc(ps->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = (struct dhb_outfile_arg){opt, path, flags, false};
	return 0;
}

/* Keep @s (a path made here) until the paths are released. */
static const char *path_own(struct paths *ps, char *s)
{
	char **v = s ? realloc(ps->owned, (ps->n_owned + 1) * sizeof(*v)) : NULL;

	if (!v) {
		free(s);
		return NULL;
	}
	ps->owned = v;
	v[ps->n_owned++] = s;
	return s;
}

static void paths_free(struct paths *ps)
{
	size_t i;

	for (i = 0; i < ps->n_owned; i++)
		free(ps->owned[i]);
	free(ps->owned);
	free(ps->v);
}

/* Each item of a comma list of files as an input; an operand only when its first item exists. */
static int list_inputs(struct paths *ps, const char *opt, const char *list, bool operand)
{
	const char *l = list;
	char item[PATH_MAX], *copy;
	struct stat sb;
	bool too_long;

	if (!list)
		return 0;
	if (operand) {
		if (!dhb_list_next(&l, item, sizeof(item), &too_long) || stat(item, &sb))
			return 0; /* a selector */
		l = list;
	}
	while (dhb_list_next(&l, item, sizeof(item), &too_long)) {
		if (!stat(item, &sb) && S_ISDIR(sb.st_mode))
			continue; /* a directory of results: its files are read, not written */
		copy = strdup(item);
		if (!path_own(ps, copy) || path_add(ps, opt, copy, DHB_OUTFILE_INPUT))
			return -ENOMEM;
	}
	return 0;
}

static int add_row(void *arg, const struct ain_row *a)
{
	return dhb_plot_add_row(arg, a->run, a->row, a->run_key);
}

static int add_sample(void *arg, const struct dhb_results_sample *s, const char *run_key)
{
	(void)run_key;
	return dhb_plot_add_sample(arg, s);
}

/* Every input into the session; -1 when done, else the exit status. */
static int read_inputs(struct plot_job *j)
{
	const char *l = j->s->frag;
	char item[PATH_MAX], err[640];
	bool too_long;
	size_t i;
	int ret = -1;

	for (i = 0; i < j->n_inputs && ret < 0; i++)
		ret = ain_load("plot", j->inputs[i], j->s->db, &j->db, add_row, j->p);
	if (ret < 0 && j->s->samples)
		ret = ain_load_samples("plot", j->s->samples, add_sample, j->p);
	while (ret < 0 && l && dhb_list_next(&l, item, sizeof(item), &too_long)) {
		if (dhb_plot_read_frag(j->p, item, err, sizeof(err)))
			ret = usage_error(err, "");
	}
	if (ret < 0 && j->s->compare &&
	    dhb_plot_read_compare(j->p, j->s->compare, err, sizeof(err)))
		ret = usage_error(err, "");
	return ret;
}

/* DIR/NAME.EXT, owned by @ps; NULL when out of memory. */
static const char *out_path(struct paths *ps, const char *dir, const char *name, const char *ext)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%s.%s", dir, name, ext) < 0)
		return NULL;
	return path_own(ps, s);
}

/* The data of figure @f, into @dat (kept) or a memfd; the path gnuplot reads, in @path. */
static int write_data(const struct dhb_plot_figure *f, const char *dat, int *memfd, char *path,
		      size_t len)
{
	struct dhb_outfile of;
	FILE *fp;
	int ret;

	if (dat) {
		ret = dhb_outfile_open(&of, dat, false);
		if (ret)
			return ret;
		errno = 0; /* see dhb_outfile_flush() */
		ret = dhb_plot_write_data(f, of.fp);
		if (ret) {
			dhb_outfile_abort(&of);
			return ret;
		}
		snprintf(path, len, "%s", dat);
		return dhb_outfile_commit(&of);
	}
	*memfd = memfd_create("dmaheap-bench-plot-data", 0);
	if (*memfd < 0)
		return -errno;
	fp = fdopen(dup(*memfd), "w");
	if (!fp)
		return -errno;
	ret = dhb_plot_write_data(f, fp);
	if (fclose(fp) && !ret)
		ret = -errno;
	snprintf(path, len, "/dev/fd/%d", *memfd);
	return ret;
}

/* One image of @f: gnuplot's output written whole to @out. 0, or the exit status. */
static int draw(struct plot_job *j, const struct dhb_plot_figure *f, const char *data,
		enum dhb_plot_format fmt, const char *out)
{
	struct dhb_outfile of;
	char msg[1024];
	struct stat sb;
	int ret;

	ret = dhb_outfile_open(&of, out, false);
	if (ret) {
		fprintf(stderr, "dmaheap-bench plot: writing %s: %s\n", out, strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	ret = fflush(of.fp) ? -errno : 0;
	if (!ret)
		ret = dhb_plot_render(f, j->scripts, data, fmt, fileno(of.fp), msg, sizeof(msg));
	if (!ret && (fstat(fileno(of.fp), &sb) || !sb.st_size)) {
		snprintf(msg, sizeof(msg), "gnuplot wrote nothing");
		ret = -EPROTO;
	}
	if (ret) {
		dhb_outfile_abort(&of);
		fprintf(stderr, "dmaheap-bench plot: %s (%s/%s): %s\n", out, j->scripts,
			dhb_plot_kind_info(dhb_plot_figure_kind(f))->script,
			ret == -EPROTO ? msg : strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	if (*msg) /* gnuplot's warnings: nothing it says is hidden */
		fprintf(stderr, "dmaheap-bench plot: gnuplot on %s: %s\n", out, msg);
	ret = dhb_outfile_commit(&of);
	if (ret) {
		fprintf(stderr, "dmaheap-bench plot: writing %s: %s\n", out, strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	printf("%s\n", out);
	return 0;
}

/*
 * Every figure: the output paths checked with the inputs before anything is written, then each
 * figure's data and images. The exit status.
 */
static int draw_all(struct plot_job *j, struct paths *ps, size_t n)
{
	const char **dat = calloc(n, sizeof(*dat)), **svg = calloc(n, sizeof(*svg));
	const char **png = calloc(n, sizeof(*png));
	char err[PATH_MAX + 128], data[64 + PATH_MAX];
	int ret = 0, memfd;
	size_t i;

	for (i = 0; dat && svg && png && i < n && !ret; i++) {
		const char *name = dhb_plot_figure_name(dhb_plot_figure(j->p, i));

		if (j->s->keep_data && (!(dat[i] = out_path(ps, j->s->output, name, "dat")) ||
					path_add(ps, "--output", dat[i], 0)))
			ret = -ENOMEM;
		if (j->svg && (!(svg[i] = out_path(ps, j->s->output, name, "svg")) ||
			       path_add(ps, "--output", svg[i], 0)))
			ret = -ENOMEM;
		if (j->png && (!(png[i] = out_path(ps, j->s->output, name, "png")) ||
			       path_add(ps, "--output", png[i], 0)))
			ret = -ENOMEM;
	}
	if (!dat || !svg || !png || ret) {
		fputs("dmaheap-bench plot: out of memory\n", stderr);
		ret = DHB_EXIT_FAIL;
		goto out_free;
	}
	if (dhb_outfile_check(ps->v, ps->n, err, sizeof(err))) {
		ret = usage_error(err, "");
		goto out_free;
	}
	errno = 0; /* see dhb_outfile_flush() */
	for (i = 0; i < n && !ret; i++) {
		const struct dhb_plot_figure *f = dhb_plot_figure(j->p, i);

		memfd = -1;
		ret = write_data(f, dat[i], &memfd, data, sizeof(data));
		if (ret) {
			fprintf(stderr, "dmaheap-bench plot: writing the data of %s: %s\n",
				dhb_plot_figure_name(f), strerror(-ret));
			ret = DHB_EXIT_FAIL;
		}
		if (!ret && svg[i])
			ret = draw(j, f, data, DHB_PLOT_SVG, svg[i]);
		if (!ret && png[i])
			ret = draw(j, f, data, DHB_PLOT_PNG, png[i]);
		if (memfd >= 0)
			close(memfd);
	}
	if (!ret && dhb_outfile_flush(stdout)) {
		fprintf(stderr, "dmaheap-bench plot: writing standard output: %s\n",
			strerror(errno ? errno : EIO));
		ret = DHB_EXIT_FAIL;
	}
out_free:
	free(dat);
	free(svg);
	free(png);
	return ret;
}

/* gnuplot, the scripts and the output directory; -1 to go on, else the exit status. */
static int check_tools(struct plot_job *j)
{
	char err[PATH_MAX + 64];
	struct stat sb;

	if (!dhb_plot_gnuplot()) {
		fputs("dmaheap-bench plot: gnuplot not found on PATH: install the Debian package "
		      "gnuplot-nox (scripts/setup plot)\n",
		      stderr);
		return DHB_EXIT_NOTHING;
	}
	j->scripts = j->s->scripts ? j->s->scripts : dhb_plot_scripts_dir();
	if (!j->scripts) {
		fputs("dmaheap-bench plot: the gnuplot scripts (plots/) are neither in the source "
		      "tree nor installed; see --scripts\n",
		      stderr);
		return DHB_EXIT_FAIL;
	}
	if (dhb_plot_check_scripts(j->scripts, err, sizeof(err)))
		return j->s->scripts ? usage_error("--scripts: ", err) : usage_error(err, "");
	if (stat(j->s->output, &sb) || !S_ISDIR(sb.st_mode))
		return usage_error("--output: not a directory: ", j->s->output);
	if (access(j->s->output, W_OK | X_OK))
		return usage_error("--output: not writable: ", j->s->output);
	return -1;
}

static int plot(const struct plot_settings *s, const struct dhb_opts_line *line)
{
	struct plot_job j = {.s = s, .inputs = line->operands, .n_inputs = line->n_operands};
	struct dhb_plot_filter filter = {.metrics = s->metric};
	struct paths ps = {0};
	char err[768];
	long n;
	int ret;

	ret = parse_lists(&j);
	if (ret < 0 && s->sizes && dhb_sizes_parse_list(s->sizes, &j.sizes, err, sizeof(err)))
		ret = usage_error("--sizes: ", err);
	if (ret < 0)
		ret = check_tools(&j);
	if (ret >= 0)
		goto out;
	filter.sizes = j.sizes.v;
	filter.n_sizes = j.sizes.n;
	j.p = dhb_plot_new(&filter);
	if (!j.p || list_inputs(&ps, "--samples", s->samples, false) ||
	    list_inputs(&ps, "--frag", s->frag, false) ||
	    list_inputs(&ps, "--compare", s->compare, false)) {
		fputs("dmaheap-bench plot: out of memory\n", stderr);
		ret = DHB_EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; i < j.n_inputs; i++) {
		if (list_inputs(&ps, "INPUT", j.inputs[i], true)) {
			fputs("dmaheap-bench plot: out of memory\n", stderr);
			ret = DHB_EXIT_FAIL;
			goto out;
		}
	}
	if (dhb_outfile_check(ps.v, ps.n, err, sizeof(err))) {
		ret = usage_error(err, "");
		goto out;
	}
	ret = read_inputs(&j);
	if (ret >= 0)
		goto out;
	n = dhb_plot_select(j.p, j.kinds, j.required, err, sizeof(err));
	if (n < 0) {
		ret = n == -ENOMEM ? DHB_EXIT_FAIL : usage_error(err, "");
		goto out;
	}
	ret = draw_all(&j, &ps, (size_t)n);
out:
	paths_free(&ps);
	dhb_plot_free(j.p);
	dhb_db_close(j.db);
	dhb_sizes_free(&j.sizes);
	return ret;
}

static int plot_main(int argc, char **argv)
{
	struct plot_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_plot, argc, argv, &s, &line);
	if (ret < 0)
		ret = plot(&s, &line);
	dhb_opts_line_free(&line);
	return ret;
}
