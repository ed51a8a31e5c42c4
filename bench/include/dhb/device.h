// SPDX-License-Identifier: MIT
// Devices: the DRM cards and V4L2 nodes that import buffers, their discovery and their ioctls.
#ifndef DHB_DEVICE_H
#define DHB_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/backend.h"
#include "dhb/geom.h"

/*
 * Devices
 * -------
 * A device is a DRM card (/dev/dri/cardN, through libdrm) or a V4L2 video node (/dev/videoN,
 * opened through libv4l2 with format conversion off, so vendor plugins still see the ioctls).
 * dhb_devices_probe() finds every one, opens it and records what it can do (DHB_DEVCAP_*) or,
 * like the backends' probes, why it cannot be used (struct dhb_device.err) instead of failing.
 * Tests that import buffers (DHB_NEED_DEVICE) run once per selected device; other code asks a
 * device what it can do through its capability flags, never by its driver's name.
 *
 * Names: a DRM card is named after its driver ("vkms", "vgem"); a V4L2 node after the name its
 * driver gave the node (sysfs video4linux/videoN/name, else the card name) when that starts
 * with the driver's name ("vivid-000-vid-cap", "vim2m"), else "DRIVER-NAME"
 * ("vicodec-stateful-decoder"); a name already taken gets ".N" (N = 1, 2, ...). --devices
 * matches a name, the node's file name ("card1", "video3") or the driver (all of its nodes),
 * each also as an fnmatch(3) glob.
 */

/* What a device can do (struct dhb_device.caps). */
#define DHB_DEVCAP_PRIME_IMPORT (1u << 0) /* DRM: imports dma-bufs (DRM_PRIME_CAP_IMPORT) */
#define DHB_DEVCAP_PRIME_EXPORT (1u << 1) /* DRM: exports GEM objects (DRM_PRIME_CAP_EXPORT) */
#define DHB_DEVCAP_KMS		(1u << 2) /* DRM: has CRTCs and planes (framebuffers, scanout) */
#define DHB_DEVCAP_DUMB		(1u << 3) /* DRM: creates dumb buffers (DRM_CAP_DUMB_BUFFER) */
#define DHB_DEVCAP_CAPTURE	(1u << 4) /* V4L2: a video capture queue (single or multi-plane) */
#define DHB_DEVCAP_OUTPUT	(1u << 5) /* V4L2: a video output queue */
#define DHB_DEVCAP_M2M		(1u << 6) /* V4L2: memory to memory (both queues, per open file) */
#define DHB_DEVCAP_DMABUF	(1u << 7) /* imports dma-bufs: PRIME import, or a queue with DMABUF */
#define DHB_DEVCAP_EXPBUF	(1u << 8) /* V4L2: a queue with MMAP buffers (VIDIOC_EXPBUF) */
#define DHB_DEVCAP_CODEC	(1u << 9) /* V4L2: a queue of compressed formats only (a codec) */

enum dhb_dev_kind {
	DHB_DEV_DRM = 1,
	DHB_DEV_V4L2 = 2,
};

#define DHB_DEV_MAX_QUEUES 2

/**
 * struct dhb_v4l2_queue - one video queue of a V4L2 node.
 * @type: V4L2_BUF_TYPE_VIDEO_{CAPTURE,OUTPUT}[_MPLANE].
 * @mem: V4L2_BUF_CAP_SUPPORTS_* from VIDIOC_REQBUFS with count 0 (MMAP, DMABUF, ...).
 * @name: "capture" or "output".
 */
struct dhb_v4l2_queue {
	uint32_t type;
	uint32_t mem;
	const char *name;
};

/**
 * struct dhb_device - one device.
 * @kind: DRM card or V4L2 node.
 * @name: the name --devices selects it by and rows carry (params device=NAME); rules above.
 * @path: device node.
 * @driver: kernel driver ("vkms", "vivid").
 * @card: V4L2: the node's name (sysfs video4linux/videoN/name: "vivid-000-vid-cap"), else the
 *        card name of VIDIOC_QUERYCAP; DRM: the driver's description.
 * @caps: DHB_DEVCAP_*.
 * @v4l2_caps: V4L2 device_caps (0 for DRM).
 * @queues: V4L2 video queues (none for DRM).
 * @n_queues: number of @queues.
 * @err: 0 when usable, else the -errno that makes it unusable (opening, querying).
 * @fd: open node (V4L2: through libv4l2), or -1.
 * @ioctl_retries: EINTR/EAGAIN retries of ioctls made on this device.
 */
struct dhb_device {
	enum dhb_dev_kind kind;
	char name[DHB_NAME_LEN];
	char path[DHB_PATH_LEN];
	char driver[32];
	char card[64];
	unsigned int caps;
	uint32_t v4l2_caps;
	struct dhb_v4l2_queue queues[DHB_DEV_MAX_QUEUES];
	unsigned int n_queues;
	int err;
	int fd;
	uint64_t ioctl_retries;
};

