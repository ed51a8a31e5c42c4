// SPDX-License-Identifier: MIT
// The frag subcommand: replays a trace (a file or a generated workload) on the model and on heaps.
#include <errno.h>
#include <getopt.h>
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
#include "dhb/outfile.h"
#include "dhb/plan.h"
#include "dhb/signals.h"
#include "dhb/size.h"

#define MAX_REPEAT 1000
#define MAX_COUNT  1000000000ULL

/* The paths of the command line, checked together before anything is written. */
enum { P_TRACE, P_CSV, P_EMIT, N_PATHS };

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

/* In the order of long_opts[]: an option's bit in the given-once mask is its index there. */
enum {
	O_TRACE = 256,
	O_WORKLOAD,
	O_EMIT,
	O_SEED,
	O_UTIL,
	O_OPS,
	O_REGION,
	O_GRANULE,
	O_POLICY,
	O_INTERVAL,
	O_REPEAT,
	O_CSV,
	O_HEAP,
	O_MAX_MEM,
	O_HELP,
};

static const struct option long_opts[] = {
	{"trace", required_argument, NULL, O_TRACE},
	{"workload", required_argument, NULL, O_WORKLOAD},
	{"emit-trace", required_argument, NULL, O_EMIT},
	{"seed", required_argument, NULL, O_SEED},
	{"util", required_argument, NULL, O_UTIL},
	{"ops", required_argument, NULL, O_OPS},
	{"region", required_argument, NULL, O_REGION},
	{"granule", required_argument, NULL, O_GRANULE},
	{"policy", required_argument, NULL, O_POLICY},
	{"interval", required_argument, NULL, O_INTERVAL},
	{"repeat", required_argument, NULL, O_REPEAT},
	{"csv", required_argument, NULL, O_CSV},
	{"heap", required_argument, NULL, O_HEAP},
	{"max-mem", required_argument, NULL, O_MAX_MEM},
	{"help", no_argument, NULL, O_HELP},
	{NULL, 0, NULL, 0},
};

static void help(void)
{
	puts("usage: dmaheap-bench frag (--trace FILE | --workload video|camera|random) [OPTIONS]\n"
	     "\n"
	     "Replays an allocation trace (CSV: time,op,id,size,alignment; heaps-ref/TRACE.md) on\n"
	     "the allocator model under each policy, or on a heap (--heap), and reports\n"
	     "fragmentation over time as CSV plus a summary table.\n\nOptions:\n"
	     "  --trace FILE       replay this trace file\n"
	     "  --workload NAME    generate the trace instead: video, camera or random\n"
	     "  --emit-trace FILE  write the generated trace to FILE ('-': stdout) and stop\n"
	     "  --seed N           generator seed (default: 1)\n"
	     "  --util F           generator's target live fraction of the region, and the\n"
	     "                     summary's threshold (default: 0.9)\n"
	     "  --ops N            operations a generator emits, at most 4194304 (default:\n"
	     "                     100000)\n"
	     "  --region SIZE      model region (default: 256M)\n"
	     "  --granule SIZE     model allocation unit (default: 4K)\n"
	     "  --policy LIST      best-fit,first-fit,buddy (default: all; with --heap: none)\n"
	     "  --interval N       a CSV row every N operations (default: about 200 rows)\n"
	     "  --repeat N         timed model replays; the speed is their median (default: 5)\n"
	     "  --csv FILE         write the rows over time to FILE ('-': stdout)\n"
	     "  --heap NAME        replay on /dev/dma_heap/NAME (allocates real memory)\n"
	     "  --max-mem SIZE     memory budget of --heap (default: 50% of MemAvailable)\n"
	     "  --help             show this help and exit\n"
	     "\nExit status: 0 ok, 1 failure, 2 usage error or bad trace, 3 no such heap or no\n"
	     "permission, 130/143 stopped by SIGINT/SIGTERM (every buffer released).");
}

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

