// SPDX-License-Identifier: MIT
// The runner: runs plan items (setup, warmup, measured iterations, teardown) and keeps their rows.
#ifndef DHB_RUNNER_H
#define DHB_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dhb/counters.h"
#include "dhb/plan.h"
#include "dhb/sink.h"
#include "dhb/store.h"

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
 * @stop: signal flag (signal number once SIGINT/SIGTERM arrived; dhb_signals_install()).
 * @counters: perf counters every timed section reads, or NULL.
 * @counting_ns: what counting adds to a section (struct dhb_section_cost), -1 when nothing is
 *               counted; with each event's floor in @counters, it sets the counter_overhead flag.
 * @devs: the run's devices (for tests that need or look for one), or NULL.
 * @csv: CSV sink that gets every row as it is made, or NULL.
 * @samples: samples sink (dhb_sink_samples_ops) that gets every row with its recorder as it is
 *           made, or NULL.
 * @store: every row, for the table, JSON and summary at the end.
 * @notes: skips and errors for the JSON environment.
 * @n_notes: number of notes.
 * @failures: items that failed.
 * @warnings: rows with a trust warning.
 * @verbose_progress: print a progress line per item on stderr.
 *
 * The caller sets the fields up to @samples (a zero-initialised runner otherwise) and releases
 * what it collected with dhb_runner_fini().
 */
struct dhb_runner {
	uint64_t iterations;
	uint64_t duration_ns;
	uint64_t warmup;
	clockid_t clk;
	long page_size;
	double timer_ns;
	const volatile sig_atomic_t *stop;
	struct dhb_counters *counters;
	double counting_ns;
	const struct dhb_device_set *devs;
	struct dhb_sink *csv;
	struct dhb_sink *samples;
	struct dhb_row_store store;
	struct dhb_note *notes;
	size_t n_notes;
	unsigned int failures;
	unsigned int warnings;
	bool verbose_progress;
};

/**
 * dhb_runner_note() - add a note for the JSON environment.
 * @r: runner.
 * @key: key; truncated to fit struct dhb_note.
 * @fmt: printf format of the value, then its arguments; truncated to fit.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_runner_note(struct dhb_runner *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * dhb_runner_run() - run one plan item that is not skipped.
 * @r: runner.
 * @it: the item.
 * @idx: its position among the items that run (for the progress line).
 * @total: how many items run.
 *
 * Every metric with samples becomes a row, written to @r->csv and @r->samples (whose errors
 * stay in the sinks) and kept in @r->store; a metric recorded from timed sections adds a row per counted event
 * ("alloc_latency.page-faults") and, when there were any, one of its ioctl retries
 * ("alloc_latency.ioctl-retries"). A failed item is counted in @r->failures, reported on stderr and
 * noted; an item cut short by the signal in @r->stop is not a failure.
 *
 * Return: 0, or -errno when the test failed or its rows could not be kept.
 */
int dhb_runner_run(struct dhb_runner *r, struct dhb_plan_item *it, size_t idx, size_t total);

/**
 * dhb_runner_fini() - free what the runner collected (rows and notes).
 * @r: runner.
 */
void dhb_runner_fini(struct dhb_runner *r);

#endif /* DHB_RUNNER_H */
