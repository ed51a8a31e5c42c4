// SPDX-License-Identifier: MIT
// Parsing and printing of buffer sizes ("4K", "1.5M", "4K..64M,1G"); the syntax is in dhb/size.h.
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"

#define MAX_FRAC_DIGITS 19 /* 10^19 - 1 still fits a uint64_t */

/* A piece of the caller's string: sizes inside lists are not NUL-terminated. */
struct span {
	const char *p;
	size_t len;
};

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Binary shift of a suffix (0 for none or "B"), or -1 unknown, -2 ambiguous ("KB"). */
static int suffix_shift(const char *p, size_t len)
{
	static const char units[] = "kmgtpe";
	const char *u;

	if (!len)
		return 0;
	if (len == 1 && lower(p[0]) == 'b')
		return 0;
	u = strchr(units, lower(p[0]));
	if (!u || !*u)
		return -1;
	if (len == 1 || (len == 2 && lower(p[1]) == 'i') ||
	    (len == 3 && lower(p[1]) == 'i' && lower(p[2]) == 'b'))
		return (int)(u - units + 1) * 10;
	if (len == 2 && lower(p[1]) == 'b')
		return -2;
	return -1;
}

static uint64_t pow5(unsigned int d)
{
	uint64_t r = 1;

	while (d--)
		r *= 5;
	return r;
}

/*
 * Bytes in the fraction 0.F (d digits) of a unit of 2^s bytes, i.e. F * 2^s / (5^d * 2^d), or
 * -1 when that is not whole. Divisibility is checked factor by factor so nothing overflows.
 */
static int64_t frac_bytes(uint64_t f, unsigned int d, unsigned int s)
{
	uint64_t p5 = pow5(d);

	if (f % p5)
		return -1;
	f /= p5; /* now f < 2^d */
	if (s >= d)
		return (int64_t)(f << (s - d));
	if (f & ((UINT64_C(1) << (d - s)) - 1))
		return -1;
	return (int64_t)(f >> (d - s));
}

static int parse_span(struct span sp, uint64_t *out, char *err, size_t errlen)
{
	const char *p = sp.p, *end = sp.p + sp.len, *fp = NULL;
	uint64_t ip = 0, f = 0, v;
	unsigned int fd = 0;
	int64_t fb = 0;
	int s;

	if (!sp.len) {
		set_err(err, errlen, "empty size");
		return -EINVAL;
	}
	if (*p == '-') {
		set_err(err, errlen, "size \"%.*s\": sizes cannot be negative", (int)sp.len, sp.p);
		return -EINVAL;
	}
	if (!is_digit(*p)) {
		set_err(err, errlen, "size \"%.*s\": a size starts with a digit", (int)sp.len,
			sp.p);
		return -EINVAL;
	}
	for (; p < end && is_digit(*p); p++) {
		if (ip > (DHB_SIZE_MAX - (uint64_t)(*p - '0')) / 10)
			goto too_large;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.') {
		fp = ++p;
		while (p < end && is_digit(*p))
			p++;
		if (p == fp) {
			set_err(err, errlen, "size \"%.*s\": digits expected after \".\"",
				(int)sp.len, sp.p);
			return -EINVAL;
		}
	}
	s = suffix_shift(p, (size_t)(end - p));
	if (s == -2) {
		set_err(err, errlen,
			"size \"%.*s\": ambiguous suffix \"%.*s\" (sizes are binary: write %c or "
			"%ciB)",
			(int)sp.len, sp.p, (int)(end - p), p, upper(p[0]), upper(p[0]));
		return -EINVAL;
	}
	if (s < 0) {
		set_err(err, errlen,
			"size \"%.*s\": unknown suffix \"%.*s\" (use K, M, G, T, P or E, "
			"optionally "
			"followed by iB)",
			(int)sp.len, sp.p, (int)(end - p), p);
		return -EINVAL;
	}
	if (fp) {
		const char *fe = fp;

		while (fe < end && is_digit(*fe))
			fe++;
		while (fe > fp && fe[-1] == '0') /* trailing zeros change nothing */
			fe--;
		if (fe - fp > MAX_FRAC_DIGITS) {
			set_err(err, errlen, "size \"%.*s\": more than %d digits after \".\"",
				(int)sp.len, sp.p, MAX_FRAC_DIGITS);
			return -EINVAL;
		}
		for (; fp < fe; fp++, fd++)
			f = f * 10 + (uint64_t)(*fp - '0');
		fb = frac_bytes(f, fd, (unsigned int)s);
		if (fb < 0) {
			set_err(err, errlen, "size \"%.*s\": not a whole number of bytes",
				(int)sp.len, sp.p);
			return -EINVAL;
		}
	}
	if (ip > (DHB_SIZE_MAX >> s))
		goto too_large;
	v = ip << s;
	if ((uint64_t)fb > DHB_SIZE_MAX - v)
		goto too_large;
	v += (uint64_t)fb;
	if (!v) {
		set_err(err, errlen, "size \"%.*s\": a size must be greater than 0", (int)sp.len,
			sp.p);
		return -EINVAL;
	}
	*out = v;
	return 0;
too_large:
	set_err(err, errlen, "size \"%.*s\": larger than 2^63-1 bytes", (int)sp.len, sp.p);
	return -ERANGE;
}

