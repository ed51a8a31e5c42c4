// SPDX-License-Identifier: MIT
// Device discovery: every DRM card and V4L2 video node, their names, selection and geometry.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xf86drm.h>

#include "dhb/device.h"
#include "dhb/err.h"
#include "dhb/list.h"

#define MAX_DEVICES 64
#define DRI_DIR	    "/dev/dri"
#define DEV_DIR	    "/dev"

/* Node number of "cardN" / "videoN" after @prefix, or -1. */
static int node_number(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(name, prefix, n) || !name[n])
		return -1;
	v = strtol(name + n, &end, 10);
	return *end || v < 0 || v > 9999 ? -1 : (int)v;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Node numbers of @dir/@prefix<N>, sorted, into @out (at most @max). */
static size_t scan_nodes(const char *dir, const char *prefix, int *out, size_t max)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int num;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		num = node_number(de->d_name, prefix);
		if (num >= 0)
			out[n++] = num;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), cmp_int);
	return n;
}

/* Give @d its name (rules in dhb/device.h), unique among the @n devices before it. */
static void name_device(struct dhb_device *d, const struct dhb_device *prev, size_t n)
{
	const char *node = d->card; /* V4L2: the node's own name (dhb_v4l2_probe_node()) */
	char base[DHB_NAME_LEN];
	unsigned int k = 0;
	size_t i;

	if (d->kind == DHB_DEV_DRM || !*node || !*d->driver)
		snprintf(base, sizeof(base), "%s",
			 *d->driver ? d->driver : strrchr(d->path, '/') + 1);
	else if (!strncmp(node, d->driver, strlen(d->driver)))
		snprintf(base, sizeof(base), "%s", node);
	else
		snprintf(base, sizeof(base), "%.20s-%.40s", d->driver, node);
	for (i = 0; base[i]; i++) {
		if (base[i] == ' ' || base[i] == ',' || base[i] == ';' || base[i] == '=')
			base[i] = '_';
	}
	snprintf(d->name, sizeof(d->name), "%s", base);
	for (i = 0; i < n; i++) {
		if (!strcmp(prev[i].name, d->name)) {
			snprintf(d->name, sizeof(d->name), "%.55s.%u", base, ++k);
			i = (size_t)-1; /* look again from the start */
		}
	}
}

static void device_init(struct dhb_device *d, enum dhb_dev_kind kind, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->fd = -1;
	snprintf(d->path, sizeof(d->path), "%s", path);
}

static void probe_drm(struct dhb_device *v, size_t *n)
{
	int nums[MAX_DEVICES];
	size_t k, i;
	char path[DHB_PATH_LEN];

	k = scan_nodes(DRI_DIR, "card", nums, MAX_DEVICES);
	for (i = 0; i < k && *n < MAX_DEVICES; i++) {
		struct dhb_device *d = &v[*n];

		snprintf(path, sizeof(path), DRI_DIR "/card%d", nums[i]);
		device_init(d, DHB_DEV_DRM, path);
		d->fd = open(path, O_RDWR | O_CLOEXEC);
		d->err = d->fd < 0 ? -errno : dhb_drm_probe_card(d);
		name_device(d, v, *n);
		(*n)++;
	}
}

int dhb_drm_adopt_fd(struct dhb_device *d, int fd, char *err, size_t errlen)
{
	char link[32], path[DHB_PATH_LEN];
	struct stat st;
	ssize_t len;
	int ret;

	if (fd < 0 || fstat(fd, &st))
		return dhb_err(-EBADF, err, errlen, "descriptor %d is not open", fd);
	if (!S_ISCHR(st.st_mode) || drmGetNodeTypeFromFd(fd) < 0)
		return dhb_err(-ENOTTY, err, errlen, "descriptor %d is not a DRM card", fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	path[len > 0 ? len : 0] = '\0';
	device_init(d, DHB_DEV_DRM, len > 0 ? path : link);
	d->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d->fd < 0)
		return dhb_err(-errno, err, errlen, "descriptor %d: %s", fd, strerror(errno));
	ret = dhb_drm_probe_card(d);
	if (ret) {
		dhb_device_close(d);
		return dhb_err(ret, err, errlen, "descriptor %d: DRM_IOCTL_VERSION: %s", fd,
			       strerror(-ret));
	}
	snprintf(d->name, sizeof(d->name), "%.40s-fd%d", d->driver, fd);
	return 0;
}

