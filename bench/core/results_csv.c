// SPDX-License-Identifier: MIT
// Results reader, CSV: the header checked against the column table, then bounded records.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/*
 * What is accepted is what the CSV sink writes (results/SCHEMA.md), nothing looser:
 *  - the first record is the header: exactly the column names of a schema version this reader
 *    reads (DHB_SCHEMA_OLDEST ... DHB_SCHEMA_VERSION), in its order; every row's
 *    schema_version is that version, and the columns a version lacks are unknown in its rows;
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

/* The number of columns of schema version @v. */
static size_t ncolumns_of(unsigned int v)
{
	size_t i, n = 0;

	for (i = 0; i < dhb_sink_ncolumns(); i++)
		n += results_in_version(i, v);
	return n;
}

/* Whether @rec is exactly the header of a version this reader reads (into c->version). */
static int check_header(struct results_ctx *c, const struct results_csv_rec *rec)
{
	c->line = rec->line;
	return results_header_version(c, rec->buf, rec->nfields, dhb_sink_ncolumns(), NULL, 0,
				      "results CSV", &c->version);
}

/* One record: the fields of the file's version's columns, the others unknown. */
static int read_row(struct results_ctx *c, const struct results_csv_rec *rec)
{
	size_t ncols = ncolumns_of(c->version), i, len;
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
	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		if (!results_in_version(i, c->version))
			continue;
		len = strlen(f);
		ret = results_cell(c, r, i, f, len);
		if (ret)
			return ret;
		f += len + 1;
	}
	return results_absent(c, r);
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
