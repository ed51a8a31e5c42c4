// SPDX-License-Identifier: MIT
// The pipeline command's devices: which can be its display, capture source, decoder or encoder;
// the streams' reference decodes.
#include <errno.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/device.h"
#include "dhb/pipeline.h"
#include "pipeline_select.h"

/* Whether @d can be the display; why not into @why. */
bool pipeline_display_fits(const struct dhb_device *d, char *why, size_t len)
{
	if (d->kind != DHB_DEV_DRM)
		snprintf(why, len, "%s is not a DRM card", d->name);
	else if (d->err)
		snprintf(why, len, "%s: %s", d->name, strerror(-d->err));
	else if (!(d->caps & DHB_DEVCAP_KMS))
		snprintf(why, len, "%s has no KMS (no CRTC): not a display", d->name);
	else if (!(d->caps & DHB_DEVCAP_PRIME_IMPORT))
		snprintf(why, len, "%s imports no dma-buf (no PRIME import)", d->name);
	else
		return true;
	return false;
}

/* Whether @d can be the capture source; why not into @why. */
bool pipeline_capture_fits(const struct dhb_device *d, char *why, size_t len)
{
	if (d->kind != DHB_DEV_V4L2)
		snprintf(why, len, "%s is not a V4L2 node", d->name);
	else if (d->err)
		snprintf(why, len, "%s: %s", d->name, strerror(-d->err));
	else if (d->caps & (DHB_DEVCAP_M2M | DHB_DEVCAP_CODEC))
		snprintf(why, len,
			 "%s is memory to memory (a codec or converter), not a capture node",
			 d->name);
	else if (!(d->caps & DHB_DEVCAP_CAPTURE))
		snprintf(why, len, "%s has no video capture queue", d->name);
	else if (!(d->caps & DHB_DEVCAP_DMABUF))
		snprintf(why, len,
			 "%s's capture queue takes no DMABUF buffers, or another process is using "
			 "it (VIDIOC_REQBUFS)",
			 d->name);
	else
		return true;
	return false;
}

/* A memory-to-memory codec node of @d whose @queue (capture or output) offers FWHT. */
static bool fwht_codec(const struct dhb_device *d, bool capture)
{
	unsigned int i;

	if (d->kind != DHB_DEV_V4L2 || d->err || d->fd < 0 || !(d->caps & DHB_DEVCAP_M2M))
		return false;
	for (i = 0; i < d->n_queues; i++) {
		if (!V4L2_TYPE_IS_CAPTURE(d->queues[i].type) == !capture &&
		    dhb_v4l2_offers(d->fd, &d->queues[i], V4L2_PIX_FMT_FWHT, NULL))
			return true;
	}
	return false;
}

/* Whether @d decodes FWHT statefully into DMABUF buffers; why not into @why. */
bool pipeline_decoder_fits(const struct dhb_device *d, char *why, size_t len)
{
	if (!fwht_codec(d, false))
		snprintf(why, len, "no stateful FWHT decoder here (vicodec)");
	else if (!(d->caps & DHB_DEVCAP_DMABUF))
		snprintf(why, len, "%s takes no DMABUF buffers", d->name);
	else
		return true;
	return false;
}

/* Whether @d encodes into FWHT; why not into @why. */
bool pipeline_encoder_fits(const struct dhb_device *d, char *why, size_t len)
{
	if (fwht_codec(d, true))
		return true;
	snprintf(why, len, "no stateful FWHT encoder here (vicodec)");
	return false;
}

/*
 * The one device @name selects (NULL: the first that fits) among @v that fits; NULL with one
 * line in @err when none does or several do. @opt is the option as given ("--source
 * capture:vivid"), @kind the kind of device it takes.
 */
