// SPDX-License-Identifier: MIT
// Results reader, common part: the set and its storage, one file's read, cells and messages.
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/*
 * Storage: rows live in one array (grown by doubling, bounded by max_rows); their strings and
 * the sources live in chunks that are freed only with the set. A refused file leaves its
 * strings in the chunks (freed by dhb_results_free()), never rows or a source in the set. Equal
 * consecutive values of a text column share one string, so the run identity of a run's rows
 * (repeated on every row) is stored about once per run.
 */
#define CHUNK_SIZE  65536u
#define FIRST_ROWS  256u
#define QUOTE_BYTES 32u

struct dhb_results_chunk {
	struct dhb_results_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

void dhb_results_init(struct dhb_results *res, size_t max_rows)
{
	memset(res, 0, sizeof(*res));
	res->max_rows = max_rows ? max_rows : DHB_RESULTS_MAX_ROWS;
}

void dhb_results_free(struct dhb_results *res)
{
	struct dhb_results_chunk *ch, *next;

	for (ch = res->chunks; ch; ch = next) {
		next = ch->next;
		free(ch);
	}
	free(res->rows);
	free(res->sources);
	dhb_results_init(res, res->max_rows);
}

const char *dhb_results_error(const struct dhb_results *res)
{
	return res->error;
}

void *results_zalloc(struct dhb_results *res, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct dhb_results_chunk *ch = res->chunks;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + align - 1) / align * align;
	if (!ch || ch->size - ch->used < size) {
		ch = calloc(1, sizeof(*ch) + (size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE));
		if (!ch)
			return NULL;
		ch->size = size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE;
		if (size > CHUNK_SIZE / 4 && res->chunks) {
			/* a large block of its own, behind the chunk still being filled */
			ch->next = res->chunks->next;
			res->chunks->next = ch;
		} else {
			ch->next = res->chunks;
			res->chunks = ch;
		}
	}
	p = (unsigned char *)ch->data + ch->used;
	ch->used += size;
	return p; /* calloc'd, never handed out twice */
}

char *results_strdup(struct dhb_results *res, const char *s, size_t len)
{
	char *p = results_zalloc(res, len + 1);

	if (p)
		memcpy(p, s, len);
	return p;
}

int results_fail(struct results_ctx *c, int ret, const char *fmt, ...)
{
	char *e = c->res->error;
	size_t size = sizeof(c->res->error), used;
	va_list ap;
	int w;

	if (c->line)
		w = snprintf(e, size, "%s:%lu: ", c->src->name, c->line);
	else
		w = snprintf(e, size, "%s: ", c->src->name);
	used = w < 0 ? 0 : (size_t)w < size ? (size_t)w : size - 1;
	if (c->row >= 0 && used < size) {
		w = snprintf(e + used, size - used, "rows[%ld]: ", c->row);
		used = w < 0 ? used : used + (size_t)w < size ? used + (size_t)w : size - 1;
	}
	va_start(ap, fmt);
	vsnprintf(e + used, size - used, fmt, ap);
	va_end(ap);
	for (; *e; e++) { /* one line, whatever the file name holds */
		if ((unsigned char)*e < 0x20 || *e == 0x7f)
			*e = '?';
	}
	return ret;
}

