// SPDX-License-Identifier: MIT
// Test "fence": sync_file export/import on a dma-buf, fence signal-to-wake-up, merge and a wait floor.
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhb/compat.h"
#include "dhb/workload.h"
#include "fence.h"

/*
 * Each iteration times, on one buffer of the instance:
 *   - export_sync_file_latency and import_sync_file_latency (direction=read|write):
 *     DMA_BUF_IOCTL_EXPORT_SYNC_FILE, then DMA_BUF_IOCTL_IMPORT_SYNC_FILE of what it gave back
 *     (the buffer's fences are signalled by then, so this is the ioctls' own cost);
 *   - fence_wakeup_latency (fence=sw_sync|vgem;wait=dmabuf|sync_file;clock=user|kernel): an
 *     unsignalled write fence is put on the buffer (a sw_sync timeline fence through
 *     IMPORT_SYNC_FILE, or a vgem fence on the buffer PRIME-imported into vgem), a thread
 *     sleeps in poll(POLLIN) on the dma-buf (which waits for the writers' fences,
 *     dma_buf_poll()) or on the fence's sync_file, and this thread signals the fence.
 *     clock=user runs from right before the signal ioctl to right after the waiter's poll()
 *     returned; clock=kernel from the fence's own signal time (SYNC_IOC_FILE_INFO
 *     timestamp_ns, stamped by dma_fence_signal() before it runs the wake-ups) to the same
 *     point. Both read CLOCK_MONOTONIC, the kernel's clock for fence stamps (ktime_get()),
 *     whatever clock the run times with. The interval starts in one thread and ends in
 *     another, so it is recorded as a plain sample, without the per-thread counters of a
 *     timed section. The signal is sent only once /proc says the waiter sleeps;
 *   - sync_merge_latency (fences=2,4,8,16): SYNC_IOC_MERGE of two sync_files holding half the
 *     fences each, unsignalled sw_sync fences of as many timelines;
 *   - fence_wait_signalled_latency (wait=dmabuf|sync_file): poll() on a buffer, or a sync_file,
 *     whose fences are all signalled: the floor of any wait.
 * sw_sync needs debugfs and root, vgem a selected vgem card: without them their metrics are
 * absent and the run says why once. Faults: every fence is signalled before the test lets go
 * of it, on every path (a vgem fence would otherwise wait for its 10 s timeout, holding the
 * buffer's waiters); the waiter is always joined, and its poll() is bounded.
 */
#define MERGE_MAX  16
#define NMERGE	   4
#define ASLEEP_MS  2000
#define UNDECLARED (-1)

static const unsigned int merge_sizes[NMERGE] = {2, 4, 8, 16};

enum fence_kind { FENCE_SW, FENCE_VGEM, NKINDS };
enum wait_kind { WAIT_DMABUF, WAIT_SYNC_FILE, NWAITS };
enum clock_kind { CLOCK_USER, CLOCK_KERNEL, NCLOCKS };

static const char *const kind_names[NKINDS] = {"sw_sync", "vgem"};
static const char *const wait_names[NWAITS] = {"dmabuf", "sync_file"};
static const char *const clock_names[NCLOCKS] = {"user", "kernel"};
static const struct {
	const char *name;
	uint32_t flags;
} dirs[2] = {{"read", DMA_BUF_SYNC_READ}, {"write", DMA_BUF_SYNC_WRITE}};

struct fence_state {
	struct dhb_buf buf;
	struct dhb_fence_sw tl;	 /* wake-up fences; fd -1 without sw_sync */
	struct dhb_device *vgem; /* NULL without vgem */
	uint32_t handle;	 /* the buffer in @vgem */
	uint32_t vgem_fence;	 /* the unsignalled vgem fence, 0 when none */
	struct dhb_fence_sw merge_tl[MERGE_MAX];
	int merge_in[NMERGE][2]; /* two halves per merge size, -1 without sw_sync */
	int done_fd;		 /* a sync_file of signalled fences */
	int export_m[2], import_m[2], wake_m[NKINDS][NWAITS][NCLOCKS], merge_m[NMERGE];
	int floor_m[NWAITS];
};

