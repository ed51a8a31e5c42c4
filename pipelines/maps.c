// SPDX-License-Identifier: MIT
// How much of the frame buffers this process has mapped: the measure behind cpu_frame_bytes.
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

/* Where the ring's writer is: it moves with every record the kernel puts in. */
static uint64_t ring_head(const struct dhb_pipe_maps *m)
{
	const struct perf_event_mmap_page *pc = m->ring;

	return __atomic_load_n(&pc->data_head, __ATOMIC_ACQUIRE);
}

static void watch_close(struct dhb_pipe_maps *m)
{
	if (m->ring)
		munmap(m->ring, m->ring_size);
	if (m->watch >= 0)
		close(m->watch);
	m->ring = NULL;
	m->watch = -1;
}

/*
 * A perf event of this thread that counts nothing and logs every mapping it makes (mmap_data:
 * of data, files and anonymous memory too) into a ring mapped read-only: the kernel then
 * writes over old records, and the ring's head moves with each new one. Reading the head
 * is a load, no system call: a frame costs nothing when nothing was mapped, and a mapping that
 * went away within the frame is seen too. It must show a probe mapping, else it is not used.
 */
static void watch_open(struct dhb_pipe_maps *m)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_DUMMY,
		.mmap = 1,
		.mmap_data = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	uint64_t head;
	void *probe;

	if (fd < 0)
		return;
	m->watch = (int)fd;
	m->ring_size = 2 * page; /* the header page and one page of records */
	m->ring = mmap(NULL, m->ring_size, PROT_READ, MAP_SHARED, m->watch, 0);
	if (m->ring == MAP_FAILED) {
		m->ring = NULL;
		watch_close(m);
		return;
	}
	head = ring_head(m);
	probe = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (probe != MAP_FAILED)
		munmap(probe, page);
	if (probe == MAP_FAILED || ring_head(m) == head)
		watch_close(m);
}

void dhb_pipe_maps_open(struct dhb_pipe_maps *m, bool watch)
{
	memset(m, 0, sizeof(*m));
	m->watch = -1;
	if (watch)
		watch_open(m);
	m->statm = m->ring ? -1 : open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
}

/* What says a mapping came: the ring's head, else the mapped size (0: unknown). */
static uint64_t mark(const struct dhb_pipe_maps *m)
{
	return m->ring ? ring_head(m) : vm_pages(m->statm);
}

int dhb_pipe_maps_read(struct dhb_pipe_maps *m, const uint64_t *ids, size_t n, uint64_t *bytes)
{
	uint64_t now = mark(m);
	int ret;

	if (m->scans && (m->ring || now) && now == m->mark) {
		*bytes = m->bytes;
		return 0;
	}
	ret = dhb_pipe_mapped_bytes(ids, n, bytes);
	if (ret)
		return ret;
	m->scans++;
	m->bytes = *bytes;
	/* after the scan: what its own buffer did to the heap is not a change to look at again */
	m->mark = mark(m);
	return 0;
}

void dhb_pipe_maps_close(struct dhb_pipe_maps *m)
{
	watch_close(m);
	if (m->statm >= 0)
		close(m->statm);
	m->statm = -1;
}
