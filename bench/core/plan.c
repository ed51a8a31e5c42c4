// SPDX-License-Identifier: MIT
// Builds the plan of a run: heap and test selection, skips with reasons, peak memory and budget.
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/err.h"
#include "dhb/list.h"
#include "dhb/opts.h"
#include "dhb/plan.h"

int dhb_plan_select_heaps(const char *list, const struct dhb_instance *v, size_t n, bool *sel,
			  char *err, size_t errlen)
{
	char item[DHB_NAME_LEN * 2], names[256] = "";
	const char *p = list;
	bool matched, too_long;
	size_t i, used = 0;

	for (i = 0; i < n; i++)
		sel[i] = dhb_list_is_all(list);
	if (dhb_list_is_all(list))
		return 0;
	while (dhb_list_next(&p, item, sizeof(item), &too_long)) {
		if (!*item)
			return dhb_err(-EINVAL, err, errlen, "--heaps: empty item in '%s'", list);
		if (too_long)
			return dhb_err(-EINVAL, err, errlen, "--heaps: '%s...' is too long", item);
		matched = false;
		for (i = 0; i < n; i++) {
			if (!fnmatch(item, v[i].name, 0)) {
				sel[i] = true;
				matched = true;
			}
		}
		if (matched)
			continue;
		for (i = 0; i < n && used + 1 < sizeof(names); i++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 i ? ", " : "", v[i].name);
		return dhb_err(-ENOENT, err, errlen, "--heaps: no heap matches '%s' (here: %s)",
			       item, n ? names : "none");
	}
	return 0;
}

/* The test called @name among @all, or NULL. */
static const struct dhb_test *find_test(const struct dhb_test *const *all, size_t n_all,
					const char *name)
{
	size_t i;

	for (i = 0; i < n_all; i++) {
		if (!strcmp(all[i]->name, name))
			return all[i];
	}
	return NULL;
}

int dhb_plan_select_tests(const char *list, const struct dhb_test *const *all, size_t n_all,
			  const struct dhb_test **out, size_t max, size_t *n, char *err,
			  size_t errlen)
{
	char item[64], names[128] = "";
	const struct dhb_test *t;
	const char *p = list;
	size_t i, used = 0;
	bool too_long;

	*n = 0;
	if (dhb_list_is_all(list)) {
		for (i = 0; i < n_all && *n < max; i++)
			out[(*n)++] = all[i];
		return 0;
	}
	while (dhb_list_next(&p, item, sizeof(item), &too_long)) {
		if (!*item)
			return dhb_err(-EINVAL, err, errlen, "--tests: empty item in '%s'", list);
		t = too_long ? NULL : find_test(all, n_all, item);
		if (!t) {
			for (i = 0; i < n_all && used < sizeof(names); i++)
				used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
							 used ? ", " : "", all[i]->name);
			return dhb_err(-EINVAL, err, errlen,
				       "--tests: unknown test '%s' (tests: %s)", item, names);
		}
		for (i = 0; i < *n && out[i] != t; i++)
			;
		if (i == *n && *n < max)
			out[(*n)++] = t;
	}
	return 0;
}

const char *dhb_plan_skip_reason(const struct dhb_test *t, const struct dhb_instance *inst,
				 const struct dhb_device *dev, uint64_t size, long page_size,
				 char *buf, size_t len)
{
	unsigned int caps = inst->ops->caps;
	const char *why;

	if ((caps & DHB_CAP_PAGE_SIZED) && page_size > 0 && size % (uint64_t)page_size)
		return "this backend needs sizes that are a multiple of the page size";
	if ((inst->props & DHB_PROP_PROTECTED) && (t->needs & DHB_NEED_CPU_ACCESS))
		return "protected heap: the CPU cannot map or access its buffers";
	/* The test's own reason first: it says more than the general one below. */
	why = t->supported ? t->supported(inst, dev, size, page_size, buf, len) : NULL;
	if (!why && (t->needs & DHB_NEED_DMABUF) && !(caps & DHB_CAP_DMABUF))
		why = "not a dma-buf";
	if (!why && inst->ops->supported)
		why = inst->ops->supported(inst, size, buf, len);
	return why;
}