/* One line on stderr, once per run when @once is given. */
/*
 * A part of the test that cannot run here: said once a run on stderr (@once, NULL: every time)
 * and kept with the item in the JSON environment (dhb_ctx_note()).
 */
static void note(struct dhb_ctx *ctx, bool *once, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct dhb_ctx *ctx, bool *once, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dhb_ctx_note(ctx, "%s", buf);
	if (once && *once)
		return;
	if (once)
		*once = true;
	fprintf(stderr, "note: fence: %s\n", buf);
}

static uint64_t *retries(struct dhb_ctx *ctx)
{
	return &ctx->inst->ioctl_retries;
}

/* Signal @k's unsignalled fence, if there is one. */
static int fire(struct dhb_ctx *ctx, struct fence_state *s, enum fence_kind k)
{
	int ret;

	if (k == FENCE_SW)
		return dhb_fence_sw_signal(&s->tl, retries(ctx));
	if (!s->vgem_fence)
		return 0;
	ret = dhb_fence_vgem_signal(s->vgem, s->vgem_fence);
	if (!ret || ret == -ENOENT || ret == -ETIMEDOUT) /* gone, or signalled by its timeout */
		s->vgem_fence = 0;
	return ret == -ETIMEDOUT ? 0 : ret;
}

/* Release everything: every fence signalled first; @s may be half set up. */
static void release(struct dhb_ctx *ctx, struct fence_state *s)
{
	size_t i;

	if (s->vgem) {
		fire(ctx, s, FENCE_VGEM);
		dhb_drm_gem_close(s->vgem, s->handle);
	}
	dhb_fence_sw_close(&s->tl);
	for (i = 0; i < NMERGE; i++) {
		if (s->merge_in[i][0] >= 0)
			close(s->merge_in[i][0]);
		if (s->merge_in[i][1] >= 0)
			close(s->merge_in[i][1]);
	}
	for (i = 0; i < MERGE_MAX; i++)
		dhb_fence_sw_close(&s->merge_tl[i]);
	if (s->done_fd >= 0)
		close(s->done_fd);
	dhb_buf_release(&s->buf);
	free(s);
}

/* A sync_file in *@out with the fences of @fds[@lo..@hi). */
static int merge_range(const int *fds, size_t lo, size_t hi, int *out, uint64_t *rt)
{
	int acc = fcntl(fds[lo], F_DUPFD_CLOEXEC, 0), next, ret = 0;
	size_t i;

	if (acc < 0)
		return -errno;
	for (i = lo + 1; i < hi && !ret; i++) {
		ret = dhb_fence_merge(acc, fds[i], &next, rt);
		if (!ret) {
			close(acc);
			acc = next;
		}
	}
	if (ret) {
		close(acc);
		return ret;
	}
	*out = acc;
	return 0;
}

