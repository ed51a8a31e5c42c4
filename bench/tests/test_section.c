// SPDX-License-Identifier: MIT
// Unit tests of the timed sections with a scripted counter set: deltas, retries, rows, flags.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dhb/plan.h"
#include "dhb/runner.h"
#include "dhb/section.h"
#include "dhb/workload.h"

/*
 * A counter set whose read() returns scripted values: event i reads base + i * step per call, so
 * a section's delta is (reads between its two ends) * step * (i + 1); a read can be made to fail.
 */
struct fake {
	struct dhb_counters c;
	uint64_t calls;
	uint64_t fail_at;   /* the one call that fails (from 1), 0 for none */
	uint64_t fail_from; /* the first of the calls that fail, 0 for none */
};

static int fake_read(struct dhb_counters *c, uint64_t *vals)
{
	struct fake *f = (struct fake *)c;
	size_t i;

	f->calls++;
	if ((f->fail_at && f->calls == f->fail_at) || (f->fail_from && f->calls >= f->fail_from))
		return -EIO;
	for (i = 0; i < c->n; i++)
		vals[i] = 1000 + f->calls * 10 * (i + 1);
	return 0;
}

static void fake_init(struct fake *f, size_t n)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->c.n = n;
	f->c.read = fake_read;
	for (i = 0; i < n; i++) {
		snprintf(f->c.ev[i].name, sizeof(f->c.ev[i].name), "ev%zu", i);
		f->c.ev[i].unit = i ? "events" : "ns";
		f->c.floor[i] = -1;
	}
}

static struct dhb_backend_ops fake_ops = {.name = "fake-backend"};

static void ctx_init(struct dhb_ctx *ctx, struct dhb_instance *inst, struct fake *f)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(inst, 0, sizeof(*inst));
	inst->ops = &fake_ops;
	snprintf(inst->name, sizeof(inst->name), "fakeheap");
	ctx->inst = inst;
	ctx->clk = dhb_stats_clock();
	ctx->counters = f ? &f->c : NULL;
	ctx->record = true;
}

Test(section, counts_and_retries)
{
	struct dhb_instance inst;
	struct dhb_section s;
	struct dhb_ctx ctx;
	struct fake f;

	fake_init(&f, 3);
	ctx_init(&ctx, &inst, &f);
	inst.ioctl_retries = 7;
	dhb_section_begin(&ctx, &s);
	inst.ioctl_retries += 2; /* what the operation retried */
	dhb_section_end(&ctx, &s);
	cr_assert_eq(f.calls, 2, "one read at each end");
	cr_assert_eq(s.n, 3);
	cr_assert_eq(s.count[0], 10);
	cr_assert_eq(s.count[2], 30);
	cr_assert_eq(s.retries, 2);
	cr_assert_geq(s.t1, s.t0);
	cr_assert_eq(dhb_section_ns(&s), s.t1 - s.t0);
}

Test(section, without_counters)
{
	struct dhb_instance inst;
	struct dhb_section a, b;
	struct dhb_ctx ctx;
	struct fake f;

	ctx_init(&ctx, &inst, NULL);
	dhb_section_begin(&ctx, &a);
	dhb_section_end(&ctx, &a);
	cr_assert_eq(a.n, 0);
	cr_assert_eq(a.retries, 0);
	/* Back to back without counters: one clock reading joins the two sections. */
	dhb_section_begin(&ctx, &a);
	dhb_section_next(&ctx, &a, &b);
	dhb_section_end(&ctx, &b);
	cr_assert_eq(b.t0, a.t1);
	cr_assert_eq(b.n, 0);
	/* A set that counts nothing is the same. */
	fake_init(&f, 0);
	ctx.counters = &f.c;
	dhb_section_begin(&ctx, &a);
	dhb_section_next(&ctx, &a, &b);
	dhb_section_end(&ctx, &b);
	cr_assert_eq(f.calls, 0);
	cr_assert_eq(b.t0, a.t1);
}

Test(section, next_reads_once)
{
	struct dhb_instance inst;
	struct dhb_section a, b;
	struct dhb_ctx ctx;
	struct fake f;

	fake_init(&f, 2);
	ctx_init(&ctx, &inst, &f);
	dhb_section_begin(&ctx, &a);
	inst.ioctl_retries = 1;
	dhb_section_next(&ctx, &a, &b);
	inst.ioctl_retries = 4;
	dhb_section_end(&ctx, &b);
	cr_assert_eq(f.calls, 3, "begin, the handover, end");
	cr_assert_eq(a.count[1], 20);
	cr_assert_eq(b.count[1], 20);
	cr_assert_eq(a.retries, 1);
	cr_assert_eq(b.retries, 3);
	cr_assert_geq(b.t0, a.t1, "counted: the second section's clock is read after the read");
}

