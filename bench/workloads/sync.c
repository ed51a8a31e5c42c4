// SPDX-License-Identifier: MIT
// Test "sync": DMA_BUF_IOCTL_SYNC START and END cost per direction, beside a no-op ioctl floor.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "dhb/compat.h"
#include "dhb/workload.h"

/*
 * Each iteration times, for each direction (read, write, rw), DMA_BUF_IOCTL_SYNC with START
 * (sync_start_latency) and then with END (sync_end_latency), and once the floor
 * (ioctl_floor_latency, params floor=sync_einval): DMA_BUF_IOCTL_SYNC with flags that are not
 * valid, which the kernel rejects with EINVAL right after copying the argument in
 * (dma_buf_ioctl), so it costs the system call, the fd lookup and the copy and nothing else.
 * The difference between a sync figure and the floor is what the exporter's cache maintenance
 * (begin/end_cpu_access) costs. No device is attached, so exporters that only sync attachments
 * have little to do; that is the honest figure for CPU-only use.
 */
static const struct {
	const char *name;
	uint64_t flags;
} dirs[] = {
	{"read", DMA_BUF_SYNC_READ},
	{"write", DMA_BUF_SYNC_WRITE},
	{"rw", DMA_BUF_SYNC_RW},
};

#define NDIRS	      (sizeof(dirs) / sizeof(dirs[0]))
#define INVALID_FLAGS (~(uint64_t)DMA_BUF_SYNC_VALID_FLAGS_MASK)

struct sync_state {
	struct dhb_buf buf;
	int start[NDIRS], end[NDIRS], floor;
};

static const char *sync_supported(const struct dhb_instance *inst, const struct dhb_device *dev,
				  uint64_t size, long page, char *buf, size_t len)
{
	return inst->ops->caps & DHB_CAP_SYNC ? NULL
					      : "not a dma-buf: DMA_BUF_IOCTL_SYNC does not apply";
}

static int sync_setup(struct dhb_ctx *ctx)
{
	struct dhb_instance *inst = ctx->inst;
	struct sync_state *s;
	char params[32];
	size_t i;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	ret = inst->ops->alloc(inst, ctx->size, &s->buf);
	if (ret) {
		free(s);
		return dhb_ctx_fail(ctx, ret, "allocation");
	}
	for (i = 0; i < NDIRS; i++) {
		snprintf(params, sizeof(params), "direction=%s", dirs[i].name);
		s->start[i] =
			dhb_ctx_metric(ctx, "sync_start_latency", DHB_METRIC_NS, NULL, params);
		s->end[i] = dhb_ctx_metric(ctx, "sync_end_latency", DHB_METRIC_NS, NULL, params);
	}
	s->floor = dhb_ctx_metric(ctx, "ioctl_floor_latency", DHB_METRIC_NS, NULL,
				  "floor=sync_einval");
	ctx->state = s;
	return 0;
}

static int sync_run_once(struct dhb_ctx *ctx)
{
	struct sync_state *s = ctx->state;
	const struct dhb_backend_ops *ops = ctx->inst->ops;
	struct dma_buf_sync bad = {.flags = INVALID_FLAGS};
	struct dhb_section start, end, floor;
	size_t i;
	int ret = 0;

	for (i = 0; i < NDIRS && !ret; i++) {
		dhb_section_begin(ctx, &start);
		ret = ops->sync(&s->buf, DMA_BUF_SYNC_START | dirs[i].flags);
		dhb_section_next(ctx, &start, &end);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_SYNC START");
		ret = ops->sync(&s->buf, DMA_BUF_SYNC_END | dirs[i].flags);
		dhb_section_end(ctx, &end);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_SYNC END");
		ret = dhb_section_record(ctx, s->start[i], &start);
		if (!ret)
			ret = dhb_section_record(ctx, s->end[i], &end);
	}
	if (ret)
		return dhb_ctx_fail(ctx, ret, "recording");
	dhb_section_begin(ctx, &floor);
	ret = dhb_ioctl(s->buf.fd, DMA_BUF_IOCTL_SYNC, &bad, &ctx->inst->ioctl_retries);
	dhb_section_end(ctx, &floor);
	if (ret != -EINVAL)
		return dhb_ctx_fail(ctx, ret < 0 ? ret : -EPROTO,
				    "DMA_BUF_IOCTL_SYNC with invalid flags (expected EINVAL)");
	ret = dhb_section_record(ctx, s->floor, &floor);
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static void sync_teardown(struct dhb_ctx *ctx)
{
	struct sync_state *s = ctx->state;

	if (!s)
		return;
	dhb_buf_release(&s->buf);
	free(s);
	ctx->state = NULL;
}

const struct dhb_test dhb_test_sync = {
	.name = "sync",
	.help = "DMA_BUF_IOCTL_SYNC START/END cost per direction, beside a no-op ioctl floor",
	.buffers = 1,
	.needs = DHB_NEED_CPU_ACCESS | DHB_NEED_DMABUF,
	.supported = sync_supported,
	.setup = sync_setup,
	.run_once = sync_run_once,
	.teardown = sync_teardown,
};
