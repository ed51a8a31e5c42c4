// SPDX-License-Identifier: MIT
// Results reader, CSV: the header checked against the column table, then bounded records.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/*
 * What is accepted is what the CSV sink writes (results/SCHEMA.md), nothing looser:
 *  - the first record is the header: exactly the schema's column names in its order;
 *  - every further record has exactly that many fields; fields follow RFC 4180 (a field may be
 *    quoted, "" inside quotes is one quote, CR and LF only inside quotes), records end in LF
 *    or CRLF, the last one too (a file cut short mid-record is refused, not half read);
 *  - a record, with its line end, has at most DHB_RESULTS_MAX_RECORD bytes; no NUL bytes;
 *  - each field is read by dhb_sink_cell_parse(), the writer's own column table.
 * Rows of many runs appended to one file (one header, rows of many timestamps) read as they
 * are: every row carries its run. A second header line (files concatenated with `cat`) is
 * refused with a hint, as SCHEMA.md tells to drop all headers but the first.
 */

enum csv_state {
	CSV_START,  /* at the start of a field */
	CSV_PLAIN,  /* inside an unquoted field */
	CSV_QUOTED, /* inside quotes */
	CSV_CLOSED, /* after a quote inside quotes: the closing one, or the first of "" */
};

static void end_field(struct results_csv_rec *rec)
{
	rec->buf[rec->len++] = '\0';
	rec->nfields++;
}

/* The field after @f (both inside rec->buf). */
static const char *next_field(const char *f)
{
	return f + strlen(f) + 1;
}

int results_csv_record(struct results_ctx *c, struct results_in *in, struct results_csv_rec *rec)
{
	enum csv_state st = CSV_START;
	size_t raw = 0;
	int ch;

	rec->len = 0;
	rec->nfields = 0;
	rec->line = c->line;
	for (;;) {
		ch = results_getc(in);
		if (ch == EOF) {
			if (in->err)
				return results_fail(c, in->err, "read error: %s",
						    strerror(-in->err));
			if (!raw)
				return 0;
			if (st == CSV_QUOTED) {
				c->line = rec->line;
				return results_fail(
					c, -EPROTO,
					"bad quoting: the file ends inside a quoted field");
			}
			return results_fail(c, -EPROTO,
					    "the last record has no line end (file cut short?)");
		}
		if (++raw > DHB_RESULTS_MAX_RECORD) {
			c->line = rec->line;
			return results_fail(c, -E2BIG, "record longer than %u bytes",
					    DHB_RESULTS_MAX_RECORD);
		}
		if (!ch)
			return results_fail(c, -EPROTO, "NUL byte");
		if (st == CSV_QUOTED) {
			if (ch == '"') {
				st = CSV_CLOSED;
			} else {
				rec->buf[rec->len++] = (char)ch;
				c->line += ch == '\n';
			}
			continue;
		}
		if (ch == '"' && st == CSV_CLOSED) { /* "" inside quotes */
			rec->buf[rec->len++] = '"';
			st = CSV_QUOTED;
			continue;
		}
		if (ch == '"' && st == CSV_START) {
			st = CSV_QUOTED;
			continue;
		}
		if (ch == ',') {
			end_field(rec);
			st = CSV_START;
			continue;
		}
		if (ch == '\r') {
			ch = results_getc(in);
			if (ch == EOF && in->err)
				return results_fail(c, in->err, "read error: %s",
						    strerror(-in->err));
			if (ch != '\n')
				return results_fail(c, -EPROTO, "CR without LF outside quotes");
			if (++raw > DHB_RESULTS_MAX_RECORD) {
				c->line = rec->line;
				return results_fail(c, -E2BIG, "record longer than %u bytes",
						    DHB_RESULTS_MAX_RECORD);
			}
		}
		if (ch == '\n') {
			end_field(rec);
			c->line++;
			return 1;
		}
		if (st == CSV_CLOSED)
			return results_fail(c, -EPROTO, "bad quoting: text after a closing quote");
		if (ch == '"')
			return results_fail(c, -EPROTO,
					    "bad quoting: a quote inside an unquoted field");
		rec->buf[rec->len++] = (char)ch;
		st = CSV_PLAIN;
	}
}

