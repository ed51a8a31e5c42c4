// SPDX-License-Identifier: MIT
// The capture source stage: a V4L2 capture node (vivid) filling the pool's dma-bufs (DMABUF).
#include <errno.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/compat.h"
#include "dhb/sync_file.h"
#include "stage.h"

/*
 * The node is opened through libv4l2 with conversion off (dhb_v4l2_open()), non-blocking: every
 * wait is a poll() that looks at the stop flag. init picks the frame: the V4L2 format of the
 * display's (format.c: XBGR32 for DRM's XRGB8888 unless --format says), at the first of the
 * display's candidate sizes
 * (dhb_pipe_candidates()) the driver gives exactly, and asks for the display's refresh rate
 * (VIDIOC_S_PARM; a webcam-like driver answers with the nearest rate it has, vivid's depend on
 * the size and the kernel). start queues every frame buffer with V4L2_MEMORY_DMABUF (vb2
 * attaches and maps each dma-buf at its first QBUF and keeps the attachment while the same
 * dma-buf comes back at the same index) and starts streaming. A dequeued frame carries the
 * driver's timestamp (when monotonic), its sequence number, and as its fence the buffer's write
 * fences exported as a sync_file (DMA_BUF_IOCTL_EXPORT_SYNC_FILE): vb2 attaches none, so it is
 * signalled, but a display that waits on it (IN_FENCE_FD) waits on what the buffer says.
 */

struct capture {
	int fd;
	struct dhb_device dev;
	const struct dhb_v4l2_queue *q;
	struct dhb_geom want;
	struct dhb_frame *frames;
	unsigned int n;
	bool reqbufs;
	bool streaming;
	bool no_fences;
};

static struct capture *cap_of(struct dhb_stage *s)
{
	return s->priv;
}

/* The capture queue that takes DMABUF buffers, or NULL. */
static const struct dhb_v4l2_queue *dmabuf_queue(const struct dhb_device *d)
{
	unsigned int i;

	for (i = 0; i < d->n_queues; i++) {
		if (V4L2_TYPE_IS_CAPTURE(d->queues[i].type) &&
		    (d->queues[i].mem & V4L2_BUF_CAP_SUPPORTS_DMABUF))
			return &d->queues[i];
	}
	return NULL;
}

/* "640x480, 1024x768, ..." of the display's candidate sizes, into @buf. */
static void list_sizes(const struct dhb_pipe *p, const size_t *idx, size_t n, char *buf, size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%ux%u", i ? ", " : "",
					 p->modes[idx[i]].width, p->modes[idx[i]].height);
}

/* Ask for the display's refresh rate; the driver's answer (or what it runs at) into the pipe. */
static void set_rate(struct dhb_pipe *p, struct capture *c)
{
	struct v4l2_streamparm parm = {.type = c->q->type};
	struct v4l2_fract *tpf = &parm.parm.capture.timeperframe;

	tpf->numerator = 1000;
	tpf->denominator = p->fmt.mode.refresh_mhz;
	if (!tpf->denominator || dhb_v4l2_ioctl(c->fd, VIDIOC_S_PARM, &parm, &p->retries) ||
	    !(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
		memset(&parm, 0, sizeof(parm));
		parm.type = c->q->type;
		if (dhb_v4l2_ioctl(c->fd, VIDIOC_G_PARM, &parm, &p->retries))
			return;
	}
	p->fmt.rate_num = tpf->denominator;
	p->fmt.rate_den = tpf->numerator;
}

/* The frame: the first candidate size the driver gives exactly in the format's V4L2 format. */
static int choose_frame(struct dhb_stage *s, struct capture *c)
{
	struct dhb_pipe *p = s->pipe;
	const struct dhb_pipe_config *cfg = p->cfg;
	size_t idx[DHB_PIPE_MAX_MODES], n, i;
	struct dhb_geom want = {.fourcc = p->pf->v4l2}, g = {0};
	const char *v4l2 = p->pf->v4l2_name;
	char sizes[64], drm[5];
	uint32_t si = 0;
	int ret = -ERANGE;

	n = dhb_pipe_candidates(p->modes, p->n_modes, cfg->width, cfg->height, idx);
	if (!n) {
		n = dhb_pipe_candidates(p->modes, p->n_modes, 0, 0, idx);
		list_sizes(p, idx, n < 6 ? n : 6, sizes, sizeof(sizes));
		snprintf(p->err, sizeof(p->err), "%s has no %ux%u mode (it has %s%s)",
			 cfg->display->name, cfg->width, cfg->height, sizes, n > 6 ? ", ..." : "");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		want.width = p->modes[idx[i]].width;
		want.height = p->modes[idx[i]].height;
		ret = dhb_v4l2_cover_format(c->fd, c->q, 0, &want, &g, &si, &p->retries);
		if (!ret)
			break;
		if (ret != -ERANGE && ret != -EINVAL)
			break;
	}
	dhb_fourcc_text(p->pf->drm, drm);
	if (ret == -ENOENT) {
		snprintf(p->err, sizeof(p->err),
			 "%s gives no %s frames (DRM %s, --format): VIDIOC_ENUM_FMT",
			 cfg->source->name, v4l2, drm);
		return -EINVAL;
	}
	if (ret == -ERANGE || ret == -EINVAL) {
		list_sizes(p, idx, n, sizes, sizeof(sizes));
		if (cfg->width)
			snprintf(p->err, sizeof(p->err),
				 "%s gives %ux%u when asked for %ux%u %s (VIDIOC_S_FMT)",
				 cfg->source->name, g.width, g.height, cfg->width, cfg->height,
				 v4l2);
		else
			snprintf(p->err, sizeof(p->err),
				 "%s gives none of %s's mode sizes in %s (%s); --size asks for one",
				 cfg->source->name, cfg->display->name, v4l2, sizes);
		return -EINVAL;
	}
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_S_FMT %s %ux%u", cfg->source->name, v4l2,
				     want.width, want.height);
	c->want = want;
	p->fmt.geom = g;
	p->fmt.geom.fourcc = p->pf->drm; /* the same bytes, as the display names them */
	p->fmt.size = si;
	p->fmt.mode = p->modes[idx[i]];
	return 0;
}