struct dhb_device *pipeline_pick(const char *opt, const char *name, enum dhb_dev_kind kind,
				 struct dhb_device *v, size_t n,
				 bool (*fits)(const struct dhb_device *, char *, size_t), char *err,
				 size_t errlen)
{
	struct dhb_device *one = NULL;
	char why[200] = "", names[160] = "", tmp[200];
	size_t i, found = 0, used = 0;
	bool *sel;

	sel = calloc(n ? n : 1, sizeof(*sel));
	if (!sel) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (name && dhb_devices_select(name, v, n, sel, why, sizeof(why))) {
		/* its message speaks of run's option */
		snprintf(err, errlen, "%s: %s", opt,
			 strncmp(why, "--devices: ", 11) ? why : why + 11);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (name ? !sel[i] : v[i].kind != kind)
			continue;
		if (!fits(&v[i], tmp, sizeof(tmp))) {
			if (!*why)
				snprintf(why, sizeof(why), "%s", tmp);
			continue;
		}
		if (!one)
			one = &v[i];
		found++;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", v[i].name);
		if (!name)
			break;
	}
	if (found == 1)
		goto out;
	if (found > 1)
		snprintf(err, errlen, "%s: selects %zu devices (%s); name one", opt, found, names);
	else
		snprintf(err, errlen, "%s: %s", opt,
			 *why ? why : "no such device here (dmaheap-bench list shows them)");
	one = NULL;
out:
	free(sel);
	return one;
}

/* The names of the devices of @kind that fit, each after @prefix, for completion. */
static void emit_fitting(enum dhb_dev_kind kind,
			 bool (*fits)(const struct dhb_device *, char *, size_t),
			 const char *prefix, dhb_opt_emit emit, void *arg)
{
	char name[DHB_NAME_LEN + 16], why[8];
	struct dhb_device *v = NULL;
	size_t n = 0, i;

	if (dhb_devices_probe_kind(kind, &v, &n))
		return;
	for (i = 0; i < n; i++) {
		if (!fits(&v[i], why, sizeof(why)))
			continue;
		snprintf(name, sizeof(name), "%s%s", prefix, v[i].name);
		emit(arg, name);
	}
	dhb_devices_release(v, n);
}

/* What --source takes: capture: and each capture node found here. */
void pipeline_source_names(dhb_opt_emit emit, void *arg)
{
	emit_fitting(DHB_DEV_V4L2, pipeline_capture_fits, PIPELINE_PREFIX_CAPTURE, emit, arg);
}

/* What --display takes: each KMS card found here. */
void pipeline_display_names(dhb_opt_emit emit, void *arg)
{
	emit_fitting(DHB_DEV_DRM, pipeline_display_fits, "", emit, arg);
}

/* What --format takes. */
void pipeline_format_names(dhb_opt_emit emit, void *arg)
{
	char name[5];
	size_t i;

	for (i = 0; dhb_pipe_format_at(i, name); i++)
		emit(arg, name);
}

/* What --peer takes. */
void pipeline_peer_names(dhb_opt_emit emit, void *arg)
{
	emit(arg, dhb_gst_peer_ops.name);
}

/* PATH.ref, or -ENAMETOOLONG. */
static int ref_path(const char *stream, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%s.ref", stream) < len ? 0 : -ENAMETOOLONG;
}

int pipeline_make_reference(const struct dhb_device *decoder, const char *path,
			    const volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	char ref[4096];
	uint32_t *crc = NULL;
	size_t n = 0;
	int ret;

	ret = ref_path(path, ref, sizeof(ref));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	if (!ret)
		ret = dhb_stream_reference(decoder, path, stop, &crc, &n, err, errlen);
	if (!ret) {
		ret = dhb_ref_write(ref, crc, n);
		if (ret)
			snprintf(err, errlen, "writing %s: %s", ref, strerror(-ret));
	}
	free(crc);
	if (ret)
		unlink(path);
	return ret;
}

int pipeline_read_reference(bool decoder, const char *stream, uint32_t **crc, size_t *n, char *err,
			    size_t errlen)
{
	char ref[4096];
	int ret;

	*crc = NULL;
	*n = 0;
	if (!decoder) {
		snprintf(err, errlen,
			 "--verify checks a decoder's frames against the stream's reference "
			 "decode: a capture source has no reference (--source decoder:FILE)");
		return -EINVAL;
	}
	ret = ref_path(stream, ref, sizeof(ref));
	if (ret) {
		snprintf(err, errlen, "%s: %s", stream, strerror(-ret));
		return ret;
	}
	return dhb_ref_read(ref, crc, n, err, errlen);
}
