// SPDX-License-Identifier: MIT
// The frame formats a pipeline takes (--format): DRM's fourcc, V4L2's and GStreamer's names.
#include <errno.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dhb/err.h"
#include "dhb/geom.h"
#include "stage.h"

#define FOURCC(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/*
 * One-plane formats only: a frame is one dma-buf at offset 0 (struct dhb_frame's pool). The
 * display names a format by its DRM fourcc, the rows too (geom=WxH@RG16); the source is asked
 * for the V4L2 pixel format of the same bytes in memory. Most share their fourcc (V4L2's XBGR32
 * is DRM's XRGB8888, both XR24); RGB565 does not (V4L2 RGBP, DRM RG16; V4L2's RG16 is a Bayer
 * format). GStreamer's name is its caps' format= (its BGRx is the bytes B, G, R, x: XR24).
 */
static const struct dhb_pipe_fmt fmts[] = {
	{FOURCC('X', 'R', '2', '4'), V4L2_PIX_FMT_XBGR32, "XBGR32", "BGRx", 32, false},
	{FOURCC('A', 'R', '2', '4'), V4L2_PIX_FMT_ABGR32, "ABGR32", "BGRA", 32, false},
	{FOURCC('X', 'B', '2', '4'), V4L2_PIX_FMT_RGBX32, "RGBX32", "RGBx", 32, false},
	{FOURCC('A', 'B', '2', '4'), V4L2_PIX_FMT_RGBA32, "RGBA32", "RGBA", 32, false},
	{FOURCC('R', 'G', '1', '6'), V4L2_PIX_FMT_RGB565, "RGB565", "RGB16", 16, false},
	{FOURCC('Y', 'U', 'Y', 'V'), V4L2_PIX_FMT_YUYV, "YUYV", "YUY2", 16, true},
	{FOURCC('U', 'Y', 'V', 'Y'), V4L2_PIX_FMT_UYVY, "UYVY", "UYVY", 16, true},
};

#define N_FMTS (sizeof(fmts) / sizeof(fmts[0]))

const struct dhb_pipe_fmt *dhb_pipe_fmt_find(uint32_t drm)
{
	size_t i;

	if (!drm)
		return &fmts[0];
	for (i = 0; i < N_FMTS; i++) {
		if (fmts[i].drm == drm)
			return &fmts[i];
	}
	return NULL;
}

void dhb_pipe_fourcc_join(const uint32_t *cc, size_t n, char *buf, size_t len)
{
	size_t used = 0, i;
	char name[5];

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		dhb_fourcc_text(cc[i], name);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name);
	}
}

/* The DRM fourccs of the table, ", " between them, into @buf. */
static void fmt_list(char *buf, size_t len)
{
	uint32_t cc[N_FMTS];
	size_t i;

	for (i = 0; i < N_FMTS; i++)
		cc[i] = fmts[i].drm;
	dhb_pipe_fourcc_join(cc, N_FMTS, buf, len);
}

int dhb_pipe_format_parse(const char *s, uint32_t *drm, char *err, size_t errlen)
{
	char list[64], cc[5], v4l2[5];
	uint32_t code = 0;
	size_t n = strlen(s), i;

	if (n >= 1 && n <= 4 && !strchr(s, ' ')) {
		char name[5] = "    ";

		memcpy(name, s, n);
		code = FOURCC(name[0], name[1], name[2], name[3]);
		for (i = 0; i < N_FMTS; i++) {
			if (fmts[i].drm == code) {
				*drm = code;
				return 0;
			}
		}
	}
	for (i = 0; i < N_FMTS; i++) {
		dhb_fourcc_text(fmts[i].v4l2, v4l2);
		if (!strcasecmp(s, fmts[i].v4l2_name) || !strcmp(s, v4l2)) {
			dhb_fourcc_text(fmts[i].drm, cc);
			return dhb_err(
				-EINVAL, err, errlen,
				"--format %s: V4L2's name of the format; give DRM's fourcc, %s", s,
				cc);
		}
	}
	fmt_list(list, sizeof(list));
	return dhb_err(-EINVAL, err, errlen,
		       "--format %s: not a frame format the pipeline takes (%s: DRM fourccs, one "
		       "plane)",
		       s, list);
}

bool dhb_pipe_format_at(size_t i, char name[5])
{
	if (i >= N_FMTS)
		return false;
	dhb_fourcc_text(fmts[i].drm, name);
	return true;
}
