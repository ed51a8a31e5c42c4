// SPDX-License-Identifier: MIT
// run --job: the jobs of a job file, every one checked before the first starts, run in turn.
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dhb/exit.h"
#include "dhb/jobfile.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/sink.h"
#include "run.h"

/* Options of run that a job file cannot set: they choose the file and its jobs. */
static const char *const not_keys[] = {"job", "section", NULL};

/* The jobs to run: their states and the arguments the states' settings point into. */
struct jobs {
	const struct dhb_opts_line *line;
	struct dhb_jobfile jf;
	size_t n;
	size_t *idx; /* the jobs' indices in jf */
	struct run_state **st;
	struct dhb_job_args *args;
	char **extra; /* per job: "--job=FILE", "--section=NAME" */
	int *status;  /* per job: -1 to run, else its status so far */
};

/* The worse of two exit statuses: usage (2), then failure (1), then nothing to test (3), ok. */
static int worse(int a, int b)
{
	static const int order[] = {DHB_EXIT_OK, DHB_EXIT_NOTHING, DHB_EXIT_FAIL, DHB_EXIT_USAGE};
	size_t i, ra = 0, rb = 0;

	if (a < 0 || b < 0)
		return a < 0 ? b : a;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		ra = order[i] == a ? i : ra;
		rb = order[i] == b ? i : rb;
	}
	return rb > ra ? b : a;
}

static int oom(void)
{
	fputs("dmaheap-bench run: out of memory\n", stderr);
	return DHB_EXIT_FAIL;
}

/* --section: which jobs, in the file's order. Returns an exit status or -1. */
static int pick(struct jobs *j, const char *list)
{
	char *copy = list ? strdup(list) : NULL, *name, *save = NULL;
	bool *want = calloc(j->jf.n_jobs, sizeof(*want));
	size_t i;
	long k;
	int ret = -1;

	j->idx = calloc(j->jf.n_jobs, sizeof(*j->idx));
	if (!want || !j->idx || (list && !copy)) {
		ret = oom();
		goto out;
	}
	for (name = copy ? strtok_r(copy, ",", &save) : NULL; name;
	     name = strtok_r(NULL, ",", &save)) {
		k = dhb_jobfile_find(&j->jf, name);
		if (k < 0) {
			fprintf(stderr, "dmaheap-bench run: --section: no job [%s] in %s\n", name,
				j->jf.path);
			ret = DHB_EXIT_USAGE;
			goto out;
		}
		want[k] = true;
	}
	for (i = 0; i < j->jf.n_jobs; i++) {
		if (!list || want[i])
			j->idx[j->n++] = i;
	}
	if (!j->n) {
		fprintf(stderr, "dmaheap-bench run: --section: no job named in '%s'\n", list);
		ret = DHB_EXIT_USAGE;
	}
out:
	free(want);
	free(copy);
	return ret;
}

/* Each job's settings: the file's values under the command line's. Returns a status or -1. */
static int parse_jobs(struct jobs *j)
{
	char err[DHB_JOBFILE_ERR_LEN];
	struct run_job_ref ref = {.jf = &j->jf, .cmdline = j->line};
	size_t k;
	int ret;

	j->st = calloc(j->n, sizeof(*j->st));
	j->args = calloc(j->n, sizeof(*j->args));
	j->extra = calloc(j->n * 3, sizeof(*j->extra));
	j->status = calloc(j->n, sizeof(*j->status));
	if (!j->st || !j->args || !j->extra || !j->status)
		return oom();
	for (k = 0; k < j->n; k++) {
		ref.i = j->idx[k];
		j->status[k] = -1;
		j->st[k] = run_state_new(&ref);
		if (!j->st[k] || asprintf(&j->extra[k * 3], "--job=%s", j->jf.path) < 0 ||
		    asprintf(&j->extra[k * 3 + 1], "--section=%s", j->jf.jobs[ref.i].name) < 0 ||
		    dhb_jobfile_args(&j->jf, ref.i, j->line, (const char *const *)&j->extra[k * 3],
				     &j->args[k]))
			return oom();
		ret = dhb_opts_parse(&dhb_cmd_run, j->args[k].argc, j->args[k].argv,
				     run_settings_of(j->st[k]), run_line_of(j->st[k]), err,
				     sizeof(err));
		if (ret == -ENOMEM)
			return oom();
		if (ret)
			return run_usage_error(j->st[k], err);
	}
	return -1;
}

