// SPDX-License-Identifier: MIT
// Runs plan items: setup, warmup, measured iterations, teardown; turns metrics into result rows.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/plan.h"
#include "dhb/runner.h"
#include "dhb/section.h"
#include "dhb/size.h"
#include "dhb/store.h"
#include "dhb/workload.h"

#define MAX_WARNINGS_SHOWN 20

int dhb_runner_note(struct dhb_runner *r, const char *key, const char *fmt, ...)
{
	struct dhb_note *v;
	va_list ap;

	if (!(r->n_notes & (r->n_notes - 1)) || !r->notes) {
		v = realloc(r->notes, (r->n_notes ? r->n_notes * 2 : 8) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->notes = v;
	}
	v = &r->notes[r->n_notes++];
	snprintf(v->key, sizeof(v->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(v->value, sizeof(v->value), fmt, ap);
	va_end(ap);
	return 0;
}

void dhb_runner_fini(struct dhb_runner *r)
{
	dhb_store_free(&r->store);
	free(r->notes);
	r->notes = NULL;
	r->n_notes = 0;
}

/* Scale a summary's figures by @k: bytes per second to MB/s (1e-6), a metric's own scale. */
static void scale_summary(struct dhb_stats_summary *s, double k)
{
	s->min *= k;
	s->max *= k;
	s->mean *= k;
	s->stddev *= k;
	s->p50 *= k;
	s->p90 *= k;
	s->p99 *= k;
	s->p99_9 *= k;
	s->mad *= k;
}

static void warn_row(struct dhb_runner *r, const struct dhb_row *row)
{
	const struct dhb_stats_summary *s = &row->stats;
	char size[DHB_SIZE_FMT_LEN];

	if (!(s->flags & (DHB_FLAG_HIGH_CV | DHB_FLAG_TIMER_OVERHEAD)))
		return;
	if (r->warnings++ >= MAX_WARNINGS_SHOWN)
		return;
	dhb_size_format(row->size_bytes, size, sizeof(size));
	fprintf(stderr, "warning: %s %s %s %s%s%s:", row->test, row->heap, size, row->metric,
		row->params ? " " : "", row->params ? row->params : "");
	if (s->flags & DHB_FLAG_HIGH_CV)
		fprintf(stderr, " cv %.1f%% > %.0f%%", 100 * s->cv, 100 * DHB_TRUST_MAX_CV);
	if (s->flags & DHB_FLAG_TIMER_OVERHEAD)
		fprintf(stderr, "%s timer overhead %.0f ns > %.0f%% of the median",
			s->flags & DHB_FLAG_HIGH_CV ? "," : "", r->timer_ns,
			100 * DHB_TRUST_MAX_TIMER_FRAC);
	fputs(" (flags column)\n", stderr);
}

/*
 * A row to the CSV sink, with @st's samples (scaled by @scale) to the samples sink, and into the
 * store. A sink's error stays in the sink and is reported when it closes; the row is still kept.
 */
static int keep_row(struct dhb_runner *r, struct dhb_row *row, const struct dhb_stats *st,
		    double scale)
{
	if (r->csv)
		dhb_sink_write(r->csv, row);
	if (r->samples) {
		row->samples = st;
		row->samples_scale = scale;
		dhb_sink_write(r->samples, row);
		row->samples = NULL;
	}
	return dhb_store_add(&r->store, row);
}

/*
 * The rows of @m's timed sections beside @base, its own row: one per counted event, flagged
 * counter_overhead when the event's floor exceeds 1 % of the median, and one of the ioctl
 * retries when there were any.
 */
static int emit_counts(struct dhb_runner *r, const struct dhb_row *base, struct dhb_metric *m)
{
	const struct dhb_counters *c = r->counters;
	size_t i, n = c ? m->n_counts < c->n ? m->n_counts : c->n : 0;
	char name[DHB_STORE_METRIC_LEN];
	struct dhb_stats *st;
	int ret = 0;

	for (i = 0; i <= n && !ret; i++) {
		struct dhb_row row = {0};

		st = i < n ? &m->counts[i] : &m->retries;
		if (!st->n || (i == n && !st->max))
			continue;
		ret = dhb_stats_summarize(st, &row.stats);
		if (ret)
			break;
		row.stats.flags = dhb_stats_trust(&row.stats, -1, NULL);
		if (i < n)
			row.stats.flags |= dhb_section_overhead_flags(c->floor[i], row.stats.p50);
		dhb_counter_metric(base->metric, i < n ? c->ev[i].name : "ioctl-retries", name,
				   sizeof(name));
		row.test = base->test;
		row.heap = base->heap;
		row.backend = base->backend;
		row.size_bytes = base->size_bytes;
		row.metric = name;
		row.params = base->params;
		row.unit = i < n ? c->ev[i].unit : "events";
		ret = keep_row(r, &row, st, 1);
	}
	return ret;
}

static int emit_metric(struct dhb_runner *r, const struct dhb_plan_item *it, struct dhb_metric *m)
{
	struct dhb_stats_summary time_eq;
	struct dhb_row row = {0};
	char params[sizeof(m->params) + DHB_NAME_LEN + DHB_GEOM_FMT_LEN + 24];
	char geom[DHB_GEOM_FMT_LEN];
	double scale;
	size_t used;
	int ret;

	if (!m->st.n)
		return 0;
	ret = dhb_stats_summarize(&m->st, &row.stats);
	if (ret)
		return ret;
	time_eq = row.stats;
	switch (m->kind) {
	case DHB_METRIC_RATE:
		/* Timer and counting overhead are judged against the time a median sample took. */
		time_eq.p50 = row.stats.p50 > 0 ? (double)m->bytes * 1e9 / row.stats.p50 : 0;
		row.stats.flags = dhb_stats_trust(&time_eq, r->timer_ns, NULL);
		scale_summary(&row.stats, 1e-6);
		break;
	case DHB_METRIC_COUNT:
		row.stats.flags = dhb_stats_trust(&row.stats, -1, NULL);
		if (m->scale)
			scale_summary(&row.stats, m->scale);
		break;
	default:
		row.stats.flags = dhb_stats_trust(&row.stats, r->timer_ns, NULL);
	}
	if (m->counts)
		row.stats.flags |= dhb_section_overhead_flags(r->counting_ns, time_eq.p50);
	row.test = it->test->name;
	row.heap = *m->heap ? m->heap : it->inst->name;
	row.backend = *m->backend ? m->backend : it->inst->ops->name;
	row.size_bytes = it->size;
	row.metric = m->name;
	/*
	 * A device's rows name it first in their parameters (device=NAME), then the picture of a
	 * source whose buffers are pictures (geom=WxH@FOURCC), then the test's own.
	 */
	used = 0;
	params[0] = '\0';
	if (it->dev)
		used += (size_t)snprintf(params, sizeof(params), "device=%s", it->dev->name);
	if (!*m->heap && it->inst->got.width && used < sizeof(params)) {
		dhb_geom_format(&it->inst->got, geom, sizeof(geom));
		used += (size_t)snprintf(params + used, sizeof(params) - used, "%sgeom=%s",
					 used ? ";" : "", geom);
	}
	if (*m->params && used < sizeof(params))
		snprintf(params + used, sizeof(params) - used, "%s%s", used ? ";" : "", m->params);
	row.params = *params ? params : NULL;
	row.unit = m->unit;
	warn_row(r, &row);
	scale = m->kind == DHB_METRIC_RATE ? 1e-6 : 1;
	if (m->kind == DHB_METRIC_COUNT && m->scale)
		scale = m->scale;
	ret = keep_row(r, &row, &m->st, scale);
	return ret || !m->sections ? ret : emit_counts(r, &row, m);
}

/* Measured iterations: a count, or until the duration has passed (at least one). */
static int measure(struct dhb_runner *r, const struct dhb_test *t, struct dhb_ctx *ctx)
{
	uint64_t i, start = dhb_stats_now_ns(r->clk);
	int ret = 0;

	ctx->record = false;
	for (i = 0; i < r->warmup && !ret && !*r->stop; i++)
		ret = t->run_once(ctx);
	ctx->record = true;
	for (i = 0; !ret && !*r->stop; i++) {
		if (r->duration_ns ? i && dhb_stats_now_ns(r->clk) - start >= r->duration_ns
				   : i >= r->iterations)
			break;
		ret = t->run_once(ctx);
	}
	if (!ret && !*r->stop && t->finish)
		ret = t->finish(ctx);
	return ret;
}

int dhb_runner_run(struct dhb_runner *r, struct dhb_plan_item *it, size_t idx, size_t total)
{
	struct dhb_ctx ctx;
	char size[DHB_SIZE_FMT_LEN], key[224];
	size_t i;
	int ret, r2 = 0;

	memset(&ctx, 0, sizeof(ctx));
	memset(&it->inst->got, 0, sizeof(it->inst->got)); /* this item's buffers set it */
	ctx.inst = it->inst;
	ctx.dev = it->dev;
	ctx.devs = r->devs;
	ctx.size = it->size;
	ctx.clk = r->clk;
	ctx.counters = r->counters;
	ctx.page_size = r->page_size;
	ctx.record = true;
	ctx.stop = r->stop;
	ctx.arg = it->arg;
	dhb_size_format(it->size, size, sizeof(size));
	if (r->verbose_progress)
		fprintf(stderr, "[%zu/%zu] %s %s%s%s %s\n", idx + 1, total, it->test->name,
			it->inst->name, it->dev ? " -> " : "", it->dev ? it->dev->name : "", size);
	ret = it->test->setup(&ctx);
	if (!ret) {
		ret = measure(r, it->test, &ctx);
		it->test->teardown(&ctx);
	}
	for (i = 0; i < ctx.n_metrics && !ret && !r2; i++)
		r2 = emit_metric(r, it, &ctx.metrics[i]);
	dhb_ctx_fini(&ctx);
	if (ret && *r->stop && (ret == -EINTR || !*ctx.reason))
		return 0; /* cut short by the signal: not a failure of the test */
	if (ret == -EOPNOTSUPP && *ctx.reason) {
		/* Found out only by trying (a device that refuses the buffers): a skip. */
		fprintf(stderr, "skip: %s on %s%s%s, size %s: %s\n", it->test->name, it->inst->name,
			it->dev ? " into " : "", it->dev ? it->dev->name : "", size, ctx.reason);
		snprintf(key, sizeof(key), "skip.%s.%s%s%s.%s", it->test->name, it->inst->name,
			 it->dev ? "." : "", it->dev ? it->dev->name : "", size);
		dhb_runner_note(r, key, "%s", ctx.reason);
		return 0;
	}
	if (ret) {
		r->failures++;
		fprintf(stderr, "error: %s on %s%s%s, size %s: %s\n", it->test->name,
			it->inst->name, it->dev ? " into " : "", it->dev ? it->dev->name : "", size,
			*ctx.reason ? ctx.reason : strerror(-ret));
		snprintf(key, sizeof(key), "error.%s.%s%s%s.%s", it->test->name, it->inst->name,
			 it->dev ? "." : "", it->dev ? it->dev->name : "", size);
		dhb_runner_note(r, key, "%s", *ctx.reason ? ctx.reason : strerror(-ret));
		return ret;
	}
	if (r2) {
		fprintf(stderr, "error: writing results: %s\n", strerror(-r2));
		return r2;
	}
	if (*ctx.note) {
		snprintf(key, sizeof(key), "note.%s.%s%s%s.%s", it->test->name, it->inst->name,
			 it->dev ? "." : "", it->dev ? it->dev->name : "", size);
		dhb_runner_note(r, key, "%s", ctx.note);
	}
	return 0;
}
