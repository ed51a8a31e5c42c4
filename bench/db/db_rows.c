// SPDX-License-Identifier: MIT
// The results store's rows: adding a set of results in one transaction, selecting rows back.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "dhb/err.h"

enum { ST_RUN_INS, ST_RUN_ID, ST_RUN_UPD, ST_ROW_INS, ST_UNIT_INS, ST_UNIT_GET, ST_N };

static const char *const add_sql[ST_N] = {
	[ST_RUN_INS] = "INSERT OR IGNORE INTO runs (tool_version, git_rev, timestamp, hostname, "
		       "board, kernel, cma_bytes, boot_id, repetition, timer_overhead_ns) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_RUN_ID] = "SELECT id FROM runs WHERE tool_version = ?1 AND git_rev = ?2 AND "
		      "timestamp = ?3 AND hostname = ?4 AND board = ?5 AND kernel = ?6",
	[ST_RUN_UPD] =
		"UPDATE runs SET boot_id = CASE WHEN boot_id = '' THEN ?2 ELSE boot_id "
		"END, timer_overhead_ns = coalesce(timer_overhead_ns, ?3), cma_bytes = "
		"coalesce(cma_bytes, ?4), repetition = coalesce(repetition, ?5) WHERE id = ?1",
	[ST_ROW_INS] = "INSERT OR IGNORE INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		       "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
	[ST_UNIT_INS] = "INSERT OR IGNORE INTO metrics VALUES (?1, ?2)",
	[ST_UNIT_GET] = "SELECT unit FROM metrics WHERE metric = ?1",
};

/* An add in progress: its statements and what it last looked up. */
struct adder {
	struct dhb_db *db;
	sqlite3_stmt *st[ST_N];
	const struct dhb_results_row *last_run;
	int64_t run_id;
	const char *last_metric;
	const char *last_unit;
	struct dhb_db_counts *counts;
	char *err;
	size_t errlen;
};

/* A fact of a JSON source's environment, or NULL. */
static const char *env_fact(const struct dhb_results_source *src, const char *key)
{
	size_t i;

	for (i = 0; src && i < src->n_environment; i++) {
		if (!strcmp(src->environment[i].key, key))
			return src->environment[i].value;
	}
	return NULL;
}

/*
 * Whether @b is of the run that row @last (the one before) was added to, from the same file:
 * a run's rows from another file may know more of it (boot, repetition, timer overhead).
 */
static bool same_run(const struct dhb_results_row *last, const struct dhb_results_row *r)
{
	const struct dhb_run_info *a = last ? &last->run : NULL, *b = &r->run;

	return a && last->source == r->source && !strcmp(a->tool_version, b->tool_version) &&
	       !strcmp(a->git_rev, b->git_rev) && !strcmp(a->timestamp, b->timestamp) &&
	       !strcmp(a->hostname, b->hostname) && !strcmp(a->board, b->board) &&
	       !strcmp(a->kernel, b->kernel);
}

/* Runs @st to its end; 0 or the SQLite result. */
static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : rc;
}

static void bind_run(sqlite3_stmt *st, const struct dhb_run_info *run)
{
	sqlite3_bind_text(st, 1, run->tool_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run->git_rev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, run->timestamp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, run->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, run->board, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, run->kernel, -1, SQLITE_STATIC);
}

/* The store's id of @r's run, adding the run when new, or filling in what it left unknown. */
static int run_id(struct adder *a, const struct dhb_results_row *r)
{
	const char *boot = r->run.boot_id ? r->run.boot_id : "", *tov;
	sqlite3_stmt *ins = a->st[ST_RUN_INS], *sel = a->st[ST_RUN_ID], *upd = a->st[ST_RUN_UPD];
	int64_t rep = (int64_t)r->run.repetition;
	double over = NAN;
	int rc;

	if (same_run(a->last_run, r))
		return 0;
	tov = env_fact(r->source, "timer_overhead_ns");
	if (tov && dhb_sink_parse_number(tov, &over))
		over = NAN;
	bind_run(ins, &r->run);
	if (r->run.cma_bytes >= 0)
		sqlite3_bind_int64(ins, 7, r->run.cma_bytes);
	else
		sqlite3_bind_null(ins, 7);
	sqlite3_bind_text(ins, 8, boot, -1, SQLITE_STATIC);
	if (rep > 0)
		sqlite3_bind_int64(ins, 9, rep);
	else
		sqlite3_bind_null(ins, 9);
	if (isfinite(over))
		sqlite3_bind_double(ins, 10, over);
	else
		sqlite3_bind_null(ins, 10);
	rc = step_done(ins);
	if (rc)
		return rc;
	a->counts->runs_added += sqlite3_changes(a->db->sql) > 0;
	bind_run(sel, &r->run);
	rc = sqlite3_step(sel);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(sel);
		return rc;
	}
	a->run_id = sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	/* A CSV file of a run added before its JSON, or after: what only JSON says is kept. */
	sqlite3_bind_int64(upd, 1, a->run_id);
	sqlite3_bind_text(upd, 2, boot, -1, SQLITE_STATIC);
	if (isfinite(over))
		sqlite3_bind_double(upd, 3, over);
	else
		sqlite3_bind_null(upd, 3);
	sqlite3_bind_null(upd, 4);
	if (r->run.cma_bytes >= 0)
		sqlite3_bind_int64(upd, 4, r->run.cma_bytes);
	if (rep > 0)
		sqlite3_bind_int64(upd, 5, rep);
	else
		sqlite3_bind_null(upd, 5);
	rc = step_done(upd);
	a->last_run = rc ? NULL : r;
	return rc;
}