Test(section, failed_read_is_not_counted)
{
	struct dhb_instance inst;
	struct dhb_section s;
	struct dhb_ctx ctx;
	struct fake f;
	int m;

	fake_init(&f, 2);
	ctx_init(&ctx, &inst, &f);
	m = dhb_ctx_metric(&ctx, "op_latency", DHB_METRIC_NS, NULL, NULL);
	f.fail_at = 2;
	dhb_section_begin(&ctx, &s);
	dhb_section_end(&ctx, &s);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(dhb_section_record(&ctx, m, &s), 0);
	cr_assert_eq(ctx.metrics[m].st.n, 1, "the time is kept");
	cr_assert_null(ctx.metrics[m].counts, "no counts");
	f.fail_at = 3;
	dhb_section_begin(&ctx, &s);
	dhb_section_end(&ctx, &s);
	cr_assert_eq(s.n, 0, "a failure at begin too");
	dhb_ctx_fini(&ctx);
}

Test(section, record)
{
	struct dhb_instance inst;
	struct dhb_section s;
	struct dhb_ctx ctx;
	struct fake f;
	int m, r, i;

	fake_init(&f, 2);
	ctx_init(&ctx, &inst, &f);
	m = dhb_ctx_metric(&ctx, "op_latency", DHB_METRIC_NS, NULL, "k=v");
	r = dhb_ctx_metric(&ctx, "op_bw", DHB_METRIC_RATE, NULL, NULL);
	ctx.record = false; /* warmup: sections run, nothing is kept */
	dhb_section_begin(&ctx, &s);
	dhb_section_end(&ctx, &s);
	cr_assert_eq(dhb_section_record(&ctx, m, &s), 0);
	cr_assert_eq(ctx.metrics[m].st.n, 0);
	cr_assert_null(ctx.metrics[m].counts);
	cr_assert(ctx.metrics[m].sections);
	ctx.record = true;
	for (i = 0; i < 5; i++) {
		dhb_section_begin(&ctx, &s);
		inst.ioctl_retries += (uint64_t)i;
		dhb_section_end(&ctx, &s);
		cr_assert_eq(dhb_section_record(&ctx, m, &s), 0);
		cr_assert_eq(dhb_section_record_rate(&ctx, r, 1 << 20, &s), 0);
	}
	cr_assert_eq(ctx.metrics[m].st.n, 5);
	cr_assert_eq(ctx.metrics[m].n_counts, 2);
	cr_assert_eq(ctx.metrics[m].counts[0].n, 5);
	cr_assert_eq(ctx.metrics[m].counts[1].min, 20);
	cr_assert_eq(ctx.metrics[m].counts[1].max, 20);
	cr_assert_eq(ctx.metrics[m].retries.n, 5);
	cr_assert_eq(ctx.metrics[m].retries.max, 4);
	cr_assert_eq(ctx.metrics[r].st.n, 5);
	cr_assert_eq(ctx.metrics[r].bytes, 1 << 20);
	cr_assert_eq(ctx.metrics[r].counts[0].n, 5);
	dhb_ctx_fini(&ctx);
	cr_assert_eq(ctx.n_metrics, 0);
}

Test(section, calibrate)
{
	struct dhb_section_cost cost;
	struct fake f;

	fake_init(&f, 2);
	cr_assert_eq(dhb_section_calibrate(&f.c, dhb_stats_clock(), 50, &cost), 0);
	cr_assert_eq(f.calls, 100, "two reads per counted empty section");
	cr_assert_eq(f.c.floor[0], 10);
	cr_assert_eq(f.c.floor[1], 20);
	cr_assert_geq(cost.plain_ns, 0);
	cr_assert_geq(cost.counted_ns, 0);
	cr_assert_geq(cost.counting_ns, 0);
	f.calls = 0;
	f.fail_at = 7; /* one failed read: that section is left out */
	cr_assert_eq(dhb_section_calibrate(&f.c, dhb_stats_clock(), 50, &cost), 0);
	f.fail_at = 0;
	f.fail_from = f.calls + 7; /* reads fail from then on: the error */
	cr_assert_eq(dhb_section_calibrate(&f.c, dhb_stats_clock(), 50, &cost), -EIO);
	/* Nothing counted: no counted figures. */
	fake_init(&f, 0);
	cr_assert_eq(dhb_section_calibrate(&f.c, dhb_stats_clock(), 50, &cost), 0);
	cr_assert_eq(cost.counting_ns, -1);
	cr_assert_eq(cost.counted_ns, -1);
	cr_assert_geq(cost.plain_ns, 0);
	cr_assert_eq(dhb_section_calibrate(NULL, dhb_stats_clock(), 50, &cost), 0);
	cr_assert_eq(cost.counting_ns, -1);
}

