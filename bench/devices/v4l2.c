// SPDX-License-Identifier: MIT
// V4L2 video nodes through libv4l2 (conversion off): capabilities, queues, formats and buffers.
#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhb/device.h"
#include "dhb/ioctl.h"

int dhb_v4l2_ioctl(int fd, unsigned long req, void *arg, uint64_t *retries)
{
	int ret = dhb_ioctl_via(v4l2_ioctl, fd, req, arg, retries);

	return ret < 0 ? ret : 0;
}

/*
 * v4l2_fd_open() with what its plugins print on stdout sent to /dev/null: stdout holds the tool's
 * tables, and its CSV or JSON given "-". libv4l-mplane, the plugin Debian's libv4l-0 ships, prints
 * "Using mplane plugin for ..." there for each multiplanar capture or output node it takes.
 * What they print on stderr stays. Where stdout cannot be set aside, the open is a plain one.
 */
static int fd_open_quiet(int fd)
{
	int saved, null, ret, err;

	if (fflush(stdout))
		return v4l2_fd_open(fd, V4L2_DISABLE_CONVERSION);
	saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
		return v4l2_fd_open(fd, V4L2_DISABLE_CONVERSION);
	}
	ret = v4l2_fd_open(fd, V4L2_DISABLE_CONVERSION);
	err = errno;
	fflush(stdout);
	clearerr(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	errno = err;
	return ret;
}

int dhb_v4l2_open(const char *path, bool nonblock, int *fd)
{
	int raw, ret;

	*fd = -1;
	raw = open(path, O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (raw < 0)
		return -errno;
	/* libv4l2 takes the descriptor over; with conversion off it passes formats through. */
	if (fd_open_quiet(raw) < 0) {
		ret = -errno;
		close(raw);
		return ret ? ret : -EIO;
	}
	*fd = raw;
	return 0;
}

void dhb_v4l2_close(int fd)
{
	if (fd >= 0)
		v4l2_close(fd);
}

static bool is_mplane(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ||
	       type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
}

/* Whether queue @type of @d takes or gives only compressed formats (a codec's bitstream side). */
static bool queue_compressed(struct dhb_device *d, uint32_t type)
{
	struct v4l2_fmtdesc f = {.type = type};
	bool any = false;

	for (f.index = 0; f.index < 64; f.index++) {
		if (dhb_v4l2_ioctl(d->fd, VIDIOC_ENUM_FMT, &f, &d->ioctl_retries))
			break;
		if (!(f.flags & V4L2_FMT_FLAG_COMPRESSED))
			return false;
		any = true;
	}
	return any;
}

/* Add queue @type of @d with the memory types REQBUFS(0) reports. */
static void add_queue(struct dhb_device *d, uint32_t type, const char *name)
{
	struct v4l2_requestbuffers rb = {.count = 0, .type = type, .memory = V4L2_MEMORY_MMAP};
	struct dhb_v4l2_queue *q;

	if (d->n_queues >= DHB_DEV_MAX_QUEUES)
		return;
	q = &d->queues[d->n_queues++];
	q->type = type;
	q->name = name;
	q->mem = 0;
	if (!dhb_v4l2_ioctl(d->fd, VIDIOC_REQBUFS, &rb, &d->ioctl_retries))
		q->mem = rb.capabilities ? rb.capabilities : V4L2_BUF_CAP_SUPPORTS_MMAP;
	if (q->mem & V4L2_BUF_CAP_SUPPORTS_DMABUF)
		d->caps |= DHB_DEVCAP_DMABUF;
	if (q->mem & V4L2_BUF_CAP_SUPPORTS_MMAP)
		d->caps |= DHB_DEVCAP_EXPBUF;
	if (queue_compressed(d, type))
		d->caps |= DHB_DEVCAP_CODEC;
}

/*
 * The node's own name (/sys/class/video4linux/videoN/name, the kernel's video_device name:
 * "vivid-000-vid-cap", "stateful-decoder") into @buf; false when there is none. Drivers with
 * several nodes give them all one card name in VIDIOC_QUERYCAP ("vivid"), so that alone would
 * not tell a capture node from a metadata one.
 */
static bool node_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	char sys[DHB_PATH_LEN + 48];
	size_t n;
	FILE *f;

	snprintf(sys, sizeof(sys), "/sys/class/video4linux/%s/name", base ? base + 1 : path);
	f = fopen(sys, "re");
	if (!f)
		return false;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return n > 0;
}

