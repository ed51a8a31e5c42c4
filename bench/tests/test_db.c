// SPDX-License-Identifier: MIT
// The store: its tables against STORE.md, the results view against SCHEMA.md's columns, idempotent
// adds, one transaction, mixed units and damaged or foreign databases refused and left untouched.
#include <criterion/criterion.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/db.h"
#include "dhb/results.h"
#include "doctable.h"
#include "testsink.h"

static char dir[] = "/tmp/dhb-db-XXXXXX";
static char path[64];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.db", dir);
}

static void teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(db, .init = setup, .fini = teardown);

/* Results read from CSV text made by the CSV sink: @n rows of the fixture, metric @metric[i]. */
static void results(struct dhb_results *res, const char *name, size_t n, const char *unit,
		    const char *ts)
{
	struct dhb_run_info run = tu_run;
	struct dhb_sink_config cfg = {.run = &run};
	struct dhb_row rows[8];
	static const char *const metrics[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	char *csv;
	size_t i;

	run.timestamp = ts;
	for (i = 0; i < n; i++) {
		rows[i] = tu_row();
		rows[i].metric = metrics[i];
		rows[i].unit = unit;
	}
	csv = tu_write(&dhb_sink_csv_ops, &cfg, rows, n);
	cr_assert_eq(dhb_results_read_mem(res, name, csv, strlen(csv), DHB_RESULTS_CSV), 0, "%s",
		     dhb_results_error(res));
	free(csv);
}

static long long count(const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	long long n;

	cr_assert_eq(sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return n;
}

Test(db, add_is_idempotent)
{
	struct dhb_results res;
	struct dhb_db_counts c;
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];

	dhb_results_init(&res, 0);
	results(&res, "a.csv", 3, "ns", "2026-11-20T23:26:00Z");
	results(&res, "b.csv", 2, "ns", "2026-11-20T23:27:00Z");
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.rows_added, 5);
	cr_assert_eq(c.runs_added, 2);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.rows_added, 0);
	cr_assert_eq(c.rows_present, 5);
	cr_assert_eq(c.runs_added, 0);
	dhb_db_close(db);
	cr_assert_eq(count("SELECT count(*) FROM results"), 5);
	cr_assert_eq(count("SELECT count(*) FROM runs"), 2);
	dhb_results_free(&res);
}

Test(db, mixed_units_add_nothing)
{
	struct dhb_results res;
	struct dhb_db_counts c;
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];

	dhb_results_init(&res, 0);
	results(&res, "a.csv", 2, "ns", "2026-11-20T23:26:00Z");
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	dhb_results_free(&res);
	dhb_results_init(&res, 0);
	results(&res, "b.csv", 1, "ns", "2026-11-20T23:28:00Z");
	results(&res, "c.csv", 2, "us", "2026-11-20T23:29:00Z");
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), -EPROTO);
	cr_assert(strstr(err, "mixed units") && strstr(err, "c.csv:2"), "%s", err);
	dhb_db_close(db);
	cr_assert_eq(count("SELECT count(*) FROM rows"), 2, "the refused add left nothing");
	cr_assert_eq(count("SELECT count(*) FROM runs"), 1);
	dhb_results_free(&res);
}

Test(db, damaged_and_foreign_refused_untouched)
{
	static const char junk[] = "SQLite format 3\nnot really";
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN], buf[64] = {0};
	FILE *fp = fopen(path, "w");
	sqlite3 *s;

	fwrite(junk, 1, sizeof(junk) - 1, fp);
	fclose(fp);
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), -EPROTO);
	cr_assert(strstr(err, "not a store") || strstr(err, "not a database"), "%s", err);
	fp = fopen(path, "r");
	cr_assert_eq(fread(buf, 1, sizeof(buf), fp), sizeof(junk) - 1, "untouched");
	fclose(fp);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(sqlite3_open(path, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s, "CREATE TABLE x (y)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), -EPROTO);
	cr_assert(strstr(err, "not a dmaheap-bench store"), "%s", err);
	cr_assert_eq(count("SELECT count(*) FROM sqlite_master"), 1, "untouched");
	cr_assert_eq(dhb_db_open("/nonexistent/x.db", false, &db, err, sizeof(err)), -ENOENT);
}

Test(db, selector)
{
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];

	cr_assert_eq(dhb_db_selector_check("kernel=6.1.192,board=x*", err, sizeof(err)), 0);
	cr_assert_eq(dhb_db_selector_check("all", err, sizeof(err)), 0);
	cr_assert_eq(dhb_db_selector_check("kernel", err, sizeof(err)), -EINVAL);
	cr_assert_eq(dhb_db_selector_check("colour=red", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "unknown key 'colour'"), "%s", err);
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	dhb_db_close(db);
}