void results_quote(const char *text, size_t len, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	size_t i, o = 0;

	if (size < QUOTE_BYTES * 4 + 8) {
		if (size)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (i = 0; i < len && i < QUOTE_BYTES; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)s[i];
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			buf[o++] = (char)s[i];
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[s[i] >> 4];
			buf[o++] = hex[s[i] & 15];
		}
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

int results_new_row(struct results_ctx *c, struct dhb_results_row **r)
{
	struct dhb_results *res = c->res;
	struct dhb_results_row *rows;
	size_t cap;

	if (res->n_rows >= res->max_rows)
		return results_fail(c, -E2BIG, "more rows than the limit of this set, %zu",
				    res->max_rows);
	if (res->n_rows == res->cap_rows) {
		cap = res->cap_rows ? res->cap_rows * 2 : FIRST_ROWS;
		if (cap > res->max_rows)
			cap = res->max_rows;
		rows = cap <= SIZE_MAX / sizeof(*rows) ? realloc(res->rows, cap * sizeof(*rows))
						       : NULL;
		if (!rows)
			return results_fail(c, -ENOMEM, "out of memory for %zu rows", cap);
		res->rows = rows;
		res->cap_rows = cap;
	}
	*r = &res->rows[res->n_rows++];
	memset(*r, 0, sizeof(**r));
	(*r)->source = c->src;
	(*r)->line = c->line;
	return 0;
}

/* The versions this reader reads, in words, made when the program is compiled. */
#define STR_(x) #x
#define STR(x)	STR_(x)
#if DHB_SCHEMA_OLDEST == DHB_SCHEMA_VERSION
#define VERSIONS "version " STR(DHB_SCHEMA_VERSION)
#elif DHB_SCHEMA_OLDEST + 1 == DHB_SCHEMA_VERSION
#define VERSIONS "versions " STR(DHB_SCHEMA_OLDEST) " and " STR(DHB_SCHEMA_VERSION)
#else
#define VERSIONS "versions " STR(DHB_SCHEMA_OLDEST) " to " STR(DHB_SCHEMA_VERSION)
#endif

const char *results_versions(void)
{
	return VERSIONS;
}

int results_cell_fail(struct results_ctx *c, size_t col, const char *text, size_t len, int ret)
{
	enum dhb_column_type type = dhb_sink_column_type(col);
	const char *name = dhb_sink_column(col);
	char q[QUOTE_BYTES * 4 + 8];

	results_quote(text, len, q, sizeof(q));
	switch (ret) {
	case -EPROTO:
		return results_fail(c, -EPROTO, "schema version %s; this reader reads %s", text,
				    results_versions());
	case -ENODATA:
		return results_fail(c, -EPROTO, "column \"%s\" is empty; it cannot be missing",
				    name);
	case -ERANGE:
		return results_fail(c, -EPROTO, "column \"%s\": %s is out of range", name, q);
	}
	if (type == DHB_COLUMN_INT)
		return results_fail(c, -EPROTO, "column \"%s\": %s is not an integer", name, q);
	if (type == DHB_COLUMN_REAL)
		return results_fail(c, -EPROTO, "column \"%s\": %s is not a number", name, q);
	return results_fail(c, -EPROTO, "column \"%s\": %s holds an unknown flag", name, q);
}

int results_version(struct results_ctx *c, const char *text, size_t len)
{
	struct dhb_results_row r = {0};
	uint64_t v;
	int ret = dhb_sink_cell_parse(&r.run, &r.row, 0, text);

	if (ret)
		return results_cell_fail(c, 0, text, len, ret);
	dhb_sink_parse_uint(text, &v); /* checked above */
	if (!c->version)
		c->version = (unsigned int)v;
	else if (v != c->version)
		return results_fail(
			c, -EPROTO, "schema version %s, but the %s is of version %u", text,
			c->src->format == DHB_RESULTS_JSON ? "document" : "header", c->version);
	return 0;
}

int results_cell(struct results_ctx *c, struct dhb_results_row *r, size_t col, const char *text,
		 size_t len)
{
	const char *s = text;
	int ret;

	if (!col)
		return results_version(c, text, len);
	if (dhb_sink_column_type(col) == DHB_COLUMN_TEXT) {
		if (!c->last[col] || strcmp(c->last[col], text)) {
			c->last[col] = results_strdup(c->res, text, len);
			if (!c->last[col])
				return results_fail(c, -ENOMEM, "out of memory");
		}
		s = c->last[col];
	}
	ret = dhb_sink_cell_parse(&r->run, &r->row, col, s);
	return ret ? results_cell_fail(c, col, text, len, ret) : 0;
}

int results_absent(struct results_ctx *c, struct dhb_results_row *r)
{
	size_t col;
	int ret;

	for (col = 0; col < dhb_sink_ncolumns(); col++) {
		if (results_in_version(col, c->version))
			continue;
		ret = results_cell(c, r, col, "", 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Which version's columns @names is closest to, to say how it differs: the newest version
 * whose own columns (those it added) it names any of, else the oldest.
 */
static unsigned int closest_version(const char *names, size_t n)
{
	unsigned int best = DHB_SCHEMA_OLDEST, since;
	const char *f = names;
	size_t i;
	long k;

	for (i = 0; i < n; i++, f += strlen(f) + 1) {
		k = results_column(f);
		since = k < 0 ? 0 : dhb_sink_column_since((size_t)k);
		if (since > best)
			best = since;
	}
	return best;
}

/* The @i-th name of version @v's header: its columns below @ncols_of, then @tail. */
static const char *header_name(unsigned int v, size_t i, size_t ncols_of, const char *const *tail,
			       size_t ntail)
{
	size_t col;

	for (col = 0; col < ncols_of; col++) {
		if (results_in_version(col, v) && !i--)
			return dhb_sink_column(col);
	}
	return i < ntail ? tail[i] : NULL;
}

/* Whether @names is exactly version @v's header. */
static bool header_is(const char *names, size_t n, unsigned int v, size_t ncols_of,
		      const char *const *tail, size_t ntail)
{
	const char *f = names, *want;
	size_t i;

	for (i = 0; i < n; i++, f += strlen(f) + 1) {
		want = header_name(v, i, ncols_of, tail, ntail);
		if (!want || strcmp(f, want))
			return false;
	}
	return !header_name(v, n, ncols_of, tail, ntail);
}

/* Position of @name in version @v's header, -1 when it has none such. */
static long header_index(const char *name, unsigned int v, size_t ncols_of, const char *const *tail,
			 size_t ntail)
{
	const char *want;
	size_t i;

	for (i = 0; (want = header_name(v, i, ncols_of, tail, ntail)); i++) {
		if (!strcmp(want, name))
			return (long)i;
	}
	return -1;
}

int results_header_version(struct results_ctx *c, const char *names, size_t n, size_t ncols_of,
			   const char *const *tail, size_t ntail, const char *what,
			   unsigned int *version)
{
	unsigned int v;
	char q[QUOTE_BYTES * 4 + 8], seen[256] = {0};
	const char *f, *want;
	size_t i;
	long k;

	if (strcmp(names, dhb_sink_column(0))) {
		results_quote(names, strlen(names), q, sizeof(q));
		return results_fail(c, -EPROTO,
				    "not a dmaheap-bench %s: the header starts with %s, not \"%s\"",
				    what, q, dhb_sink_column(0));
	}
	for (v = DHB_SCHEMA_VERSION; v >= DHB_SCHEMA_OLDEST && v > 0; v--) {
		if (header_is(names, n, v, ncols_of, tail, ntail)) {
			*version = v;
			return 0;
		}
	}
	v = closest_version(names, n);
	for (i = 0, f = names; i < n; i++, f += strlen(f) + 1) {
		k = header_index(f, v, ncols_of, tail, ntail);
		if (k < 0) {
			results_quote(f, strlen(f), q, sizeof(q));
			return results_fail(
				c, -EPROTO,
				"unknown column %s for a %s (this reader reads schema %s)", q, what,
				results_versions());
		}
		if (k < (long)sizeof(seen) && seen[k]++)
			return results_fail(c, -EPROTO, "column \"%s\" appears twice", f);
	}
	for (i = 0; (want = header_name(v, i, ncols_of, tail, ntail)); i++) {
		if (i < sizeof(seen) && !seen[i])
			return results_fail(c, -EPROTO,
					    "missing column \"%s\" (of schema version %u; this "
					    "reader reads %s)",
					    want, v, results_versions());
	}
	for (i = 0, f = names; i < n; i++, f += strlen(f) + 1) {
		want = header_name(v, i, ncols_of, tail, ntail);
		if (strcmp(f, want))
			return results_fail(c, -EPROTO,
					    "column %zu is \"%s\", expected \"%s\" (the order of "
					    "schema version %u)",
					    i + 1, f, want, v);
	}
	return results_fail(c, -EPROTO, "not a header of schema %s", results_versions());
}

static bool str_equal(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool num_equal(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

long results_column(const char *name)
{
	size_t i;

	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		if (!strcmp(dhb_sink_column(i), name))
			return (long)i;
	}
	return -1;
}

bool results_run_equal(const struct dhb_run_info *a, const struct dhb_run_info *b)
{
	return str_equal(a->tool_version, b->tool_version) && str_equal(a->git_rev, b->git_rev) &&
	       str_equal(a->timestamp, b->timestamp) && str_equal(a->hostname, b->hostname) &&
	       str_equal(a->board, b->board) && str_equal(a->kernel, b->kernel) &&
	       a->cma_bytes == b->cma_bytes && str_equal(a->boot_id, b->boot_id) &&
	       a->repetition == b->repetition;
}

bool dhb_results_row_equal(const struct dhb_results_row *a, const struct dhb_results_row *b)
{
	const struct dhb_row *wa = &a->row, *wb = &b->row;
	const struct dhb_stats_summary *sa = &wa->stats, *sb = &wb->stats;

	return results_run_equal(&a->run, &b->run) && str_equal(wa->test, wb->test) &&
	       str_equal(wa->heap, wb->heap) && str_equal(wa->backend, wb->backend) &&
	       wa->size_bytes == wb->size_bytes && str_equal(wa->metric, wb->metric) &&
	       str_equal(wa->params, wb->params) && str_equal(wa->unit, wb->unit) &&
	       sa->n == sb->n && num_equal(sa->min, sb->min) && num_equal(sa->p50, sb->p50) &&
	       num_equal(sa->p90, sb->p90) && num_equal(sa->p99, sb->p99) &&
	       num_equal(sa->p99_9, sb->p99_9) && num_equal(sa->max, sb->max) &&
	       num_equal(sa->mean, sb->mean) && num_equal(sa->stddev, sb->stddev) &&
	       num_equal(sa->cv, sb->cv) && num_equal(sa->mad, sb->mad) &&
	       sa->outliers == sb->outliers && sa->flags == sb->flags;
}

/*
 * The rest of @in as one buffer (a JSON document): all of it, or its first
 * DHB_RESULTS_MAX_JSON + 1 bytes when it is longer, which results_json_read() refuses.
 */
static int slurp(struct results_ctx *c, struct results_in *in, char **data, size_t *len)
{
	const size_t limit = DHB_RESULTS_MAX_JSON;
	size_t have = in->len - in->pos, cap = have + CHUNK_SIZE, n;
	char *buf, *grown;
	int ret;

	buf = malloc(cap);
	if (!buf)
		return results_fail(c, -ENOMEM, "out of memory");
	if (have)
		memcpy(buf, in->mem + in->pos, have);
	in->pos = in->len;
	while (have <= limit) {
		if (have == cap) {
			cap = cap > limit / 2 ? limit + 1 : cap * 2;
			grown = realloc(buf, cap);
			if (!grown) {
				ret = results_fail(c, -ENOMEM, "out of memory");
				goto out_free;
			}
			buf = grown;
		}
		errno = 0;
		n = fread(buf + have, 1, cap - have, in->fp);
		if (!n)
			break;
		have += n;
	}
	if (ferror(in->fp)) {
		ret = errno ? -errno : -EIO;
		results_fail(c, ret, "read error: %s", strerror(-ret));
		goto out_free;
	}
	*data = buf;
	*len = have;
	return 0;
out_free:
	free(buf);
	return ret;
}

static bool json_first_byte(int ch)
{
	return ch == '{' || ch == '[' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Read @in as @format into @res: all its rows and a source, or nothing. */
static int read_in(struct dhb_results *res, const char *name, struct results_in *in,
		   enum dhb_results_format format)
{
	struct dhb_results_source src0 = {.name = name}, *src, **srcs;
	struct results_ctx c = {.res = res, .src = &src0, .row = -1};
	size_t first = res->n_rows, len = 0, cap;
	char *data = NULL;
	int ret, ch;

	res->error[0] = '\0';
	c.last = calloc(dhb_sink_ncolumns(), sizeof(*c.last));
	src = results_zalloc(res, sizeof(*src));
	if (src)
		src->name = results_strdup(res, name, strlen(name));
	if (!c.last || !src || !src->name) {
		ret = results_fail(&c, -ENOMEM, "out of memory");
		goto out_free;
	}
	c.src = src;
	if (res->n_sources == res->cap_sources) { /* room first: the read must not fail after */
		cap = res->cap_sources ? res->cap_sources * 2 : 8;
		srcs = realloc(res->sources, cap * sizeof(*srcs));
		if (!srcs) {
			ret = results_fail(&c, -ENOMEM, "out of memory");
			goto out_free;
		}
		res->sources = srcs;
		res->cap_sources = cap;
	}
	if (format == DHB_RESULTS_AUTO) {
		ch = results_getc(in);
		if (ch != EOF)
			in->pos--; /* the byte stays in in->mem */
		format = json_first_byte(ch) ? DHB_RESULTS_JSON : DHB_RESULTS_CSV;
	}
	src->format = format;
	src->run = (struct dhb_run_info){"", "", "", "", "", "", -1, "", 0};
	src->first_row = first;
	if (format == DHB_RESULTS_CSV) {
		ret = results_csv_read(&c, in);
	} else {
		ret = in->fp ? slurp(&c, in, &data, &len) : 0;
		if (!ret && !in->fp && in->pos < in->len) {
			data = (char *)in->mem + in->pos;
			len = in->len - in->pos;
		}
		if (!ret)
			ret = results_json_read(&c, data, len);
	}
	if (ret) {
		res->n_rows = first;
		goto out_free;
	}
	src->n_rows = res->n_rows - first;
	res->sources[res->n_sources++] = src;
out_free:
	if (in->fp)
		free(data);
	free(c.last);
	return ret;
}

int dhb_results_read(struct dhb_results *res, const char *path, enum dhb_results_format format)
{
	struct dhb_results_source src = {.name = path};
	struct results_ctx c = {.res = res, .src = &src, .row = -1};
	struct results_in *in;
	int ret;

	in = calloc(1, sizeof(*in));
	if (!in)
		return results_fail(&c, -ENOMEM, "out of memory");
	in->fp = fopen(path, "r");
	if (!in->fp) {
		ret = -errno;
		results_fail(&c, ret, "%s", strerror(errno));
		goto out_free;
	}
	ret = read_in(res, path, in, format);
	fclose(in->fp);
out_free:
	free(in);
	return ret;
}

int dhb_results_read_mem(struct dhb_results *res, const char *name, const void *data, size_t len,
			 enum dhb_results_format format)
{
	struct results_in in = {.mem = data, .len = len};

	return read_in(res, name, &in, format);
}
