// SPDX-License-Identifier: MIT
// Unit tests of the results reader: round trips through the real sinks, appended runs, refusals.
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "dhb/results.h"
#include "results_rt.h"
#include "testsink.h"

#define HEADER                                                                                    \
	"schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,boot_id,"  \
	"repetition,test,heap,backend,size_bytes,metric,params,unit,n,min,p50,p90,p99,p99_9,max," \
	"mean,stddev,cv,mad,outliers,flags\n"
#define NCOLS 30
/* Schema version 1's header: without boot_id and repetition. */
#define HEADER_V1                                                                                  \
	"schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,test,heap," \
	"backend,size_bytes,metric,params,unit,n,min,p50,p90,p99,p99_9,max,mean,stddev,cv,mad,"    \
	"outliers,flags\n"

/* Strings the helpers below make, freed after each test (cases hold many of them). */
static char *pool[256];
static size_t npool;

static char *keep(char *p)
{
	cr_assert_not_null(p);
	cr_assert_lt(npool, sizeof(pool) / sizeof(pool[0]));
	return pool[npool++] = p;
}

static void free_pool(void)
{
	while (npool)
		free(pool[--npool]);
}

TestSuite(results, .fini = free_pool);

/* A plain valid row (no field holds a comma), for the refusal cases to spoil one at a time. */
static const char plain[] = "2,0.1.0,g1,2026-11-20T23:26:00Z,lab,QEMU,6.12,,b00t,3,alloc,system,"
			    "dma-heap,4096,alloc_latency,,ns,1000,1200,1500.5,2000,3000,4000.25,"
			    "5000,1600.125,123.456,0.0771,100,3,approx";
/* The same row of schema version 1 (no boot_id, no repetition). */
static const char plain_v1[] = "1,0.1.0,g1,2026-11-20T23:26:00Z,lab,QEMU,6.12,,alloc,system,"
			       "dma-heap,4096,alloc_latency,,ns,1000,1200,1500.5,2000,3000,"
			       "4000.25,5000,1600.125,123.456,0.0771,100,3,approx\n";

/* The plain row as a CSV line, with column @col's raw text replaced by @text (NULL: none). */
static char *line_with(int col, const char *text)
{
	const char *f = plain, *end;
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	int i;

	cr_assert_not_null(fp);
	for (i = 0; i < NCOLS; i++, f = end + 1) {
		end = strchr(f, ',');
		if (!end)
			end = f + strlen(f);
		if (i == col)
			fprintf(fp, "%s%s", i ? "," : "", text);
		else
			fprintf(fp, "%s%.*s", i ? "," : "", (int)(end - f), f);
	}
	fputc('\n', fp);
	fclose(fp);
	return keep(out);
}

#define ROW line_with(-1, NULL)

static char *cat3(const char *a, const char *b, const char *c)
{
	char *out;

	cr_assert_geq(asprintf(&out, "%s%s%s", a, b, c ? c : ""), 0);
	return keep(out);
}

/* @doc with the @nth (from 0) @old replaced by @new (the test fails when it is not there). */
static char *replace_nth(const char *doc, const char *old, const char *new, int nth)
{
	const char *p = strstr(doc, old);
	char *out;

	while (p && nth--)
		p = strstr(p + 1, old);
	cr_assert_not_null(p, "\"%s\" not in the document", old);
	cr_assert_geq(asprintf(&out, "%.*s%s%s", (int)(p - doc), doc, new, p + strlen(old)), 0);
	return keep(out);
}

static char *replace(const char *doc, const char *old, const char *new)
{
	return replace_nth(doc, old, new, 0);
}

/* The sample rows of the round trips: awkward text, missing values, extreme numbers. */
static void sample_rows(struct dhb_row *rows)
{
	rows[0] = tu_row();
	rows[1] = tu_row();
	rows[1].test = "odd \"name\", with\r\nbreaks and UTF-8 \xc3\xa9\xe2\x82\xac";
	rows[1].params = NULL;
	rows[1].unit = "MB/s";
	rows[1].size_bytes = UINT64_MAX - 1; /* JSON: UINT64_MAX is refused (json-c clamps) */
	rows[1].stats.n = 1;
	rows[1].stats.p99_9 = NAN;
	rows[1].stats.max = INFINITY;
	rows[1].stats.mean = -INFINITY;
	rows[1].stats.stddev = 1e-7;
	rows[1].stats.min = 12345678901234.5;
	rows[1].stats.p50 = 1.0 / 3;
	rows[1].stats.p90 = 5e-324;
	rows[1].stats.p99 = 1.7976931348623157e308;
	rows[1].stats.cv = -0.0;
	rows[1].stats.flags = 0;
	rows[2] = tu_row();
	rows[2].heap = "";
	rows[2].stats.outliers = 0;
	rows[2].stats.flags = DHB_FLAG_FEW_SAMPLES | DHB_FLAG_TIMER_OVERHEAD | (1u << 9);
}

/* Rows written with run @run compare equal to what was read, row by row. */
static void expect_rows(const struct dhb_results *res, size_t first, const struct dhb_run_info *run,
			const struct dhb_row *rows, size_t n)
{
	struct dhb_results_row want = {0};
	size_t i;

	cr_assert_geq(res->n_rows, first + n);
	for (i = 0; i < n; i++) {
		want.run = *run;
		want.row = rows[i];
		/* what the writers turn into "missing" */
		if (!isfinite(want.row.stats.max))
			want.row.stats.max = NAN;
		if (!isfinite(want.row.stats.mean))
			want.row.stats.mean = NAN;
		cr_assert(dhb_results_row_equal(&res->rows[first + i], &want), "row %zu differs",
			  i);
		cr_assert_not_null(res->rows[first + i].row.params, "text is never NULL");
	}
}

Test(results, csv_round_trip)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[3];
	struct dhb_results res;
	char *csv, why[128];

	sample_rows(rows);
	csv = tu_write(&dhb_sink_csv_ops, &cfg, rows, 3);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "t.csv", csv, strlen(csv), DHB_RESULTS_AUTO), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 3);
	cr_assert_eq(res.n_sources, 1);
	cr_assert_eq(res.sources[0]->format, DHB_RESULTS_CSV);
	cr_assert_str_eq(res.sources[0]->name, "t.csv");
	expect_rows(&res, 0, &tu_run, rows, 3);
	cr_assert_str_eq(res.rows[1].row.test, rows[1].test);
	cr_assert_str_eq(res.rows[0].run.kernel, "6.12.0\nx");
	cr_assert_eq(res.rows[1].row.size_bytes, UINT64_MAX - 1);
	cr_assert(isnan(res.rows[1].row.stats.p99_9));
	cr_assert_eq(res.rows[2].row.stats.flags, rows[2].stats.flags);
	/* lines: the header is line 1; row 0 spans lines 2-3 (a newline in "kernel") */
	cr_assert_eq(res.rows[0].line, 2);
	cr_assert_eq(res.rows[1].line, 4);
	cr_assert_eq(res.rows[2].line, 7);
	cr_assert_eq(rt_check(&res, res.sources[0], &dhb_sink_csv_ops, why, sizeof(why)), 0, "%s",
		     why);
	dhb_results_free(&res);
	free(csv);
}