int dhb_size_parse(const char *s, uint64_t *out, char *err, size_t errlen)
{
	struct span sp = {s, strlen(s)};

	return parse_span(sp, out, err, errlen);
}

static int list_push(struct dhb_size_list *l, size_t *cap, uint64_t v)
{
	uint64_t *nv;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i] == v)
			return 0;
	}
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		nv = realloc(l->v, *cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
	}
	l->v[l->n++] = v;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span sp)
{
	while (sp.len && is_blank(sp.p[0])) {
		sp.p++;
		sp.len--;
	}
	while (sp.len && is_blank(sp.p[sp.len - 1]))
		sp.len--;
	return sp;
}

static const char *find_dots(struct span sp)
{
	size_t i;

	for (i = 0; i + 1 < sp.len; i++) {
		if (sp.p[i] == '.' && sp.p[i + 1] == '.')
			return sp.p + i;
	}
	return NULL;
}

/* Parse one list item, a size or a range, and append its sizes. */
static int parse_item(struct span it, struct dhb_size_list *l, size_t *cap, char *err,
		      size_t errlen)
{
	const char *dots = find_dots(it);
	struct span lo, hi;
	uint64_t a, b, v;
	int ret;

	if (!dots) {
		ret = parse_span(it, &a, err, errlen);
		return ret ? ret : list_push(l, cap, a);
	}
	lo = trim((struct span){it.p, (size_t)(dots - it.p)});
	hi = (struct span){dots + 2, (size_t)(it.p + it.len - dots - 2)};
	if (find_dots(hi)) {
		set_err(err, errlen, "range \"%.*s\": more than one \"..\"", (int)it.len, it.p);
		return -EINVAL;
	}
	hi = trim(hi);
	if (!lo.len || !hi.len) {
		set_err(err, errlen, "range \"%.*s\": a size is needed on both sides of \"..\"",
			(int)it.len, it.p);
		return -EINVAL;
	}
	ret = parse_span(lo, &a, err, errlen);
	if (!ret)
		ret = parse_span(hi, &b, err, errlen);
	if (ret)
		return ret;
	if (a > b) {
		set_err(err, errlen, "range \"%.*s\": start is larger than end", (int)it.len, it.p);
		return -EINVAL;
	}
	for (v = a; v < b; v <<= 1) /* no overflow: v < b <= 2^63 - 1 */
		;
	if (v != b) {
		set_err(err, errlen,
			"range \"%.*s\": %.*s is not %.*s times a power of two (ranges double)",
			(int)it.len, it.p, (int)hi.len, hi.p, (int)lo.len, lo.p);
		return -EINVAL;
	}
	for (v = a;; v <<= 1) {
		ret = list_push(l, cap, v);
		if (ret || v == b)
			return ret;
	}
}

int dhb_sizes_parse_list(const char *s, struct dhb_size_list *out, char *err, size_t errlen)
{
	const char *p = s, *e;
	struct span it;
	size_t cap = 0;
	int ret = 0;

	out->v = NULL;
	out->n = 0;
	for (;;) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		it = trim((struct span){p, (size_t)(e - p)});
		if (!it.len) {
			set_err(err, errlen, "size list \"%s\": empty item", s);
			ret = -EINVAL;
			break;
		}
		ret = parse_item(it, out, &cap, err, errlen);
		if (ret || !*e)
			break;
		p = e + 1;
	}
	if (ret)
		dhb_sizes_free(out);
	return ret;
}

void dhb_sizes_free(struct dhb_size_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int dhb_size_format(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	uint64_t q, r, frac;
	unsigned int s;
	int i, w, digits;

	for (i = 5; i >= 0; i--) {
		s = 10u * (unsigned int)(i + 1);
		q = v >> s;
		r = v & ((UINT64_C(1) << s) - 1);
		if (!q || (r & ((UINT64_C(1) << (s - 3)) - 1)))
			continue;
		if (!r) {
			w = snprintf(buf, len, "%" PRIu64 "%c", q, units[i]);
		} else {
			frac = (r >> (s - 3)) * 125; /* eighths as thousandths */
			for (digits = 3; frac % 10 == 0; digits--)
				frac /= 10;
			w = snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "%c", q, digits, frac,
				     units[i]);
		}
		return w >= 0 && (size_t)w < len ? 0 : -ENOSPC;
	}
	w = snprintf(buf, len, "%" PRIu64, v);
	return w >= 0 && (size_t)w < len ? 0 : -ENOSPC;
}
