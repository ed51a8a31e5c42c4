// SPDX-License-Identifier: MIT
// The import test on V4L2 nodes: QBUF of dma-bufs (V4L2_MEMORY_DMABUF), same buffer vs rotating.
#include <errno.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/*
 * Each queue of the node that takes V4L2_MEMORY_DMABUF is opened on a descriptor of its own
 * (the probe's stays for discovery), given the largest format whose frame fits the buffer
 * (dhb_v4l2_fit_format()) and two DMABUF buffer slots (REQBUFS). A trial QBUF of the first
 * buffer at index 0 comes first: the exporter refusing the device (no vmap for a vb2-vmalloc
 * driver, pages not contiguous for a vb2-dma-contig one) is a skip with the step and errno.
 *
 * vb2 keeps a slot's attachment and mapping while the same dma-buf comes back to it with the
 * same length (__prepare_dmabuf() in videobuf2-core.c), and detaches, attaches and maps again
 * otherwise. So an iteration queues twice per queue:
 *   mode=same:   buffer 0 at index 0, every time: QBUF finds the attachment it had;
 *   mode=rotate: buffers 1 and 0 in turn at index 1: every QBUF detaches the one there and
 *                attaches and maps the other (index 1, so that "same" at index 0 never sees
 *                another buffer).
 * and takes each buffer back before the next QBUF:
 *   - a node that runs by itself (capture or output, not m2m: vivid) streams from setup on, at
 *     the fastest frame interval it offers (VIDIOC_S_PARM); dqbuf_latency is poll() + DQBUF and
 *     so includes the wait for the device's next frame (up to one frame interval). An output
 *     queue is kept one buffer ahead (index 1 is queued before STREAMON): output drivers keep
 *     showing their last buffer until another comes (vivid returns one only while another is
 *     pending), so the DQBUF after a QBUF at one index returns the other;
 *   - a memory-to-memory node (vim2m, vicodec) is never fed, so it would never hand a buffer
 *     back: VIDIOC_STREAMOFF takes it back instead (streamoff_latency), the queue never streams.
 * Rows: qbuf_latency and dqbuf_latency (or streamoff_latency on m2m nodes), each with params
 * queue=capture|output;mode=same|rotate. A queue that refuses while another of the node imports
 * has no rows; when every queue refuses, the (source, device, size) is a skip with the reasons.
 */

#define DQBUF_TIMEOUT_MS 2000

enum { MODE_SAME, MODE_ROTATE, N_MODES };

static const char *const mode_names[N_MODES] = {"same", "rotate"};

/**
 * struct vq - one queue of the node under test.
 * @q: the queue (from the device).
 * @fd: its own descriptor of the node, or -1.
 * @streaming: STREAMON done (nodes that run by themselves).
 * @length: QBUF length: the buffers' size.
 * @bytesused: what an output buffer carries: the frame (sizeimage).
 * @next: the buffer queued next at index 1 (rotation).
 * @ahead: one buffer is kept queued ahead (streaming output queues): DQBUF returns the other
 *         index than the one just queued.
 * @qbuf: metric per mode: qbuf_latency.
 * @back: metric per mode: dqbuf_latency, or streamoff_latency on m2m nodes.
 */
struct vq {
	const struct dhb_v4l2_queue *q;
	int fd;
	bool streaming;
	uint32_t length;
	uint32_t bytesused;
	unsigned int next;
	bool ahead;
	int qbuf[N_MODES];
	int back[N_MODES];
};

struct v4l2_state {
	struct dhb_buf buf[DHB_IMPORT_BUFFERS];
	struct vq vq[DHB_DEV_MAX_QUEUES];
	size_t n;
};

static int outcome(struct dhb_import_trial *t, int err, const char *step)
{
	t->err = err;
	t->step = step;
	return 0;
}

/* REQBUFS 0 (every buffer detached) and close; safe on a closed queue. */
static void vq_release(struct dhb_device *dev, struct vq *v)
{
	uint32_t count = 0;

	if (v->fd < 0)
		return;
	/* Also when it never streamed: a buffer queued ahead comes back. */
	dhb_v4l2_streamoff(v->fd, v->q, &dev->ioctl_retries);
	v->streaming = false;
	dhb_v4l2_reqbufs(v->fd, v->q, V4L2_MEMORY_DMABUF, &count, &dev->ioctl_retries);
	dhb_v4l2_close(v->fd);
	v->fd = -1;
}

/* No frame fits: say what the smallest one is, from the format that covers a byte. */
static void no_fit(struct dhb_device *dev, struct vq *v, uint64_t size, struct dhb_import_trial *t)
{
	struct dhb_geom g;
	uint32_t si;
	char cc[5];

	if (dhb_v4l2_cover_format(v->fd, v->q, 1, NULL, &g, &si, &dev->ioctl_retries))
		snprintf(t->detail, sizeof(t->detail), "%s: no frame format fits %llu bytes",
			 v->q->name, (unsigned long long)size);
	else {
		dhb_fourcc_text(g.fourcc, cc);
		snprintf(t->detail, sizeof(t->detail),
			 "%s: no frame fits %llu bytes; the smallest is %s %ux%u, %u bytes",
			 v->q->name, (unsigned long long)size, cc, g.width, g.height, si);
	}
}

/*
 * Open @q of @dev for the @n buffers @buf (all of one size): format, two DMABUF slots, a trial
 * QBUF of each at its own index, then STREAMOFF to take them back (vb2 keeps the attachments).
 * Every buffer is tried because a device can take one and refuse another: the system heap's
 * buffers are contiguous or not by chance, which a dma-contig queue checks at QBUF.
 * Return: -errno when the trial could not be made; 0 with @t->err 0 when @v is ready; 0 with
 * @t->err set when the device refused (@v is released then).
 */
static int vq_prepare(struct dhb_device *dev, const struct dhb_v4l2_queue *q, struct dhb_buf *buf,
		      unsigned int n, struct vq *v, struct dhb_import_trial *t)
{
	uint32_t si, count = DHB_IMPORT_BUFFERS;
	struct dhb_geom g;
	char cc[5];
	unsigned int i;
	int ret;

	memset(t, 0, sizeof(*t));
	memset(v, 0, sizeof(*v));
	v->q = q;
	v->fd = -1;
	if (buf->size > UINT32_MAX)
		return -EOVERFLOW;
	v->length = (uint32_t)buf->size;
	ret = dhb_v4l2_open(dev->path, true, &v->fd);
	if (ret)
		return ret;
	ret = dhb_v4l2_fit_format(v->fd, q, buf->size, &g, &si, &dev->ioctl_retries);
	if (ret == -ERANGE) {
		no_fit(dev, v, buf->size, t);
		outcome(t, ret, "VIDIOC_S_FMT");
		goto out_close;
	}
	if (ret) {
		snprintf(t->detail, sizeof(t->detail), "%s: no format to set", q->name);
		outcome(t, ret, "VIDIOC_S_FMT");
		goto out_close;
	}
	v->bytesused = si;
	dhb_fourcc_text(g.fourcc, cc);
	snprintf(t->detail, sizeof(t->detail), "%s %s %ux%u", q->name, cc, g.width, g.height);
	ret = dhb_v4l2_reqbufs(v->fd, q, V4L2_MEMORY_DMABUF, &count, &dev->ioctl_retries);
	if (ret || count < DHB_IMPORT_BUFFERS) {
		outcome(t, ret ? ret : -ENOBUFS, "VIDIOC_REQBUFS");
		goto out_release;
	}
	for (i = 0; i < n; i++) {
		ret = dhb_v4l2_qbuf_dmabuf(v->fd, q, i, buf[i].fd, v->length, v->bytesused,
					   &dev->ioctl_retries);
		if (ret) {
			outcome(t, ret, "VIDIOC_QBUF");
			goto out_release;
		}
	}
	ret = dhb_v4l2_streamoff(v->fd, q, &dev->ioctl_retries);
	if (ret) {
		outcome(t, ret, "VIDIOC_STREAMOFF");
		goto out_release;
	}
	return 0;
out_release:
	vq_release(dev, v);
	return 0;
out_close:
	dhb_v4l2_close(v->fd);
	v->fd = -1;
	return 0;
}

int dhb_import_v4l2_try(struct dhb_device *dev, const struct dhb_v4l2_queue *q, struct dhb_buf *buf,
			struct dhb_import_trial *t)
{
	struct vq v;
	int ret;

	ret = vq_prepare(dev, q, buf, 1, &v, t);
	if (ret)
		return ret;
	vq_release(dev, &v);
	return 0;
}

static const char *v4l2_supported(const struct dhb_instance *inst, const struct dhb_device *dev,
				  uint64_t size, char *buf, size_t len)
{
	(void)inst;
	if (size > UINT32_MAX) {
		snprintf(buf, len, "V4L2 buffers are at most 4G (a 32-bit length)");
		return buf;
	}
	(void)dev;
	return NULL;
}

/* The fastest frame interval the node offers (drivers clamp 1/1000 s); best effort. */
static void fastest_interval(struct dhb_device *dev, struct vq *v)
{
	struct v4l2_streamparm p = {.type = v->q->type};

	if (V4L2_TYPE_IS_CAPTURE(v->q->type)) {
		p.parm.capture.timeperframe.numerator = 1;
		p.parm.capture.timeperframe.denominator = 1000;
	} else {
		p.parm.output.timeperframe.numerator = 1;
		p.parm.output.timeperframe.denominator = 1000;
	}
	dhb_v4l2_ioctl(v->fd, VIDIOC_S_PARM, &p, &dev->ioctl_retries);
}

/* Metrics of @v: qbuf_latency and the way the buffer comes back, per mode. */
static int vq_metrics(struct dhb_ctx *ctx, struct vq *v, bool m2m)
{
	char params[64];
	int i;

	for (i = 0; i < N_MODES; i++) {
		snprintf(params, sizeof(params), "queue=%s;mode=%s", v->q->name, mode_names[i]);
		v->qbuf[i] = dhb_ctx_metric(ctx, "qbuf_latency", DHB_METRIC_NS, NULL, params);
		v->back[i] = dhb_ctx_metric(ctx, m2m ? "streamoff_latency" : "dqbuf_latency",
					    DHB_METRIC_NS, NULL, params);
		if (v->qbuf[i] < 0 || v->back[i] < 0)
			return -ENOSPC;
	}
	return 0;
}

/* Add one queue's reason (@t) to ctx->reason, for the skip when no queue imports. */
/* Open every queue of the device that takes DMABUF; -EOPNOTSUPP when each refused. */
static int open_queues(struct dhb_ctx *ctx, struct v4l2_state *s)
{
	struct dhb_device *dev = ctx->dev;
	bool m2m = dev->caps & DHB_DEVCAP_M2M;
	struct dhb_import_trial t;
	struct vq *v;
	unsigned int i;
	int ret;

	for (i = 0; i < dev->n_queues; i++) {
		if (!(dev->queues[i].mem & V4L2_BUF_CAP_SUPPORTS_DMABUF))
			continue;
		v = &s->vq[s->n];
		ret = vq_prepare(dev, &dev->queues[i], s->buf, DHB_IMPORT_BUFFERS, v, &t);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "opening the node");
		if (t.err) {
			dhb_import_refused(ctx, &t);
			continue;
		}
		s->n++;
		v->next = 1;
		if (vq_metrics(ctx, v, m2m))
			return dhb_ctx_fail(ctx, -ENOSPC, "declaring metrics");
		if (m2m)
			continue;
		fastest_interval(dev, v);
		if (!V4L2_TYPE_IS_CAPTURE(v->q->type)) {
			ret = dhb_v4l2_qbuf_dmabuf(v->fd, v->q, 1, s->buf[1].fd, v->length,
						   v->bytesused, &dev->ioctl_retries);
			if (ret)
				return dhb_ctx_fail(ctx, ret, "VIDIOC_QBUF (index 1, ahead)");
			v->ahead = true;
			v->next = 0;
		}
		ret = dhb_v4l2_streamon(v->fd, v->q, &dev->ioctl_retries);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "VIDIOC_STREAMON");
		v->streaming = true;
	}
	if (!s->n)
		return *ctx->reason ? -EOPNOTSUPP : dhb_ctx_fail(ctx, -EOPNOTSUPP, "no queue");
	ctx->reason[0] = '\0';
	return 0;
}

