// SPDX-License-Identifier: MIT
// Unit tests of the trace format: good traces, every error with its line number, write/read back.
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/frag.h"

static int parse_str(const char *text, struct dhb_frag_trace *tr, unsigned long *line, char *err,
		     size_t len)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int ret;

	cr_assert_not_null(fp);
	ret = dhb_frag_trace_parse(fp, tr, line, err, len);
	fclose(fp);
	return ret;
}

Test(frag_trace, good_trace)
{
	static const char text[] = "# a comment before the header\n"
				   "\n"
				   "time,op,id,size,alignment\r\n"
				   "0,alloc,7,4096,0\n"
				   "   \n"
				   "# a comment\n"
				   "10,alloc,1000000000000,8192,65536\n"
				   "10,free,7,,\n"
				   "20,alloc,7,100,4\n"
				   "30,free,1000000000000,8192,65536\n"
				   "40,free,7,100,\n";
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200];

	cr_assert_eq(parse_str(text, &tr, &line, err, sizeof(err)), 0, "%lu: %s", line, err);
	cr_assert_eq(tr.n, 6);
	cr_assert_eq(tr.n_slots, 2, "two buffers live at most");
	cr_assert_eq(tr.ops[0].op, DHB_FRAG_ALLOC);
	cr_assert_eq(tr.ops[0].slot, 0);
	cr_assert_eq(tr.ops[1].slot, 1);
	cr_assert_eq(tr.ops[1].align, 65536);
	cr_assert_eq(tr.ops[2].op, DHB_FRAG_FREE);
	cr_assert_eq(tr.ops[2].slot, 0);
	cr_assert_eq(tr.ops[2].size, 4096, "a free carries the size of its buffer");
	cr_assert_eq(tr.ops[3].slot, 0, "a released slot is reused");
	cr_assert_eq(tr.ops[3].size, 100);
	cr_assert_eq(tr.ops[4].size, 8192);
	cr_assert_eq(tr.ops[5].time_ns, 40);
	cr_assert_eq(dhb_frag_trace_peak(&tr, 1), 8192 + 4096);
	cr_assert_eq(dhb_frag_trace_peak(&tr, 4096), 8192 + 4096);
	dhb_frag_trace_release(&tr);
}

Test(frag_trace, header_only_is_empty)
{
	struct dhb_frag_trace tr = {0};
	unsigned long line;
	char err[200];

	cr_assert_eq(parse_str("time,op,id,size,alignment\n", &tr, &line, err, sizeof(err)), 0);
	cr_assert_eq(tr.n, 0);
	dhb_frag_trace_release(&tr);
}

struct bad_case {
	const char *text;
	unsigned long line;
	const char *msg;
};

#define H "time,op,id,size,alignment\n"

static const struct bad_case bad_cases[] = {
	{"", 1, "missing header"},
	{"# only a comment\n", 2, "missing header"},
	{"time,op,id,size\n0,alloc,1,4096,0\n", 1, "missing header"},
	{"0,alloc,1,4096,0\n", 1, "missing header"},
	{H "0,alloc,1,4096\n", 2, "4 fields, expected 5"},
	{H "0,alloc,1,4096,0,0\n", 2, "more than 5 fields"},
	{H "0\n", 2, "1 field, expected 5"},
	{H "0,alloc,1,4096,0\nx,alloc,2,4096,0\n", 3, "time 'x' is not a decimal integer"},
	{H "-1,alloc,1,4096,0\n", 2, "time '-1' is not a decimal integer"},
	{H "0,alloc,1,4K,0\n", 2, "size '4K' is not a decimal integer"},
	{H "0,alloc,1, 4096,0\n", 2, "size ' 4096' is not a decimal integer"},
	{H "0,alloc,99999999999999999999,4096,0\n", 2, "id '99999999999999999999' is too large"},
	{H "0,alloc,,4096,0\n", 2, "id is empty"},
	{H "0,malloc,1,4096,0\n", 2, "unknown op 'malloc' (alloc or free)"},
	{H "0,alloc,1,4096,0\n1,alloc,2,4096,0\n2,alloc,1,4096,0\n", 4, "id 1 is already live"},
	{H "0,alloc,1,4096,0\n\n# c\n5,free,2,,\n", 5, "free of id 2, which is not live"},
	{H "0,alloc,1,4096,0\n1,free,1,,\n2,free,1,,\n", 4, "free of id 1, which is not live"},
	{H "10,alloc,1,4096,0\n9,alloc,2,4096,0\n", 3, "time 9 is before the previous line's 10"},
	{H "0,alloc,1,0,0\n", 2, "size is 0"},
	{H "0,alloc,1,,0\n", 2, "size is empty"},
	{H "0,alloc,1,4096,\n", 2, "alignment is empty"},
	{H "0,alloc,1,4096,3\n", 2, "alignment 3 is not a power of two"},
	{H "0,alloc,1,4096,12288\n", 2, "alignment 12288 is not a power of two"},
	{H "0,alloc,1,4096,0\n1,free,1,8192,\n", 3,
	 "says size 8192 but it was allocated with 4096"},
	{H "0,alloc,1,4096,0\n1,free,1,,4096\n", 3,
	 "says alignment 4096 but it was allocated with 0"},
	{H "0,alloc,1,9223372036854775808,0\n", 2, "size 9223372036854775808 is too large"},
};

