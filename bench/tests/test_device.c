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

Test(geom, from_size_asked_width)
{
	struct dhb_geom g;

	/* a width asked for is kept, even when the size is less than a line */
	cr_assert_eq(dhb_geom_from_size(100, 1920, 32, 0, &g), 0);
	cr_assert_eq(g.width, 1920);
	cr_assert_eq(g.height, 1);
}

Test(geom, parse)
{
	struct dhb_geom g;
	char err[400];

	cr_assert_eq(dhb_geom_parse("1920x1080@XR24", &g, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(g.width, 1920);
	cr_expect_eq(g.height, 1080);
	cr_expect_eq(g.bpp, 32);
	cr_expect_eq(g.fourcc, 0x34325258);
	cr_expect_eq(dhb_geom_bytes(&g), 1920ull * 1080 * 4);
	/* a whole picture without a format is XR24 */
	cr_assert_eq(dhb_geom_parse("640x480", &g, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(g.fourcc, 0x34325258);
	cr_expect_eq(dhb_geom_bytes(&g), 640 * 480 * 4);
	/* a width alone, a format alone */
	cr_assert_eq(dhb_geom_parse("1280", &g, err, sizeof(err)), 0, "%s", err);
	cr_expect(g.width == 1280 && !g.height && !g.fourcc && !g.bpp);
	cr_assert_eq(dhb_geom_parse("@YUYV", &g, err, sizeof(err)), 0, "%s", err);
	cr_expect(!g.width && !g.height && g.bpp == 16);
	/* planar formats count every plane; a short fourcc is padded with spaces */
	cr_assert_eq(dhb_geom_parse("1920x1080@NV12", &g, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(dhb_geom_bytes(&g), 1920ull * 1080 * 3 / 2);
	cr_assert_eq(dhb_geom_parse("16x16@C8", &g, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(g.fourcc, (uint32_t)('C' | '8' << 8 | ' ' << 16 | ' ' << 24));
	cr_expect_eq(dhb_geom_bytes(&g), 256);
	cr_assert_eq(dhb_geom_parse("16384x16384", &g, err, sizeof(err)), 0, "%s", err);
}

Test(geom, parse_bad)
{
	static const char *const bad[] = {
		"",	      "x",
		"0x10",	      "10x0",
		"010",	      "16385",
		"10x16385",   "x1080",
		"1920x",      "1920y1080",
		"1920x1080@", "@",
		"@XR2",	      "@XR245",
		"@xr24",      "1920 x 1080",
		" 1920",      "1920@XR24 ",
		"-1",	      "1e3",
		"@X-24",      "99999999999999999999",
	};
	struct dhb_geom g;
	char err[400];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(dhb_geom_parse(bad[i], &g, err, sizeof(err)), -EINVAL, "%s", bad[i]);
		cr_expect(err[0] && !strchr(err, '\n'), "%s: %s", bad[i], err);
		cr_expect(!g.width && !g.height && !g.fourcc, "%s", bad[i]);
	}
	/* the message names the text and, for a format, what is known */
	dhb_geom_parse("@ABCD", &g, err, sizeof(err));
	cr_expect(strstr(err, "ABCD") && strstr(err, "XR24") && strstr(err, "NV12"), "%s", err);
	cr_expect_eq(dhb_geom_parse("1x1", &g, NULL, 0), 0);
	cr_expect_eq(dhb_geom_parse("x", &g, NULL, 0), -EINVAL);
}

Test(geom, format)
{
	struct dhb_geom g = {1920, 1080, 32, 7680, 0x34325258};
	char buf[DHB_GEOM_FMT_LEN];

	cr_assert_eq(dhb_geom_format(&g, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "1920x1080@XR24");
	g.fourcc = 'C' | '8' << 8 | ' ' << 16 | ' ' << 24;
	dhb_geom_format(&g, buf, sizeof(buf));
	cr_expect_str_eq(buf, "1920x1080@C8");
	g.fourcc = 0x01020304;
	dhb_geom_format(&g, buf, sizeof(buf));
	cr_expect_str_eq(buf, "1920x1080@????");
	g.fourcc = 0;
	dhb_geom_format(&g, buf, sizeof(buf));
	cr_expect_str_eq(buf, "1920x1080");
	cr_expect_eq(dhb_geom_format(&g, buf, 5), -ENOSPC);
	g = (struct dhb_geom){DHB_GEOM_MAX, DHB_GEOM_MAX, 32, 0, 0x34325258};
	cr_expect_eq(dhb_geom_format(&g, buf, sizeof(buf)), 0);
	cr_expect_eq(dhb_fourcc_info(0x34325258, NULL, NULL), 0);
	cr_expect_eq(dhb_fourcc_info(0, NULL, NULL), -ENOENT);
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
	cr_assert_eq(ops->caps, DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP | DHB_CAP_GEOMETRY |
					DHB_CAP_V4L2_FOURCC);
	cr_assert_not_null(ops->supported);
	cr_assert(strstr(ops->access_rule, "video4linux"));
	cr_assert_eq(dhb_backend_validate(ops, NULL, 0), 0);
}
