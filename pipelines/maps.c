// SPDX-License-Identifier: MIT
// How much of the frame buffers this process has mapped: the measure behind cpu_frame_bytes.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dhb/pipeline.h"

/*
 * The CPU of this process can read or write a dma-buf only through a mapping of it (a dma-buf
 * has no read or write), or of the device node that made it (a DRM dumb buffer mapped through
 * the card, a V4L2 MMAP buffer through the video node): so the bytes of those files mapped into
 * the process bound what it can touch, and 0 proves it touched nothing. /proc/self/maps names
 * each mapping's file by device and inode ("00:0f 1234"), which fstat() gives for a descriptor.
 * libv4l2 with conversion on would map and convert frames; the pipeline turns conversion off,
 * and this measure would show it if it did not. The drivers' own accesses (vivid draws its test
 * pattern with the CPU, in the kernel) are the devices' work, not the pipeline's.
 */
#define MAPS_CHUNK 65536

int dhb_pipe_mapped_bytes(const uint64_t *ids, size_t n, uint64_t *bytes)
{
	char *buf, *line, *next;
	unsigned long long start, end, ino;
	unsigned int maj, min;
	size_t len = 0, cap = MAPS_CHUNK, i;
	ssize_t got;
	int fd, ret = 0;

	*bytes = 0;
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	while (buf) {
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			break;
		}
		if (!got)
			break;
		len += (size_t)got;
		if (len == cap) {
			char *more = realloc(buf, 2 * cap + 1);

			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	for (line = buf; !ret && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* start-end perms offset maj:min inode [path] */
		if (sscanf(line, "%llx-%llx %*s %*s %x:%x %llu", &start, &end, &maj, &min, &ino) !=
		    5)
			continue;
		if (!ino)
			continue;
		for (i = 0; i < n; i++) {
			if (ids[2 * i] == (uint64_t)makedev(maj, min) && ids[2 * i + 1] == ino) {
				*bytes += end - start;
				break;
			}
		}
	}
	free(buf);
	return ret;
}
