// SPDX-License-Identifier: MIT
// The results store: its tables as data, opening and creating it, adding results in one transaction.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "db_priv.h"
#include "dhb/err.h"

/*
 * The tables, as data: DDL is made from them and bench.store_schema checks them (and the views'
 * columns) against results/STORE.md. A column's SQL is its type, then its constraints.
 */
static const struct dhb_db_col meta_cols[] = {
	{"key", "TEXT", " PRIMARY KEY"},
	{"value", "TEXT", " NOT NULL"},
};

static const struct dhb_db_col runs_cols[] = {
	{"id", "INTEGER", " PRIMARY KEY"},
	{"tool_version", "TEXT", " NOT NULL"},
	{"git_rev", "TEXT", " NOT NULL"},
	{"timestamp", "TEXT", " NOT NULL"},
	{"hostname", "TEXT", " NOT NULL"},
	{"board", "TEXT", " NOT NULL"},
	{"kernel", "TEXT", " NOT NULL"},
	{"cma_bytes", "INTEGER", ""},
	{"boot_id", "TEXT", " NOT NULL DEFAULT ''"},
	{"repetition", "INTEGER", ""},
	{"timer_overhead_ns", "REAL", ""},
};

static const struct dhb_db_col rows_cols[] = {
	{"run_id", "INTEGER", " NOT NULL REFERENCES runs(id)"},
	{"test", "TEXT", " NOT NULL"},
	{"heap", "TEXT", " NOT NULL"},
	{"backend", "TEXT", " NOT NULL"},
	{"size_bytes", "INTEGER", " NOT NULL"},
	{"metric", "TEXT", " NOT NULL"},
	{"params", "TEXT", " NOT NULL"},
	{"unit", "TEXT", " NOT NULL"},
	{"n", "INTEGER", " NOT NULL"},
	{"min", "REAL", ""},
	{"p50", "REAL", ""},
	{"p90", "REAL", ""},
	{"p99", "REAL", ""},
	{"p99_9", "REAL", ""},
	{"max", "REAL", ""},
	{"mean", "REAL", ""},
	{"stddev", "REAL", ""},
	{"cv", "REAL", ""},
	{"mad", "REAL", ""},
	{"outliers", "INTEGER", " NOT NULL"},
	{"flags", "TEXT", " NOT NULL"},
};

