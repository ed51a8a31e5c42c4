// SPDX-License-Identifier: MIT
// The frag subcommand: replays a trace (a file or a generated workload) on the model and on heaps.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/frag.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/plan.h"
#include "dhb/signals.h"
#include "dhb/size.h"

#define MAX_REPEAT 1000
#define MAX_COUNT  1000000000ULL

/* The paths of the command line, checked together before anything is written. */
enum { P_TRACE, P_CSV, P_EMIT, N_PATHS };

/**
 * struct frag_opts - what frag's command line sets (the rows of frag_table[] fill it).
 * @trace: --trace FILE, or NULL.
 * @workload: --workload NAME, or NULL.
 * @emit: --emit-trace FILE, or NULL.
 * @policies: --policy LIST, or NULL (every policy; none with --heap).
 * @csv: --csv FILE, or NULL.
 * @heap: --heap NAME, or NULL.
 * @seed: --seed.
 * @util: --util.
 * @ops: --ops.
 * @region: --region, bytes.
 * @granule: --granule, bytes.
 * @interval: --interval, or 0 (about 200 rows).
 * @repeat: --repeat.
 * @max_mem: --max-mem, or 0 (a share of MemAvailable).
 * @help: --help.
 */
struct frag_opts {
	const char *trace;
	const char *workload;
	const char *emit;
	const char *policies;
	const char *csv;
	const char *heap;
	uint64_t seed;
	double util;
	uint64_t ops;
	uint64_t region;
	uint64_t granule;
	uint64_t interval;
	uint64_t repeat;
	uint64_t max_mem;
	bool help;
};

/* The generators' names (dhb/frag.h). */
static void workload_names(dhb_opt_emit emit, void *arg)
{
	unsigned int w;

	for (w = 0; w < DHB_FRAG_NR_WORKLOADS; w++)
		emit(arg, dhb_frag_workload_name((enum dhb_frag_workload)w));
}

/* The allocator core's policies, and "all". */
static void policy_names(dhb_opt_emit emit, void *arg)
{
	unsigned int p;

	for (p = 0; p < DHR_NR_POLICIES; p++)
		emit(arg, dhr_policy_name((enum dhr_policy)p));
	emit(arg, "all");
}

/* The DMA-BUF heaps found here (the backends' probes). */
static void heap_names(dhb_opt_emit emit, void *arg)
{
	struct dhb_instance *v = NULL;
	size_t n = 0, i;

	if (dhb_instances_probe(&v, &n))
		return;
	for (i = 0; i < n; i++) {
		if (dhb_instance_has_caps(&v[i], DHB_CAP_HEAP_NODE))
			emit(arg, v[i].name);
	}
	dhb_instances_release(v, n);
}

#define OFF(field) offsetof(struct frag_opts, field)

