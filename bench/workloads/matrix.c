// SPDX-License-Identifier: MIT
// The compatibility matrix: every dma-buf source tried once on every importing device.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/videodev2.h>

#include "dhb/matrix.h"
#include "import.h"

/* Room for one more cell, or NULL. */
static struct dhb_matrix_cell *add_cell(struct dhb_matrix *m, size_t *cap, size_t src, size_t dev,
					const char *queue)
{
	struct dhb_matrix_cell *c;

	if (m->n == *cap) {
		c = realloc(m->cells, (*cap ? *cap * 2 : 32) * sizeof(*c));
		if (!c)
			return NULL;
		m->cells = c;
		*cap = *cap ? *cap * 2 : 32;
	}
	c = &m->cells[m->n++];
	memset(c, 0, sizeof(*c));
	c->src = src;
	c->dev = dev;
	c->queue = queue;
	return c;
}

static void from_trial(struct dhb_matrix_cell *c, int ret, const struct dhb_import_trial *t)
{
	if (ret) {
		c->state = DHB_MATRIX_NO_TRY;
		c->err = ret;
		c->step = t->step ? t->step : "trial";
	} else {
		c->state = t->err ? DHB_MATRIX_REFUSED : DHB_MATRIX_OK;
		c->err = t->err;
		c->step = t->step;
	}
	snprintf(c->detail, sizeof(c->detail), "%s", t->detail);
}

/* Every cell of source @s on device @dev with buffer @buf (NULL with @alloc_err: none). */
static int try_device(struct dhb_matrix *m, size_t *cap, size_t s, size_t di,
		      struct dhb_device *dev, struct dhb_buf *buf, int alloc_err)
{
	struct dhb_import_trial t;
	struct dhb_matrix_cell *c;
	unsigned int q;
	int ret;

	for (q = 0; q < (dev->kind == DHB_DEV_DRM ? 1 : dev->n_queues); q++) {
		const struct dhb_v4l2_queue *vq = dev->kind == DHB_DEV_DRM ? NULL : &dev->queues[q];

		if (vq && !(vq->mem & V4L2_BUF_CAP_SUPPORTS_DMABUF))
			continue;
		c = add_cell(m, cap, s, di, vq ? vq->name : NULL);
		if (!c)
			return -ENOMEM;
		if (alloc_err) {
			c->state = DHB_MATRIX_NO_TRY;
			c->err = alloc_err;
			c->step = "allocation";
			continue;
		}
		memset(&t, 0, sizeof(t));
		ret = vq ? dhb_import_v4l2_try(dev, vq, buf, &t) : dhb_import_drm_try(dev, buf, &t);
		from_trial(c, ret, &t);
	}
	return 0;
}

int dhb_matrix_build(struct dhb_matrix *m, struct dhb_instance *v, size_t n, struct dhb_device *d,
		     size_t nd, uint64_t size, const volatile sig_atomic_t *stop)
{
	struct dhb_buf buf;
	size_t s, i, cap = 0;
	int ret = 0, aerr;

	memset(m, 0, sizeof(*m));
	m->size = size;
	for (s = 0; s < n && !ret && !(stop && *stop); s++) {
		if (v[s].err || !dhb_instance_is_dmabuf(&v[s]))
			continue;
		aerr = v[s].ops->alloc(&v[s], size, &buf);
		for (i = 0; i < nd && !ret && !(stop && *stop); i++) {
			if (d[i].err || !(d[i].caps & DHB_DEVCAP_DMABUF))
				continue;
			ret = try_device(m, &cap, s, i, &d[i], aerr ? NULL : &buf, aerr);
		}
		if (!aerr)
			dhb_buf_release(&buf);
	}
	return ret;
}

/*
 * vb2 answers both of its common refusals with EFAULT at QBUF: a dma-contig queue when the
 * buffer is not physically contiguous (vb2_dc_map_dmabuf), a vmalloc queue when the exporter has
 * no vmap (vb2_vmalloc_map_dmabuf). Which queue is which userspace cannot ask, and whether a
 * heap's buffer happens to be contiguous is luck (the system heap's 1M chunks are often adjacent
 * in a fresh machine), so only a source known to be contiguous rules the first one out.
 */
const char *dhb_matrix_reason(const struct dhb_matrix *m, const struct dhb_matrix_cell *c,
			      const struct dhb_instance *v)
{
	(void)m;
	if (c->state != DHB_MATRIX_REFUSED)
		return NULL;
	if (c->queue && c->err == -EFAULT) {
		if (v[c->src].props & DHB_PROP_CONTIGUOUS)
			return "the exporter lacks what the driver needs to map it (vb2-vmalloc "
			       "drivers need the exporter's vmap)";
		return "the buffer is not physically contiguous and the queue needs that "
		       "(vb2-dma-contig), or the exporter lacks the vmap a vb2-vmalloc queue needs";
	}
	if (c->queue && c->err == -EBADR)
		return "the queue takes buffers only with a media request (a stateless codec), "
		       "which this trial does not make";
	if (!c->queue && c->err == -EINVAL && c->step && strstr(c->step, "ADDFB2"))
		return "the card refuses a framebuffer of this format or size over the buffer";
	return NULL;
}

void dhb_matrix_free(struct dhb_matrix *m)
{
	free(m->cells);
	memset(m, 0, sizeof(*m));
}
