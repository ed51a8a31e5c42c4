// SPDX-License-Identifier: MIT
// Unit tests of the table sink, of writing all sinks in one pass, and of the sink helpers.
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "json_check.h"
#include "testsink.h"

static int count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

Test(sink_table, aligned_columns)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row rows[3] = {tu_row(), tu_row(), tu_row()};
	char *out, *line, *save = NULL;
	int nlines = 0;
	size_t col = 0;

	rows[0].params = NULL;
	rows[1].heap = "reserved";
	rows[1].size_bytes = 64 << 20;
	rows[1].stats.p50 = 2500000; /* shown in us */
	rows[1].stats.flags = 0;
	rows[2].unit = "MB/s";
	rows[2].metric = "write_bw";
	rows[2].stats.p50 = 12345.678;
	out = tu_write(&dhb_sink_table_ops, &cfg, rows, 3);
	cr_assert_eq(strncmp(out, "# dmaheap-bench 0.1.0 g1234abc  host lab,host", 44), 0, "%s",
		     out);
	cr_assert_eq(count_char(out, '\n'), 1 + 1 + 1 + 3, "%s", out); /* kernel has a newline */
	cr_assert_not_null(strstr(out, "64M"));
	cr_assert_not_null(strstr(out, " us "));
	cr_assert_not_null(strstr(out, "2500"));
	cr_assert_not_null(strstr(out, "12346"));
	cr_assert_not_null(strstr(out, "7.7%"));
	cr_assert_not_null(strstr(out, "approx;high_cv"));
	/* the p50 column ends at the same offset in the heading and every row */
	for (line = strtok_r(strchr(strchr(out, '\n') + 1, '\n') + 1, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *h = strstr(line, "p50");

		if (nlines == 0) {
			cr_assert_not_null(h);
			col = (size_t)(h - line) + 3;
		}
		cr_assert_gt(strlen(line), col);
		cr_assert_eq(line[col], ' ', "line %d: %s", nlines, line);
		cr_assert_neq(line[col - 1], ' ', "line %d: %s", nlines, line);
		nlines++;
		cr_assert_neq(line[strlen(line) - 1], ' ', "trailing blank: %s", line);
	}
	cr_assert_eq(nlines, 4);
	free(out);
}

Test(sink_table, no_rows)
{
	struct dhb_sink_config cfg = {0};
	char *out;

	out = tu_write(&dhb_sink_table_ops, &cfg, NULL, 0);
	cr_assert_not_null(strstr(out, "(no results)\n"));
	free(out);
}

/* One pass over the rows feeds every sink; each gets every row. */
Test(sink_table, multi_sink_one_pass)
{
	struct dhb_sink_config cfg = {.run = &tu_run};
	struct dhb_row rows[4] = {tu_row(), tu_row(), tu_row(), tu_row()};
	const struct dhb_sink_ops *ops[3] = {&dhb_sink_table_ops, &dhb_sink_csv_ops,
					     &dhb_sink_json_ops};
	struct dhb_sink sinks[3];
	char *buf[3] = {0};
	size_t len[3], i;
	FILE *fp[3];

	for (i = 0; i < 3; i++) {
		fp[i] = open_memstream(&buf[i], &len[i]);
		cfg.fp = fp[i];
		cr_assert_eq(dhb_sink_open(&sinks[i], ops[i], &cfg), 0);
	}
	for (i = 0; i < 4; i++) {
		rows[i].size_bytes = (uint64_t)4096 << i;
		cr_assert_eq(dhb_sinks_write(sinks, 3, &rows[i]), 0);
	}
	cr_assert_eq(dhb_sinks_close(sinks, 3), 0);
	for (i = 0; i < 3; i++)
		fclose(fp[i]);
	cr_assert_not_null(strstr(buf[0], "32K"));
	cr_assert_eq(count_char(buf[1], '\n'),
		     1 + 4 * 2); /* header + rows (kernel has a newline) */
	cr_assert(json_valid(buf[2]));
	cr_assert_not_null(strstr(buf[2], "\"size_bytes\":32768,"));
	for (i = 0; i < 3; i++)
		free(buf[i]);
}

Test(sink_table, helpers)
{
	char buf[32];

	cr_assert_eq(dhb_sink_find("csv"), &dhb_sink_csv_ops);
	cr_assert_eq(dhb_sink_find("json"), &dhb_sink_json_ops);
	cr_assert_eq(dhb_sink_find("table"), &dhb_sink_table_ops);
	cr_assert_null(dhb_sink_find("xml"));
	cr_assert_eq(dhb_sink_timestamp(0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	cr_assert_eq(dhb_sink_timestamp(1795217160, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "2026-11-20T23:26:00Z");
	cr_assert_eq(dhb_sink_timestamp(0, buf, 10), -ENOSPC);
	cr_assert_eq(dhb_sink_ncolumns(), 30);
	cr_assert_str_eq(dhb_sink_column(0), "schema_version");
	cr_assert_str_eq(dhb_sink_column(29), "flags");
	cr_assert_null(dhb_sink_column(30));
}