/* sw_sync: the wake-up timeline and the merges' inputs, or a note why there are none. */
static int setup_sw(struct dhb_ctx *ctx, struct fence_state *s)
{
	static bool said;
	int fds[MERGE_MAX], ret;
	size_t i, n;

	ret = dhb_fence_sw_open(DHB_FENCE_SW_SYNC_PATH, &s->tl);
	if (ret) {
		note(ctx, &said,
		     "no sw_sync fences (wake-up and merge metrics absent): %s: %s (needs debugfs "
		     "mounted, CONFIG_SW_SYNC and root)",
		     DHB_FENCE_SW_SYNC_PATH, strerror(-ret));
		return 0;
	}
	for (i = 0; i < MERGE_MAX; i++)
		fds[i] = -1;
	for (i = 0; i < MERGE_MAX && !ret; i++) {
		ret = dhb_fence_sw_open(DHB_FENCE_SW_SYNC_PATH, &s->merge_tl[i]);
		if (!ret)
			ret = dhb_fence_sw_create(&s->merge_tl[i], &fds[i], retries(ctx));
	}
	for (i = 0; i < NMERGE && !ret; i++) {
		n = merge_sizes[i];
		ret = merge_range(fds, 0, n / 2, &s->merge_in[i][0], retries(ctx));
		if (!ret)
			ret = merge_range(fds, n / 2, n, &s->merge_in[i][1], retries(ctx));
	}
	for (i = 0; i < MERGE_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret ? dhb_ctx_fail(ctx, ret, "sw_sync fences to merge") : 0;
}

/* vgem: the buffer imported into the vgem card, or a note why there is none. */
static void setup_vgem(struct dhb_ctx *ctx, struct fence_state *s)
{
	static bool said;
	struct dhb_device *d = dhb_fence_vgem_find(ctx->devs);
	int ret;

	if (!d) {
		note(ctx, &said,
		     "no vgem fences (their wake-up metrics absent): no vgem card among the "
		     "selected devices (CONFIG_DRM_VGEM, --devices)");
		return;
	}
	ret = dhb_drm_prime_import(d, s->buf.fd, &s->handle);
	if (ret) {
		note(ctx, NULL, "no vgem fences on %s: DRM_IOCTL_PRIME_FD_TO_HANDLE into %s: %s",
		     ctx->inst->name, d->name, strerror(-ret));
		return;
	}
	s->vgem = d;
}

/* Declare metric @name with @params; a full context sets *@err. */
static int metric(struct dhb_ctx *ctx, const char *name, const char *params, int *err)
{
	int idx = dhb_ctx_metric(ctx, name, DHB_METRIC_NS, NULL, params);

	if (idx < 0)
		*err = idx;
	return idx;
}

/* The metrics of what this instance has: sw_sync and vgem ones only when there are such fences. */
static int declare(struct dhb_ctx *ctx, struct fence_state *s)
{
	char p[96];
	size_t i, k, w, c;
	int err = 0;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "direction=%s", dirs[i].name);
		s->export_m[i] = metric(ctx, "export_sync_file_latency", p, &err);
		s->import_m[i] = metric(ctx, "import_sync_file_latency", p, &err);
	}
	for (k = 0; k < NKINDS; k++)
		for (w = 0; w < NWAITS; w++)
			for (c = 0; c < NCLOCKS; c++) {
				s->wake_m[k][w][c] = UNDECLARED;
				if (k == FENCE_SW ? s->tl.fd < 0 : !s->vgem)
					continue;
				snprintf(p, sizeof(p), "fence=%s;wait=%s;clock=%s", kind_names[k],
					 wait_names[w], clock_names[c]);
				s->wake_m[k][w][c] = metric(ctx, "fence_wakeup_latency", p, &err);
			}
	for (i = 0; i < NMERGE; i++) {
		s->merge_m[i] = UNDECLARED;
		if (s->tl.fd < 0)
			continue;
		snprintf(p, sizeof(p), "fences=%u", merge_sizes[i]);
		s->merge_m[i] = metric(ctx, "sync_merge_latency", p, &err);
	}
	for (w = 0; w < NWAITS; w++) {
		snprintf(p, sizeof(p), "wait=%s", wait_names[w]);
		s->floor_m[w] = metric(ctx, "fence_wait_signalled_latency", p, &err);
	}
	return err;
}

