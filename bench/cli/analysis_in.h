// SPDX-License-Identifier: MIT
// compare's and track's inputs: results files, or selectors into the store, row by row.
#ifndef DHB_CLI_ANALYSIS_IN_H
#define DHB_CLI_ANALYSIS_IN_H

#include <stdint.h>

#include "dhb/db.h"
#include "dhb/opts.h"
#include "dhb/sink.h"

/* The --db option of a command that reads the store: its row in the command's option table. */
#define AIN_OPT_DB(offset, text)                                                          \
	{                                                                                 \
		.name = "db", .metavar = "FILE", .type = DHB_OPT_STRING, .off = (offset), \
		.def = DHB_DB_DEFAULT, .complete = DHB_COMPLETE_FILE, .help = (text)      \
	}

/* One row of an input: its run, the row, and what pairs it with its run's floors (@run_key). */
struct ain_row {
	const struct dhb_run_info *run;
	const struct dhb_row *row;
	const char *run_key;
	double timer_overhead_ns;
};

typedef int (*ain_fn)(void *arg, const struct ain_row *r);

/*
 * ain_load() - every row of one input: FILE[,FILE...] (a directory stands for its *.csv files), or
 * a selector into the store @db_path (KEY=VALUE,...; "all"), opened on first use into @db.
 * Returns -1 after giving every row to @fn, else the exit status after one line on stderr
 * (2 for bad input, a selector matching nothing included).
 */
int ain_load(const char *cmd, const char *input, const char *db_path, struct dhb_db **db, ain_fn fn,
	     void *arg);

/* What pairs a row of files with its run: the same text for its samples (ain_load_samples()). */
void ain_file_run_key(char *buf, size_t len, const char *timestamp, const char *hostname,
		      const char *board, const char *kernel, const char *git_rev);

/* Receives one line of a samples file with its run key (as ain_load() gives files' rows). */
typedef int (*ain_sample_fn)(void *arg, const struct dhb_results_sample *s, const char *run_key);

/*
 * ain_load_samples() - every line of the samples files FILE[,FILE...] of @input to @fn.
 * Returns -1 when done, else the exit status after one line on stderr (2 for a bad file).
 */
int ain_load_samples(const char *cmd, const char *input, ain_sample_fn fn, void *arg);

#endif /* DHB_CLI_ANALYSIS_IN_H */
