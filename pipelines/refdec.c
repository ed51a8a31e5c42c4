// SPDX-License-Identifier: MIT
// The reference decode behind --verify: a stream decoded once into buffers the CPU reads.
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stage.h"

/*
 * The decoder stage itself, driven without a display: its frames are buffers of the system heap,
 * each decoded frame is mapped, read under DMA_BUF_IOCTL_SYNC and reduced to the CRC vkms would
 * give it (dhb_vkms_crc()). This is the one place where the CPU reads frames, and it runs when
 * the stream is made (--make-stream), never while a pipeline is measured.
 */

#define REF_BUFFERS 4
#define REF_HEAP    "/dev/dma_heap/system"

/* The stream's size, for the one mode the decoder stage is offered. */
static int stream_size(const char *path, uint32_t *w, uint32_t *h, char *err, size_t errlen)
{
	struct dhb_fwht_stream st = {0};
	uint8_t *data = NULL;
	long size;
	FILE *fp = fopen(path, "re");
	int ret = -EINVAL;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!fseek(fp, 0, SEEK_END) && (size = ftell(fp)) > 0 && !fseek(fp, 0, SEEK_SET) &&
	    (data = malloc((size_t)size)) && fread(data, 1, (size_t)size, fp) == (size_t)size)
		ret = dhb_fwht_scan(data, (size_t)size, &st, err, errlen);
	else
		snprintf(err, errlen, "%s: cannot be read", path);
	fclose(fp);
	free(data);
	*w = st.width;
	*h = st.height;
	dhb_fwht_free(&st);
	return ret;
}

/* The CRC of decoded frame @f, read through a mapping of its dma-buf. */
static int frame_crc(const struct dhb_pipe *p, const struct dhb_frame *f, uint32_t *crc)
{
	struct dma_buf_sync sync = {.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ};
	void *m = mmap(NULL, f->length, PROT_READ, MAP_SHARED, f->fd[0], 0);

	if (m == MAP_FAILED)
		return -errno;
	ioctl(f->fd[0], DMA_BUF_IOCTL_SYNC, &sync);
	*crc = dhb_vkms_crc(m, p->fmt.geom.width, p->fmt.geom.height, f->pitch[0]);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	ioctl(f->fd[0], DMA_BUF_IOCTL_SYNC, &sync);
	munmap(m, f->length);
	return 0;
}

/* Decode every frame of the stream once; the pipe's stages are started. */
static int decode_all(struct dhb_pipe *p, uint32_t *crc, size_t n)
{
	struct dhb_frame *f;
	size_t got = 0;
	int ret;

	while (got < n) {
		ret = p->src.ops->dequeue(&p->src, &f);
		if (ret)
			return ret;
		if (f->fence_fd >= 0)
			close(f->fence_fd);
		f->fence_fd = -1;
		if (f->pos < n) {
			crc[f->pos] = 0;
			if (!f->broken && (ret = frame_crc(p, f, &crc[f->pos])))
				return dhb_pipe_fail(p, ret, "mapping a decoded frame");
			got++;
		}
		ret = p->src.ops->queue(&p->src, f);
		if (ret)
			return ret;
	}
	return 0;
}

static int alloc_frames(struct dhb_pipe *p, struct dhb_frame *frames, unsigned int n)
{
	struct dma_heap_allocation_data a = {.len = p->fmt.size, .fd_flags = O_RDWR | O_CLOEXEC};
	int heap = open(REF_HEAP, O_RDONLY | O_CLOEXEC);
	unsigned int i;

	if (heap < 0)
		return dhb_pipe_fail(p, -errno, "%s", REF_HEAP);
	for (i = 0; i < n; i++) {
		struct dhb_frame *f = &frames[i];

		a.fd = 0;
		if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a)) {
			int e = -errno;

			close(heap);
			return dhb_pipe_fail(p, e, "%s: DMA_HEAP_IOCTL_ALLOC", REF_HEAP);
		}
		f->fd[0] = (int)a.fd;
		f->index = i;
		f->n_planes = 1;
		f->pitch[0] = p->fmt.geom.pitch;
		f->length = p->fmt.size;
		f->geom = p->fmt.geom;
		f->size = p->fmt.size;
		f->fence_fd = -1;
	}
	close(heap);
	return 0;
}

int dhb_stream_reference(const struct dhb_device *decoder, const char *stream,
			 const volatile sig_atomic_t *stop, uint32_t **crc_out, size_t *n_out,
			 char *err, size_t errlen)
{
	struct dhb_device nodisplay = {.name = "the reference decode", .fd = -1};
	struct dhb_pipe_config cfg = {.source_kind = DHB_PIPE_DECODER,
				      .source = decoder,
				      .stream = stream,
				      .display = &nodisplay,
				      .buffers = REF_BUFFERS};
	struct dhb_frame frames[REF_BUFFERS];
	struct dhb_pipe *p = calloc(1, sizeof(*p));
	uint32_t w = 0, h = 0, *crc = NULL;
	bool started = false;
	size_t n = 0;
	unsigned int i;
	int ret;

	*crc_out = NULL;
	*n_out = 0;
	for (i = 0; i < REF_BUFFERS; i++)
		frames[i] = (struct dhb_frame){.fd = {-1, -1, -1, -1}, .fence_fd = -1};
	if (!p)
		return -ENOMEM;
	p->cfg = &cfg;
	p->pf = dhb_pipe_fmt_find(cfg.format); /* XR24: the display's CRC of each frame */
	p->stop = stop;
	p->crc.fd = -1;
	p->src = (struct dhb_stage){.ops = &dhb_stage_decoder, .pipe = p};
	ret = stream_size(stream, &w, &h, err, errlen);
	if (ret)
		goto out;
	p->modes[0] = (struct dhb_pipe_mode){w, h, 60000, true};
	p->n_modes = 1;
	ret = p->src.ops->init(&p->src);
	if (!ret)
		ret = alloc_frames(p, frames, REF_BUFFERS);
	if (!ret) {
		n = dhb_stage_decoder_frames(&p->src);
		crc = calloc(n ? n : 1, sizeof(*crc));
		ret = crc ? p->src.ops->start(&p->src, frames, REF_BUFFERS) : -ENOMEM;
		started = !ret;
	}
	if (!ret)
		ret = decode_all(p, crc, n);
	if (started && p->src.ops->stop(&p->src) && !ret)
		ret = -EIO;
	if (ret && ret != -EINTR)
		snprintf(err, errlen, "the reference decode of %s: %s", stream, p->err);
out:
	p->src.ops->fini(&p->src);
	for (i = 0; i < REF_BUFFERS; i++) {
		if (frames[i].fd[0] >= 0)
			close(frames[i].fd[0]);
	}
	free(p);
	if (ret) {
		free(crc);
		return ret;
	}
	*crc_out = crc;
	*n_out = n;
	return 0;
}
