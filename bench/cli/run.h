// SPDX-License-Identifier: MIT
// The run command's settings, as its option table (run_opts.c) fills them and cmd_run.c uses them.
#ifndef DHB_CLI_RUN_H
#define DHB_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/device.h"
#include "dhb/env.h"
#include "dhb/opts.h"
#include "dhb/plan.h"
#include "dhb/runner.h"
#include "dhb/sink.h"
#include "dhb/size.h"
#include "measure.h"

struct dhb_kv;

/**
 * struct run_settings - what run's command line sets (the rows of run_opts[] fill it).
 * @heaps: --heaps, comma list of heap names or fnmatch globs, "all" for every source.
 * @devices: --devices, comma list of device names, nodes, drivers or globs, "all" for every one.
 * @tests: --tests, comma list of test names (default: every test of the registry).
 * @sizes: --sizes, size list (dhb_sizes_parse_list()).
 * @geometry: --geometry, the picture asked of sources that make pictures (dhb/geom.h), or NULL.
 * @iterations: --iterations, measured iterations per (heap, test, size).
 * @duration: --duration, seconds per (heap, test, size) instead of a count; 0 = unset.
 * @warmup: --warmup, unrecorded iterations first.
 * @repeat: --repeat, passes over the whole plan, each its own run (timestamp).
 * @cpu: --cpu, CPU to pin to, or -1.
 * @max_mem: --max-mem, memory budget in bytes; 0 = a share of MemAvailable.
 * @out: --csv, --json, --samples, --events, --table (MEASURE_OPTS()).
 * @job: --job FILE, the job file whose jobs to run (run_job.c), or NULL.
 * @section: --section LIST, the jobs of @job to run, or NULL for every one.
 * @help: --help.
 */
struct run_settings {
	const char *heaps;
	const char *devices;
	const char *tests;
	const char *sizes;
	const char *geometry;
	uint64_t iterations;
	double duration;
	uint64_t warmup;
	uint64_t repeat;
	int cpu;
	uint64_t max_mem;
	struct measure_settings out;
	const char *job;
	const char *section;
	bool help;
};

/**
 * dhb_run_main() - the run command on the arguments after "run" (struct dhb_opts_cmd.main).
 * @argc: number of arguments.
 * @argv: the arguments.
 *
 * Return: the exit status (dhb/exit.h).
 */
int dhb_run_main(int argc, char **argv);

struct dhb_jobfile;
struct dhb_opts_line;
struct run_state;

/**
 * struct run_job_ref - the job of a job file a run state runs (run_job.c).
 * @jf: the job file; NULL for a run without --job.
 * @i: the job's index in @jf.
 * @cmdline: the command line, whose options replace the file's.
 */
struct run_job_ref {
	const struct dhb_jobfile *jf;
	size_t i;
	const struct dhb_opts_line *cmdline;
};

/*
 * One run, in the steps a job file needs (cmd_run.c): every job is prepared (everything that can
 * be refused checked, nothing written) before the first one starts. Each step returns an exit
 * status to stop with, or -1 to go on.
 *   run_state_new()    a state; @job NULL for a plain run
 *   dhb_opts_parse()   into run_settings_of() and run_line_of()
 *   run_prepare()      paths, tests, sizes, sources, devices, plan and budget, CPU, counters
 *   run_start()        pin the CPU, open the counters, the CSV and the samples file; the
 *                      run's timestamp differs from @after's (a job before's last pass's)
 *   run_last_timestamp()  after run_measure(): the timestamp of its last pass
 *   run_measure()      measure the plan, write the table, JSON, CSV; the run's exit status
 *   run_state_free()
 */
struct run_state *run_state_new(const struct run_job_ref *job);
struct run_settings *run_settings_of(struct run_state *st);
struct dhb_opts_line *run_line_of(struct run_state *st);
int run_prepare(struct run_state *st);
int run_start(struct run_state *st, const char *after);
const char *run_last_timestamp(const struct run_state *st);
int run_measure(struct run_state *st);
void run_state_free(struct run_state *st);

/* One usage error line about the run (with its job's FILE:LINE: [JOB] in a job file). */
int run_usage_error(const struct run_state *st, const char *msg);

/**
 * dhb_run_jobs() - run --job: every job of the file (or of --section), each checked before the
 * first starts, then run one after the other (run_job.c).
 * @line: the command line (with --job); its options replace the file's.
 *
 * Return: the worst job's exit status (2, then 1, then 3, then 0), or 128 + a signal's number.
 */
int dhb_run_jobs(const struct dhb_opts_line *line);

/**
 * struct run_reps - the repetitions of a run (run_repeat.c): each pass over the plan is a run
 * of its own, told apart by its timestamp (distinct: a pass that would start in the same second
 * as the one before waits for the next) and numbered by its repetition (from 1).
 * @n: passes done.
 * @ts: the timestamp of each pass.
 * @end: the row store's count after each pass.
 * @list: the timestamps joined by ' ', for the JSON environment's repetition_timestamps.
 * @count: @n as text, for the JSON environment's repetitions.
 */
struct run_reps {
	size_t n;
	char (*ts)[32];
	size_t *end;
	char *list;
	char count[24];
};

struct dhb_run_info;

/**
 * run_reps_begin() - the timestamp of pass @i into @run (->timestamp, and ->repetition i + 1)
 * and @reps.
 * @reps: repetitions (arrays of @total entries allocated on the first pass).
 * @run: the run identity whose timestamp changes.
 * @i: the pass, from 0.
 * @total: passes asked for.
 *
 * Return: 0 or -ENOMEM.
 */
int run_reps_begin(struct run_reps *reps, struct dhb_run_info *run, size_t i, size_t total);

