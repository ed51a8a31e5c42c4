// SPDX-License-Identifier: MIT
// The plan of a run: which heaps, tests and sizes, what is skipped and why, and the memory budget.
#ifndef DHB_PLAN_H
#define DHB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/size.h"
#include "dhb/workload.h"

/*
 * Memory budget
 * -------------
 * Items run one after the other and each releases everything before the next starts, so the
 * most memory a run holds at once is the largest item's peak: (test->buffers +
 * test->malloc_buffers) * size. The plan is checked against the budget BEFORE anything is
 * allocated. The default budget is DHB_DEFAULT_BUDGET_PCT (50) % of MemAvailable: enough for
 * any sensible plan, and it leaves the other half to the system (page cache, the heaps' own
 * overhead, other processes), so a mistyped size (32G for 32M) is refused instead of pushing
 * the machine into the OOM killer. CMA allocations count too: free CMA pages are part of
 * MemAvailable.
 */
#define DHB_DEFAULT_BUDGET_PCT 50

/* The buffer sizes a run measures when --sizes does not say (dhb_sizes_parse_list() syntax). */
#define DHB_PLAN_DEFAULT_SIZES "4K,64K,1M,8M,32M"

/**
 * struct dhb_plan_item - one (test, instance, device, size) of a run.
 * @test: test.
 * @inst: instance.
 * @dev: the device, for a test that needs one (DHB_NEED_DEVICE), else NULL.
 * @size: buffer size in bytes.
 * @peak_bytes: memory it holds at once, at most.
 * @skip: why it is skipped (not a failure), or NULL when it runs.
 * @skip_buf: storage for a @skip built at run time.
 * @arg: what the caller gives the test (struct dhb_ctx.arg): a pipeline's stages, for the
 *       pipeline command's items; NULL for the registry's tests (dhb_plan_build()).
 */
struct dhb_plan_item {
	const struct dhb_test *test;
	struct dhb_instance *inst;
	struct dhb_device *dev;
	uint64_t size;
	uint64_t peak_bytes;
	const char *skip;
	char skip_buf[256];
	void *arg;
};

/**
 * struct dhb_plan - the items of a run, in the order they run (test, heap, device, size).
 * @items: items.
 * @n: number of items.
 * @peak_bytes: largest @peak_bytes of an item that runs.
 * @peak: that item, or NULL when nothing runs.
 */
struct dhb_plan {
	struct dhb_plan_item *items;
	size_t n;
	uint64_t peak_bytes;
	const struct dhb_plan_item *peak;
};

/**
 * dhb_plan_select_heaps() - mark the instances a --heaps list names.
 * @list: comma list of names or fnmatch(3) globs ("system", "sys*", "udmabuf"); NULL or "all"
 *        selects every instance. Blanks around items are ignored.
 * @v: instances.
 * @n: number of instances.
 * @sel: result, one flag per instance.
 * @err: one-line message on failure.
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL for an empty item; -ENOENT when an item matches no instance (@err names
 * it and what exists).
 */
int dhb_plan_select_heaps(const char *list, const struct dhb_instance *v, size_t n, bool *sel,
			  char *err, size_t errlen);

/**
 * dhb_plan_select_tests() - the tests a --tests list names, in the list's order, without repeats.
 * @list: comma list of test names; NULL or "all" selects every test of @all, in its order.
 * @all: the tests there are (the registry: dhb_tests_all()).
 * @n_all: number of tests in @all.
 * @out: result.
 * @max: room in @out.
 * @n: number of tests.
 * @err: one-line message on failure; an unknown name's names the tests of @all.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL (unknown or empty name).
 */
int dhb_plan_select_tests(const char *list, const struct dhb_test *const *all, size_t n_all,
			  const struct dhb_test **out, size_t max, size_t *n, char *err,
			  size_t errlen);

/**
 * dhb_plan_skip_reason() - why @t cannot run on @inst (and @dev) with @size, or NULL when it can.
 * @t: test.
 * @inst: a usable instance.
 * @dev: a usable device for a test that needs one, else NULL.
 * @size: buffer size.
 * @page_size: CPU page size.
 * @buf: room for a reason built at run time (the test's own, e.g. naming the device).
 * @len: size of @buf.
 *
 * Checks what the backend demands (page-sized sizes) and what the test needs (CPU access, which
 * a protected heap refuses; a dma-buf), with @t->supported's own reason before the general one
 * for a dma-buf, then the sizes the backend can give (its supported hook).
 *
 * Return: NULL, or a reason (static, or @buf): a skip, not a failure.
 */
const char *dhb_plan_skip_reason(const struct dhb_test *t, const struct dhb_instance *inst,
				 const struct dhb_device *dev, uint64_t size, long page_size,
				 char *buf, size_t len);

/**
 * dhb_plan_item_peak() - most memory one (test, size) holds at once.
 * @t: test.
 * @size: buffer size.
 *
 * Return: (buffers + malloc_buffers) * size, saturated at UINT64_MAX.
 */
uint64_t dhb_plan_item_peak(const struct dhb_test *t, uint64_t size);

/**
 * dhb_plan_build() - every (test, selected instance, device, size), with skips and the peak.
 * @p: result; release with dhb_plan_free().
 * @v: instances.
 * @n: number of instances.
 * @sel: selected instances.
 * @devs: devices, or NULL for none; a test that needs a device runs once per selected one,
 *        and with none selected its items are skipped ("no device selected").
 * @tests: tests.
 * @ntests: number of tests.
 * @sizes: sizes.
 * @page_size: CPU page size.
 *
 * An unusable instance (struct dhb_instance.err) or device (struct dhb_device.err) and an
 * unsupported combination are items with a skip reason; they do not count towards the peak.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_plan_build(struct dhb_plan *p, struct dhb_instance *v, size_t n, const bool *sel,
		   const struct dhb_device_set *devs, const struct dhb_test *const *tests,
		   size_t ntests, const struct dhb_size_list *sizes, long page_size);

/**
 * dhb_plan_check_budget() - refuse a plan that could exceed the memory budget.
 * @p: plan.
 * @budget: budget in bytes.
 * @err: one line naming the peak, the item that needs it and the budget.
 * @errlen: size of @err.
 *
 * Return: 0, or -E2BIG when p->peak_bytes > @budget.
 */
int dhb_plan_check_budget(const struct dhb_plan *p, uint64_t budget, char *err, size_t errlen);

/**
 * dhb_plan_budget_default() - the default memory budget.
 * @mem_available: MemAvailable in bytes, or negative when unknown.
 * @mem_total: MemTotal in bytes, or negative when unknown (used when MemAvailable is).
 *
 * Return: DHB_DEFAULT_BUDGET_PCT % of what is known, or UINT64_MAX when neither is.
 */
uint64_t dhb_plan_budget_default(int64_t mem_available, int64_t mem_total);

/**
 * dhb_plan_free() - release a plan.
 * @p: plan; left empty.
 */
void dhb_plan_free(struct dhb_plan *p);

#endif /* DHB_PLAN_H */
