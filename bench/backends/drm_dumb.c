// SPDX-License-Identifier: MIT
// drm-dumb backend: DRM dumb buffers (MODE_CREATE_DUMB on a card), exported as dma-bufs (PRIME).
#include <drm_fourcc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/device.h"

/*
 * One instance per DRM card that creates dumb buffers and exports them ("drm-dumb:vkms"): the
 * buffers a display driver makes itself, beside the heaps. A buffer of N bytes is a picture
 * (DHB_CAP_GEOMETRY): by default 32-bit XRGB8888, DHB_GEOM_DEFAULT_WIDTH pixels wide and as many
 * lines as N needs (dhb_geom_from_size()); run --geometry sets the width, the format (one plane
 * of whole bytes per pixel: a dumb buffer has a bpp, not a layout) or the whole picture, which
 * must then hold N bytes. The driver rounds its pitch and size up, never down. The dma-buf is
 * all that is kept: the GEM handle is closed right after the export (the dma-buf holds the
 * object), so freeing is one close(), as for a heap's buffer.
 */
#define DUMB_NEEDS (DHB_DEVCAP_DUMB | DHB_DEVCAP_PRIME_EXPORT)

static int drm_dumb_probe(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
			  size_t *n)
{
	struct dhb_device *v, *d;
	struct dhb_instance *inst;
	size_t nd, i;
	int ret;

	ret = dhb_devices_probe_kind(DHB_DEV_DRM, &v, &nd);
	if (ret)
		return ret;
	for (i = 0; i < nd; i++) {
		if (!v[i].err && (v[i].caps & DUMB_NEEDS) != DUMB_NEEDS)
			continue;
		if (*n >= max)
			break;
		d = malloc(sizeof(*d));
		if (!d) {
			ret = -ENOMEM;
			break;
		}
		*d = v[i];
		v[i].fd = -1; /* the instance owns it now */
		inst = &out[(*n)++];
		memset(inst, 0, sizeof(*inst));
		inst->ops = ops;
		inst->dev_fd = d->fd;
		inst->priv = d;
		snprintf(inst->name, sizeof(inst->name), "drm-dumb:%.50s", d->name);
		snprintf(inst->path, sizeof(inst->path), "%s", d->path);
		inst->err = d->err;
	}
	dhb_devices_release(v, nd);
	return ret;
}

static void drm_dumb_release(struct dhb_instance *inst)
{
	struct dhb_device *d = inst->priv;

	if (d) {
		dhb_device_close(d);
		free(d);
	}
	inst->priv = NULL;
	inst->dev_fd = -1;
}

/* The picture for a buffer of @size bytes: what was asked, the rest derived; else why in @why. */
static int dumb_geom(const struct dhb_instance *inst, uint64_t size, struct dhb_geom *g, char *why,
		     size_t len)
{
	const struct dhb_geom *w = &inst->want;
	uint32_t fourcc = w->fourcc ? w->fourcc : DRM_FORMAT_XRGB8888, bpp = 0;
	char pic[DHB_GEOM_FMT_LEN], cc[5];
	unsigned int planes = 0;

	if (dhb_fourcc_info(fourcc, &bpp, &planes) || planes != 1 || bpp % 8) {
		dhb_fourcc_text(fourcc, cc);
		snprintf(why, len,
			 "%s: a dumb buffer is one plane of whole bytes per pixel; %s is not",
			 inst->name, cc);
		return -EOPNOTSUPP;
	}
	if (!w->height)
		return dhb_geom_from_size(size, w->width, bpp, fourcc, g);
	*g = (struct dhb_geom){w->width, w->height, bpp, w->width * (bpp / 8), fourcc};
	if (dhb_geom_bytes(g) >= size)
		return 0;
	dhb_geom_format(g, pic, sizeof(pic));
	snprintf(why, len, "%s: a %s picture holds %llu bytes, less than %llu", inst->name, pic,
		 (unsigned long long)dhb_geom_bytes(g), (unsigned long long)size);
	return -ERANGE;
}

static const char *drm_dumb_supported(const struct dhb_instance *inst, uint64_t size, char *buf,
				      size_t len)
{
	struct dhb_geom g;
	int ret;

	buf[0] = '\0';
	ret = dumb_geom(inst, size, &g, buf, len);
	if (ret && !buf[0])
		snprintf(buf, len, "%s: no picture of %llu bytes %u pixels wide (at most %u lines)",
			 inst->name, (unsigned long long)size,
			 inst->want.width ? inst->want.width : DHB_GEOM_DEFAULT_WIDTH,
			 DHB_GEOM_MAX);
	return ret ? buf : NULL;
}

static int drm_dumb_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	struct dhb_device *d = inst->priv;
	struct dhb_geom g;
	char why[8];
	uint64_t got;
	uint32_t handle;
	int ret, r2;

	dhb_buf_init(buf, inst);
	ret = dumb_geom(inst, size, &g, why, sizeof(why));
	if (ret)
		return ret;
	ret = dhb_drm_dumb_create(d, &g, &handle, &got);
	if (ret)
		goto out_count;
	if (got < size) {
		ret = -ENOSPC; /* a driver that gave less than the picture needs */
		goto out_close;
	}
	ret = dhb_drm_prime_export(d, handle, &buf->fd);
	if (!ret) {
		buf->size = size;
		inst->got = g;
	}
out_close:
	r2 = dhb_drm_gem_close(d, handle);
	if (r2 && !ret) {
		close(buf->fd);
		buf->fd = -1;
		ret = r2;
	}
out_count:
	inst->ioctl_retries += d->ioctl_retries;
	d->ioctl_retries = 0;
	return ret;
}

const struct dhb_backend_ops dhb_backend_drm_dumb = {
	.name = "drm-dumb",
	.help = "DRM dumb buffers (DRM_IOCTL_MODE_CREATE_DUMB, XRGB8888 unless --geometry says) "
		"exported with PRIME",
	.caps = DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP | DHB_CAP_GEOMETRY,
	.access_rule = "SUBSYSTEM==\"drm\", KERNEL==\"card*\", GROUP=\"video\", MODE=\"0660\"",
	.probe = drm_dumb_probe,
	.release = drm_dumb_release,
	.alloc = drm_dumb_alloc,
	.free = dhb_close_fds,
	.map = dhb_mmap_fd,
	.unmap = dhb_munmap_fd,
	.sync = dhb_sync_dmabuf,
	.supported = drm_dumb_supported,
};
