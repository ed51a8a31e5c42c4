// SPDX-License-Identifier: MIT
// Results reader, samples: the file of `run --samples` (SCHEMA.md, "Samples"), line by line.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/* The columns after the row's key columns (schema_version .. unit). */
static const char *const tail[] = {"index", "value", "count", "low", "high"};
#define NTAIL (sizeof(tail) / sizeof(tail[0]))

/* The number of key columns: the schema's columns up to and with "unit". */
static size_t key_columns(void)
{
	long u = results_column("unit");

	return u < 0 ? 0 : (size_t)u + 1;
}

static int check_header(struct results_ctx *c, const struct results_csv_rec *rec)
{
	size_t nkey = key_columns(), i;
	const char *f = rec->buf;

	c->line = rec->line;
	if (rec->nfields != nkey + NTAIL)
		return results_fail(
			c, -EPROTO,
			"not a samples file of schema version %d: %zu columns, expected "
			"%zu",
			DHB_SCHEMA_VERSION, rec->nfields, nkey + NTAIL);
	for (i = 0; i < rec->nfields; i++, f += strlen(f) + 1) {
		const char *want = i < nkey ? dhb_sink_column(i) : tail[i - nkey];

		if (strcmp(f, want))
			return results_fail(c, -EPROTO,
					    "column %zu is \"%s\", expected \"%s\" (a samples file "
					    "of schema version %d)",
					    i + 1, f, want, DHB_SCHEMA_VERSION);
	}
	return 0;
}

/* One line into @s (strings point into @rec); results_fail() on a bad field. */
static int parse_line(struct results_ctx *c, const struct results_csv_rec *rec,
		      struct dhb_results_sample *s)
{
	size_t nkey = key_columns(), i;
	const char *f[64], *p = rec->buf;
	char *end;

	c->line = rec->line;
	if (rec->nfields != nkey + NTAIL || rec->nfields > 64)
		return results_fail(c, -EPROTO, "%zu fields, expected %zu", rec->nfields,
				    nkey + NTAIL);
	for (i = 0; i < rec->nfields; i++, p += strlen(p) + 1)
		f[i] = p;
	s->tool_version = f[results_column("tool_version")];
	s->git_rev = f[results_column("git_rev")];
	s->timestamp = f[results_column("timestamp")];
	s->hostname = f[results_column("hostname")];
	s->board = f[results_column("board")];
	s->kernel = f[results_column("kernel")];
	s->test = f[results_column("test")];
	s->heap = f[results_column("heap")];
	s->backend = f[results_column("backend")];
	s->metric = f[results_column("metric")];
	s->params = f[results_column("params")];
	s->unit = f[results_column("unit")];
	errno = 0;
	s->size_bytes = strtoull(f[results_column("size_bytes")], &end, 10);
	if (errno || *end || end == f[results_column("size_bytes")])
		return results_fail(c, -EPROTO, "size_bytes \"%s\" is not a count",
				    f[results_column("size_bytes")]);
	if (dhb_sink_parse_number(f[nkey + 1], &s->value))
		return results_fail(c, -EPROTO, "value \"%s\" is not a number", f[nkey + 1]);
	s->count = strtoull(f[nkey + 2], &end, 10);
	if (errno || *end || !s->count)
		return results_fail(c, -EPROTO, "count \"%s\" is not a positive count",
				    f[nkey + 2]);
	return 0;
}

int dhb_results_read_samples(struct dhb_results *res, const char *path, dhb_results_sample_fn fn,
			     void *arg)
{
	struct dhb_results_source src = {.name = path};
	struct results_ctx c = {.res = res, .src = &src, .row = -1};
	struct dhb_results_sample s;
	struct results_csv_rec *rec = malloc(sizeof(*rec));
	struct results_in *in = calloc(1, sizeof(*in));
	int ret;

	if (!rec || !in) {
		ret = results_fail(&c, -ENOMEM, "out of memory");
		goto out_free;
	}
	in->fp = fopen(path, "r");
	if (!in->fp) {
		ret = results_fail(&c, -errno, "%s", strerror(errno));
		goto out_free;
	}
	c.line = 1;
	ret = results_csv_record(&c, in, rec);
	if (!ret)
		ret = results_fail(&c, -EPROTO, "empty file, no header line");
	if (ret > 0)
		ret = check_header(&c, rec);
	while (!ret) {
		c.line = rec->line + 1;
		ret = results_csv_record(&c, in, rec);
		if (ret <= 0)
			break;
		ret = parse_line(&c, rec, &s);
		if (!ret)
			ret = fn(arg, &s);
	}
	fclose(in->fp);
out_free:
	free(rec);
	free(in);
	return ret;
}
