// SPDX-License-Identifier: MIT
// The KMS sink stage: atomic commits of the pool's framebuffers with explicit fences, flip events.
#include <drm_fourcc.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "dhb/sync_file.h"
#include "stage.h"

/*
 * init takes the display's descriptor (opened first on the card: it holds DRM master, which
 * atomic commits need), turns on atomic modesetting, finds a connected connector, a CRTC for
 * it and a primary plane of that CRTC, free, that scans out the frame's format (XRGB8888 unless
 * --format says; one whose primary plane does not is refused, naming the formats it has), the
 * properties it sets,
 * and lists the connector's modes for the source to choose from; it keeps the CRTC's state to
 * restore. start makes each frame buffer a framebuffer once (PRIME import, ADDFB2, the
 * source's pitch), and sets the mode with a blank framebuffer of its own (a dumb buffer,
 * zeroed: black) over the whole screen, blocking. Each frame is then one atomic commit,
 * NONBLOCK with a page-flip event: the plane's FB_ID, IN_FENCE_FD (the frame's fence, which the
 * kernel waits for before the flip) and the CRTC's OUT_FENCE_PTR (a fence that signals at the
 * flip, with the vblank's time). dequeue waits for the event: the frame is on screen from
 * the event's timestamp, and the frame shown before it is free again; its vblank sequence,
 * against the CRTC's at commit time (DRM_IOCTL_CRTC_GET_SEQUENCE), says how many vblanks late
 * it was. stop waits for a pending flip, restores the CRTC as it was (legacy SETCRTC: its mode
 * and framebuffer, or off), then removes every framebuffer, closes every GEM handle, destroys
 * the mode blob and the blank buffer.
 */

enum {
	P_CONN_CRTC,
	P_CRTC_MODE,
	P_CRTC_ACTIVE,
	P_CRTC_OUT_FENCE,
	P_FB,
	P_PLANE_CRTC,
	P_SRC_X,
	P_SRC_Y,
	P_SRC_W,
	P_SRC_H,
	P_CRTC_X,
	P_CRTC_Y,
	P_CRTC_W,
	P_CRTC_H,
	P_IN_FENCE,
	N_PROPS
};

