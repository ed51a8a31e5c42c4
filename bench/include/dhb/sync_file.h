// SPDX-License-Identifier: MIT
// sync_file and dma-buf fence ioctls, and a bounded poll: what the fence test and the pipelines share.
#ifndef DHB_SYNC_FILE_H
#define DHB_SYNC_FILE_H

#include <stdint.h>

/*
 * A sync_file is a descriptor holding fences (drivers/dma-buf/sync_file.c); a dma-buf's
 * reservation holds the fences of the work on the buffer (implicit sync). Each function returns
 * 0 or -errno and counts EINTR/EAGAIN retries in @retries (may be NULL).
 */

/* DMA_BUF_IOCTL_EXPORT_SYNC_FILE: @dmabuf's fences for @flags (DMA_BUF_SYNC_*) into *@fd. */
int dhb_fence_export(int dmabuf, uint32_t flags, int *fd, uint64_t *retries);
/* DMA_BUF_IOCTL_IMPORT_SYNC_FILE: the fences of sync_file @fd onto @dmabuf, as @flags. */
int dhb_fence_import(int dmabuf, uint32_t flags, int fd, uint64_t *retries);
/* SYNC_IOC_MERGE: a new sync_file in *@fd with the fences of @a and @b. */
int dhb_fence_merge(int a, int b, int *fd, uint64_t *retries);
/*
 * SYNC_IOC_FILE_INFO of a sync_file holding one fence: the kernel's time of its signal
 * (CLOCK_MONOTONIC, ns) in *@ns; -EBUSY while it is unsignalled, -E2BIG with several fences.
 */
int dhb_fence_stamp(int fd, uint64_t *ns, uint64_t *retries);
/* poll() @fd for @events for up to @timeout_ms, retrying EINTR: 0, -ETIMEDOUT, -EIO (POLLERR). */
int dhb_fence_poll(int fd, short events, int timeout_ms);

#endif /* DHB_SYNC_FILE_H */
