// SPDX-License-Identifier: MIT
// The import test on DRM cards: PRIME import first and cached, ADDFB2 and RMFB, GEM_CLOSE.
#include <drm_fourcc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/*
 * Each iteration, on one buffer of the source:
 *   prime_import_latency import=first   DRM_IOCTL_PRIME_FD_TO_HANDLE of a dma-buf the card has
 *                                        not seen: a GEM object, dma_buf_attach and
 *                                        dma_buf_map_attachment (the sg table) in the driver
 *   prime_import_latency import=cached  the same fd again: the card finds the dma-buf in its
 *                                        PRIME lookup and returns the same handle
 *   addfb_latency, rmfb_latency         on a KMS card whose planes take XRGB8888: a framebuffer
 *                                        over the handle (ADDFB2) and its removal (RMFB)
 *   gem_close_latency                   DRM_IOCTL_GEM_CLOSE of the handle: the last reference,
 *                                        so the unmap and detach happen here
 * The framebuffer is the buffer's picture when run --geometry asked its source (drm-dumb,
 * v4l2-mmap) for one in a format the card scans out; else an XRGB8888 one DHB_GEOM_DEFAULT_WIDTH pixels wide,
 * doubled until it has at most FB_MAX_LINES lines or halved until it has at least FB_MIN_LINES
 * (drivers limit both dimensions: vkms to 10..8192), and only as many lines as the buffer fills
 * completely. No commit is made: scanout (vkms vmaps the buffer at each commit) belongs to the
 * pipelines.
 */
#define FB_MAX_LINES 4096
#define FB_MIN_LINES 32
#define FB_MAX_WIDTH 8192

struct drm_state {
	struct dhb_buf buf;
	struct dhb_geom fb;
	bool has_fb;
	uint32_t fb_id;
	bool fb_live;
	uint32_t handle;
	bool imported;
	int first, cached, addfb, rmfb, close;
};

/*
 * The framebuffer that fits in @size bytes: FB_MIN_LINES lines at least (drivers refuse tiny
 * ones: vkms below 10x10), so a small buffer gets a narrower picture; -ERANGE when not even
 * that fits.
 */
static int fb_geom(uint64_t size, struct dhb_geom *g)
{
	uint32_t width = DHB_GEOM_DEFAULT_WIDTH;

	while (width < FB_MAX_WIDTH && size / ((uint64_t)width * 4) > FB_MAX_LINES)
		width *= 2;
	while (width > FB_MIN_LINES && size / ((uint64_t)width * 4) < FB_MIN_LINES)
		width /= 2;
	if (size / ((uint64_t)width * 4) < FB_MIN_LINES)
		return -ERANGE;
	g->width = width;
	g->bpp = 32;
	g->pitch = width * 4;
	g->height = (uint32_t)(size / g->pitch);
	if (g->height > FB_MAX_LINES * 2)
		g->height = FB_MAX_LINES * 2;
	g->fourcc = DRM_FORMAT_XRGB8888;
	return 0;
}

/*
 * The framebuffer over @buf: the buffer's own picture when run --geometry asked its source for
 * one (DHB_CAP_GEOMETRY) in a format a plane of @dev scans out, else fb_geom()'s XRGB8888 one.
 * False when there is none.
 */
static bool fb_for(struct dhb_device *dev, const struct dhb_buf *buf, struct dhb_geom *g)
{
	const struct dhb_instance *inst = buf->inst;
	const struct dhb_geom *pic = &inst->got;

	if ((inst->want.width || inst->want.fourcc) && pic->width && pic->fourcc &&
	    dhb_drm_has_format(dev, pic->fourcc)) {
		*g = *pic;
		return true;
	}
	return dhb_drm_has_format(dev, DRM_FORMAT_XRGB8888) && !fb_geom(buf->size, g);
}

int dhb_import_drm_try(struct dhb_device *dev, struct dhb_buf *buf, struct dhb_import_trial *t)
{
	struct dhb_geom g;
	uint32_t handle, fb;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = dhb_drm_prime_import(dev, buf->fd, &handle);
	if (ret) {
		t->err = ret;
		t->step = "DRM_IOCTL_PRIME_FD_TO_HANDLE";
		return 0;
	}
	if (fb_for(dev, buf, &g)) {
		snprintf(t->detail, sizeof(t->detail), "framebuffer XRGB8888 %ux%u", g.width,
			 g.height);
		ret = dhb_drm_addfb(dev, handle, &g, &fb);
		if (ret) {
			t->err = ret;
			t->step = "DRM_IOCTL_MODE_ADDFB2";
		} else {
			ret = dhb_drm_rmfb(dev, fb);
		}
	}
	ret = dhb_drm_gem_close(dev, handle);
	if (ret && !t->err) {
		t->err = ret;
		t->step = "DRM_IOCTL_GEM_CLOSE";
	}
	return 0;
}