/* Now as a results timestamp into @ts, waiting for the next second while it equals @prev. */
void run_distinct_now(char *ts, size_t len, const char *prev);

/**
 * run_reps_end() - pass @i is done with @rows rows in the store.
 * @reps: repetitions.
 * @i: the pass.
 * @rows: the row store's count now.
 */
void run_reps_end(struct run_reps *reps, size_t i, size_t rows);

/* The pass (from 0) that row @row of the store belongs to; the last one past them. */
size_t run_reps_pass(const struct run_reps *reps, size_t row);

/* Pass @pass's timestamp and repetition into @run (nothing when there is no such pass). */
void run_reps_identity(const struct run_reps *reps, struct dhb_run_info *run, size_t pass);

/* The facts of the JSON environment: repetitions (N) and repetition_timestamps; 0..2 pairs. */
size_t run_reps_env(struct run_reps *reps, struct dhb_kv *kv);

void run_reps_free(struct run_reps *reps);

struct dhb_counters;
struct dhb_device;
struct dhb_test;

/**
 * dhb_run_devices() - probe the devices when a test of @tests uses them or --devices names
 * some, and select what @list names.
 * @list: --devices.
 * @tests: the selected tests.
 * @n_tests: number of @tests.
 * @v: devices, malloc'd (NULL when none were probed); release with dhb_devices_release().
 * @n: number of devices.
 * @sel: selection flags, malloc'd (NULL when none were probed).
 * @err: one-line message.
 * @errlen: size of @err.
 *
 * Return: 0, DHB_EXIT_USAGE (@list names nothing there), or DHB_EXIT_FAIL.
 */
int dhb_run_devices(const char *list, const struct dhb_test *const *tests, size_t n_tests,
		    struct dhb_device **v, size_t *n, bool **sel, char *err, size_t errlen);
struct dhb_section_cost;
struct dhb_instance;
struct dhb_size_list;

/* Whether one of @v is a DMA-BUF heap node (DHB_CAP_HEAP_NODE). */
bool dhb_run_has_dma_heap(const struct dhb_instance *v, size_t n);

/**
 * dhb_run_testable() - whether the selection leaves something to test.
 * @v: sources.
 * @n: number of @v.
 * @sel: selected sources.
 * @explicit_sel: --heaps named sources (not "all").
 * @why: when not, why (the unusable selected sources and their errors), one line.
 * @len: size of @why.
 *
 * With the default selection a usable dma-heap is required; with an explicit one, a usable
 * dma-buf source among the selected when any was selected (e.g. "--heaps system,memfd" as a
 * user without access is nothing to test), else any usable selected source ("--heaps memfd").
 */
bool dhb_run_testable(const struct dhb_instance *v, size_t n, const bool *sel, bool explicit_sel,
		      char *why, size_t len);

/**
 * dhb_run_geometry() - apply --geometry: the picture asked of every selected source that makes
 * pictures (DHB_CAP_GEOMETRY, struct dhb_instance.want); a whole picture (a width and a height)
 * becomes the run's one size.
 * @spec: --geometry, or NULL (nothing to do).
 * @sizes_given: --sizes was on the command line (refused with a whole picture).
 * @sizes: the run's sizes, replaced by the picture's bytes for a whole picture.
 * @v: sources.
 * @n: number of @v.
 * @sel: selected sources.
 * @err: one-line message.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL (a bad geometry, no selected source makes pictures, --sizes with a
 * whole picture; a usage error).
 */
int dhb_run_geometry(const char *spec, bool sizes_given, struct dhb_size_list *sizes,
		     struct dhb_instance *v, size_t n, const bool *sel, char *err, size_t errlen);

/**
 * dhb_run_counter_env() - the counter facts of a run as JSON environment pairs: what was
 * counted, with which library, what was skipped or unavailable and why, and what counting cost.
 * @kv: room for 8 pairs.
 * @buf: room for 8 formatted numbers, one per pair.
 * @names: buffer for the counted events' names.
 * @floors: buffer for each event's floor ("task-clock=2555,...").
 * @len: size of @names and of @floors.
 * @c: the run's counters.
 * @cost: what a timed section costs with and without counting.
 *
 * Return: the number of pairs written.
 */
size_t dhb_run_counter_env(struct dhb_kv *kv, char (*buf)[96], char *names, char *floors,
			   size_t len, const struct dhb_counters *c,
			   const struct dhb_section_cost *cost);

#define RUN_MAX_TESTS 16

/* One run: its settings, what they select and measure, and its outputs (cmd_run.c, measure.c). */
struct run_state {
	struct run_settings set;
	struct dhb_opts_line line;
	struct measure out; /* output files, perf counters, table (measure_init()) */
	struct dhb_env env;
	struct dhb_instance *inst;
	size_t n_inst;
	bool *sel;
	struct dhb_device *devs;
	size_t n_devs;
	bool *dev_sel;
	struct dhb_device_set devset;
	const struct dhb_test *tests[RUN_MAX_TESTS];
	size_t n_tests;
	struct dhb_size_list sizes;
	struct dhb_plan plan;
	uint64_t budget;
	struct dhb_runner runner;
	struct dhb_run_info run;
	char ts[32];
	struct run_reps reps;
	struct run_job_ref job; /* the job of a job file being run; job.jf NULL without --job */
};

/*
 * Completion values of run's --heaps and --devices (and of the commands that take the same):
 * "all", then every buffer source, or every device, found here.
 */
void dhb_run_heap_names(dhb_opt_emit emit, void *arg);
void dhb_run_device_names(dhb_opt_emit emit, void *arg);

#endif /* DHB_CLI_RUN_H */