Test(results, json_round_trip)
{
	const struct dhb_kv settings[] = {{"heaps", "system,reserved"}, {"dry_run", NULL}};
	const struct dhb_kv env[] = {{"note", "tab\there \"q\" \\ \xe2\x82\xac"}, {"x", NULL}};
	struct dhb_sink_config cfg = {
		.settings = settings,
		.n_settings = 2,
		.environment = env,
		.n_environment = 2,
	};
	const struct dhb_results_source *src;
	struct dhb_row rows[3];
	struct dhb_results res;
	char *json, why[128];

	sample_rows(rows);
	json = tu_write(&dhb_sink_json_ops, &cfg, rows, 3);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "t.json", json, strlen(json), DHB_RESULTS_AUTO), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 3);
	src = res.sources[0];
	cr_assert_eq(src->format, DHB_RESULTS_JSON);
	expect_rows(&res, 0, &tu_run, rows, 3);
	cr_assert_str_eq(res.rows[1].row.test, rows[1].test);
	cr_assert_eq(res.rows[0].line, 0);
	cr_assert_eq(src->n_settings, 2);
	cr_assert_str_eq(src->settings[0].key, "heaps");
	cr_assert_str_eq(src->settings[0].value, "system,reserved");
	cr_assert_null(src->settings[1].value);
	cr_assert_eq(src->n_environment, 2);
	cr_assert_str_eq(src->environment[0].value, env[0].value);
	cr_assert_null(src->environment[1].value);
	cr_assert_str_eq(src->run.board, tu_run.board);
	cr_assert_eq(src->run.cma_bytes, tu_run.cma_bytes);
	cr_assert_eq(rt_check(&res, src, &dhb_sink_json_ops, why, sizeof(why)), 0, "%s", why);
	dhb_results_free(&res);
	free(json);
}

Test(results, empty_runs_and_unknown_cma)
{
	struct dhb_run_info run = {.timestamp = "t", .cma_bytes = -1};
	struct dhb_sink_config cfg = {.run = &run};
	struct dhb_row row = {0};
	struct dhb_results res;
	char *csv, *json;

	csv = tu_write(&dhb_sink_csv_ops, &cfg, NULL, 0);
	json = tu_write(&dhb_sink_json_ops, &cfg, NULL, 0);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "a", csv, strlen(csv), DHB_RESULTS_CSV), 0);
	cr_assert_eq(dhb_results_read_mem(&res, "b", json, strlen(json), DHB_RESULTS_JSON), 0);
	cr_assert_eq(res.n_rows, 0);
	cr_assert_eq(res.n_sources, 2);
	cr_assert_eq(res.sources[1]->run.cma_bytes, -1);
	cr_assert_str_eq(res.sources[1]->run.timestamp, "t");
	cr_assert_str_eq(res.sources[1]->run.hostname, "");
	free(csv);
	free(json);
	csv = tu_write(&dhb_sink_csv_ops, &cfg, &row, 1);
	cr_assert_eq(dhb_results_read_mem(&res, "c", csv, strlen(csv), DHB_RESULTS_CSV), 0);
	expect_rows(&res, 0, &run, &row, 1);
	cr_assert_eq(res.rows[0].run.cma_bytes, -1);
	dhb_results_free(&res);
	free(csv);
}

/* Write @n rows of run @run into @path, appending like `run --csv FILE --append`. */
static void append_run(const char *path, const struct dhb_run_info *run, size_t n)
{
	struct dhb_sink_config cfg = {.path = path, .append = true, .run = run};
	struct dhb_row rows[3];
	struct dhb_sink sink;
	size_t i;

	sample_rows(rows);
	cr_assert_eq(dhb_sink_open(&sink, &dhb_sink_csv_ops, &cfg), 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(dhb_sink_write(&sink, &rows[i]), 0);
	cr_assert_eq(dhb_sink_close(&sink), 0);
}

Test(results, appended_runs_read_as_their_rows)
{
	struct dhb_run_info runs[3] = {tu_run, tu_run, tu_run};
	char path[] = "/tmp/dhb-results-XXXXXX";
	struct dhb_row rows[3];
	struct dhb_results res;
	int fd;

	runs[1].timestamp = "2026-11-21T08:00:00Z";
	runs[1].cma_bytes = -1;
	runs[2].timestamp = "2026-11-22T08:00:00Z";
	runs[2].hostname = "board2";
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	append_run(path, &runs[0], 2);
	append_run(path, &runs[1], 3);
	append_run(path, &runs[2], 1);
	sample_rows(rows);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read(&res, path, DHB_RESULTS_AUTO), 0, "%s",
		     dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 6);
	expect_rows(&res, 0, &runs[0], rows, 2);
	expect_rows(&res, 2, &runs[1], rows, 3);
	expect_rows(&res, 5, &runs[2], rows, 1);
	cr_assert_str_eq(res.rows[5].run.hostname, "board2");
	cr_assert_str_eq(res.sources[0]->name, path);
	/* one run's identity is stored once, whatever its number of rows */
	cr_assert_eq(res.rows[3].run.timestamp, res.rows[2].run.timestamp);
	cr_assert_eq(res.rows[3].run.board, res.rows[0].run.board);
	dhb_results_free(&res);
	unlink(path);
}

Test(results, json_file_and_formats)
{
	char path[] = "/tmp/dhb-results-XXXXXX";
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[3];
	struct dhb_results res;
	char *json;
	FILE *fp;
	int fd;

	sample_rows(rows);
	json = tu_write(&dhb_sink_json_ops, &cfg, rows, 3);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fprintf(fp, "  \n%s", json);
	fclose(fp);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read(&res, path, DHB_RESULTS_AUTO), 0, "%s",
		     dhb_results_error(&res));
	cr_assert_eq(dhb_results_read(&res, path, DHB_RESULTS_JSON), 0);
	cr_assert_eq(res.n_rows, 6);
	expect_rows(&res, 3, &tu_run, rows, 3);
	/* the same file read as CSV is refused */
	cr_assert_eq(dhb_results_read(&res, path, DHB_RESULTS_CSV), -EPROTO);
	cr_assert_eq(res.n_rows, 6);
	cr_assert_eq(res.n_sources, 2);
	dhb_results_free(&res);
	unlink(path);
	free(json);
	/* a file that cannot be opened */
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read(&res, path, DHB_RESULTS_AUTO), -ENOENT);
	json = cat3(path, ": No such file or directory", NULL);
	cr_assert_str_eq(dhb_results_error(&res), json);
	dhb_results_free(&res);
}