/**
 * struct dhb_device_set - devices and which of them a run may use.
 * @v: devices (dhb_devices_probe()).
 * @n: number of devices.
 * @sel: selected devices (dhb_devices_select()), one flag per device.
 */
struct dhb_device_set {
	struct dhb_device *v;
	size_t n;
	const bool *sel;
};

/**
 * dhb_devices_probe() - find every DRM card and V4L2 video node, open and query each.
 * @out: array of devices, malloc'd; release with dhb_devices_release().
 * @n: number of devices.
 *
 * DRM cards first, then V4L2 nodes, each in node-number order.
 *
 * Return: 0 or -errno (-ENOMEM); a device that cannot be opened is recorded with its @err.
 */
int dhb_devices_probe(struct dhb_device **out, size_t *n);

/**
 * dhb_devices_probe_kind() - dhb_devices_probe() for one kind of device only.
 * @kind: DHB_DEV_DRM or DHB_DEV_V4L2.
 * @out: array of devices, malloc'd; release with dhb_devices_release().
 * @n: number of devices.
 *
 * Return: 0 or -ENOMEM. Names are those dhb_devices_probe() gives.
 */
int dhb_devices_probe_kind(enum dhb_dev_kind kind, struct dhb_device **out, size_t *n);

/**
 * dhb_drm_adopt_fd() - a DRM card from a descriptor the process was given (a DRM lease, say).
 * @d: filled as dhb_devices_probe() fills a card; named DRIVER-fdN ("vkms-fd3").
 * @fd: the descriptor, inherited: @d gets its own duplicate (close-on-exec), @fd stays open.
 * @err: one-line message on failure.
 * @errlen: size of @err.
 *
 * A lessee (DRM_IOCTL_MODE_CREATE_LEASE) is DRM master of what its lessor leased to it: the
 * CRTCs, connectors and planes it sees are those of the lease.
 *
 * Return: 0; -EBADF when @fd is not open, -ENOTTY when it is not a DRM card, or -errno.
 */
int dhb_drm_adopt_fd(struct dhb_device *d, int fd, char *err, size_t errlen);

/**
 * dhb_device_close() - close a device's node; safe on a closed one.
 * @d: device.
 */
void dhb_device_close(struct dhb_device *d);

/**
 * dhb_devices_release() - close every device and free the array.
 * @v: devices, may be NULL.
 * @n: number of devices.
 */
void dhb_devices_release(struct dhb_device *v, size_t n);

/**
 * dhb_devices_select() - mark the devices a --devices list names.
 * @list: comma list of names, node file names or drivers, or fnmatch(3) globs of them, or a
 *        kind ("drm", "v4l2": every device of it, and no error when there is none); NULL or
 *        "all" selects every device. Blanks around items are ignored.
 * @v: devices.
 * @n: number of devices.
 * @sel: result, one flag per device.
 * @err: one-line message on failure.
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL for an empty item; -ENOENT when an item matches nothing (@err names it
 * and the devices there are).
 */
int dhb_devices_select(const char *list, const struct dhb_device *v, size_t n, bool *sel, char *err,
		       size_t errlen);

/**
 * dhb_device_caps_format() - describe DHB_DEVCAP_* bits in words ("kms, prime-import, dumb").
 * @caps: bits.
 * @buf: destination, always NUL-terminated when @len > 0.
 * @len: size of @buf.
 *
 * Return: 0, or -ENOSPC when truncated.
 */
int dhb_device_caps_format(unsigned int caps, char *buf, size_t len);

/*
 * DRM (bench/devices/drm.c). @d is a DRM device; each returns 0 or -errno and counts ioctl
 * retries in @d->ioctl_retries.
 */
int dhb_drm_probe_card(struct dhb_device *d); /* fill @d from its open fd (driver, caps) */
int dhb_drm_prime_import(struct dhb_device *d, int dmabuf_fd, uint32_t *handle);
int dhb_drm_prime_export(struct dhb_device *d, uint32_t handle, int *dmabuf_fd);
int dhb_drm_gem_close(struct dhb_device *d, uint32_t handle);
/* Dumb buffer of @g (pitch and size as the driver rounds them: @g->pitch updated, *@size). */
int dhb_drm_dumb_create(struct dhb_device *d, struct dhb_geom *g, uint32_t *handle, uint64_t *size);
/* A framebuffer of @g over @handle (DRM_IOCTL_MODE_ADDFB2, one plane at offset 0). */
int dhb_drm_addfb(struct dhb_device *d, uint32_t handle, const struct dhb_geom *g, uint32_t *fb_id);
int dhb_drm_rmfb(struct dhb_device *d, uint32_t fb_id);
/* Whether a plane of @d scans out @fourcc (DRM_FORMAT_*); false without KMS. */
bool dhb_drm_has_format(struct dhb_device *d, uint32_t fourcc);