Test(section, overhead_flags)
{
	cr_assert_eq(dhb_section_overhead_flags(10, 1000), 0);
	cr_assert_eq(dhb_section_overhead_flags(10, 999), DHB_FLAG_COUNTER_OVERHEAD);
	cr_assert_eq(dhb_section_overhead_flags(0, 0), 0, "no floor, no median");
	cr_assert_eq(dhb_section_overhead_flags(1, 0), DHB_FLAG_COUNTER_OVERHEAD);
	cr_assert_eq(dhb_section_overhead_flags(-1, 5), 0, "unknown overhead");
	cr_assert_eq(dhb_section_overhead_flags(NAN, 5), 0);
	cr_assert_eq(dhb_section_overhead_flags(1, NAN), 0);
}

Test(section, flag_name)
{
	char buf[64];
	unsigned int flags = 0;

	cr_assert_eq(dhb_stats_flags_format(DHB_FLAG_COUNTER_OVERHEAD | DHB_FLAG_APPROX, buf,
					    sizeof(buf)),
		     0);
	cr_assert_str_eq(buf, "approx;counter_overhead");
	cr_assert_eq(dhb_stats_flags_parse("counter_overhead", &flags), 0);
	cr_assert_eq(flags, DHB_FLAG_COUNTER_OVERHEAD);
}

/* A test that times one operation per iteration, retrying once every other one when asked. */
static int op, op_time;
static bool retrying;

static int fake_setup(struct dhb_ctx *ctx)
{
	op_time = dhb_ctx_metric(ctx, "op_latency", DHB_METRIC_NS, NULL, "mode=x");
	return op_time < 0 ? op_time : 0;
}

static int fake_run_once(struct dhb_ctx *ctx)
{
	struct dhb_section s;

	dhb_section_begin(ctx, &s);
	ctx->inst->ioctl_retries += (uint64_t)(retrying && (op++ & 1));
	dhb_section_end(ctx, &s);
	return dhb_section_record(ctx, op_time, &s);
}

static void fake_teardown(struct dhb_ctx *ctx)
{
}

static const struct dhb_test fake_test = {
	.name = "fake",
	.help = "a scripted test",
	.buffers = 1,
	.setup = fake_setup,
	.run_once = fake_run_once,
	.teardown = fake_teardown,
};

static const struct dhb_stored_row *row_named(const struct dhb_row_store *s, const char *metric)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i].metric, metric))
			return &s->v[i];
	}
	return NULL;
}

