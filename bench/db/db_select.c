// SPDX-License-Identifier: MIT
// The results store's selectors: "kernel=6.1.192,board=..." into a query, rows given back one by one.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "dhb/err.h"

/* The keys a selector may name, and their column in the query (r: runs, w: rows). */
static const struct {
	const char *key;
	const char *col;
} keys[] = {
	{"tool_version", "r.tool_version"},
	{"git_rev", "r.git_rev"},
	{"timestamp", "r.timestamp"},
	{"hostname", "r.hostname"},
	{"board", "r.board"},
	{"kernel", "r.kernel"},
	{"boot_id", "r.boot_id"},
	{"repetition", "r.repetition"},
	{"test", "w.test"},
	{"heap", "w.heap"},
	{"backend", "w.backend"},
	{"metric", "w.metric"},
};

#define NKEYS	  (sizeof(keys) / sizeof(keys[0]))
#define MAX_CONDS 16
#define SELECT_COLS                                                                            \
	"SELECT r.id, r.tool_version, r.git_rev, r.timestamp, r.hostname, r.board, r.kernel, " \
	"r.cma_bytes, r.boot_id, r.timer_overhead_ns, r.repetition, w.test, w.heap, "          \
	"w.backend, w.size_bytes, w.metric, w.params, w.unit, w.n, w.min, w.p50, w.p90, "      \
	"w.p99, w.p99_9, w.max, w.mean, w.stddev, w.cv, w.mad, w.outliers, w.flags "           \
	"FROM rows w JOIN runs r ON r.id = w.run_id"
#define ORDER " ORDER BY r.id, w.test, w.heap, w.backend, w.size_bytes, w.metric, w.params"

/* A parsed selector: per condition, the key's index and its value (a copy). */
struct cond {
	size_t key;
	char *value;
};

static int parse(const char *sel, struct cond *c, size_t *n, char *err, size_t errlen)
{
	const char *p = sel, *end, *eq;
	size_t k, len;

	*n = 0;
	if (!*sel || !strcmp(sel, "all"))
		return 0;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (!eq)
			return dhb_err(-EINVAL, err, errlen,
				       "selector '%s': '%.*s' is not KEY=VALUE", sel, (int)len, p);
		for (k = 0; k < NKEYS; k++) {
			if (strlen(keys[k].key) == (size_t)(eq - p) &&
			    !strncmp(keys[k].key, p, (size_t)(eq - p)))
				break;
		}
		if (k == NKEYS)
			return dhb_err(
				-EINVAL, err, errlen,
				"selector '%s': unknown key '%.*s' (kernel, board, hostname, "
				"timestamp, git_rev, tool_version, boot_id, repetition, test, "
				"heap, backend, metric)",
				sel, (int)(eq - p), p);
		if (*n == MAX_CONDS)
			return dhb_err(-EINVAL, err, errlen,
				       "selector '%s': more than %d conditions", sel, MAX_CONDS);
		if (c) {
			c[*n].key = k;
			c[*n].value = strndup(eq + 1, len - (size_t)(eq + 1 - p));
			if (!c[*n].value)
				return -ENOMEM;
		}
		(*n)++;
		if (!end)
			return 0;
		p = end + 1;
	}
}

int dhb_db_selector_check(const char *selector, char *err, size_t errlen)
{
	size_t n;

	return parse(selector, NULL, &n, err, errlen);
}

static char *build_sql(const struct cond *c, size_t n)
{
	size_t i, len = sizeof(SELECT_COLS) + sizeof(ORDER) + 16;
	char *sql, *p;

	for (i = 0; i < n; i++)
		len += strlen(keys[c[i].key].col) + 24;
	sql = malloc(len);
	if (!sql)
		return NULL;
	p = sql + sprintf(sql, "%s", SELECT_COLS);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s GLOB ?%zu", i ? " AND " : " WHERE ", keys[c[i].key].col,
			     i + 1);
	sprintf(p, "%s", ORDER);
	return sql;
}

static const char *text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

static double real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The current result row of @st as a struct dhb_db_row. */
static void fill(sqlite3_stmt *st, struct dhb_db_row *r)
{
	struct dhb_stats_summary *s = &r->row.stats;

	memset(r, 0, sizeof(*r));
	r->run_id = sqlite3_column_int64(st, 0);
	r->run.tool_version = text(st, 1);
	r->run.git_rev = text(st, 2);
	r->run.timestamp = text(st, 3);
	r->run.hostname = text(st, 4);
	r->run.board = text(st, 5);
	r->run.kernel = text(st, 6);
	r->run.cma_bytes =
		sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 7);
	r->run.boot_id = text(st, 8);
	r->timer_overhead_ns = real(st, 9);
	r->run.repetition = (uint64_t)sqlite3_column_int64(st, 10); /* NULL: 0, unknown */
	r->row.test = text(st, 11);
	r->row.heap = text(st, 12);
	r->row.backend = text(st, 13);
	r->row.size_bytes = (uint64_t)sqlite3_column_int64(st, 14);
	r->row.metric = text(st, 15);
	r->row.params = text(st, 16);
	r->row.unit = text(st, 17);
	s->n = (uint64_t)sqlite3_column_int64(st, 18);
	s->min = real(st, 19);
	s->p50 = real(st, 20);
	s->p90 = real(st, 21);
	s->p99 = real(st, 22);
	s->p99_9 = real(st, 23);
	s->max = real(st, 24);
	s->mean = real(st, 25);
	s->stddev = real(st, 26);
	s->cv = real(st, 27);
	s->mad = real(st, 28);
	s->outliers = (uint64_t)sqlite3_column_int64(st, 29);
	if (dhb_stats_flags_parse(text(st, 30), &s->flags))
		s->flags = 0;
}

static int run_query(struct dhb_db *db, const struct cond *c, size_t nc, dhb_db_row_fn fn,
		     void *arg, size_t *n, char *err, size_t errlen)
{
	struct dhb_db_row r;
	sqlite3_stmt *st = NULL;
	char *sql = build_sql(c, nc);
	size_t i;
	int rc, ret = 0;

	if (!sql)
		return -ENOMEM;
	rc = sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return dhb_db_fail(db, err, errlen, "reading");
	for (i = 0; i < nc; i++)
		sqlite3_bind_text(st, (int)i + 1, c[i].value, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(st, &r);
		ret = fn(arg, &r);
		if (ret)
			break;
		(*n)++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = dhb_db_fail(db, err, errlen, "reading");
	sqlite3_finalize(st);
	return ret;
}

int dhb_db_select(struct dhb_db *db, const char *selector, dhb_db_row_fn fn, void *arg, size_t *n,
		  char *err, size_t errlen)
{
	struct cond c[MAX_CONDS] = {0};
	size_t nc = 0, i;
	int ret;

	*n = 0;
	ret = parse(selector, c, &nc, err, errlen);
	if (!ret)
		ret = run_query(db, c, nc, fn, arg, n, err, errlen);
	for (i = 0; i < MAX_CONDS; i++)
		free(c[i].value);
	return ret;
}
