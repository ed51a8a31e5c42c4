// SPDX-License-Identifier: MIT
// The pipeline command's devices (pipeline_select.c): the kinds of device it takes and choosing one;
// the streams' reference decodes (--verify).
#ifndef DHB_CLI_PIPELINE_SELECT_H
#define DHB_CLI_PIPELINE_SELECT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/device.h"
#include "dhb/opts.h"

#define PIPELINE_PREFIX_CAPTURE "capture:"
#define PIPELINE_PREFIX_DECODER "decoder:"
#define PIPELINE_PREFIX_FD	"fd:" /* --display fd:N, an inherited descriptor */

/* What --verify-with takes: the display's CRCs (debugfs), or a writeback connector's buffers. */
#define PIPELINE_VERIFY_CRC	  "crc"
#define PIPELINE_VERIFY_WRITEBACK "writeback"

/*
 * Whether a device can be the display (a DRM card with KMS and PRIME import), the capture
 * source (a V4L2 video capture node, not m2m, whose queue takes DMABUF), the decoder (a stateful
 * FWHT decoder taking DMABUF) or --make-stream's encoder (a stateful FWHT encoder); when not,
 * why into @why (@len bytes). The codecs' checks ask the device (VIDIOC_ENUM_FMT): it is open.
 */
bool pipeline_display_fits(const struct dhb_device *d, char *why, size_t len);
bool pipeline_capture_fits(const struct dhb_device *d, char *why, size_t len);
bool pipeline_decoder_fits(const struct dhb_device *d, char *why, size_t len);
bool pipeline_encoder_fits(const struct dhb_device *d, char *why, size_t len);

/**
 * pipeline_pick() - the one device @name selects among @v that fits.
 * @opt: the option as given, for messages ("--source capture:vivid").
 * @name: names, nodes, drivers or globs (dhb_devices_select()); NULL: the first of @kind that
 *        fits.
 * @kind: the kind of device the option takes.
 * @v: devices.
 * @n: number of @v.
 * @fits: what the option needs of a device.
 * @err: one line when none fits, or several do.
 * @errlen: size of @err.
 *
 * Return: the device, or NULL.
 */
struct dhb_device *pipeline_pick(const char *opt, const char *name, enum dhb_dev_kind kind,
				 struct dhb_device *v, size_t n,
				 bool (*fits)(const struct dhb_device *, char *, size_t), char *err,
				 size_t errlen);

/*
 * Completion values: --source (capture: and each capture node), --display (each KMS card),
 * --format (the frame formats), --peer (gstreamer).
 */
void pipeline_source_names(dhb_opt_emit emit, void *arg);
void pipeline_display_names(dhb_opt_emit emit, void *arg);
void pipeline_format_names(dhb_opt_emit emit, void *arg);
void pipeline_peer_names(dhb_opt_emit emit, void *arg);

/**
 * pipeline_make_reference() - the reference decode of a stream just made, into PATH.ref
 * (dhb_stream_reference()); on failure neither the stream nor its reference stays.
 * @decoder: the stateful decoder.
 * @path: the stream.
 * @stop: the signal flag.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0, -EINTR when stopped, or -errno.
 */
int pipeline_make_reference(const struct dhb_device *decoder, const char *path,
			    const volatile sig_atomic_t *stop, char *err, size_t errlen);

/**
 * pipeline_read_reference() - --verify: the reference CRCs of the stream @stream (@decoder
 * false: a capture source, which has none).
 * @decoder: the source is a decoder.
 * @stream: the stream file.
 * @crc: the CRCs, malloc'd.
 * @n: frames.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0 or -errno.
 */
int pipeline_read_reference(bool decoder, const char *stream, uint32_t **crc, size_t *n, char *err,
			    size_t errlen);

#endif /* DHB_CLI_PIPELINE_SELECT_H */
