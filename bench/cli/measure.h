// SPDX-License-Identifier: MIT
// What the measuring commands (run, pipeline) share: their output files, perf counters, environment.
#ifndef DHB_CLI_MEASURE_H
#define DHB_CLI_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/counters.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/section.h"
#include "dhb/sink.h"

struct dhb_env;
struct dhb_opts_line;
struct dhb_run_info;
struct dhb_runner;
struct run_reps;

enum { MEASURE_CSV, MEASURE_JSON, MEASURE_SAMPLES, MEASURE_N_PATHS };

/* Paths of a command's own options that measure_init() checks with the outputs, at most. */
#define MEASURE_MAX_EXTRA 2

/* Pairs of a JSON environment: measure_env()'s (22) and the command's own (run's repetitions). */
#define MEASURE_MAX_ENV 32

/**
 * struct measure_settings - the options every measuring command has (MEASURE_OPTS()).
 * @csv: --csv FILE (rows appended as they are made), or NULL.
 * @json: --json FILE (written whole at the end), or NULL.
 * @samples: --samples FILE (written whole, as the rows are made), or NULL.
 * @events: --events, or NULL for the software events.
 * @table: --table full|summary|none.
 */
struct measure_settings {
	const char *csv;
	const char *json;
	const char *samples;
	const char *events;
	const char *table;
};

/*
 * The option rows of the struct measure_settings @m of the settings structure @t, in the order
 * --csv, --json, --samples, --events, --table (dhb/opts.h): MEASURE_OPTS(t, m) in a table.
 */
#define MEASURE_OPT_CSV(t, m)                                                             \
	{                                                                                 \
		.name = "csv", .metavar = "FILE", .type = DHB_OPT_STRING,                 \
		.off = offsetof(t, m.csv), .complete = DHB_COMPLETE_FILE,                 \
		.help = "append the rows to FILE as CSV (header only into an empty file)" \
	}
#define MEASURE_OPT_JSON(t, m)                                                 \
	{                                                                      \
		.name = "json", .metavar = "FILE", .type = DHB_OPT_STRING,     \
		.off = offsetof(t, m.json), .complete = DHB_COMPLETE_FILE,     \
		.help = "write rows, settings and environment to FILE as JSON" \
	}
#define MEASURE_OPT_SAMPLES(t, m)                                                       \
	{                                                                               \
		.name = "samples", .metavar = "FILE", .type = DHB_OPT_STRING,           \
		.off = offsetof(t, m.samples), .complete = DHB_COMPLETE_FILE,           \
		.help = "write every sample of every row (past 65536, its histogram's " \
			"buckets) to FILE as CSV"                                       \
	}
#define MEASURE_OPT_EVENTS(t, m)                                                              \
	{                                                                                     \
		.name = "events", .metavar = "LIST", .type = DHB_OPT_STRING,                  \
		.off = offsetof(t, m.events), .def_text = "the software events only",         \
		.help = "tracepoints to count per timed section besides the software events " \
			"(kmem:mm_page_alloc,...), or none to count nothing"                  \
	}
#define MEASURE_OPT_TABLE(t, m)                                                                \
	{                                                                                      \
		.name = "table", .metavar = "MODE", .type = DHB_OPT_CHOICE,                    \
		.off = offsetof(t, m.table), .def = "full", .choices = "full|summary|none",    \
		.help = "terminal output: full (every row, then the summary), summary or none" \
	}
#define MEASURE_OPTS(t, m)                                                        \
	MEASURE_OPT_CSV(t, m), MEASURE_OPT_JSON(t, m), MEASURE_OPT_SAMPLES(t, m), \
		MEASURE_OPT_EVENTS(t, m), MEASURE_OPT_TABLE(t, m)

/**
 * struct measure - a measuring command's outputs and counters; measure_init() sets it up.
 * @cmd: the command's name, for messages ("run").
 * @set: its options.
 * @paths: the output paths as checked.
 * @human: where the table and summary go: stdout, or stderr when a file goes to stdout.
 */