static const struct dhb_opt frag_table[] = {
	{.name = "trace",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(trace),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "replay this trace file ('-': stdin)"},
	{.name = "workload",
	 .metavar = "NAME",
	 .type = DHB_OPT_STRING,
	 .off = OFF(workload),
	 .complete = DHB_COMPLETE_WORD,
	 .values = workload_names,
	 .help = "generate the trace instead: video, camera or random"},
	{.name = "emit-trace",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(emit),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write the generated trace to FILE ('-': stdout) and stop"},
	{.name = "seed",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(seed),
	 .def = "1",
	 .max = UINT64_MAX,
	 .help = "generator seed"},
	{.name = "util",
	 .metavar = "F",
	 .type = DHB_OPT_FRACTION,
	 .off = OFF(util),
	 .def = "0.9",
	 .help = "generator's target live fraction of the region, and the summary's threshold"},
	{.name = "ops",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(ops),
	 .def = "100000",
	 .min = 1,
	 .max = DHB_FRAG_MAX_OPS,
	 .help = "operations a generator emits, at most 4194304 (the most a trace may hold)"},
	{.name = "region",
	 .metavar = "SIZE",
	 .type = DHB_OPT_SIZE,
	 .off = OFF(region),
	 .def = "256M",
	 .help = "model region"},
	{.name = "granule",
	 .metavar = "SIZE",
	 .type = DHB_OPT_SIZE,
	 .off = OFF(granule),
	 .def = "4K",
	 .help = "model allocation unit"},
	{.name = "policy",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(policies),
	 .def_text = "all; with --heap: none",
	 .complete = DHB_COMPLETE_LIST,
	 .values = policy_names,
	 .help = "allocator policies to replay on the model (comma list)"},
	{.name = "interval",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(interval),
	 .min = 1,
	 .max = MAX_COUNT,
	 .def_text = "about 200 rows",
	 .help = "a CSV row every N operations"},
	{.name = "repeat",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(repeat),
	 .def = "5",
	 .min = 1,
	 .max = MAX_REPEAT,
	 .help = "timed model replays; the speed is their median"},
	{.name = "csv",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(csv),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write the rows over time to FILE ('-': stdout)"},
	{.name = "heap",
	 .metavar = "NAME",
	 .type = DHB_OPT_STRING,
	 .off = OFF(heap),
	 .complete = DHB_COMPLETE_WORD,
	 .values = heap_names,
	 .help = "replay on /dev/dma_heap/NAME (allocates real memory)"},
	{.name = "max-mem",
	 .metavar = "SIZE",
	 .type = DHB_OPT_SIZE,
	 .off = OFF(max_mem),
	 .def_text = "50% of MemAvailable",
	 .help = "memory budget of --heap"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

_Static_assert(DHB_FRAG_MAX_OPS == 4194304, "frag_table's --ops help names the bound");

/* What the options say together: 0, or -EINVAL with one line in @err. */
static int check_combination(const void *settings, const struct dhb_opts_line *line, char *err,
			     size_t errlen)
{
	const struct frag_opts *o = settings;

	(void)line;
	if (!o->trace == !o->workload)
		snprintf(err, errlen, "give exactly one of --trace FILE and --workload NAME");
	else if (o->emit && !o->workload)
		snprintf(err, errlen,
			 "--emit-trace writes a generated workload: it needs --workload");
	else if (o->granule & (o->granule - 1))
		snprintf(err, errlen, "--granule: %" PRIu64 " is not a power of two", o->granule);
	else if (o->granule > DHB_FRAG_MAX_SIZE)
		snprintf(err, errlen,
			 "--granule: %" PRIu64 " is larger than a trace's largest size (%llu)",
			 o->granule, DHB_FRAG_MAX_SIZE);
	else if (o->region % o->granule)
		snprintf(err, errlen,
			 "--region: %" PRIu64 " is not a multiple of the granule (%" PRIu64 ")",
			 o->region, o->granule);
	else
		return 0;
	return -EINVAL;
}

static int frag_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_frag = {
	.name = "frag",
	.summary = "replay an allocation trace: fragmentation over time",
	.usage = "frag (--trace FILE | --workload NAME) [OPTIONS]",
	.about = "Replays an allocation trace (CSV: time,op,id,size,alignment; heaps-ref/TRACE.md) "
		 "on\n"
		 "the allocator model under each policy, or on a heap (--heap), and reports\n"
		 "fragmentation over time as CSV plus a summary table.",
	.footer = "Exit status: 0 ok, 1 failure, 2 usage error or bad trace, 3 no such heap or no\n"
		  "permission, 130/143 stopped by SIGINT/SIGTERM (every buffer released).",
	.opts = frag_table,
	.n_opts = sizeof(frag_table) / sizeof(frag_table[0]),
	.check = check_combination,
	.main = frag_main,
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("dmaheap-bench frag: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return DHB_EXIT_USAGE;
}

/* Every path of the command line, before anything is written; an exit status, or -1 to go on. */
static int check_paths(const struct frag_opts *o, struct dhb_outfile_arg *paths)
{
	char err[512];

	paths[P_TRACE] = (struct dhb_outfile_arg){"--trace", o->trace,
						  DHB_OUTFILE_INPUT | DHB_OUTFILE_DASH, false};
	paths[P_CSV] = (struct dhb_outfile_arg){"--csv", o->csv, DHB_OUTFILE_DASH, false};
	paths[P_EMIT] = (struct dhb_outfile_arg){"--emit-trace", o->emit, DHB_OUTFILE_DASH, false};
	if (dhb_outfile_check(paths, N_PATHS, err, sizeof(err)))
		return usage_error("%s", err);
	return -1;
}

/* Every policy of the allocator core, in its order. */
static void all_policies(enum dhr_policy *pol, size_t *n)
{
	unsigned int p;

	for (p = 0; p < DHR_NR_POLICIES; p++)
		pol[p] = (enum dhr_policy)p;
	*n = DHR_NR_POLICIES;
}

/* The policies to replay on the model; an exit status, or -1 to go on. */
static int policies(const struct frag_opts *o, enum dhr_policy *pol, size_t *n)
{
	char buf[128], *tok, *save = NULL;
	enum dhr_policy p;
	size_t i;

	*n = 0;
	if (!o->policies) {
		if (o->heap)
			return -1; /* a heap alone unless the model is asked for too */
		all_policies(pol, n);
		return -1;
	}
	if (strlen(o->policies) >= sizeof(buf))
		return usage_error("--policy: list too long");
	strcpy(buf, o->policies);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			all_policies(pol, n);
			continue;
		}
		if (dhr_policy_parse(tok, &p))
			return usage_error("--policy: unknown policy '%s' (best-fit, first-fit, "
					   "buddy or all)",
					   tok);
		for (i = 0; i < *n && pol[i] != p; i++)
			;
		if (i == *n && *n < DHR_NR_POLICIES)
			pol[(*n)++] = p;
	}
	if (!*n)
		return usage_error("--policy: empty list");
	return -1;
}

/* The trace, read or generated; an exit status, or -1 to go on. */
static int load(const struct frag_opts *o, struct dhb_frag_trace *tr)
{
	struct dhb_frag_gen_cfg g = {.seed = o->seed,
				     .region = o->region,
				     .granule = o->granule,
				     .util = o->util,
				     .ops = o->ops};
	unsigned long line;
	char err[256];
	FILE *fp;
	int ret;

	if (o->workload) {
		if (dhb_frag_workload_parse(o->workload, &g.workload))
			return usage_error("--workload: unknown workload '%s' (video, camera or "
					   "random)",
					   o->workload);
		ret = dhb_frag_generate(&g, tr);
		if (ret == -ERANGE)
			return usage_error("--region: too small for the %s workload", o->workload);
		if (ret) {
			fprintf(stderr, "dmaheap-bench frag: generating: %s\n", strerror(-ret));
			return DHB_EXIT_FAIL;
		}
		return -1;
	}
	fp = strcmp(o->trace, "-") ? fopen(o->trace, "r") : stdin;
	if (!fp)
		return usage_error("--trace %s: %s", o->trace, strerror(errno));
	ret = dhb_frag_trace_parse(fp, tr, &line, err, sizeof(err));
	if (fp != stdin)
		fclose(fp);
	if (ret == -ENOMEM) {
		fprintf(stderr, "dmaheap-bench frag: reading %s: out of memory\n", o->trace);
		return DHB_EXIT_FAIL;
	}
	if (ret == -EIO) { /* the file, not the trace, is at fault */
		fprintf(stderr, "dmaheap-bench frag: %s:%lu: %s\n", o->trace, line, err);
		return DHB_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench: %s:%lu: %s\n", o->trace, line, err);
		return DHB_EXIT_USAGE;
	}
	return -1;
}

/* The generated trace, written whole (an existing file stays as it was on failure). */
static int emit(const struct frag_opts *o, const struct dhb_outfile_arg *arg,
		const struct dhb_frag_trace *tr)
{
	char comment[256], rs[DHB_SIZE_FMT_LEN], gs[DHB_SIZE_FMT_LEN];
	struct dhb_outfile of;
	int ret;

	dhb_size_format(o->region, rs, sizeof(rs));
	dhb_size_format(o->granule, gs, sizeof(gs));
	snprintf(comment, sizeof(comment),
		 "dmaheap-bench frag --workload %s --seed %" PRIu64 " --util %g --ops %" PRIu64
		 " --region %s --granule %s",
		 o->workload, o->seed, o->util, o->ops, rs, gs);
	ret = dhb_outfile_open(&of, o->emit, arg->std);
	if (!ret) {
		errno = 0; /* see dhb_outfile_flush() */
		ret = dhb_frag_trace_write(tr, comment, of.fp);
		if (ret)
			dhb_outfile_abort(&of);
		else
			ret = dhb_outfile_commit(&of);
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench frag: writing %s: %s\n",
			arg->std ? "standard output" : o->emit, strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	return DHB_EXIT_OK;
}

/* Can the heap be used, and does the trace fit the budget? An exit status, or -1 to go on. */
static int check_heap(const struct frag_opts *o, const struct dhb_frag_trace *tr, char *path,
		      size_t len)
{
	char peak_s[DHB_SIZE_FMT_LEN], budget_s[DHB_SIZE_FMT_LEN];
	uint64_t budget, peak;
	struct dhb_env env;
	struct stat st;

	if (!*o->heap || strchr(o->heap, '/') || strlen(o->heap) >= DHB_NAME_LEN)
		return usage_error("--heap: '%s' is not a heap name", o->heap);
	snprintf(path, len, "/dev/dma_heap/%s", o->heap);
	if (stat(path, &st) || !S_ISCHR(st.st_mode)) {
		fprintf(stderr,
			"dmaheap-bench frag: no such heap: %s (dmaheap-bench list shows the "
			"heaps)\n",
			path);
		return DHB_EXIT_NOTHING;
	}
	if (access(path, R_OK)) {
		fprintf(stderr,
			"dmaheap-bench frag: %s: %s (dmaheap-bench list shows how to grant "
			"access)\n",
			path, strerror(errno));
		return DHB_EXIT_NOTHING;
	}
	dhb_env_probe(&env);
	budget =
		o->max_mem ? o->max_mem : dhb_plan_budget_default(env.mem_available, env.mem_total);
	peak = dhb_frag_trace_peak(tr, env.page_size > 0 ? (uint64_t)env.page_size : 4096);
	if (peak > budget) {
		dhb_size_format(peak, peak_s, sizeof(peak_s));
		dhb_size_format(budget, budget_s, sizeof(budget_s));
		return usage_error("the trace holds up to %s (%" PRIu64
				   " bytes) live at once but the "
				   "memory budget is %s (%" PRIu64 " bytes); see --max-mem",
				   peak_s, peak, budget_s, budget);
	}
	return -1;
}

static int run_all(const struct frag_opts *o, const struct dhb_frag_trace *tr,
		   const enum dhr_policy *pol, size_t n_pol, const char *heap_path,
		   struct dhb_frag_result *res, size_t *n_res, int *sig)
{
	struct dhb_frag_model_cfg mc = {.region = o->region,
					.granule = o->granule,
					.interval = o->interval ? o->interval
								: dhb_frag_interval(tr->n),
					.repeat = (unsigned int)o->repeat};
	struct dhb_frag_heap_cfg hc = {.path = heap_path,
				       .name = o->heap,
				       .region = o->region,
				       .granule = o->granule,
				       .interval = mc.interval};
	char err[256];
	size_t i;
	int ret;

	for (i = 0; i < n_pol; i++) {
		mc.policy = pol[i];
		ret = dhb_frag_replay_model(tr, &mc, &res[*n_res]);
		if (ret) {
			fprintf(stderr, "dmaheap-bench frag: model, %s: %s\n",
				dhr_policy_name(pol[i]), strerror(-ret));
			return DHB_EXIT_FAIL;
		}
		(*n_res)++;
	}
	if (!o->heap)
		return DHB_EXIT_OK;
	hc.stop = dhb_signals_install();
	ret = dhb_frag_replay_heap(tr, &hc, &res[*n_res], err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dmaheap-bench frag: %s\n", err);
		return ret == -EACCES || ret == -EPERM || ret == -ENOENT ? DHB_EXIT_NOTHING
									 : DHB_EXIT_FAIL;
	}
	(*n_res)++;
	*sig = (int)*hc.stop;
	return DHB_EXIT_OK;
}

static void footnote(const struct frag_opts *o, const struct dhb_frag_trace *tr, size_t n_pol,
		     FILE *fp)
{
	fprintf(fp,
		"ext_frag = 1 - largest_free/free at the rows (every %" PRIu64 " ops); mean over "
		"the rows where\nthe trace holds >= %.2f of the region live.",
		o->interval ? o->interval : dhb_frag_interval(tr->n), o->util);
	if (n_pol)
		fprintf(fp, " Model ops/s: median of %" PRIu64 " timed replays (CLOCK_MONOTONIC).",
			o->repeat);
	if (o->heap)
		fputs(" Heap: one replay, alloc_lat the mean per allocation.", fp);
	fputc('\n', fp);
}

/*
 * The CSV file, written whole, then the summary (on stderr when the CSV goes to stdout); every
 * write checked. Signals get their default action back first: one now ends the process, and the
 * temporary CSV goes with it (dhb/outfile.h). Returns the exit status.
 */
static int report(const struct frag_opts *o, const struct dhb_outfile_arg *paths,
		  const struct dhb_run_info *run, const struct dhb_frag_trace *tr,
		  const struct dhb_frag_result *res, size_t n_res, size_t n_pol, int sig)
{
	FILE *human = paths[P_CSV].std ? stderr : stdout;
	int status = DHB_EXIT_OK, ret;
	struct dhb_outfile of;
	size_t i;

	dhb_signals_default();
	if (o->csv) {
		ret = dhb_outfile_open(&of, o->csv, paths[P_CSV].std);
		if (!ret) {
			errno = 0; /* see dhb_outfile_flush() */
			dhb_frag_csv_header(of.fp);
			for (i = 0; i < n_res; i++)
				dhb_frag_csv_rows(&res[i], run, of.fp);
			ret = dhb_outfile_commit(&of);
		}
		if (ret) {
			fprintf(stderr, "dmaheap-bench frag: writing %s: %s\n",
				paths[P_CSV].std ? "standard output" : o->csv, strerror(-ret));
			status = DHB_EXIT_FAIL;
		}
	}
	errno = 0;
	dhb_frag_summary(res, n_res, o->util, human);
	footnote(o, tr, n_pol, human);
	ret = dhb_outfile_flush(human);
	if (ret && human == stdout) {
		fprintf(stderr, "dmaheap-bench frag: writing standard output: %s\n",
			strerror(-ret));
		status = DHB_EXIT_FAIL;
	}
	if (sig) {
		fprintf(stderr,
			"dmaheap-bench frag: stopped by signal %d; every buffer is released, rows "
			"so "
			"far are kept\n",
			sig);
		status = 128 + sig;
	}
	return status;
}

static int frag_main(int argc, char **argv)
{
	struct dhb_frag_result res[DHR_NR_POLICIES + 1];
	struct dhb_outfile_arg paths[N_PATHS];
	struct dhb_frag_trace tr = {0};
	enum dhr_policy pol[DHR_NR_POLICIES];
	struct dhb_opts_line line;
	struct dhb_run_info run;
	struct dhb_env env;
	struct frag_opts o = {0};
	char heap_path[DHB_PATH_LEN], ts[32];
	size_t n_pol = 0, n_res = 0, i;
	int status, sig = 0;

	memset(res, 0, sizeof(res));
	status = dhb_opts_start(&dhb_cmd_frag, argc, argv, &o, &line);
	if (status < 0)
		status = check_paths(&o, paths);
	if (status < 0) {
		dhb_env_probe(&env); /* the run identity: when the command started, and where */
		dhb_env_identity(&run, &env, ts, sizeof(ts));
		status = policies(&o, pol, &n_pol);
	}
	if (status < 0)
		status = load(&o, &tr);
	if (status < 0 && o.emit)
		status = emit(&o, &paths[P_EMIT], &tr);
	if (status < 0 && o.heap)
		status = check_heap(&o, &tr, heap_path, sizeof(heap_path));
	if (status < 0)
		status = run_all(&o, &tr, pol, n_pol, heap_path, res, &n_res, &sig);
	if (status == DHB_EXIT_OK && n_res)
		status = report(&o, paths, &run, &tr, res, n_res, n_pol, sig);
	for (i = 0; i < n_res; i++)
		dhb_frag_result_free(&res[i]);
	dhb_frag_trace_release(&tr);
	dhb_opts_line_free(&line);
	return status;
}
