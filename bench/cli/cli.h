// SPDX-License-Identifier: MIT
// Internal interface of the dmaheap-bench command: subcommands, the row store and the summary.
#ifndef DHB_CLI_H
#define DHB_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <stddef.h>
#include <stdio.h>

#include "dhb/env.h"
#include "dhb/sink.h"

#ifndef DHB_VERSION
#define DHB_VERSION "unknown"
#endif
#ifndef DHB_GIT_REV
#define DHB_GIT_REV "unknown"
#endif

/**
 * struct dhb_stored_row - a result row with its own copies of the strings.
 * @row: the row; its strings point into the fields below.
 * @test: test.
 * @heap: heap.
 * @backend: backend.
 * @metric: metric.
 * @params: params ("" when none).
 * @unit: unit.
 */
struct dhb_stored_row {
	struct dhb_row row;
	char test[32];
	char heap[64];
	char backend[32];
	char metric[40];
	char params[96];
	char unit[16];
};

/**
 * struct dhb_row_store - rows kept for the table, the JSON file and the summary.
 * @v: rows.
 * @n: number of rows.
 * @cap: allocated rows.
 */
struct dhb_row_store {
	struct dhb_stored_row *v;
	size_t n;
	size_t cap;
};

/* Keep a copy of @row; 0 or -ENOMEM. */
int dhb_store_add(struct dhb_row_store *s, const struct dhb_row *row);
/* Free the rows; the store is left empty. */
void dhb_store_free(struct dhb_row_store *s);
/* Print the pivot tables (p50 per heap and size for the headline metrics) to @fp. */
void dhb_summary_print(FILE *fp, const struct dhb_row_store *s);

/* Fill @run with the identity of a run starting now; @ts (>= 21 bytes) holds the timestamp. */
void dhb_run_identity(struct dhb_run_info *run, const struct dhb_env *env, char *ts, size_t tslen);

/* Install the SIGINT/SIGTERM handlers; the flag holds the signal number once one arrived. */
const volatile sig_atomic_t *dhb_signals_install(void);
/* Give SIGINT and SIGTERM their default action again (ends the process; see dhb/outfile.h). */
void dhb_signals_default(void);

/**
 * struct dhb_note - a fact for the JSON environment found during the run (skip, error).
 * @key: key ("skip.sync.memfd", "error.alloc.reserved.32M").
 * @value: text.
 */
struct dhb_note {
	char key[96];
	char value[224];
};

/**
 * struct dhb_runner - what running plan items needs and what it collects.
 * @iterations: measured iterations per item (when @duration_ns is 0).
 * @duration_ns: time per item instead of a count, or 0.
 * @warmup: unrecorded iterations first.
 * @clk: clock.
 * @page_size: CPU page size.
 * @timer_ns: timer overhead (median ns of one timing).
 * @stop: signal flag (signal number once SIGINT/SIGTERM arrived).
 * @csv: CSV sink that gets every row as it is made, or NULL.
 * @store: every row, for the table, JSON and summary at the end.
 * @notes: skips and errors for the JSON environment.
 * @n_notes: number of notes.
 * @failures: items that failed.
 * @warnings: rows with a trust warning.
 * @verbose_progress: print a progress line per item on stderr.
 */
struct dhb_runner {
	uint64_t iterations;
	uint64_t duration_ns;
	uint64_t warmup;
	clockid_t clk;
	long page_size;
	double timer_ns;
	const volatile sig_atomic_t *stop;
	struct dhb_sink *csv;
	struct dhb_row_store store;
	struct dhb_note *notes;
	size_t n_notes;
	unsigned int failures;
	unsigned int warnings;
	bool verbose_progress;
};

struct dhb_plan_item;

/* Add a note (printf-style value); 0 or -ENOMEM. */
int dhb_runner_note(struct dhb_runner *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run one plan item (not a skipped one): rows to r->csv and r->store; 0, or -errno on failure. */
int dhb_runner_item(struct dhb_runner *r, struct dhb_plan_item *it, size_t idx, size_t total);
/* Free what the runner collected. */
void dhb_runner_fini(struct dhb_runner *r);

/* Subcommands: return the exit status. */
int dhb_cmd_list(int argc, char **argv);
int dhb_cmd_run(int argc, char **argv);

#endif /* DHB_CLI_H */
