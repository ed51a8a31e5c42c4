// SPDX-License-Identifier: MIT
// Tests (workloads): one descriptor per test in one registry, and the context a test records into.
#ifndef DHB_WORKLOAD_H
#define DHB_WORKLOAD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dhb/backend.h"
#include "dhb/counters.h"
#include "dhb/device.h"
#include "dhb/section.h"
#include "dhb/stats.h"

/*
 * Tests
 * -----
 * A test measures one (instance, size) at a time. The runner calls setup once, run_once
 * `--warmup` times with recording off, then run_once `--iterations` times (or until `--duration`
 * has passed) with recording on, then teardown (always, after a successful setup). A test
 * declares its metrics in setup (dhb_ctx_metric()) and records samples into them; the runner
 * turns every metric with samples into one result row. Memory: a test keeps at most @buffers
 * buffers of the instance and @malloc_buffers malloc'd blocks of the size alive at once; the
 * plan's budget check (dhb_plan_item_peak()) relies on these numbers being true.
 *
 * Adding a test is one new file in bench/workloads/ defining `const struct dhb_test dhb_test_NAME`
 * and one X(NAME) line in DHB_TEST_LIST (bench/workloads/registry.c), checked by the unit test
 * bench.registries; the build compiles every file of the folder. The registry functions
 * below live there; the context's (dhb_ctx_*()) are the core's (bench/core/ctx.c), which runs
 * tests without depending on any of them.
 */

/*
 * What a test needs of the instance it runs on (struct dhb_test.needs). The plan skips, with
 * its reason, an instance that cannot give it (dhb_plan_skip_reason()); no code recognises a
 * test by its name.
 */
#define DHB_NEED_CPU_ACCESS (1u << 0) /* the CPU maps, touches or syncs the buffers */
#define DHB_NEED_DMABUF	    (1u << 1) /* the buffers must be dma-bufs (DHB_CAP_DMABUF) */
/*
 * A device to import the buffers into: the plan runs the test once per selected device
 * (struct dhb_ctx.dev), and @supported says which (instance, device, size) it cannot run on.
 */
#define DHB_NEED_DEVICE (1u << 2)
/*
 * The test looks among the selected devices for one it can use (struct dhb_ctx.devs) and does
 * without when there is none: the run probes the devices for it, but it runs once per instance.
 */
#define DHB_USES_DEVICES (1u << 3)
#define DHB_NEED_ALL	 ((1u << 4) - 1)

/* How a metric's samples are recorded and reported. */
enum dhb_metric_kind {
	DHB_METRIC_NS,	  /* latency samples in ns, reported in "ns" */
	DHB_METRIC_RATE,  /* samples in bytes per second, reported in "MB/s" (10^6 bytes/s) */
	DHB_METRIC_COUNT, /* event counts per operation, reported in the metric's unit */
};

/**
 * struct dhb_metric - one metric of one (test, instance, size): becomes one result row.
 * @name: metric name ("alloc_latency").
 * @kind: how samples are recorded.
 * @unit: unit of the row ("ns", "MB/s", "faults").
 * @params: "key=value;..." or "".
 * @heap: heap column when it is not the instance's name (e.g. "malloc" baselines), or "".
 * @backend: backend column when it is not the instance's backend, or "".
 * @bytes: bytes one sample moves (rates; used to judge timer overhead), 0 otherwise.
 * @scale: DHB_METRIC_COUNT: the row's figures are the samples times this, for a quantity
 *         recorded in finer units than it is reported in (fps recorded in thousandths: 0.001);
 *         0 means 1. Set it after dhb_ctx_metric().
 * @st: samples.
 * @counts: per counter of the context's set, the counts of the sections recorded with
 *          dhb_section_record*(); NULL until the first counted one.
 * @n_counts: recorders in @counts.
 * @retries: ioctl retries per recorded section.
 * @sections: the metric is recorded from timed sections (dhb_section_record*()).
 */
struct dhb_metric {
	char name[40];
	enum dhb_metric_kind kind;
	const char *unit;
	char params[96];
	char heap[DHB_NAME_LEN];
	char backend[32];
	uint64_t bytes;
	double scale;
	struct dhb_stats st;
	struct dhb_stats *counts;
	size_t n_counts;
	struct dhb_stats retries;
	bool sections;
};

#define DHB_CTX_MAX_METRICS 24

/**
 * struct dhb_ctx - what a test works on and records into.
 * @inst: instance under test.
 * @dev: the device the buffers go to (tests with DHB_NEED_DEVICE), else NULL.
 * @devs: the run's devices and which are selected (a test may look among the selected ones for
 *        one it can use, e.g. to put fences on), or NULL.
 * @size: buffer size in bytes.
 * @clk: clock to time with (dhb_stats_clock()).
 * @counters: the run's perf counters, read by every timed section; NULL or counting nothing
 *            when there are none.
 * @page_size: the CPU page size.
 * @record: samples are kept (false during warmup).
 * @stop: set asynchronously when the run must stop (SIGINT/SIGTERM); tests with long inner
 *        loops check it.
 * @metrics: declared metrics.
 * @n_metrics: number of declared metrics.
 * @state: the test's own state, set by setup.
 * @arg: the plan item's argument (struct dhb_plan_item.arg), NULL for the registry's tests.
 * @reason: a test writes the detail of a failure here ("DMA_HEAP_IOCTL_ALLOC: ...").
 * @note: what the item could not measure and why (dhb_ctx_note()); the runner keeps it in the
 *        JSON environment as note.TEST.SOURCE[.DEVICE].SIZE.
 */
