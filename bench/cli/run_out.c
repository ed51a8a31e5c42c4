// SPDX-License-Identifier: MIT
// The output files of one run: table and summary, CSV, JSON, samples (the state is run.h's).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/summary.h"
#include "run.h"

/* A write error on @path (standard output when @std), said once; returns @ret. */
static int write_error(bool std, const char *path, int ret)
{
	if (ret)
		fprintf(stderr, "dmaheap-bench run: writing %s: %s\n",
			std ? "standard output" : path, strerror(-ret));
	return ret;
}

/* The JSON document, written whole (a failure leaves an existing file as it was). */
static int write_json(struct run_state *st, const struct dhb_kv *env, size_t n_env)
{
	const struct run_settings *s = &st->set;
	const struct dhb_runner *r = &st->runner;
	struct dhb_kv *all_env;
	struct dhb_sink_config cfg = {.run = &st->run};
	bool std = st->paths[P_JSON].std;
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
	cfg.settings = dhb_opts_echo(&st->line, &cfg.n_settings);
	if (!cfg.settings) {
		free(all_env);
		return -ENOMEM;
	}
	cfg.environment = all_env;
	cfg.n_environment = n_env + r->n_notes;
	ret = dhb_outfile_open(&of, s->json, std);
	run_reps_identity(&st->reps, &st->run, 0); /* the environment's: the first pass's */
	if (!ret) {
		cfg.fp = of.fp;
		ret = dhb_sink_open(&sink, &dhb_sink_json_ops, &cfg);
		if (!ret) {
			for (i = 0; i < r->store.n; i++) {
				/* each row with its pass's timestamp and repetition */
				run_reps_identity(&st->reps, &st->run, run_reps_pass(&st->reps, i));
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
	return write_error(std, s->json, ret);
}

/* The table and the summary; a write error on standard output is reported here. */
static int write_human(struct run_state *st)
{
	struct dhb_sink_config tcfg = {.run = &st->run, .fp = st->human};
	const struct dhb_row_store *store = &st->runner.store;
	struct dhb_sink sink;
	size_t i;
	int ret = 0, r;

	if (!strcmp(st->set.table, "full")) {
		ret = dhb_sink_open(&sink, &dhb_sink_table_ops, &tcfg);
		if (!ret) {
			for (i = 0; i < store->n; i++)
				dhb_sink_write(&sink, &store->v[i].row); /* the sink keeps errors */
			ret = dhb_sink_close(&sink);
		}
	}
	errno = 0;
	if (strcmp(st->set.table, "none"))
		dhb_summary_print(st->human, store);
	r = dhb_outfile_flush(st->human);
	if (!ret)
		ret = r;
	if (ret && st->human == stdout)
		fprintf(stderr, "dmaheap-bench run: writing standard output: %s\n", strerror(-ret));
	return ret;
}

int run_write_outputs(struct run_state *st, const struct dhb_kv *env, size_t n_env)
{
	int ret = 0, r;

	if (st->set.json)
		ret = write_json(st, env, n_env);
	r = write_human(st);
	return ret ? ret : r;
}

/* The run CSV, appended to row by row; opened once every argument has been checked. */
int run_open_csv(struct run_state *st)
{
	struct dhb_sink_config cfg = {
		.path = st->paths[P_CSV].std ? "-" : st->set.csv, .append = true, .run = &st->run};
	int ret = dhb_sink_open(&st->csv, &dhb_sink_csv_ops, &cfg);

	if (ret) {
		fprintf(stderr, "dmaheap-bench run: --csv %s: %s\n", st->set.csv,
			ret == -EPROTO ? "its header is another schema's; use a new file"
				       : strerror(-ret));
		return ret;
	}
	st->csv_open = true;
	st->runner.csv = &st->csv;
	return 0;
}

/* Close the run CSV; its first write error, if any, is reported here. */
int run_close_csv(struct run_state *st)
{
	int ret;

	if (!st->csv_open)
		return 0;
	ret = dhb_sink_close(&st->csv);
	st->csv_open = false;
	return write_error(st->paths[P_CSV].std, st->set.csv, ret);
}

/*
 * The samples file, written as the rows are made and whole (dhb/outfile.h): opened once every
 * argument has been checked, committed at the end (also after a signal: the rows so far).
 */
int run_open_samples(struct run_state *st)
{
	struct dhb_sink_config cfg = {.run = &st->run};
	bool std = st->paths[P_SAMPLES].std;
	int ret;

	ret = dhb_outfile_open(&st->samples_file, st->set.samples, std);
	if (!ret) {
		cfg.fp = st->samples_file.fp;
		ret = dhb_sink_open(&st->samples, &dhb_sink_samples_ops, &cfg);
		if (ret)
			dhb_outfile_abort(&st->samples_file);
	}
	if (ret)
		return write_error(std, st->set.samples, ret);
	st->samples_open = true;
	st->runner.samples = &st->samples;
	return 0;
}

/* Close the samples sink and put its file into place; an error is reported here. */
int run_close_samples(struct run_state *st)
{
	int ret;

	if (!st->samples_open)
		return 0;
	st->samples_open = false;
	ret = dhb_sink_close(&st->samples);
	if (ret)
		dhb_outfile_abort(&st->samples_file);
	else
		ret = dhb_outfile_commit(&st->samples_file);
	return write_error(st->paths[P_SAMPLES].std, st->set.samples, ret);
}
