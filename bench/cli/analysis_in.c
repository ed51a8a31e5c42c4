// SPDX-License-Identifier: MIT
// compare's and track's inputs: results files (CSV, JSON) or selectors into the store, row by row.
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis_in.h"
#include "dhb/exit.h"
#include "dhb/results.h"

struct sel_ctx {
	ain_fn fn;
	void *arg;
};

static int from_db(void *arg, const struct dhb_db_row *r)
{
	struct sel_ctx *s = arg;
	char key[512];
	struct ain_row a = {.run = &r->run, .row = &r->row, .run_key = key};

	ain_run_key(key, sizeof(key), &r->run);
	a.timer_overhead_ns = r->timer_overhead_ns;
	return s->fn(s->arg, &a);
}

/* A fact of a JSON source's environment as a number, NaN when absent. */
static double env_number(const struct dhb_results_source *src, const char *key)
{
	double v = NAN;
	size_t i;

	for (i = 0; i < src->n_environment; i++) {
		if (!strcmp(src->environment[i].key, key) && src->environment[i].value &&
		    dhb_sink_parse_number(src->environment[i].value, &v))
			v = NAN;
	}
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's *.csv files, in name order, into @res. */
static int read_dir(struct dhb_results *res, const char *dir)
{
	char **names = NULL, path[4096];
	struct dirent *e;
	size_t n = 0, i, len;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".csv")) {
			char **v = realloc(names, (n + 1) * sizeof(*v));

			if (!v || !(v[n] = strdup(e->d_name))) {
				names = v ? v : names;
				ret = -ENOMEM;
				break;
			}
			names = v;
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !ret; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		ret = dhb_results_read(res, path, DHB_RESULTS_AUTO);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* The files of @input into @res: 0, or the exit status after one line. */
static int read_files(const char *cmd, struct dhb_results *res, const char *input)
{
	char *list = strdup(input), *save = NULL, *f;
	struct stat sb;
	int ret = 0;

	if (!list)
		return DHB_EXIT_FAIL;
	for (f = strtok_r(list, ",", &save); f && !ret; f = strtok_r(NULL, ",", &save)) {
		if (!stat(f, &sb) && S_ISDIR(sb.st_mode))
			ret = read_dir(res, f);
		else
			ret = dhb_results_read(res, f, DHB_RESULTS_AUTO);
	}
	free(list);
	if (ret == -ENOMEM) {
		fprintf(stderr, "dmaheap-bench %s: out of memory\n", cmd);
		return DHB_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench %s: %s\n", cmd,
			*dhb_results_error(res) ? dhb_results_error(res) : strerror(-ret));
		return DHB_EXIT_USAGE;
	}
	return 0;
}

void ain_run_key(char *buf, size_t len, const struct dhb_run_info *run)
{
	snprintf(buf, len, "%s|%s|%s|%s|%s/%llu", run->timestamp, run->hostname, run->board,
		 run->kernel, run->git_rev, (unsigned long long)run->repetition);
}

struct samples_ctx {
	ain_sample_fn fn;
	void *arg;
};

static int from_sample(void *arg, const struct dhb_results_sample *s)
{
	struct samples_ctx *x = arg;
	const struct dhb_run_info run = {.timestamp = s->timestamp,
					 .hostname = s->hostname,
					 .board = s->board,
					 .kernel = s->kernel,
					 .git_rev = s->git_rev,
					 .repetition = s->repetition};
	char key[512];

	ain_run_key(key, sizeof(key), &run);
	return x->fn(x->arg, s, key);
}

int ain_load_samples(const char *cmd, const char *input, ain_sample_fn fn, void *arg)
{
	char *list = strdup(input), *save = NULL, *f;
	struct samples_ctx x = {fn, arg};
	struct dhb_results res;
	int ret = 0;

	if (!list)
		return DHB_EXIT_FAIL;
	dhb_results_init(&res, 0);
	for (f = strtok_r(list, ",", &save); f && !ret; f = strtok_r(NULL, ",", &save))
		ret = dhb_results_read_samples(&res, f, from_sample, &x);
	free(list);
	if (ret == -ENOMEM)
		fprintf(stderr, "dmaheap-bench %s: out of memory\n", cmd);
	else if (ret)
		fprintf(stderr, "dmaheap-bench %s: %s\n", cmd,
			*dhb_results_error(&res) ? dhb_results_error(&res) : strerror(-ret));
	dhb_results_free(&res);
	return !ret ? -1 : ret == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
}

/* A run of the files, and the file its rows are taken from. */
struct run_source {
	char key[512];
	const struct dhb_results_source *src;
};

/*
 * The file each run's rows are taken from: a run given twice (its CSV and its JSON, as run
 * writes them) counts once, from its JSON, which also carries the run's environment (timer
 * overhead); else from the first file that has it. Rows of one run are adjacent in a file.
 */
static struct run_source *run_sources(const struct dhb_results *res, size_t *n_out)
{
	struct run_source *v = NULL, *t;
	size_t n = 0, cap = 0, i, j = 0;
	char key[512];

