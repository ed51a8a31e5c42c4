// SPDX-License-Identifier: MIT
// Pictures: parsing a geometry, the pixel formats the tool knows, and pictures derived from sizes.
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dhb/err.h"
#include "dhb/geom.h"

#define FOURCC(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/*
 * The formats a picture's size can be worked out for: DRM's names, and V4L2's where they
 * differ (V4L2 calls DRM's XRGB8888 "XBGR32" but gives it the same fourcc, XR24).
 */
static const struct {
	char name[5];
	uint8_t bpp;
	uint8_t planes;
} formats[] = {
	{"XR24", 32, 1}, {"AR24", 32, 1}, {"XB24", 32, 1}, {"AB24", 32, 1}, {"RX24", 32, 1},
	{"RA24", 32, 1}, {"BX24", 32, 1}, {"BA24", 32, 1}, {"RGB4", 32, 1}, {"BGR4", 32, 1},
	{"RG24", 24, 1}, {"BG24", 24, 1}, {"RGB3", 24, 1}, {"BGR3", 24, 1}, {"RG16", 16, 1},
	{"BG16", 16, 1}, {"RGBP", 16, 1}, {"YUYV", 16, 1}, {"UYVY", 16, 1}, {"YVYU", 16, 1},
	{"VYUY", 16, 1}, {"NV12", 12, 2}, {"NV21", 12, 2}, {"NV16", 16, 2}, {"NV61", 16, 2},
	{"YU12", 12, 3}, {"YV12", 12, 3}, {"R8  ", 8, 1},  {"C8  ", 8, 1},  {"GREY", 8, 1},
};

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

static uint32_t fourcc_of(const char *name)
{
	return FOURCC(name[0], name[1], name[2], name[3]);
}

int dhb_fourcc_info(uint32_t fourcc, uint32_t *bpp, unsigned int *planes)
{
	size_t i;

	for (i = 0; i < N_FORMATS; i++) {
		if (fourcc_of(formats[i].name) != fourcc)
			continue;
		if (bpp)
			*bpp = formats[i].bpp;
		if (planes)
			*planes = formats[i].planes;
		return 0;
	}
	return -ENOENT;
}

void dhb_fourcc_known(char *buf, size_t len)
{
	size_t used = 0, i, n;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < N_FORMATS && used < len; i++) {
		n = strcspn(formats[i].name, " ");
		used += (size_t)snprintf(buf + used, len - used, "%s%.*s", i ? ", " : "", (int)n,
					 formats[i].name);
	}
}

/* A decimal 1..DHB_GEOM_MAX at *@p, which moves past it; 0 when none is there or it is too large. */
static uint32_t dimension(const char **p)
{
	uint32_t v = 0;
	const char *s = *p;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > DHB_GEOM_MAX)
			return 0;
		s++;
	}
	if (s == *p || **p == '0')
		return 0;
	*p = s;
	return v;
}

static bool is_fourcc_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int parse_format(const char *s, const char *all, struct dhb_geom *g, char *err,
			size_t errlen)
{
	char name[5] = "    ", known[256];
	size_t n = 0;

	while (n < 4 && is_fourcc_char(s[n])) {
		name[n] = s[n];
		n++;
	}
	if (!n || s[n]) {
		return dhb_err(-EINVAL, err, errlen,
			       "\"%.40s\": \"@%.40s\" is not a format (1 to 4 letters "
			       "or digits, e.g. @XR24)",
			       all, s);
	}
	g->fourcc = fourcc_of(name);
	if (dhb_fourcc_info(g->fourcc, &g->bpp, NULL)) {
		dhb_fourcc_known(known, sizeof(known));
		return dhb_err(-EINVAL, err, errlen, "\"%.40s\": unknown format %s (known: %s)",
			       all, s, known);
	}
	return 0;
}

static int parse(const char *s, struct dhb_geom *g, char *err, size_t errlen)
{
	const char *p = s;

	memset(g, 0, sizeof(*g));
	if (!*s) {
		return dhb_err(-EINVAL, err, errlen,
			       "\"\": empty (WIDTH[xHEIGHT][@FORMAT], e.g. 1920x1080@XR24)");
	}
	if (*p != '@') {
		g->width = dimension(&p);
		if (!g->width)
			goto bad_dim;
		if (*p == 'x') {
			p++;
			g->height = dimension(&p);
			if (!g->height)
				goto bad_dim;
		}
	}
	if (*p == '@') {
		if (parse_format(p + 1, s, g, err, errlen))
			return -EINVAL;
	} else if (*p) {
		return dhb_err(-EINVAL, err, errlen,
			       "\"%.40s\": unexpected \"%.20s\" (WIDTH[xHEIGHT][@FORMAT], e.g. "
			       "1920x1080@XR24)",
			       s, p);
	}
	if (g->height && !g->fourcc)
		return parse_format("XR24", s, g, err, errlen);
	return 0;
bad_dim:
	return dhb_err(-EINVAL, err, errlen,
		       "\"%.40s\": a width and a height are whole numbers from 1 to %u "
		       "(WIDTH[xHEIGHT][@FORMAT])",
		       s, DHB_GEOM_MAX);
}

int dhb_geom_parse(const char *s, struct dhb_geom *g, char *err, size_t errlen)
{
	int ret = parse(s, g, err, errlen);

	if (ret)
		memset(g, 0, sizeof(*g));
	return ret;
}

uint64_t dhb_geom_bytes(const struct dhb_geom *g)
{
	return ((uint64_t)g->width * g->height * g->bpp + 7) / 8;
}

void dhb_fourcc_text(uint32_t fourcc, char out[5])
{
	int i, n;

	for (i = 0; i < 4; i++) {
		out[i] = (char)(fourcc >> (8 * i));
		if (out[i] != ' ' && !is_fourcc_char(out[i]))
			out[i] = '?';
	}
	for (n = 4; n > 0 && out[n - 1] == ' '; n--)
		;
	out[n] = '\0';
}

int dhb_geom_format(const struct dhb_geom *g, char *buf, size_t len)
{
	char cc[5];
	int n;

	dhb_fourcc_text(g->fourcc, cc);
	if (g->fourcc)
		n = snprintf(buf, len, "%ux%u@%s", g->width, g->height, cc);
	else
		n = snprintf(buf, len, "%ux%u", g->width, g->height);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int dhb_geom_from_size(uint64_t size, uint32_t width, uint32_t bpp, uint32_t fourcc,
		       struct dhb_geom *g)
{
	uint64_t pitch, height;
	bool asked = width;

	if (!size || !bpp || bpp % 8 || width > DHB_GEOM_MAX)
		return -EINVAL;
	if (!width)
		width = DHB_GEOM_DEFAULT_WIDTH;
	pitch = (uint64_t)width * (bpp / 8);
	if (size < pitch && !asked) {
		/* Less than a line: one line of as many whole pixels as it takes. */
		width = (uint32_t)((size + bpp / 8 - 1) / (bpp / 8));
		pitch = (uint64_t)width * (bpp / 8);
	}
	height = (size + pitch - 1) / pitch;
	if (height > DHB_GEOM_MAX)
		return -EINVAL;
	g->width = width;
	g->height = (uint32_t)height;
	g->bpp = bpp;
	g->pitch = (uint32_t)pitch;
	g->fourcc = fourcc;
	return 0;
}
