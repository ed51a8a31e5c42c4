// SPDX-License-Identifier: MIT
// The run subcommand: checks the command line and the plan, runs it, writes table, CSV and JSON.
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/jobfile.h"
#include "dhb/opts.h"
#include "dhb/plan.h"
#include "dhb/runner.h"
#include "dhb/signals.h"
#include "dhb/size.h"
#include "dhb/summary.h"
#include "dhb/workload.h"
#include "measure.h"
#include "run.h"

/*
 * One line on stderr about the run, returning @status. In a job of a job file the line says
 * where: "FILE:LINE: [JOB] ", the line of the option the message starts with when the file set
 * it, else the job's section header.
 */
static int say(const struct run_state *st, int status, const char *msg)
{
	const struct run_job_ref *j = &st->job;

	if (!j->jf) {
		fprintf(stderr, "dmaheap-bench run: %s\n", msg);
		return status;
	}
	fprintf(stderr, "dmaheap-bench run: %s:%u: [%s] %s\n", j->jf->path,
		dhb_jobfile_where(j->jf, j->i, j->cmdline, msg), j->jf->jobs[j->i].name, msg);
	return status;
}

int run_usage_error(const struct run_state *st, const char *msg)
{
	return say(st, DHB_EXIT_USAGE, msg);
}

/*
 * The perf counters, checked by opening them (measure_counters_check()), then closed again:
 * run_start() opens them for the run, so the jobs of a job file, all checked first, do not
 * count each other. Returns an exit status or -1.
 */
static int check_counters(struct run_state *st)
{
	char err[512];
	int ret;

	ret = measure_counters_check(&st->out, err, sizeof(err));
	return ret < 0 ? ret : say(st, ret, err);
}

/* --cpu: a CPU this process may run on (pinned by run_start()). */
static int check_cpu(struct run_state *st)
{
	char err[160];
	cpu_set_t set;

	if (st->set.cpu < 0)
		return -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		CPU_ZERO(&set);
	if (CPU_ISSET(st->set.cpu, &set))
		return -1;
	snprintf(err, sizeof(err), "--cpu %d: cannot pin (%ld CPUs online): %s", st->set.cpu,
		 st->env.ncpus, strerror(EINVAL));
	return run_usage_error(st, err);
}

/* What the settings select and whether it can run: returns an exit status or -1. */
static int select_plan(struct run_state *st)
{
	struct run_settings *s = &st->set;
	char err[512], why[256], msg[sizeof(err) + 128];
	int ret;

	ret = dhb_instances_probe(&st->inst, &st->n_inst);
	if (ret) {
		snprintf(err, sizeof(err), "probing: %s", strerror(-ret));
		return say(st, DHB_EXIT_FAIL, err);
	}
	st->sel = calloc(st->n_inst ? st->n_inst : 1, sizeof(*st->sel));
	if (!st->sel)
		return DHB_EXIT_FAIL;
	ret = dhb_plan_select_heaps(s->heaps, st->inst, st->n_inst, st->sel, err, sizeof(err));
	if (ret == -ENOENT && !dhb_run_has_dma_heap(st->inst, st->n_inst)) {
		snprintf(msg, sizeof(msg),
			 "nothing to test: %s; no DMA-BUF heap on this system (/dev/dma_heap is "
			 "missing or empty)",
			 err);
		return say(st, DHB_EXIT_NOTHING, msg);
	}
	if (ret)
		return run_usage_error(st, err);
	if (dhb_run_geometry(s->geometry, dhb_opts_given(&st->line, "sizes"), &st->sizes, st->inst,
			     st->n_inst, st->sel, err, sizeof(err)))
		return run_usage_error(st, err);
	if (!dhb_run_testable(st->inst, st->n_inst, st->sel, s->heaps && strcmp(s->heaps, "all"),
			      why, sizeof(why))) {
		snprintf(msg, sizeof(msg),
			 "nothing to test: %s (dmaheap-bench list shows how to grant access)", why);
		return say(st, DHB_EXIT_NOTHING, msg);
	}
	ret = dhb_run_devices(s->devices, st->tests, st->n_tests, &st->devs, &st->n_devs,
			      &st->dev_sel, err, sizeof(err));
	if (ret)
		return say(st, ret, err);
	st->devset = (struct dhb_device_set){.v = st->devs, .n = st->n_devs, .sel = st->dev_sel};
	if (dhb_plan_build(&st->plan, st->inst, st->n_inst, st->sel, &st->devset, st->tests,
			   st->n_tests, &st->sizes, st->env.page_size))
		return DHB_EXIT_FAIL;
	return -1;
}

