// SPDX-License-Identifier: MIT
// Timed sections: how every test times an operation, with its ioctl retries and perf counters.
#ifndef DHB_SECTION_H
#define DHB_SECTION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dhb/counters.h"
#include "dhb/stats.h"

/*
 * Timed sections
 * --------------
 * A test brackets each operation it measures with dhb_section_begin() and dhb_section_end() on
 * its context, and records the section into a metric (dhb_section_record()). The section takes
 * the two clock readings, counts the ioctl retries of the instance and of the device, if any
 * (EINTR/EAGAIN, counted by dhb_ioctl()), and reads the run's perf counters (dhb/counters.h):
 *
 *     begin:  counters, retries, then the clock (inline, right before the operation)
 *     end:    the clock (inline, right after it), then counters and retries
 *
 * so the clock readings sit exactly where a test reading the clock itself would put them, and
 * the counter reads are outside the timed interval. The counts do include part of the counter
 * reads themselves (the floor, measured by dhb_section_calibrate()). Two sections back to back
 * (alloc then free; sync START then END) use dhb_section_next(): one counter read serves as the
 * end of the first and the begin of the second; when nothing is counted it reads the clock once,
 * so the two intervals join exactly, as one pair of clock readings around both would.
 *
 * The counts are recorded with the metric: each event becomes a row of its own, named
 * "<metric>.<event>" (dhb_counter_metric()), and the retries a row "<metric>.ioctl-retries"
 * when there were any (the runner, bench/core/runner.c).
 */

struct dhb_ctx;

/**
 * struct dhb_section - one timed section; a test's local variable.
 * @clk: the clock, from the context.
 * @t0: clock at begin, ns.
 * @t1: clock at end, ns.
 * @retries: the instance's ioctl retries at begin; after end, the retries during the section.
 * @n: counters read (0: not counted: no counters, or a read failed).
 * @count: counter values at begin; after end, the counts during the section.
 */
struct dhb_section {
	clockid_t clk;
	uint64_t t0;
	uint64_t t1;
	uint64_t retries;
	size_t n;
	uint64_t count[DHB_COUNTERS_MAX];
};

/**
 * struct dhb_section_cost - what a section itself costs (dhb_section_calibrate()).
 * @plain_ns: median time of an empty section, begin and end, without counters.
 * @counted_ns: the same with the counters; -1 when nothing is counted.
 * @counting_ns: @counted_ns - @plain_ns (never below 0): what counting adds to each section,
 *               outside its timed interval; -1 when nothing is counted.
 */
struct dhb_section_cost {
	double plain_ns;
	double counted_ns;
	double counting_ns;
};

/**
 * dhb_section_open() - the part of dhb_section_begin() before the clock reading.
 * @ctx: the test's context.
 * @s: section.
 */
void dhb_section_open(struct dhb_ctx *ctx, struct dhb_section *s);

/**
 * dhb_section_close() - the part of dhb_section_end() after the clock reading.
 * @ctx: the test's context.
 * @s: section.
 */
void dhb_section_close(struct dhb_ctx *ctx, struct dhb_section *s);

/**
 * dhb_section_handover() - the part of dhb_section_next() after the first clock reading.
 * @ctx: the test's context.
 * @done: the section that ends.
 * @next: the section that begins; its t0 is @done's t1 when nothing is counted.
 */
void dhb_section_handover(struct dhb_ctx *ctx, struct dhb_section *done, struct dhb_section *next);

/**
 * dhb_section_begin() - start a timed section; the operation follows at once.
 * @ctx: the test's context.
 * @s: section.
 */
static inline void dhb_section_begin(struct dhb_ctx *ctx, struct dhb_section *s)
{
	dhb_section_open(ctx, s);
	s->t0 = dhb_stats_now_ns(s->clk);
}

/**
 * dhb_section_end() - end a timed section, right after the operation.
 * @ctx: the test's context.
 * @s: section.
 */
static inline void dhb_section_end(struct dhb_ctx *ctx, struct dhb_section *s)
{
	s->t1 = dhb_stats_now_ns(s->clk);
	dhb_section_close(ctx, s);
}

/**
 * dhb_section_next() - end @done and begin @next, for two operations back to back.
 * @ctx: the test's context.
 * @done: the section that ends.
 * @next: the section that begins.
 */
static inline void dhb_section_next(struct dhb_ctx *ctx, struct dhb_section *done,
				    struct dhb_section *next)
{
	done->t1 = dhb_stats_now_ns(done->clk);
	dhb_section_handover(ctx, done, next);
	if (next->n)
		next->t0 = dhb_stats_now_ns(next->clk);
}

/**
 * dhb_section_ns() - a section's time.
 * @s: an ended section.
 *
 * Return: t1 - t0 in ns (0 if the clock went backwards).
 */
uint64_t dhb_section_ns(const struct dhb_section *s);

/**
 * dhb_section_record() - record an ended section into a latency metric, with its counts.
 * @ctx: context.
 * @idx: metric index (DHB_METRIC_NS).
 * @s: the section.
 *
 * Like dhb_ctx_record(), it keeps nothing while recording is off.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_section_record(struct dhb_ctx *ctx, int idx, const struct dhb_section *s);

/**
 * dhb_section_record_rate() - record an ended section that moved @bytes into a rate metric.
 * @ctx: context.
 * @idx: metric index (DHB_METRIC_RATE).
 * @bytes: bytes moved.
 * @s: the section.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_section_record_rate(struct dhb_ctx *ctx, int idx, uint64_t bytes,
			    const struct dhb_section *s);

/**
 * dhb_section_calibrate() - measure what a section costs, and the counters' floors.
 * @c: the run's counters (may count nothing); their floor[] is set.
 * @clk: clock.
 * @n: empty sections to time each way (0 means 1000).
 * @cost: result.
 *
 * Times @n empty sections (begin, then end at once) without counters and @n with them,
 * interleaved, and takes the medians; the floor of each event is its median count in the empty
 * sections.
 *
 * Return: 0, -ENOMEM, or a counter read's -errno.
 */
int dhb_section_calibrate(struct dhb_counters *c, clockid_t clk, unsigned int n,
			  struct dhb_section_cost *cost);

/**
 * dhb_section_overhead_flags() - DHB_FLAG_COUNTER_OVERHEAD when @overhead > 1 % of @p50.
 * @overhead: what counting adds (a time, or an event's floor), in @p50's unit; < 0: unknown.
 * @p50: the row's median (for rates, the time of the median sample).
 *
 * Return: DHB_FLAG_COUNTER_OVERHEAD or 0.
 */
unsigned int dhb_section_overhead_flags(double overhead, double p50);

#endif /* DHB_SECTION_H */
