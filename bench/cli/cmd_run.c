// SPDX-License-Identifier: MIT
// The run subcommand: checks the command line and the plan, runs it, writes table, CSV and JSON.
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/backend.h"
#include "dhb/counters.h"
#include "dhb/device.h"
#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/plan.h"
#include "dhb/runner.h"
#include "dhb/section.h"
#include "dhb/signals.h"
#include "dhb/size.h"
#include "dhb/summary.h"
#include "dhb/workload.h"
#include "run.h"

#define MAX_TESTS 16
#define MAX_ENV	  64

static int usage_error(const char *msg)
{
	fprintf(stderr, "dmaheap-bench run: %s\n", msg);
	return DHB_EXIT_USAGE;
}

/* The JSON environment beyond the run identity: measurement facts, skips and errors. */
static size_t environment(struct dhb_kv *kv, char (*buf)[96], const struct dhb_env *env,
			  const struct dhb_runner *r, uint64_t budget, const struct run_settings *s,
			  uint64_t retries, int sig)
{
	size_t n = 0, i;

#define ENV(k, ...)                                            \
	do {                                                   \
		snprintf(buf[n], sizeof(buf[0]), __VA_ARGS__); \
		kv[n].key = (k);                               \
		kv[n].value = buf[n];                          \
		n++;                                           \
	} while (0)
	ENV("clock", "%s", r->clk == CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" : "CLOCK_MONOTONIC_RAW");
	ENV("timer_overhead_ns", "%.0f", r->timer_ns);
	ENV("page_size", "%ld", env->page_size);
	ENV("ncpus", "%ld", env->ncpus);
	ENV("cpu_pinned", "%d", s->cpu);
	ENV("mem_total_bytes", "%" PRId64, env->mem_total);
	ENV("mem_available_bytes", "%" PRId64, env->mem_available);
	ENV("memory_budget_bytes", "%" PRIu64, budget);
	ENV("cma_free_bytes", "%" PRId64, env->cma_free);
	ENV("cma_cmdline", "%s", env->cma_arg);
	ENV("cma_areas", "%s", "");
	for (i = 0; i < env->n_cma_areas; i++) {
		size_t used = strlen(buf[n - 1]);

		snprintf(buf[n - 1] + used, sizeof(buf[0]) - used, "%s%s=%" PRId64, used ? "," : "",
			 env->cma_areas[i].name, env->cma_areas[i].bytes);
	}
	ENV("boot_id", "%s", env->boot_id);
	ENV("ioctl_retries", "%" PRIu64, retries);
	ENV("interrupted_by_signal", "%d", sig);
#undef ENV
	return n;
}

/* The paths of the command line, checked together before anything is written. */
enum { P_CSV, P_JSON, P_SAMPLES, N_PATHS };

struct run_state {
	struct run_settings set;
	struct dhb_opts_line line;
	struct dhb_outfile_arg paths[N_PATHS];
	FILE *human; /* table and summary: stdout, or stderr when a file goes to stdout */
	struct dhb_env env;
	struct dhb_instance *inst;
	size_t n_inst;
	bool *sel;
	struct dhb_device *devs;
	size_t n_devs;
	bool *dev_sel;
	struct dhb_device_set devset;
	const struct dhb_test *tests[MAX_TESTS];
	size_t n_tests;
	struct dhb_size_list sizes;
	struct dhb_plan plan;
	uint64_t budget;
	struct dhb_runner runner;
	struct dhb_sink csv;
	bool csv_open;
	struct dhb_outfile samples_file;
	struct dhb_sink samples;
	bool samples_open;
	struct dhb_run_info run;
	char ts[32];
	struct run_reps reps;
	struct dhb_event_list events;
	struct dhb_counters counters;
	struct dhb_section_cost cost;
	char counter_names[DHB_COUNTERS_WHY_LEN * 2];
	char counter_floors[DHB_COUNTERS_WHY_LEN * 2];
};

/* The JSON document, written whole (a failure leaves an existing file as it was). */
static int write_json(struct run_state *st, const struct dhb_kv *env, size_t n_env)
{
	const struct run_settings *s = &st->set;
	const struct dhb_runner *r = &st->runner;
	struct dhb_kv *all_env;
	struct dhb_sink_config cfg = {.run = &st->run};
	bool std = st->paths[P_JSON].std;
	struct dhb_outfile of;
	struct dhb_sink sink;
	size_t i;
	int ret;

	all_env = calloc(n_env + r->n_notes, sizeof(*all_env));
	if (!all_env)
		return -ENOMEM;
	memcpy(all_env, env, n_env * sizeof(*env));
	for (i = 0; i < r->n_notes; i++) {
		all_env[n_env + i].key = r->notes[i].key;
		all_env[n_env + i].value = r->notes[i].value;
	}
	cfg.settings = dhb_opts_echo(&st->line, &cfg.n_settings);
	if (!cfg.settings) {
		free(all_env);
		return -ENOMEM;
	}
	cfg.environment = all_env;
	cfg.n_environment = n_env + r->n_notes;
	ret = dhb_outfile_open(&of, s->json, std);
	run_reps_identity(&st->reps, &st->run, 0); /* the environment's: the first pass's */
	if (!ret) {
		cfg.fp = of.fp;
		ret = dhb_sink_open(&sink, &dhb_sink_json_ops, &cfg);
		if (!ret) {
			for (i = 0; i < r->store.n; i++) {
				/* each row with its pass's timestamp and repetition */
				run_reps_identity(&st->reps, &st->run, run_reps_pass(&st->reps, i));
				dhb_sink_write(&sink,
					       &r->store.v[i].row); /* the sink keeps errors */
			}
			ret = dhb_sink_close(&sink);
		}
		if (ret)
			dhb_outfile_abort(&of);
		else
			ret = dhb_outfile_commit(&of);
	}
	free(all_env);
	if (ret)
		fprintf(stderr, "dmaheap-bench run: writing %s: %s\n",
			std ? "standard output" : s->json, strerror(-ret));
	return ret;
}

/* The table and the summary; a write error on standard output is reported here. */
static int write_human(struct run_state *st)
{
	struct dhb_sink_config tcfg = {.run = &st->run, .fp = st->human};
	const struct dhb_row_store *store = &st->runner.store;
	struct dhb_sink sink;
	size_t i;
	int ret = 0, r;

	if (!strcmp(st->set.table, "full")) {
		ret = dhb_sink_open(&sink, &dhb_sink_table_ops, &tcfg);
		if (!ret) {
			for (i = 0; i < store->n; i++)
				dhb_sink_write(&sink, &store->v[i].row); /* the sink keeps errors */
			ret = dhb_sink_close(&sink);
		}
	}
	errno = 0;
	if (strcmp(st->set.table, "none"))
		dhb_summary_print(st->human, store);
	r = dhb_outfile_flush(st->human);
	if (!ret)
		ret = r;
	if (ret && st->human == stdout)
		fprintf(stderr, "dmaheap-bench run: writing standard output: %s\n", strerror(-ret));
	return ret;
}

static int write_outputs(struct run_state *st, const struct dhb_kv *env, size_t n_env)
{
	int ret = 0, r;

	if (st->set.json)
		ret = write_json(st, env, n_env);
	r = write_human(st);
	return ret ? ret : r;
}

/* The run CSV, appended to row by row; opened once every argument has been checked. */
static int open_csv(struct run_state *st)
{
	struct dhb_sink_config cfg = {
		.path = st->paths[P_CSV].std ? "-" : st->set.csv, .append = true, .run = &st->run};
	int ret = dhb_sink_open(&st->csv, &dhb_sink_csv_ops, &cfg);

	if (ret) {
		fprintf(stderr, "dmaheap-bench run: --csv %s: %s\n", st->set.csv,
			ret == -EPROTO ? "its header is another schema's; use a new file"
				       : strerror(-ret));
		return ret;
	}
	st->csv_open = true;
	st->runner.csv = &st->csv;
	return 0;
}

/* Close the run CSV; its first write error, if any, is reported here. */
static int close_csv(struct run_state *st)
{
	int ret;

	if (!st->csv_open)
		return 0;
	ret = dhb_sink_close(&st->csv);
	st->csv_open = false;
	if (ret)
		fprintf(stderr, "dmaheap-bench run: writing %s: %s\n",
			st->paths[P_CSV].std ? "standard output" : st->set.csv, strerror(-ret));
	return ret;
}

/*
 * The samples file, written as the rows are made and whole (dhb/outfile.h): opened once every
 * argument has been checked, committed at the end (also after a signal: the rows so far).
 */
static int open_samples(struct run_state *st)
{
	struct dhb_sink_config cfg = {.run = &st->run};
	bool std = st->paths[P_SAMPLES].std;
	int ret;

	ret = dhb_outfile_open(&st->samples_file, st->set.samples, std);
	if (!ret) {
		cfg.fp = st->samples_file.fp;
		ret = dhb_sink_open(&st->samples, &dhb_sink_samples_ops, &cfg);
		if (ret)
			dhb_outfile_abort(&st->samples_file);
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench run: writing %s: %s\n",
			std ? "standard output" : st->set.samples, strerror(-ret));
		return ret;
	}
	st->samples_open = true;
	st->runner.samples = &st->samples;
	return 0;
}