/* "FILE:LINE: [JOB] --OPT" for the messages of check_outputs(), malloc'd. */
static char *label(const struct jobs *j, size_t k, const char *opt)
{
	const struct dhb_job *job = &j->jf.jobs[j->idx[k]];
	char *s = NULL;

	if (asprintf(&s, "%s:%u: [%s] %s", j->jf.path,
		     dhb_jobfile_where(&j->jf, j->idx[k], j->line, opt), job->name, opt) < 0)
		return NULL;
	return s;
}

/*
 * The output files of every job together, and the job file as their input: no two jobs write
 * one JSON or samples file, nor a file another job reads or appends to as CSV. Jobs that name a
 * CSV file alike share it (it is appended to), except standard output, which would get a
 * header per job. Returns an exit status or -1.
 */
static int check_outputs(struct jobs *j)
{
	static const char *const opts[] = {"--csv", "--json", "--samples"};
	struct dhb_outfile_arg *a = calloc(j->n * 3 + 1, sizeof(*a));
	size_t n = 0, k, o, m, *users = calloc(j->n * 3 + 1, sizeof(*users));
	bool *csv = calloc(j->n * 3 + 1, sizeof(*csv));
	char err[1024];
	int ret = -1;

	if (!a || !users || !csv) {
		ret = oom();
		goto out;
	}
	a[n++] = (struct dhb_outfile_arg){"--job", j->jf.path, DHB_OUTFILE_INPUT, false};
	for (k = 0; k < j->n && ret < 0; k++) {
		const struct run_settings *s = run_settings_of(j->st[k]);
		const char *paths[] = {s->out.csv, s->out.json, s->out.samples};

		for (o = 0; o < 3; o++) {
			if (!paths[o])
				continue;
			for (m = 1; o == 0 && m < n; m++) {
				if (csv[m] && !strcmp(a[m].path, paths[o]))
					break;
			}
			if (o == 0 && m < n) {
				users[m]++;
				continue;
			}
			a[n].opt = label(j, k, opts[o]);
			a[n].path = paths[o];
			a[n].flags = DHB_OUTFILE_DASH;
			csv[n] = o == 0;
			if (!a[n].opt) {
				ret = oom();
				break;
			}
			users[n++] = 1;
		}
	}
	if (ret < 0 && dhb_outfile_check(a, n, err, sizeof(err))) {
		fprintf(stderr, "dmaheap-bench run: %s%s\n", err,
			(strstr(err, ": the same file as") && !strstr(err, "cannot be an input")) ||
					strstr(err, ": standard output is")
				? " (each job writes its own JSON and samples files: put {job} in "
				  "their names; jobs share a CSV file they name alike)"
				: "");
		ret = DHB_EXIT_USAGE;
	}
	for (m = 1; m < n && ret < 0; m++) {
		if (a[m].std && users[m] > 1) {
			fprintf(stderr,
				"dmaheap-bench run: %s %s: standard output cannot take the CSV of "
				"%zu jobs (one header each); name a file\n",
				a[m].opt, a[m].path, users[m]);
			ret = DHB_EXIT_USAGE;
		}
	}
out:
	for (m = 1; a && m < n; m++)
		free((char *)a[m].opt);
	free(a);
	free(users);
	free(csv);
	return ret;
}

/*
 * Every CSV file the jobs append to, opened and closed once before the first job starts: a file
 * with another schema's header is refused now, not after the jobs before it ran, and an empty
 * one gets its header (a job's sink checks it again when the job starts).
 */
