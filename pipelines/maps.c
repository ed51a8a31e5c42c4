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

/*
 * The process's mapped size in pages, the first field of /proc/self/statm (the kernel's
 * total_vm), read again from the start of the open file; 0 when it cannot be read.
 */
static uint64_t vm_pages(int fd)
{
	char buf[128];
	ssize_t got;
	char *end;
	uint64_t v;

	if (fd < 0)
		return 0;
	got = pread(fd, buf, sizeof(buf) - 1, 0);
	if (got <= 0)
		return 0;
	buf[got] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	return errno || end == buf || *end != ' ' ? 0 : v;
}

void dhb_pipe_maps_open(struct dhb_pipe_maps *m)
{
	memset(m, 0, sizeof(*m));
	m->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
}

int dhb_pipe_maps_read(struct dhb_pipe_maps *m, const uint64_t *ids, size_t n, uint64_t *bytes)
{
	uint64_t now = vm_pages(m->statm);
	int ret;

	if (now && m->scans && now == m->pages) {
		*bytes = m->bytes;
		return 0;
	}
	ret = dhb_pipe_mapped_bytes(ids, n, bytes);
	if (ret)
		return ret;
	m->scans++;
	m->bytes = *bytes;
	/* after the scan: what its own buffer did to the heap is not a change to look at again */
	m->pages = vm_pages(m->statm);
	return 0;
}

void dhb_pipe_maps_close(struct dhb_pipe_maps *m)
{
	if (m->statm >= 0)
		close(m->statm);
	m->statm = -1;
}
