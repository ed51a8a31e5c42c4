// SPDX-License-Identifier: MIT
// What run and pipeline share: output files checked then written, perf counters, JSON environment.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/runner.h"
#include "dhb/signals.h"
#include "measure.h"
#include "run.h"

int measure_init(struct measure *m, const char *cmd, const struct measure_settings *set,
		 const struct dhb_outfile_arg *extra, size_t n_extra, char *err, size_t errlen)
{
	size_t i;
	int ret;

	memset(m, 0, sizeof(*m));
	m->cmd = cmd;
	m->set = set;

	m->paths[MEASURE_CSV] =
		(struct dhb_outfile_arg){"--csv", m->set->csv, DHB_OUTFILE_DASH, false};
	m->paths[MEASURE_JSON] =
		(struct dhb_outfile_arg){"--json", m->set->json, DHB_OUTFILE_DASH, false};
	m->paths[MEASURE_SAMPLES] =
		(struct dhb_outfile_arg){"--samples", m->set->samples, DHB_OUTFILE_DASH, false};
	if (n_extra > MEASURE_MAX_EXTRA)
		return -EINVAL;
	for (i = 0; i < n_extra; i++)
		m->paths[MEASURE_N_PATHS + i] = extra[i];
	ret = dhb_outfile_check(m->paths, MEASURE_N_PATHS + n_extra, err, errlen);
	m->human = stdout;
	for (i = 0; i < MEASURE_N_PATHS + n_extra; i++) {
		if (m->paths[i].std)
			m->human = stderr;
	}
	return ret;
}

/* --events parsed, resolved and opened: an exit status with one line in @err, or -1 (open). */
static int counters_open_checked(struct measure *m, char *err, size_t errlen)
{
	int ret;

	ret = dhb_events_parse(m->set->events, &m->ev, err, errlen);
	if (!ret)
		ret = dhb_events_resolve(&m->ev, NULL, err, errlen);
	if (!ret)
		ret = dhb_counters_open(&m->counters, &m->ev, err, errlen);
	if (!ret)
		return -1;
	if (ret == -ENOENT || ret == -EOPNOTSUPP || ret == -EINVAL)
		return DHB_EXIT_USAGE;
	return ret == -EACCES || ret == -EPERM || ret == -ENODEV ? DHB_EXIT_NOTHING : DHB_EXIT_FAIL;
}

/* The open counters handed to @r with what a timed section costs; what is not counted is said. */
static void counters_use(struct measure *m, struct dhb_runner *r)
{
	int ret;

	ret = dhb_section_calibrate(&m->counters, dhb_stats_clock(), 0, &m->cost);
	if (ret) {
		dhb_counters_close(&m->counters);
		snprintf(m->counters.unavailable, sizeof(m->counters.unavailable),
			 "reading them: %s", strerror(-ret));
		m->cost.counted_ns = m->cost.counting_ns = -1;
	}
	if (*m->counters.unavailable && !m->ev.none)
		fprintf(stderr, "note: perf counters unavailable: %s\n", m->counters.unavailable);
	if (*m->counters.skipped)
		fprintf(stderr, "skip: counters %s\n", m->counters.skipped);
	r->counters = &m->counters;
	r->counting_ns = m->cost.counting_ns;
}

int measure_counters(struct measure *m, struct dhb_runner *r)
{
	char err[512];
	int ret;

	ret = counters_open_checked(m, err, sizeof(err));
	if (ret >= 0) {
		fprintf(stderr, "dmaheap-bench %s: %s\n", m->cmd, err);
		return ret;
	}
	counters_use(m, r);
	return -1;
}

int measure_counters_check(struct measure *m, char *err, size_t errlen)
{
	int ret = counters_open_checked(m, err, errlen);

	if (ret < 0)
		dhb_counters_close(&m->counters);
	return ret;
}

int measure_counters_open(struct measure *m, struct dhb_runner *r, char *err, size_t errlen)
{
	int ret = dhb_counters_open(&m->counters, &m->ev, err, errlen);

	if (!ret)
		counters_use(m, r);
	return ret;
}

