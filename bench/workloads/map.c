// SPDX-License-Identifier: MIT
// Test "map": mmap latency, first touch of every page, munmap latency.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/workload.h"

/*
 * One buffer is allocated and its pages populated once in setup (mapped, written, unmapped), so
 * every iteration measures mapping, not allocation, for every backend alike (memfd would
 * otherwise allocate its pages at the first touch of the first iteration only). An iteration
 * maps the buffer (map_latency), writes one byte into every page (touch_latency: the page
 * faults, or nothing where the exporter maps every page at mmap time), and unmaps
 * (unmap_latency). The page faults each step took are the counter rows of its timed section
 * (touch_latency.page-faults, dhb/section.h).
 */
struct map_state {
	struct dhb_buf buf;
	int map, touch, unmap;
};

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
	struct dhb_section map, touch, unmap;
	int ret;

	dhb_section_begin(ctx, &map);
	ret = ops->map(&s->buf);
	dhb_section_end(ctx, &map);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "mmap");
	dhb_section_begin(ctx, &touch);
	touch_pages(s->buf.addr, ctx->size, ctx->page_size);
	dhb_section_end(ctx, &touch);
	dhb_section_begin(ctx, &unmap);
	ret = ops->unmap(&s->buf);
	dhb_section_end(ctx, &unmap);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "munmap");
	ret = dhb_section_record(ctx, s->map, &map);
	if (!ret)
		ret = dhb_section_record(ctx, s->touch, &touch);
	if (!ret)
		ret = dhb_section_record(ctx, s->unmap, &unmap);
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
	.help = "mmap latency, first touch of every page, munmap latency",
	.buffers = 1,
	.needs = DHB_NEED_CPU_ACCESS,
	.setup = map_setup,
	.run_once = map_run_once,
	.teardown = map_teardown,
};
