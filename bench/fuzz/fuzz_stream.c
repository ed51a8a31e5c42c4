// SPDX-License-Identifier: MIT
// libFuzzer target: the FWHT stream scan (pipeline --source decoder:FILE, pipelines/fwht.c) on
// any bytes and on streams built from the input, and the GStreamer peer's report lines
// (pipelines/gst_report.c), and pipeline --format's names (pipelines/format.c).
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipelines/stage.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERRLEN	160
#define HDR	44
#define MAX_OUT 65536

static const uint8_t magic[8] = {0x4f, 0x4f, 0x4f, 0x4f, 0xff, 0xff, 0xff, 0xff};
static const char key[] = "last-message = rendered: ";

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The scan's promises: refused with -EINVAL (one line saying why) or -ENOMEM and nothing kept;
 * accepted, frames that tile the whole input from byte 0, each starting with the magic words,
 * at least a header long, of one size within bounds.
 */
static int scan(const uint8_t *d, size_t n, struct dhb_fwht_stream *s)
{
	char err[ERRLEN];
	size_t i, at = 0, max = 0;
	int ret;

	err[0] = '\0';
	ret = dhb_fwht_scan(d, n, s, err, sizeof(err));
	if (ret) {
		check(ret == -EINVAL || ret == -ENOMEM);
		check(!s->off && !s->len && !s->n);
		check(ret == -ENOMEM || (err[0] && !strchr(err, '\n')));
		return ret;
	}
	check(s->n >= 1 && s->width && s->height);
	check(s->width <= DHB_GEOM_MAX && s->height <= DHB_GEOM_MAX);
	for (i = 0; i < s->n; i++) {
		check(s->off[i] == at && s->len[i] >= HDR && s->len[i] <= n - at);
		check(!memcmp(d + at, magic, sizeof(magic)));
		at += s->len[i];
		max = s->len[i] > max ? s->len[i] : max;
	}
	check(at == n && max == s->max_len);
	return 0;
}

/*
 * A stream built from the input: one size (from its first bytes), then a frame per byte pair
 * (version 1..3, 0..255 bytes of data); it must be accepted with exactly those frames. Then one
 * byte of it changed (the input's last two bytes: where and to what): the promises only.
 */
static void built(const uint8_t *data, size_t size)
{
	uint32_t w = 1 + (size > 1 ? data[1] : 0u) * 64u, h = 1 + (size > 2 ? data[2] : 0u) * 64u;
	size_t i, at = 0, frames = 0, pos;
	struct dhb_fwht_stream s;
	uint8_t *out;

	out = calloc(1, MAX_OUT);
	check(out);
	for (i = 3; i + 1 < size && at + HDR + 255 <= MAX_OUT; i += 2) {
		memcpy(out + at, magic, sizeof(magic));
		put32(out + at + 8, 1u + data[i] % 3u);
		put32(out + at + 12, w);
		put32(out + at + 16, h);
		put32(out + at + 40, data[i + 1]);
		memset(out + at + HDR, data[i], data[i + 1]);
		at += HDR + data[i + 1];
		frames++;
	}
	if (!frames) {
		free(out);
		return;
	}
	check(scan(out, at, &s) == 0 && s.n == frames && s.width == w && s.height == h);
	dhb_fwht_free(&s);
	check(!s.off && !s.len && !s.n);
	pos = ((size_t)data[size - 2] << 8 | data[size - 1]) % at;
	out[pos] ^= (uint8_t)(data[0] | 1);
	if (!scan(out, at, &s))
		dhb_fwht_free(&s);
	if (!scan(out, pos, &s)) /* cut short there */
		dhb_fwht_free(&s);
	free(out);
}

/* A report is the key, digits and a comma; the count is the digits' value, without overflow. */
static void report(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	const char *at, *p;
	uint64_t n = 7, v = 0;
	bool ok = true;

	check(line);
	memcpy(line, data, size);
	line[size] = '\0';
	at = strstr(line, key);
	if (at) {
		for (p = at + sizeof(key) - 1; *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				ok = false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		ok = ok && p > at + sizeof(key) - 1 && *p == ',';
	}
	if (dhb_gst_report(line, &n))
		check(at && ok && n == v);
	else
		check(!at || !ok);
	free(line);
}

/*
 * --format (pipelines/format.c): the text up to the first NUL is a format of the table, whose
 * name it is exactly, or refused with one line (unless it quotes a newline of the input).
 */
static void format(const uint8_t *d, size_t n)
{
	char *t = malloc(n + 1), err[ERRLEN], name[5];
	const struct dhb_pipe_fmt *f;
	uint32_t drm = 0;

	check(t);
	memcpy(t, d, n);
	t[n] = '\0';
	err[0] = '\0';
	if (dhb_pipe_format_parse(t, &drm, err, sizeof(err))) {
		check(err[0] && memchr(err, '\0', sizeof(err)));
		check(!strchr(err, '\n') || strchr(t, '\n'));
	} else {
		f = dhb_pipe_fmt_find(drm);
		check(f && f->drm == drm && (f->bpp == 16 || f->bpp == 32));
		dhb_fourcc_text(drm, name);
		check(!strcmp(name, t));
	}
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhb_fwht_stream s;

	format(data, size);

	if (!scan(data, size, &s))
		dhb_fwht_free(&s);
	if (size && data[0] & 1)
		built(data, size);
	report(data, size);
	return 0;
}
