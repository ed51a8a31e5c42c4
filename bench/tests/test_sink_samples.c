// SPDX-License-Identifier: MIT
// Unit tests of the samples sink: the row's key on every line, recording order, buckets, scale.
#include <criterion/criterion.h>
#include <string.h>

#include "testsink.h"

#define KEY_HEADER                                                                               \
	"schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,cma_bytes,boot_id," \
	"repetition,test,heap,backend,size_bytes,metric,params,unit"
#define HEADER KEY_HEADER ",index,value,count,low,high\n"
#define KEY                                                                                     \
	"2,0.1.0,g1234abc,2026-11-20T23:26:00Z,\"lab,host\",\"QEMU \"\"Standard PC\"\"\","      \
	"\"6.12.0\nx\",268435456,8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2,2,alloc,system,dma-heap," \
	"4096,alloc_latency,direction=rw,ns"

Test(sink_samples, exact_samples_in_recording_order)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row row = tu_row();
	struct dhb_stats st;
	char *out;

	dhb_stats_init(&st, 0);
	cr_assert_eq(dhb_stats_add(&st, 300), 0);
	cr_assert_eq(dhb_stats_add(&st, 100), 0);
	cr_assert_eq(dhb_stats_add(&st, 200), 0);
	/* summarized first, as the runner does: the percentiles must not reorder the samples */
	cr_assert_eq(dhb_stats_summarize(&st, &row.stats), 0);
	cr_assert_eq(row.stats.p50, 200);
	row.samples = &st;
	out = tu_write(&dhb_sink_samples_ops, &cfg, &row, 1);
	cr_assert_str_eq(out, HEADER KEY ",0,300,1,,\n" KEY ",1,100,1,,\n" KEY ",2,200,1,,\n");
	free(out);
	dhb_stats_fini(&st);
}

Test(sink_samples, rows_without_samples_write_nothing)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[2] = {tu_row(), tu_row()};
	struct dhb_stats st;
	char *out;

	dhb_stats_init(&st, 0);
	rows[1].samples = &st; /* no samples recorded */
	out = tu_write(&dhb_sink_samples_ops, &cfg, rows, 2);
	cr_assert_str_eq(out, HEADER);
	free(out);
	dhb_stats_fini(&st);
}

Test(sink_samples, key_columns_are_the_rows)
{
	char want[1024] = "";
	size_t i;

	cr_assert_eq(dhb_sink_nrun_columns(), 10);
	cr_assert_str_eq(dhb_sink_column(dhb_sink_nrun_columns() - 1), "repetition");
	cr_assert_str_eq(dhb_sink_column(dhb_sink_nkey_columns() - 1), "unit");
	cr_assert_str_eq(dhb_sink_column(dhb_sink_nkey_columns()), "n");
	for (i = 0; i < dhb_sink_nkey_columns(); i++) {
		strcat(want, i ? "," : "");
		strcat(want, dhb_sink_column(i));
	}
	cr_assert_str_eq(want, KEY_HEADER);
}

Test(sink_samples, rates_scaled_to_the_rows_unit)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row row = tu_row();
	struct dhb_stats st;
	char *out;

	dhb_stats_init(&st, 0);
	cr_assert_eq(dhb_stats_add(&st, 1500000000), 0); /* bytes per second */
	cr_assert_eq(dhb_stats_add(&st, 1234567), 0);
	row.samples = &st;
	row.samples_scale = 1e-6;
	row.params = NULL;
	row.unit = "MB/s";
	out = tu_write(&dhb_sink_samples_ops, &cfg, &row, 1);
	cr_assert(strstr(out, ",alloc_latency,,MB/s,0,1500,1,,\n"), "%s", out);
	cr_assert(strstr(out, ",alloc_latency,,MB/s,1,1.234567,1,,\n"), "%s", out);
	free(out);
	dhb_stats_fini(&st);
}

/* Past the exact bound: one line per non-empty bucket, with its bounds; counts add up to n. */
Test(sink_samples, histogram_buckets_with_bounds)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row row = tu_row();
	struct dhb_stats st;
	char *out, *line, *save = NULL;
	unsigned long long idx, count, total = 0, lo, hi, value, prev_hi = 0;
	size_t lines = 0;
	uint64_t v;

	dhb_stats_init(&st, 4);
	for (v = 0; v < 1000; v++)
		cr_assert_eq(dhb_stats_add(&st, 1000 + v * 7), 0);
	cr_assert_not(dhb_stats_is_exact(&st));
	row.samples = &st;
	out = tu_write(&dhb_sink_samples_ops, &cfg, &row, 1);
	line = strtok_r(out, "\n", &save);
	cr_assert_str_eq(line, KEY_HEADER ",index,value,count,low,high");
	while ((line = strtok_r(NULL, "\n", &save))) {
		const char *p = strstr(line, ",alloc_latency,direction=rw,ns,");

		if (!p)
			continue; /* the quoted kernel field spans a line break */
		cr_assert_eq(sscanf(p, ",alloc_latency,direction=rw,ns,%llu,%llu,%llu,%llu,%llu",
				    &idx, &value, &count, &lo, &hi),
			     5, "%s", line);
		cr_assert_eq(idx, lines, "%s", line);
		cr_assert(lo <= hi && count > 0, "%s", line);
		cr_assert(value >= lo && value <= hi, "%s", line);
		cr_assert(!lines || lo > prev_hi, "buckets in increasing order: %s", line);
		prev_hi = hi;
		total += count;
		lines++;
	}
	cr_assert_eq(total, 1000);
	cr_assert_gt(lines, 10);
	free(out);
	dhb_stats_fini(&st);
}
