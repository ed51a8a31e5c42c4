// SPDX-License-Identifier: MIT
// FWHT streams (vicodec's codec): the frames of a stream file, found by their headers.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"

/*
 * A stateful FWHT stream is a sequence of frames, each a 44-byte header (drivers/media/
 * test-drivers/vicodec/codec-fwht.h, struct fwht_cframe_hdr: two magic words, 0x4f4f4f4f and
 * 0xffffffff, then version, width, height, flags, colorspace, xfer_func, ycbcr_enc,
 * quantization and the size of the compressed data that follows, big-endian) and its data. The
 * decoder finds the frames itself; the pipeline reads them first so that a stream that is not
 * FWHT, cut short or damaged is refused before any device is touched, and feeds the decoder one
 * frame per bitstream buffer.
 */
#define HDR_WORDS 11
/* <linux/v4l2-controls.h> spells these with the kernel's GENMASK(), which userspace lacks. */
#define COMPONENTS_MSK	  (7u << 16)
#define COMPONENTS_OFFSET 16
#define PIXENC_MSK	  (3u << 19)

/* The two magic words that start every frame's header. */
static const uint8_t magic[8] = {0x4f, 0x4f, 0x4f, 0x4f, 0xff, 0xff, 0xff, 0xff};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void dhb_fwht_free(struct dhb_fwht_stream *s)
{
	free(s->off);
	free(s->len);
	s->off = NULL;
	s->len = NULL;
	s->n = 0;
}

int dhb_fwht_scan(const uint8_t *data, size_t size, struct dhb_fwht_stream *s, char *err,
		  size_t errlen)
{
	size_t at = 0, cap = 0;
	uint32_t w, h, flags, len, version;
	void *p;

	memset(s, 0, sizeof(*s));
	while (at < size) {
		const uint8_t *hdr = data + at;

		size_t left = size - at;

		if (memcmp(hdr, magic, left < sizeof(magic) ? left : sizeof(magic))) {
			if (!s->n)
				snprintf(err, errlen,
					 "not an FWHT stream (no FWHT header at its start)");
			else
				snprintf(err, errlen,
					 "no FWHT header at byte %zu, where frame %zu should start "
					 "(damaged?)",
					 at, s->n);
			goto out_bad;
		}
		if (left < HDR_WORDS * 4) {
			snprintf(err, errlen,
				 "truncated: %zu bytes after frame %zu, less than a header", left,
				 s->n);
			goto out_bad;
		}
		version = be32(hdr + 8);
		w = be32(hdr + 12);
		h = be32(hdr + 16);
		flags = be32(hdr + 20);
		len = be32(hdr + 40);
		if (!version || version > 3 || !w || !h || w > DHB_GEOM_MAX || h > DHB_GEOM_MAX) {
			snprintf(
				err, errlen,
				"frame %zu at byte %zu: a bad header (version %u, %ux%u; damaged?)",
				s->n, at, version, w, h);
			goto out_bad;
		}
		if (s->n && (w != s->width || h != s->height)) {
			snprintf(err, errlen,
				 "frame %zu changes the size from %ux%u to %ux%u (one size per "
				 "stream)",
				 s->n, s->width, s->height, w, h);
			goto out_bad;
		}
		if (len > size - at - HDR_WORDS * 4) {
			snprintf(err, errlen,
				 "truncated: frame %zu at byte %zu needs %u bytes of data, %zu are "
				 "left",
				 s->n, at, len, size - at - HDR_WORDS * 4);
			goto out_bad;
		}
		if (s->n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(s->off, cap * sizeof(*s->off));
			if (!p)
				goto out_nomem;
			s->off = p;
			p = realloc(s->len, cap * sizeof(*s->len));
			if (!p)
				goto out_nomem;
			s->len = p;
		}
		if (!s->n) {
			s->width = w;
			s->height = h;
			s->flags_first = flags;
			s->components = 1 + ((flags & COMPONENTS_MSK) >> COMPONENTS_OFFSET);
			s->pixenc = flags & PIXENC_MSK;
		}
		s->off[s->n] = at;
		s->len[s->n] = HDR_WORDS * 4 + (size_t)len;
		if (s->len[s->n] > s->max_len)
			s->max_len = s->len[s->n];
		s->n++;
		at += HDR_WORDS * 4 + (size_t)len;
	}
	if (s->n)
		return 0;
	snprintf(err, errlen, "an empty stream");
out_bad:
	dhb_fwht_free(s);
	return -EINVAL;
out_nomem:
	dhb_fwht_free(s);
	return -ENOMEM;
}