/*
 * V4L2 (bench/devices/v4l2.c). Every ioctl goes through libv4l2 (v4l2_ioctl) on a descriptor
 * from dhb_v4l2_open(); each returns 0 or -errno and retries EINTR/EAGAIN.
 */
int dhb_v4l2_probe_node(struct dhb_device *d); /* fill @d from its open fd (caps, queues) */
/* Open @path (O_RDWR | O_CLOEXEC | O_NONBLOCK when @nonblock) through libv4l2 without conversion. */
int dhb_v4l2_open(const char *path, bool nonblock, int *fd);
void dhb_v4l2_close(int fd);
int dhb_v4l2_ioctl(int fd, unsigned long req, void *arg, uint64_t *retries);
/*
 * Set @q's format to the largest single-plane picture whose frame (sizeimage) fits in @max_bytes,
 * preferring 32-bit RGB (V4L2 XBGR32/BGR32, DRM XRGB8888 in memory), else the queue's first
 * format; @g and *@sizeimage say what the driver chose. -ERANGE when no frame fits.
 */
int dhb_v4l2_fit_format(int fd, const struct dhb_v4l2_queue *q, uint64_t max_bytes,
			struct dhb_geom *g, uint32_t *sizeimage, uint64_t *retries);
/*
 * Set @q's format to hold at least @min_bytes (the smallest such frame); -ERANGE when none.
 * @want (may be NULL) narrows the search: its fourcc is the format (-ENOENT when @q does not
 * offer it), a width alone the frame's width, a width and a height the frame (-ERANGE when the
 * driver answers another size; @g then holds its answer).
 */
int dhb_v4l2_cover_format(int fd, const struct dhb_v4l2_queue *q, uint64_t min_bytes,
			  const struct dhb_geom *want, struct dhb_geom *g, uint32_t *sizeimage,
			  uint64_t *retries);
/* Whether @q offers @pixfmt (VIDIOC_ENUM_FMT). */
bool dhb_v4l2_offers(int fd, const struct dhb_v4l2_queue *q, uint32_t pixfmt, uint64_t *retries);
int dhb_v4l2_reqbufs(int fd, const struct dhb_v4l2_queue *q, uint32_t memory, uint32_t *count,
		     uint64_t *retries);
/*
 * Queue buffer @index of @q importing @dmabuf_fd (V4L2_MEMORY_DMABUF, @length bytes); an output
 * buffer carries @bytesused bytes (the frame's sizeimage: vb2 refuses more than the slot's
 * current length, which starts as the format's sizeimage), ignored for capture.
 */
int dhb_v4l2_qbuf_dmabuf(int fd, const struct dhb_v4l2_queue *q, uint32_t index, int dmabuf_fd,
			 uint32_t length, uint32_t bytesused, uint64_t *retries);
/* Dequeue a DMABUF buffer of @q into *@index (blocking unless @fd was opened non-blocking). */
int dhb_v4l2_dqbuf_dmabuf(int fd, const struct dhb_v4l2_queue *q, uint32_t *index,
			  uint64_t *retries);
/**
 * struct dhb_v4l2_done - what VIDIOC_DQBUF says of the buffer it hands back.
 * @index: buffer index.
 * @sequence: the driver's frame counter (a gap: frames it had no buffer for).
 * @flags: V4L2_BUF_FLAG_* (V4L2_BUF_FLAG_ERROR: the contents are not a good frame).
 * @bytesused: bytes of data (the first plane's).
 * @timestamp_ns: the buffer's timestamp in ns: the driver's, in CLOCK_MONOTONIC, when @flags
 *                has V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC; the one given with the OUTPUT buffer
 *                the frame came from when it has V4L2_BUF_FLAG_TIMESTAMP_COPY (m2m devices).
 */
struct dhb_v4l2_done {
	uint32_t index;
	uint32_t sequence;
	uint32_t flags;
	uint32_t bytesused;
	uint64_t timestamp_ns;
};
/* dhb_v4l2_dqbuf_dmabuf() with what the driver says of the frame. */
int dhb_v4l2_dqbuf_done(int fd, const struct dhb_v4l2_queue *q, struct dhb_v4l2_done *done,
			uint64_t *retries);
int dhb_v4l2_streamon(int fd, const struct dhb_v4l2_queue *q, uint64_t *retries);
/* VIDIOC_STREAMOFF: every queued buffer comes back dequeued (vb2 keeps their attachments). */
int dhb_v4l2_streamoff(int fd, const struct dhb_v4l2_queue *q, uint64_t *retries);
/* VIDIOC_EXPBUF of MMAP buffer @index of @q, as a dma-buf (O_RDWR | O_CLOEXEC). */
int dhb_v4l2_expbuf(int fd, const struct dhb_v4l2_queue *q, uint32_t index, int *dmabuf_fd,
		    uint64_t *retries);

#endif /* DHB_DEVICE_H */
