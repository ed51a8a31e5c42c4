// SPDX-License-Identifier: MIT
// Sink core: the column table, cell formatting and parsing, opening, writing and closing sinks.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/outfile.h"
#include "sink_priv.h"

enum col_kind {
	COL_SCHEMA,  /* DHB_SCHEMA_VERSION */
	COL_RUN_STR, /* const char * in struct dhb_run_info */
	COL_RUN_I64, /* int64_t in struct dhb_run_info, negative = unknown */
	COL_RUN_POS, /* uint64_t in struct dhb_run_info, a count from 1, 0 = unknown */
	COL_ROW_STR, /* const char * in struct dhb_row */
	COL_ROW_U64, /* uint64_t in struct dhb_row */
	COL_ROW_F64, /* double in struct dhb_row */
	COL_FLAGS,   /* unsigned int DHB_FLAG_* bits in struct dhb_row */
};

/* A column: its name, what it holds and where, and the schema version that added it. */
struct column {
	const char *name;
	enum col_kind kind;
	size_t off;
	unsigned int since;
};

#define RUN_SINCE(kind, field, v)                                     \
	{                                                             \
#field, kind, offsetof(struct dhb_run_info, field), v \
	}
#define RUN(kind, field) RUN_SINCE(kind, field, 1)
#define ROW(kind, field)                                         \
	{                                                        \
#field, kind, offsetof(struct dhb_row, field), 1 \
	}
#define FIG(kind, field)                                               \
	{                                                              \
#field, kind, offsetof(struct dhb_row, stats.field), 1 \
	}

/*
 * Schema version 2: the CSV columns in order (results/SCHEMA.md documents each one). A file of
 * an older version has the columns whose `since` is at most its version, in this order.
 */
static const struct column columns[] = {
	{"schema_version", COL_SCHEMA, 0, 1},
	RUN(COL_RUN_STR, tool_version),
	RUN(COL_RUN_STR, git_rev),
	RUN(COL_RUN_STR, timestamp),
	RUN(COL_RUN_STR, hostname),
	RUN(COL_RUN_STR, board),
	RUN(COL_RUN_STR, kernel),
	RUN(COL_RUN_I64, cma_bytes),
	RUN_SINCE(COL_RUN_STR, boot_id, 2),
	RUN_SINCE(COL_RUN_POS, repetition, 2),
	ROW(COL_ROW_STR, test),
	ROW(COL_ROW_STR, heap),
	ROW(COL_ROW_STR, backend),
	ROW(COL_ROW_U64, size_bytes),
	ROW(COL_ROW_STR, metric),
	ROW(COL_ROW_STR, params),
	ROW(COL_ROW_STR, unit),
	FIG(COL_ROW_U64, n),
	FIG(COL_ROW_F64, min),
	FIG(COL_ROW_F64, p50),
	FIG(COL_ROW_F64, p90),
	FIG(COL_ROW_F64, p99),
	FIG(COL_ROW_F64, p99_9),
	FIG(COL_ROW_F64, max),
	FIG(COL_ROW_F64, mean),
	FIG(COL_ROW_F64, stddev),
	FIG(COL_ROW_F64, cv),
	FIG(COL_ROW_F64, mad),
	FIG(COL_ROW_U64, outliers),
	FIG(COL_FLAGS, flags),
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

size_t dhb_sink_ncolumns(void)
{
	return NCOLUMNS;
}

const char *dhb_sink_column(size_t i)
{
	return i < NCOLUMNS ? columns[i].name : NULL;
}

size_t dhb_sink_nrun_columns(void)
{
	size_t i;

	for (i = 0; i < NCOLUMNS; i++) {
		if (columns[i].kind != COL_SCHEMA && !dhb_sink_column_is_run(i))
			break;
	}
	return i;
}

/* Whether column @i is a figure (a member of struct dhb_row.stats). */
static bool is_figure(size_t i)
{
	return columns[i].kind != COL_SCHEMA && !dhb_sink_column_is_run(i) &&
	       columns[i].off >= offsetof(struct dhb_row, stats) &&
	       columns[i].off < offsetof(struct dhb_row, stats) + sizeof(struct dhb_stats_summary);
}

size_t dhb_sink_nkey_columns(void)
{
	size_t i;

	for (i = 0; i < NCOLUMNS && !is_figure(i); i++)
		;
	return i;
}

int dhb_sink_format_number(double v, char *buf, size_t len)
{
	int w = 0, prec;

	if (!isfinite(v)) {
		w = snprintf(buf, len, "%s", "");
	} else if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		w = snprintf(buf, len, "%.0f", v == 0 ? 0.0 : v); /* never "-0" */
	} else {
		for (prec = 1; prec <= 17; prec++) {
			w = snprintf(buf, len, "%.*g", prec, v);
			if (w < 0 || (size_t)w >= len || strtod(buf, NULL) == v)
				break;
		}
	}
	return w >= 0 && (size_t)w < len ? 0 : -ENOSPC;
}