static const struct {
	uint32_t obj_type;
	const char *name;
} prop_names[N_PROPS] = {
	[P_CONN_CRTC] = {DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"},
	[P_CRTC_MODE] = {DRM_MODE_OBJECT_CRTC, "MODE_ID"},
	[P_CRTC_ACTIVE] = {DRM_MODE_OBJECT_CRTC, "ACTIVE"},
	[P_CRTC_OUT_FENCE] = {DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR"},
	[P_FB] = {DRM_MODE_OBJECT_PLANE, "FB_ID"},
	[P_PLANE_CRTC] = {DRM_MODE_OBJECT_PLANE, "CRTC_ID"},
	[P_SRC_X] = {DRM_MODE_OBJECT_PLANE, "SRC_X"},
	[P_SRC_Y] = {DRM_MODE_OBJECT_PLANE, "SRC_Y"},
	[P_SRC_W] = {DRM_MODE_OBJECT_PLANE, "SRC_W"},
	[P_SRC_H] = {DRM_MODE_OBJECT_PLANE, "SRC_H"},
	[P_CRTC_X] = {DRM_MODE_OBJECT_PLANE, "CRTC_X"},
	[P_CRTC_Y] = {DRM_MODE_OBJECT_PLANE, "CRTC_Y"},
	[P_CRTC_W] = {DRM_MODE_OBJECT_PLANE, "CRTC_W"},
	[P_CRTC_H] = {DRM_MODE_OBJECT_PLANE, "CRTC_H"},
	[P_IN_FENCE] = {DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD"},
};

struct kms {
	struct dhb_device *dev;
	int fd;
	uint32_t conn_id;
	uint32_t crtc_id;
	unsigned int crtc_index;
	uint32_t plane_id;
	uint32_t blank_fourcc; /* the blank framebuffer's format: XRGB8888 where the plane has it */
	uint32_t prop[N_PROPS];
	drmModeModeInfo modes[DHB_PIPE_MAX_MODES];
	drmModeCrtcPtr saved;
	struct dhb_wb *wb; /* --verify-with writeback, else NULL */
	/* per start */
	uint32_t blob;
	uint32_t blank_handle;
	uint32_t blank_fb;
	uint32_t handles[DHB_PIPE_MAX_BUFFERS];
	uint32_t fbs[DHB_PIPE_MAX_BUFFERS];
	unsigned int n;
	bool started;
	bool modeset;
	struct dhb_frame *shown;
	struct dhb_frame *pending;
	int32_t out_fence;
	uint64_t seq0;
	bool have_seq0;
	/* the last page-flip event */
	bool flipped;
	uint64_t flip_ns;
	uint32_t flip_seq;
};

static struct kms *kms_of(struct dhb_stage *s)
{
	return s->priv;
}

uint32_t dhb_kms_prop_id(int fd, uint32_t id, uint32_t type, const char *name, uint64_t *value)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, id, type);
	drmModePropertyPtr p;
	uint32_t found = 0, i;

	for (i = 0; props && i < props->count_props && !found; i++) {
		p = drmModeGetProperty(fd, props->props[i]);
		if (p && !strcmp(p->name, name)) {
			found = p->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

/* A connected connector with modes, and a CRTC its encoders can drive. */
static int find_output(struct dhb_pipe *p, struct kms *k, drmModeResPtr res)
{
	const char *card = p->cfg->display->name;
	drmModeConnectorPtr conn;
	drmModeEncoderPtr enc;
	int i, j, c, crtc = -1;

	for (i = 0; i < res->count_connectors && crtc < 0; i++) {
		conn = drmModeGetConnector(k->fd, res->connectors[i]);
		if (!conn)
			continue;
		if (conn->connection != DRM_MODE_CONNECTED || !conn->count_modes) {
			drmModeFreeConnector(conn);
			continue;
		}
		for (j = 0; j < conn->count_encoders && crtc < 0; j++) {
			enc = drmModeGetEncoder(k->fd, conn->encoders[j]);
			if (!enc)
				continue;
			for (c = 0; c < res->count_crtcs && crtc < 0; c++) {
				if (enc->possible_crtcs & (1u << c))
					crtc = c;
			}
			drmModeFreeEncoder(enc);
		}
		if (crtc >= 0) {
			k->conn_id = conn->connector_id;
			k->crtc_id = res->crtcs[crtc];
			k->crtc_index = (unsigned int)crtc;
			for (j = 0; j < conn->count_modes && p->n_modes < DHB_PIPE_MAX_MODES; j++) {
				const drmModeModeInfo *m = &conn->modes[j];
				struct dhb_pipe_mode *pm = &p->modes[p->n_modes];

				if (!m->htotal || !m->vtotal)
					continue;
				k->modes[p->n_modes] = *m;
				pm->width = m->hdisplay;
				pm->height = m->vdisplay;
				pm->refresh_mhz = (uint32_t)((uint64_t)m->clock * 1000000u /
							     ((uint64_t)m->htotal * m->vtotal));
				pm->preferred = m->type & DRM_MODE_TYPE_PREFERRED;
				p->n_modes++;
			}
		}
		drmModeFreeConnector(conn);
	}
	if (crtc < 0) {
		snprintf(p->err, sizeof(p->err),
			 "%s: no connected connector with a mode and a CRTC", card);
		return -EOPNOTSUPP;
	}
	return crtc;
}

/*
 * A primary plane of CRTC number @crtc, free (or ours), scanning out the frame's format; none is
 * -EOPNOTSUPP, or -EINVAL when a free one is there but scans out other formats (named).
 */
static int find_plane(struct dhb_pipe *p, struct kms *k, int crtc)
{
	drmModePlaneResPtr res = drmModeGetPlaneResources(k->fd);
	uint32_t want = p->pf->drm, i, j;
	char others[160] = "", cc[5];
	drmModePlanePtr pl;
	uint64_t type;
	bool fmt, xr24;

	for (i = 0; res && i < res->count_planes && !k->plane_id; i++) {
		pl = drmModeGetPlane(k->fd, res->planes[i]);
		if (!pl)
			continue;
		type = 0;
		fmt = xr24 = false;
		for (j = 0; j < pl->count_formats; j++) {
			fmt = fmt || pl->formats[j] == want;
			xr24 = xr24 || pl->formats[j] == DRM_FORMAT_XRGB8888;
		}
		if ((pl->possible_crtcs & (1u << crtc)) &&
		    (!pl->crtc_id || pl->crtc_id == k->crtc_id) &&
		    dhb_kms_prop_id(k->fd, pl->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type) &&
		    type == DRM_PLANE_TYPE_PRIMARY) {
			if (fmt) {
				k->plane_id = pl->plane_id;
				/* The blank framebuffer: zeroes, black in XRGB8888 (not in YUV). */
				k->blank_fourcc = xr24 ? DRM_FORMAT_XRGB8888 : want;
			} else if (!others[0])
				dhb_pipe_fourcc_join(pl->formats, pl->count_formats, others,
						     sizeof(others));
		}
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(res);
	if (k->plane_id)
		return 0;
	dhb_fourcc_text(want, cc);
	snprintf(p->err, sizeof(p->err), "%s: no free primary plane of CRTC %u that scans out %s",
		 p->cfg->display->name, k->crtc_id, cc);
	if (!others[0])
		return -EOPNOTSUPP;
	snprintf(p->err + strlen(p->err), sizeof(p->err) - strlen(p->err),
		 "%s (its primary plane's formats: %s)", p->pf->yuv ? ", a YUV format" : "",
		 others);
	return -EINVAL;
}

static int kms_init(struct dhb_stage *s)
{
	struct dhb_pipe *p = s->pipe;
	const char *card = p->cfg->display->name;
	drmModeResPtr res;
	struct kms *k;
	uint32_t obj;
	int ret, crtc, i;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	s->priv = k;
	k->dev = p->cfg->display;
	k->fd = k->dev->fd;
	k->out_fence = -1;
	if (drmSetClientCap(k->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(k->fd, DRM_CLIENT_CAP_ATOMIC, 1)) {
		snprintf(p->err, sizeof(p->err),
			 "%s: no atomic modesetting (DRM_CLIENT_CAP_ATOMIC)", card);
		return -EOPNOTSUPP;
	}
	if (!drmIsMaster(k->fd) && drmSetMaster(k->fd)) {
		snprintf(p->err, sizeof(p->err),
			 "%s: another client holds DRM master (a compositor, or another "
			 "dmaheap-bench): stop it or use another card",
			 card);
		return -EBUSY;
	}
	res = drmModeGetResources(k->fd);
	if (!res)
		return dhb_pipe_fail(p, errno ? -errno : -ENODEV, "%s: DRM_IOCTL_MODE_GETRESOURCES",
				     card);
	crtc = find_output(p, k, res);
	drmModeFreeResources(res);
	if (crtc < 0)
		return crtc;
	ret = find_plane(p, k, crtc);
	if (ret)
		return ret;
	for (i = 0; i < N_PROPS; i++) {
		obj = prop_names[i].obj_type == DRM_MODE_OBJECT_CONNECTOR ? k->conn_id
		      : prop_names[i].obj_type == DRM_MODE_OBJECT_CRTC	  ? k->crtc_id
									  : k->plane_id;
		k->prop[i] = dhb_kms_prop_id(k->fd, obj, prop_names[i].obj_type, prop_names[i].name,
					     NULL);
		if (!k->prop[i]) {
			snprintf(p->err, sizeof(p->err), "%s: no %s property on object %u", card,
				 prop_names[i].name, obj);
			return -EOPNOTSUPP;
		}
	}
	k->saved = drmModeGetCrtc(k->fd, k->crtc_id);
	if (!p->cfg->writeback)
		return 0;
	k->wb = calloc(1, sizeof(*k->wb));
	if (!k->wb)
		return -ENOMEM;
	return dhb_wb_find(p, k->wb, k->dev, k->crtc_id, k->crtc_index, k->conn_id);
}

/*
 * Put framebuffer @fb on the plane over the whole screen; with @modeset, the mode too. With a
 * writeback, the mode-setting commit puts its connector on the CRTC (in the display
 * connector's place when they cannot be clones) and a frame's commit (@wb_slot) adds a job.
 */
static int commit(struct kms *k, const struct dhb_pipe_format *f, uint32_t fb, bool modeset,
		  int in_fence, int32_t *out_fence, uint32_t flags, int *wb_slot)
{
	uint32_t pl = k->plane_id, w = f->geom.width, h = f->geom.height;
	struct dhb_atomic req;
	int ret = 0, slot;

	dhb_atomic_init(&req);
	if (k->wb && (modeset || wb_slot))
		ret = dhb_wb_add(k->wb, &req, modeset, wb_slot ? wb_slot : &slot);
	if (ret)
		return ret;
	if (modeset) {
		dhb_atomic_add(&req, k->conn_id, k->prop[P_CONN_CRTC],
			       k->wb && k->wb->alone ? 0 : k->crtc_id);
		dhb_atomic_add(&req, k->crtc_id, k->prop[P_CRTC_MODE], k->blob);
		dhb_atomic_add(&req, k->crtc_id, k->prop[P_CRTC_ACTIVE], 1);
		dhb_atomic_add(&req, pl, k->prop[P_PLANE_CRTC], k->crtc_id);
		dhb_atomic_add(&req, pl, k->prop[P_SRC_X], 0);
		dhb_atomic_add(&req, pl, k->prop[P_SRC_Y], 0);
		dhb_atomic_add(&req, pl, k->prop[P_SRC_W], (uint64_t)w << 16);
		dhb_atomic_add(&req, pl, k->prop[P_SRC_H], (uint64_t)h << 16);
		dhb_atomic_add(&req, pl, k->prop[P_CRTC_X], 0);
		dhb_atomic_add(&req, pl, k->prop[P_CRTC_Y], 0);
		dhb_atomic_add(&req, pl, k->prop[P_CRTC_W], w);
		dhb_atomic_add(&req, pl, k->prop[P_CRTC_H], h);
	}
	dhb_atomic_add(&req, pl, k->prop[P_FB], fb);
	if (in_fence >= 0)
		dhb_atomic_add(&req, pl, k->prop[P_IN_FENCE], (uint64_t)in_fence);
	if (out_fence) {
		*out_fence = -1;
		dhb_atomic_add(&req, k->crtc_id, k->prop[P_CRTC_OUT_FENCE],
			       (uint64_t)(uintptr_t)out_fence);
	}
	return dhb_atomic_commit(k->fd, &req, flags, k);
}

static int kms_stop(struct dhb_stage *s);

/* Stop after a failed start, keeping why it failed in the pipe's err; returns @ret. */
static int stop_keeping_err(struct dhb_stage *s, int ret)
{
	struct dhb_pipe *p = s->pipe;
	char err[sizeof(p->err)];

	memcpy(err, p->err, sizeof(err));
	kms_stop(s);
	memcpy(p->err, err, sizeof(err));
	return ret;
}

static int kms_start(struct dhb_stage *s, struct dhb_frame *frames, unsigned int n)
{
	struct dhb_pipe *p = s->pipe;
	struct kms *k = kms_of(s);
	const struct dhb_pipe_mode *want = &p->fmt.mode;
	const char *card = p->cfg->display->name;
	struct dhb_geom g = p->fmt.geom, blank;
	uint64_t size;
	char cc[5];
	size_t i;
	int ret;

	k->started = true;
	for (i = 0; i < p->n_modes; i++) {
		if (p->modes[i].width == want->width && p->modes[i].height == want->height &&
		    p->modes[i].refresh_mhz == want->refresh_mhz)
			break;
	}
	if (i == p->n_modes)
		return dhb_pipe_fail(p, -EINVAL, "%s: the mode %ux%u went away", card, want->width,
				     want->height);
	if (drmModeCreatePropertyBlob(k->fd, &k->modes[i], sizeof(k->modes[i]), &k->blob)) {
		ret = -errno;
		kms_stop(s);
		return dhb_pipe_fail(p, ret, "%s: DRM_IOCTL_MODE_CREATEPROPBLOB", card);
	}
	blank = (struct dhb_geom){g.width, g.height,
				  k->blank_fourcc == DRM_FORMAT_XRGB8888 ? 32 : p->pf->bpp, 0,
				  k->blank_fourcc};
	ret = dhb_drm_dumb_create(k->dev, &blank, &k->blank_handle, &size);
	if (!ret)
		ret = dhb_drm_addfb(k->dev, k->blank_handle, &blank, &k->blank_fb);
	if (ret) {
		kms_stop(s);
		return dhb_pipe_fail(p, ret, "%s: a blank framebuffer (MODE_CREATE_DUMB, ADDFB2)",
				     card);
	}
	for (k->n = 0; k->n < n; k->n++) {
		struct dhb_frame *f = &frames[k->n];

		ret = dhb_drm_prime_import(k->dev, f->fd[0], &k->handles[k->n]);
		if (ret) {
			kms_stop(s);
			dhb_pipe_fail(p, ret, "DRM_IOCTL_PRIME_FD_TO_HANDLE");
			goto out_refused;
		}
		g.pitch = f->pitch[0];
		ret = dhb_drm_addfb(k->dev, k->handles[k->n], &g, &k->fbs[k->n]);
		if (ret) {
			k->n++; /* the handle is to close */
			kms_stop(s);
			dhb_pipe_fail(p, ret, "DRM_IOCTL_MODE_ADDFB2");
			goto out_refused;
		}
	}
	if (k->wb && (ret = dhb_wb_start(p, k->wb, g.width, g.height)))
		return stop_keeping_err(s, ret);
	ret = commit(k, &p->fmt, k->blank_fb, true, -1, NULL, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	if (ret) {
		kms_stop(s);
		return dhb_pipe_fail(p, ret, "%s: DRM_IOCTL_MODE_ATOMIC (mode %ux%u%s)", card,
				     g.width, g.height, k->wb ? ", a writeback connector" : "");
	}
	k->modeset = true;
	if (k->wb) {
		k->wb->attached = true;
		p->wb = k->wb;
	}
	if (p->cfg->ref_crc && !k->wb) {
		/* The CRTC is on now: its CRCs can be asked for (debugfs refuses an idle one). */
		ret = dhb_crc_open(&p->crc, k->fd, k->crtc_index, p->err, sizeof(p->err));
		if (ret)
			return stop_keeping_err(s, ret);
	}
	return 0;

out_refused:
	dhb_fourcc_text(g.fourcc, cc);
	snprintf(p->err + strlen(p->err), sizeof(p->err) - strlen(p->err), " [%s %s %ux%u from %s]",
		 card, cc, g.width, g.height, p->source_name ? p->source_name : "?");
	return ret == -ENODEV ? ret : -EOPNOTSUPP;
}

static int kms_queue(struct dhb_stage *s, struct dhb_frame *f)
{
	struct dhb_pipe *p = s->pipe;
	struct kms *k = kms_of(s);
	uint64_t ns;
	int ret;

	if (k->pending || f->index >= k->n)
		return dhb_pipe_fail(p, -EBUSY, "%s: a frame while one is pending",
				     p->cfg->display->name);
	k->have_seq0 = !drmCrtcGetSequence(k->fd, k->crtc_id, &k->seq0, &ns);
	k->flipped = false;
	f->t.committed = dhb_pipe_now();
	f->wb_slot = -1;
	ret = commit(k, &p->fmt, k->fbs[f->index], false, f->fence_fd,
		     p->cfg->no_fences ? NULL : &k->out_fence,
		     DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
		     k->wb ? &f->wb_slot : NULL);
	if (k->wb)
		dhb_wb_committed(k->wb, f->wb_slot, !ret);
	/* The kernel holds the in-fence now (or never will): ours is done either way. */
	if (f->fence_fd >= 0)
		close(f->fence_fd);
	f->fence_fd = -1;
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: DRM_IOCTL_MODE_ATOMIC (flip)",
				     p->cfg->display->name);
	k->pending = f;
	return 0;
}

static void on_flip(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
		    unsigned int crtc_id, void *data)
{
	struct kms *k = data;

	(void)fd;
	(void)crtc_id;
	k->flipped = true;
	k->flip_ns = (uint64_t)sec * 1000000000u + (uint64_t)usec * 1000u;
	k->flip_seq = seq;
}

/* Read events until the pending commit's flip came, up to @timeout_ms (the pipe's: 0). */
static int wait_flip(struct dhb_pipe *p, struct kms *k, int timeout_ms)
{
	drmEventContext ev = {.version = 3, .page_flip_handler2 = on_flip};
	int ret;

	while (!k->flipped) {
		ret = dhb_pipe_wait(p, k->fd, POLLIN, timeout_ms, NULL);
		if (ret)
			return ret;
		if (drmHandleEvent(k->fd, &ev))
			return errno ? -errno : -EIO;
	}
	return 0;
}

static void close_out_fence(struct kms *k)
{
	if (k->out_fence >= 0)
		close(k->out_fence);
	k->out_fence = -1;
}

static int kms_dequeue(struct dhb_stage *s, struct dhb_frame **out)
{
	struct dhb_pipe *p = s->pipe;
	struct kms *k = kms_of(s);
	struct dhb_frame *f = k->pending;
	uint32_t late;
	int ret;

	*out = NULL;
	if (!f)
		return dhb_pipe_fail(p, -EINVAL, "%s: no frame pending", p->cfg->display->name);
	ret = wait_flip(p, k, 0);
	if (ret == -EINTR)
		return ret;
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: waiting for the page-flip event",
				     p->cfg->display->name);
	f->t.flipped = k->flip_ns;
	f->vblank = k->flip_seq;
	late = k->flip_seq - (uint32_t)k->seq0 - 1;
	f->late = k->have_seq0 && late < 1000000 ? late : 0;
	/* The out-fence signalled with the flip (the event's vblank time is its timestamp). */
	close_out_fence(k);
	*out = k->shown;
	k->shown = f;
	k->pending = NULL;
	return 0;
}

static int kms_stop(struct dhb_stage *s)
{
	struct dhb_pipe *p = s->pipe;
	struct kms *k = kms_of(s);
	const char *card = p->cfg->display->name;
	drmModeCrtcPtr c;
	uint32_t conn;
	int ret = 0, r;
	unsigned int i;

	if (!k || !k->started)
		return 0;
	if (k->pending) {
		const volatile sig_atomic_t *stop = p->stop;

		p->stop =
			NULL; /* the flip is due within a frame: wait for it even after a signal */
		wait_flip(p, k, 1000);
		p->stop = stop;
		k->pending = NULL;
	}
	close_out_fence(k);
	dhb_crc_close(&p->crc);
	if (k->wb && (r = dhb_wb_stop(p, k->wb)))
		ret = r;
	p->wb = NULL;
	/* The CRTC as it was: its mode and framebuffer (the console's), or off. */
	c = k->saved;
	conn = k->conn_id;
	if (k->modeset && c && c->mode_valid && c->buffer_id)
		r = drmModeSetCrtc(k->fd, k->crtc_id, c->buffer_id, c->x, c->y, &conn, 1, &c->mode);
	else if (k->modeset)
		r = drmModeSetCrtc(k->fd, k->crtc_id, 0, 0, 0, NULL, 0, NULL);
	else
		r = 0;
	if (r)
		ret = dhb_pipe_fail(p, -errno, "%s: restoring CRTC %u (DRM_IOCTL_MODE_SETCRTC)",
				    card, k->crtc_id);
	k->modeset = false;
	for (i = 0; i < k->n; i++) {
		if (k->fbs[i] && (r = dhb_drm_rmfb(k->dev, k->fbs[i])) && !ret)
			ret = dhb_pipe_fail(p, r, "%s: DRM_IOCTL_MODE_RMFB", card);
		if (k->handles[i] && (r = dhb_drm_gem_close(k->dev, k->handles[i])) && !ret)
			ret = dhb_pipe_fail(p, r, "%s: DRM_IOCTL_GEM_CLOSE", card);
		k->fbs[i] = k->handles[i] = 0;
	}
	k->n = 0;
	if (k->blank_fb && (r = dhb_drm_rmfb(k->dev, k->blank_fb)) && !ret)
		ret = dhb_pipe_fail(p, r, "%s: DRM_IOCTL_MODE_RMFB", card);
	if (k->blank_handle && (r = dhb_drm_gem_close(k->dev, k->blank_handle)) && !ret)
		ret = dhb_pipe_fail(p, r, "%s: DRM_IOCTL_GEM_CLOSE", card);
	if (k->blob && drmModeDestroyPropertyBlob(k->fd, k->blob) && !ret)
		ret = dhb_pipe_fail(p, -errno, "%s: DRM_IOCTL_MODE_DESTROYPROPBLOB", card);
	k->blank_fb = k->blank_handle = k->blob = 0;
	k->shown = NULL;
	k->started = false;
	return ret;
}

static void kms_fini(struct dhb_stage *s)
{
	struct kms *k = kms_of(s);

	if (!k)
		return;
	kms_stop(s);
	drmModeFreeCrtc(k->saved);
	free(k->wb);
	free(k);
	s->priv = NULL;
}

const struct dhb_stage_ops dhb_stage_kms = {
	.name = "kms",
	.init = kms_init,
	.start = kms_start,
	.queue = kms_queue,
	.dequeue = kms_dequeue,
	.stop = kms_stop,
	.fini = kms_fini,
};