static const struct dhb_db_col metrics_cols[] = {
	{"metric", "TEXT", " PRIMARY KEY"},
	{"unit", "TEXT", " NOT NULL"},
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static const struct dhb_db_table tables[] = {
	{"meta", meta_cols, N(meta_cols), ""},
	{"runs", runs_cols, N(runs_cols),
	 ", UNIQUE (tool_version, git_rev, timestamp, hostname, board, kernel)"},
	{"rows", rows_cols, N(rows_cols),
	 ", UNIQUE (run_id, test, heap, backend, size_bytes, metric, params)"},
	{"metrics", metrics_cols, N(metrics_cols), ""},
};

/* The views: the rows with the CSV columns, and each row's run-level median with its run. */
static const char *const views[] = {
	"CREATE VIEW results AS SELECT " DHB_DB_SCHEMA_TEXT " AS schema_version, r.tool_version, "
	"r.git_rev, r.timestamp, r.hostname, r.board, r.kernel, r.cma_bytes, r.boot_id, "
	"r.repetition, w.test, w.heap, w.backend, w.size_bytes, w.metric, w.params, w.unit, w.n, "
	"w.min, w.p50, w.p90, w.p99, w.p99_9, w.max, w.mean, w.stddev, w.cv, w.mad, w.outliers, "
	"w.flags FROM rows w JOIN runs r ON r.id = w.run_id",
	"CREATE VIEW run_medians AS SELECT r.board, r.kernel, w.test, w.heap, w.backend, "
	"w.size_bytes, w.metric, w.params, w.unit, r.id AS run_id, r.timestamp, r.boot_id, "
	"r.repetition, w.p50 FROM rows w JOIN runs r ON r.id = w.run_id",
};

const struct dhb_db_table *dhb_db_table_find(const char *name)
{
	size_t i;

	for (i = 0; i < N(tables); i++) {
		if (!strcmp(tables[i].name, name))
			return &tables[i];
	}
	return NULL;
}

size_t dhb_db_ncolumns(const char *table)
{
	const struct dhb_db_table *t = dhb_db_table_find(table);

	return t ? t->n : 0;
}

const char *dhb_db_column(const char *table, size_t i, const char **type)
{
	const struct dhb_db_table *t = dhb_db_table_find(table);

	if (!t || i >= t->n)
		return NULL;
	if (type)
		*type = t->cols[i].type;
	return t->cols[i].name;
}

/* The SQLite error of @db as -errno: corruption and "not a database" are -EPROTO. */
int dhb_db_errno(sqlite3 *db)
{
	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EPROTO;
	case SQLITE_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

int dhb_db_fail(struct dhb_db *db, char *err, size_t errlen, const char *what)
{
	int ret = dhb_db_errno(db->sql);

	return dhb_err(ret, err, errlen, "%s: %s: %s%s", db->path, what, sqlite3_errmsg(db->sql),
		       ret == -EPROTO ? " (not a store, or a damaged one)" : "");
}

/* One CREATE TABLE statement from the table's columns. */
static char *table_ddl(const struct dhb_db_table *t)
{
	size_t i, len = 64 + strlen(t->name) + strlen(t->extra);
	char *s, *p;

	for (i = 0; i < t->n; i++)
		len += strlen(t->cols[i].name) + strlen(t->cols[i].type) +
		       strlen(t->cols[i].constraint) + 4;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s + sprintf(s, "CREATE TABLE %s (", t->name);
	for (i = 0; i < t->n; i++)
		p += sprintf(p, "%s%s %s%s", i ? ", " : "", t->cols[i].name, t->cols[i].type,
			     t->cols[i].constraint);
	sprintf(p, "%s)", t->extra);
	return s;
}

/* The tables, views and meta rows of a new store, in one transaction. */
static int create_tables(struct dhb_db *db, char *err, size_t errlen)
{
	char meta[160], *ddl;
	size_t i;
	int rc = sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	for (i = 0; rc == SQLITE_OK && i < N(tables); i++) {
		ddl = table_ddl(&tables[i]);
		if (!ddl) {
			sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
			return -ENOMEM;
		}
		rc = sqlite3_exec(db->sql, ddl, NULL, NULL, NULL);
		free(ddl);
	}
	for (i = 0; rc == SQLITE_OK && i < N(views); i++)
		rc = sqlite3_exec(db->sql, views[i], NULL, NULL, NULL);
	snprintf(meta, sizeof(meta),
		 "INSERT INTO meta VALUES ('store_version', '%d'), "
		 "('results_schema_version', '%d'), ('tool', 'dmaheap-bench')",
		 DHB_DB_VERSION, DHB_SCHEMA_VERSION);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db->sql, meta, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	rc = dhb_db_fail(db, err, errlen, "creating the store");
	sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Whether the file holds no table at all (a new or empty database): 1, 0, or -errno. */
static int is_blank(struct dhb_db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, blank;

	rc = sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dhb_db_fail(db, err, errlen, "reading");
	rc = sqlite3_step(st);
	blank = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return dhb_db_fail(db, err, errlen, "reading");
	return blank;
}

/* The store's version from its meta table: 0, or -EPROTO when it is not a store of ours. */
static int check_version(struct dhb_db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, v = -1;

	rc = sqlite3_prepare_v2(db->sql, "SELECT value FROM meta WHERE key = 'store_version'", -1,
				&st, NULL);
	if (rc != SQLITE_OK) {
		if (dhb_db_errno(db->sql) != -EIO)
			return dhb_db_fail(db, err, errlen, "reading");
		return dhb_err(-EPROTO, err, errlen,
			       "%s: not a dmaheap-bench store (a SQLite database without its "
			       "meta table)",
			       db->path);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = atoi((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dhb_db_fail(db, err, errlen, "reading");
	if (v != DHB_DB_VERSION)
		return dhb_err(-EPROTO, err, errlen,
			       "%s: store version %d; this tool reads version %d (a store is made "
			       "from results files: store add them into a new one)",
			       db->path, v, DHB_DB_VERSION);
	return 0;
}

/* Open @path's SQLite handle; a missing file is -ENOENT unless @create. */
static int open_file(struct dhb_db *db, bool create, char *err, size_t errlen)
{
	int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	struct stat sb;

	if (!create && stat(db->path, &sb))
		return dhb_err(-errno, err, errlen, "%s: %s", db->path, strerror(errno));
	if (sqlite3_open_v2(db->path, &db->sql, flags, NULL) != SQLITE_OK) {
		if (!db->sql)
			return -ENOMEM;
		return dhb_db_fail(db, err, errlen, "opening");
	}
	sqlite3_extended_result_codes(db->sql, 0);
	sqlite3_busy_timeout(db->sql, 5000);
	return 0;
}

int dhb_db_open(const char *path, bool create, struct dhb_db **out, char *err, size_t errlen)
{
	struct dhb_db *db = calloc(1, sizeof(*db));
	int ret;

	*out = NULL;
	if (!db)
		return -ENOMEM;
	db->path = strdup(path);
	if (!db->path) {
		free(db);
		return -ENOMEM;
	}
	ret = open_file(db, create, err, errlen);
	if (!ret)
		ret = is_blank(db, err, errlen);
	if (ret == 1)
		ret = create ? create_tables(db, err, errlen)
			     : dhb_err(-EPROTO, err, errlen, "%s: an empty database, not a store",
				       path);
	else if (!ret)
		ret = check_version(db, err, errlen);
	if (ret) {
		dhb_db_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

void dhb_db_close(struct dhb_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->sql);
	free(db->path);
	free(db);
}
