// SPDX-License-Identifier: MIT
// Test "map": mmap latency, first touch of every page (with its page faults), munmap latency.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "dhb/workload.h"

/*
 * One buffer is allocated and its pages populated once in setup (mapped, written, unmapped), so
 * every iteration measures mapping, not allocation, for every backend alike (memfd would
 * otherwise allocate its pages at the first touch of the first iteration only). An iteration
 * maps the buffer (map_latency), writes one byte into every page (touch_latency: the page
 * faults, or nothing where the exporter maps every page at mmap time), counts the page faults
 * the touch took (page_faults, minor + major from getrusage(RUSAGE_SELF), read outside the
 * timed sections), and unmaps (unmap_latency).
 */
struct map_state {
	struct dhb_buf buf;
	int map, touch, unmap, faults;
};

static long faults_now(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_minflt + ru.ru_majflt;
}

static void touch_pages(void *addr, uint64_t size, long page)
{
	volatile unsigned char *p = addr;
	uint64_t off;

	for (off = 0; off < size; off += (uint64_t)page)
		p[off] = (unsigned char)(off >> 12);
}

static int map_setup(struct dhb_ctx *ctx)
{
	struct dhb_instance *inst = ctx->inst;
	struct map_state *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	dhb_buf_init(&s->buf, inst);
	ret = inst->ops->alloc(inst, ctx->size, &s->buf);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "allocation");
		goto out_free_state;
	}
	ret = inst->ops->map(&s->buf);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "mmap");
		goto out_free_buf;
	}
	memset(s->buf.addr, 0x5a, ctx->size);
	ret = inst->ops->unmap(&s->buf);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "munmap");
		goto out_free_buf;
	}
	s->map = dhb_ctx_metric(ctx, "map_latency", DHB_METRIC_NS, NULL, NULL);
	s->touch = dhb_ctx_metric(ctx, "touch_latency", DHB_METRIC_NS, NULL, NULL);
	s->faults = dhb_ctx_metric(ctx, "page_faults", DHB_METRIC_COUNT, "faults", NULL);
	s->unmap = dhb_ctx_metric(ctx, "unmap_latency", DHB_METRIC_NS, NULL, NULL);
	ctx->state = s;
	return 0;
out_free_buf:
	dhb_buf_release(&s->buf);
out_free_state:
	free(s);
	return ret;
}

static int map_run_once(struct dhb_ctx *ctx)
{
	struct map_state *s = ctx->state;
	const struct dhb_backend_ops *ops = ctx->inst->ops;
	uint64_t t0, t1, t2, t3, t4, t5;
	long f0, f1;
	int ret;

	t0 = dhb_stats_now_ns(ctx->clk);
	ret = ops->map(&s->buf);
	t1 = dhb_stats_now_ns(ctx->clk);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "mmap");
	f0 = faults_now();
	t2 = dhb_stats_now_ns(ctx->clk);
	touch_pages(s->buf.addr, ctx->size, ctx->page_size);
	t3 = dhb_stats_now_ns(ctx->clk);
	f1 = faults_now();
	t4 = dhb_stats_now_ns(ctx->clk);
	ret = ops->unmap(&s->buf);
	t5 = dhb_stats_now_ns(ctx->clk);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "munmap");
	ret = dhb_ctx_record(ctx, s->map, t1 - t0);
	if (!ret)
		ret = dhb_ctx_record(ctx, s->touch, t3 - t2);
	if (!ret)
		ret = dhb_ctx_record(ctx, s->faults, f1 > f0 ? (uint64_t)(f1 - f0) : 0);
	if (!ret)
		ret = dhb_ctx_record(ctx, s->unmap, t5 - t4);
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static void map_teardown(struct dhb_ctx *ctx)
{
	struct map_state *s = ctx->state;

	if (!s)
		return;
	dhb_buf_release(&s->buf);
	free(s);
	ctx->state = NULL;
}

const struct dhb_test dhb_test_map = {
	.name = "map",
	.help = "mmap latency, first touch of every page (page faults per buffer), munmap latency",
	.buffers = 1,
	.needs = DHB_NEED_CPU_ACCESS,
	.setup = map_setup,
	.run_once = map_run_once,
	.teardown = map_teardown,
};