Test(results, csv_accepts_crlf_and_quoted_numbers)
{
	struct dhb_results res;
	char *row = ROW, *crlf, *quoted, *csv;

	crlf = replace(row, "approx\n", "approx\r\n");
	quoted = replace(row, ",4096,", ",\"4096\",");
	csv = cat3(HEADER, crlf, quoted);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "t.csv", csv, strlen(csv), DHB_RESULTS_CSV), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 2);
	cr_assert_eq(res.rows[1].row.size_bytes, 4096);
	cr_assert(dhb_results_row_equal(&res.rows[0], &res.rows[1]));
	dhb_results_free(&res);
}

/*
 * Refusals. Each case is read into a set that already holds one good file: the read must fail
 * with @ret and exactly @msg, and leave the set as it was.
 */
struct refusal {
	const char *name; /* also the file name in the message */
	char *text;
	size_t len; /* 0: strlen(text) */
	size_t max_rows;
	int ret;
	const char *msg;
};

static void expect_refusal(const struct refusal *r, enum dhb_results_format fmt)
{
	struct dhb_results res;
	char *good = cat3(HEADER, ROW, NULL);
	size_t len = r->len ? r->len : strlen(r->text);

	dhb_results_init(&res, r->max_rows ? r->max_rows + 1 : 0);
	cr_assert_eq(dhb_results_read_mem(&res, "good.csv", good, strlen(good), DHB_RESULTS_CSV), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(dhb_results_read_mem(&res, r->name, r->text, len, fmt), r->ret,
		     "%s: returned other than %d: %s", r->name, r->ret, dhb_results_error(&res));
	cr_assert_str_eq(dhb_results_error(&res), r->msg, "%s: got \"%s\"", r->name,
			 dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 1, "%s: the set changed", r->name);
	cr_assert_eq(res.n_sources, 1, "%s: the set changed", r->name);
	dhb_results_free(&res);
}

/* HEADER, the plain row, then the plain row with column @col set to @text: line 3 is bad. */
static char *bad3(int col, const char *text)
{
	return cat3(HEADER, ROW, line_with(col, text));
}

static char *long_record(size_t len)
{
	char *row = ROW, *pad = malloc(len), *out;
	size_t base = strlen(row);

	cr_assert_not_null(pad);
	cr_assert_gt(len, base);
	memset(pad, 'x', len - base);
	pad[len - base] = '\0';
	row = line_with(15, pad); /* params */
	cr_assert_eq(strlen(row), len);
	out = cat3(HEADER, row, NULL);
	free(pad);
	return out;
}

#define NREFUSALS(a) (sizeof(a) / sizeof((a)[0]))

Test(results, csv_refusals)
{
	char *row = ROW, *hdr_extra, *hdr_missing, *hdr_twice, *hdr_order, *nul, *cut;
	size_t i, nul_len;

	hdr_extra = replace(HEADER, ",flags\n", ",flags,extra\n");
	hdr_missing = replace(HEADER, ",flags\n", "\n");
	hdr_twice = replace(HEADER, ",flags\n", ",flags,n\n");
	hdr_order = replace(HEADER, ",p50,p90,", ",p90,p50,");
	nul = bad3(11, "sys#em");
	nul_len = strlen(nul);
	*strchr(nul + strlen(HEADER) + strlen(row), '#') = '\0';
	cut = cat3(HEADER, row, row);
	cut[strlen(cut) - 1] = '\0';

	const struct refusal cases[] = {
		{"empty", "", 0, 0, -EPROTO, "empty: empty file, no header line"},
		{"t", "foo,bar\n", 0, 0, -EPROTO,
		 "t:1: not a dmaheap-bench results CSV: the header starts with \"foo\", not "
		 "\"schema_version\""},
		{"t", cat3(hdr_extra, row, NULL), 0, 0, -EPROTO,
		 "t:1: unknown column \"extra\" for a results CSV (this reader reads schema "
		 "versions 1 and 2)"},
		{"t", hdr_missing, 0, 0, -EPROTO,
		 "t:1: missing column \"flags\" (of schema version 2; this reader reads versions 1 "
		 "and 2)"},
		{"t", replace(HEADER, ",repetition,", ","), 0, 0, -EPROTO,
		 "t:1: missing column \"repetition\" (of schema version 2; this reader reads "
		 "versions 1 and 2)"},
		{"t", replace(HEADER_V1, ",flags\n", "\n"), 0, 0, -EPROTO,
		 "t:1: missing column \"flags\" (of schema version 1; this reader reads versions 1 "
		 "and 2)"},
		{"t", hdr_twice, 0, 0, -EPROTO, "t:1: column \"n\" appears twice"},
		{"t", hdr_order, 0, 0, -EPROTO,
		 "t:1: column 20 is \"p90\", expected \"p50\" (the order of schema version 2)"},
		{"t", replace(HEADER, "boot_id,repetition,", "repetition,boot_id,"), 0, 0, -EPROTO,
		 "t:1: column 9 is \"repetition\", expected \"boot_id\" (the order of schema "
		 "version 2)"},
		{"t", bad3(0, "3"), 0, 0, -EPROTO,
		 "t:3: schema version 3; this reader reads versions 1 and 2"},
		{"t", bad3(0, "1"), 0, 0, -EPROTO,
		 "t:3: schema version 1, but the header is of version 2"},
		{"t", cat3(HEADER_V1, plain_v1, replace(plain_v1, "1,0.1.0,", "2,0.1.0,")), 0, 0,
		 -EPROTO, "t:3: schema version 2, but the header is of version 1"},
		{"t", cat3(HEADER_V1, ROW, NULL), 0, 0, -EPROTO, "t:2: 30 fields, expected 28"},
		{"t", cat3(HEADER, plain_v1, NULL), 0, 0, -EPROTO, "t:2: 28 fields, expected 30"},
		{"t", bad3(9, "0"), 0, 0, -EPROTO,
		 "t:3: column \"repetition\": \"0\" is out of range"},
		{"t", bad3(9, "x"), 0, 0, -EPROTO,
		 "t:3: column \"repetition\": \"x\" is not an integer"},
		{"t", bad3(29, "approx,x"), 0, 0, -EPROTO, "t:3: 31 fields, expected 30"},
		{"t", replace(cat3(HEADER, row, row), ",approx\n", "\n"), 0, 0, -EPROTO,
		 "t:2: 29 fields, expected 30"},
		{"t", bad3(19, "12x"), 0, 0, -EPROTO,
		 "t:3: column \"p50\": \"12x\" is not a number"},
		{"t", bad3(19, "nan"), 0, 0, -EPROTO,
		 "t:3: column \"p50\": \"nan\" is not a number"},
		{"t", bad3(19, " 1"), 0, 0, -EPROTO, "t:3: column \"p50\": \" 1\" is not a number"},
		{"t", bad3(19, "1e999"), 0, 0, -EPROTO,
		 "t:3: column \"p50\": \"1e999\" is out of range"},
		{"t", bad3(13, "4K"), 0, 0, -EPROTO,
		 "t:3: column \"size_bytes\": \"4K\" is not an integer"},
		{"t", bad3(13, "-1"), 0, 0, -EPROTO,
		 "t:3: column \"size_bytes\": \"-1\" is not an integer"},
		{"t", bad3(17, "18446744073709551616"), 0, 0, -EPROTO,
		 "t:3: column \"n\": \"18446744073709551616\" is out of range"},
		{"t", bad3(7, "9223372036854775808"), 0, 0, -EPROTO,
		 "t:3: column \"cma_bytes\": \"9223372036854775808\" is out of range"},
		{"t", bad3(17, ""), 0, 0, -EPROTO,
		 "t:3: column \"n\" is empty; it cannot be missing"},
		{"t", bad3(29, "approx;bogus"), 0, 0, -EPROTO,
		 "t:3: column \"flags\": \"approx;bogus\" holds an unknown flag"},
		{"t", bad3(29, "approx;"), 0, 0, -EPROTO,
		 "t:3: column \"flags\": \"approx;\" holds an unknown flag"},
		{"t", bad3(11, "sys\"tem"), 0, 0, -EPROTO,
		 "t:3: bad quoting: a quote inside an unquoted field"},
		{"t", bad3(11, "\"sys\"tem"), 0, 0, -EPROTO,
		 "t:3: bad quoting: text after a closing quote"},
		{"t", cat3(HEADER, row, "2,\"open\nquote"), 0, 0, -EPROTO,
		 "t:3: bad quoting: the file ends inside a quoted field"},
		{"t", bad3(11, "sys\rtem"), 0, 0, -EPROTO, "t:3: CR without LF outside quotes"},
		{"t", nul, nul_len, 0, -EPROTO, "t:3: NUL byte"},
		{"t", long_record(DHB_RESULTS_MAX_RECORD + 1), 0, 0, -E2BIG,
		 "t:2: record longer than 65536 bytes"},
		{"t", cut, 0, 0, -EPROTO, "t:3: the last record has no line end (file cut short?)"},
		{"t", cat3(HEADER, row, HEADER), 0, 0, -EPROTO,
		 "t:3: a second header line (files are concatenated without their header lines: "
		 "tail -n +2)"},
		{"t", cat3(HEADER, row, row), 0, 1, -E2BIG,
		 "t:3: more rows than the limit of this set, 2"},
		{"t", "{\"schema_version\": 1}\n", 0, 0, -EPROTO,
		 "t:1: bad quoting: a quote inside an unquoted field"},
		{"t", "schema,version\n", 0, 0, -EPROTO,
		 "t:1: not a dmaheap-bench results CSV: the header starts with \"schema\", not "
		 "\"schema_version\""},
	};

	for (i = 0; i < NREFUSALS(cases); i++)
		expect_refusal(&cases[i], DHB_RESULTS_CSV);
}

Test(results, csv_line_numbers_count_quoted_newlines)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[3];
	char *csv, *bad, *row = ROW;

	sample_rows(rows);
	csv = tu_write(&dhb_sink_csv_ops, &cfg, rows, 2); /* rows on lines 2-3 and 4-6 */
	bad = cat3(csv + strlen(HEADER), "", NULL);
	free(csv);
	csv = cat3(HEADER, bad, replace(row, ",4096,", ",4k,"));
	expect_refusal(&(struct refusal){"t", csv, 0, 0, -EPROTO,
					 "t:7: column \"size_bytes\": \"4k\" is not an integer"},
		       DHB_RESULTS_CSV);
}

