// SPDX-License-Identifier: MIT
// --verify-with writeback: a writeback connector of the display's CRTC, each frame read back.
#include <drm_fourcc.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "dhb/env.h"
#include "dhb/ioctl.h"
#include "stage.h"

/*
 * The KMS sink calls these when the pipe verifies through writeback. At init, with
 * DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, a connector of type DRM_MODE_CONNECTOR_WRITEBACK whose
 * encoder can drive the CRTC and whose WRITEBACK_PIXEL_FORMATS hold XRGB8888. Two encoders
 * drive one CRTC only when each one's possible_clones holds the other (the kernel's atomic
 * check); vkms's encoders clone only themselves, so there the writeback connector takes the
 * display connector's place on the CRTC for the run (@alone): the CRTC composes, flips and
 * signals as before, into memory instead of the virtual output. At start, DHB_WB_BUFFERS dumb
 * buffers of the mode's size, XRGB8888, and their framebuffers. The mode-setting commit puts
 * the connector on the CRTC (CRTC_ID needs ALLOW_MODESET) with no job; every commit that shows
 * a frame adds a job, WRITEBACK_FB_ID of a free buffer and WRITEBACK_OUT_FENCE_PTR, so the job
 * belongs to that commit and its buffer holds what the CRTC composed of that frame (vkms
 * composes the new state at the vblank after the commit, writes the buffer, then signals the
 * fence). Reading one back waits for its fence, maps the dumb buffer (MAP_DUMB), computes
 * dhb_vkms_crc() over it and unmaps it: the mapping exists only during the check, after the
 * frame's cpu_frame_bytes was measured, and is of no frame buffer. Stop waits for jobs in
 * flight, takes the connector off the CRTC, removes the framebuffers and destroys the buffers.
 *
 * vkms (6.1, 6.12) turns its composer off when a finished job is cleaned up (a kworker, after
 * the fence signalled: vkms_wb_cleanup_job()), even when the next commit turned it on meanwhile
 * (the switch is a bool, not a count); that next job then never completes, and since jobs
 * complete in order, every later one completes one frame late: the connector stays broken
 * until the next boot. So after reading a buffer back, and before the next commit, the
 * check waits until the kernel let the job's framebuffer go (its refcount in debugfs
 * dri/MINOR/framebuffer back to 1, the file's own; bounded, and skipped without debugfs), which
 * happens after that cleanup. In the lab, before this wait, two jobs of some 1,300 frames were
 * lost on a busy host (each run after one failed at its first frame); none of some 5,400 since.
 * A job that does not complete in time fails the run with one line; it never hangs it.
 */

/* How long stop waits for a job in flight (it completes at the next vblank). */
#define STOP_WAIT_MS 1000

/* How long a check waits for the kernel to let a written buffer's framebuffer go. */
#define RELEASE_WAIT_MS 500

/* Room for debugfs's list of the card's framebuffers (some 300 bytes each). */
#define FB_INFO_MAX 32768

/* The id of property @name of connector @id, 0 when none; its value into *@value (may be NULL). */
static uint32_t conn_prop(int fd, uint32_t id, const char *name, uint64_t *value)
{
	return dhb_kms_prop_id(fd, id, DRM_MODE_OBJECT_CONNECTOR, name, value);
}

bool dhb_wb_can_clone(uint32_t a_clones, unsigned int a_index, uint32_t b_clones,
		      unsigned int b_index)
{
	uint32_t both;

	if (a_index >= 32 || b_index >= 32)
		return false;
	both = 1u << a_index | 1u << b_index;
	return (a_clones & both) == both && (b_clones & both) == both;
}

bool dhb_wb_has_format(const uint32_t *fmts, size_t n, uint32_t fourcc)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fmts[i] == fourcc)
			return true;
	}
	return false;
}

/*
 * The first encoder of connector @conn_id that can drive CRTC number @crtc: its index among
 * the card's encoders and its possible_clones. -ENOENT when none.
 */
