// SPDX-License-Identifier: MIT
// The decoder source stage: a V4L2 stateful decoder (vicodec) decoding an FWHT stream into the
// pool's dma-bufs.
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhb/compat.h"
#include "dhb/sync_file.h"
#include "stage.h"

/*
 * The V4L2 stateful decoder interface (Documentation/userspace-api/media/v4l/dev-decoder.rst),
 * as vicodec implements it. init maps the stream file and reads its frames (fwht.c): a stream
 * that is not FWHT, cut short, damaged or of several sizes is refused there, and one that is
 * not 32-bit RGB too (vicodec converts no YUV to RGB, and vkms shows no YUV); its size must be
 * a mode of the display. start follows the spec's initialization: the OUTPUT (bitstream) queue
 * set to FWHT at the stream's size with MMAP buffers, the source-change event subscribed, OUTPUT
 * streamed on and fed; on the event the CAPTURE format is read (G_FMT: the stream's size), set
 * to the V4L2 format of the display's (format.c: XBGR32, the same bytes as DRM's XRGB8888, unless
 * --format says; the stream is 32-bit RGB, so a 32-bit RGB one), the pool's buffers queued as
 * V4L2_MEMORY_DMABUF buffers, and CAPTURE streamed on. Each bitstream buffer carries one frame
 * with the CLOCK_MONOTONIC time it was queued as its timestamp, which the decoder copies to the
 * frame it decodes (V4L2_BUF_FLAG_TIMESTAMP_COPY): a frame's QBUF time and birth are its
 * bitstream's, so decode_latency and end_to_end_latency start when the compressed frame went
 * in. The stream is fed again from its first frame (an I frame) when it ends. The driver copies
 * the bitstream (the OUTPUT side is never zero-copy); the decoded frames go straight into the
 * dma-bufs. The node's mappings are bitstream buffers, not frame buffers, so they are not among
 * what cpu_frame_bytes counts.
 */

/* Bitstream buffers: frames fed ahead. */
#define OUT_BUFS 4

struct decoder {
	int fd;
	struct dhb_device dev;
	const struct dhb_v4l2_queue *cap;
	const struct dhb_v4l2_queue *out;
	int file_fd;
	const uint8_t *data;
	size_t size;
	struct dhb_fwht_stream st;
	struct dhb_mmapq bits;
	size_t next;
	bool subscribed;
	struct dhb_frame *frames;
	unsigned int n;
	bool cap_reqbufs;
	bool cap_streaming;
	bool no_fences;
	uint64_t decoded;
};

static struct decoder *dec_of(struct dhb_stage *s)
{
	return s->priv;
}

static bool is_mplane(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE ||
	       type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

/* Map the stream file and read its frames; an unusable stream is -EINVAL with why. */
static int read_stream(struct dhb_pipe *p, struct decoder *d)
{
	const char *path = p->cfg->stream;
	char why[160];
	struct stat st;
	void *m;
	int ret;

	d->file_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->file_fd < 0)
		return dhb_pipe_fail(p, -errno, "%s: open", path);
	if (fstat(d->file_fd, &st))
		return dhb_pipe_fail(p, -errno, "%s: fstat", path);
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		snprintf(p->err, sizeof(p->err), "%s: %s", path,
			 S_ISREG(st.st_mode) ? "an empty stream" : "not a regular file");
		return -EINVAL;
	}
	/*
	 * Read in now (MAP_POPULATE), not by the frames' first memcpy: in the lab (the stream on
	 * 9p) the first source's decode ran at 0.975-0.985x the fps of the sources after it.
	 */
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, d->file_fd, 0);
	if (m == MAP_FAILED)
		return dhb_pipe_fail(p, -errno, "%s: mmap", path);
	d->data = m;
	d->size = (size_t)st.st_size;
	ret = dhb_fwht_scan(d->data, d->size, &d->st, why, sizeof(why));
	if (ret == -EINVAL)
		snprintf(p->err, sizeof(p->err), "%s: %s", path, why);
	else if (ret)
		return dhb_pipe_fail(p, ret, "%s: reading its frames", path);
	if (ret || (d->st.pixenc == V4L2_FWHT_FL_PIXENC_RGB && d->st.components == 4))
		return ret;
	snprintf(p->err, sizeof(p->err),
		 "%s: not 32-bit RGB (%u components, %s): the decoder converts no YUV to RGB, the "
		 "display shows no YUV; --make-stream makes one",
		 path, d->st.components,
		 d->st.pixenc == V4L2_FWHT_FL_PIXENC_RGB ? "RGB" : "YUV or HSV");
	return -EINVAL;
}

