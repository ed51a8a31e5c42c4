// SPDX-License-Identifier: MIT
// Unit tests of what devices need without one: picture geometry, --devices selection, caps words.
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/backend.h"
#include "dhb/device.h"

Test(geom, from_size)
{
	struct dhb_geom g;

	cr_assert_eq(dhb_geom_from_size(8u << 20, 0, 32, 0x34325258, &g), 0);
	cr_assert_eq(g.width, DHB_GEOM_DEFAULT_WIDTH);
	cr_assert_eq(g.pitch, 4096);
	cr_assert_eq(g.height, 2048);
	cr_assert_eq(g.fourcc, 0x34325258);
	/* a partial last line rounds up */
	cr_assert_eq(dhb_geom_from_size(4097, 0, 32, 0, &g), 0);
	cr_assert_eq(g.height, 2);
	/* less than a line: one line of as many pixels as it takes */
	cr_assert_eq(dhb_geom_from_size(10, 0, 32, 0, &g), 0);
	cr_assert_eq(g.width, 3);
	cr_assert_eq(g.height, 1);
	cr_assert_eq(g.pitch, 12);
	cr_assert_eq(dhb_geom_from_size(1 << 20, 640, 16, 0, &g), 0);
	cr_assert_eq(g.pitch, 1280);
	cr_assert_eq(g.height, 820);
}

Test(geom, bad)
{
	struct dhb_geom g;

	cr_assert_eq(dhb_geom_from_size(0, 0, 32, 0, &g), -EINVAL);
	cr_assert_eq(dhb_geom_from_size(4096, 0, 12, 0, &g), -EINVAL);
	cr_assert_eq(dhb_geom_from_size(4096, 0, 0, 0, &g), -EINVAL);
	cr_assert_eq(dhb_geom_from_size(4096, 16385, 32, 0, &g), -EINVAL);
	/* more than 16384 lines */
	cr_assert_eq(dhb_geom_from_size(1ull << 40, 0, 32, 0, &g), -EINVAL);
}

static void dev(struct dhb_device *d, enum dhb_dev_kind kind, const char *name, const char *path,
		const char *driver)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->fd = -1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->path, sizeof(d->path), "%s", path);
	snprintf(d->driver, sizeof(d->driver), "%s", driver);
}

static struct dhb_device devs[5];

static void setup_devs(void)
{
	dev(&devs[0], DHB_DEV_DRM, "vkms", "/dev/dri/card0", "vkms");
	dev(&devs[1], DHB_DEV_V4L2, "vivid-000-vid-cap", "/dev/video4", "vivid");
	dev(&devs[2], DHB_DEV_V4L2, "vivid-001-vid-cap", "/dev/video8", "vivid");
	dev(&devs[3], DHB_DEV_V4L2, "vim2m", "/dev/video3", "vim2m");
	dev(&devs[4], DHB_DEV_V4L2, "vicodec-stateful-decoder", "/dev/video1", "vicodec");
}

Test(devices, select, .init = setup_devs)
{
	bool sel[5];
	char err[256];

	cr_assert_eq(dhb_devices_select(NULL, devs, 5, sel, err, sizeof(err)), 0);
	cr_assert(sel[0] && sel[1] && sel[2] && sel[3] && sel[4]);
	cr_assert_eq(dhb_devices_select("vivid*,vim2m", devs, 5, sel, err, sizeof(err)), 0);
	cr_assert(!sel[0] && sel[1] && sel[2] && sel[3] && !sel[4]);
	/* a driver selects all of its nodes; a node file name one */
	cr_assert_eq(dhb_devices_select("vicodec, video4", devs, 5, sel, err, sizeof(err)), 0);
	cr_assert(!sel[0] && sel[1] && !sel[2] && !sel[3] && sel[4]);
	cr_assert_eq(dhb_devices_select("card0", devs, 5, sel, err, sizeof(err)), 0);
	cr_assert(sel[0] && !sel[1]);
	/* a kind selects its devices, and matching none of them is no error */
	cr_assert_eq(dhb_devices_select("drm", devs, 5, sel, err, sizeof(err)), 0);
	cr_assert(sel[0] && !sel[1] && !sel[2] && !sel[3] && !sel[4]);
	cr_assert_eq(dhb_devices_select("v4l2", devs, 1, sel, err, sizeof(err)), 0);
	cr_assert(!sel[0]);
}

Test(devices, select_errors, .init = setup_devs)
{
	bool sel[5];
	char err[256];

	cr_assert_eq(dhb_devices_select("vivid,nosuch", devs, 5, sel, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "'nosuch'"), "%s", err);
	cr_assert(strstr(err, "vim2m"), "names the devices there are: %s", err);
	cr_assert_eq(dhb_devices_select("vivid,,vim2m", devs, 5, sel, err, sizeof(err)), -EINVAL);
	cr_assert_eq(dhb_devices_select("x", devs, 0, sel, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "none"), "%s", err);
}

Test(devices, caps_words)
{
	char buf[128];

	cr_assert_eq(dhb_device_caps_format(DHB_DEVCAP_CAPTURE | DHB_DEVCAP_M2M | DHB_DEVCAP_DMABUF,
					    buf, sizeof(buf)),
		     0);
	cr_assert_str_eq(buf, "capture, m2m, dmabuf-import");
	cr_assert_eq(dhb_device_caps_format(0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "none");
	cr_assert_eq(dhb_device_caps_format(DHB_DEVCAP_KMS, buf, 3), -ENOSPC);
}

Test(backends, v4l2_mmap)
{
	const struct dhb_backend_ops *ops = dhb_backend_find("v4l2-mmap");

	cr_assert_not_null(ops);
	cr_assert_eq(ops->caps, DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP);
	cr_assert_not_null(ops->supported);
	cr_assert(strstr(ops->access_rule, "video4linux"));
	cr_assert_eq(dhb_backend_validate(ops, NULL, 0), 0);
}
