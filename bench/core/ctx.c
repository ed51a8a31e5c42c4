// SPDX-License-Identifier: MIT
// The context a test records into (dhb/workload.h): metrics, their samples, a failure's reason.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/workload.h"

int dhb_ctx_metric(struct dhb_ctx *ctx, const char *name, enum dhb_metric_kind kind,
		   const char *unit, const char *params)
{
	struct dhb_metric *m;

	if (ctx->n_metrics >= DHB_CTX_MAX_METRICS)
		return -ENOSPC;
	m = &ctx->metrics[ctx->n_metrics];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->kind = kind;
	m->unit = kind == DHB_METRIC_NS ? "ns" : kind == DHB_METRIC_RATE ? "MB/s" : unit;
	snprintf(m->params, sizeof(m->params), "%s", params ? params : "");
	dhb_stats_init(&m->st, 0);
	dhb_stats_init(&m->retries, 0);
	return (int)ctx->n_metrics++;
}

int dhb_ctx_record(struct dhb_ctx *ctx, int idx, uint64_t v)
{
	if (!ctx->record)
		return 0;
	return dhb_stats_add(&ctx->metrics[idx].st, v);
}

int dhb_ctx_record_rate(struct dhb_ctx *ctx, int idx, uint64_t bytes, uint64_t ns)
{
	ctx->metrics[idx].bytes = bytes;
	return dhb_ctx_record(ctx, idx, (uint64_t)((double)bytes * 1e9 / (double)(ns ? ns : 1)));
}

void dhb_ctx_note(struct dhb_ctx *ctx, const char *fmt, ...)
{
	size_t used = strlen(ctx->note);
	va_list ap;

	if (used && used + 2 < sizeof(ctx->note)) {
		memcpy(ctx->note + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= sizeof(ctx->note))
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->note + used, sizeof(ctx->note) - used, fmt, ap);
	va_end(ap);
}

int dhb_ctx_fail(struct dhb_ctx *ctx, int err, const char *what)
{
	snprintf(ctx->reason, sizeof(ctx->reason), "%s: %s", what, strerror(-err));
	return err;
}

void dhb_ctx_fini(struct dhb_ctx *ctx)
{
	struct dhb_metric *m;
	size_t i, j;

	for (i = 0; i < ctx->n_metrics; i++) {
		m = &ctx->metrics[i];
		dhb_stats_fini(&m->st);
		dhb_stats_fini(&m->retries);
		for (j = 0; j < m->n_counts; j++)
			dhb_stats_fini(&m->counts[j]);
		free(m->counts);
		m->counts = NULL;
		m->n_counts = 0;
	}
	ctx->n_metrics = 0;
}
