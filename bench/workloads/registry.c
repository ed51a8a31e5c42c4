// SPDX-License-Identifier: MIT
// The test registry: the one list of tests, its checks, and the context tests record into.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/registry.h"
#include "dhb/workload.h"

/* The one list of tests, in the order a run measures them: one X(NAME) line per test. */
#define DHB_TEST_LIST(X) \
	X(alloc)         \
	X(map)           \
	X(cpu)           \
	X(sync)

#define DHB_TEST_DECLARE(n) extern const struct dhb_test dhb_test_##n;
#define DHB_TEST_ENTRY(n)   &dhb_test_##n,

DHB_TEST_LIST(DHB_TEST_DECLARE)

static const struct dhb_test *const tests[] = {DHB_TEST_LIST(DHB_TEST_ENTRY)};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

DHB_REGISTRY_DEFINE(const struct dhb_test, tests, dhb_test_first, dhb_test_next, dhb_test_find)

int dhb_tests_check(char *err, size_t errlen)
{
	const char *why = NULL;
	size_t i, j;

	for (i = 0; i < NTESTS && !why; i++) {
		const struct dhb_test *t = tests[i];

		if (!t->name || !*t->name)
			why = "has no name";
		else if (!t->help || !*t->help)
			why = "has no help line";
		else if (!t->setup || !t->run_once || !t->teardown)
			why = "lacks setup, run_once or teardown";
		else if (!t->buffers && !t->malloc_buffers)
			why = "declares no memory (buffers, malloc_buffers)";
		for (j = 0; j < i && !why; j++) {
			if (!strcmp(t->name, tests[j]->name))
				why = "is registered twice";
		}
		if (why && err && errlen)
			snprintf(err, errlen, "test %s %s", t->name ? t->name : "(null)", why);
	}
	return why ? -EINVAL : 0;
}

const char *dhb_test_supported(const struct dhb_test *t, const struct dhb_instance *inst,
			       uint64_t size, long page_size)
{
	unsigned int caps = inst->ops->caps;

	if ((caps & DHB_CAP_PAGE_SIZED) && page_size > 0 && size % (uint64_t)page_size)
		return "this backend needs sizes that are a multiple of the page size";
	if ((inst->props & DHB_PROP_PROTECTED) && strcmp(t->name, "alloc"))
		return "protected heap: the CPU cannot map or access its buffers";
	return t->supported ? t->supported(inst, size, page_size) : NULL;
}

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

int dhb_ctx_fail(struct dhb_ctx *ctx, int err, const char *what)
{
	snprintf(ctx->reason, sizeof(ctx->reason), "%s: %s", what, strerror(-err));
	return err;
}

void dhb_ctx_fini(struct dhb_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n_metrics; i++)
		dhb_stats_fini(&ctx->metrics[i].st);
	ctx->n_metrics = 0;
}
