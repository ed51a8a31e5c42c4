// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest-side helper of the reference heap's lab tests: raw dma-heap, dma-buf and DRM ioctls, one
 * subcommand per check, results on stdout, status 0 when the check holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <drm.h>
#include <drm_mode.h>

static const char *errname(int e)
{
	switch (e) {
	case 0:
		return "OK";
	case EINVAL:
		return "EINVAL";
	case ENOMEM:
		return "ENOMEM";
	case EFAULT:
		return "EFAULT";
	case ENOTTY:
		return "ENOTTY";
	case EBUSY:
		return "EBUSY";
	default:
		return strerror(e);
	}
}

static int open_heap(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
	return fd;
}

/* Allocate; the dma-buf fd, or -errno. */
static int heap_alloc(int heap, uint64_t len, uint32_t fd_flags, uint64_t heap_flags)
{
	struct dma_heap_allocation_data d = {
		.len = len,
		.fd_flags = fd_flags,
		.heap_flags = heap_flags,
	};

	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) < 0)
		return -errno;
	return (int)d.fd;
}

static int sync_buf(int fd, uint64_t flags)
{
	struct dma_buf_sync s = {.flags = flags};

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

/* alloc HEAP LEN [FD_FLAGS [HEAP_FLAGS]]: print the outcome's errno name. */
static int cmd_alloc(int argc, char **argv)
{
	int heap, fd;

	if (argc < 2)
		return 2;
	heap = open_heap(argv[0]);
	if (heap < 0)
		return 1;
	fd = heap_alloc(heap, strtoull(argv[1], NULL, 0),
			argc > 2 ? strtoul(argv[2], NULL, 0) : O_RDWR | O_CLOEXEC,
			argc > 3 ? strtoull(argv[3], NULL, 0) : 0);
	printf("%s\n", errname(fd < 0 ? -fd : 0));
	return 0;
}

/* exhaust HEAP CHUNK: allocate until failure, free one, allocate again. */
static int cmd_exhaust(int argc, char **argv)
{
	int heap, fds[4096], n = 0, fd, i;
	uint64_t chunk;

	if (argc < 2)
		return 2;
	heap = open_heap(argv[0]);
	if (heap < 0)
		return 1;
	chunk = strtoull(argv[1], NULL, 0);
	while (n < 4096 && (fd = heap_alloc(heap, chunk, O_RDWR | O_CLOEXEC, 0)) >= 0)
		fds[n++] = fd;
	printf("allocated %d then %s\n", n, errname(n < 4096 ? -fd : 0));
	if (n == 0)
		return 1;
	close(fds[--n]);
	fd = heap_alloc(heap, chunk, O_RDWR | O_CLOEXEC, 0);
	printf("after free: %s\n", errname(fd < 0 ? -fd : 0));
	if (fd >= 0)
		close(fd);
	for (i = 0; i < n; i++)
		close(fds[i]);
	return fd >= 0 ? 0 : 1;
}

/*
 * zero HEAP LEN ROUNDS [SLEEP_US]: each round allocates, checks every byte is zero, fills the
 * buffer with a pattern and closes it; SLEEP_US between rounds lets the zeroing worker run first.
 */
static int cmd_zero(int argc, char **argv)
{
	unsigned int rounds, r, sleep_us;
	int heap, fd, bad = 0;
	uint64_t len, i;
	uint8_t *p;

	if (argc < 3)
		return 2;
	heap = open_heap(argv[0]);
	if (heap < 0)
		return 1;
	len = strtoull(argv[1], NULL, 0);
	rounds = strtoul(argv[2], NULL, 0);
	sleep_us = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	for (r = 0; r < rounds; r++) {
		fd = heap_alloc(heap, len, O_RDWR | O_CLOEXEC, 0);
		if (fd < 0) {
			printf("round %u: alloc %s\n", r, errname(-fd));
			return 1;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			printf("round %u: mmap %s\n", r, strerror(errno));
			return 1;
		}
		sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
		for (i = 0; i < len; i++)
			if (p[i]) {
				printf("round %u: byte %llu is 0x%02x\n", r, (unsigned long long)i,
				       p[i]);
				bad = 1;
				break;
			}
		memset(p, 0xa5, len);
		sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
		munmap(p, len);
		close(fd);
		if (sleep_us)
			usleep(sleep_us);
	}
	printf("%s: %u rounds of %llu bytes\n", bad ? "dirty" : "clean", rounds,
	       (unsigned long long)len);
	return bad;
}

/* hold HEAP LEN COUNT CMD...: allocate COUNT buffers, run CMD, return its status. */
static int cmd_hold(int argc, char **argv)
{
	int heap, fd, i, count, status;
	pid_t pid;

	if (argc < 4)
		return 2;
	heap = open_heap(argv[0]);
	if (heap < 0)
		return 1;
	count = atoi(argv[2]);
	for (i = 0; i < count; i++) {
		fd = heap_alloc(heap, strtoull(argv[1], NULL, 0), O_RDWR | O_CLOEXEC, 0);
		if (fd < 0) {
			printf("alloc %d: %s\n", i, errname(-fd));
			return 1;
		}
	}
	close(heap);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The DRM card whose driver is @name, or -1. */
static int open_card(const char *name)
{
	char path[64], drv[64];
	struct drm_version v;
	int i, fd;

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(drv, 0, sizeof(drv));
		v.name = drv;
		v.name_len = sizeof(drv) - 1;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(drv, name))
			return fd;
		close(fd);
	}
	fprintf(stderr, "no %s card\n", name);
	return -1;
}

