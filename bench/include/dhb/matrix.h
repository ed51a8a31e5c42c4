// SPDX-License-Identifier: MIT
// The compatibility matrix: which buffer sources each device imports, found by trying.
#ifndef DHB_MATRIX_H
#define DHB_MATRIX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/backend.h"
#include "dhb/device.h"

/*
 * For every dma-buf source × device that imports dma-bufs (× queue, for V4L2): one buffer of the
 * matrix size is allocated from the source and imported once with the import test's own code
 * (PRIME import and, on a KMS card, ADDFB2; V4L2 QBUF with V4L2_MEMORY_DMABUF on each queue
 * that takes it), then everything is released before the next pair. One buffer is alive at a
 * time. A failed import is the answer, not an error: the cell keeps the step and errno, and
 * dhb_matrix_reason() says what that usually means.
 */

/* Outcome of one cell. */
enum dhb_matrix_state {
	DHB_MATRIX_OK,	    /* imported */
	DHB_MATRIX_REFUSED, /* the device refused the buffer (step, err) */
	DHB_MATRIX_NO_TRY,  /* the pair could not be tried (no buffer, no format fits: why) */
};

/**
 * struct dhb_matrix_cell - one source × device (× queue).
 * @src: index of the source in the instances.
 * @dev: index of the device.
 * @queue: the V4L2 queue ("capture", "output"), or NULL for DRM.
 * @state: outcome.
 * @err: -errno of the failed step (REFUSED), or of what prevented the try (NO_TRY).
 * @step: the ioctl that failed, or what could not be done ("allocation").
 * @detail: what was tried (format and size).
 */
struct dhb_matrix_cell {
	size_t src;
	size_t dev;
	const char *queue;
	enum dhb_matrix_state state;
	int err;
	const char *step;
	char detail[96];
};

/**
 * struct dhb_matrix - every cell, sources in instance order, devices in device order.
 * @size: buffer size tried.
 * @cells: cells.
 * @n: number of cells.
 */
struct dhb_matrix {
	uint64_t size;
	struct dhb_matrix_cell *cells;
	size_t n;
};

/* Buffer size of the matrix when none is asked for: large enough that scattered pages show. */
#define DHB_MATRIX_DEFAULT_SIZE (8ull << 20)

/**
 * dhb_matrix_build() - try every usable dma-buf source on every usable importing device.
 * @m: result; release with dhb_matrix_free().
 * @v: instances.
 * @n: number of instances.
 * @d: devices.
 * @nd: number of devices.
 * @size: buffer size.
 * @stop: set asynchronously to stop early (SIGINT), or NULL.
 *
 * Return: 0 (possibly with fewer cells when stopped), or -ENOMEM.
 */
int dhb_matrix_build(struct dhb_matrix *m, struct dhb_instance *v, size_t n, struct dhb_device *d,
		     size_t nd, uint64_t size, const volatile sig_atomic_t *stop);

/**
 * dhb_matrix_reason() - what a refusal means, from its step, errno, its source's properties
 * and what else the same device (queue) took.
 * @m: the matrix.
 * @c: a REFUSED cell of @m.
 * @v: the instances the cells index.
 *
 * Return: a static explanation, or NULL when none is known.
 */
const char *dhb_matrix_reason(const struct dhb_matrix *m, const struct dhb_matrix_cell *c,
			      const struct dhb_instance *v);

/**
 * dhb_matrix_free() - release a matrix.
 * @m: matrix; left empty.
 */
void dhb_matrix_free(struct dhb_matrix *m);

#endif /* DHB_MATRIX_H */
