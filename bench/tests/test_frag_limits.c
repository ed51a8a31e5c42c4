// SPDX-License-Identifier: MIT
// Unit tests of a trace's limits: line length, operation count, sizes, read errors, live totals.
#define _GNU_SOURCE /* fopencookie */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/frag.h"

#define H "time,op,id,size,alignment\n"

static int parse_str(const char *text, size_t len, struct dhb_frag_trace *tr, unsigned long *line,
		     char *err, size_t errlen)
{
	FILE *fp = fmemopen((void *)text, len, "r");
	int ret;

	cr_assert_not_null(fp);
	ret = dhb_frag_trace_parse(fp, tr, line, err, errlen);
	fclose(fp);
	return ret;
}

/* A comment line of @len bytes before its line end, after a header. */
static char *long_line(size_t len, const char *end)
{
	size_t hl = strlen(H), el = strlen(end);
	char *s = malloc(hl + len + el + 1);

	cr_assert_not_null(s);
	memcpy(s, H, hl);
	s[hl] = '#';
	memset(s + hl + 1, 'x', len - 1);
	memcpy(s + hl + len, end, el + 1);
	return s;
}

Test(frag_limits, line_length)
{
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200], *s;

	s = long_line(DHB_FRAG_MAX_LINE, "\n");
	cr_assert_eq(parse_str(s, strlen(s), &tr, &line, err, sizeof(err)), 0, "%s", err);
	free(s);
	s = long_line(DHB_FRAG_MAX_LINE, "\r\n");
	cr_assert_eq(parse_str(s, strlen(s), &tr, &line, err, sizeof(err)), -EINVAL,
		     "the limit counts what precedes the '\\n'");
	free(s);
	s = long_line(DHB_FRAG_MAX_LINE + 1, "");
	cr_assert_eq(parse_str(s, strlen(s), &tr, &line, err, sizeof(err)), -EINVAL);
	cr_assert_eq(line, 2);
	cr_assert_str_eq(err, "line longer than 4096 bytes");
	cr_assert_null(tr.ops);
	free(s);
}

/* NUL bytes are refused wherever they are, also at the end of a line without '\n'. */
Test(frag_limits, nul_bytes)
{
	static const char text[] = H "0,alloc,1,4096,0\n1,alloc,2,4096,0\0";
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200];

	cr_assert_eq(parse_str(text, sizeof(text) - 1, &tr, &line, err, sizeof(err)), -EINVAL);
	cr_assert_eq(line, 3);
	cr_assert_str_eq(err, "NUL byte in the line");
}

