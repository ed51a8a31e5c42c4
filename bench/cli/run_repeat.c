// SPDX-License-Identifier: MIT
// run --repeat: each pass over the plan is a run of its own, with a distinct timestamp and its number.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhb/sink.h"
#include "run.h"

void run_distinct_now(char *ts, size_t len, const char *prev)
{
	struct timespec d = {0, 50 * 1000 * 1000};

	for (;;) {
		if (dhb_sink_timestamp(time(NULL), ts, len))
			snprintf(ts, len, "unknown");
		if (!prev || strcmp(ts, prev) || !strcmp(ts, "unknown"))
			return;
		nanosleep(&d, NULL);
	}
}

int run_reps_begin(struct run_reps *reps, struct dhb_run_info *run, size_t i, size_t total)
{
	if (!reps->ts) {
		reps->ts = calloc(total, sizeof(*reps->ts));
		reps->end = calloc(total, sizeof(*reps->end));
		if (!reps->ts || !reps->end)
			return -ENOMEM;
	}
	if (i)
		run_distinct_now(reps->ts[i], sizeof(reps->ts[i]), reps->ts[i - 1]);
	else
		snprintf(reps->ts[0], sizeof(reps->ts[0]), "%s", run->timestamp);
	run->timestamp = reps->ts[i];
	run->repetition = i + 1;
	return 0;
}

void run_reps_end(struct run_reps *reps, size_t i, size_t rows)
{
	reps->end[i] = rows;
	reps->n = i + 1;
}

size_t run_reps_pass(const struct run_reps *reps, size_t row)
{
	size_t i;

	for (i = 0; i < reps->n; i++) {
		if (row < reps->end[i])
			return i;
	}
	return reps->n ? reps->n - 1 : 0;
}

void run_reps_identity(const struct run_reps *reps, struct dhb_run_info *run, size_t pass)
{
	if (pass >= reps->n)
		return;
	run->timestamp = reps->ts[pass];
	run->repetition = pass + 1;
}

size_t run_reps_env(struct run_reps *reps, struct dhb_kv *kv)
{
	size_t i, len = 0;

	if (reps->n < 2)
		return 0;
	free(reps->list);
	reps->list = malloc(reps->n * 32);
	if (!reps->list)
		return 0;
	for (i = 0; i < reps->n; i++)
		len += (size_t)sprintf(reps->list + len, "%s%s", i ? " " : "", reps->ts[i]);
	snprintf(reps->count, sizeof(reps->count), "%zu", reps->n);
	kv[0] = (struct dhb_kv){"repetitions", reps->count};
	kv[1] = (struct dhb_kv){"repetition_timestamps", reps->list};
	return 2;
}

void run_reps_free(struct run_reps *reps)
{
	free(reps->ts);
	free(reps->end);
	free(reps->list);
	memset(reps, 0, sizeof(*reps));
}
