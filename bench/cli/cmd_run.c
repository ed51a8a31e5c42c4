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
#include "measure.h"
#include "run.h"

#define MAX_TESTS 16
#define MAX_ENV	  (MEASURE_MAX_ENV + 2)

static int usage_error(const char *msg)
{
	fprintf(stderr, "dmaheap-bench run: %s\n", msg);
	return DHB_EXIT_USAGE;
}

struct run_state {
	struct run_settings set;
	struct dhb_opts_line line;
	struct measure out;
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
	struct dhb_run_info run;
	char ts[32];
	struct run_reps reps;
};

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
	if (measure_init(&st->out, "run", &s->out, NULL, 0, err, sizeof(err)))
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
	ret = measure_counters(&st->out, &st->runner);
	if (ret >= 0)
		return ret;
	dhb_env_identity(&st->run, &st->env, st->ts, sizeof(st->ts));
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

int dhb_run_main(int argc, char **argv)
{
	struct run_state *st = calloc(1, sizeof(*st));
	struct dhb_runner *r;
	struct dhb_kv env[MAX_ENV];
	char envbuf[MAX_ENV][96];
	uint64_t retries = 0;
	size_t i, n_env, total = 0, done = 0, rep;
	int status, ret, sig;
	bool stop_early = false;

	if (!st)
		return DHB_EXIT_FAIL;
	r = &st->runner;
	status = prepare(st, argc, argv);
	if (status >= 0)
		goto out_free;
	r->iterations = st->set.iterations;
	r->duration_ns = (uint64_t)(st->set.duration * 1e9);
	r->warmup = st->set.warmup;
	r->devs = st->devs ? &st->devset : NULL;
	measure_start(&st->out, r, st->env.page_size);
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
		status = 128 + sig;
	else if (r->failures || ret)
		status = DHB_EXIT_FAIL;
	else
		status = DHB_EXIT_OK;
out_free:
	measure_free(&st->out);
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
