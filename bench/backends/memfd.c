// SPDX-License-Identifier: MIT
// memfd backend: the baseline, not a dma-buf: memfd_create + ftruncate shows the cost floor.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/compat.h"

static int memfd_probe(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
		       size_t *n)
{
	struct dhb_instance *inst;
	int fd;

	if (*n >= max)
		return -ENOSPC;
	inst = &out[(*n)++];
	memset(inst, 0, sizeof(*inst));
	inst->ops = ops;
	inst->dev_fd = -1;
	snprintf(inst->name, sizeof(inst->name), "memfd");
	fd = memfd_create("dhb-probe", MFD_CLOEXEC);
	inst->err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

static void memfd_release(struct dhb_instance *inst)
{
}

/* Pages are allocated at first touch (DHB_CAP_LAZY): alloc costs a file, not memory. */
static int memfd_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	int ret;

	dhb_buf_init(buf, inst);
	buf->size = size;
	buf->fd = memfd_create("dhb-memfd", MFD_CLOEXEC);
	if (buf->fd < 0)
		return -errno;
	if (ftruncate(buf->fd, (off_t)size)) {
		ret = -errno;
		close(buf->fd);
		buf->fd = -1;
		return ret;
	}
	return 0;
}

const struct dhb_backend_ops dhb_backend_memfd = {
	.name = "memfd",
	.help = "baseline, not a dma-buf: memfd_create + ftruncate (pages at first touch)",
	.caps = DHB_CAP_MMAP | DHB_CAP_LAZY,
	.probe = memfd_probe,
	.release = memfd_release,
	.alloc = memfd_alloc,
	.free = dhb_close_fds,
	.map = dhb_mmap_fd,
	.unmap = dhb_munmap_fd,
};