Test(frag_trace, every_error_names_its_line)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct dhb_frag_trace tr = {0};
		unsigned long line = 0;
		char err[200];
		int ret = parse_str(bad_cases[i].text, &tr, &line, err, sizeof(err));

		cr_expect_eq(ret, -EINVAL, "case %zu: %d", i, ret);
		cr_expect_eq(line, bad_cases[i].line, "case %zu: line %lu, expected %lu (%s)", i,
			     line, bad_cases[i].line, err);
		cr_expect(strstr(err, bad_cases[i].msg), "case %zu: '%s' lacks '%s'", i, err,
			  bad_cases[i].msg);
		cr_expect(!strchr(err, '\n'), "case %zu: one line", i);
		cr_expect_null(tr.ops, "case %zu: released on failure", i);
	}
}

Test(frag_trace, write_then_parse_is_identical)
{
	struct dhb_frag_gen_cfg cfg = {DHB_FRAG_CAMERA, 5, 64 << 20, 4096, 0.9, 5000};
	struct dhb_frag_trace a = {0}, b = {0};
	unsigned long line;
	char err[200], *text = NULL;
	size_t len = 0;
	FILE *fp;

	cr_assert_eq(dhb_frag_generate(&cfg, &a), 0);
	fp = open_memstream(&text, &len);
	cr_assert_eq(dhb_frag_trace_write(&a, "a comment", fp), 0);
	fclose(fp);
	cr_assert_eq(strncmp(text, "# a comment\ntime,op,id,size,alignment\n", 38), 0);
	cr_assert_eq(parse_str(text, &b, &line, err, sizeof(err)), 0, "%lu: %s", line, err);
	cr_assert_eq(a.n, b.n);
	cr_assert_eq(a.n_slots, b.n_slots);
	cr_assert_eq(memcmp(a.ops, b.ops, a.n * sizeof(*a.ops)), 0, "same ops, same slots");
	free(text);
	dhb_frag_trace_release(&a);
	dhb_frag_trace_release(&b);
}

Test(frag_trace, builder_refuses_bad_ops)
{
	struct dhb_frag_trace tr = {0};
	uint32_t s;

	cr_assert_eq(dhb_frag_trace_alloc(&tr, 5, 4096, 0, &s), 0);
	cr_assert_eq(dhb_frag_trace_alloc(&tr, 4, 4096, 0, &s), -EINVAL, "time backwards");
	cr_assert_eq(dhb_frag_trace_alloc(&tr, 5, 0, 0, &s), -EINVAL, "zero size");
	cr_assert_eq(dhb_frag_trace_alloc(&tr, 5, 1, 6, &s), -EINVAL, "alignment");
	cr_assert_eq(dhb_frag_trace_free(&tr, 5, 1), -EINVAL, "not a live slot");
	cr_assert_eq(dhb_frag_trace_free(&tr, 5, 0), 0);
	cr_assert_eq(dhb_frag_trace_free(&tr, 6, 0), -EINVAL, "double free");
	cr_assert_eq(tr.n, 2);
	dhb_frag_trace_release(&tr);
}