static void probe_v4l2(struct dhb_device *v, size_t *n)
{
	int nums[MAX_DEVICES];
	size_t k, i;
	char path[DHB_PATH_LEN];
	int ret;

	k = scan_nodes(DEV_DIR, "video", nums, MAX_DEVICES);
	for (i = 0; i < k && *n < MAX_DEVICES; i++) {
		struct dhb_device *d = &v[*n];

		snprintf(path, sizeof(path), DEV_DIR "/video%d", nums[i]);
		device_init(d, DHB_DEV_V4L2, path);
		ret = dhb_v4l2_open(path, false, &d->fd);
		d->err = ret ? ret : dhb_v4l2_probe_node(d);
		name_device(d, v, *n);
		(*n)++;
	}
}

static int probe_kinds(bool drm, bool v4l2, struct dhb_device **out, size_t *n)
{
	struct dhb_device *v;

	*out = NULL;
	*n = 0;
	v = calloc(MAX_DEVICES, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (drm)
		probe_drm(v, n);
	if (v4l2)
		probe_v4l2(v, n);
	*out = v;
	return 0;
}

int dhb_devices_probe(struct dhb_device **out, size_t *n)
{
	return probe_kinds(true, true, out, n);
}

int dhb_devices_probe_kind(enum dhb_dev_kind kind, struct dhb_device **out, size_t *n)
{
	return probe_kinds(kind == DHB_DEV_DRM, kind == DHB_DEV_V4L2, out, n);
}

void dhb_device_close(struct dhb_device *d)
{
	if (d->fd < 0)
		return;
	if (d->kind == DHB_DEV_V4L2)
		dhb_v4l2_close(d->fd);
	else
		close(d->fd);
	d->fd = -1;
}

void dhb_devices_release(struct dhb_device *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		dhb_device_close(&v[i]);
	free(v);
}

static bool matches(const char *pat, const struct dhb_device *d)
{
	const char *node = strrchr(d->path, '/');

	return !fnmatch(pat, d->name, 0) || !fnmatch(pat, node ? node + 1 : d->path, 0) ||
	       !fnmatch(pat, d->path, 0) || (*d->driver && !fnmatch(pat, d->driver, 0));
}

int dhb_devices_select(const char *list, const struct dhb_device *v, size_t n, bool *sel, char *err,
		       size_t errlen)
{
	char item[DHB_PATH_LEN], names[256] = "";
	const char *p = list;
	bool matched, too_long;
	size_t i, used = 0;
	int kind;

	for (i = 0; i < n; i++)
		sel[i] = dhb_list_is_all(list);
	if (dhb_list_is_all(list))
		return 0;
	while (dhb_list_next(&p, item, sizeof(item), &too_long)) {
		if (!*item)
			return dhb_err(-EINVAL, err, errlen, "--devices: empty item in '%s'", list);
		if (too_long)
			return dhb_err(-EINVAL, err, errlen, "--devices: '%s...' is too long",
				       item);
		/* A kind ("drm", "v4l2") names a class, which may be empty on a machine. */
		kind = !strcmp(item, "drm")    ? DHB_DEV_DRM
		       : !strcmp(item, "v4l2") ? DHB_DEV_V4L2
					       : 0;
		matched = kind != 0;
		for (i = 0; i < n; i++) {
			if (kind ? (int)v[i].kind == kind : matches(item, &v[i])) {
				sel[i] = true;
				matched = true;
			}
		}
		if (matched)
			continue;
		for (i = 0; i < n && used + 1 < sizeof(names); i++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 i ? ", " : "", v[i].name);
		return dhb_err(-ENOENT, err, errlen, "--devices: no device matches '%s' (here: %s)",
			       item, n ? names : "none: no /dev/dri/card* or /dev/video* node");
	}
	return 0;
}

int dhb_device_caps_format(unsigned int caps, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *word;
	} names[] = {
		{DHB_DEVCAP_KMS, "kms"},
		{DHB_DEVCAP_PRIME_IMPORT, "prime-import"},
		{DHB_DEVCAP_PRIME_EXPORT, "prime-export"},
		{DHB_DEVCAP_DUMB, "dumb"},
		{DHB_DEVCAP_CAPTURE, "capture"},
		{DHB_DEVCAP_OUTPUT, "output"},
		{DHB_DEVCAP_M2M, "m2m"},
		{DHB_DEVCAP_DMABUF, "dmabuf-import"},
		{DHB_DEVCAP_EXPBUF, "mmap+expbuf"},
		{DHB_DEVCAP_CODEC, "codec"},
	};
	size_t used = 0, i;
	int w;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & names[i].bit))
			continue;
		w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", names[i].word);
		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	if (!used && snprintf(buf, len, "none") >= (int)len)
		return -ENOSPC;
	return 0;
}
