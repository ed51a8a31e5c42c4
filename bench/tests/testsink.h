// SPDX-License-Identifier: MIT
// Fixtures of the sink tests: a run, sample rows, and writing rows into a string.
#ifndef DHB_TESTSINK_H
#define DHB_TESTSINK_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dhb/sink.h"

static const struct dhb_run_info tu_run = {
	.tool_version = "0.1.0",
	.git_rev = "g1234abc",
	.timestamp = "2026-11-20T23:26:00Z",
	.hostname = "lab,host",
	.board = "QEMU \"Standard PC\"",
	.kernel = "6.12.0\nx",
	.cma_bytes = 268435456,
	.boot_id = "8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2",
	.repetition = 2,
};

static inline struct dhb_row tu_row(void)
{
	struct dhb_row r = {
		.test = "alloc",
		.heap = "system",
		.backend = "dma-heap",
		.size_bytes = 4096,
		.metric = "alloc_latency",
		.params = "direction=rw",
		.unit = "ns",
		.stats =
			{
				.n = 1000,
				.min = 1200,
				.p50 = 1500.5,
				.p90 = 2000,
				.p99 = 3000,
				.p99_9 = 4000.25,
				.max = 5000,
				.mean = 1600.125,
				.stddev = 123.456,
				.cv = 0.0771,
				.mad = 100,
				.outliers = 3,
				.flags = DHB_FLAG_APPROX | DHB_FLAG_HIGH_CV,
			},
	};
	return r;
}

/* Open @ops on a memory stream with @cfg (its fp is set), write @n rows, close; the text. */
static inline char *tu_write(const struct dhb_sink_ops *ops, struct dhb_sink_config *cfg,
			     const struct dhb_row *rows, size_t n)
{
	struct dhb_sink sink;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	cr_assert_not_null(fp);
	cfg->fp = fp;
	cfg->path = NULL;
	if (!cfg->run)
		cfg->run = &tu_run;
	cr_assert_eq(dhb_sink_open(&sink, ops, cfg), 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(dhb_sink_write(&sink, &rows[i]), 0);
	cr_assert_eq(dhb_sink_close(&sink), 0);
	cr_assert_eq(fclose(fp), 0);
	return buf;
}

/* The whole of a file as a NUL-terminated string (free() it); the test fails if it can't. */
static inline char *tu_slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

#endif /* DHB_TESTSINK_H */