static const char *drm_supported(const struct dhb_instance *inst, const struct dhb_device *dev,
				 uint64_t size, char *buf, size_t len)
{
	(void)inst;
	(void)size;
	if (!(dev->caps & DHB_DEVCAP_PRIME_IMPORT)) {
		snprintf(buf, len, "%s does not import dma-bufs (no DRM_PRIME_CAP_IMPORT)",
			 dev->name);
		return buf;
	}
	return NULL;
}

static void drm_metrics(struct dhb_ctx *ctx, struct drm_state *s)
{
	char fmt[24] = "format=XRGB8888";

	s->first = dhb_ctx_metric(ctx, "prime_import_latency", DHB_METRIC_NS, NULL, "import=first");
	s->cached =
		dhb_ctx_metric(ctx, "prime_import_latency", DHB_METRIC_NS, NULL, "import=cached");
	s->close = dhb_ctx_metric(ctx, "gem_close_latency", DHB_METRIC_NS, NULL, NULL);
	if (!s->has_fb)
		return;
	/* A picture asked for with --geometry may have another format: its fourcc then. */
	if (s->fb.fourcc != DRM_FORMAT_XRGB8888)
		snprintf(fmt, sizeof(fmt), "format=%.4s", (const char *)&s->fb.fourcc);
	s->addfb = dhb_ctx_metric(ctx, "addfb_latency", DHB_METRIC_NS, NULL, fmt);
	s->rmfb = dhb_ctx_metric(ctx, "rmfb_latency", DHB_METRIC_NS, NULL, fmt);
}

static int drm_setup(struct dhb_ctx *ctx)
{
	struct dhb_instance *inst = ctx->inst;
	struct dhb_import_trial t;
	struct drm_state *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	ret = inst->ops->alloc(inst, ctx->size, &s->buf);
	if (ret) {
		free(s);
		return dhb_ctx_fail(ctx, ret, "allocation");
	}
	ctx->state = s;
	/* One trial first: a card that refuses the buffer is a result, not a failure. */
	dhb_import_drm_try(ctx->dev, &s->buf, &t);
	if (t.err) {
		dhb_buf_release(&s->buf);
		free(s);
		ctx->state = NULL;
		return dhb_import_refused(ctx, &t);
	}
	s->has_fb = fb_for(ctx->dev, &s->buf, &s->fb);
	drm_metrics(ctx, s);
	return 0;
}

static int drm_run_once(struct dhb_ctx *ctx)
{
	struct drm_state *s = ctx->state;
	struct dhb_device *dev = ctx->dev;
	struct dhb_section first, cached, add, rm, cl;
	uint32_t again;
	int ret;

	dhb_section_begin(ctx, &first);
	ret = dhb_drm_prime_import(dev, s->buf.fd, &s->handle);
	dhb_section_next(ctx, &first, &cached);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "DRM_IOCTL_PRIME_FD_TO_HANDLE");
	s->imported = true;
	ret = dhb_drm_prime_import(dev, s->buf.fd, &again);
	dhb_section_end(ctx, &cached);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "DRM_IOCTL_PRIME_FD_TO_HANDLE (again)");
	if (again != s->handle)
		return dhb_ctx_fail(ctx, -EPROTO, "a second import gave another handle");
	ret = dhb_section_record(ctx, s->first, &first);
	if (!ret)
		ret = dhb_section_record(ctx, s->cached, &cached);
	if (!ret && s->has_fb) {
		dhb_section_begin(ctx, &add);
		ret = dhb_drm_addfb(dev, s->handle, &s->fb, &s->fb_id);
		dhb_section_end(ctx, &add);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DRM_IOCTL_MODE_ADDFB2");
		s->fb_live = true;
		dhb_section_begin(ctx, &rm);
		ret = dhb_drm_rmfb(dev, s->fb_id);
		dhb_section_end(ctx, &rm);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DRM_IOCTL_MODE_RMFB");
		s->fb_live = false;
		ret = dhb_section_record(ctx, s->addfb, &add);
		if (!ret)
			ret = dhb_section_record(ctx, s->rmfb, &rm);
	}
	if (ret)
		return dhb_ctx_fail(ctx, ret, "recording");
	dhb_section_begin(ctx, &cl);
	ret = dhb_drm_gem_close(dev, s->handle);
	dhb_section_end(ctx, &cl);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "DRM_IOCTL_GEM_CLOSE");
	s->imported = false;
	ret = dhb_section_record(ctx, s->close, &cl);
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static void drm_teardown(struct dhb_ctx *ctx)
{
	struct drm_state *s = ctx->state;

	if (!s)
		return;
	if (s->fb_live)
		dhb_drm_rmfb(ctx->dev, s->fb_id);
	if (s->imported)
		dhb_drm_gem_close(ctx->dev, s->handle);
	dhb_buf_release(&s->buf);
	free(s);
	ctx->state = NULL;
}

const struct dhb_import_half dhb_import_drm = {
	.supported = drm_supported,
	.setup = drm_setup,
	.run_once = drm_run_once,
	.teardown = drm_teardown,
};