/* The metric's unit against the store's: 0, -EPROTO when they differ, or a SQLite result. */
static int check_unit(struct adder *a, const struct dhb_row *row)
{
	sqlite3_stmt *ins = a->st[ST_UNIT_INS], *get = a->st[ST_UNIT_GET];
	const char *unit;
	int rc, ret = 0;

	if (a->last_metric && !strcmp(a->last_metric, row->metric) &&
	    !strcmp(a->last_unit, row->unit))
		return 0;
	sqlite3_bind_text(ins, 1, row->metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, row->unit, -1, SQLITE_STATIC);
	rc = step_done(ins);
	if (rc)
		return rc;
	sqlite3_bind_text(get, 1, row->metric, -1, SQLITE_STATIC);
	rc = sqlite3_step(get);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(get);
		return rc;
	}
	unit = (const char *)sqlite3_column_text(get, 0);
	if (strcmp(unit, row->unit))
		ret = dhb_err(-EPROTO, a->err, a->errlen,
			      "metric \"%s\" in unit \"%s\", but the store has it in \"%s\" (mixed "
			      "units for one metric)",
			      row->metric, row->unit, unit);
	sqlite3_reset(get);
	a->last_metric = row->metric;
	a->last_unit = row->unit;
	return ret;
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* One row; 0, -EPROTO (with its message), or a SQLite result. */
static int add_row(struct adder *a, const struct dhb_results_row *r)
{
	const struct dhb_row *w = &r->row;
	const struct dhb_stats_summary *s = &w->stats;
	sqlite3_stmt *st = a->st[ST_ROW_INS];
	char flags[128];
	int rc;

	rc = run_id(a, r);
	if (!rc)
		rc = check_unit(a, w);
	if (rc)
		return rc;
	dhb_stats_flags_format(s->flags, flags, sizeof(flags));
	sqlite3_bind_int64(st, 1, a->run_id);
	sqlite3_bind_text(st, 2, w->test, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->heap, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->backend, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)w->size_bytes);
	sqlite3_bind_text(st, 6, w->metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, w->params ? w->params : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, w->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (int64_t)s->n);
	bind_real(st, 10, s->min);
	bind_real(st, 11, s->p50);
	bind_real(st, 12, s->p90);
	bind_real(st, 13, s->p99);
	bind_real(st, 14, s->p99_9);
	bind_real(st, 15, s->max);
	bind_real(st, 16, s->mean);
	bind_real(st, 17, s->stddev);
	bind_real(st, 18, s->cv);
	bind_real(st, 19, s->mad);
	sqlite3_bind_int64(st, 20, (int64_t)s->outliers);
	sqlite3_bind_text(st, 21, flags, -1, SQLITE_TRANSIENT);
	rc = step_done(st);
	if (rc)
		return rc;
	if (sqlite3_changes(a->db->sql) > 0)
		a->counts->rows_added++;
	else
		a->counts->rows_present++;
	return 0;
}

static int add_all(struct adder *a, const struct dhb_results *res)
{
	char msg[DHB_DB_ERROR_LEN];
	size_t i;
	int rc;

	for (i = 0; i < ST_N; i++) {
		if (sqlite3_prepare_v2(a->db->sql, add_sql[i], -1, &a->st[i], NULL) != SQLITE_OK)
			return dhb_db_fail(a->db, a->err, a->errlen, "preparing");
	}
	for (i = 0; i < res->n_rows; i++) {
		rc = add_row(a, &res->rows[i]);
		if (rc == -EPROTO) {
			snprintf(msg, sizeof(msg), "%s", a->err);
			return dhb_err(rc, a->err, a->errlen, "%s:%lu: %s",
				       res->rows[i].source->name, res->rows[i].line, msg);
		}
		if (rc)
			return dhb_db_fail(a->db, a->err, a->errlen, "adding");
	}
	return 0;
}

int dhb_db_add(struct dhb_db *db, const struct dhb_results *res, struct dhb_db_counts *counts,
	       char *err, size_t errlen)
{
	struct adder a = {.db = db, .counts = counts, .err = err, .errlen = errlen};
	char msg[DHB_DB_ERROR_LEN];
	size_t i;
	int ret;

	memset(counts, 0, sizeof(*counts));
	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return dhb_db_fail(db, err, errlen, "starting a transaction");
	ret = add_all(&a, res);
	for (i = 0; i < ST_N; i++)
		sqlite3_finalize(a.st[i]);
	if (!ret && sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		ret = dhb_db_fail(db, err, errlen, "committing");
	if (ret) {
		snprintf(msg, sizeof(msg), "%s", err);
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, errlen, "%s", msg);
		memset(counts, 0, sizeof(*counts));
	}
	return ret;
}