struct measure {
	const char *cmd;
	const struct measure_settings *set;
	struct dhb_outfile_arg paths[MEASURE_N_PATHS + MEASURE_MAX_EXTRA];
	FILE *human;
	struct dhb_sink csv_sink;
	bool csv_open;
	struct dhb_outfile samples_file;
	struct dhb_sink samples_sink;
	bool samples_open;
	struct dhb_event_list ev;
	struct dhb_counters counters;
	struct dhb_section_cost cost;
	char counter_names[DHB_COUNTERS_WHY_LEN * 2];
	char counter_floors[DHB_COUNTERS_WHY_LEN * 2];
};

/*
 * Set @m up for command @cmd with the options @set (which must outlive it), and check the
 * output paths with @n_extra (at most MEASURE_MAX_EXTRA) paths of the command's own options,
 * all before any is written (dhb/outfile.h): where the table goes follows.
 * 0, or -errno with one line in @err (a usage error).
 */
int measure_init(struct measure *m, const char *cmd, const struct measure_settings *set,
		 const struct dhb_outfile_arg *extra, size_t n_extra, char *err, size_t errlen);

/*
 * The perf counters every timed section reads (dhb/counters.h), with what a section costs,
 * handed to @r: an unknown or malformed --events is a usage error, a tracepoint this process
 * may not count is "nothing to test" (both one line); what cannot be counted otherwise is said
 * once and the command goes on. Returns an exit status, or -1 to go on.
 */
int measure_counters(struct measure *m, struct dhb_runner *r);

/*
 * measure_counters() in two steps, for commands that check everything before the first of
 * several measurements starts (run --job: the jobs do not count each other): the check opens
 * the counters and closes them again, returning measure_counters()'s exit status with one line
 * in @err (nothing said), or -1; measure_counters_open() opens them for @r then, returning 0,
 * or -errno with one line in @err (nothing said).
 */
int measure_counters_check(struct measure *m, char *err, size_t errlen);
int measure_counters_open(struct measure *m, struct dhb_runner *r, char *err, size_t errlen);

/*
 * Open the CSV (appended to) and samples files for @r's rows once everything is checked.
 * Returns an exit status (one line said), or -1 to go on.
 */
int measure_open(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run);

/*
 * Ready @r to measure: the clock and its overhead, @page_size, SIGINT and SIGTERM caught into
 * its stop flag, a progress line per item on a terminal; the timer and counting overheads said
 * on the human stream (unless --table none). The caller sets what to measure (iterations ...).
 */
void measure_start(const struct measure *m, struct dhb_runner *r, long page_size);

/*
 * The JSON environment beyond the run identity: measurement facts, the counters' facts
 * (results/SCHEMA.md); the end of the run said once (a signal, ioctl retries, warnings not
 * shown). @kv and @buf have room for MEASURE_MAX_ENV pairs. Returns the number of pairs (22).
 */
size_t measure_env(struct measure *m, struct dhb_kv *kv, char (*buf)[96], const struct dhb_env *env,
		   const struct dhb_runner *r, uint64_t budget, int cpu, uint64_t retries, int sig);

struct dhb_row_store;

/* What prints the summary after the table (dhb_summary_print() for run). */
typedef void (*measure_summary_fn)(FILE *fp, const struct dhb_row_store *s);

/*
 * The end: the JSON document, the table and @summary, then the CSV and samples files closed;
 * @reps (NULL for none) gives each row its pass's timestamp. Every failure is said in one line.
 * Returns 0 or the first -errno.
 */
int measure_finish(struct measure *m, struct dhb_runner *r, struct dhb_run_info *run,
		   struct dhb_opts_line *line, const struct dhb_kv *env, size_t n_env,
		   struct run_reps *reps, measure_summary_fn summary);

/* Release what is still open (after an early exit): counters, sinks, the temporary files. */
void measure_free(struct measure *m);

#endif /* DHB_CLI_MEASURE_H */
