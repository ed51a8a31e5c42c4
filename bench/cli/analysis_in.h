// SPDX-License-Identifier: MIT
// compare's and track's inputs: results files, or selectors into the store, row by row.
#ifndef DHB_CLI_ANALYSIS_IN_H
#define DHB_CLI_ANALYSIS_IN_H

#include <stdint.h>

#include "dhb/db.h"
#include "dhb/sink.h"

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

#endif /* DHB_CLI_ANALYSIS_IN_H */
