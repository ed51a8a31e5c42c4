// SPDX-License-Identifier: MIT
// libFuzzer target: size and size-list parsing on any text, the formatter's exact round trip, and
// the geometry parser (run --geometry).
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/geom.h"
#include "dhb/size.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERRLEN 160

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A failure: the documented codes and a message that fits its buffer, one line unless it quotes
 * a newline of the input.
 */
static void check_failure(int ret, const char *err, const char *s, bool list)
{
	check(ret == -EINVAL || ret == -ERANGE || (list && ret == -ENOMEM));
	check(memchr(err, '\0', ERRLEN) && err[0]);
	check(!strchr(err, '\n') || strchr(s, '\n'));
}

/*
 * dhb_size_format() prints what dhb_size_parse() reads back exactly, in the largest unit that
 * leaves at least 1 before the point and at most three decimals after it (dhb/size.h).
 */
static void check_format(uint64_t v)
{
	static const char units[] = "KMGTPE";
	char buf[DHB_SIZE_FMT_LEN], *small;
	unsigned int s = 0, t;
	const char *p, *u;
	size_t len, dec = 0;
	uint64_t back;

	check(dhb_size_format(v, buf, sizeof(buf)) == 0);
	len = strlen(buf);
	check(len > 0 && len < sizeof(buf));
	/* digits ["." 1..3 digits] [unit] */
	for (p = buf; is_digit(*p); p++)
		;
	check(p > buf);
	if (*p == '.') {
		for (p++; is_digit(p[dec]); dec++)
			;
		check(dec >= 1 && dec <= 3 && p[dec - 1] != '0');
		p += dec;
	}
	if (*p) {
		u = strchr(units, *p);
		check(u && *u && !p[1]);
		s = 10u * (unsigned int)(u - units + 1);
		check(v >> s); /* at least 1 before the point */
	} else {
		check(!dec);
	}
	/* No larger unit would do: nothing before its point, or more than three decimals. */
	for (t = s + 10; t <= 60; t += 10)
		check(!(v >> t) || (v & ((UINT64_C(1) << (t - 3)) - 1)));
	if (!v)
		check(!strcmp(buf, "0"));
	else if (v > DHB_SIZE_MAX)
		check(dhb_size_parse(buf, &back, NULL, 0) == -ERANGE);
	else
		check(dhb_size_parse(buf, &back, NULL, 0) == 0 && back == v);
	/* Exactly enough room works; one byte less is -ENOSPC and stays a string. */
	small = malloc(len + 1);
	check(small);
	check(dhb_size_format(v, small, len + 1) == 0 && !strcmp(small, buf));
	check(dhb_size_format(v, small, len) == -ENOSPC && strlen(small) < len);
	free(small);
}

static const char *trim(const char *s, size_t *len)
{
	while (*s == ' ' || *s == '\t')
		s++;
	*len = strlen(s);
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		--*len;
	return s;
}

static void fuzz_one(const char *s, size_t short_errlen)
{
	struct dhb_size_list l = {(uint64_t *)1, 1};
	char err[ERRLEN], *serr, *one;
	const char *t;
	uint64_t v = 0, v2 = 0;
	int ret, ret2;
	size_t i, j, tlen;

	/* One size. */
	err[0] = '\0';
	ret = dhb_size_parse(s, &v, err, sizeof(err));
	if (ret) {
		check_failure(ret, err, s, false);
	} else {
		check(v >= 1 && v <= DHB_SIZE_MAX);
		check(is_digit(s[0]));
		check_format(v);
	}
	/* Without a message buffer, and with a short one (ASan sees a write past it). */
	check(dhb_size_parse(s, &v2, NULL, 0) == ret && (ret || v2 == v));
	serr = malloc(short_errlen);
	check(serr);
	check(dhb_size_parse(s, &v2, serr, short_errlen) == ret && (ret || v2 == v));
	if (ret)
		check(memchr(serr, '\0', short_errlen));
	free(serr);

	/* A list. */
	err[0] = '\0';
	ret2 = dhb_sizes_parse_list(s, &l, err, sizeof(err));
	if (ret2) {
		check_failure(ret2, err, s, true);
		check(!l.v && !l.n);
	} else {
		check(l.v && l.n >= 1);
		for (i = 0; i < l.n; i++) {
			check(l.v[i] >= 1 && l.v[i] <= DHB_SIZE_MAX);
			for (j = 0; j < i; j++)
				check(l.v[i] != l.v[j]); /* repeats are dropped */
			check_format(l.v[i]);
		}
	}
	/* One item and no range: the list is that size, blanks around it ignored. */
	if (!strchr(s, ',') && !strstr(s, "..")) {
		t = trim(s, &tlen);
		one = strndup(t, tlen);
		check(one);
		ret = dhb_size_parse(one, &v, NULL, 0);
		check(ret == ret2);
		check(ret || (l.n == 1 && l.v[0] == v));
		free(one);
	}
	/* One range: lo, 2 lo, 4 lo ... hi. */
	if (!ret2 && !strchr(s, ',') && strstr(s, "..")) {
		for (i = 1; i < l.n; i++)
			check(l.v[i] == 2 * l.v[i - 1]);
	}
	dhb_sizes_free(&l);
	check(!l.v && !l.n);
}

/*
 * A geometry (dhb/geom.h): accepted ones are in range, a height comes with a width and a
 * format, and a whole picture prints as text that reads back the same; refused ones leave the
 * result zeroed with a one-line message.
 */
static void fuzz_geom(const char *s)
{
	struct dhb_geom g, back;
	char err[ERRLEN], txt[DHB_GEOM_FMT_LEN];
	uint32_t bpp;

	err[0] = '\0';
	if (dhb_geom_parse(s, &g, err, sizeof(err))) {
		check(!g.width && !g.height && !g.bpp && !g.fourcc);
		check(memchr(err, '\0', sizeof(err)) && err[0]);
		check(!strchr(err, '\n') || strchr(s, '\n'));
		check(dhb_geom_parse(s, &back, NULL, 0) == -EINVAL);
		return;
	}
	check(g.width <= DHB_GEOM_MAX && g.height <= DHB_GEOM_MAX && !g.pitch);
	check(g.width || g.fourcc);
	check(!g.height || (g.width && g.fourcc));
	check(!g.fourcc || (!dhb_fourcc_info(g.fourcc, &bpp, NULL) && bpp == g.bpp));
	check(is_digit(s[0]) || s[0] == '@');
	if (!g.height)
		return;
	check(dhb_geom_bytes(&g) >= (uint64_t)g.width * g.height);
	check(dhb_geom_format(&g, txt, sizeof(txt)) == 0);
	check(dhb_geom_parse(txt, &back, NULL, 0) == 0);
	check(!memcmp(&g, &back, sizeof(g)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = 0;
	char *s;
	size_t i;

	/* The first bytes as a number for the formatter: every value, also those no text gives. */
	for (i = 0; i < size && i < 8; i++)
		v = v << 8 | data[i];
	check_format(v);
	check_format(v & DHB_SIZE_MAX);

	/* The bytes as text, up to the first NUL, in an exact-size copy. */
	s = malloc(size + 1);
	check(s);
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_one(s, size ? (size_t)(data[size - 1] % 8) + 1 : 1);
	fuzz_geom(s);
	free(s);
	return 0;
}