int run_prepare(struct run_state *st)
{
	struct run_settings *s = &st->set;
	const struct dhb_test *const *all_tests;
	char err[512], why[256];
	size_t n_all_tests;
	int ret;

	if (measure_init(&st->out, "run", &s->out, NULL, 0, err, sizeof(err)))
		return run_usage_error(st, err);
	all_tests = dhb_tests_all(&n_all_tests);
	if (dhb_plan_select_tests(s->tests, all_tests, n_all_tests, st->tests, RUN_MAX_TESTS,
				  &st->n_tests, err, sizeof(err)))
		return run_usage_error(st, err);
	ret = dhb_sizes_parse_list(s->sizes, &st->sizes, why, sizeof(why));
	if (ret) {
		snprintf(err, sizeof(err), "--sizes: %s", why);
		return run_usage_error(st, err);
	}
	dhb_env_probe(&st->env);
	ret = select_plan(st);
	if (ret >= 0)
		return ret;
	st->budget = s->max_mem ? s->max_mem
				: dhb_plan_budget_default(st->env.mem_available, st->env.mem_total);
	if (dhb_plan_check_budget(&st->plan, st->budget, err, sizeof(err)))
		return run_usage_error(st, err);
	ret = check_cpu(st);
	if (ret < 0)
		ret = check_counters(st);
	return ret;
}

int run_start(struct run_state *st, const char *after)
{
	char err[512];
	size_t i;
	int ret;

	if (st->set.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(st->set.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			snprintf(err, sizeof(err), "--cpu %d: cannot pin (%ld CPUs online): %s",
				 st->set.cpu, st->env.ncpus, strerror(errno));
			return run_usage_error(st, err);
		}
	}
	if (measure_counters_open(&st->out, &st->runner, err, sizeof(err)))
		return say(st, DHB_EXIT_FAIL, err);
	dhb_env_identity(&st->run, &st->env, st->ts, sizeof(st->ts));
	if (after) /* another run of this process just ended: a timestamp of its own */
		run_distinct_now(st->ts, sizeof(st->ts), after);
	ret = measure_open(&st->out, &st->runner, &st->run);
	if (ret >= 0)
		return ret;
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

/* The plan, --repeat times, each pass a run of its own timestamp: 0 or -ENOMEM. */
static int run_passes(struct run_state *st)
{
	struct dhb_runner *r = &st->runner;
	size_t i, total = 0, done = 0, rep;
	bool stop_early = false;

	for (i = 0; i < st->plan.n; i++)
		total += !st->plan.items[i].skip;
	total *= st->set.repeat;
	for (rep = 0; rep < st->set.repeat && !*r->stop && !stop_early; rep++) {
		if (run_reps_begin(&st->reps, &st->run, rep, st->set.repeat))
			return -ENOMEM;
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
	return 0;
}

int run_measure(struct run_state *st)
{
	struct dhb_runner *r = &st->runner;
	struct dhb_kv env[MEASURE_MAX_ENV];
	char envbuf[MEASURE_MAX_ENV][96];
	uint64_t retries = 0;
	size_t i, n_env;
	int ret, sig;

	r->iterations = st->set.iterations;
	r->duration_ns = (uint64_t)(st->set.duration * 1e9);
	r->warmup = st->set.warmup;
	r->devs = st->devs ? &st->devset : NULL;
	measure_start(&st->out, r, st->env.page_size);
	notes_for_skips(st);
	if (run_passes(st))
		return DHB_EXIT_FAIL;
	sig = (int)*r->stop;
	for (i = 0; i < st->n_inst; i++)
		retries += st->inst[i].ioctl_retries;
	for (i = 0; i < st->n_devs; i++)
		retries += st->devs[i].ioctl_retries;
	n_env = measure_env(&st->out, env, envbuf, &st->env, r, st->budget, st->set.cpu, retries,
			    sig);
	n_env += run_reps_env(&st->reps, env + n_env);
	dhb_signals_default(); /* a second signal now ends the process; no half file stays */
	ret = measure_finish(&st->out, r, &st->run, &st->line, env, n_env, &st->reps,
			     dhb_summary_print);
	if (sig)
		return 128 + sig;
	return r->failures || ret ? DHB_EXIT_FAIL : DHB_EXIT_OK;
}

struct run_state *run_state_new(const struct run_job_ref *job)
{
	struct run_state *st = calloc(1, sizeof(*st));

	if (st && job)
		st->job = *job;
	return st;
}

const char *run_last_timestamp(const struct run_state *st)
{
	return st->reps.n ? st->reps.ts[st->reps.n - 1] : st->ts;
}

struct run_settings *run_settings_of(struct run_state *st)
{
	return &st->set;
}

struct dhb_opts_line *run_line_of(struct run_state *st)
{
	return &st->line;
}

void run_state_free(struct run_state *st)
{
	if (!st)
		return;
	measure_free(&st->out);
	dhb_opts_line_free(&st->line);
	run_reps_free(&st->reps);
	dhb_runner_fini(&st->runner);
	dhb_plan_free(&st->plan);
	dhb_sizes_free(&st->sizes);
	dhb_instances_release(st->inst, st->n_inst);
	free(st->sel);
	dhb_devices_release(st->devs, st->n_devs);
	free(st->dev_sel);
	free(st);
}

int dhb_run_main(int argc, char **argv)
{
	struct run_state *st = run_state_new(NULL);
	int status;

	if (!st)
		return DHB_EXIT_FAIL;
	status = dhb_opts_start(&dhb_cmd_run, argc, argv, &st->set, &st->line);
	if (status < 0 && st->set.job)
		status = dhb_run_jobs(&st->line);
	if (status < 0)
		status = run_prepare(st);
	if (status < 0)
		status = run_start(st, NULL);
	if (status < 0)
		status = run_measure(st);
	run_state_free(st);
	return status;
}