int dhb_v4l2_probe_node(struct dhb_device *d)
{
	struct v4l2_capability cap = {0};
	uint32_t c;
	int ret;

	ret = dhb_v4l2_ioctl(d->fd, VIDIOC_QUERYCAP, &cap, &d->ioctl_retries);
	if (ret)
		return ret;
	snprintf(d->driver, sizeof(d->driver), "%.31s", (const char *)cap.driver);
	if (!node_name(d->path, d->card, sizeof(d->card)))
		snprintf(d->card, sizeof(d->card), "%.63s", (const char *)cap.card);
	c = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
	d->v4l2_caps = c;
	if (c & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE))
		d->caps |= DHB_DEVCAP_M2M | DHB_DEVCAP_CAPTURE | DHB_DEVCAP_OUTPUT;
	if (c & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE))
		d->caps |= DHB_DEVCAP_CAPTURE;
	if (c & (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_OUTPUT_MPLANE))
		d->caps |= DHB_DEVCAP_OUTPUT;
	if (d->caps & DHB_DEVCAP_CAPTURE)
		add_queue(d,
			  c & (V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE)
				  ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE
				  : V4L2_BUF_TYPE_VIDEO_CAPTURE,
			  "capture");
	if (d->caps & DHB_DEVCAP_OUTPUT)
		add_queue(d,
			  c & (V4L2_CAP_VIDEO_OUTPUT_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE)
				  ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE
				  : V4L2_BUF_TYPE_VIDEO_OUTPUT,
			  "output");
	return 0;
}

/* Fill @g and *@sizeimage from the format the driver answered with. */
static void from_format(const struct v4l2_format *f, struct dhb_geom *g, uint32_t *sizeimage)
{
	if (is_mplane(f->type)) {
		g->width = f->fmt.pix_mp.width;
		g->height = f->fmt.pix_mp.height;
		g->fourcc = f->fmt.pix_mp.pixelformat;
		g->pitch = f->fmt.pix_mp.plane_fmt[0].bytesperline;
		*sizeimage = f->fmt.pix_mp.plane_fmt[0].sizeimage;
	} else {
		g->width = f->fmt.pix.width;
		g->height = f->fmt.pix.height;
		g->fourcc = f->fmt.pix.pixelformat;
		g->pitch = f->fmt.pix.bytesperline;
		*sizeimage = f->fmt.pix.sizeimage;
	}
	g->bpp = g->width ? g->pitch * 8 / g->width : 0;
}

/*
 * The format to use on @q: 32-bit RGB when the queue has it, else its first uncompressed one,
 * else its first one (an encoder's capture queue has only compressed formats; its buffers are
 * still buffers to import or export). 0: none.
 */
static uint32_t pick_pixfmt(int fd, const struct dhb_v4l2_queue *q, uint64_t *retries)
{
	static const uint32_t preferred[] = {V4L2_PIX_FMT_XBGR32, V4L2_PIX_FMT_BGR32,
					     V4L2_PIX_FMT_XRGB32, V4L2_PIX_FMT_RGB32};
	struct v4l2_fmtdesc fd_ = {.type = q->type};
	uint32_t first = 0, compressed = 0, best = 0, rank = 0, i;

	for (fd_.index = 0; fd_.index < 256; fd_.index++) {
		if (dhb_v4l2_ioctl(fd, VIDIOC_ENUM_FMT, &fd_, retries))
			break;
		if (fd_.flags & V4L2_FMT_FLAG_COMPRESSED) {
			if (!compressed)
				compressed = fd_.pixelformat;
			continue;
		}
		if (!first)
			first = fd_.pixelformat;
		for (i = 0; i < sizeof(preferred) / sizeof(preferred[0]); i++) {
			if (fd_.pixelformat == preferred[i] && (!best || i < rank)) {
				best = preferred[i];
				rank = i;
			}
		}
	}
	return best ? best : first ? first : compressed;
}

