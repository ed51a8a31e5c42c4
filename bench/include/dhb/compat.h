// SPDX-License-Identifier: MIT
// Kernel UAPI that older system headers lack (dma-heap, dma-buf sync, udmabuf, memfd sealing,
// sync_file, sw_sync, vgem fences).
#ifndef DHB_COMPAT_H
#define DHB_COMPAT_H

/*
 * Every definition below is the upstream UAPI one, used only when the build machine's headers
 * do not provide it (#ifndef guards on the ioctl numbers and flags). The values are ABI and never
 * change, so a binary built against old headers works on a new kernel and vice versa; a kernel
 * without the feature answers the ioctl with ENOTTY or the device node is simply missing.
 * Users compile with _GNU_SOURCE (the build defines it) for memfd_create() and the F_SEAL_*.
 */

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __has_include
#if __has_include(<linux/dma-heap.h>)
#include <linux/dma-heap.h>
#endif
#if __has_include(<linux/dma-buf.h>)
#include <linux/dma-buf.h>
#endif
#if __has_include(<linux/udmabuf.h>)
#include <linux/udmabuf.h>
#endif
#if __has_include(<linux/sync_file.h>)
#include <linux/sync_file.h>
#endif
#endif

/* <linux/dma-heap.h>, Linux 5.6 */
#ifndef DMA_HEAP_IOCTL_ALLOC
struct dma_heap_allocation_data {
	uint64_t len;
	uint32_t fd;
	uint32_t fd_flags;
	uint64_t heap_flags;
};
#define DMA_HEAP_IOC_MAGIC   'H'
#define DMA_HEAP_IOCTL_ALLOC _IOWR(DMA_HEAP_IOC_MAGIC, 0x0, struct dma_heap_allocation_data)
#endif

/* <linux/dma-buf.h>, Linux 4.6 */
#ifndef DMA_BUF_IOCTL_SYNC
struct dma_buf_sync {
	uint64_t flags;
};
#define DMA_BUF_BASE	   'b'
#define DMA_BUF_IOCTL_SYNC _IOW(DMA_BUF_BASE, 0, struct dma_buf_sync)
#endif
#ifndef DMA_BUF_SYNC_READ
#define DMA_BUF_SYNC_READ  (1 << 0)
#define DMA_BUF_SYNC_WRITE (2 << 0)
#define DMA_BUF_SYNC_RW	   (DMA_BUF_SYNC_READ | DMA_BUF_SYNC_WRITE)
#define DMA_BUF_SYNC_START (0 << 2)
#define DMA_BUF_SYNC_END   (1 << 2)
#endif
#ifndef DMA_BUF_SYNC_VALID_FLAGS_MASK
#define DMA_BUF_SYNC_VALID_FLAGS_MASK (DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END)
#endif

/* <linux/udmabuf.h>, Linux 4.20 */
#ifndef UDMABUF_CREATE
struct udmabuf_create {
	uint32_t memfd;
	uint32_t flags;
	uint64_t offset;
	uint64_t size;
};
#define UDMABUF_CREATE _IOW('u', 0x42, struct udmabuf_create)
#endif
#ifndef UDMABUF_FLAGS_CLOEXEC
#define UDMABUF_FLAGS_CLOEXEC 0x01
#endif

/* <linux/dma-buf.h>, Linux 6.0: a dma-buf's fences as a sync_file, and a sync_file into them */
#ifndef DMA_BUF_IOCTL_EXPORT_SYNC_FILE
struct dma_buf_export_sync_file {
	uint32_t flags;
	int32_t fd;
};
#define DMA_BUF_IOCTL_EXPORT_SYNC_FILE _IOWR('b', 2, struct dma_buf_export_sync_file)
#endif
#ifndef DMA_BUF_IOCTL_IMPORT_SYNC_FILE
struct dma_buf_import_sync_file {
	uint32_t flags;
	int32_t fd;
};
#define DMA_BUF_IOCTL_IMPORT_SYNC_FILE _IOW('b', 3, struct dma_buf_import_sync_file)
#endif

/* <linux/sync_file.h>, Linux 4.7 */
#ifndef SYNC_IOC_MERGE
struct sync_merge_data {
	char name[32];
	int32_t fd2;
	int32_t fence;
	uint32_t flags;
	uint32_t pad;
};
struct sync_fence_info {
	char obj_name[32];
	char driver_name[32];
	int32_t status;
	uint32_t flags;
	uint64_t timestamp_ns;
};
struct sync_file_info {
	char name[32];
	int32_t status;
	uint32_t flags;
	uint32_t num_fences;
	uint32_t pad;
	uint64_t sync_fence_info;
};
#define SYNC_IOC_MAGIC	   '>'
#define SYNC_IOC_MERGE	   _IOWR(SYNC_IOC_MAGIC, 3, struct sync_merge_data)
#define SYNC_IOC_FILE_INFO _IOWR(SYNC_IOC_MAGIC, 4, struct sync_file_info)
#endif

/*
 * sw_sync (drivers/dma-buf/sw_sync.c, debugfs sync/sw_sync; no installed header has it): each
 * open of the file is a timeline at 0; CREATE_FENCE makes a sync_file whose fence signals when
 * the timeline reaches @value, INC advances the timeline by its argument.
 */
#ifndef SW_SYNC_IOC_CREATE_FENCE
struct sw_sync_create_fence_data {
	uint32_t value;
	char name[32];
	int32_t fence;
};
#define SW_SYNC_IOC_MAGIC	 'W'
#define SW_SYNC_IOC_CREATE_FENCE _IOWR(SW_SYNC_IOC_MAGIC, 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC		 _IOW(SW_SYNC_IOC_MAGIC, 1, uint32_t)
#endif

/*
 * vgem fences (<drm/vgem_drm.h>, Linux 4.10; libdrm does not install it): DRM_IOWR and DRM_IOW
 * at DRM_COMMAND_BASE (0x40) + 1 and + 2. ATTACH puts a new fence on a GEM object's
 * reservation (a write fence with VGEM_FENCE_WRITE) and returns its id; SIGNAL signals it. An
 * unsignalled vgem fence signals itself after 10 s.
 */
#ifndef DRM_IOCTL_VGEM_FENCE_ATTACH
struct drm_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};
struct drm_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};
#define VGEM_FENCE_WRITE	    0x1
#define DRM_IOCTL_VGEM_FENCE_ATTACH _IOWR('d', 0x40 + 0x1, struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL _IOW('d', 0x40 + 0x2, struct drm_vgem_fence_signal)
#endif

/* memfd sealing (<fcntl.h>, <sys/mman.h>), Linux 3.17 */
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#endif
#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL   0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW   0x0004
#define F_SEAL_WRITE  0x0008
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif

/* mmap at an exact address without replacing a mapping (<sys/mman.h>), Linux 4.17, glibc 2.28 */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* glibc before 2.27 has no memfd_create() wrapper. */
#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 27))
#include <errno.h>
static inline int memfd_create(const char *name, unsigned int flags)
{
#ifdef SYS_memfd_create
	return (int)syscall(SYS_memfd_create, name, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}
#endif

#endif /* DHB_COMPAT_H */