static int encoder_of(int fd, const drmModeRes *res, uint32_t conn_id, unsigned int crtc,
		      unsigned int *index, uint32_t *clones)
{
	drmModeConnectorPtr c = drmModeGetConnectorCurrent(fd, conn_id);
	drmModeEncoderPtr e;
	int i, j, ret = -ENOENT;

	for (i = 0; c && i < c->count_encoders && ret; i++) {
		e = drmModeGetEncoder(fd, c->encoders[i]);
		for (j = 0; e && (e->possible_crtcs & (1u << crtc)) && j < res->count_encoders;
		     j++) {
			if (res->encoders[j] == e->encoder_id) {
				*index = (unsigned int)j;
				*clones = e->possible_clones;
				ret = 0;
			}
		}
		drmModeFreeEncoder(e);
	}
	drmModeFreeConnector(c);
	return ret;
}

/* Whether writeback connector @id writes XRGB8888 (its WRITEBACK_PIXEL_FORMATS blob). */
static bool writes_xrgb(int fd, uint32_t id)
{
	drmModePropertyBlobPtr blob;
	uint64_t blob_id = 0;
	bool ok;

	if (!conn_prop(fd, id, "WRITEBACK_PIXEL_FORMATS", &blob_id) || !blob_id)
		return false;
	blob = drmModeGetPropertyBlob(fd, (uint32_t)blob_id);
	ok = blob &&
	     dhb_wb_has_format(blob->data, blob->length / sizeof(uint32_t), DRM_FORMAT_XRGB8888);
	drmModeFreePropertyBlob(blob);
	return ok;
}

/* A writeback connector for CRTC number @crtc that writes XRGB8888, with its properties. */
static bool take_connector(struct dhb_wb *wb, const drmModeRes *res, unsigned int crtc,
			   const char **why)
{
	int fd = wb->dev->fd, i;
	drmModeConnectorPtr c;
	unsigned int index;
	uint32_t clones;
	bool writeback;

	for (i = 0; i < res->count_connectors && !wb->conn_id; i++) {
		c = drmModeGetConnectorCurrent(fd, res->connectors[i]);
		writeback = c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK;
		drmModeFreeConnector(c);
		if (!writeback || encoder_of(fd, res, res->connectors[i], crtc, &index, &clones))
			continue;
		if (!writes_xrgb(fd, res->connectors[i])) {
			*why = " that writes XRGB8888 (WRITEBACK_PIXEL_FORMATS)";
			continue;
		}
		wb->prop_crtc = conn_prop(fd, res->connectors[i], "CRTC_ID", NULL);
		wb->prop_fb = conn_prop(fd, res->connectors[i], "WRITEBACK_FB_ID", NULL);
		wb->prop_fence = conn_prop(fd, res->connectors[i], "WRITEBACK_OUT_FENCE_PTR", NULL);
		if (!wb->prop_crtc || !wb->prop_fb || !wb->prop_fence) {
			*why = " with CRTC_ID, WRITEBACK_FB_ID and WRITEBACK_OUT_FENCE_PTR";
			continue;
		}
		wb->conn_id = res->connectors[i];
	}
	return wb->conn_id;
}

/* Whether the writeback connector's encoder and the display connector's may share the CRTC. */
static bool clones_display(struct dhb_wb *wb, const drmModeRes *res, unsigned int crtc)
{
	unsigned int wi, di;
	uint32_t wc, dc;

	return !encoder_of(wb->dev->fd, res, wb->conn_id, crtc, &wi, &wc) &&
	       !encoder_of(wb->dev->fd, res, wb->display_conn, crtc, &di, &dc) &&
	       dhb_wb_can_clone(wc, wi, dc, di);
}

int dhb_wb_find(struct dhb_pipe *p, struct dhb_wb *wb, struct dhb_device *dev, uint32_t crtc_id,
		unsigned int crtc_index, uint32_t display_conn)
{
	const char *card = p->cfg->display->name, *why = "";
	drmModeResPtr res;
	unsigned int i;
	bool found;

	memset(wb, 0, sizeof(*wb));
	wb->dev = dev;
	wb->crtc_id = crtc_id;
	wb->display_conn = display_conn;
	for (i = 0; i < DHB_WB_BUFFERS; i++)
		wb->buf[i].fence = -1;
	if (drmSetClientCap(dev->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1)) {
		snprintf(p->err, sizeof(p->err),
			 "--verify-with writeback: %s has no writeback connector for CRTC %u "
			 "(DRM_CLIENT_CAP_WRITEBACK_CONNECTORS: %s)",
			 card, crtc_id, strerror(errno));
		return -EOPNOTSUPP;
	}
	res = drmModeGetResources(dev->fd);
	if (!res)
		return dhb_pipe_fail(p, errno ? -errno : -ENODEV, "%s: DRM_IOCTL_MODE_GETRESOURCES",
				     card);
	found = take_connector(wb, res, crtc_index, &why);
	wb->alone = found && !clones_display(wb, res, crtc_index);
	drmModeFreeResources(res);
	if (!found) {
		snprintf(p->err, sizeof(p->err),
			 "--verify-with writeback: %s has no writeback connector for CRTC %u%s",
			 card, crtc_id, why);
		return -EOPNOTSUPP;
	}
	return 0;
}