bool dhb_v4l2_offers(int fd, const struct dhb_v4l2_queue *q, uint32_t pixfmt, uint64_t *retries)
{
	struct v4l2_fmtdesc f = {.type = q->type};

	for (f.index = 0; f.index < 256; f.index++) {
		if (dhb_v4l2_ioctl(fd, VIDIOC_ENUM_FMT, &f, retries))
			return false;
		if (f.pixelformat == pixfmt)
			return true;
	}
	return false;
}

/* TRY (or, with @set, S_FMT) @pixfmt at @w x @h on @q; the driver's answer in @g, *@si. */
static int try_size(int fd, const struct dhb_v4l2_queue *q, uint32_t pixfmt, uint32_t w, uint32_t h,
		    bool set, struct dhb_geom *g, uint32_t *si, uint64_t *retries)
{
	struct v4l2_format f = {.type = q->type};
	int ret;

	if (is_mplane(q->type)) {
		f.fmt.pix_mp.width = w;
		f.fmt.pix_mp.height = h;
		f.fmt.pix_mp.pixelformat = pixfmt;
		f.fmt.pix_mp.num_planes = 1;
		f.fmt.pix_mp.field = V4L2_FIELD_NONE;
	} else {
		f.fmt.pix.width = w;
		f.fmt.pix.height = h;
		f.fmt.pix.pixelformat = pixfmt;
		f.fmt.pix.field = V4L2_FIELD_NONE;
	}
	ret = dhb_v4l2_ioctl(fd, set ? VIDIOC_S_FMT : VIDIOC_TRY_FMT, &f, retries);
	if (ret)
		return ret;
	if (is_mplane(q->type) && f.fmt.pix_mp.num_planes != 1)
		return -EOPNOTSUPP;
	from_format(&f, g, si);
	return 0;
}

/*
 * Walk square-ish pictures of growing area (4:3-free, a width twice the height) and keep the
 * driver's answers: the largest frame not above @max (when @fit) or the smallest not below
 * @min (when !@fit). Drivers round and clamp, so their answer is what counts, not the request.
 */
static int search_format(int fd, const struct dhb_v4l2_queue *q, uint32_t pixfmt, bool fit,
			 uint64_t bytes, struct dhb_geom *g, uint32_t *sizeimage, uint64_t *retries)
{
	struct dhb_geom cur, best = {0};
	uint32_t si, best_si = 0, w;
	int ret;

	for (w = 16; w <= 16384; w += w / 8 + 8) {
		ret = try_size(fd, q, pixfmt, w, w / 2 ? w / 2 : 1, false, &cur, &si, retries);
		if (ret == -EINVAL || ret == -ERANGE)
			continue;
		if (ret)
			return ret;
		if (fit ? si <= bytes && si > best_si : si >= bytes && (!best_si || si < best_si)) {
			best = cur;
			best_si = si;
		}
	}
	if (!best_si)
		return -ERANGE;
	ret = try_size(fd, q, pixfmt, best.width, best.height, true, g, sizeimage, retries);
	if (ret)
		return ret;
	return fit ? (*sizeimage <= bytes ? 0 : -ERANGE) : (*sizeimage >= bytes ? 0 : -ERANGE);
}

/*
 * The frame asked for: a width and a height as they are, a width alone with the lines @bytes
 * needs at the format's bpp (32 when the format is not in dhb_fourcc_info()'s table). The
 * driver's answer must keep what was asked and hold @bytes.
 */
