// SPDX-License-Identifier: MIT
// Timed sections (dhb/section.h): counters and retries around the clock readings, and their cost.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/section.h"
#include "dhb/workload.h"

/* Retries of the instance's ioctls and of the device's (tests that import into one). */
static uint64_t retries_now(const struct dhb_ctx *ctx)
{
	return (ctx->inst ? ctx->inst->ioctl_retries : 0) +
	       (ctx->dev ? ctx->dev->ioctl_retries : 0);
}

/* The counter values now into @s->count, or @s->n 0 when there are none or the read failed. */
static void read_counters(struct dhb_ctx *ctx, struct dhb_section *s)
{
	const struct dhb_counters *c = ctx->counters;

	s->n = 0;
	if (c && c->n && c->read && !c->read(ctx->counters, s->count))
		s->n = c->n;
}

void dhb_section_open(struct dhb_ctx *ctx, struct dhb_section *s)
{
	s->clk = ctx->clk;
	s->t0 = s->t1 = 0;
	read_counters(ctx, s);
	s->retries = retries_now(ctx);
}

/* Turns @s's begin values into what happened during it, given the values at its end. */
static void finish(struct dhb_section *s, const uint64_t *now, size_t n, uint64_t retries)
{
	size_t i;

	s->retries = retries - s->retries;
	if (n != s->n) { /* a read failed at one end: not counted */
		s->n = 0;
		return;
	}
	for (i = 0; i < n; i++)
		s->count[i] = now[i] - s->count[i];
}

void dhb_section_close(struct dhb_ctx *ctx, struct dhb_section *s)
{
	struct dhb_section end;

	read_counters(ctx, &end);
	finish(s, end.count, end.n, retries_now(ctx));
}

void dhb_section_handover(struct dhb_ctx *ctx, struct dhb_section *done, struct dhb_section *next)
{
	uint64_t retries;

	next->clk = ctx->clk;
	next->t1 = 0;
	read_counters(ctx, next); /* the end of @done and the begin of @next */
	retries = retries_now(ctx);
	next->retries = retries;
	finish(done, next->count, next->n, retries);
	next->t0 = done->t1; /* replaced by a clock reading when counted (dhb_section_next()) */
}

uint64_t dhb_section_ns(const struct dhb_section *s)
{
	return s->t1 > s->t0 ? s->t1 - s->t0 : 0;
}

/* The counts and retries of @s, kept with metric @idx. */
static int record_counts(struct dhb_ctx *ctx, int idx, const struct dhb_section *s)
{
	struct dhb_metric *m = &ctx->metrics[idx];
	size_t i;
	int ret;

	m->sections = true;
	if (!ctx->record)
		return 0;
	ret = dhb_stats_add(&m->retries, s->retries);
	if (ret || !s->n)
		return ret;
	if (!m->counts) {
		m->counts = calloc(s->n, sizeof(*m->counts));
		if (!m->counts)
			return -ENOMEM;
		m->n_counts = s->n;
		for (i = 0; i < s->n; i++)
			dhb_stats_init(&m->counts[i], 0);
	}
	for (i = 0; i < s->n && i < m->n_counts && !ret; i++)
		ret = dhb_stats_add(&m->counts[i], s->count[i]);
	return ret;
}

int dhb_section_record(struct dhb_ctx *ctx, int idx, const struct dhb_section *s)
{
	int ret = dhb_ctx_record(ctx, idx, dhb_section_ns(s));

	return ret ? ret : record_counts(ctx, idx, s);
}

int dhb_section_record_rate(struct dhb_ctx *ctx, int idx, uint64_t bytes,
			    const struct dhb_section *s)
{
	int ret = dhb_ctx_record_rate(ctx, idx, bytes, dhb_section_ns(s));

	return ret ? ret : record_counts(ctx, idx, s);
}

unsigned int dhb_section_overhead_flags(double overhead, double p50)
{
	if (overhead < 0 || !isfinite(overhead) || isnan(p50))
		return 0;
	return overhead <= DHB_TRUST_MAX_COUNTER_FRAC * p50 ? 0 : DHB_FLAG_COUNTER_OVERHEAD;
}

/* One empty section timed from outside, in ns; its counts into @s. */
static uint64_t empty_section(struct dhb_ctx *ctx, struct dhb_section *s)
{
	uint64_t t0, t1;

	t0 = dhb_stats_now_ns(ctx->clk);
	dhb_section_begin(ctx, s);
	dhb_section_end(ctx, s);
	t1 = dhb_stats_now_ns(ctx->clk);
	return t1 > t0 ? t1 - t0 : 0;
}

static double median(struct dhb_stats *st)
{
	double v = -1;

	return dhb_stats_percentile(st, 50, &v) ? -1 : v;
}

int dhb_section_calibrate(struct dhb_counters *c, clockid_t clk, unsigned int n,
			  struct dhb_section_cost *cost)
{
	struct dhb_ctx ctx = {.clk = clk, .record = true};
	struct dhb_stats plain, counted, floors[DHB_COUNTERS_MAX];
	struct dhb_section s;
	size_t i, nc = c && c->read ? c->n : 0;
	unsigned int k;
	int ret = 0;

	if (!n)
		n = 1000;
	dhb_stats_init(&plain, 0);
	dhb_stats_init(&counted, 0);
	for (i = 0; i < nc; i++)
		dhb_stats_init(&floors[i], 0);
	for (k = 0; k < n && !ret; k++) {
		ctx.counters = NULL;
		ret = dhb_stats_add(&plain, empty_section(&ctx, &s));
		if (ret || !nc)
			continue;
		ctx.counters = c;
		ret = dhb_stats_add(&counted, empty_section(&ctx, &s));
		if (!s.n && !ret)
			ret = c->read(c, s.count); /* the read's own error */
		for (i = 0; i < s.n && !ret; i++)
			ret = dhb_stats_add(&floors[i], s.count[i]);
	}
	cost->plain_ns = median(&plain);
	cost->counted_ns = nc ? median(&counted) : -1;
	cost->counting_ns = cost->counted_ns < 0		? -1
			    : cost->counted_ns > cost->plain_ns ? cost->counted_ns - cost->plain_ns
								: 0;
	for (i = 0; i < nc; i++) {
		c->floor[i] = median(&floors[i]);
		dhb_stats_fini(&floors[i]);
	}
	dhb_stats_fini(&plain);
	dhb_stats_fini(&counted);
	return ret;
}
