// SPDX-License-Identifier: MIT
// compare's and track's inputs: results files, or selectors into the store, row by row.
#ifndef DHB_CLI_ANALYSIS_IN_H
#define DHB_CLI_ANALYSIS_IN_H

#include <stddef.h>
#include <stdint.h>

#include "dhb/analysis.h"
#include "dhb/db.h"
#include "dhb/opts.h"
#include "dhb/sink.h"

/*
 * The option rows compare, track and calibrate share (dhb/opts.h), for their option tables:
 * @set is the command's settings structure, @field (or @member) where the value goes.
 *   AIN_OPT_DB: --db FILE, the store that selectors read (@help says it the command's way).
 *   AIN_OPT_FORMAT: --format FMT of @choices ("table|csv|json"), @help naming its document.
 *   AIN_OPTS_STATS: --correction, --alpha and --min-effect into a struct ain_stats @member.
 */
#define AIN_OPT_DB(set, field, help_)                                                              \
	{                                                                                          \
		.name = "db", .metavar = "FILE", .type = DHB_OPT_STRING,                           \
		.off = offsetof(set, field), .def = DHB_DB_DEFAULT, .complete = DHB_COMPLETE_FILE, \
		.help = help_                                                                      \
	}
/* --scripts DIR: the gnuplot scripts plot and report draw with. */
#define AIN_OPT_SCRIPTS(set, field)                                                       \
	{                                                                                 \
		.name = "scripts", .metavar = "DIR", .type = DHB_OPT_STRING,              \
		.off = offsetof(set, field),                                              \
		.def_text = "plots/ of the source tree, or the installed ones",           \
		.complete = DHB_COMPLETE_FILE, .help = "the gnuplot scripts to draw with" \
	}
#define AIN_OPT_FORMAT(set, field, choices_, help_)                                             \
	{                                                                                       \
		.name = "format", .metavar = "FMT", .type = DHB_OPT_CHOICE,                     \
		.off = offsetof(set, field), .def = "table", .choices = choices_, .help = help_ \
	}
#define AIN_OPT_CORRECTION(set, field)                                               \
	{                                                                            \
		.name = "correction", .metavar = "HOW", .type = DHB_OPT_CHOICE,      \
		.off = offsetof(set, field), .def = "bh", .choices = "bh|holm|none", \
		.help = "multiple comparisons: Benjamini-Hochberg, Holm or none"     \
	}
#define AIN_OPT_FRACTION(name_, metavar_, set, field, def_, help_)            \
	{                                                                     \
		.name = name_, .metavar = metavar_, .type = DHB_OPT_FRACTION, \
		.off = offsetof(set, field), .def = def_, .help = help_       \
	}
#define AIN_OPTS_STATS(set, member)                                                 \
	AIN_OPT_CORRECTION(set, member.correction),                                 \
		AIN_OPT_FRACTION("alpha", "P", set, member.alpha, "0.05",           \
				 "significance level of the adjusted p-values"),    \
		AIN_OPT_FRACTION("min-effect", "F", set, member.min_effect, "0.05", \
				 "smallest change that counts, as a fraction (0.05: 5 %)")

/* What AIN_OPTS_STATS fills: --correction, --alpha, --min-effect. */
struct ain_stats {
	const char *correction;
	double alpha;
	double min_effect;
};

/* The thresholds of a comparison: the defaults, then what @s says. */
void ain_cmp_params(const struct ain_stats *s, struct dhb_cmp_params *p);

/* The output format --format names ("table", "csv", "json"). */
enum dhb_cmp_format ain_format(const char *format);

/* One row of an input: its run, the row, and what pairs it with its run's floors (@run_key). */
struct ain_row {
	const struct dhb_run_info *run;
	const struct dhb_row *row;
	const char *run_key;
	double timer_overhead_ns;
};

typedef int (*ain_fn)(void *arg, const struct ain_row *r);

/* The observation of a comparison that row @a of an input is (its run-level median, p50). */
struct dhb_cmp_obs ain_obs(const struct ain_row *a);

/*
 * ain_load() - every row of one input: FILE[,FILE...] (a directory stands for its *.csv files), or
 * a selector into the store @db_path (KEY=VALUE,...; "all"), opened on first use into @db.
 * Returns -1 after giving every row to @fn, else the exit status after one line on stderr
 * (2 for bad input, a selector matching nothing included).
 */
int ain_load(const char *cmd, const char *input, const char *db_path, struct dhb_db **db, ain_fn fn,
	     void *arg);

/*
 * What pairs a row with its run's other rows (the floors) and its samples (ain_load_samples()):
 * the run identity that tells runs and passes apart (timestamp, host, board, kernel, revision,
 * repetition), the same text from files, samples files and the store.
 */
void ain_run_key(char *buf, size_t len, const struct dhb_run_info *run);

/* Receives one line of a samples file with its run key (as ain_load() gives files' rows). */
typedef int (*ain_sample_fn)(void *arg, const struct dhb_results_sample *s, const char *run_key);

/*
 * ain_load_samples() - every line of the samples files FILE[,FILE...] of @input to @fn.
 * Returns -1 when done, else the exit status after one line on stderr (2 for a bad file).
 */
int ain_load_samples(const char *cmd, const char *input, ain_sample_fn fn, void *arg);

#endif /* DHB_CLI_ANALYSIS_IN_H */