/* STORE.md's tables against the store's, as SQLite declares them. */
Test(db, doc_matches_tables)
{
	static const char *const tables[] = {"meta", "runs", "rows"};
	char *doc, *names[64], marker[32], sql[160];
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];
	const char *type;
	size_t t, n, i;

	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	dhb_db_close(db);
	for (t = 0; t < 3; t++) {
		doc = tu_slurp(DHB_STORE_MD);
		snprintf(marker, sizeof(marker), "store-%s", tables[t]);
		n = doc_table_names(doc, DHB_STORE_MD, marker, names, 64);
		cr_assert_eq(n, dhb_db_ncolumns(tables[t]), "%s: STORE.md %zu, store %zu",
			     tables[t], n, dhb_db_ncolumns(tables[t]));
		for (i = 0; i < n; i++) {
			cr_assert_str_eq(dhb_db_column(tables[t], i, &type), names[i]);
			snprintf(sql, sizeof(sql),
				 "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'",
				 tables[t], names[i]);
			cr_assert_eq(count(sql), 1, "%s.%s in the store", tables[t], names[i]);
		}
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM pragma_table_info('%s')",
			 tables[t]);
		cr_assert_eq(count(sql), (long long)n);
		free(doc);
	}
}

/* The results view has exactly the CSV columns, in order. */
Test(db, results_view_is_the_csv)
{
	char sql[128];
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];
	size_t i;

	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	dhb_db_close(db);
	cr_assert_eq(count("SELECT count(*) FROM pragma_table_info('results')"),
		     (long long)dhb_sink_ncolumns());
	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM pragma_table_info('results') WHERE cid = %zu AND "
			 "name = '%s'",
			 i, dhb_sink_column(i));
		cr_assert_eq(count(sql), 1, "results view column %zu: %s", i, dhb_sink_column(i));
	}
}

/* A selected row: its run's boot and repetition as given back. */
static int check_boot_rep(void *arg, const struct dhb_db_row *r)
{
	(void)arg;
	cr_assert_str_eq(r->run.boot_id, tu_run.boot_id);
	cr_assert_eq(r->run.repetition, 2);
	return 0;
}

