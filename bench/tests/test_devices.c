// SPDX-License-Identifier: MIT
// Unit tests of what the devices need no device for: geometry, selection, capability words.
#include <criterion/criterion.h>
#include <drm_fourcc.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/device.h"

Test(geom, from_size)
{
	struct dhb_geom g;

	cr_assert_eq(dhb_geom_from_size(8 << 20, 0, 32, DRM_FORMAT_XRGB8888, &g), 0);
	cr_expect_eq(g.width, DHB_GEOM_DEFAULT_WIDTH);
	cr_expect_eq(g.pitch, DHB_GEOM_DEFAULT_WIDTH * 4);
	cr_expect_eq(g.height, (8 << 20) / (DHB_GEOM_DEFAULT_WIDTH * 4));
	cr_expect_eq(g.fourcc, DRM_FORMAT_XRGB8888);
	/* Not a whole number of lines: one more line, never less than the size. */
	cr_assert_eq(dhb_geom_from_size(4097 * 4, 1024, 32, 0, &g), 0);
	cr_expect_eq(g.height, 5);
	cr_expect_geq((uint64_t)g.pitch * g.height, 4097 * 4);
	/* Less than a line: one line of as many pixels as it takes. */
	cr_assert_eq(dhb_geom_from_size(6, 0, 32, 0, &g), 0);
	cr_expect_eq(g.width, 2);
	cr_expect_eq(g.height, 1);
	cr_expect_eq(dhb_geom_from_size(0, 0, 32, 0, &g), -EINVAL);
	cr_expect_eq(dhb_geom_from_size(4096, 0, 12, 0, &g), -EINVAL);
	cr_expect_eq(dhb_geom_from_size(4096, 20000, 32, 0, &g), -EINVAL);
	cr_expect_eq(dhb_geom_from_size(1ull << 40, 0, 32, 0, &g), -EINVAL, "too many lines");
}

static void fake(struct dhb_device *d)
{
	static const struct {
		enum dhb_dev_kind kind;
		const char *name, *path, *driver;
	} m[] = {
		{DHB_DEV_DRM, "vkms", "/dev/dri/card1", "vkms"},
		{DHB_DEV_V4L2, "vivid-000-vid-cap", "/dev/video4", "vivid"},
		{DHB_DEV_V4L2, "vivid-001-vid-cap", "/dev/video8", "vivid"},
		{DHB_DEV_V4L2, "vim2m", "/dev/video3", "vim2m"},
	};
	size_t i;

	memset(d, 0, 4 * sizeof(*d));
	for (i = 0; i < 4; i++) {
		d[i].kind = m[i].kind;
		d[i].fd = -1;
		snprintf(d[i].name, sizeof(d[i].name), "%s", m[i].name);
		snprintf(d[i].path, sizeof(d[i].path), "%s", m[i].path);
		snprintf(d[i].driver, sizeof(d[i].driver), "%s", m[i].driver);
	}
}

Test(devices, select)
{
	struct dhb_device d[4];
	char err[256];
	bool sel[4];

	fake(d);
	cr_assert_eq(dhb_devices_select(NULL, d, 4, sel, err, sizeof(err)), 0);
	cr_expect(sel[0] && sel[1] && sel[2] && sel[3]);
	/* A driver selects all its nodes; a node's file name and a glob work too. */
	cr_assert_eq(dhb_devices_select("vivid", d, 4, sel, err, sizeof(err)), 0);
	cr_expect(!sel[0] && sel[1] && sel[2] && !sel[3]);
	cr_assert_eq(dhb_devices_select(" card1 , viv*-001-*", d, 4, sel, err, sizeof(err)), 0);
	cr_expect(sel[0] && !sel[1] && sel[2] && !sel[3]);
	cr_assert_eq(dhb_devices_select("/dev/video3", d, 4, sel, err, sizeof(err)), 0);
	cr_expect(!sel[0] && !sel[1] && !sel[2] && sel[3]);
	cr_expect_eq(dhb_devices_select("vkms,nonesuch", d, 4, sel, err, sizeof(err)), -ENOENT);
	cr_expect(strstr(err, "no device matches 'nonesuch' (here: vkms, vivid-000-vid-cap"), "%s",
		  err);
	cr_expect_eq(dhb_devices_select("vkms,,vim2m", d, 4, sel, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "empty item"), "%s", err);
	cr_expect_eq(dhb_devices_select("x", d, 0, sel, err, sizeof(err)), -ENOENT);
	cr_expect(strstr(err, "here: none"), "%s", err);
}

Test(devices, caps_words)
{
	char buf[160];

	cr_assert_eq(
		dhb_device_caps_format(DHB_DEVCAP_KMS | DHB_DEVCAP_PRIME_IMPORT | DHB_DEVCAP_DUMB,
				       buf, sizeof(buf)),
		0);
	cr_expect_str_eq(buf, "kms, prime-import, dumb");
	cr_assert_eq(dhb_device_caps_format(0, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "none");
	cr_expect_eq(dhb_device_caps_format(DHB_DEVCAP_KMS | DHB_DEVCAP_M2M, buf, 6), -ENOSPC);
}
