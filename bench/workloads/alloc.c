// SPDX-License-Identifier: MIT
// Test "alloc": allocation, free and alloc+free latency, and the first (cold) allocation after idle.
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "dhb/workload.h"

/*
 * Cold: before the warm iterations of each (instance, size), the test sleeps ALLOC_IDLE_MS and
 * then times one allocation; that sample is the metric alloc_cold_latency (n = 1, hence always
 * flagged few_samples). It shows what the first buffer after a pause costs (empty per-CPU page
 * lists, CMA migration, heap pools), which warm medians hide. Warm iterations time
 * alloc (alloc_latency), free (free_latency: the close() that releases a dma-buf) and the pair
 * (alloc_free_latency), one buffer at a time.
 */
#define ALLOC_IDLE_MS 50

struct alloc_state {
	int cold, alloc, free, pair;
};

static int alloc_setup(struct dhb_ctx *ctx)
{
	struct timespec idle = {.tv_nsec = ALLOC_IDLE_MS * 1000000L};
	struct dhb_instance *inst = ctx->inst;
	struct alloc_state *s;
	struct dhb_section cold;
	struct dhb_buf buf;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	s->cold = dhb_ctx_metric(ctx, "alloc_cold_latency", DHB_METRIC_NS, NULL, "idle_ms=50");
	s->alloc = dhb_ctx_metric(ctx, "alloc_latency", DHB_METRIC_NS, NULL, NULL);
	s->free = dhb_ctx_metric(ctx, "free_latency", DHB_METRIC_NS, NULL, NULL);
	s->pair = dhb_ctx_metric(ctx, "alloc_free_latency", DHB_METRIC_NS, NULL, NULL);
	ctx->state = s;
	nanosleep(&idle, NULL); /* a signal cuts it short; the runner then stops */
	dhb_section_begin(ctx, &cold);
	ret = inst->ops->alloc(inst, ctx->size, &buf);
	dhb_section_end(ctx, &cold);
	if (ret)
		goto out_free_state;
	ret = inst->ops->free(&buf);
	if (ret)
		goto out_free_state;
	ret = dhb_section_record(ctx, s->cold, &cold);
	if (ret)
		goto out_free_state;
	return 0;
out_free_state:
	free(s);
	ctx->state = NULL;
	return dhb_ctx_fail(ctx, ret, "first (cold) allocation");
}

static int alloc_run_once(struct dhb_ctx *ctx)
{
	struct dhb_instance *inst = ctx->inst;
	struct alloc_state *s = ctx->state;
	struct dhb_section alloc, release;
	struct dhb_buf buf;
	int ret;

	dhb_section_begin(ctx, &alloc);
	ret = inst->ops->alloc(inst, ctx->size, &buf);
	dhb_section_next(ctx, &alloc, &release);
	if (ret) /* a section holds nothing: one left open needs no ending */
		return dhb_ctx_fail(ctx, ret, "allocation");
	ret = inst->ops->free(&buf);
	dhb_section_end(ctx, &release);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "free");
	ret = dhb_section_record(ctx, s->alloc, &alloc);
	if (!ret)
		ret = dhb_section_record(ctx, s->free, &release);
	if (!ret) /* the sections join (with counters, the read between them is left out) */
		ret = dhb_ctx_record(ctx, s->pair,
				     dhb_section_ns(&alloc) + dhb_section_ns(&release));
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static void alloc_teardown(struct dhb_ctx *ctx)
{
	free(ctx->state);
	ctx->state = NULL;
}

const struct dhb_test dhb_test_alloc = {
	.name = "alloc",
	.help = "allocation, free and alloc+free latency; the first allocation after idle apart",
	.buffers = 1,
	.setup = alloc_setup,
	.run_once = alloc_run_once,
	.teardown = alloc_teardown,
};