/* Close the samples sink and put its file into place; an error is reported here. */
static int close_samples(struct run_state *st)
{
	int ret;

	if (!st->samples_open)
		return 0;
	st->samples_open = false;
	ret = dhb_sink_close(&st->samples);
	if (ret)
		dhb_outfile_abort(&st->samples_file);
	else
		ret = dhb_outfile_commit(&st->samples_file);
	if (ret)
		fprintf(stderr, "dmaheap-bench run: writing %s: %s\n",
			st->paths[P_SAMPLES].std ? "standard output" : st->set.samples,
			strerror(-ret));
	return ret;
}

/*
 * The output files, all checked before any is written (dhb/outfile.h); the table goes to stderr
 * when one of them is standard output. 0, or -errno with one line in @err.
 */
static int check_paths(struct run_state *st, char *err, size_t errlen)
{
	const struct run_settings *s = &st->set;
	size_t i;
	int ret;

	st->paths[P_CSV] = (struct dhb_outfile_arg){"--csv", s->csv, DHB_OUTFILE_DASH, false};
	st->paths[P_JSON] = (struct dhb_outfile_arg){"--json", s->json, DHB_OUTFILE_DASH, false};
	st->paths[P_SAMPLES] =
		(struct dhb_outfile_arg){"--samples", s->samples, DHB_OUTFILE_DASH, false};
	ret = dhb_outfile_check(st->paths, N_PATHS, err, errlen);
	st->human = stdout;
	for (i = 0; i < N_PATHS; i++) {
		if (st->paths[i].std)
			st->human = stderr;
	}
	return ret;
}