	for (i = 0; i < res->n_rows; i++) {
		const struct dhb_results_row *r = &res->rows[i];

		ain_run_key(key, sizeof(key), &r->run);
		if (n && !strcmp(v[j].key, key) && v[j].src == r->source)
			continue;
		for (j = 0; j < n && strcmp(v[j].key, key); j++)
			;
		if (j < n) {
			if (v[j].src->format != DHB_RESULTS_JSON &&
			    r->source->format == DHB_RESULTS_JSON)
				v[j].src = r->source;
			continue;
		}
		if (n == cap) {
			t = realloc(v, (cap ? cap * 2 : 16) * sizeof(*v));
			if (!t) {
				free(v);
				return NULL;
			}
			v = t;
			cap = cap ? cap * 2 : 16;
		}
		memcpy(v[n].key, key, sizeof(key));
		v[n].src = r->source;
		j = n++;
	}
	*n_out = n;
	return v ? v : calloc(1, sizeof(*v));
}

/* Whether row @r comes from the file its run's rows are taken from (@j: a hint, updated). */
static bool taken(const struct run_source *v, size_t n, const struct dhb_results_row *r,
		  const char *key, size_t *j)
{
	if (*j >= n || strcmp(v[*j].key, key))
		for (*j = 0; *j < n && strcmp(v[*j].key, key); (*j)++)
			;
	return *j < n && v[*j].src == r->source;
}

static int load_files(const char *cmd, const char *input, ain_fn fn, void *arg)
{
	struct run_source *runs = NULL;
	struct dhb_results res;
	struct ain_row a;
	char key[512];
	size_t i, n_runs = 0, j = 0;
	int ret;

	dhb_results_init(&res, 0);
	ret = read_files(cmd, &res, input);
	if (!ret) {
		runs = run_sources(&res, &n_runs);
		if (!runs) {
			fprintf(stderr, "dmaheap-bench %s: out of memory\n", cmd);
			ret = DHB_EXIT_FAIL;
		}
	}
	for (i = 0; !ret && i < res.n_rows; i++) {
		const struct dhb_results_row *r = &res.rows[i];

		ain_run_key(key, sizeof(key), &r->run);
		if (!taken(runs, n_runs, r, key, &j))
			continue; /* the run's other file */
		a = (struct ain_row){.run = &r->run, .row = &r->row, .run_key = key};
		a.timer_overhead_ns = env_number(r->source, "timer_overhead_ns");
		ret = fn(arg, &a);
		if (ret)
			ret = ret == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
	}
	if (!ret && !res.n_rows) {
		fprintf(stderr, "dmaheap-bench %s: %s: no rows\n", cmd, input);
		ret = DHB_EXIT_USAGE;
	}
	free(runs);
	dhb_results_free(&res);
	return ret ? ret : -1;
}

/* Whether @input names files (an existing path before its first comma) rather than a selector. */
static bool is_files(const char *input)
{
	const char *comma = strchr(input, ',');
	char first[4096];
	struct stat sb;

	snprintf(first, sizeof(first), "%.*s", (int)(comma ? comma - input : (long)strlen(input)),
		 input);
	return !stat(first, &sb) || !strchr(input, '=') ? strcmp(input, "all") : false;
}

struct dhb_cmp_obs ain_obs(const struct ain_row *a)
{
	return (struct dhb_cmp_obs){
		.board = a->run->board,
		.test = a->row->test,
		.heap = a->row->heap,
		.backend = a->row->backend,
		.size_bytes = a->row->size_bytes,
		.metric = a->row->metric,
		.params = a->row->params ? a->row->params : "",
		.unit = a->row->unit,
		.run = a->run_key,
		.boot = a->run->boot_id,
		.value = a->row->stats.p50,
		.timer_overhead_ns = a->timer_overhead_ns,
	};
}

void ain_cmp_params(const struct ain_stats *s, struct dhb_cmp_params *p)
{
	dhb_cmp_params_default(p);
	p->alpha = s->alpha;
	p->min_effect = s->min_effect;
	p->adjust = !strcmp(s->correction, "holm")   ? DHB_ADJUST_HOLM
		    : !strcmp(s->correction, "none") ? DHB_ADJUST_NONE
						     : DHB_ADJUST_BH;
}

enum dhb_cmp_format ain_format(const char *format)
{
	return !strcmp(format, "csv")	 ? DHB_CMP_CSV
	       : !strcmp(format, "json") ? DHB_CMP_JSON
					 : DHB_CMP_TABLE;
}

int ain_load(const char *cmd, const char *input, const char *db_path, struct dhb_db **db, ain_fn fn,
	     void *arg)
{
	struct sel_ctx s = {fn, arg};
	char err[DHB_DB_ERROR_LEN];
	size_t n = 0;
	int ret;

	if (is_files(input))
		return load_files(cmd, input, fn, arg);
	ret = dhb_db_selector_check(input, err, sizeof(err));
	if (!ret && !*db)
		ret = dhb_db_open(db_path, false, db, err, sizeof(err));
	if (!ret)
		ret = dhb_db_select(*db, input, from_db, &s, &n, err, sizeof(err));
	if (ret == -ENOMEM) {
		fprintf(stderr, "dmaheap-bench %s: out of memory\n", cmd);
		return DHB_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench %s: %s\n", cmd, err);
		return DHB_EXIT_USAGE;
	}
	if (!n) {
		fprintf(stderr, "dmaheap-bench %s: selector '%s' matches nothing in %s\n", cmd,
			input, db_path);
		return DHB_EXIT_USAGE;
	}
	return -1;
}