enum dhb_column_type dhb_sink_column_type(size_t i)
{
	switch (i < NCOLUMNS ? columns[i].kind : COL_ROW_STR) {
	case COL_SCHEMA:
	case COL_RUN_I64:
	case COL_RUN_POS:
	case COL_ROW_U64:
		return DHB_COLUMN_INT;
	case COL_ROW_F64:
		return DHB_COLUMN_REAL;
	default:
		return DHB_COLUMN_TEXT;
	}
}

bool dhb_sink_column_is_run(size_t i)
{
	return i < NCOLUMNS && (columns[i].kind == COL_RUN_STR || columns[i].kind == COL_RUN_I64 ||
				columns[i].kind == COL_RUN_POS);
}

unsigned int dhb_sink_column_since(size_t i)
{
	return i < NCOLUMNS ? columns[i].since : 0;
}

/* Whether @s is a run of decimal digits, and where it ends. */
static bool digits(const char **s)
{
	const char *p = *s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == *s)
		return false;
	*s = p;
	return true;
}

int dhb_sink_parse_number(const char *text, double *v)
{
	const char *p = text;
	double d;

	/* -?D+(.D+)?([eE][+-]?D+)?, which covers every form dhb_sink_format_number() writes */
	if (*p == '-')
		p++;
	if (!digits(&p))
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (!digits(&p))
			return -EINVAL;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!digits(&p))
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	d = strtod(text, NULL); /* the C locale's '.', like the writers */
	if (!isfinite(d))
		return -ERANGE;
	*v = d;
	return 0;
}

