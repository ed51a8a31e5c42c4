// SPDX-License-Identifier: MIT
// Unit tests of the CSV sink: exact output, RFC 4180 quoting, number format, appending runs.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "testsink.h"

#define HEADER                                                                                    \
	"schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,boot_id,"  \
	"repetition,test,heap,backend,size_bytes,metric,params,unit,n,min,p50,p90,p99,p99_9,max," \
	"mean,stddev,cv,mad,outliers,flags\n"

Test(sink_csv, exact_output_and_quoting)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[2] = {tu_row(), tu_row()};
	char *out;

	rows[1].test = "odd \"name\", with\r\nbreaks";
	rows[1].params = NULL;
	rows[1].unit = "MB/s";
	rows[1].size_bytes = 1572864;
	rows[1].stats.p99_9 = NAN;
	rows[1].stats.max = INFINITY;
	rows[1].stats.mean = -INFINITY;
	rows[1].stats.cv = 0.1;
	rows[1].stats.stddev = 1e-7;
	rows[1].stats.min = 12345678901234.5;
	rows[1].stats.flags = 0;
	out = tu_write(&dhb_sink_csv_ops, &cfg, rows, 2);
	cr_assert_str_eq(
		out, HEADER
		"2,0.1.0,g1234abc,2026-11-20T23:26:00Z,\"lab,host\",\"QEMU \"\"Standard PC\"\"\","
		"\"6.12.0\nx\",268435456,8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2,2,alloc,system,dma-"
		"heap,"
		"4096,alloc_latency,direction=rw,ns,"
		"1000,1200,1500.5,2000,3000,4000.25,5000,1600.125,123.456,0.0771,100,3,"
		"approx;high_cv\n"
		"2,0.1.0,g1234abc,2026-11-20T23:26:00Z,\"lab,host\",\"QEMU \"\"Standard PC\"\"\","
		"\"6.12.0\nx\",268435456,8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2,2,\"odd "
		"\"\"name\"\", "
		"with\r\nbreaks\",system,dma-heap,1572864,"
		"alloc_latency,,MB/s,1000,12345678901234.5,1500.5,2000,3000,,,,1e-07,0.1,100,3,\n");
	free(out);
}

Test(sink_csv, missing_identity)
{
	struct dhb_run_info run = {.cma_bytes = -1};
	struct dhb_sink_config cfg = {.run = &run};
	struct dhb_row row = {0};
	char *out;

	out = tu_write(&dhb_sink_csv_ops, &cfg, &row, 1);
	cr_assert_str_eq(out, HEADER "2,,,,,,,,,,,,,0,,,,0,0,0,0,0,0,0,0,0,0,0,0,\n");
	free(out);
}

Test(sink_csv, number_format)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{0, "0"},
		{-0.0, "0"},
		{1234, "1234"},
		{-17, "-17"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{1234.5678, "1234.5678"},
		{1e-5, "1e-05"},
		{9007199254740991.0, "9007199254740991"},
		{1e20, "1e+20"},
		{2.5e-300, "2.5e-300"},
		{NAN, ""},
		{INFINITY, ""},
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(dhb_sink_format_number(cases[i].v, buf, sizeof(buf)), 0);
		cr_assert_str_eq(buf, cases[i].want, "%.17g", cases[i].v);
		if (isfinite(cases[i].v))
			cr_assert_eq(strtod(buf, NULL), cases[i].v);
	}
	cr_assert_eq(dhb_sink_format_number(1234.5678, buf, 5), -ENOSPC);
}

static int append_rows(const char *path, int nrows)
{
	struct dhb_sink_config cfg = {.path = path, .append = true, .run = &tu_run};
	struct dhb_row row = tu_row();
	struct dhb_sink sink;
	int ret, i;

	ret = dhb_sink_open(&sink, &dhb_sink_csv_ops, &cfg);
	if (ret)
		return ret;
	for (i = 0; i < nrows; i++)
		cr_assert_eq(dhb_sink_write(&sink, &row), 0);
	return dhb_sink_close(&sink);
}

static int count_lines(const char *s, const char *prefix)
{
	int n = 0;

	for (; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		n += !strncmp(s, prefix, strlen(prefix));
	return n;
}

Test(sink_csv, append_concatenates_runs)
{
	char path[] = "/tmp/dhb-csv-XXXXXX";
	FILE *fp;
	char *text;
	int fd;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(append_rows(path, 2), 0);
	cr_assert_eq(append_rows(path, 3), 0);
	text = tu_slurp(path);
	cr_assert_eq(count_lines(text, "schema_version,"), 1);
	cr_assert_eq(count_lines(text, "2,0.1.0,"), 5);
	cr_assert_eq(strncmp(text, HEADER, strlen(HEADER)), 0);
	free(text);

	/* an interrupted run left half a record: the next run starts on a fresh line */
	fp = fopen(path, "a");
	fputs("2,0.1.0,partial", fp);
	fclose(fp);
	cr_assert_eq(append_rows(path, 1), 0);
	text = tu_slurp(path);
	cr_assert_not_null(strstr(text, "2,0.1.0,partial\n2,0.1.0,"));
	free(text);

	/* a file of schema version 1 (without boot_id and repetition): refused, not mixed */
	fp = fopen(path, "w");
	fputs("schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,test,"
	      "heap,backend,size_bytes,metric,params,unit,n,min,p50,p90,p99,p99_9,max,mean,"
	      "stddev,cv,mad,outliers,flags\n",
	      fp);
	fclose(fp);
	cr_assert_eq(append_rows(path, 1), -EPROTO);
	text = tu_slurp(path);
	cr_assert_eq(count_lines(text, "schema_version,"), 1);
	cr_assert_eq(count_lines(text, "2,"), 0);
	free(text);

	/* another header: refused, file untouched */
	fp = fopen(path, "w");
	fputs("a,b,c\n1,2,3\n", fp);
	fclose(fp);
	cr_assert_eq(append_rows(path, 1), -EPROTO);
	text = tu_slurp(path);
	cr_assert_str_eq(text, "a,b,c\n1,2,3\n");
	free(text);

	/* without append the file is replaced */
	fp = fopen(path, "w");
	fclose(fp);
	{
		struct dhb_sink_config cfg = {.path = path, .run = &tu_run};
		struct dhb_sink sink;

		cr_assert_eq(dhb_sink_open(&sink, &dhb_sink_csv_ops, &cfg), 0);
		cr_assert_eq(dhb_sink_close(&sink), 0);
	}
	text = tu_slurp(path);
	cr_assert_str_eq(text, HEADER);
	free(text);
	unlink(path);
}

Test(sink_csv, open_errors)
{
	struct dhb_sink_config cfg = {.path = "/nonexistent-dir/x.csv", .run = &tu_run};
	struct dhb_sink sink;

	cr_assert_eq(dhb_sink_open(&sink, &dhb_sink_csv_ops, &cfg), -ENOENT);
	cfg.run = NULL;
	cr_assert_eq(dhb_sink_open(&sink, &dhb_sink_csv_ops, &cfg), -EINVAL);
}