/*
 * The perf counters every timed section reads (dhb/counters.h), with what a section costs: an
 * unknown or malformed --events is a usage error, a tracepoint this process may not count is
 * "nothing to test" (both one line); what cannot be counted otherwise is said once and the run
 * goes on. Returns an exit status or -1.
 */
static int open_counters(struct run_state *st)
{
	struct dhb_runner *r = &st->runner;
	char err[512];
	int ret;

	ret = dhb_events_parse(st->set.events, &st->events, err, sizeof(err));
	if (ret)
		return usage_error(err);
	ret = dhb_events_resolve(&st->events, NULL, err, sizeof(err));
	if (!ret)
		ret = dhb_counters_open(&st->counters, &st->events, err, sizeof(err));
	if (ret == -ENOENT || ret == -EOPNOTSUPP || ret == -EINVAL)
		return usage_error(err);
	if (ret) {
		fprintf(stderr, "dmaheap-bench run: %s\n", err);
		return ret == -EACCES || ret == -EPERM || ret == -ENODEV ? DHB_EXIT_NOTHING
									 : DHB_EXIT_FAIL;
	}
	ret = dhb_section_calibrate(&st->counters, dhb_stats_clock(), 0, &st->cost);
	if (ret) {
		dhb_counters_close(&st->counters);
		snprintf(st->counters.unavailable, sizeof(st->counters.unavailable),
			 "reading them: %s", strerror(-ret));
		st->cost.counted_ns = st->cost.counting_ns = -1;
	}
	if (*st->counters.unavailable && !st->events.none)
		fprintf(stderr, "note: perf counters unavailable: %s\n", st->counters.unavailable);
	if (*st->counters.skipped)
		fprintf(stderr, "skip: counters %s\n", st->counters.skipped);
	r->counters = &st->counters;
	r->counting_ns = st->cost.counting_ns;
	return -1;
}

