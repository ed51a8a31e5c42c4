// SPDX-License-Identifier: MIT
// Samples sink: every sample of every row (or its histogram's buckets), keyed to the row, as CSV.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sink_priv.h"

/*
 * One line per sample (or bucket): the row's key columns (schema_version ... unit, written once
 * per row into a buffer and repeated), then index, value, count, low and high
 * (results/SCHEMA.md, "Samples"). Values are in the row's unit: a sample times the row's
 * samples_scale, formatted like the figures of the rows.
 */
static const char *const extra_columns[] = {"index", "value", "count", "low", "high"};

#define NEXTRA (sizeof(extra_columns) / sizeof(extra_columns[0]))

struct walk {
	FILE *fp;
	const char *key;
	double scale;
	bool exact;
	uint64_t index;
};

static void put_number(FILE *fp, uint64_t v, double scale)
{
	char buf[32];

	if (scale == 1) {
		fprintf(fp, "%" PRIu64, v);
		return;
	}
	dhb_sink_format_number((double)v * scale, buf, sizeof(buf));
	fputs(buf, fp);
}

static int put_bin(void *arg, const struct dhb_stats_bin *b)
{
	struct walk *w = arg;

	fputs(w->key, w->fp);
	fprintf(w->fp, ",%" PRIu64 ",", w->index++);
	put_number(w->fp, b->value, w->scale);
	fprintf(w->fp, ",%" PRIu64 ",", b->count);
	if (!w->exact) {
		put_number(w->fp, b->lo, w->scale);
		putc(',', w->fp);
		put_number(w->fp, b->hi, w->scale);
	} else {
		putc(',', w->fp);
	}
	putc('\n', w->fp);
	return ferror(w->fp) ? -EIO : 0;
}

static int samples_open(struct dhb_sink *sink)
{
	size_t i;

	dhb_sink_csv_names(sink->fp, 0, dhb_sink_nkey_columns());
	for (i = 0; i < NEXTRA; i++)
		fprintf(sink->fp, ",%s", extra_columns[i]);
	putc('\n', sink->fp);
	return 0;
}

static int samples_write_row(struct dhb_sink *sink, const struct dhb_row *row)
{
	struct walk w = {.fp = sink->fp, .scale = row->samples_scale ? row->samples_scale : 1};
	char *key = NULL;
	size_t len = 0;
	FILE *m;
	int ret;

	if (!row->samples || !row->samples->n)
		return 0;
	m = open_memstream(&key, &len);
	if (!m)
		return -ENOMEM;
	dhb_sink_csv_cells(m, sink->cfg.run, row, 0, dhb_sink_nkey_columns());
	ret = ferror(m) ? -ENOMEM : 0;
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	if (!ret) {
		w.key = key;
		w.exact = dhb_stats_is_exact(row->samples);
		ret = dhb_stats_each(row->samples, put_bin, &w);
	}
	free(key);
	return ret == -EIO ? 0 : ret; /* a write error is found by the caller's flush */
}

static int samples_close(struct dhb_sink *sink)
{
	return 0;
}

const struct dhb_sink_ops dhb_sink_samples_ops = {
	.name = "samples",
	.can_append = false,
	.open = samples_open,
	.write_row = samples_write_row,
	.close = samples_close,
};