static int check_csv_headers(struct jobs *j)
{
	struct dhb_run_info none = {0};
	struct dhb_sink sink;
	char msg[512];
	size_t k;
	int ret;

	for (k = 0; k < j->n; k++) {
		const struct run_settings *s = run_settings_of(j->st[k]);
		struct dhb_sink_config cfg = {.path = s->out.csv, .append = true, .run = &none};

		if (j->status[k] >= 0 || !s->out.csv || !strcmp(s->out.csv, "-"))
			continue;
		ret = dhb_sink_open(&sink, &dhb_sink_csv_ops, &cfg);
		if (!ret)
			ret = dhb_sink_close(&sink);
		if (!ret)
			continue;
		snprintf(msg, sizeof(msg), "--csv %s: %s", s->out.csv,
			 ret == -EPROTO ? "its header is another schema's; use a new file"
					: strerror(-ret));
		return run_usage_error(j->st[k], msg);
	}
	return -1;
}

/* Check every job, then run them in turn. Returns the worst status. */
static int run_all(struct jobs *j)
{
	cpu_set_t cpus;
	bool have_cpus = !sched_getaffinity(0, sizeof(cpus), &cpus);
	const char *last = NULL;
	int ret, worst = -1;
	size_t k;

	ret = parse_jobs(j);
	if (ret < 0)
		ret = check_outputs(j);
	for (k = 0; k < j->n && ret < 0; k++) {
		j->status[k] = run_prepare(j->st[k]);
		if (j->status[k] >= 0 && j->status[k] != DHB_EXIT_NOTHING)
			ret = j->status[k]; /* a usage error or a failure stops every job */
		worst = worse(worst, j->status[k]);
	}
	if (ret < 0)
		ret = check_csv_headers(j);
	if (ret >= 0)
		return ret;
	for (k = 0; k < j->n; k++) {
		const struct dhb_job *job = &j->jf.jobs[j->idx[k]];

		if (j->status[k] >= 0)
			continue;
		if (have_cpus)
			sched_setaffinity(0, sizeof(cpus),
					  &cpus); /* a job before may have pinned */
		fprintf(stderr, "job [%s] (%s:%u), %zu of %zu\n", job->name, j->jf.path, job->line,
			k + 1, j->n);
		ret = run_start(j->st[k], last);
		if (ret < 0) {
			ret = run_measure(j->st[k]);
			last = run_last_timestamp(j->st[k]);
		}
		if (ret > 128)
			return ret; /* stopped by a signal: no further job */
		worst = worse(worst, ret);
	}
	return worst < 0 ? DHB_EXIT_OK : worst;
}

int dhb_run_jobs(const struct dhb_opts_line *line)
{
	struct dhb_outfile_arg in = {"--job", NULL, DHB_OUTFILE_INPUT, false};
	const char *section = NULL;
	char err[DHB_JOBFILE_ERR_LEN];
	struct jobs j = {.line = line};
	size_t k;
	int ret;

	for (k = 0; k < line->cmd->n_opts; k++) {
		if (!strcmp(line->cmd->opts[k].name, "job"))
			in.path = line->given[k];
		if (!strcmp(line->cmd->opts[k].name, "section"))
			section = line->given[k];
	}
	if (dhb_outfile_check(&in, 1, err, sizeof(err))) {
		fprintf(stderr, "dmaheap-bench run: %s\n", err);
		return DHB_EXIT_USAGE;
	}
	ret = dhb_jobfile_read(&j.jf, in.path, &dhb_cmd_run, not_keys, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dmaheap-bench run: %s\n", err);
		ret = ret == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
	}
	if (!ret)
		ret = pick(&j, section);
	if (ret < 0)
		ret = run_all(&j);
	for (k = 0; k < j.n && j.st; k++) {
		run_state_free(j.st[k]);
		if (j.args)
			dhb_job_args_free(&j.args[k]);
		if (j.extra) {
			free(j.extra[k * 3]);
			free(j.extra[k * 3 + 1]);
		}
	}
	free(j.st);
	free(j.args);
	free(j.extra);
	free(j.status);
	free(j.idx);
	dhb_jobfile_free(&j.jf);
	return ret;
}
