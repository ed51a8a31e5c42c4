// SPDX-License-Identifier: MIT
// Unit tests of size parsing (single sizes, ranges, lists) and the compact formatter.
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dhb/size.h"
#include "testutil.h"

#define K (UINT64_C(1) << 10)
#define M (UINT64_C(1) << 20)
#define G (UINT64_C(1) << 30)

Test(size, valid)
{
	static const struct {
		const char *s;
		uint64_t want;
	} cases[] = {
		{"4096", 4096},
		{"1", 1},
		{"4K", 4 * K},
		{"4k", 4 * K},
		{"4KiB", 4 * K},
		{"4kib", 4 * K},
		{"4Ki", 4 * K},
		{"64KiB", 64 * K},
		{"1M", M},
		{"1.5M", 3 * M / 2},
		{"1.50M", 3 * M / 2},
		{"0.5K", 512},
		{"0.25k", 256},
		{"1.125M", 1152 * K},
		{"2G", 2 * G},
		{"3T", UINT64_C(3) << 40},
		{"1P", UINT64_C(1) << 50},
		{"7E", UINT64_C(7) << 60},
		{"7.5E", UINT64_C(15) << 59},
		{"4096B", 4096},
		{"4096b", 4096},
		{"2.0", 2},
		{"007", 7},
		{"9223372036854775807", UINT64_C(9223372036854775807)},
		{"0.0000152587890625M", 16}, /* 16 / 2^20 exactly, 16 fraction digits */
	};
	char err[256];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(dhb_size_parse(cases[i].s, &v, err, sizeof(err)), 0, "\"%s\": %s",
			     cases[i].s, err);
		cr_assert_eq(v, cases[i].want, "\"%s\": got %llu", cases[i].s,
			     (unsigned long long)v);
	}
}

Test(size, invalid)
{
	static const struct {
		const char *s;
		int ret;
		const char *msg; /* expected part of the message */
	} cases[] = {
		{"", -EINVAL, "empty"},
		{"-4K", -EINVAL, "negative"},
		{"-1", -EINVAL, "negative"},
		{"0", -EINVAL, "greater than 0"},
		{"0K", -EINVAL, "greater than 0"},
		{"0.0M", -EINVAL, "greater than 0"},
		{"1.5", -EINVAL, "whole number of bytes"},
		{"1.1K", -EINVAL, "whole number of bytes"},
		{"0.3", -EINVAL, "whole number of bytes"},
		{"1MM", -EINVAL, "unknown suffix \"MM\""},
		{"4X", -EINVAL, "unknown suffix \"X\""},
		{"4KiBB", -EINVAL, "unknown suffix"},
		{"4Kb ", -EINVAL, "unknown suffix"},
		{"4KB", -EINVAL, "ambiguous suffix \"KB\""},
		{"4mb", -EINVAL, "write M or MiB"},
		{"4 K", -EINVAL, "unknown suffix \" K\""},
		{" 4K", -EINVAL, "starts with a digit"},
		{"+4K", -EINVAL, "starts with a digit"},
		{"K", -EINVAL, "starts with a digit"},
		{".5M", -EINVAL, "starts with a digit"},
		{"4.K", -EINVAL, "digits expected"},
		{"4.", -EINVAL, "digits expected"},
		{"0x10", -EINVAL, "unknown suffix"},
		{"1e6", -EINVAL, "unknown suffix"},
		{"..", -EINVAL, "starts with a digit"},
		{"4K..8K", -EINVAL, "unknown suffix"}, /* ranges only in lists */
		{"1.00000000000000000001K", -EINVAL, "digits after"},
		{"8E", -ERANGE, "2^63-1"},
		{"9223372036854775808", -ERANGE, "2^63-1"},
		{"99999999999999999999999", -ERANGE, "2^63-1"},
		{"8388608T", -ERANGE, "2^63-1"},
		{"7.9999999999999999999E", -EINVAL, "whole number"},
		{"8.5E", -ERANGE, "2^63-1"},
		{"7.99999999999999999E", -EINVAL, "whole number"},
	};
	char err[256];
	uint64_t v = 12345;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(dhb_size_parse(cases[i].s, &v, err, sizeof(err)), cases[i].ret,
			     "\"%s\" accepted or wrong error (%s)", cases[i].s, err);
		cr_assert_not_null(strstr(err, cases[i].msg), "\"%s\": message \"%s\" lacks \"%s\"",
				   cases[i].s, err, cases[i].msg);
		cr_assert_eq(v, 12345, "\"%s\" changed the output", cases[i].s);
	}
	/* a NULL or tiny message buffer is fine */
	cr_assert_eq(dhb_size_parse("1MM", &v, NULL, 0), -EINVAL);
	cr_assert_eq(dhb_size_parse("1MM", &v, err, 4), -EINVAL);
	cr_assert_eq(strlen(err), 3);
}

static void check_list(const char *s, const uint64_t *want, size_t n)
{
	struct dhb_size_list l;
	char err[256] = "";
	size_t i;

	cr_assert_eq(dhb_sizes_parse_list(s, &l, err, sizeof(err)), 0, "\"%s\": %s", s, err);
	cr_assert_eq(l.n, n, "\"%s\": %zu sizes, want %zu", s, l.n, n);
	for (i = 0; i < n; i++)
		cr_assert_eq(l.v[i], want[i], "\"%s\"[%zu]", s, i);
	dhb_sizes_free(&l);
	cr_assert_null(l.v);
	cr_assert_eq(l.n, 0);
}