static int fence_setup(struct dhb_ctx *ctx)
{
	struct fence_state *s;
	size_t i;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	s->buf.fd = s->buf.aux_fd = s->tl.fd = s->done_fd = -1;
	for (i = 0; i < MERGE_MAX; i++)
		s->merge_tl[i].fd = -1;
	for (i = 0; i < NMERGE; i++)
		s->merge_in[i][0] = s->merge_in[i][1] = -1;
	ret = ctx->inst->ops->alloc(ctx->inst, ctx->size, &s->buf);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "allocation");
		goto out_release;
	}
	ret = dhb_fence_export(s->buf.fd, DMA_BUF_SYNC_READ, &s->done_fd, retries(ctx));
	if (ret == -ENOTTY) {
		snprintf(
			ctx->reason, sizeof(ctx->reason),
			"DMA_BUF_IOCTL_EXPORT_SYNC_FILE: not in this kernel (Linux 6.0 and later)");
		ret = -EOPNOTSUPP;
		goto out_release;
	}
	if (ret) {
		dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
		goto out_release;
	}
	ret = setup_sw(ctx, s);
	if (ret)
		goto out_release;
	setup_vgem(ctx, s);
	ret = declare(ctx, s);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "declaring the metrics");
		goto out_release;
	}
	ctx->state = s;
	return 0;
out_release:
	release(ctx, s);
	return ret;
}

/* Export then import a sync_file, each direction, timed. */
static int run_sync_file(struct dhb_ctx *ctx, struct fence_state *s)
{
	struct dhb_section ex, im;
	size_t i;
	int fd, ret = 0;

	for (i = 0; i < 2 && !ret; i++) {
		fd = -1;
		dhb_section_begin(ctx, &ex);
		ret = dhb_fence_export(s->buf.fd, dirs[i].flags, &fd, retries(ctx));
		dhb_section_end(ctx, &ex);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
		dhb_section_begin(ctx, &im);
		ret = dhb_fence_import(s->buf.fd, dirs[i].flags, fd, retries(ctx));
		dhb_section_end(ctx, &im);
		close(fd);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_IMPORT_SYNC_FILE");
		ret = dhb_section_record(ctx, s->export_m[i], &ex);
		if (!ret)
			ret = dhb_section_record(ctx, s->import_m[i], &im);
	}
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

/* An unsignalled write fence of kind @k on the buffer; its sync_file in *@sf. */
static int arm(struct dhb_ctx *ctx, struct fence_state *s, enum fence_kind k, int *sf)
{
	int ret;

	if (k == FENCE_SW) {
		ret = dhb_fence_sw_create(&s->tl, sf, retries(ctx));
		if (ret)
			return dhb_ctx_fail(ctx, ret, "SW_SYNC_IOC_CREATE_FENCE");
		ret = dhb_fence_import(s->buf.fd, DMA_BUF_SYNC_WRITE, *sf, retries(ctx));
		return ret ? dhb_ctx_fail(ctx, ret,
					  "DMA_BUF_IOCTL_IMPORT_SYNC_FILE of a sw_sync fence")
			   : 0;
	}
	ret = dhb_fence_vgem_attach(s->vgem, s->handle, &s->vgem_fence);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "DRM_IOCTL_VGEM_FENCE_ATTACH");
	ret = dhb_fence_export(s->buf.fd, DMA_BUF_SYNC_READ, sf, retries(ctx));
	return ret ? dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE of a vgem fence") : 0;
}

/* The wake-up's two figures: from before the signal ioctl (@t0), and from the fence's stamp. */
static int record_wake(struct dhb_ctx *ctx, struct fence_state *s, const int *m, int sf,
		       uint64_t t0, uint64_t woke)
{
	uint64_t stamp;
	int ret;

	ret = dhb_ctx_record(ctx, m[CLOCK_USER], woke > t0 ? woke - t0 : 0);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "recording");
	ret = dhb_fence_stamp(sf, &stamp, retries(ctx));
	if (ret)
		return dhb_ctx_fail(ctx, ret, "SYNC_IOC_FILE_INFO (the fence's signal time)");
	ret = dhb_ctx_record(ctx, m[CLOCK_KERNEL], woke > stamp ? woke - stamp : 0);
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

/* One signal to wake-up: arm, let the waiter fall asleep, signal (always), join (always). */
static int wake_once(struct dhb_ctx *ctx, struct fence_state *s, enum fence_kind k,
		     enum wait_kind w)
{
	struct dhb_fence_waiter wt = {.running = false};
	uint64_t t0;
	int sf = -1, ret, fired, woke;