static int prime_import(int card, int buf, uint32_t *handle)
{
	struct drm_prime_handle ph = {.fd = buf};

	if (ioctl(card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph) < 0)
		return -errno;
	*handle = ph.handle;
	return 0;
}

/* vgem HEAP LEN: import a buffer into vgem. */
static int cmd_vgem(int argc, char **argv)
{
	struct drm_gem_close gc = {0};
	int heap, card, buf, ret;
	uint32_t handle;

	if (argc < 2)
		return 2;
	heap = open_heap(argv[0]);
	card = open_card("vgem");
	if (heap < 0 || card < 0)
		return 1;
	buf = heap_alloc(heap, strtoull(argv[1], NULL, 0), O_RDWR | O_CLOEXEC, 0);
	if (buf < 0) {
		printf("alloc %s\n", errname(-buf));
		return 1;
	}
	ret = prime_import(card, buf, &handle);
	printf("vgem import: %s\n", errname(-ret));
	if (ret)
		return 1;
	gc.handle = handle;
	ioctl(card, DRM_IOCTL_GEM_CLOSE, &gc);
	close(buf);
	return 0;
}

/* vkms HEAP: import a frame buffer into vkms, add it, and scan it out on Virtual-1. */
static int cmd_vkms(int argc, char **argv)
{
	struct drm_mode_modeinfo modes[64];
	struct drm_mode_card_res res = {0};
	struct drm_mode_get_connector conn = {0};
	struct drm_mode_fb_cmd2 fb = {0};
	struct drm_mode_crtc crtc = {0};
	uint32_t crtcs[8], conns[8], handle, conn_id;
	int heap, card, buf, ret;
	unsigned int w, h;

	if (argc < 1)
		return 2;
	heap = open_heap(argv[0]);
	card = open_card("vkms");
	if (heap < 0 || card < 0)
		return 1;
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.count_crtcs = 8;
	res.connector_id_ptr = (uintptr_t)conns;
	res.count_connectors = 8;
	if (ioctl(card, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0 || !res.count_crtcs ||
	    !res.count_connectors) {
		printf("getresources: %s\n", strerror(errno));
		return 1;
	}
	conn_id = conns[0];
	conn.connector_id = conn_id;
	conn.modes_ptr = (uintptr_t)modes;
	conn.count_modes = 64;
	if (ioctl(card, DRM_IOCTL_MODE_GETCONNECTOR, &conn) < 0 || !conn.count_modes) {
		printf("getconnector: %s\n", strerror(errno));
		return 1;
	}
	w = modes[0].hdisplay;
	h = modes[0].vdisplay;
	buf = heap_alloc(heap, (uint64_t)w * h * 4, O_RDWR | O_CLOEXEC, 0);
	if (buf < 0) {
		printf("alloc %s\n", errname(-buf));
		return 1;
	}
	ret = prime_import(card, buf, &handle);
	printf("vkms import: %s\n", errname(-ret));
	if (ret)
		return 1;
	fb.width = w;
	fb.height = h;
	fb.pixel_format = 0x34325258; /* DRM_FORMAT_XRGB8888 */
	fb.handles[0] = handle;
	fb.pitches[0] = w * 4;
	if (ioctl(card, DRM_IOCTL_MODE_ADDFB2, &fb) < 0) {
		printf("addfb2: %s\n", strerror(errno));
		return 1;
	}
	printf("addfb2: OK %ux%u\n", w, h);
	crtc.crtc_id = crtcs[0];
	crtc.fb_id = fb.fb_id;
	crtc.set_connectors_ptr = (uintptr_t)&conn_id;
	crtc.count_connectors = 1;
	crtc.mode = modes[0];
	crtc.mode_valid = 1;
	ret = ioctl(card, DRM_IOCTL_MODE_SETCRTC, &crtc) < 0 ? errno : 0;
	printf("setcrtc: %s\n", errname(ret));
	usleep(200000);
	memset(&crtc, 0, sizeof(crtc));
	crtc.crtc_id = crtcs[0];
	ioctl(card, DRM_IOCTL_MODE_SETCRTC, &crtc);
	ioctl(card, DRM_IOCTL_MODE_RMFB, &fb.fb_id);
	close(buf);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "alloc"))
		return cmd_alloc(argc - 2, argv + 2);
	if (!strcmp(argv[1], "exhaust"))
		return cmd_exhaust(argc - 2, argv + 2);
	if (!strcmp(argv[1], "zero"))
		return cmd_zero(argc - 2, argv + 2);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc - 2, argv + 2);
	if (!strcmp(argv[1], "vgem"))
		return cmd_vgem(argc - 2, argv + 2);
	if (!strcmp(argv[1], "vkms"))
		return cmd_vkms(argc - 2, argv + 2);
usage:
	fprintf(stderr, "usage: dhr-lab-tool alloc|exhaust|zero|hold|vgem|vkms HEAP ...\n");
	return 2;
}