/* The frame: the stream's size, which must be a mode of the display. */
static int choose_frame(struct dhb_pipe *p, struct decoder *d)
{
	const struct dhb_pipe_config *cfg = p->cfg;
	uint32_t w = d->st.width, h = d->st.height;
	size_t idx[DHB_PIPE_MAX_MODES];

	if (cfg->width && (cfg->width != w || cfg->height != h)) {
		snprintf(p->err, sizeof(p->err), "--size %ux%u: the stream %s is %ux%u", cfg->width,
			 cfg->height, cfg->stream, w, h);
		return -EINVAL;
	}
	if (!dhb_pipe_candidates(p->modes, p->n_modes, w, h, idx)) {
		snprintf(p->err, sizeof(p->err), "the stream %s is %ux%u; %s has no such mode",
			 cfg->stream, w, h, cfg->display->name);
		return -EINVAL;
	}
	if (p->pf->bpp != 32 || p->pf->yuv) {
		char cc[5];

		dhb_fourcc_text(p->pf->drm, cc);
		snprintf(p->err, sizeof(p->err),
			 "--format %s: the stream %s is 32-bit RGB, which the decoder gives in "
			 "32-bit "
			 "RGB formats only (XR24, AR24, XB24, AB24)",
			 cc, cfg->stream);
		return -EINVAL;
	}
	p->fmt.geom = (struct dhb_geom){w, h, 32, w * 4, p->pf->drm};
	p->fmt.size = (uint64_t)w * h * 4;
	p->fmt.mode = p->modes[idx[0]];
	return 0;
}