Test(size, lists)
{
	const uint64_t one[] = {4 * K};
	const uint64_t range[] = {4 * K, 8 * K, 16 * K, 32 * K, 64 * K};
	const uint64_t mixed[] = {4 * K, 64 * K, M, 2 * M, 4 * M, 8 * M};
	const uint64_t order[] = {8 * M, 4 * K, M};
	const uint64_t dedup[] = {4 * K, 8 * K, 16 * K, 2 * K};
	const uint64_t odd[] = {3 * K, 6 * K, 12 * K};
	const uint64_t frac[] = {1536, 3 * K, 6 * K};
	uint64_t big[14];
	size_t i;

	check_list("4K", one, 1);
	check_list("4K..64K", range, 5);
	check_list("4K,64K,1M..8M", mixed, 6);
	check_list(" 4K , 64K,\t1M .. 8M ", mixed, 6);
	check_list("8M,4K,1M", order, 3);
	check_list("4K,4K..16K,8K,2K,16K", dedup, 4);
	check_list("4K..4K", one, 1);
	check_list("3K..12K", odd, 3);
	check_list("1.5K..6K", frac, 3);
	for (i = 0; i < 14; i++)
		big[i] = (UINT64_C(1) << 49) << i;
	check_list("512T..4E", big, 14);
}

Test(size, list_errors)
{
	static const struct {
		const char *s;
		const char *msg;
	} cases[] = {
		{"", "empty item"},
		{"4K,,8K", "empty item"},
		{"4K,", "empty item"},
		{",4K", "empty item"},
		{" ", "empty item"},
		{"..", "both sides"},
		{"4K..", "both sides"},
		{"..4K", "both sides"},
		{"64M..4K", "start is larger than end"},
		{"3K..10K", "10K is not 3K times a power of two"},
		{"4K..8K..16K", "more than one"},
		{"4K,1MM", "unknown suffix \"MM\""},
		{"4K..1MM", "unknown suffix"},
		{"0..4K", "greater than 0"},
		{"4K,-8K", "negative"},
		{"1.5", "whole number"},
		{"4K..16E", "2^63-1"},
	};
	struct dhb_size_list l = {(uint64_t *)1, 99};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		cr_assert_lt(dhb_sizes_parse_list(cases[i].s, &l, err, sizeof(err)), 0,
			     "\"%s\" accepted", cases[i].s);
		cr_assert_not_null(strstr(err, cases[i].msg), "\"%s\": message \"%s\" lacks \"%s\"",
				   cases[i].s, err, cases[i].msg);
		cr_assert_null(l.v);
		cr_assert_eq(l.n, 0);
	}
}

Test(size, format)
{
	static const struct {
		uint64_t v;
		const char *want;
	} cases[] = {
		{0, "0"},
		{1, "1"},
		{1023, "1023"},
		{1024, "1K"},
		{4096, "4K"},
		{3000, "3000"},
		{1536, "1.5K"},
		{1280, "1.25K"},
		{1152, "1.125K"},
		{1088, "1088"}, /* 1.0625K needs four decimals */
		{512, "512"},
		{3 * M / 2, "1.5M"},
		{32 * M, "32M"},
		{1024 * K, "1M"},
		{1025 * K, "1025K"},
		{2 * G, "2G"},
		{UINT64_C(7) << 60, "7E"},
		{UINT64_MAX, "18446744073709551615"},
		{UINT64_C(15) << 59, "7.5E"},
	};
	char buf[DHB_SIZE_FMT_LEN], tiny[3];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(dhb_size_format(cases[i].v, buf, sizeof(buf)), 0);
		cr_assert_str_eq(buf, cases[i].want);
	}
	cr_assert_eq(dhb_size_format(4096, tiny, sizeof(tiny)), 0);
	cr_assert_str_eq(tiny, "4K");
	cr_assert_eq(dhb_size_format(1536, tiny, sizeof(tiny)), -ENOSPC);
}

static void round_trip(uint64_t v)
{
	char buf[DHB_SIZE_FMT_LEN], err[256] = "";
	uint64_t back = 0;

	cr_assert_eq(dhb_size_format(v, buf, sizeof(buf)), 0);
	cr_assert_eq(dhb_size_parse(buf, &back, err, sizeof(err)), 0, "%llu -> \"%s\": %s",
		     (unsigned long long)v, buf, err);
	cr_assert_eq(back, v, "%llu -> \"%s\" -> %llu", (unsigned long long)v, buf,
		     (unsigned long long)back);
}

Test(size, round_trip)
{
	uint64_t seed = 42, v, i;
	unsigned int s, m;

	for (v = 1; v <= 20000; v++)
		round_trip(v);
	for (s = 0; s < 63; s++) {
		for (m = 1; m < 64; m++) {
			v = (uint64_t)m << s;
			if (v >> s == m && v <= DHB_SIZE_MAX)
				round_trip(v);
		}
	}
	for (i = 0; i < 100000; i++) {
		v = tu_next(&seed) >> (1 + tu_next(&seed) % 63);
		if (v)
			round_trip(v);
	}
	round_trip(DHB_SIZE_MAX);
}
