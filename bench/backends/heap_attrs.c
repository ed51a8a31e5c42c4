// SPDX-License-Identifier: MIT
// Finds and reads the sysfs attributes a heap publishes (statistics and constraints).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dhb/heap_attrs.h"

static int try_dir(struct dhb_heap_attrs *a, const char *dir)
{
	char path[DHB_HEAP_ATTRS_PATH_LEN + 8];
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/stats", dir);
	if (n < 0 || (size_t)n >= sizeof(path) || strlen(dir) >= sizeof(a->dir))
		return -ENAMETOOLONG;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -ENOENT;
	memcpy(a->dir, dir, strlen(dir) + 1);
	return 0;
}

int dhb_heap_attrs_open_at(struct dhb_heap_attrs *a, const char *root, dev_t rdev, const char *name)
{
	char dir[DHB_HEAP_ATTRS_PATH_LEN];
	int n, ret;

	n = snprintf(dir, sizeof(dir), "%s/dev/char/%u:%u", root, major(rdev), minor(rdev));
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	ret = try_dir(a, dir);
	if (ret != -ENOENT)
		return ret;
	if (!*name || strchr(name, '/'))
		return -ENOENT;
	n = snprintf(dir, sizeof(dir), "%s/kernel/dhr_heap/%s", root, name);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	return try_dir(a, dir);
}

int dhb_heap_attrs_open(struct dhb_heap_attrs *a, const char *node)
{
	const char *name = strrchr(node, '/');
	struct stat st;

	if (stat(node, &st) || !S_ISCHR(st.st_mode))
		return -ENOENT;
	return dhb_heap_attrs_open_at(a, "/sys", st.st_rdev, name ? name + 1 : node);
}

int dhb_heap_attrs_str(const struct dhb_heap_attrs *a, const char *name, char *buf, size_t len)
{
	char path[DHB_HEAP_ATTRS_PATH_LEN * 2];
	ssize_t n;
	int fd, ret = 0;

	if (!len)
		return -EINVAL;
	n = snprintf(path, sizeof(path), "%s/%s", a->dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, len - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		ret = -errno;
		n = 0;
	}
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	close(fd);
	return ret;
}

int dhb_heap_attrs_u64(const struct dhb_heap_attrs *a, const char *name, uint64_t *v)
{
	unsigned long long x;
	char buf[32], *end;
	int ret;

	ret = dhb_heap_attrs_str(a, name, buf, sizeof(buf));
	if (ret)
		return ret;
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(buf, &end, buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X') ? 16 : 10);
	if (errno || *end || end == buf)
		return -EINVAL;
	*v = x;
	return 0;
}