static bool parse_count(const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (*v < '0' || *v > '9')
		return false;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

static int parse_size_opt(const char *name, const char *v, uint64_t *out)
{
	char msg[160];

	if (dhb_size_parse(v, out, msg, sizeof(msg)))
		return usage_error("--%s: %s", name, msg);
	return 0;
}

static int check_combination(const struct frag_opts *o);

/* One option's value into @o; 0, or an exit status. */
static int set_opt(struct frag_opts *o, int c, const char *arg)
{
	char *end;
	int ret = 0;

	switch (c) {
	case O_TRACE:
		o->trace = arg;
		break;
	case O_WORKLOAD:
		o->workload = arg;
		break;
	case O_EMIT:
		o->emit = arg;
		break;
	case O_SEED:
		if (!parse_count(arg, 0, UINT64_MAX, &o->seed))
			ret = usage_error("--seed: '%s' is not a whole number", arg);
		break;
	case O_UTIL:
		errno = 0;
		o->util = strtod(arg, &end);
		if (errno || *end || end == arg || !(o->util > 0 && o->util < 1))
			ret = usage_error("--util: '%s' is not a fraction above 0 and below 1",
					  arg);
		break;
	case O_OPS:
		if (!parse_count(arg, 1, DHB_FRAG_MAX_OPS, &o->ops))
			ret = usage_error("--ops: '%s' is not a whole number from 1 to %d (the "
					  "most a trace may hold)",
					  arg, DHB_FRAG_MAX_OPS);
		break;
	case O_REGION:
		ret = parse_size_opt("region", arg, &o->region);
		break;
	case O_GRANULE:
		ret = parse_size_opt("granule", arg, &o->granule);
		break;
	case O_POLICY:
		o->policies = arg;
		break;
	case O_INTERVAL:
		if (!parse_count(arg, 1, MAX_COUNT, &o->interval))
			ret = usage_error("--interval: '%s' is not a whole number from 1 to %llu",
					  arg, MAX_COUNT);
		break;
	case O_REPEAT:
		if (!parse_count(arg, 1, MAX_REPEAT, &o->repeat))
			ret = usage_error("--repeat: '%s' is not a whole number from 1 to %d", arg,
					  MAX_REPEAT);
		break;
	case O_CSV:
		o->csv = arg;
		break;
	case O_HEAP:
		o->heap = arg;
		break;
	case O_MAX_MEM:
		ret = parse_size_opt("max-mem", arg, &o->max_mem);
		break;
	case O_HELP:
		o->help = true;
		break;
	}
	return ret;
}

/* The command line into @o; an exit status, or -1 to go on. */
static int parse(int argc, char **argv, struct frag_opts *o)
{
	unsigned int given = 0, bit;
	int c, ret = 0;

	*o = (struct frag_opts){.seed = 1,
				.util = 0.9,
				.ops = 100000,
				.region = 256ULL << 20,
				.granule = 4096,
				.repeat = 5};
	opterr = 0;
	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		c = c == 'h' ? O_HELP : c;
		bit = c >= O_TRACE && c <= O_HELP ? 1u << (c - O_TRACE) : 0;
		if (c == ':')
			ret = usage_error("%s needs a value", argv[optind - 1]);
		else if (!bit)
			ret = usage_error("unknown option '%s' (see dmaheap-bench frag --help)",
					  argv[optind - 1]);
		else if (given & bit) /* every option once, as run's */
			ret = usage_error("--%s given twice", long_opts[c - O_TRACE].name);
		else
			ret = set_opt(o, c, optarg);
		given |= bit;
	}
	if (ret)
		return ret;
	if (o->help) {
		help();
		return DHB_EXIT_OK;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' (see dmaheap-bench frag --help)",
				   argv[optind]);
	return check_combination(o);
}

/* What the options say together; an exit status, or -1 to go on. */
static int check_combination(const struct frag_opts *o)
{
	if (!o->trace == !o->workload)
		return usage_error("give exactly one of --trace FILE and --workload NAME");
	if (o->emit && !o->workload)
		return usage_error("--emit-trace writes a generated workload: it needs --workload");
	if (o->granule & (o->granule - 1))
		return usage_error("--granule: %" PRIu64 " is not a power of two", o->granule);
	if (o->granule > DHB_FRAG_MAX_SIZE)
		return usage_error("--granule: %" PRIu64 " is larger than a trace's largest size "
				   "(%llu)",
				   o->granule, DHB_FRAG_MAX_SIZE);
	if (o->region % o->granule)
		return usage_error("--region: %" PRIu64
				   " is not a multiple of the granule (%" PRIu64 ")",
				   o->region, o->granule);
	return -1;
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

int dhb_cmd_frag(int argc, char **argv)
{
	struct dhb_frag_result res[DHR_NR_POLICIES + 1];
	struct dhb_outfile_arg paths[N_PATHS];
	struct dhb_frag_trace tr = {0};
	enum dhr_policy pol[DHR_NR_POLICIES];
	struct dhb_run_info run;
	struct dhb_env env;
	struct frag_opts o;
	char heap_path[DHB_PATH_LEN], ts[32], **av;
	size_t n_pol = 0, n_res = 0, i;
	int status, sig = 0;

	memset(res, 0, sizeof(res));
	av = calloc((size_t)argc + 2, sizeof(*av));
	if (!av)
		return DHB_EXIT_FAIL;
	av[0] = "dmaheap-bench frag";
	memcpy(av + 1, argv, (size_t)argc * sizeof(*av));
	status = parse(argc + 1, av, &o);
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
	free(av);
	return status;
}