/* Everything that can be refused before anything is measured: returns an exit status or -1. */
static int prepare(struct run_state *st, int argc, char **argv)
{
	struct run_settings *s = &st->set;
	const struct dhb_test *const *all_tests;
	char err[512], why[256];
	size_t i, n_all_tests;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_run, argc, argv, s, &st->line);
	if (ret >= 0)
		return ret;
	if (check_paths(st, err, sizeof(err)))
		return usage_error(err);
	all_tests = dhb_tests_all(&n_all_tests);
	if (dhb_plan_select_tests(s->tests, all_tests, n_all_tests, st->tests, MAX_TESTS,
				  &st->n_tests, err, sizeof(err)))
		return usage_error(err);
	ret = dhb_sizes_parse_list(s->sizes, &st->sizes, why, sizeof(why));
	if (ret) {
		snprintf(err, sizeof(err), "--sizes: %s", why);
		return usage_error(err);
	}
	dhb_env_probe(&st->env);
	ret = dhb_instances_probe(&st->inst, &st->n_inst);
	if (ret) {
		fprintf(stderr, "dmaheap-bench run: probing: %s\n", strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	st->sel = calloc(st->n_inst ? st->n_inst : 1, sizeof(*st->sel));
	if (!st->sel)
		return DHB_EXIT_FAIL;
	ret = dhb_plan_select_heaps(s->heaps, st->inst, st->n_inst, st->sel, err, sizeof(err));
	if (ret == -ENOENT && !dhb_run_has_dma_heap(st->inst, st->n_inst)) {
		fprintf(stderr,
			"dmaheap-bench run: nothing to test: %s; no DMA-BUF heap on this "
			"system (/dev/dma_heap is missing or empty)\n",
			err);
		return DHB_EXIT_NOTHING;
	}
	if (ret)
		return usage_error(err);
	if (dhb_run_geometry(s->geometry, dhb_opts_given(&st->line, "sizes"), &st->sizes, st->inst,
			     st->n_inst, st->sel, err, sizeof(err)))
		return usage_error(err);
	if (!dhb_run_testable(st->inst, st->n_inst, st->sel, s->heaps && strcmp(s->heaps, "all"),
			      why, sizeof(why))) {
		fprintf(stderr,
			"dmaheap-bench run: nothing to test: %s (dmaheap-bench list shows "
			"how to grant access)\n",
			why);
		return DHB_EXIT_NOTHING;
	}
	ret = dhb_run_devices(s->devices, st->tests, st->n_tests, &st->devs, &st->n_devs,
			      &st->dev_sel, err, sizeof(err));
	if (ret == DHB_EXIT_USAGE)
		return usage_error(err);
	if (ret) {
		fprintf(stderr, "dmaheap-bench run: %s\n", err);
		return ret;
	}
	st->devset = (struct dhb_device_set){.v = st->devs, .n = st->n_devs, .sel = st->dev_sel};
	if (dhb_plan_build(&st->plan, st->inst, st->n_inst, st->sel, &st->devset, st->tests,
			   st->n_tests, &st->sizes, st->env.page_size))
		return DHB_EXIT_FAIL;
	st->budget = s->max_mem ? s->max_mem
				: dhb_plan_budget_default(st->env.mem_available, st->env.mem_total);
	if (dhb_plan_check_budget(&st->plan, st->budget, err, sizeof(err)))
		return usage_error(err);
	if (s->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(s->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			snprintf(err, sizeof(err), "--cpu %d: cannot pin (%ld CPUs online): %s",
				 s->cpu, st->env.ncpus, strerror(errno));
			return usage_error(err);
		}
	}
	ret = open_counters(st);
	if (ret >= 0)
		return ret;
	dhb_env_identity(&st->run, &st->env, st->ts, sizeof(st->ts));
	if (s->csv && open_csv(st))
		return DHB_EXIT_USAGE;
	if (s->samples && open_samples(st))
		return DHB_EXIT_FAIL;
	for (i = 0; i < st->plan.n; i++) {
		const struct dhb_plan_item *it = &st->plan.items[i];

		if (it->skip &&
		    (!i || it->inst != it[-1].inst || it->test != it[-1].test ||
		     it->dev != it[-1].dev || !it[-1].skip || strcmp(it->skip, it[-1].skip)))
			fprintf(stderr, "skip: %s on %s%s%s: %s\n", it->test->name, it->inst->name,
				it->dev ? " into " : "", it->dev ? it->dev->name : "", it->skip);
	}
	return -1;
}

static void notes_for_skips(struct run_state *st)
{
	char key[224], size[DHB_SIZE_FMT_LEN];
	size_t i;

	for (i = 0; i < st->plan.n; i++) {
		const struct dhb_plan_item *it = &st->plan.items[i];

		if (!it->skip)
			continue;
		dhb_size_format(it->size, size, sizeof(size));
		snprintf(key, sizeof(key), "skip.%s.%s%s%s.%s", it->test->name, it->inst->name,
			 it->dev ? "." : "", it->dev ? it->dev->name : "", size);
		dhb_runner_note(&st->runner, key, "%s", it->skip);
	}
}

int dhb_run_main(int argc, char **argv)
{
	struct run_state *st = calloc(1, sizeof(*st));
	struct dhb_runner *r;
	struct dhb_kv env[MAX_ENV];
	char envbuf[MAX_ENV][96];
	uint64_t retries = 0;
	size_t i, n_env, total = 0, done = 0, rep;
	int status, ret, r2, sig;
	bool stop_early = false;

	if (!st)
		return DHB_EXIT_FAIL;
	r = &st->runner;
	status = prepare(st, argc, argv);
	if (status >= 0)
		goto out_free;
	r->clk = dhb_stats_clock();
	r->page_size = st->env.page_size;
	r->iterations = st->set.iterations;
	r->duration_ns = (uint64_t)(st->set.duration * 1e9);
	r->warmup = st->set.warmup;
	r->devs = st->devs ? &st->devset : NULL;
	r->verbose_progress = isatty(STDERR_FILENO);
	r->stop = dhb_signals_install();
	if (dhb_stats_timer_overhead(r->clk, 0, &r->timer_ns))
		r->timer_ns = -1;
	if (strcmp(st->set.table, "none"))
		fprintf(st->human,
			"timer overhead: %.0f ns per timing (median of 10000 back-to-back "
			"clock_gettime pairs)\n",
			r->timer_ns);
	if (strcmp(st->set.table, "none") && st->counters.n)
		fprintf(st->human,
			"counting overhead: %.0f ns per timed section (%zu perf counters read "
			"before and after it, outside its timing)\n",
			st->cost.counting_ns, st->counters.n);
	notes_for_skips(st);
	for (i = 0; i < st->plan.n; i++)
		total += !st->plan.items[i].skip;
	total *= st->set.repeat;
	for (rep = 0; rep < st->set.repeat && !*r->stop && !stop_early; rep++) {
		if (run_reps_begin(&st->reps, &st->run, rep, st->set.repeat)) {
			status = DHB_EXIT_FAIL;
			goto out_free;
		}
		for (i = 0; i < st->plan.n && !*r->stop; i++) {
			if (st->plan.items[i].skip)
				continue;
			dhb_runner_run(r, &st->plan.items[i], done++, total);
			stop_early = (r->csv && r->csv->err) || (r->samples && r->samples->err);
			if (stop_early)
				break; /* a file cannot be written: stop wasting time */
		}
		run_reps_end(&st->reps, rep, r->store.n);
	}
	sig = (int)*r->stop;
	if (sig)
		fprintf(stderr,
			"dmaheap-bench run: stopped by signal %d; every buffer is released, "
			"results so far are kept\n",
			sig);
	for (i = 0; i < st->n_inst; i++)
		retries += st->inst[i].ioctl_retries;
	for (i = 0; i < st->n_devs; i++)
		retries += st->devs[i].ioctl_retries;
	if (retries)
		fprintf(stderr, "note: %" PRIu64 " ioctl retries (EINTR/EAGAIN)\n", retries);
	if (r->warnings > 20)
		fprintf(stderr, "... and %u more warnings (see the flags column)\n",
			r->warnings - 20);
	n_env = environment(env, envbuf, &st->env, r, st->budget, &st->set, retries, sig);
	n_env += dhb_run_counter_env(env + n_env, envbuf + n_env, st->counter_names,
				     st->counter_floors, sizeof(st->counter_names), &st->counters,
				     &st->cost);
	n_env += run_reps_env(&st->reps, env + n_env);
	dhb_signals_default(); /* a second signal now ends the process; no half file stays */
	ret = write_outputs(st, env, n_env);
	r2 = close_csv(st);
	ret = ret ? ret : r2;
	r2 = close_samples(st);
	ret = ret ? ret : r2;
	if (sig)
		status = 128 + sig;
	else if (r->failures || ret)
		status = DHB_EXIT_FAIL;
	else
		status = DHB_EXIT_OK;
out_free:
	dhb_counters_close(&st->counters);
	if (st->csv_open)
		dhb_sink_close(&st->csv);
	if (st->samples_open) {
		dhb_sink_close(&st->samples);
		dhb_outfile_abort(&st->samples_file);
	}
	dhb_opts_line_free(&st->line);
	run_reps_free(&st->reps);
	dhb_runner_fini(r);
	dhb_plan_free(&st->plan);
	dhb_sizes_free(&st->sizes);
	dhb_instances_release(st->inst, st->n_inst);
	free(st->sel);
	dhb_devices_release(st->devs, st->n_devs);
	free(st->dev_sel);
	free(st);
	return status;
}