static int asked_format(int fd, const struct dhb_v4l2_queue *q, uint32_t pixfmt,
			const struct dhb_geom *want, uint64_t bytes, struct dhb_geom *g,
			uint32_t *sizeimage, uint64_t *retries)
{
	uint32_t bpp = 32, h = want->height;
	int ret;

	if (!h) {
		dhb_fourcc_info(pixfmt, &bpp, NULL);
		h = (uint32_t)((bytes * 8 + (uint64_t)want->width * bpp - 1) /
			       ((uint64_t)want->width * bpp));
		if (!h || h > DHB_GEOM_MAX)
			return -ERANGE;
	}
	ret = try_size(fd, q, pixfmt, want->width, h, true, g, sizeimage, retries);
	if (ret)
		return ret;
	if (g->width != want->width || (want->height && g->height != want->height) ||
	    g->fourcc != pixfmt || *sizeimage < bytes)
		return -ERANGE;
	return 0;
}

static int choose_format(int fd, const struct dhb_v4l2_queue *q, bool fit, uint64_t bytes,
			 const struct dhb_geom *want, struct dhb_geom *g, uint32_t *sizeimage,
			 uint64_t *retries)
{
	uint32_t pixfmt;

	if (want && want->fourcc) {
		pixfmt = want->fourcc;
		if (!dhb_v4l2_offers(fd, q, pixfmt, retries))
			return -ENOENT;
	} else {
		pixfmt = pick_pixfmt(fd, q, retries);
	}
	if (!pixfmt)
		return -EOPNOTSUPP;
	if (want && want->width)
		return asked_format(fd, q, pixfmt, want, bytes, g, sizeimage, retries);
	return search_format(fd, q, pixfmt, fit, bytes, g, sizeimage, retries);
}

int dhb_v4l2_fit_format(int fd, const struct dhb_v4l2_queue *q, uint64_t max_bytes,
			struct dhb_geom *g, uint32_t *sizeimage, uint64_t *retries)
{
	return choose_format(fd, q, true, max_bytes, NULL, g, sizeimage, retries);
}

int dhb_v4l2_cover_format(int fd, const struct dhb_v4l2_queue *q, uint64_t min_bytes,
			  const struct dhb_geom *want, struct dhb_geom *g, uint32_t *sizeimage,
			  uint64_t *retries)
{
	return choose_format(fd, q, false, min_bytes, want, g, sizeimage, retries);
}

int dhb_v4l2_reqbufs(int fd, const struct dhb_v4l2_queue *q, uint32_t memory, uint32_t *count,
		     uint64_t *retries)
{
	struct v4l2_requestbuffers rb = {.count = *count, .type = q->type, .memory = memory};
	int ret = dhb_v4l2_ioctl(fd, VIDIOC_REQBUFS, &rb, retries);

	if (!ret)
		*count = rb.count;
	return ret;
}

int dhb_v4l2_qbuf_dmabuf(int fd, const struct dhb_v4l2_queue *q, uint32_t index, int dmabuf_fd,
			 uint32_t length, uint32_t bytesused, uint64_t *retries)
{
	struct v4l2_plane plane = {.m.fd = dmabuf_fd, .length = length};
	struct v4l2_buffer b = {.index = index, .type = q->type, .memory = V4L2_MEMORY_DMABUF};

	if (is_mplane(q->type)) {
		b.m.planes = &plane;
		b.length = 1;
		if (!V4L2_TYPE_IS_CAPTURE(q->type))
			plane.bytesused = bytesused;
	} else {
		b.m.fd = dmabuf_fd;
		b.length = length;
		if (!V4L2_TYPE_IS_CAPTURE(q->type))
			b.bytesused = bytesused;
	}
	b.field = V4L2_FIELD_NONE;
	return dhb_v4l2_ioctl(fd, VIDIOC_QBUF, &b, retries);
}

