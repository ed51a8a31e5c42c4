// SPDX-License-Identifier: MIT
// V4L2 queues of MMAP buffers the CPU fills or reads: a decoder's bitstream, the stream maker's.
#include <errno.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <string.h>
#include <sys/mman.h>

#include "stage.h"

/*
 * These buffers are the bitstream side of a codec and the stream maker's frames: the CPU writes
 * or reads them through their mapping (libv4l2's v4l2_mmap(), the descriptor being libv4l2's),
 * which is what they are for; no frame buffer of a pipeline is one of them.
 */

static bool is_mplane(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE ||
	       type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

/* A struct v4l2_buffer of @m for buffer @i, its plane in @plane. */
static void buffer(const struct dhb_mmapq *m, unsigned int i, struct v4l2_buffer *b,
		   struct v4l2_plane *plane)
{
	memset(b, 0, sizeof(*b));
	memset(plane, 0, sizeof(*plane));
	b->index = i;
	b->type = m->q->type;
	b->memory = V4L2_MEMORY_MMAP;
	b->field = V4L2_FIELD_NONE;
	if (is_mplane(b->type)) {
		b->m.planes = plane;
		b->length = 1;
	}
}

int dhb_mmapq_alloc(struct dhb_mmapq *m, unsigned int count, uint64_t *retries)
{
	struct v4l2_plane plane;
	struct v4l2_buffer b;
	uint32_t got = count < DHB_MMAPQ_MAX ? count : DHB_MMAPQ_MAX;
	unsigned int i;
	int ret;

	ret = dhb_v4l2_reqbufs(m->fd, m->q, V4L2_MEMORY_MMAP, &got, retries);
	if (ret)
		return ret;
	m->reqbufs = true;
	for (i = 0; i < got && i < DHB_MMAPQ_MAX; i++) {
		buffer(m, i, &b, &plane);
		ret = dhb_v4l2_ioctl(m->fd, VIDIOC_QUERYBUF, &b, retries);
		if (ret)
			return ret;
		m->len[i] = is_mplane(b.type) ? plane.length : b.length;
		m->addr[i] = v4l2_mmap(NULL, m->len[i], PROT_READ | PROT_WRITE, MAP_SHARED, m->fd,
				       is_mplane(b.type) ? plane.m.mem_offset : b.m.offset);
		if (m->addr[i] == MAP_FAILED) {
			m->addr[i] = NULL;
			return -errno;
		}
		m->n = i + 1;
	}
	return m->n ? 0 : -ENOMEM;
}

int dhb_mmapq_qbuf(struct dhb_mmapq *m, unsigned int i, uint32_t bytesused, uint64_t stamp_ns,
		   uint64_t *retries)
{
	struct v4l2_plane plane;
	struct v4l2_buffer b;

	buffer(m, i, &b, &plane);
	b.timestamp.tv_sec = (time_t)(stamp_ns / 1000000000u);
	b.timestamp.tv_usec = (suseconds_t)(stamp_ns % 1000000000u / 1000u);
	if (is_mplane(b.type))
		plane.bytesused = bytesused;
	else
		b.bytesused = bytesused;
	return dhb_v4l2_ioctl(m->fd, VIDIOC_QBUF, &b, retries);
}

int dhb_mmapq_dqbuf(struct dhb_mmapq *m, unsigned int *i, uint32_t *bytesused, uint32_t *flags)
{
	struct v4l2_plane plane;
	struct v4l2_buffer b;

	buffer(m, 0, &b, &plane);
	/* no retry of EAGAIN (a non-blocking descriptor): the caller polls */
	if (v4l2_ioctl(m->fd, VIDIOC_DQBUF, &b))
		return -errno;
	if (b.index >= m->n)
		return -EPROTO;
	*i = b.index;
	if (bytesused)
		*bytesused = is_mplane(b.type) ? plane.bytesused : b.bytesused;
	if (flags)
		*flags = b.flags;
	return 0;
}

int dhb_mmapq_free(struct dhb_mmapq *m, uint64_t *retries)
{
	uint32_t none = 0;
	unsigned int i;
	int ret = 0, r;

	if (m->streaming || m->reqbufs)
		ret = dhb_v4l2_streamoff(m->fd, m->q, retries);
	m->streaming = false;
	for (i = 0; i < m->n; i++) {
		if (m->addr[i])
			v4l2_munmap(m->addr[i], m->len[i]);
		m->addr[i] = NULL;
	}
	m->n = 0;
	if (m->reqbufs) {
		r = dhb_v4l2_reqbufs(m->fd, m->q, V4L2_MEMORY_MMAP, &none, retries);
		ret = ret ? ret : r;
	}
	m->reqbufs = false;
	return ret;
}