/* @t's buffers of @bytes each plus its malloc blocks of @size, saturated at UINT64_MAX. */
static uint64_t peak_of(const struct dhb_test *t, uint64_t size, uint64_t bytes)
{
	uint64_t a, b;

	if (bytes && t->buffers > UINT64_MAX / bytes)
		return UINT64_MAX;
	if (size && t->malloc_buffers > UINT64_MAX / size)
		return UINT64_MAX;
	a = (uint64_t)t->buffers * bytes;
	b = (uint64_t)t->malloc_buffers * size;
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t dhb_plan_item_peak(const struct dhb_test *t, uint64_t size)
{
	return peak_of(t, size, size);
}

/* Fill @it for (@t, @inst, @dev, @size): its peak, and why it is skipped when it is. */
static void plan_item(struct dhb_plan_item *it, const struct dhb_test *t, struct dhb_instance *inst,
		      struct dhb_device *dev, bool need_dev, uint64_t size, long page_size)
{
	it->test = t;
	it->inst = inst;
	it->dev = dev;
	it->size = size;
	it->peak_bytes = dhb_plan_item_peak(t, size);
	if (inst->err) {
		snprintf(it->skip_buf, sizeof(it->skip_buf), "cannot open %.127s: %.80s",
			 inst->path, strerror(-inst->err));
		it->skip = it->skip_buf;
	} else if (need_dev && !dev) {
		it->skip = "no device selected or found (--devices; see dmaheap-bench list)";
	} else if (dev && dev->err) {
		snprintf(it->skip_buf, sizeof(it->skip_buf), "cannot use %.100s: %.80s", dev->path,
			 strerror(-dev->err));
		it->skip = it->skip_buf;
	} else {
		it->skip = dhb_plan_skip_reason(t, inst, dev, size, page_size, it->skip_buf,
						sizeof(it->skip_buf));
	}
	/* A source whose buffer of this size is larger (a frame) is counted at what it takes. */
	if (!it->skip && inst->ops->footprint) {
		uint64_t bytes = inst->ops->footprint(inst, size);

		if (bytes > size)
			it->peak_bytes = peak_of(t, size, bytes);
	}
}

int dhb_plan_build(struct dhb_plan *p, struct dhb_instance *v, size_t n, const bool *sel,
		   const struct dhb_device_set *devs, const struct dhb_test *const *tests,
		   size_t ntests, const struct dhb_size_list *sizes, long page_size)
{
	size_t t, i, d, s, nd, n_sel = 0, n_dev = 0, total = 0;
	struct dhb_plan_item *it;
	bool need;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++)
		n_sel += sel[i];
	for (d = 0; devs && d < devs->n; d++)
		n_dev += devs->sel[d];
	for (t = 0; t < ntests; t++)
		total += (tests[t]->needs & DHB_NEED_DEVICE) && n_dev ? n_dev : 1;
	total *= n_sel * sizes->n;
	if (!total)
		return 0;
	p->items = calloc(total, sizeof(*p->items));
	if (!p->items)
		return -ENOMEM;
	for (t = 0; t < ntests; t++) {
		need = tests[t]->needs & DHB_NEED_DEVICE;
		nd = need && n_dev ? devs->n : 1;
		for (i = 0; i < n; i++) {
			for (d = 0; sel[i] && d < nd; d++) {
				if (need && n_dev && !devs->sel[d])
					continue;
				for (s = 0; s < sizes->n; s++) {
					it = &p->items[p->n++];
					plan_item(it, tests[t], &v[i],
						  need && n_dev ? &devs->v[d] : NULL, need,
						  sizes->v[s], page_size);
					if (!it->skip && it->peak_bytes > p->peak_bytes) {
						p->peak_bytes = it->peak_bytes;
						p->peak = it;
					}
				}
			}
		}
	}
	return 0;
}

int dhb_plan_check_budget(const struct dhb_plan *p, uint64_t budget, char *err, size_t errlen)
{
	char peak[DHB_SIZE_FMT_LEN], b[DHB_SIZE_FMT_LEN], size[DHB_SIZE_FMT_LEN];
	const struct dhb_plan_item *it = p->peak;

	if (!it || p->peak_bytes <= budget)
		return 0;
	dhb_size_format(p->peak_bytes, peak, sizeof(peak));
	dhb_size_format(budget, b, sizeof(b));
	dhb_size_format(it->size, size, sizeof(size));
	return dhb_err(
		-E2BIG, err, errlen,
		"plan needs up to %s (%llu bytes) at once (test %s, heap %s, size %s: "
		"%u buffer(s) + %u malloc block(s)) but the memory budget is %s (%llu bytes); "
		"use smaller --sizes or a larger --max-mem",
		peak, (unsigned long long)p->peak_bytes, it->test->name, it->inst->name, size,
		it->test->buffers, it->test->malloc_buffers, b, (unsigned long long)budget);
}

uint64_t dhb_plan_budget_default(int64_t mem_available, int64_t mem_total)
{
	int64_t base = mem_available >= 0 ? mem_available : mem_total;

	if (base < 0)
		return UINT64_MAX;
	return (uint64_t)base / 100 * DHB_DEFAULT_BUDGET_PCT +
	       (uint64_t)base % 100 * DHB_DEFAULT_BUDGET_PCT / 100;
}

void dhb_plan_free(struct dhb_plan *p)
{
	free(p->items);
	memset(p, 0, sizeof(*p));
}
