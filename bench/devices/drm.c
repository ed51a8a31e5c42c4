// SPDX-License-Identifier: MIT
// DRM cards: what a card can do (libdrm), and the PRIME, dumb-buffer and framebuffer ioctls.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "dhb/device.h"
#include "dhb/ioctl.h"

/* Driver name and description, PRIME and dumb-buffer caps, and whether it has CRTCs (KMS). */
int dhb_drm_probe_card(struct dhb_device *d)
{
	drmVersionPtr ver;
	drmModeResPtr res;
	uint64_t cap;

	ver = drmGetVersion(d->fd);
	if (!ver)
		return errno ? -errno : -ENODEV;
	snprintf(d->driver, sizeof(d->driver), "%.*s", ver->name_len, ver->name);
	snprintf(d->card, sizeof(d->card), "%.*s", ver->desc_len, ver->desc);
	drmFreeVersion(ver);
	if (!drmGetCap(d->fd, DRM_CAP_PRIME, &cap)) {
		if (cap & DRM_PRIME_CAP_IMPORT)
			d->caps |= DHB_DEVCAP_PRIME_IMPORT | DHB_DEVCAP_DMABUF;
		if (cap & DRM_PRIME_CAP_EXPORT)
			d->caps |= DHB_DEVCAP_PRIME_EXPORT;
	}
	if (!drmGetCap(d->fd, DRM_CAP_DUMB_BUFFER, &cap) && cap)
		d->caps |= DHB_DEVCAP_DUMB;
	/* Every plane (primary and cursor too), for dhb_drm_has_format(). */
	drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	res = drmModeGetResources(d->fd);
	if (res) {
		if (res->count_crtcs > 0)
			d->caps |= DHB_DEVCAP_KMS;
		drmModeFreeResources(res);
	}
	return 0;
}

int dhb_drm_prime_import(struct dhb_device *d, int dmabuf_fd, uint32_t *handle)
{
	struct drm_prime_handle a = {.fd = dmabuf_fd};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a, &d->ioctl_retries);

	if (ret < 0)
		return ret;
	*handle = a.handle;
	return 0;
}

int dhb_drm_prime_export(struct dhb_device *d, uint32_t handle, int *dmabuf_fd)
{
	struct drm_prime_handle a = {.handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a, &d->ioctl_retries);

	if (ret < 0)
		return ret;
	*dmabuf_fd = a.fd;
	return 0;
}

int dhb_drm_gem_close(struct dhb_device *d, uint32_t handle)
{
	struct drm_gem_close a = {.handle = handle};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_GEM_CLOSE, &a, &d->ioctl_retries);

	return ret < 0 ? ret : 0;
}

int dhb_drm_dumb_create(struct dhb_device *d, struct dhb_geom *g, uint32_t *handle, uint64_t *size)
{
	struct drm_mode_create_dumb a = {.width = g->width, .height = g->height, .bpp = g->bpp};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &a, &d->ioctl_retries);

	if (ret < 0)
		return ret;
	g->pitch = a.pitch;
	*handle = a.handle;
	*size = a.size;
	return 0;
}

int dhb_drm_addfb(struct dhb_device *d, uint32_t handle, const struct dhb_geom *g, uint32_t *fb_id)
{
	struct drm_mode_fb_cmd2 a = {
		.width = g->width,
		.height = g->height,
		.pixel_format = g->fourcc,
		.handles = {handle},
		.pitches = {g->pitch},
	};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_MODE_ADDFB2, &a, &d->ioctl_retries);

	if (ret < 0)
		return ret;
	*fb_id = a.fb_id;
	return 0;
}

int dhb_drm_rmfb(struct dhb_device *d, uint32_t fb_id)
{
	uint32_t id = fb_id;
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_MODE_RMFB, &id, &d->ioctl_retries);

	return ret < 0 ? ret : 0;
}

bool dhb_drm_has_format(struct dhb_device *d, uint32_t fourcc)
{
	drmModePlaneResPtr res;
	drmModePlanePtr plane;
	bool found = false;
	uint32_t i, j;

	if (!(d->caps & DHB_DEVCAP_KMS))
		return false;
	res = drmModeGetPlaneResources(d->fd);
	if (!res)
		return false;
	for (i = 0; i < res->count_planes && !found; i++) {
		plane = drmModeGetPlane(d->fd, res->planes[i]);
		if (!plane)
			continue;
		for (j = 0; j < plane->count_formats && !found; j++)
			found = plane->formats[j] == fourcc;
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(res);
	return found;
}
