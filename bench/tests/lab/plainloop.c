// SPDX-License-Identifier: MIT
// Lab test helper: the simplest measurement of DMA_HEAP_IOCTL_ALLOC + close, N pairs timed whole.
/*
 * Usage: plainloop NODE SIZE N WARMUP
 *
 * Opens the heap node (/dev/dma_heap/NAME), makes WARMUP unmeasured allocation + close pairs,
 * then reads the clock, makes N back-to-back pairs of SIZE bytes, reads the clock again and
 * prints one line "plainloop NODE SIZE N mean_ns=M" with M the elapsed time divided by N.
 *
 * It is the reference that bench.lab.fidelity holds dmaheap-bench's alloc_free_latency mean to,
 * so it shares none of the tool's code (only the UAPI definitions of the compat header): two
 * clock reads per run, nothing recorded per pair, the loop's own overhead included (a few
 * instructions per pair). Exit status 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhb/compat.h"

/* One allocation and its close; 0 or -errno. */
static int pair(int heap, uint64_t size)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		return -errno;
	if (close((int)data.fd))
		return -errno;
	return 0;
}

static int now_ns(uint64_t *ns)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

/* A positive decimal number, or 0 when @s is not one. */
static uint64_t number(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return 0;
	return v;
}

int main(int argc, char **argv)
{
	uint64_t size, n, warmup, i, t0, t1;
	int heap, ret = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: plainloop NODE SIZE N WARMUP\n");
		return 1;
	}
	size = number(argv[2]);
	n = number(argv[3]);
	warmup = number(argv[4]);
	if (!size || !n || (!warmup && strcmp(argv[4], "0"))) {
		fprintf(stderr, "plainloop: SIZE and N must be positive, WARMUP a number\n");
		return 1;
	}
	heap = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (heap < 0) {
		fprintf(stderr, "plainloop: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < warmup && !ret; i++)
		ret = pair(heap, size);
	if (!ret)
		ret = now_ns(&t0);
	for (i = 0; i < n && !ret; i++)
		ret = pair(heap, size);
	if (!ret)
		ret = now_ns(&t1);
	close(heap);
	if (ret) {
		fprintf(stderr, "plainloop: %s, %" PRIu64 " bytes: %s\n", argv[1], size,
			strerror(-ret));
		return 1;
	}
	printf("plainloop %s %" PRIu64 " %" PRIu64 " mean_ns=%.0f\n", argv[1], size, n,
	       (double)(t1 - t0) / (double)n);
	return 0;
}
