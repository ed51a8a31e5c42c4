// SPDX-License-Identifier: MIT
// Making an FWHT stream: a capture node's frames (vivid's test pattern) through vicodec's encoder.
#include <errno.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "dhb/outfile.h"
#include "stage.h"

/*
 * No binary test asset lives in the repository: the decoder pipeline's stream is made here.
 * The capture node gives XBGR32 frames of the size asked for (exactly, like the pipeline's
 * capture stage), into MMAP buffers; each frame is copied into the encoder's OUTPUT buffer
 * (XBGR32, the same size: vicodec takes 640x360 to 4096x2160 in steps of 8) and the
 * compressed frame the encoder hands back on its CAPTURE queue (FWHT) is appended to the file,
 * one frame in flight at a time. The stream is 32-bit RGB, so the decoder gives XBGR32 back.
 * The CPU copies here by design; this is the test input, not a measured path. The file is
 * written whole (dhb/outfile.h): an error or a signal leaves no stream, and an old one as it
 * was.
 */
#define CAP_BUFS 4
#define ENC_BUFS 2

struct maker {
	const struct dhb_stream_config *c;
	struct dhb_pipe pipe; /* for its waits and messages */
	struct dhb_pipe_config cfg;
	struct dhb_device src;
	struct dhb_device enc;
	struct dhb_mmapq cap;
	struct dhb_mmapq raw;
	struct dhb_mmapq bits;
	uint32_t frame_bytes;
};

/* Open @d's node (non-blocking) from @from and find its queues: 0 or -errno. */
static int open_node(struct maker *m, struct dhb_device *d, const struct dhb_device *from)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->kind = DHB_DEV_V4L2;
	snprintf(d->name, sizeof(d->name), "%s", from->name);
	snprintf(d->path, sizeof(d->path), "%s", from->path);
	ret = dhb_v4l2_open(d->path, true, &d->fd);
	if (ret) {
		d->fd = -1;
		return dhb_pipe_fail(&m->pipe, ret, "%s: opening %s", d->name, d->path);
	}
	ret = dhb_v4l2_probe_node(d);
	return ret ? dhb_pipe_fail(&m->pipe, ret, "%s: VIDIOC_QUERYCAP", d->name) : 0;
}

static const struct dhb_v4l2_queue *queue_of(const struct dhb_device *d, bool capture)
{
	unsigned int i;

	for (i = 0; i < d->n_queues; i++) {
		if (!V4L2_TYPE_IS_CAPTURE(d->queues[i].type) == !capture)
			return &d->queues[i];
	}
	return NULL;
}

/* @q of @d set to @fourcc at exactly the stream's size: 0, -EINVAL (another size) or -errno. */
static int exact_format(struct maker *m, struct dhb_device *d, const struct dhb_v4l2_queue *q,
			uint32_t fourcc, uint32_t *sizeimage)
{
	struct dhb_geom want = {.width = m->c->width, .height = m->c->height, .fourcc = fourcc};
	struct dhb_geom g = {0};
	int ret;

	ret = dhb_v4l2_cover_format(d->fd, q, 0, &want, &g, sizeimage, &m->pipe.retries);
	if (ret == -ERANGE) {
		snprintf(m->pipe.err, sizeof(m->pipe.err),
			 "%s gives %ux%u when asked for %ux%u %.4s", d->name, g.width, g.height,
			 want.width, want.height, (const char *)&want.fourcc);
		return -EINVAL;
	}
	if (ret == -ENOENT) {
		snprintf(m->pipe.err, sizeof(m->pipe.err), "%s offers no %.4s frames", d->name,
			 (const char *)&want.fourcc);
		return -EINVAL;
	}
	return ret ? dhb_pipe_fail(&m->pipe, ret, "%s: VIDIOC_S_FMT %.4s %ux%u", d->name,
				   (const char *)&want.fourcc, want.width, want.height)
		   : 0;
}

/* The capture node streaming into its MMAP buffers, and the encoder ready. */
static int setup(struct maker *m)
{
	struct dhb_pipe *p = &m->pipe;
	const struct dhb_v4l2_queue *raw_q, *bits_q;
	uint32_t si;
	unsigned int i;
	int ret;

	ret = open_node(m, &m->src, m->c->source);
	if (!ret)
		ret = open_node(m, &m->enc, m->c->encoder);
	if (ret)
		return ret;
	m->cap = (struct dhb_mmapq){.fd = m->src.fd, .q = queue_of(&m->src, true)};
	raw_q = queue_of(&m->enc, false);
	bits_q = queue_of(&m->enc, true);
	if (!m->cap.q || !raw_q || !bits_q)
		return dhb_pipe_fail(p, -EOPNOTSUPP, "%s or %s lacks a queue", m->src.name,
				     m->enc.name);
	ret = exact_format(m, &m->src, m->cap.q, V4L2_PIX_FMT_XBGR32, &m->frame_bytes);
	if (!ret)
		ret = exact_format(m, &m->enc, raw_q, V4L2_PIX_FMT_XBGR32, &si);
	if (!ret && si < m->frame_bytes)
		ret = dhb_pipe_fail(p, -ERANGE, "%s takes frames of %u bytes, %s gives %u",
				    m->enc.name, si, m->src.name, m->frame_bytes);
	if (!ret)
		ret = exact_format(m, &m->enc, bits_q, V4L2_PIX_FMT_FWHT, &si);
	if (ret)
		return ret;
	m->raw = (struct dhb_mmapq){.fd = m->enc.fd, .q = raw_q};
	m->bits = (struct dhb_mmapq){.fd = m->enc.fd, .q = bits_q};
	ret = dhb_mmapq_alloc(&m->cap, CAP_BUFS, &p->retries);
	if (!ret)
		ret = dhb_mmapq_alloc(&m->raw, ENC_BUFS, &p->retries);
	if (!ret)
		ret = dhb_mmapq_alloc(&m->bits, ENC_BUFS, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "MMAP buffers (REQBUFS, QUERYBUF, mmap)");
	for (i = 0; i < m->cap.n && !ret; i++)
		ret = dhb_mmapq_qbuf(&m->cap, i, 0, 0, &p->retries);
	for (i = 0; i < m->bits.n && !ret; i++)
		ret = dhb_mmapq_qbuf(&m->bits, i, 0, 0, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "VIDIOC_QBUF");
	ret = dhb_v4l2_streamon(m->src.fd, m->cap.q, &p->retries);
	m->cap.streaming = !ret;
	if (!ret)
		ret = dhb_v4l2_streamon(m->enc.fd, raw_q, &p->retries);
	m->raw.streaming = !ret;
	if (!ret)
		ret = dhb_v4l2_streamon(m->enc.fd, bits_q, &p->retries);
	m->bits.streaming = !ret;
	return ret ? dhb_pipe_fail(p, ret, "VIDIOC_STREAMON") : 0;
}

