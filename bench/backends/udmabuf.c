// SPDX-License-Identifier: MIT
// udmabuf backend: a sealed memfd turned into a dma-buf by UDMABUF_CREATE on /dev/udmabuf.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/compat.h"

#define UDMABUF_DEV "/dev/udmabuf"

static int udmabuf_probe(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
			 size_t *n)
{
	struct dhb_instance *inst;

	if (*n >= max)
		return -ENOSPC;
	inst = &out[(*n)++];
	memset(inst, 0, sizeof(*inst));
	inst->ops = ops;
	snprintf(inst->name, sizeof(inst->name), "udmabuf");
	snprintf(inst->path, sizeof(inst->path), UDMABUF_DEV);
	inst->dev_fd = open(UDMABUF_DEV, O_RDONLY | O_CLOEXEC);
	inst->err = inst->dev_fd < 0 ? -errno : 0;
	return 0;
}

static void udmabuf_release(struct dhb_instance *inst)
{
	if (inst->dev_fd >= 0)
		close(inst->dev_fd);
	inst->dev_fd = -1;
}

/*
 * The backing memfd stays open as long as the udmabuf (aux_fd): udmabuf pins its pages, and
 * closing it early would only move the shmem file's release to an unmeasured moment.
 */
static int udmabuf_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	struct udmabuf_create create = {.flags = UDMABUF_FLAGS_CLOEXEC, .size = size};
	int ret;

	dhb_buf_init(buf, inst);
	buf->size = size;
	buf->aux_fd = memfd_create("dhb-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (buf->aux_fd < 0)
		return -errno;
	if (ftruncate(buf->aux_fd, (off_t)size) || fcntl(buf->aux_fd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		ret = -errno;
		goto out_close_memfd;
	}
	create.memfd = (uint32_t)buf->aux_fd;
	ret = dhb_ioctl(inst->dev_fd, UDMABUF_CREATE, &create, &inst->ioctl_retries);
	if (ret < 0)
		goto out_close_memfd;
	buf->fd = ret;
	return 0;
out_close_memfd:
	close(buf->aux_fd);
	buf->aux_fd = -1;
	return ret;
}

const struct dhb_backend_ops dhb_backend_udmabuf = {
	.name = "udmabuf",
	.help = "a sealed memfd made a dma-buf by /dev/udmabuf (UDMABUF_CREATE)",
	.caps = DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP | DHB_CAP_PAGE_SIZED,
	.access_rule = "SUBSYSTEM==\"misc\", KERNEL==\"udmabuf\", GROUP=\"video\", MODE=\"0660\"",
	.probe = udmabuf_probe,
	.release = udmabuf_release,
	.alloc = udmabuf_alloc,
	.free = dhb_close_fds,
	.map = dhb_mmap_fd,
	.unmap = dhb_munmap_fd,
	.sync = dhb_sync_dmabuf,
};