int dhb_sink_parse_uint(const char *text, uint64_t *v)
{
	uint64_t x = 0;
	const char *p;

	if (!*text)
		return -EINVAL;
	for (p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return 0;
}

int dhb_sink_cell_parse(struct dhb_run_info *run, struct dhb_row *row, size_t col, const char *text)
{
	const struct column *k;
	char *rb = (char *)run, *wb = (char *)row;
	unsigned int flags;
	uint64_t u;
	int64_t i;
	double f;
	int ret;

	if (col >= NCOLUMNS)
		return -EINVAL;
	k = &columns[col];
	switch (k->kind) {
	case COL_SCHEMA:
		if (!*text)
			return -ENODATA;
		ret = dhb_sink_parse_uint(text, &u);
		if (!ret && (u < DHB_SCHEMA_OLDEST || u > DHB_SCHEMA_VERSION))
			ret = -EPROTO;
		return ret;
	case COL_RUN_STR:
	case COL_ROW_STR:
		memcpy((k->kind == COL_RUN_STR ? rb : wb) + k->off, &text, sizeof(text));
		return 0;
	case COL_RUN_I64:
		i = -1; /* unknown */
		if (*text) {
			ret = dhb_sink_parse_uint(text, &u);
			if (ret)
				return ret;
			if (u > INT64_MAX)
				return -ERANGE;
			i = (int64_t)u;
		}
		memcpy(rb + k->off, &i, sizeof(i));
		return 0;
	case COL_RUN_POS:
		u = 0; /* unknown */
		if (*text) {
			ret = dhb_sink_parse_uint(text, &u);
			if (ret)
				return ret;
			if (!u)
				return -ERANGE; /* a count from 1 */
		}
		memcpy(rb + k->off, &u, sizeof(u));
		return 0;
	case COL_ROW_U64:
		if (!*text)
			return -ENODATA;
		ret = dhb_sink_parse_uint(text, &u);
		if (!ret)
			memcpy(wb + k->off, &u, sizeof(u));
		return ret;
	case COL_ROW_F64:
		f = NAN; /* missing */
		if (*text) {
			ret = dhb_sink_parse_number(text, &f);
			if (ret)
				return ret;
		}
		memcpy(wb + k->off, &f, sizeof(f));
		return 0;
	case COL_FLAGS:
		ret = dhb_stats_flags_parse(text, &flags);
		if (!ret)
			memcpy(wb + k->off, &flags, sizeof(flags));
		return ret;
	}
	return -EINVAL;
}

void dhb_sink_cell(const struct dhb_run_info *run, const struct dhb_row *row, size_t col,
		   struct dhb_cell *c)
{
	const struct column *k = &columns[col];
	const char *rb = (const char *)run, *wb = (const char *)row, *s;
	unsigned int flags;
	uint64_t u;
	int64_t i;
	double f;

	c->type = DHB_CELL_NUM;
	c->text = c->buf;
	c->buf[0] = '\0';
	switch (k->kind) {
	case COL_SCHEMA:
		snprintf(c->buf, sizeof(c->buf), "%d", DHB_SCHEMA_VERSION);
		return;
	case COL_RUN_STR:
	case COL_ROW_STR:
		memcpy(&s, (k->kind == COL_RUN_STR ? rb : wb) + k->off, sizeof(s));
		c->type = DHB_CELL_STR;
		c->text = s ? s : "";
		return;
	case COL_RUN_I64:
		memcpy(&i, rb + k->off, sizeof(i));
		if (i < 0)
			c->type = DHB_CELL_NULL;
		else
			snprintf(c->buf, sizeof(c->buf), "%" PRId64, i);
		return;
	case COL_RUN_POS:
		memcpy(&u, rb + k->off, sizeof(u));
		if (!u)
			c->type = DHB_CELL_NULL;
		else
			snprintf(c->buf, sizeof(c->buf), "%" PRIu64, u);
		return;
	case COL_ROW_U64:
		memcpy(&u, wb + k->off, sizeof(u));
		snprintf(c->buf, sizeof(c->buf), "%" PRIu64, u);
		return;
	case COL_ROW_F64:
		memcpy(&f, wb + k->off, sizeof(f));
		if (!isfinite(f))
			c->type = DHB_CELL_NULL;
		else
			dhb_sink_format_number(f, c->buf, sizeof(c->buf));
		return;
	case COL_FLAGS:
		memcpy(&flags, wb + k->off, sizeof(flags));
		c->type = DHB_CELL_STR;
		dhb_stats_flags_format(flags, c->buf, sizeof(c->buf));
		return;
	}
}

int dhb_sink_timestamp(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return -EINVAL;
	if (!strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -ENOSPC;
	return 0;
}

const struct dhb_sink_ops *dhb_sink_find(const char *name)
{
	static const struct dhb_sink_ops *const all[] = {
		&dhb_sink_table_ops,
		&dhb_sink_csv_ops,
		&dhb_sink_json_ops,
		&dhb_sink_samples_ops,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(all[i]->name, name))
			return all[i];
	}
	return NULL;
}

int dhb_sink_open(struct dhb_sink *sink, const struct dhb_sink_ops *ops,
		  const struct dhb_sink_config *cfg)
{
	int ret;

	memset(sink, 0, sizeof(*sink));
	if (!ops || !cfg || !cfg->run || (cfg->append && !ops->can_append))
		return -EINVAL;
	sink->ops = ops;
	sink->cfg = *cfg;
	if (cfg->path && strcmp(cfg->path, "-")) {
		sink->fp = fopen(cfg->path, cfg->append ? "a+" : "w");
		if (!sink->fp)
			return -errno;
		sink->own_fp = true;
	} else {
		sink->fp = cfg->fp ? cfg->fp : stdout;
	}
	ret = ops->open(sink);
	if (!ret && ferror(sink->fp))
		ret = -EIO;
	if (ret)
		goto out_close;
	return 0;
out_close:
	if (sink->own_fp)
		fclose(sink->fp);
	sink->fp = NULL;
	sink->ops = NULL;
	return ret;
}

int dhb_sink_write(struct dhb_sink *sink, const struct dhb_row *row)
{
	int ret;

	if (sink->err)
		return sink->err;
	errno = 0; /* what a failed write sets, for dhb_outfile_flush() */
	ret = sink->ops->write_row(sink, row);
	/*
	 * Appended rows go out one by one: they survive a crash, and a full disk shows at once.
	 * Otherwise the stream is flushed only after an error, to learn its errno.
	 */
	if (!ret && (sink->cfg.append || ferror(sink->fp)))
		ret = dhb_outfile_flush(sink->fp);
	if (ret)
		sink->err = ret;
	else
		sink->rows++;
	return ret;
}

int dhb_sink_close(struct dhb_sink *sink)
{
	int ret = sink->err, r;

	if (!sink->ops)
		return -EINVAL;
	errno = 0;
	r = sink->ops->close(sink);
	if (!ret)
		ret = r;
	r = dhb_outfile_flush(sink->fp); /* the flush's errno, else -EIO for an earlier error */
	if (!ret)
		ret = r;
	if (sink->own_fp && fclose(sink->fp) && !ret)
		ret = -errno;
	sink->fp = NULL;
	sink->ops = NULL;
	return ret;
}

int dhb_sinks_write(struct dhb_sink *sinks, size_t n, const struct dhb_row *row)
{
	int ret = 0, r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = dhb_sink_write(&sinks[i], row);
		if (!ret)
			ret = r;
	}
	return ret;
}

int dhb_sinks_close(struct dhb_sink *sinks, size_t n)
{
	int ret = 0, r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = dhb_sink_close(&sinks[i]);
		if (!ret)
			ret = r;
	}
	return ret;
}
