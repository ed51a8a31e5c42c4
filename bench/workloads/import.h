// SPDX-License-Identifier: MIT
// The import test's halves, one per kind of device (DRM, V4L2), and the one-shot trials the
// compatibility matrix (dmaheap-bench list --matrix) makes with the same code.
#ifndef DHB_WORKLOADS_IMPORT_H
#define DHB_WORKLOADS_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/workload.h"

/* Buffers the import test keeps alive at once (the rotation needs two). */
#define DHB_IMPORT_BUFFERS 2

/*
 * A half: what the import test does on one kind of device. setup returns -EOPNOTSUPP with
 * ctx->reason set when the device refuses the source's buffers (a result for the matrix, and a
 * skip for the run), any other -errno for a failure; it releases what it took on failure.
 */
struct dhb_import_half {
	const char *(*supported)(const struct dhb_instance *inst, const struct dhb_device *dev,
				 uint64_t size, char *buf, size_t len);
	int (*setup)(struct dhb_ctx *ctx);
	int (*run_once)(struct dhb_ctx *ctx);
	void (*teardown)(struct dhb_ctx *ctx);
};

extern const struct dhb_import_half dhb_import_drm;
extern const struct dhb_import_half dhb_import_v4l2;

/**
 * struct dhb_import_trial - the outcome of importing one buffer once.
 * @err: 0 when every step worked, else the -errno of the step that failed.
 * @step: the ioctl that failed ("DRM_IOCTL_PRIME_FD_TO_HANDLE", "VIDIOC_QBUF"), or NULL.
 * @detail: what was tried ("XRGB8888 1024x2048", "capture XR24 1280x720"), or "".
 */
struct dhb_import_trial {
	int err;
	const char *step;
	char detail[96];
};

/**
 * dhb_import_refused() - add to ctx->reason how the device refused the buffers:
 * "STEP: ENAME (message) [what was tried]", after a "; " when there is a reason already (one
 * per V4L2 queue).
 * @ctx: context.
 * @t: the trial that failed.
 *
 * Return: -EOPNOTSUPP, what a half's setup returns for a refusal.
 */
int dhb_import_refused(struct dhb_ctx *ctx, const struct dhb_import_trial *t);

/**
 * dhb_import_drm_try() - import @buf into DRM device @dev once: PRIME import, and on a KMS card
 * a framebuffer (ADDFB2, XRGB8888) over it; then release everything.
 * @dev: DRM device with DHB_DEVCAP_PRIME_IMPORT.
 * @buf: allocated dma-buf.
 * @t: outcome.
 *
 * Return: 0 when the trial ran (its outcome in @t), or -errno when it could not be made.
 */
int dhb_import_drm_try(struct dhb_device *dev, struct dhb_buf *buf, struct dhb_import_trial *t);

/**
 * dhb_import_v4l2_try() - import @buf into queue @q of V4L2 device @dev once: a format that
 * fits the buffer, REQBUFS with DMABUF, QBUF (where vb2 attaches and maps it); then release
 * everything (STREAMOFF, REQBUFS 0, close).
 * @dev: V4L2 device.
 * @q: one of its queues with V4L2_BUF_CAP_SUPPORTS_DMABUF.
 * @buf: allocated dma-buf.
 * @t: outcome.
 *
 * Return: 0 when the trial ran (its outcome in @t), or -errno when it could not be made.
 */
int dhb_import_v4l2_try(struct dhb_device *dev, const struct dhb_v4l2_queue *q, struct dhb_buf *buf,
			struct dhb_import_trial *t);

#endif /* DHB_WORKLOADS_IMPORT_H */