static void v4l2_release(struct dhb_ctx *ctx, struct v4l2_state *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		vq_release(ctx->dev, &s->vq[i]);
	for (i = 0; i < DHB_IMPORT_BUFFERS; i++)
		dhb_buf_release(&s->buf[i]);
	free(s);
}

static int v4l2_setup(struct dhb_ctx *ctx)
{
	struct dhb_instance *inst = ctx->inst;
	struct v4l2_state *s;
	size_t i;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	for (i = 0; i < DHB_DEV_MAX_QUEUES; i++)
		s->vq[i].fd = -1;
	for (i = 0; i < DHB_IMPORT_BUFFERS; i++)
		dhb_buf_init(&s->buf[i], inst);
	for (i = 0; i < DHB_IMPORT_BUFFERS; i++) {
		ret = inst->ops->alloc(inst, ctx->size, &s->buf[i]);
		if (ret) {
			dhb_ctx_fail(ctx, ret, "allocation");
			goto out_release;
		}
	}
	ret = open_queues(ctx, s);
	if (ret)
		goto out_release;
	ctx->state = s;
	return 0;
out_release:
	v4l2_release(ctx, s);
	return ret;
}

/* Wait for @v's buffer and dequeue it; it must be @index. */
static int dqbuf(struct dhb_ctx *ctx, struct vq *v, uint32_t index)
{
	struct pollfd p = {.fd = v->fd};
	uint32_t got;
	int ret;

	p.events = V4L2_TYPE_IS_CAPTURE(v->q->type) ? POLLIN : POLLOUT;
	ret = poll(&p, 1, DQBUF_TIMEOUT_MS);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	ret = dhb_v4l2_dqbuf_dmabuf(v->fd, v->q, &got, &ctx->dev->ioctl_retries);
	if (!ret && got != index)
		ret = -EPROTO;
	return ret;
}