	ret = arm(ctx, s, k, &sf);
	if (!ret) {
		ret = dhb_fence_waiter_start(&wt, w == WAIT_DMABUF ? s->buf.fd : sf,
					     DHB_FENCE_POLL_MS);
		if (ret)
			dhb_ctx_fail(ctx, ret, "pthread_create (the waiter)");
	}
	if (!ret) {
		ret = dhb_fence_waiter_asleep(&wt, ASLEEP_MS);
		if (ret)
			dhb_ctx_fail(ctx, ret, "the waiter falling asleep in poll()");
	}
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	fired = fire(ctx, s, k);
	woke = dhb_fence_waiter_join(&wt);
	if (!ret && fired)
		ret = dhb_ctx_fail(ctx, fired,
				   k == FENCE_SW ? "SW_SYNC_IOC_INC"
						 : "DRM_IOCTL_VGEM_FENCE_SIGNAL");
	if (!ret && woke)
		ret = dhb_ctx_fail(ctx, woke, "poll() for the fence's signal");
	if (!ret)
		ret = record_wake(ctx, s, s->wake_m[k][w], sf, t0, wt.woke_ns);
	if (sf >= 0)
		close(sf);
	return ret;
}

/* SYNC_IOC_MERGE of each size, and poll() on signalled fences, timed. */
static int run_merge_floor(struct dhb_ctx *ctx, struct fence_state *s)
{
	struct dhb_section sec;
	size_t i;
	int fd, ret = 0;

	for (i = 0; i < NMERGE && s->merge_m[i] != UNDECLARED && !ret; i++) {
		fd = -1;
		dhb_section_begin(ctx, &sec);
		ret = dhb_fence_merge(s->merge_in[i][0], s->merge_in[i][1], &fd, retries(ctx));
		dhb_section_end(ctx, &sec);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "SYNC_IOC_MERGE");
		close(fd);
		ret = dhb_section_record(ctx, s->merge_m[i], &sec);
	}
	for (i = 0; i < NWAITS && !ret; i++) {
		fd = i == WAIT_DMABUF ? s->buf.fd : s->done_fd;
		dhb_section_begin(ctx, &sec);
		ret = dhb_fence_poll(fd, POLLIN, DHB_FENCE_POLL_MS);
		dhb_section_end(ctx, &sec);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "poll() on signalled fences");
		ret = dhb_section_record(ctx, s->floor_m[i], &sec);
	}
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static bool stopping(const struct dhb_ctx *ctx)
{
	return ctx->stop && *ctx->stop;
}

static int fence_run_once(struct dhb_ctx *ctx)
{
	struct fence_state *s = ctx->state;
	size_t k, w;
	int ret;

	ret = run_sync_file(ctx, s);
	/* A signal stops the run between wake-ups (each is a thread and a wait) too. */
	for (k = 0; k < NKINDS && !ret && !stopping(ctx); k++)
		for (w = 0; w < NWAITS && !ret && !stopping(ctx); w++)
			if (s->wake_m[k][w][CLOCK_USER] != UNDECLARED)
				ret = wake_once(ctx, s, k, w);
	return ret || stopping(ctx) ? ret : run_merge_floor(ctx, s);
}

static void fence_teardown(struct dhb_ctx *ctx)
{
	if (!ctx->state)
		return;
	release(ctx, ctx->state);
	ctx->state = NULL;
}

const struct dhb_test dhb_test_fence = {
	.name = "fence",
	.help = "sync_file export/import, fence signal-to-wake-up (sw_sync, vgem), merge, wait "
		"floor",
	.buffers = 1,
	.needs = DHB_NEED_DMABUF | DHB_USES_DEVICES,
	.setup = fence_setup,
	.run_once = fence_run_once,
	.teardown = fence_teardown,
};