static int decoder_init(struct dhb_stage *s)
{
	struct dhb_pipe *p = s->pipe;
	const struct dhb_device *src = p->cfg->source;
	struct decoder *d;
	unsigned int i;
	int ret;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	s->priv = d;
	d->file_fd = -1;
	d->fd = -1;
	ret = read_stream(p, d);
	if (!ret)
		ret = choose_frame(p, d);
	if (ret)
		return ret;
	d->dev.kind = DHB_DEV_V4L2;
	snprintf(d->dev.name, sizeof(d->dev.name), "%s", src->name);
	snprintf(d->dev.path, sizeof(d->dev.path), "%s", src->path);
	ret = dhb_v4l2_open(d->dev.path, true, &d->fd);
	if (ret) {
		d->fd = -1;
		return dhb_pipe_fail(p, ret, "%s: opening %s", src->name, src->path);
	}
	d->dev.fd = d->fd;
	ret = dhb_v4l2_probe_node(&d->dev);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_QUERYCAP", src->name);
	for (i = 0; i < d->dev.n_queues; i++) {
		if (V4L2_TYPE_IS_CAPTURE(d->dev.queues[i].type))
			d->cap = &d->dev.queues[i];
		else
			d->out = &d->dev.queues[i];
	}
	if (!(d->dev.caps & DHB_DEVCAP_M2M) || !d->cap || !d->out ||
	    !dhb_v4l2_offers(d->fd, d->out, V4L2_PIX_FMT_FWHT, &p->retries)) {
		snprintf(p->err, sizeof(p->err), "%s is not a stateful FWHT decoder", src->name);
		return -EOPNOTSUPP;
	}
	if (!(d->cap->mem & V4L2_BUF_CAP_SUPPORTS_DMABUF)) {
		snprintf(p->err, sizeof(p->err),
			 "%s: its capture queue takes no DMABUF buffers "
			 "(V4L2_BUF_CAP_SUPPORTS_DMABUF)",
			 src->name);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Queue bitstream buffer @i with the stream's next frame, stamped now; the stream loops. */
static int feed(struct dhb_pipe *p, struct decoder *d, unsigned int i)
{
	size_t len = d->st.len[d->next];
	int ret;

	if (len > d->bits.len[i])
		return dhb_pipe_fail(p, -E2BIG, "frame %zu of %zu bytes, bitstream buffers of %zu",
				     d->next, len, d->bits.len[i]);
	memcpy(d->bits.addr[i], d->data + d->st.off[d->next], len);
	ret = dhb_mmapq_qbuf(&d->bits, i, (uint32_t)len, dhb_pipe_now(), &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_QBUF OUTPUT", p->cfg->source->name);
	d->next = (d->next + 1) % d->st.n;
	return 0;
}

/* OUTPUT: FWHT at the stream's size, MMAP buffers mapped for the bitstream. */
static int setup_output(struct dhb_pipe *p, struct decoder *d)
{
	const char *name = p->cfg->source->name;
	struct v4l2_format f = {.type = d->out->type};
	int ret;

	if (is_mplane(f.type)) {
		f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_FWHT;
		f.fmt.pix_mp.width = d->st.width;
		f.fmt.pix_mp.height = d->st.height;
		f.fmt.pix_mp.num_planes = 1;
	} else {
		f.fmt.pix.pixelformat = V4L2_PIX_FMT_FWHT;
		f.fmt.pix.width = d->st.width;
		f.fmt.pix.height = d->st.height;
	}
	ret = dhb_v4l2_ioctl(d->fd, VIDIOC_S_FMT, &f, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_S_FMT OUTPUT FWHT %ux%u", name,
				     d->st.width, d->st.height);
	d->bits = (struct dhb_mmapq){.fd = d->fd, .q = d->out};
	ret = dhb_mmapq_alloc(&d->bits, OUT_BUFS, &p->retries);
	return ret ? dhb_pipe_fail(p, ret, "%s: bitstream buffers (REQBUFS, QUERYBUF, mmap)", name)
		   : 0;
}

/* Feed until the decoder says what it found (V4L2_EVENT_SOURCE_CHANGE): the capture format. */
static int wait_source_change(struct dhb_pipe *p, struct decoder *d)
{
	const char *name = p->cfg->source->name;
	struct v4l2_event_subscription sub = {.type = V4L2_EVENT_SOURCE_CHANGE};
	struct v4l2_event ev;
	unsigned int i;
	int ret;

	ret = dhb_v4l2_ioctl(d->fd, VIDIOC_SUBSCRIBE_EVENT, &sub, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_SUBSCRIBE_EVENT SOURCE_CHANGE", name);
	d->subscribed = true;
	ret = dhb_v4l2_streamon(d->fd, d->out, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_STREAMON OUTPUT", name);
	d->bits.streaming = true;
	for (i = 0; i < d->bits.n; i++) {
		ret = feed(p, d, i);
		if (ret)
			return ret;
	}
	for (;;) {
		ret = dhb_pipe_wait(p, d->fd, POLLPRI, 0, NULL);
		if (ret == -ETIMEDOUT)
			return dhb_pipe_fail(p, ret, "%s: no source change event for the stream",
					     name);
		if (ret)
			return ret == -EINTR ? ret : dhb_pipe_fail(p, ret, "%s: poll", name);
		memset(&ev, 0, sizeof(ev));
		ret = dhb_v4l2_ioctl(d->fd, VIDIOC_DQEVENT, &ev, &p->retries);
		if (ret)
			return dhb_pipe_fail(p, ret, "%s: VIDIOC_DQEVENT", name);
		if (ev.type == V4L2_EVENT_SOURCE_CHANGE)
			return 0;
	}
}

/* CAPTURE: the decoder's format read, set to the frame's, the pool queued as DMABUF buffers. */
static int setup_capture(struct dhb_pipe *p, struct decoder *d)
{
	const char *name = p->cfg->source->name;
	struct v4l2_format f = {.type = d->cap->type};
	struct dhb_geom want = {.width = d->st.width,
				.height = d->st.height,
				.fourcc = p->pf->v4l2},
			g = {0};
	uint32_t count = d->n, si = 0, w, h;
	unsigned int i;
	char cc[5];
	int ret;

	ret = dhb_v4l2_ioctl(d->fd, VIDIOC_G_FMT, &f, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_G_FMT CAPTURE", name);
	w = is_mplane(f.type) ? f.fmt.pix_mp.width : f.fmt.pix.width;
	h = is_mplane(f.type) ? f.fmt.pix_mp.height : f.fmt.pix.height;
	if (w != d->st.width || h != d->st.height)
		return dhb_pipe_fail(p, -EPROTO, "%s: decodes %ux%u, the stream says %ux%u", name,
				     w, h, d->st.width, d->st.height);
	ret = dhb_v4l2_cover_format(d->fd, d->cap, 0, &want, &g, &si, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_S_FMT CAPTURE %s %ux%u", name,
				     p->pf->v4l2_name, w, h);
	if (si > d->frames[0].length || g.pitch != p->fmt.geom.pitch)
		return dhb_pipe_fail(p, -ERANGE, "%s: frames of %u bytes, %u a line", name, si,
				     g.pitch);
	ret = dhb_v4l2_reqbufs(d->fd, d->cap, V4L2_MEMORY_DMABUF, &count, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_REQBUFS CAPTURE DMABUF", name);
	d->cap_reqbufs = true;
	if (count < d->n)
		return dhb_pipe_fail(p, -ENOMEM, "%s: VIDIOC_REQBUFS gave %u of %u", name, count,
				     d->n);
	for (i = 0; i < d->n; i++) {
		struct dhb_frame *fr = &d->frames[i];

		ret = dhb_v4l2_qbuf_dmabuf(d->fd, d->cap, i, fr->fd[0], (uint32_t)fr->length, 0,
					   &p->retries);
		if (ret) {
			dhb_pipe_fail(p, ret, "VIDIOC_QBUF");
			dhb_fourcc_text(p->pf->drm, cc);
			snprintf(p->err + strlen(p->err), sizeof(p->err) - strlen(p->err),
				 " [%s capture %s %ux%u from %s]", name, cc, w, h,
				 p->source_name ? p->source_name : "?");
			return ret == -ENODEV ? ret : -EOPNOTSUPP;
		}
		memset(&fr->t, 0, sizeof(fr->t));
		fr->t.queued = dhb_pipe_now();
	}
	ret = dhb_v4l2_streamon(d->fd, d->cap, &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_STREAMON CAPTURE", name);
	d->cap_streaming = true;
	return 0;
}

static int decoder_stop(struct dhb_stage *s);

static int decoder_start(struct dhb_stage *s, struct dhb_frame *frames, unsigned int n)
{
	struct dhb_pipe *p = s->pipe;
	struct decoder *d = dec_of(s);
	int ret;

	d->frames = frames;
	d->n = n;
	d->next = 0;
	d->decoded = 0;
	ret = setup_output(p, d);
	if (!ret)
		ret = wait_source_change(p, d);
	if (!ret)
		ret = setup_capture(p, d);
	if (ret) {
		char err[sizeof(p->err)];

		memcpy(err, p->err, sizeof(err));
		decoder_stop(s);
		memcpy(p->err, err, sizeof(err));
	}
	return ret;
}

static int decoder_queue(struct dhb_stage *s, struct dhb_frame *f)
{
	struct dhb_pipe *p = s->pipe;
	struct decoder *d = dec_of(s);
	int ret;

	ret = dhb_v4l2_qbuf_dmabuf(d->fd, d->cap, f->index, f->fd[0], (uint32_t)f->length, 0,
				   &p->retries);
	if (ret)
		return dhb_pipe_fail(p, ret, "%s: VIDIOC_QBUF CAPTURE %u", p->cfg->source->name,
				     f->index);
	memset(&f->t, 0, sizeof(f->t));
	f->t.queued = dhb_pipe_now();
	f->late = 0;
	f->broken = false;
	return 0;
}

/* A decoded frame into *@out, its times from its bitstream's, its fence exported. */
static int frame_done(struct dhb_pipe *p, struct decoder *d, const struct dhb_v4l2_done *done,
		      struct dhb_frame **out)
{
	struct dhb_frame *f;
	int ret;

	if (done->index >= d->n)
		return dhb_pipe_fail(p, -EPROTO, "%s: VIDIOC_DQBUF gave buffer %u of %u",
				     p->cfg->source->name, done->index, d->n);
	if (done->flags & V4L2_BUF_FLAG_LAST)
		return dhb_pipe_fail(p, -EPIPE, "%s: the decoder ended the stream (LAST)",
				     p->cfg->source->name);
	f = &d->frames[done->index];
	f->t.dequeued = dhb_pipe_now();
	if ((done->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_COPY &&
	    done->timestamp_ns && done->timestamp_ns <= f->t.dequeued)
		f->t.queued = f->t.captured = done->timestamp_ns;
	f->sequence = done->sequence;
	f->pos = d->decoded++;
	f->broken = done->flags & V4L2_BUF_FLAG_ERROR;
	f->fence_fd = -1;
	if (!d->no_fences && !p->cfg->no_fences) {
		ret = dhb_fence_export(f->fd[0], DMA_BUF_SYNC_READ, &f->fence_fd, &p->retries);
		if (ret == -ENOTTY || ret == -EINVAL)
			d->no_fences = true;
		else if (ret)
			return dhb_pipe_fail(p, ret, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
	}
	*out = f;
	return 0;
}

static int decoder_dequeue(struct dhb_stage *s, struct dhb_frame **out)
{
	struct dhb_pipe *p = s->pipe;
	struct decoder *d = dec_of(s);
	const char *name = p->cfg->source->name;
	struct dhb_v4l2_done done;
	struct v4l2_event ev;
	unsigned int i;
	short rev = 0;
	int ret;

	for (;;) {
		ret = dhb_pipe_wait(p, d->fd, POLLIN | POLLOUT | POLLPRI, 0, &rev);
		if (ret == -ETIMEDOUT)
			return dhb_pipe_fail(p, ret, "%s: no frame decoded", name);
		if (ret)
			return ret == -EINTR ? ret : dhb_pipe_fail(p, ret, "%s: poll", name);
		if (rev & POLLPRI) {
			memset(&ev, 0, sizeof(ev));
			if (!dhb_v4l2_ioctl(d->fd, VIDIOC_DQEVENT, &ev, &p->retries) &&
			    ev.type == V4L2_EVENT_SOURCE_CHANGE)
				return dhb_pipe_fail(p, -EPROTO,
						     "%s: the stream changed its format mid-way",
						     name);
		}
		if (rev & POLLOUT) {
			ret = dhb_mmapq_dqbuf(&d->bits, &i, NULL, NULL);
			if (!ret)
				ret = feed(p, d, i);
			else if (ret != -EAGAIN)
				return dhb_pipe_fail(p, ret, "%s: VIDIOC_DQBUF OUTPUT", name);
			if (ret && ret != -EAGAIN)
				return ret;
		}
		if (!(rev & POLLIN))
			continue;
		ret = dhb_v4l2_dqbuf_done(d->fd, d->cap, &done, &p->retries);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			return dhb_pipe_fail(p, ret, "%s: VIDIOC_DQBUF CAPTURE", name);
		return frame_done(p, d, &done, out);
	}
}

static int decoder_stop(struct dhb_stage *s)
{
	struct dhb_pipe *p = s->pipe;
	struct decoder *d = dec_of(s);
	struct v4l2_event_subscription sub = {.type = V4L2_EVENT_ALL};
	const char *name = p->cfg->source->name;
	uint32_t none = 0;
	int ret = 0, r;

	if (!d)
		return 0;
	if (d->cap_streaming || d->cap_reqbufs) {
		r = dhb_v4l2_streamoff(d->fd, d->cap, &p->retries);
		if (r)
			ret = dhb_pipe_fail(p, r, "%s: VIDIOC_STREAMOFF CAPTURE", name);
		r = dhb_v4l2_reqbufs(d->fd, d->cap, V4L2_MEMORY_DMABUF, &none, &p->retries);
		if (r && !ret)
			ret = dhb_pipe_fail(p, r, "%s: VIDIOC_REQBUFS CAPTURE 0", name);
	}
	d->cap_streaming = d->cap_reqbufs = false;
	r = dhb_mmapq_free(&d->bits, &p->retries);
	if (r && !ret)
		ret = dhb_pipe_fail(p, r, "%s: the bitstream buffers (STREAMOFF, REQBUFS 0)", name);
	if (d->subscribed)
		dhb_v4l2_ioctl(d->fd, VIDIOC_UNSUBSCRIBE_EVENT, &sub, &p->retries);
	d->subscribed = false;
	d->frames = NULL;
	d->n = 0;
	return ret;
}

static void decoder_fini(struct dhb_stage *s)
{
	struct decoder *d = dec_of(s);

	if (!d)
		return;
	decoder_stop(s);
	dhb_v4l2_close(d->fd);
	if (d->data)
		munmap((void *)d->data, d->size);
	if (d->file_fd >= 0)
		close(d->file_fd);
	dhb_fwht_free(&d->st);
	free(d);
	s->priv = NULL;
}

size_t dhb_stage_decoder_frames(struct dhb_stage *s)
{
	const struct decoder *d = dec_of(s);

	return d ? d->st.n : 0;
}

const struct dhb_fwht_stream *dhb_stage_decoder_stream(struct dhb_stage *s, const uint8_t **data)
{
	const struct decoder *d = dec_of(s);

	*data = d ? d->data : NULL;
	return d ? &d->st : NULL;
}

const struct dhb_stage_ops dhb_stage_decoder = {
	.name = "decoder",
	.latency_metric = "decode_latency",
	.init = decoder_init,
	.start = decoder_start,
	.queue = decoder_queue,
	.dequeue = decoder_dequeue,
	.stop = decoder_stop,
	.fini = decoder_fini,
};