/* One QBUF of buffer @b at @index, and the buffer taken back; both timed into @mode's metrics. */
static int cycle(struct dhb_ctx *ctx, struct v4l2_state *s, struct vq *v, int mode, unsigned int b,
		 uint32_t index)
{
	struct dhb_device *dev = ctx->dev;
	struct dhb_section q, back;
	int ret;

	dhb_section_begin(ctx, &q);
	ret = dhb_v4l2_qbuf_dmabuf(v->fd, v->q, index, s->buf[b].fd, v->length, v->bytesused,
				   &dev->ioctl_retries);
	dhb_section_end(ctx, &q);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "VIDIOC_QBUF");
	dhb_section_begin(ctx, &back);
	ret = v->streaming ? dqbuf(ctx, v, v->ahead ? index ^ 1 : index)
			   : dhb_v4l2_streamoff(v->fd, v->q, &dev->ioctl_retries);
	dhb_section_end(ctx, &back);
	if (ret == -EINTR && *ctx->stop)
		return ret;
	if (ret)
		return dhb_ctx_fail(ctx, ret,
				    v->streaming ? "VIDIOC_DQBUF (poll, 2 s)" : "VIDIOC_STREAMOFF");
	ret = dhb_section_record(ctx, v->qbuf[mode], &q);
	if (!ret)
		ret = dhb_section_record(ctx, v->back[mode], &back);
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static int v4l2_run_once(struct dhb_ctx *ctx)
{
	struct v4l2_state *s = ctx->state;
	struct vq *v;
	size_t i;
	int ret;

	for (i = 0; i < s->n; i++) {
		v = &s->vq[i];
		ret = cycle(ctx, s, v, MODE_SAME, 0, 0);
		if (ret)
			return ret;
		ret = cycle(ctx, s, v, MODE_ROTATE, v->next, 1);
		if (ret)
			return ret;
		v->next = (v->next + 1) % DHB_IMPORT_BUFFERS;
	}
	return 0;
}

static void v4l2_teardown(struct dhb_ctx *ctx)
{
	if (ctx->state)
		v4l2_release(ctx, ctx->state);
	ctx->state = NULL;
}

const struct dhb_import_half dhb_import_v4l2 = {
	.supported = v4l2_supported,
	.setup = v4l2_setup,
	.run_once = v4l2_run_once,
	.teardown = v4l2_teardown,
};
