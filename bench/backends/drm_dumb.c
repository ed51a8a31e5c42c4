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
 * buffers a display driver makes itself, beside the heaps. A buffer of N bytes is a 32-bit
 * XRGB8888 picture DHB_GEOM_DEFAULT_WIDTH pixels wide and as many lines as N needs
 * (dhb_geom_from_size()); the driver rounds its pitch and size up, never down. The dma-buf is
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

static int drm_dumb_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	struct dhb_device *d = inst->priv;
	struct dhb_geom g;
	uint64_t got;
	uint32_t handle;
	int ret, r2;

	dhb_buf_init(buf, inst);
	ret = dhb_geom_from_size(size, 0, 32, DRM_FORMAT_XRGB8888, &g);
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
	if (!ret)
		buf->size = size;
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
	.help = "DRM dumb buffers (DRM_IOCTL_MODE_CREATE_DUMB, XRGB8888) exported with PRIME",
	.caps = DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP,
	.access_rule = "SUBSYSTEM==\"drm\", KERNEL==\"card*\", GROUP=\"video\", MODE=\"0660\"",
	.probe = drm_dumb_probe,
	.release = drm_dumb_release,
	.alloc = drm_dumb_alloc,
	.free = dhb_close_fds,
	.map = dhb_mmap_fd,
	.unmap = dhb_munmap_fd,
	.sync = dhb_sync_dmabuf,
};
