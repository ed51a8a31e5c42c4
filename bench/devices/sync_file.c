// SPDX-License-Identifier: MIT
// sync_file and dma-buf fence ioctls, and a bounded poll (dhb/sync_file.h).
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "dhb/compat.h"
#include "dhb/ioctl.h"
#include "dhb/stats.h"
#include "dhb/sync_file.h"

int dhb_fence_export(int dmabuf, uint32_t flags, int *fd, uint64_t *retries)
{
	struct dma_buf_export_sync_file a = {.flags = flags, .fd = -1};
	int ret = dhb_ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &a, retries);

	if (ret < 0)
		return ret;
	*fd = a.fd;
	return 0;
}

int dhb_fence_import(int dmabuf, uint32_t flags, int fd, uint64_t *retries)
{
	struct dma_buf_import_sync_file a = {.flags = flags, .fd = fd};
	int ret = dhb_ioctl(dmabuf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &a, retries);

	return ret < 0 ? ret : 0;
}

int dhb_fence_merge(int a, int b, int *fd, uint64_t *retries)
{
	struct sync_merge_data m = {.name = "dhb-merge", .fd2 = b, .fence = -1};
	int ret = dhb_ioctl(a, SYNC_IOC_MERGE, &m, retries);

	if (ret < 0)
		return ret;
	*fd = m.fence;
	return 0;
}

int dhb_fence_stamp(int fd, uint64_t *ns, uint64_t *retries)
{
	struct sync_fence_info fi;
	struct sync_file_info info;
	int ret;

	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	info.num_fences = 1;
	info.sync_fence_info = (uint64_t)(uintptr_t)&fi;
	ret = dhb_ioctl(fd, SYNC_IOC_FILE_INFO, &info, retries);
	if (ret == -EINVAL && info.num_fences > 1)
		return -E2BIG;
	if (ret < 0)
		return ret;
	if (info.num_fences != 1)
		return -E2BIG;
	if (fi.status < 0)
		return fi.status;
	if (fi.status != 1 || !fi.timestamp_ns)
		return -EBUSY;
	*ns = fi.timestamp_ns;
	return 0;
}

int dhb_fence_poll(int fd, short events, int timeout_ms)
{
	uint64_t end = dhb_stats_now_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000;
	struct pollfd p = {.fd = fd, .events = events};
	uint64_t now;
	int ret, left = timeout_ms;

	for (;;) {
		ret = poll(&p, 1, left);
		if (ret > 0)
			return p.revents & (POLLERR | POLLNVAL) ? -EIO : 0;
		if (!ret)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
		now = dhb_stats_now_ns(CLOCK_MONOTONIC);
		if (now >= end)
			return -ETIMEDOUT;
		left = (int)((end - now + 999999) / 1000000);
	}
}