/* The CSV file, appended to row by row. */
static int open_csv(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run)
{
	struct dhb_sink_config cfg = {
		.path = m->paths[MEASURE_CSV].std ? "-" : m->set->csv, .append = true, .run = run};
	int ret = dhb_sink_open(&m->csv_sink, &dhb_sink_csv_ops, &cfg);

	if (ret) {
		fprintf(stderr, "dmaheap-bench %s: --csv %s: %s\n", m->cmd, m->set->csv,
			ret == -EPROTO ? "its header is another schema's; use a new file"
				       : strerror(-ret));
		return ret;
	}
	m->csv_open = true;
	r->csv = &m->csv_sink;
	return 0;
}

/* The samples file, written as the rows are made and whole (dhb/outfile.h). */
static int open_samples(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run)
{
	struct dhb_sink_config cfg = {.run = run};
	bool std = m->paths[MEASURE_SAMPLES].std;
	int ret;

	ret = dhb_outfile_open(&m->samples_file, m->set->samples, std);
	if (!ret) {
		cfg.fp = m->samples_file.fp;
		ret = dhb_sink_open(&m->samples_sink, &dhb_sink_samples_ops, &cfg);
		if (ret)
			dhb_outfile_abort(&m->samples_file);
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench %s: writing %s: %s\n", m->cmd,
			std ? "standard output" : m->set->samples, strerror(-ret));
		return ret;
	}
	m->samples_open = true;
	r->samples = &m->samples_sink;
	return 0;
}

int measure_open(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run)
{
	if (m->set->csv && open_csv(m, r, run))
		return DHB_EXIT_USAGE;
	if (m->set->samples && open_samples(m, r, run))
		return DHB_EXIT_FAIL;
	return -1;
}

void measure_start(const struct measure *m, struct dhb_runner *r, long page_size)
{
	r->clk = dhb_stats_clock();
	r->page_size = page_size;
	r->verbose_progress = isatty(STDERR_FILENO);
	r->stop = dhb_signals_install();
	if (dhb_stats_timer_overhead(r->clk, 0, &r->timer_ns))
		r->timer_ns = -1;
	if (!strcmp(m->set->table, "none"))
		return;
	fprintf(m->human,
		"timer overhead: %.0f ns per timing (median of 10000 back-to-back "
		"clock_gettime pairs)\n",
		r->timer_ns);
	if (m->counters.n)
		fprintf(m->human,
			"counting overhead: %.0f ns per timed section (%zu perf counters read "
			"before and after it, outside its timing)\n",
			m->cost.counting_ns, m->counters.n);
}

size_t measure_env(struct measure *m, struct dhb_kv *kv, char (*buf)[96], const struct dhb_env *env,
		   const struct dhb_runner *r, uint64_t budget, int cpu, uint64_t retries, int sig)
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
	ENV("cpu_pinned", "%d", cpu);
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
	kv[n].key = "dt_compatible"; /* may be longer than @buf's entries */
	kv[n++].value = env->dt_compatible;
	ENV("ioctl_retries", "%" PRIu64, retries);
	ENV("interrupted_by_signal", "%d", sig);
#undef ENV
	/* The end of the run, said once: a signal, the ioctl retries, the warnings not shown. */
	if (sig)
		fprintf(stderr,
			"dmaheap-bench %s: stopped by signal %d; every buffer is released, "
			"results so far are kept\n",
			m->cmd, sig);
	if (retries)
		fprintf(stderr, "note: %" PRIu64 " ioctl retries (EINTR/EAGAIN)\n", retries);
	if (r->warnings > 20)
		fprintf(stderr, "... and %u more warnings (see the flags column)\n",
			r->warnings - 20);
	return n + dhb_run_counter_env(kv + n, buf + n, m->counter_names, m->counter_floors,
				       sizeof(m->counter_names), &m->counters, &m->cost);
}