int dhb_wb_start(struct dhb_pipe *p, struct dhb_wb *wb, uint32_t width, uint32_t height)
{
	const char *card = p->cfg->display->name;
	struct dhb_geom g;
	struct dhb_wb_buf *b;
	int ret;

	wb->width = width;
	wb->height = height;
	for (wb->n = 0; wb->n < DHB_WB_BUFFERS;) {
		b = &wb->buf[wb->n];
		g = (struct dhb_geom){width, height, 32, 0, DRM_FORMAT_XRGB8888};
		ret = dhb_drm_dumb_create(wb->dev, &g, &b->handle, &b->size);
		if (ret)
			return dhb_pipe_fail(p, ret, "%s: a writeback buffer (MODE_CREATE_DUMB)",
					     card);
		wb->n++; /* its handle is to close */
		b->pitch = g.pitch;
		ret = dhb_drm_addfb(wb->dev, b->handle, &g, &b->fb);
		if (ret)
			return dhb_pipe_fail(p, ret, "%s: a writeback framebuffer (ADDFB2)", card);
	}
	wb->next = 0;
	return 0;
}

int dhb_wb_add(struct dhb_wb *wb, struct dhb_atomic *req, bool modeset, int *slot)
{
	struct dhb_wb_buf *b = &wb->buf[wb->next];

	*slot = -1;
	if (modeset) {
		dhb_atomic_add(req, wb->conn_id, wb->prop_crtc, wb->crtc_id);
		return req->err;
	}
	if (wb->next >= wb->n || b->busy)
		return -EBUSY;
	b->fence = -1;
	dhb_atomic_add(req, wb->conn_id, wb->prop_fb, b->fb);
	dhb_atomic_add(req, wb->conn_id, wb->prop_fence, (uint64_t)(uintptr_t)&b->fence);
	if (req->err)
		return req->err;
	*slot = (int)wb->next;
	return 0;
}

void dhb_wb_committed(struct dhb_wb *wb, int slot, bool ok)
{
	struct dhb_wb_buf *b;

	if (slot < 0 || (unsigned int)slot >= wb->n)
		return;
	b = &wb->buf[slot];
	if (ok) {
		b->busy = true;
		wb->next = ((unsigned int)slot + 1) % wb->n;
		return;
	}
	if (b->fence >= 0)
		close(b->fence);
	b->fence = -1;
}

/* The kernel's references to framebuffer @fb of the card open on @fd (debugfs), or -errno. */
static int fb_refs(int fd, uint32_t fb, char *buf)
{
	char path[64], key[32], *at;
	unsigned int refs;
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/framebuffer", minor(st.st_rdev));
	if (dhb_env_read_file(path, buf, FB_INFO_MAX) < 0)
		return -ENOENT;
	snprintf(key, sizeof(key), "framebuffer[%u]:", fb);
	at = strstr(buf, key);
	at = at ? strstr(at, "refcount=") : NULL;
	if (!at || sscanf(at, "refcount=%u", &refs) != 1)
		return -ENOENT;
	return (int)refs;
}

/* Wait (bounded) until only the file holds buffer @b's framebuffer: its job was cleaned up. */
static void wait_released(struct dhb_wb *wb, const struct dhb_wb_buf *b)
{
	uint64_t end = dhb_pipe_now() + (uint64_t)RELEASE_WAIT_MS * 1000000u;
	char *buf = malloc(FB_INFO_MAX);

	while (buf && fb_refs(wb->dev->fd, b->fb, buf) > 1 && dhb_pipe_now() < end)
		usleep(200);
	free(buf);
}