struct dhb_ctx {
	struct dhb_instance *inst;
	struct dhb_device *dev;
	const struct dhb_device_set *devs;
	uint64_t size;
	clockid_t clk;
	struct dhb_counters *counters;
	long page_size;
	bool record;
	const volatile sig_atomic_t *stop;
	struct dhb_metric metrics[DHB_CTX_MAX_METRICS];
	size_t n_metrics;
	void *state;
	void *arg;
	char reason[256];
	char note[256];
};

/**
 * struct dhb_test - one test (workload).
 * @name: name used by --tests ("alloc").
 * @help: one line for --help and the manual.
 * @buffers: buffers of the instance alive at once, at most.
 * @malloc_buffers: malloc'd blocks of the buffer size alive at once, at most.
 * @needs: DHB_NEED_* bits.
 * @supported: NULL when the test can run on @inst with @size (and on @dev, NULL unless the test
 *             needs a device), else the reason it cannot (a skip, not a failure); a reason
 *             built at run time goes into @buf (@len bytes). May be NULL (always supported).
 * @setup: allocate, declare metrics. Return 0 or -errno (ctx->reason says what failed);
 *         -EOPNOTSUPP with ctx->reason set is a skip found out only by trying (a device that
 *         refuses the buffers), reported with that reason and not counted as a failure; on
 *         failure it has released what it took.
 * @run_once: one iteration. Return 0 or -errno.
 * @finish: may be NULL; after the last measured iteration, when every one succeeded and no
 *          signal stopped the run: whatever an iteration left to measure (a pipeline's last
 *          frame, whose flip the next iteration would have waited for). Return 0 or -errno.
 * @teardown: release everything setup and run_once hold.
 */
struct dhb_test {
	const char *name;
	const char *help;
	unsigned int buffers;
	unsigned int malloc_buffers;
	unsigned int needs;
	const char *(*supported)(const struct dhb_instance *inst, const struct dhb_device *dev,
				 uint64_t size, long page_size, char *buf, size_t len);
	int (*setup)(struct dhb_ctx *ctx);
	int (*run_once)(struct dhb_ctx *ctx);
	int (*finish)(struct dhb_ctx *ctx);
	void (*teardown)(struct dhb_ctx *ctx);
};

/**
 * dhb_test_first() - first registered test.
 *
 * Return: the test, or NULL.
 */
const struct dhb_test *dhb_test_first(void);

/**
 * dhb_test_next() - registered test after @t.
 * @t: a registered test.
 *
 * Return: the next test, or NULL after the last.
 */
const struct dhb_test *dhb_test_next(const struct dhb_test *t);

#define dhb_for_each_test(t) for ((t) = dhb_test_first(); (t); (t) = dhb_test_next(t))

/**
 * dhb_test_find() - look a test up by name.
 * @name: test name.
 *
 * Return: the test, or NULL.
 */
const struct dhb_test *dhb_test_find(const char *name);

/**
 * dhb_tests_all() - every registered test, in registry order.
 * @n: number of tests.
 *
 * Return: the registry's array.
 */
const struct dhb_test *const *dhb_tests_all(size_t *n);

/**
 * dhb_test_validate() - check one test's descriptor.
 * @t: test.
 * @err: buffer for a one-line reason, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL when it lacks a name, help, setup, run_once or teardown, declares no
 * buffer or malloc'd block in its memory figures, or needs what the plan cannot meet (an
 * unknown DHB_NEED_* bit).
 */
int dhb_test_validate(const struct dhb_test *t, char *err, size_t errlen);

/**
 * dhb_tests_check() - validate every registered test (dhb_test_validate()); names are unique.
 * @err: buffer for a one-line reason, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0 or -EINVAL.
 */
int dhb_tests_check(char *err, size_t errlen);

/**
 * dhb_ctx_metric() - declare a metric; call from setup.
 * @ctx: context.
 * @name: metric name.
 * @kind: kind; the unit follows from it ("ns", "MB/s") except for DHB_METRIC_COUNT.
 * @unit: unit for DHB_METRIC_COUNT ("faults"), ignored otherwise.
 * @params: "key=value;..." or NULL.
 *
 * Return: the metric's index (>= 0), or -ENOSPC.
 */
int dhb_ctx_metric(struct dhb_ctx *ctx, const char *name, enum dhb_metric_kind kind,
		   const char *unit, const char *params);

/**
 * dhb_ctx_record() - record one sample when recording is on.
 * @ctx: context.
 * @idx: metric index from dhb_ctx_metric().
 * @v: sample (ns, or a count).
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_ctx_record(struct dhb_ctx *ctx, int idx, uint64_t v);

/**
 * dhb_ctx_record_rate() - record a rate sample: @bytes moved in @ns nanoseconds.
 * @ctx: context.
 * @idx: metric index (DHB_METRIC_RATE).
 * @bytes: bytes moved.
 * @ns: time taken; 0 counts as 1.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_ctx_record_rate(struct dhb_ctx *ctx, int idx, uint64_t bytes, uint64_t ns);

/**
 * dhb_ctx_note() - add a note to ctx->note ("; " between notes; cut at its size).
 * @ctx: context.
 * @fmt: printf format, one line.
 */
void dhb_ctx_note(struct dhb_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * dhb_ctx_fail() - note why a test failed in ctx->reason and pass the error on.
 * @ctx: context.
 * @err: -errno.
 * @what: what failed ("DMA_HEAP_IOCTL_ALLOC").
 *
 * Return: @err.
 */
int dhb_ctx_fail(struct dhb_ctx *ctx, int err, const char *what);

/**
 * dhb_ctx_fini() - free the samples of every metric.
 * @ctx: context.
 */
void dhb_ctx_fini(struct dhb_ctx *ctx);

#endif /* DHB_WORKLOAD_H */