static int capture_init(struct dhb_stage *s)
{
	struct dhb_pipe *p = s->pipe;
	const struct dhb_device *src = p->cfg->source;
	struct capture *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	s->priv = c;
	c->dev.kind = DHB_DEV_V4L2;
	snprintf(c->dev.name, sizeof(c->dev.name), "%s", src->name);
	snprintf(c->dev.path, sizeof(c->dev.path), "%s", src->path);
	ret = dhb_v4l2_open(c->dev.path, true, &c->fd);
	if (ret) {
		c->fd = -1;
		return dhb_pipe_fail(p, ret, "%s: opening %s", src->name, src->path);
	}
	c->dev.fd = c->fd;
	ret = dhb_v4l2_probe_node(&c->dev);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_QUERYCAP", src->name);
	if (c->dev.caps & (DHB_DEVCAP_M2M | DHB_DEVCAP_CODEC) ||
	    !(c->dev.caps & DHB_DEVCAP_CAPTURE)) {
		snprintf(p->err, sizeof(p->err),
			 "%s is not a capture device (%s); capture: takes a V4L2 capture node",
			 src->name,
			 c->dev.caps & DHB_DEVCAP_M2M ? "memory to memory: a codec or converter"
						      : "no capture queue");
		return -EOPNOTSUPP;
	}
	c->q = dmabuf_queue(&c->dev);
	if (!c->q) {
		snprintf(p->err, sizeof(p->err),
			 "%s: its capture queue takes no DMABUF buffers "
			 "(V4L2_BUF_CAP_SUPPORTS_DMABUF)",
			 src->name);
		return -EOPNOTSUPP;
	}
	ret = choose_frame(s, c);
	if (!ret)
		set_rate(p, c);
	return ret;
}

static int qbuf(struct dhb_pipe *p, struct capture *c, struct dhb_frame *f)
{
	int ret = dhb_v4l2_qbuf_dmabuf(c->fd, c->q, f->index, f->fd[0], (uint32_t)f->length, 0,
				       &p->retries);

	if (ret)
		return ret;
	memset(&f->t, 0, sizeof(f->t));
	f->t.queued = dhb_pipe_now();
	f->late = 0;
	f->broken = false;
	return 0;
}

static int capture_stop(struct dhb_stage *s);