int dhb_wb_crc(struct dhb_pipe *p, struct dhb_wb *wb, int slot, int timeout_ms, uint32_t *crc,
	       uint64_t *bytes)
{
	const char *card = p->cfg->display->name;
	struct drm_mode_map_dumb map = {0};
	struct dhb_wb_buf *b;
	void *m;
	int ret;

	*bytes = 0;
	if (slot < 0 || (unsigned int)slot >= wb->n || !wb->buf[slot].busy ||
	    wb->buf[slot].fence < 0)
		return dhb_pipe_fail(p, -EINVAL, "%s: no writeback job (out-fence) for the frame",
				     card);
	b = &wb->buf[slot];
	ret = dhb_pipe_wait(p, b->fence, POLLIN, timeout_ms, NULL);
	if (ret == -EINTR || ret == -ETIMEDOUT)
		return ret;
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: waiting for a writeback out-fence", card);
	close(b->fence);
	b->fence = -1;
	b->busy = false;
	map.handle = b->handle;
	ret = dhb_ioctl(wb->dev->fd, DRM_IOCTL_MODE_MAP_DUMB, &map, &wb->dev->ioctl_retries);
	if (ret < 0)
		return dhb_pipe_fail(p, ret, "%s: DRM_IOCTL_MODE_MAP_DUMB (a writeback buffer)",
				     card);
	m = mmap(NULL, b->size, PROT_READ, MAP_SHARED, wb->dev->fd, (off_t)map.offset);
	if (m == MAP_FAILED)
		return dhb_pipe_fail(p, -errno, "%s: mmap of a writeback buffer", card);
	*crc = dhb_vkms_crc(m, wb->width, wb->height, b->pitch);
	*bytes = (uint64_t)wb->width * 4u * wb->height;
	if (munmap(m, b->size))
		return dhb_pipe_fail(p, -errno, "%s: munmap of a writeback buffer", card);
	wait_released(wb, b);
	return 0;
}

/* The connector off the CRTC, the display's connector back on it when it was replaced. */
static int detach(struct dhb_wb *wb)
{
	struct dhb_atomic req;

	dhb_atomic_init(&req);
	dhb_atomic_add(&req, wb->conn_id, wb->prop_crtc, 0);
	/* CRTC_ID of a connector is one property for every connector (mode_config's). */
	if (wb->alone)
		dhb_atomic_add(&req, wb->display_conn, wb->prop_crtc, wb->crtc_id);
	return dhb_atomic_commit(wb->dev->fd, &req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
}

int dhb_wb_stop(struct dhb_pipe *p, struct dhb_wb *wb)
{
	const volatile sig_atomic_t *stop = p->stop;
	const char *card = p->cfg->display->name;
	struct dhb_wb_buf *b;
	unsigned int i;
	int ret = 0, r;

	p->stop = NULL; /* a job in flight completes within a frame: wait even after a signal */
	for (i = 0; i < wb->n; i++) {
		b = &wb->buf[i];
		if (b->fence >= 0) {
			dhb_pipe_wait(p, b->fence, POLLIN, STOP_WAIT_MS, NULL);
			close(b->fence);
		}
		b->fence = -1;
		b->busy = false;
	}
	p->stop = stop;
	if (wb->attached && (r = detach(wb)))
		ret = dhb_pipe_fail(
			p, r, "%s: writeback connector %u off CRTC %u (DRM_IOCTL_MODE_ATOMIC)",
			card, wb->conn_id, wb->crtc_id);
	wb->attached = false;
	for (i = 0; i < wb->n; i++) {
		b = &wb->buf[i];
		if (b->fb && (r = dhb_drm_rmfb(wb->dev, b->fb)) && !ret)
			ret = dhb_pipe_fail(p, r, "%s: DRM_IOCTL_MODE_RMFB (writeback)", card);
		if (b->handle && (r = dhb_drm_gem_close(wb->dev, b->handle)) && !ret)
			ret = dhb_pipe_fail(p, r, "%s: DRM_IOCTL_GEM_CLOSE (writeback)", card);
		b->fb = b->handle = 0;
	}
	wb->n = 0;
	wb->next = 0;
	return ret;
}
