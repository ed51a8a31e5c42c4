// SPDX-License-Identifier: MIT
// v4l2-mmap backend: buffers a V4L2 node makes itself (REQBUFS MMAP), exported by VIDIOC_EXPBUF.
#include <errno.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/device.h"

/*
 * One instance per V4L2 node with a capture queue that makes MMAP buffers (a capture or m2m
 * node that is not a codec: a codec's buffers follow its bitstream's format), named
 * "v4l2-mmap:DEVICE" after the device (dhb/device.h's naming rules). An allocation
 * opens the node on a descriptor of its own, sets the smallest frame format that holds the size
 * (dhb_v4l2_cover_format(): the buffer is that frame, so it may be larger than asked for), or
 * the frame run --geometry asks for (DHB_CAP_GEOMETRY: a format, a width, or a whole frame,
 * which the driver must give as asked; else the item is a skip saying what it gives), asks
 * for one MMAP buffer (REQBUFS), exports it as a dma-buf (VIDIOC_EXPBUF) and closes the node:
 * the dma-buf keeps the memory (vb2 counts the export as a user of it). So alloc_latency here
 * includes opening the node, the format search and the REQBUFS that frees the buffers a driver
 * allocated beyond the first (some allocate two at least). The plan's memory budget counts the
 * frame, not the size (the footprint hook). vb2's vmalloc and dma-contig
 * allocators hand out zeroed memory. Mapping and sync go through the dma-buf like a heap's.
 */

#define PREFIX "v4l2-mmap:"

/* The capture queue of @d that makes MMAP buffers, or NULL. */
static const struct dhb_v4l2_queue *mmap_queue(const struct dhb_device *d)
{
	unsigned int i;

	if (d->kind != DHB_DEV_V4L2 || d->err || !(d->caps & DHB_DEVCAP_CAPTURE) ||
	    (d->caps & DHB_DEVCAP_CODEC))
		return NULL;
	for (i = 0; i < d->n_queues; i++) {
		if (V4L2_TYPE_IS_CAPTURE(d->queues[i].type) &&
		    (d->queues[i].mem & V4L2_BUF_CAP_SUPPORTS_MMAP))
			return &d->queues[i];
	}
	return NULL;
}

static int v4l2_mmap_probe(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
			   size_t *n)
{
	struct dhb_device *v = NULL;
	struct dhb_instance *inst;
	size_t nd = 0, i;
	int ret;

	ret = dhb_devices_probe_kind(DHB_DEV_V4L2, &v, &nd);
	if (ret)
		return ret;
	for (i = 0; i < nd; i++) {
		if (!mmap_queue(&v[i]))
			continue;
		if (*n >= max) {
			ret = -ENOSPC;
			break;
		}
		inst = &out[(*n)++];
		memset(inst, 0, sizeof(*inst));
		inst->ops = ops;
		inst->dev_fd = -1;
		snprintf(inst->name, sizeof(inst->name), PREFIX "%.*s",
			 (int)(sizeof(inst->name) - sizeof(PREFIX)), v[i].name);
		snprintf(inst->path, sizeof(inst->path), "%s", v[i].path);
	}
	dhb_devices_release(v, nd);
	return ret;
}

static void v4l2_mmap_release(struct dhb_instance *inst)
{
	inst->dev_fd = -1;
}

/* Open @inst's node and find its capture queue again (@d holds the descriptor). */
static int open_node(const struct dhb_instance *inst, struct dhb_device *d,
		     const struct dhb_v4l2_queue **q)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->kind = DHB_DEV_V4L2;
	snprintf(d->path, sizeof(d->path), "%s", inst->path);
	ret = dhb_v4l2_open(d->path, false, &d->fd);
	if (ret)
		return ret;
	ret = dhb_v4l2_probe_node(d);
	*q = ret ? NULL : mmap_queue(d);
	if (!ret && !*q)
		ret = -ENODEV; /* not the node it was at probe time */
	if (ret) {
		dhb_v4l2_close(d->fd);
		d->fd = -1;
	}
	return ret;
}