Test(section, runner_rows)
{
	static volatile sig_atomic_t stop;
	struct dhb_runner r = {0};
	struct dhb_instance inst = {.ops = &fake_ops, .name = "fakeheap"};
	struct dhb_plan_item it = {.test = &fake_test, .inst = &inst, .size = 4096};
	const struct dhb_stored_row *row;
	struct fake f;

	fake_init(&f, 2);
	f.c.floor[0] = 5;    /* 50 % of the ev0 median (10): flagged */
	f.c.floor[1] = 0.19; /* under 1 % of the ev1 median (20) */
	snprintf(f.c.ev[1].name, sizeof(f.c.ev[1].name), "kmem:mm_page_alloc");
	r.iterations = 40;
	r.clk = dhb_stats_clock();
	r.timer_ns = 0;
	r.stop = &stop;
	r.counters = &f.c;
	r.counting_ns = 1e12; /* far above any median: the time row is flagged */
	retrying = true;
	cr_assert_eq(dhb_runner_run(&r, &it, 0, 1), 0);
	cr_assert_eq(r.store.n, 4, "the time, two events, the retries");

	row = row_named(&r.store, "op_latency");
	cr_assert_not_null(row);
	cr_assert(row->row.stats.flags & DHB_FLAG_COUNTER_OVERHEAD);
	row = row_named(&r.store, "op_latency.ev0");
	cr_assert_not_null(row);
	cr_assert_str_eq(row->unit, "ns");
	cr_assert_str_eq(row->params, "mode=x");
	cr_assert_str_eq(row->heap, "fakeheap");
	cr_assert_str_eq(row->backend, "fake-backend");
	cr_assert_eq(row->row.stats.n, 40);
	cr_assert_eq(row->row.stats.p50, 10);
	cr_assert(row->row.stats.flags & DHB_FLAG_COUNTER_OVERHEAD);
	row = row_named(&r.store, "op_latency.kmem:mm_page_alloc");
	cr_assert_not_null(row);
	cr_assert_str_eq(row->unit, "events");
	cr_assert_eq(row->row.stats.p50, 20);
	cr_assert_not(row->row.stats.flags & DHB_FLAG_COUNTER_OVERHEAD);
	row = row_named(&r.store, "op_latency.ioctl-retries");
	cr_assert_not_null(row);
	cr_assert_eq(row->row.stats.n, 40);
	cr_assert_eq(row->row.stats.max, 1);
	cr_assert_eq(row->row.stats.mean, 0.5);
	dhb_runner_fini(&r);

	/* No counters and no retries: the time row alone, unflagged. */
	retrying = false;
	memset(&r, 0, sizeof(r));
	r.iterations = 40;
	r.clk = dhb_stats_clock();
	r.stop = &stop;
	r.counting_ns = -1;
	cr_assert_eq(dhb_runner_run(&r, &it, 0, 1), 0);
	cr_assert_eq(r.store.n, 1, "the time row alone");
	cr_assert_str_eq(r.store.v[0].metric, "op_latency");
	cr_assert_not(r.store.v[0].row.stats.flags & DHB_FLAG_COUNTER_OVERHEAD);
	dhb_runner_fini(&r);
}

/* A test whose finish records one more sample, or fails when asked to. */
static int finish_calls, finish_ret;

static int finishing_finish(struct dhb_ctx *ctx)
{
	finish_calls++;
	if (finish_ret)
		return dhb_ctx_fail(ctx, finish_ret, "the finish failed");
	return dhb_ctx_record(ctx, op_time, 1);
}

static const struct dhb_test finishing_test = {
	.name = "finishing",
	.help = "a scripted test with a finish",
	.buffers = 1,
	.setup = fake_setup,
	.run_once = fake_run_once,
	.finish = finishing_finish,
	.teardown = fake_teardown,
};

/* A runner of @iterations turns (and @warmup before them), no counters, stopped by @stop. */
static void runner_init(struct dhb_runner *r, volatile sig_atomic_t *stop, uint64_t iterations,
			uint64_t warmup)
{
	memset(r, 0, sizeof(*r));
	r->iterations = iterations;
	r->warmup = warmup;
	r->clk = dhb_stats_clock();
	r->stop = stop;
	r->counting_ns = -1;
}

Test(section, runner_finish_after_the_measured_iterations)
{
	static volatile sig_atomic_t stop;
	struct dhb_runner r;
	struct dhb_instance inst = {.ops = &fake_ops, .name = "fakeheap"};
	struct dhb_plan_item it = {.test = &finishing_test, .inst = &inst, .size = 4096};

	runner_init(&r, &stop, 10, 3);
	retrying = false;
	finish_calls = finish_ret = 0;
	cr_assert_eq(dhb_runner_run(&r, &it, 0, 1), 0);
	cr_assert_eq(finish_calls, 1, "once, after the measured iterations");
	cr_assert_eq(r.store.n, 1);
	cr_assert_eq(r.store.v[0].row.stats.n, 11, "its sample is measured");
	dhb_runner_fini(&r);

	/* A signal ends the run: nothing more is measured. */
	runner_init(&r, &stop, 10, 0);
	stop = 1;
	finish_calls = 0;
	cr_assert_eq(dhb_runner_run(&r, &it, 0, 1), 0);
	cr_assert_eq(finish_calls, 0, "not after a signal");
	stop = 0;
	dhb_runner_fini(&r);

	/* Its failure is the test's. */
	runner_init(&r, &stop, 10, 0);
	finish_ret = -EIO;
	cr_assert_eq(dhb_runner_run(&r, &it, 0, 1), -EIO);
	cr_assert_eq(finish_calls, 1);
	cr_assert_eq(r.failures, 1);
	finish_ret = 0;
	dhb_runner_fini(&r);
}