/* Wait for a buffer of @q (POLLIN for a capture queue, POLLOUT for an output one). */
static int take(struct maker *m, struct dhb_mmapq *q, short events, unsigned int *i,
		uint32_t *bytes)
{
	int ret;

	for (;;) {
		ret = dhb_mmapq_dqbuf(q, i, bytes, NULL);
		if (ret != -EAGAIN)
			return ret;
		ret = dhb_pipe_wait(&m->pipe, q->fd, events, 0, NULL);
		if (ret)
			return ret;
	}
}

/* One frame: captured, copied in, encoded, appended to @fp. */
static int one_frame(struct maker *m, FILE *fp, unsigned int k, uint64_t *bytes)
{
	struct dhb_pipe *p = &m->pipe;
	unsigned int ci, ri = k % m->raw.n, bi;
	uint32_t used;
	int ret;

	if (k >= m->raw.n) {
		ret = take(m, &m->raw, POLLOUT, &ri, NULL);
		if (ret)
			return ret == -EINTR ? ret
					     : dhb_pipe_fail(p, ret, "%s: DQBUF", m->enc.name);
	}
	ret = take(m, &m->cap, POLLIN, &ci, &used);
	if (ret)
		return ret == -EINTR ? ret : dhb_pipe_fail(p, ret, "%s: DQBUF", m->src.name);
	memcpy(m->raw.addr[ri], m->cap.addr[ci], m->frame_bytes);
	ret = dhb_mmapq_qbuf(&m->raw, ri, m->frame_bytes, 0, &p->retries);
	if (!ret)
		ret = dhb_mmapq_qbuf(&m->cap, ci, 0, 0, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "VIDIOC_QBUF");
	ret = take(m, &m->bits, POLLIN, &bi, &used);
	if (ret)
		return ret == -EINTR ? ret : dhb_pipe_fail(p, ret, "%s: DQBUF", m->enc.name);
	if (used > m->bits.len[bi] || fwrite(m->bits.addr[bi], 1, used, fp) != used)
		return dhb_pipe_fail(p, -EIO, "writing %s", m->c->path);
	*bytes += used;
	ret = dhb_mmapq_qbuf(&m->bits, bi, 0, 0, &p->retries);
	return ret ? dhb_pipe_fail(p, ret, "VIDIOC_QBUF") : 0;
}

int dhb_stream_make(const struct dhb_stream_config *c, uint64_t *bytes, char *err, size_t errlen)
{
	struct maker m = {.c = c};
	struct dhb_outfile of;
	unsigned int k;
	int ret, r, r2;

	*bytes = 0;
	m.src.fd = m.enc.fd = -1;
	m.cfg.timeout_ms = DHB_PIPE_TIMEOUT_MS;
	m.pipe.cfg = &m.cfg;
	m.pipe.stop = c->stop;
	ret = setup(&m);
	if (!ret) {
		ret = dhb_outfile_open(&of, c->path, false);
		if (ret)
			dhb_pipe_fail(&m.pipe, ret, "%s", c->path);
	}
	if (!ret) {
		/* the flag too: when frames come faster than they are encoded, no wait sees it */
		for (k = 0; k < c->frames && !ret; k++)
			ret = c->stop && *c->stop ? -EINTR : one_frame(&m, of.fp, k, bytes);
		if (ret)
			dhb_outfile_abort(&of);
		else if ((ret = dhb_outfile_commit(&of)))
			dhb_pipe_fail(&m.pipe, ret, "writing %s", c->path);
	}
	r = dhb_mmapq_free(&m.bits, &m.pipe.retries);
	r2 = dhb_mmapq_free(&m.raw, &m.pipe.retries);
	r = r ? r : r2;
	r2 = dhb_mmapq_free(&m.cap, &m.pipe.retries);
	r = r ? r : r2;
	if (r && !ret)
		ret = dhb_pipe_fail(&m.pipe, r, "releasing the buffers (STREAMOFF, REQBUFS 0)");
	dhb_v4l2_close(m.src.fd);
	dhb_v4l2_close(m.enc.fd);
	snprintf(err, errlen, "%s", m.pipe.err);
	return ret;
}
