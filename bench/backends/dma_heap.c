// SPDX-License-Identifier: MIT
// dma-heap backend: every /dev/dma_heap/* node is an instance; buffers come from DMA_HEAP_IOCTL_ALLOC.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/compat.h"

#define DMA_HEAP_DIR "/dev/dma_heap"

_Static_assert(sizeof(DMA_HEAP_DIR "/") + DHB_NAME_LEN <= DHB_PATH_LEN, "path of a heap node fits");

static int cmp_instance(const void *a, const void *b)
{
	return strcmp(((const struct dhb_instance *)a)->name,
		      ((const struct dhb_instance *)b)->name);
}

/* An instance per character device in /dev/dma_heap, sorted by name; none when it is missing. */
static int dma_heap_probe(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
			  size_t *n)
{
	struct dhb_instance *inst, *first = out + *n;
	struct dirent *de;
	struct stat st;
	size_t len;
	DIR *dir;

	dir = opendir(DMA_HEAP_DIR);
	if (!dir)
		return 0; /* no heaps on this kernel (or no /dev): nothing to offer */
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(de->d_name);
		if (*n >= max || len >= DHB_NAME_LEN)
			continue;
		inst = &out[*n];
		memset(inst, 0, sizeof(*inst));
		inst->ops = ops;
		inst->dev_fd = -1;
		memcpy(inst->name, de->d_name, len + 1);
		memcpy(inst->path, DMA_HEAP_DIR "/", sizeof(DMA_HEAP_DIR));
		memcpy(inst->path + sizeof(DMA_HEAP_DIR), inst->name, len + 1);
		if (stat(inst->path, &st) || !S_ISCHR(st.st_mode))
			continue;
		inst->props = dhb_heap_name_props(inst->name);
		inst->dev_fd = open(inst->path, O_RDONLY | O_CLOEXEC);
		inst->err = inst->dev_fd < 0 ? -errno : 0;
		(*n)++;
	}
	closedir(dir);
	qsort(first, (size_t)(out + *n - first), sizeof(*first), cmp_instance);
	return 0;
}

static void dma_heap_release(struct dhb_instance *inst)
{
	if (inst->dev_fd >= 0)
		close(inst->dev_fd);
	inst->dev_fd = -1;
}

static int dma_heap_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int ret;

	dhb_buf_init(buf, inst);
	ret = dhb_ioctl(inst->dev_fd, DMA_HEAP_IOCTL_ALLOC, &data, &inst->ioctl_retries);
	if (ret < 0)
		return ret;
	buf->fd = (int)data.fd;
	buf->size = size;
	return 0;
}

const struct dhb_backend_ops dhb_backend_dma_heap = {
	.name = "dma-heap",
	.help = "a DMA-BUF heap node, /dev/dma_heap/NAME (DMA_HEAP_IOCTL_ALLOC)",
	.caps = DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP | DHB_CAP_HEAP_NODE |
		DHB_CAP_HEAP_ATTRS,
	.access_rule =
		"SUBSYSTEM==\"dma_heap\", KERNEL==\"{name}\", GROUP=\"video\", MODE=\"0660\"",
	.probe = dma_heap_probe,
	.release = dma_heap_release,
	.alloc = dma_heap_alloc,
	.free = dhb_close_fds,
	.map = dhb_mmap_fd,
	.unmap = dhb_munmap_fd,
	.sync = dhb_sync_dmabuf,
};
