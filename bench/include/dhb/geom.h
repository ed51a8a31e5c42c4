// SPDX-License-Identifier: MIT
// Pictures: the geometry a device's buffer holds (width, height, format), parsed and derived.
#ifndef DHB_GEOM_H
#define DHB_GEOM_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct dhb_geom - the picture a buffer holds, for devices that need one.
 * @width: pixels per line.
 * @height: lines.
 * @bpp: bits per pixel (all planes together: NV12 is 12).
 * @pitch: bytes per line (of the first plane).
 * @fourcc: DRM fourcc (DRM_FORMAT_XRGB8888) or V4L2 pixel format, as the user says; the two
 *          agree on the formats of dhb_fourcc_info() (both call XRGB8888 "XR24").
 *
 * As a request (run --geometry, struct dhb_instance.want) a zero field means "derive it".
 */
struct dhb_geom {
	uint32_t width;
	uint32_t height;
	uint32_t bpp;
	uint32_t pitch;
	uint32_t fourcc;
};

/* Width of the picture dhb_geom_from_size() derives when nothing else is asked for. */
#define DHB_GEOM_DEFAULT_WIDTH 1024
/* The largest width or height a picture may have (DRM's and V4L2's usual limit). */
#define DHB_GEOM_MAX 16384u
/* Room for dhb_geom_format()'s text: "16384x16384@XR24". */
#define DHB_GEOM_FMT_LEN 24

/*
 * Geometry syntax (run --geometry)
 * --------------------------------
 *   geometry := [width ["x" height]] ["@" format]     at least one part
 *   width, height := decimal 1..16384
 *   format := a fourcc of 1 to 4 characters, spaces padded ("C8" is "C8  "), one of
 *             dhb_fourcc_info()'s table, case as written (XR24, YUYV, NV12 ...)
 *
 * A width alone fixes the line and leaves the height to each buffer size; a width and a height
 * fix the picture (with no format: XR24), so the buffer's size is the picture's. Errors come
 * back as -EINVAL with one line naming the offending text.
 */

/**
 * dhb_geom_parse() - read a geometry.
 * @s: the text.
 * @g: result: width, height and fourcc as given (0 when not), bpp of the format (0 when none).
 * @err: one-line message on failure, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0 or -EINVAL.
 */
int dhb_geom_parse(const char *s, struct dhb_geom *g, char *err, size_t errlen);

/**
 * dhb_fourcc_info() - what the tool knows of a pixel format.
 * @fourcc: DRM fourcc or V4L2 pixel format.
 * @bpp: bits per pixel over all planes, may be NULL.
 * @planes: number of planes, may be NULL.
 *
 * Return: 0, or -ENOENT for a format the table does not have.
 */
int dhb_fourcc_info(uint32_t fourcc, uint32_t *bpp, unsigned int *planes);

/**
 * dhb_fourcc_known() - the formats of dhb_fourcc_info()'s table, comma separated, into @buf.
 * @buf: result.
 * @len: size of @buf.
 */
void dhb_fourcc_known(char *buf, size_t len);

/**
 * dhb_geom_bytes() - the bytes of a whole picture: width x height x bpp / 8, rounded up.
 * @g: a picture with width, height and bpp.
 *
 * Return: bytes, 0 when a dimension or the bpp is 0.
 */
uint64_t dhb_geom_bytes(const struct dhb_geom *g);

/**
 * dhb_fourcc_text() - a fourcc as text: trailing spaces dropped ("C8  " is "C8"), a character
 * that is not a letter, digit or space as '?'.
 * @fourcc: DRM fourcc or V4L2 pixel format.
 * @out: result.
 */
void dhb_fourcc_text(uint32_t fourcc, char out[5]);

/**
 * dhb_geom_format() - "WIDTHxHEIGHT@FOURCC" (the fourcc as dhb_fourcc_text() writes it), or
 * "WIDTHxHEIGHT" when @g has no fourcc.
 * @g: picture.
 * @buf: result.
 * @len: size of @buf (DHB_GEOM_FMT_LEN is enough).
 *
 * Return: 0, or -ENOSPC when @buf is too small (it then holds a truncated string).
 */
int dhb_geom_format(const struct dhb_geom *g, char *buf, size_t len);

/**
 * dhb_geom_from_size() - the smallest picture of @width pixels at @bpp that holds @size bytes.
 * @size: bytes.
 * @width: pixels per line; 0: DHB_GEOM_DEFAULT_WIDTH, or fewer when @size is smaller than a
 *         line (a width asked for is kept: one line, more bytes than @size).
 * @bpp: bits per pixel, a multiple of 8.
 * @fourcc: recorded in @g.
 * @g: result; pitch = width * bpp / 8, height = ceil(size / pitch).
 *
 * Return: 0, or -EINVAL (no size, @bpp not a multiple of 8, a dimension beyond DHB_GEOM_MAX).
 */
int dhb_geom_from_size(uint64_t size, uint32_t width, uint32_t bpp, uint32_t fourcc,
		       struct dhb_geom *g);

#endif /* DHB_GEOM_H */