/* Whether @rec is exactly the schema's header; else results_fail() says how it differs. */
static int check_header(struct results_ctx *c, const struct results_csv_rec *rec)
{
	size_t ncols = dhb_sink_ncolumns(), i, j;
	char q[160], seen[256] = {0};
	const char *f, *g;
	long k;

	c->line = rec->line;
	f = rec->buf;
	if (strcmp(f, dhb_sink_column(0))) {
		results_quote(f, strlen(f), q, sizeof(q));
		return results_fail(c, -EPROTO,
				    "not a dmaheap-bench results CSV: the header starts with %s, "
				    "not \"%s\"",
				    q, dhb_sink_column(0));
	}
	for (i = 0, f = rec->buf; i < rec->nfields; i++, f = next_field(f)) {
		k = results_column(f);
		if (k < 0) {
			results_quote(f, strlen(f), q, sizeof(q));
			return results_fail(
				c, -EPROTO,
				"unknown column %s (this reader reads schema version %d)", q,
				DHB_SCHEMA_VERSION);
		}
		if (k < (long)sizeof(seen) && seen[k]++)
			return results_fail(c, -EPROTO, "column \"%s\" appears twice", f);
	}
	for (j = 0; j < ncols && j < sizeof(seen); j++) {
		if (!seen[j])
			return results_fail(c, -EPROTO,
					    "missing column \"%s\" (this reader reads schema "
					    "version %d)",
					    dhb_sink_column(j), DHB_SCHEMA_VERSION);
	}
	for (i = 0, g = rec->buf; i < ncols; i++, g = next_field(g)) {
		if (strcmp(g, dhb_sink_column(i)))
			return results_fail(c, -EPROTO,
					    "column %zu is \"%s\", expected \"%s\" (the order of "
					    "schema version %d)",
					    i + 1, g, dhb_sink_column(i), DHB_SCHEMA_VERSION);
	}
	return 0;
}

static int read_row(struct results_ctx *c, const struct results_csv_rec *rec)
{
	size_t ncols = dhb_sink_ncolumns(), i, len;
	struct dhb_results_row *r;
	const char *f = rec->buf;
	int ret;

	c->line = rec->line;
	if (!strcmp(f, dhb_sink_column(0)))
		return results_fail(c, -EPROTO,
				    "a second header line (files are concatenated without their "
				    "header lines: tail -n +2)");
	if (rec->nfields != ncols)
		return results_fail(c, -EPROTO, "%zu fields, expected %zu", rec->nfields, ncols);
	ret = results_new_row(c, &r);
	if (ret)
		return ret;
	for (i = 0; i < ncols; i++, f += len + 1) {
		len = strlen(f);
		ret = results_cell(c, r, i, f, len);
		if (ret)
			return ret;
	}
	return 0;
}

int results_csv_read(struct results_ctx *c, struct results_in *in)
{
	struct results_csv_rec *rec;
	unsigned long next;
	int ret;

	rec = malloc(sizeof(*rec));
	if (!rec)
		return results_fail(c, -ENOMEM, "out of memory");
	c->line = 1;
	ret = results_csv_record(c, in, rec);
	if (!ret) {
		c->line = 0;
		ret = results_fail(c, -EPROTO, "empty file, no header line");
	}
	if (ret < 0)
		goto out_free;
	next = c->line;
	ret = check_header(c, rec);
	if (ret)
		goto out_free;
	c->line = next;
	for (;;) {
		ret = results_csv_record(c, in, rec);
		if (ret <= 0)
			break;
		next = c->line;
		ret = read_row(c, rec);
		if (ret)
			break;
		c->line = next;
	}
out_free:
	free(rec);
	return ret;
}