static int capture_start(struct dhb_stage *s, struct dhb_frame *frames, unsigned int n)
{
	struct dhb_pipe *p = s->pipe;
	struct capture *c = cap_of(s);
	const char *name = p->cfg->source->name;
	struct dhb_geom g;
	uint32_t count = n, si;
	char cc[5];
	unsigned int i;
	int ret;

	c->frames = frames;
	c->n = n;
	/* The format again: a v4l2-mmap source on this node has set its own meanwhile. */
	ret = dhb_v4l2_cover_format(c->fd, c->q, 0, &c->want, &g, &si, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_S_FMT", name);
	ret = dhb_v4l2_reqbufs(c->fd, c->q, V4L2_MEMORY_DMABUF, &count, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_REQBUFS %u DMABUF", name, n);
	c->reqbufs = true;
	if (count < n) {
		capture_stop(s);
		return dhb_pipe_fail(p, -ENOMEM, "%s: VIDIOC_REQBUFS gave %u of %u buffers", name,
				     count, n);
	}
	for (i = 0; i < n; i++) {
		ret = qbuf(p, c, &frames[i]);
		if (ret) {
			capture_stop(s);
			dhb_pipe_fail(p, ret, "VIDIOC_QBUF");
			dhb_fourcc_text(p->fmt.geom.fourcc, cc);
			snprintf(p->err + strlen(p->err), sizeof(p->err) - strlen(p->err),
				 " [%s capture %s %ux%u from %s]", name, cc, g.width, g.height,
				 p->source_name ? p->source_name : "?");
			return -EOPNOTSUPP;
		}
	}
	ret = dhb_v4l2_streamon(c->fd, c->q, &p->retries);
	if (ret) {
		capture_stop(s);
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_STREAMON", name);
	}
	c->streaming = true;
	return 0;
}

static int capture_queue(struct dhb_stage *s, struct dhb_frame *f)
{
	struct dhb_pipe *p = s->pipe;
	int ret = qbuf(p, cap_of(s), f);

	return ret ? dhb_pipe_fail(p, ret, "%s: VIDIOC_QBUF %u", p->cfg->source->name, f->index)
		   : 0;
}

static int capture_dequeue(struct dhb_stage *s, struct dhb_frame **out)
{
	struct dhb_pipe *p = s->pipe;
	struct capture *c = cap_of(s);
	const char *name = p->cfg->source->name;
	struct dhb_v4l2_done done;
	struct dhb_frame *f;
	int ret;

	for (;;) {
		ret = dhb_pipe_wait(p, c->fd, POLLIN, 0, NULL);
		if (ret == -ETIMEDOUT)
			return dhb_pipe_fail(p, ret, "%s: no frame came (poll, %u buffers queued)",
					     name, c->n);
		if (ret)
			return ret == -EINTR ? ret : dhb_pipe_fail(p, ret, "%s: poll", name);
		ret = dhb_v4l2_dqbuf_done(c->fd, c->q, &done, &p->retries);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			return dhb_pipe_fail(p, ret, "%s: VIDIOC_DQBUF", name);
		break;
	}
	if (done.index >= c->n)
		return dhb_pipe_fail(p, -EPROTO, "%s: VIDIOC_DQBUF gave buffer %u of %u", name,
				     done.index, c->n);
	f = &c->frames[done.index];
	f->t.dequeued = dhb_pipe_now();
	f->t.captured =
		(done.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC
			? done.timestamp_ns
			: 0;
	f->sequence = done.sequence;
	f->broken = done.flags & V4L2_BUF_FLAG_ERROR;
	f->fence_fd = -1;
	if (!c->no_fences && !p->cfg->no_fences) {
		ret = dhb_fence_export(f->fd[0], DMA_BUF_SYNC_READ, &f->fence_fd, &p->retries);
		if (ret == -ENOTTY || ret == -EINVAL)
			c->no_fences = true; /* before 6.0: no EXPORT_SYNC_FILE, no fence */
		else if (ret)
			return dhb_pipe_fail(p, ret, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
	}
	*out = f;
	return 0;
}

static int capture_stop(struct dhb_stage *s)
{
	struct dhb_pipe *p = s->pipe;
	struct capture *c = cap_of(s);
	uint32_t none = 0;
	int ret = 0, r;

	if (!c)
		return 0;
	if (c->streaming || c->reqbufs) {
		/* Every queued buffer comes back; REQBUFS 0 drops vb2's attachments. */
		r = dhb_v4l2_streamoff(c->fd, c->q, &p->retries);
		if (r)
			ret = dhb_pipe_fail(p, r, "%s: VIDIOC_STREAMOFF", p->cfg->source->name);
		c->streaming = false;
	}
	if (c->reqbufs) {
		r = dhb_v4l2_reqbufs(c->fd, c->q, V4L2_MEMORY_DMABUF, &none, &p->retries);
		if (r && !ret)
			ret = dhb_pipe_fail(p, r, "%s: VIDIOC_REQBUFS 0", p->cfg->source->name);
		c->reqbufs = false;
	}
	c->frames = NULL;
	c->n = 0;
	return ret;
}

static void capture_fini(struct dhb_stage *s)
{
	struct capture *c = cap_of(s);

	if (!c)
		return;
	capture_stop(s);
	dhb_v4l2_close(c->fd);
	free(c);
	s->priv = NULL;
}

const struct dhb_stage_ops dhb_stage_capture = {
	.name = "capture",
	.latency_metric = "capture_latency",
	.node_holds_frames = true,
	.init = capture_init,
	.start = capture_start,
	.queue = capture_queue,
	.dequeue = capture_dequeue,
	.stop = capture_stop,
	.fini = capture_fini,
};
