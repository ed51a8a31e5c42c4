// SPDX-License-Identifier: MIT
// Results reader, samples: the file of `run --samples` (SCHEMA.md, "Samples"), line by line.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/*
 * What is accepted is what the samples sink writes, nothing looser: the header is the key
 * columns (schema_version ... unit) of a schema version this reader reads, then the columns
 * below; records as results_csv_record() reads them (bounded, RFC 4180). Every key field is
 * read by dhb_sink_cell_parse(), like a results row's (a version 1 file's rows have no boot
 * and repetition: unknown); then index an integer, value a number, count an integer from 1,
 * and low and high both empty (an exact sample) or both numbers, low <= high (a bucket).
 */
static const char *const tail[] = {"index", "value", "count", "low", "high"};
enum { T_INDEX, T_VALUE, T_COUNT, T_LOW, T_HIGH, NTAIL };

static int check_header(struct results_ctx *c, const struct results_csv_rec *rec)
{
	c->line = rec->line;
	return results_header_version(c, rec->buf, rec->nfields, dhb_sink_nkey_columns(), tail,
				      NTAIL, "samples file", &c->version);
}

/* results_fail(): column @col of the tail holds @text, which is not @what. */
static int tail_fail(struct results_ctx *c, int col, const char *text, const char *what)
{
	char q[160];

	results_quote(text, strlen(text), q, sizeof(q));
	return results_fail(c, -EPROTO, "column \"%s\": %s is not %s", tail[col], q, what);
}

/* One line into @s (strings point into @rec or are ""); results_fail() on a bad field. */
static int parse_line(struct results_ctx *c, const struct results_csv_rec *rec,
		      struct dhb_results_sample *s)
{
	size_t nkey = dhb_sink_nkey_columns(), col, i, want = NTAIL;
	struct dhb_results_row r = {0};
	const char *f = rec->buf, *t[NTAIL];
	int ret;

	c->line = rec->line;
	for (col = 0; col < nkey; col++)
		want += results_in_version(col, c->version);
	if (rec->nfields != want)
		return results_fail(c, -EPROTO, "%zu fields, expected %zu", rec->nfields, want);
	for (col = 0; col < nkey; col++) {
		if (!results_in_version(col, c->version)) {
			dhb_sink_cell_parse(&r.run, &r.row, col, ""); /* unknown */
			continue;
		}
		ret = col ? dhb_sink_cell_parse(&r.run, &r.row, col, f)
			  : results_version(c, f, strlen(f));
		if (ret)
			return col ? results_cell_fail(c, col, f, strlen(f), ret) : ret;
		f += strlen(f) + 1;
	}
	for (i = 0; i < NTAIL; i++, f += strlen(f) + 1)
		t[i] = f;
	*s = (struct dhb_results_sample){
		.tool_version = r.run.tool_version,
		.git_rev = r.run.git_rev,
		.timestamp = r.run.timestamp,
		.hostname = r.run.hostname,
		.board = r.run.board,
		.kernel = r.run.kernel,
		.boot_id = r.run.boot_id,
		.repetition = r.run.repetition,
		.test = r.row.test,
		.heap = r.row.heap,
		.backend = r.row.backend,
		.size_bytes = r.row.size_bytes,
		.metric = r.row.metric,
		.params = r.row.params,
		.unit = r.row.unit,
	};
	if (dhb_sink_parse_uint(t[T_INDEX], &s->index))
		return tail_fail(c, T_INDEX, t[T_INDEX], "an integer");
	if (dhb_sink_parse_number(t[T_VALUE], &s->value))
		return tail_fail(c, T_VALUE, t[T_VALUE], "a number");
	if (dhb_sink_parse_uint(t[T_COUNT], &s->count) || !s->count)
		return tail_fail(c, T_COUNT, t[T_COUNT], "a count from 1");
	s->low = s->high = NAN;
	if (*t[T_LOW] && dhb_sink_parse_number(t[T_LOW], &s->low))
		return tail_fail(c, T_LOW, t[T_LOW], "empty or a number");
	if (*t[T_HIGH] && dhb_sink_parse_number(t[T_HIGH], &s->high))
		return tail_fail(c, T_HIGH, t[T_HIGH], "empty or a number");
	if (isnan(s->low) != isnan(s->high) || s->low > s->high)
		return results_fail(c, -EPROTO,
				    "columns \"low\" and \"high\" are no bucket (both empty for a "
				    "sample, else low <= high)");
	return 0;
}

/* Every line of @in to @fn, or the first failure. */
static int read_samples(struct dhb_results *res, const char *name, struct results_in *in,
			dhb_results_sample_fn fn, void *arg)
{
	struct dhb_results_source src = {.name = name, .format = DHB_RESULTS_CSV};
	struct results_ctx c = {.res = res, .src = &src, .row = -1, .line = 1};
	struct dhb_results_sample s;
	struct results_csv_rec *rec;
	unsigned long next;
	int ret;

	res->error[0] = '\0';
	rec = malloc(sizeof(*rec));
	if (!rec)
		return results_fail(&c, -ENOMEM, "out of memory");
	ret = results_csv_record(&c, in, rec);
	if (!ret) {
		c.line = 0;
		ret = results_fail(&c, -EPROTO, "empty file, no header line");
	}
	if (ret > 0) {
		next = c.line;
		ret = check_header(&c, rec);
		c.line = next;
	}
	while (!ret) {
		ret = results_csv_record(&c, in, rec);
		if (ret <= 0)
			break;
		next = c.line;
		ret = parse_line(&c, rec, &s);
		if (!ret)
			ret = fn(arg, &s);
		c.line = next;
	}
	free(rec);
	return ret;
}

int dhb_results_read_samples(struct dhb_results *res, const char *path, dhb_results_sample_fn fn,
			     void *arg)
{
	struct dhb_results_source src = {.name = path};
	struct results_ctx c = {.res = res, .src = &src, .row = -1};
	struct results_in *in = calloc(1, sizeof(*in));
	int ret;

	if (!in)
		return results_fail(&c, -ENOMEM, "out of memory");
	in->fp = fopen(path, "r");
	if (!in->fp) {
		ret = results_fail(&c, -errno, "%s", strerror(errno));
		goto out_free;
	}
	ret = read_samples(res, path, in, fn, arg);
	fclose(in->fp);
out_free:
	free(in);
	return ret;
}

int dhb_results_read_samples_mem(struct dhb_results *res, const char *name, const void *data,
				 size_t len, dhb_results_sample_fn fn, void *arg)
{
	struct results_in in = {.mem = data, .len = len};

	return read_samples(res, name, &in, fn, arg);
}