/* The JSON document, written whole (a failure leaves an existing file as it was). */
static int write_json(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run,
		      struct dhb_opts_line *line, const struct dhb_kv *env, size_t n_env,
		      struct run_reps *reps)
{
	struct dhb_sink_config cfg = {.run = run};
	bool std = m->paths[MEASURE_JSON].std;
	struct dhb_kv *all_env;
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
	cfg.settings = dhb_opts_echo(line, &cfg.n_settings);
	if (!cfg.settings) {
		free(all_env);
		return -ENOMEM;
	}
	cfg.environment = all_env;
	cfg.n_environment = n_env + r->n_notes;
	ret = dhb_outfile_open(&of, m->set->json, std);
	if (reps)
		run_reps_identity(reps, run, 0); /* the environment's: the first pass's */
	if (!ret) {
		cfg.fp = of.fp;
		ret = dhb_sink_open(&sink, &dhb_sink_json_ops, &cfg);
		if (!ret) {
			for (i = 0; i < r->store.n; i++) {
				/* each row with its pass's timestamp (run --repeat) */
				if (reps)
					run_reps_identity(reps, run, run_reps_pass(reps, i));
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
		fprintf(stderr, "dmaheap-bench %s: writing %s: %s\n", m->cmd,
			std ? "standard output" : m->set->json, strerror(-ret));
	return ret;
}

/* The table and the summary; a write error on standard output is reported here. */
static int write_human(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run,
		       measure_summary_fn summary)
{
	struct dhb_sink_config tcfg = {.run = run, .fp = m->human};
	const struct dhb_row_store *store = &r->store;
	struct dhb_sink sink;
	size_t i;
	int ret = 0, r2;

	if (!strcmp(m->set->table, "full")) {
		ret = dhb_sink_open(&sink, &dhb_sink_table_ops, &tcfg);
		if (!ret) {
			for (i = 0; i < store->n; i++)
				dhb_sink_write(&sink, &store->v[i].row); /* the sink keeps errors */
			ret = dhb_sink_close(&sink);
		}
	}
	errno = 0;
	if (strcmp(m->set->table, "none"))
		summary(m->human, store);
	r2 = dhb_outfile_flush(m->human);
	if (!ret)
		ret = r2;
	if (ret && m->human == stdout)
		fprintf(stderr, "dmaheap-bench %s: writing standard output: %s\n", m->cmd,
			strerror(-ret));
	return ret;
}

/* Close the CSV file; its first write error, if any, is reported here. */
static int close_csv(struct measure *m)
{
	int ret;

	if (!m->csv_open)
		return 0;
	ret = dhb_sink_close(&m->csv_sink);
	m->csv_open = false;
	if (ret)
		fprintf(stderr, "dmaheap-bench %s: writing %s: %s\n", m->cmd,
			m->paths[MEASURE_CSV].std ? "standard output" : m->set->csv,
			strerror(-ret));
	return ret;
}

/* Close the samples sink and put its file into place; an error is reported here. */
static int close_samples(struct measure *m)
{
	int ret;

	if (!m->samples_open)
		return 0;
	m->samples_open = false;
	ret = dhb_sink_close(&m->samples_sink);
	if (ret)
		dhb_outfile_abort(&m->samples_file);
	else
		ret = dhb_outfile_commit(&m->samples_file);
	if (ret)
		fprintf(stderr, "dmaheap-bench %s: writing %s: %s\n", m->cmd,
			m->paths[MEASURE_SAMPLES].std ? "standard output" : m->set->samples,
			strerror(-ret));
	return ret;
}

int measure_finish(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run,
		   struct dhb_opts_line *line, const struct dhb_kv *env, size_t n_env,
		   struct run_reps *reps, measure_summary_fn summary)
{
	int ret = 0, r2;

	if (m->set->json)
		ret = write_json(m, r, run, line, env, n_env, reps);
	r2 = write_human(m, r, run, summary);
	ret = ret ? ret : r2;
	r2 = close_csv(m);
	ret = ret ? ret : r2;
	r2 = close_samples(m);
	return ret ? ret : r2;
}

void measure_free(struct measure *m)
{
	dhb_counters_close(&m->counters);
	if (m->csv_open)
		dhb_sink_close(&m->csv_sink);
	m->csv_open = false;
	if (m->samples_open) {
		dhb_sink_close(&m->samples_sink);
		dhb_outfile_abort(&m->samples_file);
	}
	m->samples_open = false;
}