Test(frag_limits, sizes_and_alignments)
{
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200], text[256];
	uint32_t slot;

	snprintf(text, sizeof(text), H "0,alloc,1,%llu,%llu\n", DHB_FRAG_MAX_SIZE,
		 DHB_FRAG_MAX_SIZE);
	cr_assert_eq(parse_str(text, strlen(text), &tr, &line, err, sizeof(err)), 0, "%s", err);
	dhb_frag_trace_release(&tr);
	snprintf(text, sizeof(text), H "0,alloc,1,%llu,0\n", DHB_FRAG_MAX_SIZE + 1);
	cr_assert_eq(parse_str(text, strlen(text), &tr, &line, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "size 1099511627777 is too large (at most 1099511627776)");
	snprintf(text, sizeof(text), H "0,alloc,1,4096,%llu\n", DHB_FRAG_MAX_SIZE * 2);
	cr_assert_eq(parse_str(text, strlen(text), &tr, &line, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "alignment 2199023255552 is too large (at most 1099511627776)");
	cr_assert_eq(dhb_frag_trace_alloc(&tr, 0, DHB_FRAG_MAX_SIZE + 1, 0, &slot), -EINVAL);
	cr_assert_eq(dhb_frag_trace_alloc(&tr, 0, 1, DHB_FRAG_MAX_SIZE * 2, &slot), -EINVAL);
	dhb_frag_trace_release(&tr);
}

/* Huge sizes: the live totals in the rows and the peak are exact, not wrapped around. */
Test(frag_limits, live_totals_do_not_overflow)
{
	struct dhb_frag_model_cfg cfg = {DHR_POLICY_BEST_FIT, 256 << 20, 4096, 1, 0};
	struct dhb_frag_result res = {0};
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200], text[512];
	double expect = 4.0 * (double)DHB_FRAG_MAX_SIZE / (double)cfg.region;
	int i, w = snprintf(text, sizeof(text), H);

	for (i = 1; i <= 4; i++)
		w += snprintf(text + w, sizeof(text) - (size_t)w, "0,alloc,%d,%llu,0\n", i,
			      DHB_FRAG_MAX_SIZE);
	cr_assert_eq(parse_str(text, strlen(text), &tr, &line, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_frag_trace_peak(&tr, 4096), 4 * DHB_FRAG_MAX_SIZE);
	cr_assert_eq(dhb_frag_replay_model(&tr, &cfg, &res), 0);
	cr_assert_eq(res.n_rows, 4);
	cr_assert_eq(res.failed_allocs, 4, "none fits the region");
	cr_assert_float_eq(res.rows[3].trace_utilisation, expect, 1e-9, "%g",
			   res.rows[3].trace_utilisation);
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

/* A stream of alloc/free pairs of one id, as long as asked (fopencookie). */
struct pairs {
	unsigned long n, i;
	char buf[64];
	size_t len, off;
};

static ssize_t pairs_read(void *c, char *out, size_t size)
{
	struct pairs *p = c;
	size_t k;

	if (p->off == p->len) {
		if (p->i == p->n)
			return 0;
		p->len = (size_t)(p->i ? snprintf(p->buf, sizeof(p->buf), "%lu,%s,1,4096,0\n", p->i,
						  p->i & 1 ? "alloc" : "free")
				       : snprintf(p->buf, sizeof(p->buf), H));
		p->off = 0;
		p->i++;
	}
	k = p->len - p->off < size ? p->len - p->off : size;
	memcpy(out, p->buf + p->off, k);
	p->off += k;
	return (ssize_t)k;
}

static FILE *pairs_open(struct pairs *p, unsigned long lines)
{
	cookie_io_functions_t io = {.read = pairs_read};

	memset(p, 0, sizeof(*p));
	p->n = lines;
	return fopencookie(p, "r", io);
}

Test(frag_limits, operation_count, .timeout = 300)
{
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	struct pairs p;
	char err[200];
	FILE *fp;

	fp = pairs_open(&p, DHB_FRAG_MAX_OPS + 1UL); /* the header and the most operations */
	cr_assert_eq(dhb_frag_trace_parse(fp, &tr, &line, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tr.n, DHB_FRAG_MAX_OPS);
	fclose(fp);
	dhb_frag_trace_release(&tr);
	fp = pairs_open(&p, DHB_FRAG_MAX_OPS + 2UL);
	cr_assert_eq(dhb_frag_trace_parse(fp, &tr, &line, err, sizeof(err)), -EINVAL);
	cr_assert_eq(line, DHB_FRAG_MAX_OPS + 2UL);
	cr_assert_str_eq(err, "more than 4194304 operations (the most a trace may hold)");
	cr_assert_null(tr.ops);
	fclose(fp);
}

/* A read error is an error (-EIO, with its line), never the end of the trace. */
static ssize_t failing_read(void *c, char *out, size_t size)
{
	int *calls = c;

	if ((*calls)++) {
		errno = EIO;
		return -1;
	}
	snprintf(out, size, H "0,alloc,1,4096,0\n");
	return (ssize_t)strlen(out);
}

Test(frag_limits, read_error)
{
	cookie_io_functions_t io = {.read = failing_read};
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200];
	int calls = 0;
	FILE *fp = fopencookie(&calls, "r", io);

	cr_assert_not_null(fp);
	cr_assert_eq(dhb_frag_trace_parse(fp, &tr, &line, err, sizeof(err)), -EIO);
	cr_assert_eq(line, 3);
	cr_assert_str_eq(err, "read error: Input/output error");
	cr_assert_null(tr.ops);
	fclose(fp);
}