int dhb_v4l2_dqbuf_done(int fd, const struct dhb_v4l2_queue *q, struct dhb_v4l2_done *done,
			uint64_t *retries)
{
	struct v4l2_plane plane = {0};
	struct v4l2_buffer b = {.type = q->type, .memory = V4L2_MEMORY_DMABUF};
	int ret;

	if (is_mplane(q->type)) {
		b.m.planes = &plane;
		b.length = 1;
	}
	ret = dhb_v4l2_ioctl(fd, VIDIOC_DQBUF, &b, retries);
	if (ret)
		return ret;
	done->index = b.index;
	done->sequence = b.sequence;
	done->flags = b.flags;
	done->bytesused = is_mplane(q->type) ? plane.bytesused : b.bytesused;
	done->timestamp_ns =
		(uint64_t)b.timestamp.tv_sec * 1000000000u + (uint64_t)b.timestamp.tv_usec * 1000u;
	return 0;
}

int dhb_v4l2_dqbuf_dmabuf(int fd, const struct dhb_v4l2_queue *q, uint32_t *index,
			  uint64_t *retries)
{
	struct dhb_v4l2_done done;
	int ret = dhb_v4l2_dqbuf_done(fd, q, &done, retries);

	if (!ret)
		*index = done.index;
	return ret;
}

int dhb_v4l2_streamon(int fd, const struct dhb_v4l2_queue *q, uint64_t *retries)
{
	int type = (int)q->type;

	return dhb_v4l2_ioctl(fd, VIDIOC_STREAMON, &type, retries);
}

int dhb_v4l2_streamoff(int fd, const struct dhb_v4l2_queue *q, uint64_t *retries)
{
	int type = (int)q->type;

	return dhb_v4l2_ioctl(fd, VIDIOC_STREAMOFF, &type, retries);
}

/*
 * Whether a plugin of libv4l2 shows @fd's node, multiplanar in the kernel, as single-planar, as
 * libv4l-mplane does: the kernel's own VIDIOC_QUERYCAP (not libv4l2's) has the multiplanar
 * capability of queue @type and not the single-planar one. Then *@mtype is the multiplanar type.
 */
static bool shown_single_planar(int fd, uint32_t type, uint32_t *mtype)
{
	struct v4l2_capability cap = {0};
	uint32_t c, single, multi;

	if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE) {
		single = V4L2_CAP_VIDEO_CAPTURE;
		multi = V4L2_CAP_VIDEO_CAPTURE_MPLANE;
		*mtype = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	} else if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT) {
		single = V4L2_CAP_VIDEO_OUTPUT;
		multi = V4L2_CAP_VIDEO_OUTPUT_MPLANE;
		*mtype = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	} else {
		return false;
	}
	if (dhb_ioctl(fd, VIDIOC_QUERYCAP, &cap, NULL) < 0)
		return false;
	c = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
	return (c & multi) && !(c & single);
}

/*
 * libv4l-mplane in Debian's libv4l 1.22 turns the single-planar type of the other buffer ioctls
 * into the multiplanar one but passes VIDIOC_EXPBUF's through, which the kernel refuses (EINVAL):
 * on such a node the export is asked of the kernel itself, with the multiplanar type.
 */
int dhb_v4l2_expbuf(int fd, const struct dhb_v4l2_queue *q, uint32_t index, int *dmabuf_fd,
		    uint64_t *retries)
{
	struct v4l2_exportbuffer e = {.type = q->type, .index = index, .flags = O_RDWR | O_CLOEXEC};
	int ret = dhb_v4l2_ioctl(fd, VIDIOC_EXPBUF, &e, retries);

	if (ret == -EINVAL && shown_single_planar(fd, q->type, &e.type))
		ret = dhb_ioctl(fd, VIDIOC_EXPBUF, &e, retries);
	if (!ret)
		*dmabuf_fd = e.fd;
	return ret;
}