Test(results, csv_limits)
{
	struct dhb_results res;
	char *csv = long_record(DHB_RESULTS_MAX_RECORD), *row = ROW, *three;

	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "t", csv, strlen(csv), DHB_RESULTS_CSV), 0, "%s",
		     dhb_results_error(&res));
	cr_assert_eq(strlen(res.rows[0].row.params), DHB_RESULTS_MAX_RECORD - strlen(row));
	dhb_results_free(&res);
	/* exactly max_rows rows, from two files */
	three = cat3(HEADER, row, row);
	dhb_results_init(&res, 4);
	cr_assert_eq(dhb_results_read_mem(&res, "a", three, strlen(three), DHB_RESULTS_CSV), 0);
	cr_assert_eq(dhb_results_read_mem(&res, "b", three, strlen(three), DHB_RESULTS_CSV), 0);
	cr_assert_eq(dhb_results_read_mem(&res, "c", three, strlen(three), DHB_RESULTS_CSV),
		     -E2BIG);
	cr_assert_eq(res.n_rows, 4);
	cr_assert_eq(res.max_rows, 4);
	dhb_results_free(&res);
	cr_assert_eq(res.max_rows, 4, "free keeps the limit");
	cr_assert_eq(res.n_rows, 0);
}

Test(results, json_refusals)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[2] = {tu_row(), tu_row()};
	char *doc = tu_write(&dhb_sink_json_ops, &cfg, rows, 2), *nul, *deep;
	size_t i, nul_len = strlen(doc);

	nul = strdup(doc);
	*strstr(nul, "\"rows\"") = '\0';
	deep = replace(doc, "\"settings\": {}", "\"settings\": {\"a\": [[[[[[[[]]]]]]]]}");

	const struct refusal cases[] = {
		{"e", "", 0, 0, -EPROTO, "e: empty file, no JSON document"},
		{"j", "{\n\"schema_version\": }", 0, 0, -EPROTO,
		 "j:2: JSON syntax: unexpected character"},
		{"j", "{\n\"schema_version\": 1,\n", 0, 0, -EPROTO,
		 "j:3: JSON document incomplete (the file ends early)"},
		{"j", cat3(doc, "{}", NULL), 0, 0, -EPROTO,
		 "j:20: JSON syntax: unexpected character"},
		{"j", nul, nul_len, 0, -EPROTO, "j:15: NUL byte"},
		{"j", deep, 0, 0, -EPROTO, "j:3: JSON syntax: nesting too deep"},
		{"j", "[]", 0, 0, -EPROTO,
		 "j: not a dmaheap-bench results document: the top level is array, not an object"},
		{"j", "{}", 0, 0, -EPROTO,
		 "j: not a dmaheap-bench results document: no \"schema_version\""},
		{"j", replace(doc, "\"schema_version\": 2", "\"schema_version\": 3"), 0, 0, -EPROTO,
		 "j: schema version 3; this reader reads versions 1 and 2"},
		{"j", replace(doc, "\"schema_version\": 2", "\"schema_version\": 0"), 0, 0, -EPROTO,
		 "j: schema version 0; this reader reads versions 1 and 2"},
		{"j", replace(doc, "\"schema_version\": 2", "\"schema_version\": \"2\""), 0, 0,
		 -EPROTO, "j: column \"schema_version\" is string, not a number or null"},
		{"j", replace(doc, "{\"schema_version\":2,", "{\"schema_version\":1,"), 0, 0,
		 -EPROTO, "j: rows[0]: schema version 1, but the document is of version 2"},
		{"j", replace(doc, "\"settings\"", "\"extra\": 1, \"settings\""), 0, 0, -EPROTO,
		 "j: unknown member \"extra\" (this reader reads schema versions 1 and 2)"},
		{"j", replace(doc, "\"rows\"", "\"rowz\""), 0, 0, -EPROTO,
		 "j: unknown member \"rowz\" (this reader reads schema versions 1 and 2)"},
		{"j", replace(doc, ",\n    \"repetition\": 2\n", "\n"), 0, 0, -EPROTO,
		 "j: environment: missing \"repetition\""},
		{"j", replace(doc, "\"repetition\":2,", "\"repetition\":0,"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"repetition\": \"0\" is out of range"},
		{"j", replace(doc, "\"repetition\":2,", "\"repetition\":3,"), 0, 0, -EPROTO,
		 "j: rows[0]: run identity differs from the document's \"environment\" (a JSON "
		 "document holds one run, its passes listed in repetition_timestamps)"},
		{"j", replace(doc, "\"boot_id\":\"8c6b", "\"boot_id\":\"9c6b"), 0, 0, -EPROTO,
		 "j: rows[0]: run identity differs from the document's \"environment\" (a JSON "
		 "document holds one run, its passes listed in repetition_timestamps)"},
		{"j", replace(doc, "\"settings\": {}", "\"settings\": []"), 0, 0, -EPROTO,
		 "j: \"settings\" is array, not object"},
		{"j", replace(doc, "\"settings\": {}", "\"settings\": {\"a\": 1}"), 0, 0, -EPROTO,
		 "j: settings: \"a\" is int, not a string or null"},
		{"j", replace(doc, "\"hostname\": \"lab,host\",", ""), 0, 0, -EPROTO,
		 "j: environment: missing \"hostname\""},
		{"j", replace(doc, "\"cma_bytes\": 268435456", "\"cma_bytes\": \"256M\""), 0, 0,
		 -EPROTO, "j: column \"cma_bytes\" is string, not a number or null"},
		{"j", replace(doc, "\"flags\":\"approx;high_cv\"}", "\"flags\":\"\",\"x\":1}"), 0,
		 0, -EPROTO,
		 "j: rows[0]: unknown column \"x\" (this reader reads schema versions 1 and 2)"},
		{"j", replace_nth(doc, "\"p50\":1500.5,", "", 1), 0, 0, -EPROTO,
		 "j: rows[1]: missing column \"p50\" (of schema version 2; this reader reads "
		 "versions 1 and 2)"},
		{"j", replace(doc, "\"heap\":\"system\"", "\"heap\":5"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"heap\" is int, not a string"},
		{"j", replace(doc, "\"params\":\"direction=rw\"", "\"params\":null"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"params\" is null, not a string"},
		{"j", replace(doc, "\"p50\":1500.5", "\"p50\":\"1500.5\""), 0, 0, -EPROTO,
		 "j: rows[0]: column \"p50\" is string, not a number or null"},
		{"j", replace(doc, "\"n\":1000", "\"n\":null"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"n\" is empty; it cannot be missing"},
		{"j", replace(doc, "\"n\":1000", "\"n\":1000.0"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"n\": \"1000.0\" is not an integer"},
		{"j", replace(doc, "\"n\":1000", "\"n\":99999999999999999999"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"n\": 18446744073709551615 is out of range"},
		{"j", replace(doc, "\"p50\":1500.5", "\"p50\":-99999999999999999999"), 0, 0,
		 -EPROTO, "j: rows[0]: column \"p50\": -9223372036854775808 is out of range"},
		{"j", replace(doc, "\"p50\":1500.5", "\"p50\":1e999"), 0, 0, -EPROTO,
		 "j: rows[0]: column \"p50\": \"1e999\" is out of range"},
		{"j", replace(doc, "\"heap\":\"system\"", "\"heap\":\"sys\\u0000tem\""), 0, 0,
		 -EPROTO, "j: rows[0]: column \"heap\" holds a NUL character (\\u0000)"},
		/* json-c's check lets an overlong form and an encoded surrogate through */
		{"j", replace(doc, "\"heap\":\"system\"", "\"heap\":\"sy\xc0\xb3tem\""), 0, 0,
		 -EPROTO, "j: rows[0]: column \"heap\" is not valid UTF-8 (byte 0xc0 at 2)"},
		{"j", replace(doc, "\"heap\":\"system\"", "\"heap\":\"sys\xed\xa0\x80\""), 0, 0,
		 -EPROTO, "j: rows[0]: column \"heap\" is not valid UTF-8 (byte 0xed at 3)"},
		{"j", replace(doc, "\"settings\": {}", "\"settings\": {\"a\xe0\x80\xaf\": \"x\"}"),
		 0, 0, -EPROTO, "j: settings: a key is not valid UTF-8 (byte 0xe0 at 1)"},
		{"j",
		 replace(doc, "\"settings\": {}", "\"settings\": {\"a\": \"\xf4\x90\x80\x80\"}"), 0,
		 0, -EPROTO, "j: settings: \"a\" is not valid UTF-8 (byte 0xf4 at 0)"},
		{"j", replace(doc, "\"hostname\":\"lab,host\"", "\"hostname\":\"other\""), 0, 0,
		 -EPROTO,
		 "j: rows[0]: run identity differs from the document's \"environment\" (a JSON "
		 "document holds one run, its passes listed in repetition_timestamps)"},
		{"j", replace(doc, "\"rows\": [", "\"rows\": [1,"), 0, 0, -EPROTO,
		 "j: rows[0]: a row is int, not an object"},
		{"j", replace(doc, "\"rows\": [", "\"rows\": {\"a\": 1}, \"x\": ["), 0, 0, -EPROTO,
		 "j: unknown member \"x\" (this reader reads schema versions 1 and 2)"},
		{"j", doc, 0, 1, -E2BIG, "j: rows[1]: more rows than the limit of this set, 2"},
	};

	for (i = 0; i < NREFUSALS(cases); i++)
		expect_refusal(&cases[i], DHB_RESULTS_JSON);
	free(nul);
	free(doc);
}

Test(results, json_size_limit)
{
	struct dhb_results res;
	size_t len = DHB_RESULTS_MAX_JSON + 1;
	char *big = malloc(len), *msg, path[] = "/tmp/dhb-results-XXXXXX";
	int fd;

	cr_assert_not_null(big);
	memset(big, ' ', len);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "big", big, len, DHB_RESULTS_AUTO), -E2BIG);
	cr_assert_str_eq(dhb_results_error(&res),
			 "big: larger than 67108864 bytes (the JSON limit)");
	/* from a file, read no further than the bound */
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, big, len), (ssize_t)len);
	close(fd);
	cr_assert_eq(dhb_results_read(&res, path, DHB_RESULTS_AUTO), -E2BIG);
	msg = cat3(path, ": larger than 67108864 bytes (the JSON limit)", NULL);
	cr_assert_str_eq(dhb_results_error(&res), msg);
	cr_assert_eq(res.n_sources, 0);
	unlink(path);
	dhb_results_free(&res);
	free(big);
}

Test(results, flags_and_numbers_parse_as_written)
{
	static const char *const good[] = {
		"0", "-17", "1500.5", "1e-07", "1e+20", "2.5E-300", "0.3333333333333333", "-0"};
	static const char *const bad[] = {"",	 "+1",	".5", "5.", "1e",  "0x10",
					  "nan", "inf", " 1", "1 ", "1,5", "--1"};
	unsigned int flags;
	char buf[32];
	double v;
	size_t i;

	for (i = 0; i < NREFUSALS(good); i++) {
		cr_assert_eq(dhb_sink_parse_number(good[i], &v), 0, "%s", good[i]);
		cr_assert_eq(dhb_sink_format_number(v, buf, sizeof(buf)), 0);
		cr_assert_eq(dhb_sink_parse_number(buf, &v), 0);
	}
	for (i = 0; i < NREFUSALS(bad); i++)
		cr_assert_eq(dhb_sink_parse_number(bad[i], &v), -EINVAL, "\"%s\"", bad[i]);
	cr_assert_eq(dhb_sink_parse_number("1e400", &v), -ERANGE);
	cr_assert_eq(dhb_stats_flags_parse("", &flags), 0);
	cr_assert_eq(flags, 0);
	cr_assert_eq(dhb_stats_flags_parse("few_samples;approx;bit31", &flags), 0);
	cr_assert_eq(flags, DHB_FLAG_FEW_SAMPLES | DHB_FLAG_APPROX | (1u << 31));
	cr_assert_eq(dhb_stats_flags_format(flags, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "approx;few_samples;bit31");
	flags = 7;
	cr_assert_eq(dhb_stats_flags_parse("approx;bit07", &flags), -EINVAL);
	cr_assert_eq(flags, 0);
	cr_assert_eq(dhb_stats_flags_parse("bit32", &flags), -EINVAL);
	cr_assert_eq(dhb_stats_flags_parse(";", &flags), -EINVAL);
}

/* --- files of schema version 1: read, the columns they lack unknown (SCHEMA.md, Versions) --- */

Test(results, v1_csv_reads_with_boot_and_repetition_unknown)
{
	char *v1 = cat3(HEADER_V1, plain_v1, replace(plain_v1, "23:26:00Z", "23:27:00Z"));
	char *v2 = cat3(HEADER, ROW, NULL), why[128];
	struct dhb_results_row want;
	struct dhb_results res;

	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "v1.csv", v1, strlen(v1), DHB_RESULTS_AUTO), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(dhb_results_read_mem(&res, "v2.csv", v2, strlen(v2), DHB_RESULTS_AUTO), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 3);
	cr_assert_str_eq(res.rows[0].run.boot_id, "");
	cr_assert_eq(res.rows[0].run.repetition, 0);
	cr_assert_str_eq(res.rows[1].run.timestamp, "2026-11-20T23:27:00Z");
	cr_assert_str_eq(res.rows[2].run.boot_id, "b00t");
	cr_assert_eq(res.rows[2].run.repetition, 3);
	/* but for the two columns, the same row as version 2's */
	want = res.rows[2];
	want.run.boot_id = "";
	want.run.repetition = 0;
	cr_assert(dhb_results_row_equal(&res.rows[0], &want));
	cr_assert_eq(res.rows[0].line, 2);
	cr_assert_eq(res.rows[1].line, 3);
	/* written back (as version 2, the two columns empty) and read again: equal */
	cr_assert_eq(rt_check(&res, res.sources[0], &dhb_sink_csv_ops, why, sizeof(why)), 0, "%s",
		     why);
	dhb_results_free(&res);
}

/* A version 1 row as JSON, of timestamp @ts (the plain row's values). */
#define V1_ROW(ts)                                                                                \
	"{\"schema_version\":1,\"tool_version\":\"0.1.0\",\"git_rev\":\"g1\",\"timestamp\":\"" ts \
	"\",\"hostname\":\"lab\",\"board\":\"QEMU\",\"kernel\":\"6.12\",\"cma_bytes\":null,"      \
	"\"test\":\"alloc\",\"heap\":\"system\",\"backend\":\"dma-heap\",\"size_bytes\":4096,"    \
	"\"metric\":\"alloc_latency\",\"params\":\"\",\"unit\":\"ns\",\"n\":1000,\"min\":1200,"   \
	"\"p50\":1500.5,\"p90\":2000,\"p99\":3000,\"p99_9\":4000.25,\"max\":5000,"                \
	"\"mean\":1600.125,\"stddev\":123.456,\"cv\":0.0771,\"mad\":100,\"outliers\":3,"          \
	"\"flags\":\"approx\"}"
#define T1 "2026-11-20T23:26:00Z"
#define T2 "2026-11-20T23:26:05Z"
/* A version 1 document of `run --repeat 2`: the boot a fact, the passes their timestamps. */
static const char v1_doc[] =
	"{\n  \"schema_version\": 1,\n  \"settings\": {\"repeat\": \"2\"},\n"
	"  \"environment\": {\"tool_version\": \"0.1.0\", \"git_rev\": \"g1\", \"timestamp\": \"" T1
	"\", \"hostname\": \"lab\", \"board\": \"QEMU\", \"kernel\": \"6.12\", \"cma_bytes\": "
	"null, "
	"\"clock\": \"CLOCK_MONOTONIC_RAW\", \"boot_id\": \"b00t\", \"repetitions\": \"2\", "
	"\"repetition_timestamps\": \"" T1 " " T2 "\"},\n"
	"  \"rows\": [\n    " V1_ROW(T1) ",\n    " V1_ROW(T2) "\n  ]\n}\n";

Test(results, v1_json_reads_its_boot_fact)
{
	const char *csv = cat3(HEADER, ROW, NULL);
	const struct dhb_results_source *src;
	struct dhb_results_row want;
	struct dhb_results res;
	char why[128];

	dhb_results_init(&res, 0);
	cr_assert_eq(
		dhb_results_read_mem(&res, "v1.json", v1_doc, strlen(v1_doc), DHB_RESULTS_AUTO), 0,
		"%s", dhb_results_error(&res));
	cr_assert_eq(dhb_results_read_mem(&res, "v2.csv", csv, strlen(csv), DHB_RESULTS_CSV), 0);
	cr_assert_eq(res.n_rows, 3);
	src = res.sources[0];
	cr_assert_str_eq(src->run.boot_id, "b00t");
	cr_assert_eq(src->run.repetition, 0);
	/* the boot left the facts; the others stay, in order */
	cr_assert_eq(src->n_environment, 3);
	cr_assert_str_eq(src->environment[0].key, "clock");
	cr_assert_str_eq(src->environment[1].key, "repetitions");
	cr_assert_str_eq(src->environment[2].key, "repetition_timestamps");
	cr_assert_str_eq(res.rows[0].run.boot_id, "b00t");
	cr_assert_str_eq(res.rows[1].run.boot_id, "b00t");
	cr_assert_str_eq(res.rows[1].run.timestamp, T2);
	cr_assert_eq(res.rows[1].run.repetition, 0);
	want = res.rows[2]; /* the plain row of version 2: boot b00t, repetition 3 */
	want.run.repetition = 0;
	cr_assert(dhb_results_row_equal(&res.rows[0], &want));
	cr_assert_eq(rt_check(&res, src, &dhb_sink_json_ops, why, sizeof(why)), 0, "%s", why);
	dhb_results_free(&res);
}

Test(results, v1_json_refusals)
{
	const struct refusal cases[] = {
		{"j", replace(v1_doc, "\"boot_id\": \"b00t\"", "\"repetition\": \"1\""), 0, 0,
		 -EPROTO,
		 "j: environment: \"repetition\" is a column of schema version 2, not a fact of "
		 "version 1"},
		{"j", replace(v1_doc, "\"boot_id\": \"b00t\"", "\"boot_id\": 7"), 0, 0, -EPROTO,
		 "j: environment: \"boot_id\" is int, not a string or null"},
		{"j",
		 replace(v1_doc, "\"cma_bytes\":null,", "\"cma_bytes\":null,\"boot_id\":\"b00t\","),
		 0, 0, -EPROTO,
		 "j: rows[0]: column \"boot_id\" is not one of schema version 1's (the "
		 "document's)"},
		{"j", replace(v1_doc, "\"schema_version\":1,", "\"schema_version\":2,"), 0, 0,
		 -EPROTO, "j: rows[0]: schema version 2, but the document is of version 1"},
		{"j", replace_nth(v1_doc, T2, "2026-11-20T23:26:09Z", 1), 0, 0, -EPROTO,
		 "j: rows[1]: run identity differs from the document's \"environment\" (a JSON "
		 "document holds one run, its passes listed in repetition_timestamps)"},
	};
	size_t i;

	for (i = 0; i < NREFUSALS(cases); i++)
		expect_refusal(&cases[i], DHB_RESULTS_JSON);
}

/* run --repeat 2 as `run` writes it: the environment the first pass's, each row its own. */
static char *repeat_doc(void)
{
	const struct dhb_kv env[] = {{"repetitions", "2"}, {"repetition_timestamps", T1 " " T2}};
	struct dhb_run_info run = tu_run;
	struct dhb_sink_config cfg = {.run = &run, .environment = env, .n_environment = 2};
	struct dhb_row row = tu_row();
	struct dhb_sink sink;
	char *out = NULL;
	size_t len = 0;

	cfg.fp = open_memstream(&out, &len);
	cr_assert_not_null(cfg.fp);
	run.timestamp = T1;
	run.repetition = 1;
	cr_assert_eq(dhb_sink_open(&sink, &dhb_sink_json_ops, &cfg), 0);
	cr_assert_eq(dhb_sink_write(&sink, &row), 0);
	run.timestamp = T2;
	run.repetition = 2;
	cr_assert_eq(dhb_sink_write(&sink, &row), 0);
	cr_assert_eq(dhb_sink_close(&sink), 0);
	cr_assert_eq(fclose(cfg.fp), 0);
	return keep(out);
}

Test(results, json_passes_of_a_repeated_run)
{
	char *doc = repeat_doc(), why[128];
	struct dhb_results res;

	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_mem(&res, "r.json", doc, strlen(doc), DHB_RESULTS_JSON), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(res.n_rows, 2);
	cr_assert_eq(res.sources[0]->run.repetition, 1);
	cr_assert_eq(res.rows[0].run.repetition, 1);
	cr_assert_eq(res.rows[1].run.repetition, 2);
	cr_assert_str_eq(res.rows[1].run.timestamp, T2);
	cr_assert_str_eq(res.rows[1].run.boot_id, tu_run.boot_id);
	cr_assert_eq(rt_check(&res, res.sources[0], &dhb_sink_json_ops, why, sizeof(why)), 0, "%s",
		     why);
	dhb_results_free(&res);
	/* a pass's timestamp is its repetition's entry of the list, not any entry */
	expect_refusal(
		&(struct refusal){"j", replace(doc, "\"repetition\":2", "\"repetition\":3"), 0, 0,
				  -EPROTO,
				  "j: rows[1]: run identity differs from the document's "
				  "\"environment\" (a JSON document holds one run, its passes "
				  "listed in repetition_timestamps)"},
		DHB_RESULTS_JSON);
	expect_refusal(
		&(struct refusal){"j", replace(doc, T1 " " T2, T2 " " T1), 0, 0, -EPROTO,
				  "j: rows[1]: run identity differs from the document's "
				  "\"environment\" (a JSON document holds one run, its passes "
				  "listed in repetition_timestamps)"},
		DHB_RESULTS_JSON);
}

/* --- samples files (run --samples): both versions, and what is refused ------------------- */

struct sample_log {
	size_t n;
	uint64_t count;
	double sum;
	char first[256];
	char tail[128]; /* "index:low:high " per line */
};

static int log_sample(void *arg, const struct dhb_results_sample *s)
{
	struct sample_log *l = arg;

	if (!l->n++)
		snprintf(l->first, sizeof(l->first), "%s|%s|%llu|%s|%s|%llu|%s|%s", s->timestamp,
			 s->boot_id, (unsigned long long)s->repetition, s->test, s->heap,
			 (unsigned long long)s->size_bytes, s->params, s->unit);
	l->count += s->count;
	l->sum += s->value * (double)s->count;
	snprintf(l->tail + strlen(l->tail), sizeof(l->tail) - strlen(l->tail), "%llu:%g:%g ",
		 (unsigned long long)s->index, s->low, s->high);
	return 0;
}

#define SAMPLES_TAIL ",index,value,count,low,high\n"

Test(results, samples_both_versions)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row row = tu_row();
	struct sample_log l = {0};
	struct dhb_results res;
	struct dhb_stats st;
	char *v2, *v1, *key1;

	dhb_stats_init(&st, 0);
	cr_assert_eq(dhb_stats_add(&st, 300), 0);
	cr_assert_eq(dhb_stats_add(&st, 100), 0);
	row.samples = &st;
	v2 = keep(tu_write(&dhb_sink_samples_ops, &cfg, &row, 1));
	dhb_stats_fini(&st);
	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_samples_mem(&res, "s2", v2, strlen(v2), log_sample, &l), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.count, 2);
	cr_assert_float_eq(l.sum, 400, 1e-9);
	cr_assert_str_eq(l.first, "2026-11-20T23:26:00Z|8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2|2|"
				  "alloc|system|4096|direction=rw|ns");
	/* version 1: the key without boot_id and repetition; a bucket line too */
	key1 = "1,0.1.0,g1,2026-11-20T23:26:00Z,lab,QEMU,6.12,,alloc,system,dma-heap,4096,"
	       "alloc_latency,,ns";
	v1 = cat3("schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,"
		  "test,heap,backend,size_bytes,metric,params,unit" SAMPLES_TAIL,
		  cat3(key1, ",0,5,1,,\n", NULL), cat3(key1, ",1,7.5,4,7,8\n", NULL));
	memset(&l, 0, sizeof(l));
	cr_assert_eq(dhb_results_read_samples_mem(&res, "s1", v1, strlen(v1), log_sample, &l), 0,
		     "%s", dhb_results_error(&res));
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.count, 5);
	cr_assert_float_eq(l.sum, 35, 1e-9);
	cr_assert_str_eq(l.first, "2026-11-20T23:26:00Z||0|alloc|system|4096||ns");
	cr_assert_str_eq(l.tail, "0:nan:nan 1:7:8 ", "index, low and high of each line: %s",
			 l.tail);
	cr_assert_eq(res.n_rows, 0);
	dhb_results_free(&res);
}