/* Why the node makes no frame of @size bytes (dhb_v4l2_cover_format() returned @ret), into @buf. */
static void no_frame(const struct dhb_instance *inst, int fd, const struct dhb_v4l2_queue *q,
		     uint64_t size, int ret, const struct dhb_geom *g, uint32_t si, char *buf,
		     size_t len)
{
	const struct dhb_geom *w = &inst->want;
	char got[DHB_GEOM_FMT_LEN], cc[5];
	struct dhb_geom big;
	uint32_t big_si;

	dhb_geom_format(g, got, sizeof(got));
	dhb_fourcc_text(w->fourcc, cc);
	if (ret == -ENOENT)
		snprintf(buf, len, "%s offers no %s frames", inst->name, cc);
	else if (ret == -ERANGE && w->height)
		snprintf(buf, len, "%s gives %s (%u bytes) when asked for %ux%u", inst->name, got,
			 si, w->width, w->height);
	else if (ret == -ERANGE && w->width)
		snprintf(buf, len,
			 "%s makes no frame %u pixels wide of %llu bytes or more (it answers %s)",
			 inst->name, w->width, (unsigned long long)size, got);
	else if (ret == -ERANGE && !dhb_v4l2_fit_format(fd, q, size, &big, &big_si, NULL)) {
		dhb_fourcc_text(big.fourcc, cc);
		snprintf(buf, len,
			 "%s makes no frame of %llu bytes or more (the largest: %s %ux%u, %u "
			 "bytes)",
			 inst->name, (unsigned long long)size, cc, big.width, big.height, big_si);
	} else
		snprintf(buf, len, "%s: no frame format of %llu bytes or more: %s", inst->name,
			 (unsigned long long)size, strerror(-ret));
}

/* Whether the node makes the frame asked for, of @size bytes or more: a skip with why when not. */
static const char *v4l2_mmap_supported(const struct dhb_instance *inst, uint64_t size, char *buf,
				       size_t len)
{
	const struct dhb_v4l2_queue *q;
	struct dhb_device d;
	struct dhb_geom g = {0};
	uint32_t si = 0;
	int ret;

	if (open_node(inst, &d, &q))
		return NULL; /* the allocation will say what is wrong */
	ret = dhb_v4l2_cover_format(d.fd, q, size, &inst->want, &g, &si, NULL);
	if (ret)
		no_frame(inst, d.fd, q, size, ret, &g, si, buf, len);
	dhb_v4l2_close(d.fd);
	return ret ? buf : NULL;
}

/* The frame a buffer of @size bytes is, for the plan's budget: 0 when the node does not say. */
static uint64_t v4l2_mmap_footprint(const struct dhb_instance *inst, uint64_t size)
{
	const struct dhb_v4l2_queue *q;
	struct dhb_device d;
	struct dhb_geom g;
	uint32_t si = 0;

	if (open_node(inst, &d, &q))
		return 0;
	if (dhb_v4l2_cover_format(d.fd, q, size, &inst->want, &g, &si, NULL))
		si = 0;
	dhb_v4l2_close(d.fd);
	return si;
}

static int v4l2_mmap_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	const struct dhb_v4l2_queue *q;
	uint32_t si, count = 1, none = 0;
	struct dhb_device d;
	struct dhb_geom g;
	int ret;

	dhb_buf_init(buf, inst);
	ret = open_node(inst, &d, &q);
	if (ret)
		return ret;
	ret = dhb_v4l2_cover_format(d.fd, q, size, &inst->want, &g, &si, &inst->ioctl_retries);
	if (ret)
		goto out_close;
	ret = dhb_v4l2_reqbufs(d.fd, q, V4L2_MEMORY_MMAP, &count, &inst->ioctl_retries);
	if (ret)
		goto out_close;
	ret = count ? dhb_v4l2_expbuf(d.fd, q, 0, &buf->fd, &inst->ioctl_retries) : -ENOMEM;
	if (!ret) {
		buf->size = si;
		inst->got = g;
	}
	/* The export keeps its buffer; REQBUFS 0 frees the others now rather than at close. */
	dhb_v4l2_reqbufs(d.fd, q, V4L2_MEMORY_MMAP, &none, &inst->ioctl_retries);
out_close:
	dhb_v4l2_close(d.fd);
	return ret;
}

const struct dhb_backend_ops dhb_backend_v4l2_mmap = {
	.name = "v4l2-mmap",
	.help = "a V4L2 capture or m2m node's own buffer (REQBUFS MMAP), exported (VIDIOC_EXPBUF)",
	.caps = DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP | DHB_CAP_GEOMETRY |
		DHB_CAP_V4L2_FOURCC,
	.access_rule = "SUBSYSTEM==\"video4linux\", KERNEL==\"video[0-9]*\", GROUP=\"video\", "
		       "MODE=\"0660\"",
	.probe = v4l2_mmap_probe,
	.release = v4l2_mmap_release,
	.alloc = v4l2_mmap_alloc,
	.free = dhb_close_fds,
	.map = dhb_mmap_fd,
	.unmap = dhb_munmap_fd,
	.sync = dhb_sync_dmabuf,
	.supported = v4l2_mmap_supported,
	.footprint = v4l2_mmap_footprint,
};