/* The boot and repetition of every row (schema version 2) are the run's; the views give them. */
Test(db, boot_and_repetition)
{
	struct dhb_results res;
	struct dhb_db_counts c;
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];
	size_t n;

	dhb_results_init(&res, 0);
	results(&res, "a.csv", 2, "ns", "2026-11-20T23:26:00Z");
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_db_select(db, "repetition=2,boot_id=8c6b*", check_boot_rep, NULL, &n, err,
				   sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_eq(dhb_db_select(db, "repetition=1", check_boot_rep, NULL, &n, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(n, 0);
	dhb_db_close(db);
	cr_assert_eq(count("SELECT count(*) FROM runs WHERE boot_id = "
			   "'8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2' AND repetition = 2"),
		     1);
	cr_assert_eq(count("SELECT count(*) FROM results WHERE schema_version = 2 AND repetition "
			   "= 2 AND boot_id LIKE '8c6b%'"),
		     2);
	cr_assert_eq(count("SELECT count(*) FROM run_medians WHERE repetition = 2"), 2);
	cr_assert_eq(count("SELECT value FROM meta WHERE key = 'store_version'"), DHB_DB_VERSION);
	dhb_results_free(&res);
}

/* A version 1 run, as its CSV and its JSON: one run, whose boot the JSON says. */
#define V1_HEADER                                                                                  \
	"schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,test,heap," \
	"backend,size_bytes,metric,params,unit,n,min,p50,p90,p99,p99_9,max,mean,stddev,cv,mad,"    \
	"outliers,flags\n"
#define V1_CSV_ROW                                                                                 \
	"1,0.1.0,g1,2026-11-20T23:26:00Z,lab,QEMU,6.12,,alloc,memfd,memfd,4096,alloc_latency,,ns," \
	"10,1,2,3,4,5,6,2,1,0.5,1,0,few_samples\n"
static const char v1_json[] =
	"{\"schema_version\": 1, \"settings\": {}, \"environment\": {\"tool_version\": \"0.1.0\", "
	"\"git_rev\": \"g1\", \"timestamp\": \"2026-11-20T23:26:00Z\", \"hostname\": \"lab\", "
	"\"board\": \"QEMU\", \"kernel\": \"6.12\", \"cma_bytes\": null, \"timer_overhead_ns\": "
	"\"30\", \"boot_id\": \"b00t\"}, \"rows\": "
	"[{\"schema_version\":1,\"tool_version\":\"0.1.0\","
	"\"git_rev\":\"g1\",\"timestamp\":\"2026-11-20T23:26:00Z\",\"hostname\":\"lab\",\"board\":"
	"\"QEMU\",\"kernel\":\"6.12\",\"cma_bytes\":null,\"test\":\"alloc\",\"heap\":\"memfd\","
	"\"backend\":\"memfd\",\"size_bytes\":4096,\"metric\":\"alloc_latency\",\"params\":\"\","
	"\"unit\":\"ns\",\"n\":10,\"min\":1,\"p50\":2,\"p90\":3,\"p99\":4,\"p99_9\":5,\"max\":6,"
	"\"mean\":2,\"stddev\":1,\"cv\":0.5,\"mad\":1,\"outliers\":0,\"flags\":\"few_samples\"}]}";

/* The version 1 run's CSV, its JSON, or both, read into @res. */
static void read_v1(struct dhb_results *res, bool csv, bool json)
{
	static const char text[] = V1_HEADER V1_CSV_ROW;

	dhb_results_init(res, 0);
	if (csv)
		cr_assert_eq(
			dhb_results_read_mem(res, "v1.csv", text, strlen(text), DHB_RESULTS_AUTO),
			0, "%s", dhb_results_error(res));
	if (json)
		cr_assert_eq(dhb_results_read_mem(res, "v1.json", v1_json, strlen(v1_json),
						  DHB_RESULTS_AUTO),
			     0, "%s", dhb_results_error(res));
}

Test(db, version_1_files_of_one_run)
{
	struct dhb_results res;
	struct dhb_db_counts c;
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];

	read_v1(&res, true, false);
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.rows_added, 1);
	dhb_results_free(&res);
	cr_assert_eq(count("SELECT count(*) FROM runs WHERE boot_id = '' AND repetition IS NULL "
			   "AND timer_overhead_ns IS NULL"),
		     1);
	/* its JSON, after: no new row or run; the boot and the timer overhead filled in */
	read_v1(&res, false, true);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.rows_added, 0);
	cr_assert_eq(c.rows_present, 1);
	cr_assert_eq(c.runs_added, 0);
	dhb_db_close(db);
	cr_assert_eq(
		count("SELECT count(*) FROM runs WHERE boot_id = 'b00t' AND repetition IS NULL "
		      "AND timer_overhead_ns = 30"),
		1);
	cr_assert_eq(count("SELECT count(*) FROM runs"), 1);
	dhb_results_free(&res);
}

/* Both files of one run in one add: the second still fills in what the first lacks. */
Test(db, csv_and_json_in_one_add)
{
	struct dhb_results res;
	struct dhb_db_counts c;
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];

	read_v1(&res, true, true);
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_db_add(db, &res, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.rows_added, 1);
	cr_assert_eq(c.rows_present, 1);
	cr_assert_eq(c.runs_added, 1);
	dhb_db_close(db);
	cr_assert_eq(count("SELECT count(*) FROM runs WHERE boot_id = 'b00t' AND "
			   "timer_overhead_ns = 30"),
		     1);
	dhb_results_free(&res);
}

/* A store of another version is refused, untouched, saying how to make a new one. */
Test(db, other_store_version_refused)
{
	struct dhb_db *db;
	char err[DHB_DB_ERROR_LEN];
	sqlite3 *s;

	cr_assert_eq(sqlite3_open(path, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s,
				  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); "
				  "INSERT INTO meta VALUES ('store_version', '1')",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(s);
	cr_assert_eq(dhb_db_open(path, true, &db, err, sizeof(err)), -EPROTO);
	cr_assert(strstr(err, "store version 1; this tool reads version 2") &&
			  strstr(err, "into a new one"),
		  "%s", err);
	cr_assert_eq(count("SELECT count(*) FROM sqlite_master"), 2, "untouched");
}
