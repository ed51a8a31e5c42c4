// SPDX-License-Identifier: MIT
// Internal interface of the results reader: the state of one file's read, shared helpers.
#ifndef DHB_RESULTS_PRIV_H
#define DHB_RESULTS_PRIV_H

#include <errno.h>
#include <stdio.h>

#include "dhb/results.h"

/**
 * struct results_in - the bytes of one file: a stream, or memory.
 * @fp: stream, or NULL to read @mem.
 * @mem: bytes (when @fp is NULL), or the stream's buffer.
 * @len: bytes in @mem.
 * @pos: next byte of @mem.
 * @err: -errno of a failed read of @fp, 0 when none.
 * @buf: the stream's buffer.
 */
struct results_in {
	FILE *fp;
	const unsigned char *mem;
	size_t len;
	size_t pos;
	int err;
	unsigned char buf[16384];
};

/**
 * struct results_ctx - one file's read.
 * @res: set the rows go to.
 * @src: the file's source (joins the set when the read succeeds).
 * @line: line the next message names (CSV, JSON syntax), 0 for none.
 * @row: JSON row the next message names, -1 for none.
 * @last: per column, the text column's last string, shared by the next equal one.
 * @version: the file's schema version (its CSV header's, its JSON document's), 0 until known.
 */
struct results_ctx {
	struct dhb_results *res;
	struct dhb_results_source *src;
	unsigned long line;
	long row;
	const char **last;
	unsigned int version;
};

/* Next byte, EOF at the end or on a read error (then in->err is set). */
static inline int results_getc(struct results_in *in)
{
	size_t n;

	if (in->pos < in->len)
		return in->mem[in->pos++];
	if (!in->fp || in->err)
		return EOF;
	errno = 0;
	n = fread(in->buf, 1, sizeof(in->buf), in->fp);
	if (!n) {
		if (ferror(in->fp))
			in->err = errno ? -errno : -EIO;
		return EOF;
	}
	in->mem = in->buf;
	in->len = n;
	in->pos = 0;
	return in->mem[in->pos++];
}

/* Record the reason of a failure in res->error, prefixed with the file and place; @ret back. */
int results_fail(struct results_ctx *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* @text (@len bytes) as a short, printable, quoted excerpt for a message, into @buf. */
void results_quote(const char *text, size_t len, char *buf, size_t size);

/* A copy of @len bytes at @s, NUL-terminated, owned by the set; NULL when out of memory. */
char *results_strdup(struct dhb_results *res, const char *s, size_t len);

/* Zeroed memory owned by the set; NULL when out of memory. */
void *results_zalloc(struct dhb_results *res, size_t size);

/* A new zeroed row at the end of the set, for the current place, in @r; or results_fail(). */
int results_new_row(struct results_ctx *c, struct dhb_results_row **r);

/*
 * Store column @col's text (NUL-terminated, @len bytes) into @r, or results_fail() why not.
 * schema_version must be c->version's, or sets it while it is 0.
 */
int results_cell(struct results_ctx *c, struct dhb_results_row *r, size_t col, const char *text,
		 size_t len);

/* The schema_version cell @text: a version this reader reads, c->version (set when 0). */
int results_version(struct results_ctx *c, const char *text, size_t len);

/* The columns @r's file lacks (added after c->version) set to unknown, as empty cells are. */
int results_absent(struct results_ctx *c, struct dhb_results_row *r);

/* results_fail() with the reason dhb_sink_cell_parse() gave (@ret) for column @col's @text. */
int results_cell_fail(struct results_ctx *c, size_t col, const char *text, size_t len, int ret);

/* Whether column @col is one of schema version @v's. */
static inline bool results_in_version(size_t col, unsigned int v)
{
	unsigned int since = dhb_sink_column_since(col);

	return since && since <= v;
}

/* The versions this reader reads, for messages: "versions 1 and 2". */
const char *results_versions(void);

/*
 * The version of the header @names (@n NUL-terminated names one after the other) into
 * @version: the version whose header it is exactly, the schema's columns below @ncols_of of
 * that version, then @tail (@ntail names); else results_fail() says how it differs from the
 * version it comes closest to (@what names the kind of file when it is no such header at all).
 */
int results_header_version(struct results_ctx *c, const char *names, size_t n, size_t ncols_of,
			   const char *const *tail, size_t ntail, const char *what,
			   unsigned int *version);

/* Index of the schema's column named @name, or -1. */
long results_column(const char *name);

/* Whether two run identities are the same (NULL strings equal ""). */
bool results_run_equal(const struct dhb_run_info *a, const struct dhb_run_info *b);

/* Read a CSV file (results_csv.c) or a JSON document (results_json.c) into c->res. */
int results_csv_read(struct results_ctx *c, struct results_in *in);

/**
 * struct results_csv_rec - one CSV record, unquoted.
 * @buf: its fields, each NUL-terminated, one after the other.
 * @len: bytes used in @buf.
 * @nfields: number of fields.
 * @line: line the record starts on.
 */
struct results_csv_rec {
	char buf[DHB_RESULTS_MAX_RECORD + 2];
	size_t len;
	size_t nfields;
	unsigned long line;
};

/*
 * results_csv_record() - read one record (RFC 4180, bounded) into @rec; c->line is the line of
 * the next byte (1 at the start). Return: 1 for a record, 0 at the end of the file, or a
 * results_fail() error.
 */
int results_csv_record(struct results_ctx *c, struct results_in *in, struct results_csv_rec *rec);
int results_json_read(struct results_ctx *c, const char *data, size_t len);

#endif /* DHB_RESULTS_PRIV_H */