/* @tail (index ... high, after the key) on a line of a version 2 samples file, read: @msg. */
static void expect_samples_refusal(const char *text, int ret, const char *msg)
{
	struct sample_log l = {0};
	struct dhb_results res;

	dhb_results_init(&res, 0);
	cr_assert_eq(dhb_results_read_samples_mem(&res, "s", text, strlen(text), log_sample, &l),
		     ret, "returned other than %d: %s", ret, dhb_results_error(&res));
	cr_assert_str_eq(dhb_results_error(&res), msg);
	dhb_results_free(&res);
}

Test(results, samples_refusals)
{
	const char *hdr = "schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,"
			  "cma_bytes,boot_id,repetition,test,heap,backend,size_bytes,metric,params,"
			  "unit" SAMPLES_TAIL;
	const char *key = "2,0.1.0,g1,2026-11-20T23:26:00Z,lab,QEMU,6.12,,b00t,1,alloc,system,"
			  "dma-heap,4096,alloc_latency,,ns";

	expect_samples_refusal("", -EPROTO, "s: empty file, no header line");
	expect_samples_refusal(HEADER, -EPROTO,
			       "s:1: unknown column \"n\" for a samples file (this reader reads "
			       "schema versions 1 and 2)");
	expect_samples_refusal("index,value\n", -EPROTO,
			       "s:1: not a dmaheap-bench samples file: the header starts with "
			       "\"index\", not \"schema_version\"");
	expect_samples_refusal(replace(hdr, ",high\n", "\n"), -EPROTO,
			       "s:1: missing column \"high\" (of schema version 2; this reader "
			       "reads versions 1 and 2)");
	expect_samples_refusal(cat3(hdr, key, ",0,5,0,,\n"), -EPROTO,
			       "s:2: column \"count\": \"0\" is not a count from 1");
	expect_samples_refusal(cat3(hdr, key, ",0,5,-1,,\n"), -EPROTO,
			       "s:2: column \"count\": \"-1\" is not a count from 1");
	expect_samples_refusal(cat3(hdr, key, ",x,5,1,,\n"), -EPROTO,
			       "s:2: column \"index\": \"x\" is not an integer");
	expect_samples_refusal(cat3(hdr, key, ",0,nan,1,,\n"), -EPROTO,
			       "s:2: column \"value\": \"nan\" is not a number");
	expect_samples_refusal(cat3(hdr, key, ",0,5,1,4,\n"), -EPROTO,
			       "s:2: columns \"low\" and \"high\" are no bucket (both empty for a "
			       "sample, else low <= high)");
	expect_samples_refusal(cat3(hdr, key, ",0,5,1,6,4\n"), -EPROTO,
			       "s:2: columns \"low\" and \"high\" are no bucket (both empty for a "
			       "sample, else low <= high)");
	expect_samples_refusal(cat3(hdr, key, ",0,5,1,,x\n"), -EPROTO,
			       "s:2: column \"high\": \"x\" is not empty or a number");
	expect_samples_refusal(cat3(hdr, key, ",0,5,1,,\n1"), -EPROTO,
			       "s:3: the last record has no line end (file cut short?)");
	expect_samples_refusal(cat3(hdr, replace(key, "2,0.1.0", "1,0.1.0"), ",0,5,1,,\n"), -EPROTO,
			       "s:2: schema version 1, but the header is of version 2");
	expect_samples_refusal(cat3(hdr, replace(key, ",4096,", ",-4,"), ",0,5,1,,\n"), -EPROTO,
			       "s:2: column \"size_bytes\": \"-4\" is not an integer");
	expect_samples_refusal(cat3(hdr, key, ",0,5,1,,,\n"), -EPROTO,
			       "s:2: 23 fields, expected 22");
}
