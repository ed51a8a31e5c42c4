// SPDX-License-Identifier: MIT
// libFuzzer target: the samples reader (dhb_results_read_samples_mem(), `run --samples`) on any bytes.
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/results.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME	  "fuzz"
#define MAX_LINES 8    /* lines kept for the round trip; the next one stops the read */
#define STOP	  4242 /* what the callback returns then: the read must return it as is */

/* One line as given to the callback, its strings copied (they live during the callback only). */
enum {
	S_TOOL,
	S_REV,
	S_TS,
	S_HOST,
	S_BOARD,
	S_KERNEL,
	S_BOOT,
	S_TEST,
	S_HEAP,
	S_BACKEND,
	S_METRIC,
	S_PARAMS,
	S_UNIT,
	NSTR
};

struct line {
	char *s[NSTR];
	uint64_t repetition, size_bytes, count;
	double value;
};

struct lines {
	size_t n;
	struct line v[MAX_LINES];
};

/* The promises of every line given: strings, a finite value, a count from 1. */
static int take(void *arg, const struct dhb_results_sample *s)
{
	const char *const str[NSTR] = {
		[S_TOOL] = s->tool_version, [S_REV] = s->git_rev,   [S_TS] = s->timestamp,
		[S_HOST] = s->hostname,	    [S_BOARD] = s->board,   [S_KERNEL] = s->kernel,
		[S_BOOT] = s->boot_id,	    [S_TEST] = s->test,	    [S_HEAP] = s->heap,
		[S_BACKEND] = s->backend,   [S_METRIC] = s->metric, [S_PARAMS] = s->params,
		[S_UNIT] = s->unit,
	};
	struct lines *l = arg;
	struct line *x;
	size_t i;

	for (i = 0; i < NSTR; i++)
		check(str[i]);
	check(isfinite(s->value) && s->count >= 1);
	if (l->n == MAX_LINES)
		return STOP;
	x = &l->v[l->n++];
	for (i = 0; i < NSTR; i++) {
		x->s[i] = strdup(str[i]);
		check(x->s[i]);
	}
	x->repetition = s->repetition;
	x->size_bytes = s->size_bytes;
	x->value = s->value;
	x->count = s->count;
	return 0;
}

static void lines_free(struct lines *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < NSTR; j++)
			free(l->v[i].s[j]);
	}
	l->n = 0;
}

/* Whether two lines hold the same (a value as the same double). */
static bool same(const struct line *a, const struct line *b)
{
	size_t i;

	for (i = 0; i < NSTR; i++) {
		if (strcmp(a->s[i], b->s[i]))
			return false;
	}
	return a->repetition == b->repetition && a->size_bytes == b->size_bytes &&
	       a->value == b->value && a->count == b->count;
}

/*
 * The lines written again as the samples sink writes them (the key by the CSV writer's own
 * cells, the value in the writers' number format), into a malloc'd text.
 */
static char *write_back(const struct lines *l, size_t *len)
{
	char *out = NULL, num[40];
	FILE *fp = open_memstream(&out, len);
	size_t i, nkey = dhb_sink_nkey_columns();

	check(fp);
	dhb_sink_csv_names(fp, 0, nkey);
	fputs(",index,value,count,low,high\n", fp);
	for (i = 0; i < l->n; i++) {
		const struct line *x = &l->v[i];
		const struct dhb_run_info run = {
			.tool_version = x->s[S_TOOL],
			.git_rev = x->s[S_REV],
			.timestamp = x->s[S_TS],
			.hostname = x->s[S_HOST],
			.board = x->s[S_BOARD],
			.kernel = x->s[S_KERNEL],
			.cma_bytes = -1,
			.boot_id = x->s[S_BOOT],
			.repetition = x->repetition,
		};
		const struct dhb_row row = {
			.test = x->s[S_TEST],
			.heap = x->s[S_HEAP],
			.backend = x->s[S_BACKEND],
			.size_bytes = x->size_bytes,
			.metric = x->s[S_METRIC],
			.params = x->s[S_PARAMS],
			.unit = x->s[S_UNIT],
		};

		dhb_sink_csv_cells(fp, &run, &row, 0, nkey);
		check(!dhb_sink_format_number(x->value, num, sizeof(num)));
		fprintf(fp, ",%zu,%s,%llu,,\n", i, num, (unsigned long long)x->count);
	}
	check(!fclose(fp));
	return out;
}

/*
 * The reader's promises for any input: it returns 0, -EPROTO, -E2BIG, or STOP when the
 * callback said so (-ENOMEM never at these sizes); a refusal says why in one printable line
 * that names the file, a success or a stop leaves no message; the lines it gave, written back
 * as the writers write them and read again, are the same lines. Built with a 1 KiB record
 * bound (bench/fuzz/CMakeLists.txt), so short inputs cross it.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lines got = {0}, back = {0};
	struct dhb_results res;
	const char *e;
	size_t i, len;
	char *text;
	int ret;

	dhb_results_init(&res, 0);
	ret = dhb_results_read_samples_mem(&res, NAME, data, size, take, &got);
	e = dhb_results_error(&res);
	check(ret == 0 || ret == -EPROTO || ret == -E2BIG || ret == STOP);
	check(res.n_rows == 0 && res.n_sources == 0);
	if (ret == -EPROTO || ret == -E2BIG) {
		check(!strncmp(e, NAME ":", strlen(NAME ":")) && strlen(e) > strlen(NAME ": "));
		for (i = 0; e[i]; i++)
			check((unsigned char)e[i] >= 0x20 && e[i] != 0x7f);
	} else {
		check(!e[0]);
		check(ret != STOP || got.n == MAX_LINES);
	}
	text = write_back(&got, &len);
	ret = dhb_results_read_samples_mem(&res, "written-back", text, len, take, &back);
	/*
	 * The writer may spell a value longer than the input did ("1e15" becomes
	 * "1000000000000000"), so a line near the bound can pass it when written back: that
	 * refusal is the bound's, not a difference.
	 */
	if (ret != -E2BIG) {
		if (ret)
			fprintf(stderr, "fuzz_samples: reading back: %s\n",
				dhb_results_error(&res));
		check(!ret && back.n == got.n);
		for (i = 0; i < got.n; i++)
			check(same(&got.v[i], &back.v[i]));
	}
	free(text);
	lines_free(&got);
	lines_free(&back);
	dhb_results_free(&res);
	return 0;
}
