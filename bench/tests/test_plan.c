// SPDX-License-Identifier: MIT
// Unit tests of the plan: heap-name properties, glob selection, test selection, peak and budget.
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/plan.h"

/* A fake machine: two heaps (one without permission), udmabuf and memfd. */
static void machine(struct dhb_instance *v, size_t *n)
{
	static const struct {
		const char *backend, *name;
		int err;
	} m[] = {
		{"dma-heap", "reserved", 0},
		{"dma-heap", "system", 0},
		{"dma-heap", "system-uncached", -EACCES},
		{"udmabuf", "udmabuf", 0},
		{"memfd", "memfd", 0},
	};
	size_t i;

	memset(v, 0, sizeof(*v) * 5);
	for (i = 0; i < 5; i++) {
		v[i].ops = dhb_backend_find(m[i].backend);
		cr_assert_not_null(v[i].ops);
		strcpy(v[i].name, m[i].name);
		snprintf(v[i].path, sizeof(v[i].path), "/dev/dma_heap/%s", m[i].name);
		v[i].props = dhb_heap_name_props(m[i].name);
		v[i].err = m[i].err;
		v[i].dev_fd = -1;
	}
	*n = 5;
}

Test(heapname, upstream_rules)
{
	static const struct {
		const char *name;
		unsigned int props;
	} cases[] = {
		{"system", DHB_PROP_SCATTERED | DHB_PROP_CACHED},
		{"system-uncached", DHB_PROP_SCATTERED | DHB_PROP_UNCACHED},
		{"system_uncached", DHB_PROP_SCATTERED | DHB_PROP_UNCACHED},
		{"reserved", DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_CACHED},
		{"linux,cma", DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_CACHED},
		{"default_cma_region", DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_CACHED},
		{"linux,cma-uncached", DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_UNCACHED},
		{"vendor-cma", DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_CACHED},
		{"protected,video", DHB_PROP_PROTECTED},
		{"secure_cma", DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_PROTECTED},
		{"restricted_heap", DHB_PROP_PROTECTED},
		{"carveout", 0},
		{"memory@40000000-contiguous", DHB_PROP_CONTIGUOUS | DHB_PROP_CACHED},
		{"memory@40000000-contiguous-uncached", DHB_PROP_CONTIGUOUS | DHB_PROP_UNCACHED},
		{"foo-uncached", DHB_PROP_UNCACHED},
		{"systems", 0},
		{"", 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(dhb_heap_name_props(cases[i].name), cases[i].props,
			     "\"%s\": got %#x, want %#x", cases[i].name,
			     dhb_heap_name_props(cases[i].name), cases[i].props);
}

Test(heapname, words)
{
	char buf[128];

	cr_assert_eq(dhb_heap_props_format(DHB_PROP_CONTIGUOUS | DHB_PROP_CMA | DHB_PROP_CACHED,
					   buf, sizeof(buf)),
		     0);
	cr_expect_str_eq(buf, "contiguous (CMA), cached");
	cr_assert_eq(
		dhb_heap_props_format(DHB_PROP_CONTIGUOUS | DHB_PROP_UNCACHED, buf, sizeof(buf)),
		0);
	cr_expect_str_eq(buf, "contiguous, uncached");
	cr_assert_eq(dhb_heap_props_format(0, buf, sizeof(buf)), 0);
	cr_expect(strstr(buf, "unknown"));
	cr_expect_eq(dhb_heap_props_format(DHB_PROP_SCATTERED | DHB_PROP_CACHED, buf, 8), -ENOSPC);
	cr_expect_lt(strlen(buf), 8);
}

static void expect_sel(const char *list, const bool *want)
{
	struct dhb_instance v[5];
	bool sel[5];
	char err[256] = "";
	size_t n, i;

	machine(v, &n);
	cr_assert_eq(dhb_plan_select_heaps(list, v, n, sel, err, sizeof(err)), 0, "%s: %s", list,
		     err);
	for (i = 0; i < n; i++)
		cr_expect_eq(sel[i], want[i], "%s: %s", list, v[i].name);
}

Test(select, names_and_globs)
{
	expect_sel(NULL, (bool[]){1, 1, 1, 1, 1});
	expect_sel("all", (bool[]){1, 1, 1, 1, 1});
	expect_sel("system", (bool[]){0, 1, 0, 0, 0});
	expect_sel("sys*", (bool[]){0, 1, 1, 0, 0});
	expect_sel("system*,memfd", (bool[]){0, 1, 1, 0, 1});
	expect_sel(" reserved , udmabuf ", (bool[]){1, 0, 0, 1, 0});
	expect_sel("*", (bool[]){1, 1, 1, 1, 1});
	expect_sel("[rs]*d", (bool[]){1, 0, 1, 0, 0});
	expect_sel("system,system", (bool[]){0, 1, 0, 0, 0});
	expect_sel("?dmabuf", (bool[]){0, 0, 0, 1, 0});
}

Test(select, misses_and_bad_items)
{
	struct dhb_instance v[5];
	bool sel[5];
	char err[256];
	size_t n;

	machine(v, &n);
	cr_expect_eq(dhb_plan_select_heaps("nonesuch", v, n, sel, err, sizeof(err)), -ENOENT);
	cr_expect(strstr(err, "no heap matches 'nonesuch'"), "%s", err);
	cr_expect(strstr(err, "reserved, system, system-uncached, udmabuf, memfd"), "%s", err);
	cr_expect_eq(dhb_plan_select_heaps("system,zz*", v, n, sel, err, sizeof(err)), -ENOENT);
	cr_expect(strstr(err, "'zz*'"), "%s", err);
	cr_expect_eq(dhb_plan_select_heaps("system,,memfd", v, n, sel, err, sizeof(err)), -EINVAL);
	cr_expect_eq(dhb_plan_select_heaps(",", v, n, sel, err, sizeof(err)), -EINVAL);
	cr_expect_eq(dhb_plan_select_heaps("System", v, n, sel, err, sizeof(err)), -ENOENT,
		     "names are case-sensitive, like the nodes");
}

/* dhb_plan_select_tests() over the registry's tests, into at most 8. */
static int select_tests(const char *list, const struct dhb_test **t, size_t *n, char *err,
			size_t errlen)
{
	const struct dhb_test *const *all;
	size_t n_all;

	all = dhb_tests_all(&n_all);
	return dhb_plan_select_tests(list, all, n_all, t, 8, n, err, errlen);
}

Test(select, tests)
{
	const struct dhb_test *t[8];
	char err[256];
	size_t n;

	size_t n_all;

	dhb_tests_all(&n_all);
	cr_assert_eq(select_tests(NULL, t, &n, err, sizeof(err)), 0);
	cr_expect_eq(n, n_all);
	cr_expect_str_eq(t[0]->name, "alloc");
	cr_assert_eq(select_tests("sync, alloc,sync", t, &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 2);
	cr_expect_str_eq(t[0]->name, "sync");
	cr_expect_str_eq(t[1]->name, "alloc");
	cr_expect_eq(select_tests("alloc,bogus", t, &n, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "unknown test 'bogus' (tests: alloc, map, cpu, sync"), "%s", err);
	cr_expect_eq(select_tests("alloc,", t, &n, err, sizeof(err)), -EINVAL);
	cr_expect_eq(select_tests("a*", t, &n, err, sizeof(err)), -EINVAL);
}

Test(plan, item_peak)
{
	const struct dhb_test *alloc = dhb_test_find("alloc"), *cpu = dhb_test_find("cpu");

	cr_expect_eq(dhb_plan_item_peak(alloc, 4096), 4096);
	cr_expect_eq(dhb_plan_item_peak(cpu, 1 << 20), 4 << 20, "buffer + 3 anonymous blocks");
	cr_expect_eq(dhb_plan_item_peak(cpu, UINT64_MAX / 2), UINT64_MAX, "saturates");
}

static void build(struct dhb_plan *p, struct dhb_instance *v, size_t *n, const char *tests,
		  const char *sizes, struct dhb_size_list *sl)
{
	const struct dhb_test *t[8];
	bool sel[5] = {1, 1, 1, 1, 1};
	char err[256];
	size_t nt;

	machine(v, n);
	cr_assert_eq(select_tests(tests, t, &nt, err, sizeof(err)), 0);
	cr_assert_eq(dhb_sizes_parse_list(sizes, sl, err, sizeof(err)), 0);
	cr_assert_eq(dhb_plan_build(p, v, *n, sel, NULL, t, nt, sl, 4096), 0);
}

Test(plan, peak_skips_and_order)
{
	struct dhb_instance v[5];
	struct dhb_size_list sl;
	struct dhb_plan p;
	size_t n, i, skipped = 0;

	build(&p, v, &n, "alloc,cpu,sync", "4K,32M,1000", &sl);
	cr_assert_eq(p.n, 3 * 5 * 3);
	cr_expect_str_eq(p.items[0].test->name, "alloc");
	cr_expect_str_eq(p.items[0].inst->name, "reserved");
	cr_expect_eq(p.items[1].size, 32 << 20, "sizes in the user's order");
	for (i = 0; i < p.n; i++)
		skipped += p.items[i].skip != NULL;
	/* system-uncached (no access): 9; udmabuf at 1000 bytes: 3; sync on memfd: 3. */
	cr_expect_eq(skipped, 9 + 3 + 3);
	cr_expect_eq(p.peak_bytes, 4ULL * (32 << 20));
	cr_assert_not_null(p.peak);
	cr_expect_str_eq(p.peak->test->name, "cpu");
	for (i = 0; i < p.n; i++) {
		if (!strcmp(p.items[i].inst->name, "system-uncached"))
			cr_expect(p.items[i].skip && strstr(p.items[i].skip, "Permission denied"));
	}
	dhb_plan_free(&p);
	dhb_sizes_free(&sl);
}

/* A source whose buffers are frames four times the size asked for. */
static uint64_t four_times(const struct dhb_instance *inst, uint64_t size)
{
	(void)inst;
	return 4 * size;
}

Test(plan, footprint_counts_what_a_buffer_takes)
{
	const struct dhb_test *t[2];
	struct dhb_backend_ops frames;
	struct dhb_instance v[5];
	struct dhb_size_list sl;
	bool sel[5] = {0, 0, 0, 0, 1};
	struct dhb_plan p;
	char err[256];
	size_t n, nt;

	machine(v, &n);
	frames = *v[4].ops; /* memfd, with a footprint */
	frames.footprint = four_times;
	v[4].ops = &frames;
	cr_assert_eq(select_tests("cpu", t, &nt, err, sizeof(err)), 0);
	cr_assert_eq(dhb_sizes_parse_list("1M", &sl, err, sizeof(err)), 0);
	cr_assert_eq(dhb_plan_build(&p, v, n, sel, NULL, t, nt, &sl, 4096), 0);
	cr_assert_eq(p.n, 1);
	/* cpu: one buffer (a 4M frame) and three malloc blocks of the size */
	cr_expect_eq(p.peak_bytes, (4ULL << 20) + 3 * (1ULL << 20));
	cr_expect_eq(dhb_plan_check_budget(&p, 6ULL << 20, err, sizeof(err)), -E2BIG);
	cr_expect_eq(dhb_plan_check_budget(&p, 7ULL << 20, err, sizeof(err)), 0);
	dhb_plan_free(&p);
	dhb_sizes_free(&sl);
}

Test(plan, budget_refuses_before_allocating)
{
	struct dhb_instance v[5];
	struct dhb_size_list sl;
	struct dhb_plan p;
	char err[512] = "";
	size_t n;

	build(&p, v, &n, NULL, "4K,1M,32M", &sl);
	cr_expect_eq(dhb_plan_check_budget(&p, 128ULL << 20, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(dhb_plan_check_budget(&p, (128ULL << 20) - 1, err, sizeof(err)), -E2BIG);
	cr_expect(strstr(err, "plan needs up to 128M (134217728 bytes) at once"), "%s", err);
	cr_expect(strstr(err, "test cpu, heap reserved, size 32M"), "%s", err);
	cr_expect(strstr(err, "budget is 134217727 (134217727 bytes)"), "%s", err);
	cr_expect_null(strchr(err, '\n'));
	dhb_plan_free(&p);
	dhb_sizes_free(&sl);

	build(&p, v, &n, "alloc", "32M", &sl);
	cr_expect_eq(dhb_plan_check_budget(&p, 32ULL << 20, err, sizeof(err)), 0,
		     "alloc keeps one buffer at a time");
	dhb_plan_free(&p);
	dhb_sizes_free(&sl);
}

Test(plan, nothing_runs_nothing_counts)
{
	struct dhb_instance v[5];
	const struct dhb_test *t[1] = {dhb_test_find("sync")};
	struct dhb_size_list sl;
	struct dhb_plan p;
	bool sel[5] = {0, 0, 1, 0, 1}; /* system-uncached (no access), memfd (no sync) */
	char err[256];
	size_t n;

	machine(v, &n);
	cr_assert_eq(dhb_sizes_parse_list("1G", &sl, err, sizeof(err)), 0);
	cr_assert_eq(dhb_plan_build(&p, v, n, sel, NULL, t, 1, &sl, 4096), 0);
	cr_expect_eq(p.n, 2);
	cr_expect_eq(p.peak_bytes, 0);
	cr_expect_null(p.peak);
	cr_expect_eq(dhb_plan_check_budget(&p, 1, err, sizeof(err)), 0);
	dhb_plan_free(&p);
	dhb_sizes_free(&sl);
}

Test(plan, default_budget)
{
	cr_expect_eq(dhb_plan_budget_default(2000, 8000), 1000);
	cr_expect_eq(dhb_plan_budget_default(-1, 8000), 4000);
	cr_expect_eq(dhb_plan_budget_default(-1, -1), UINT64_MAX);
	cr_expect_eq(dhb_plan_budget_default(2LL << 30, -1), 1ULL << 30);
}

/* A test that needs a device runs once per selected device, and says why it cannot. */
Test(plan, device_dimension)
{
	struct dhb_instance v[5];
	struct dhb_device d[3];
	const struct dhb_test *t[2] = {dhb_test_find("import"), dhb_test_find("alloc")};
	bool sel[5] = {0, 1, 0, 0, 1}, dsel[3] = {1, 0, 1};
	struct dhb_device_set set = {.v = d, .n = 3, .sel = dsel};
	struct dhb_size_list sl;
	struct dhb_plan p;
	char err[256];
	size_t n, i;

	cr_assert_not_null(t[0]);
	machine(v, &n);
	memset(d, 0, sizeof(d));
	for (i = 0; i < 3; i++) {
		d[i].kind = DHB_DEV_DRM;
		d[i].fd = -1;
		d[i].caps = DHB_DEVCAP_PRIME_IMPORT | DHB_DEVCAP_DMABUF;
		snprintf(d[i].name, sizeof(d[i].name), "card%zu", i);
		snprintf(d[i].path, sizeof(d[i].path), "/dev/dri/card%zu", i);
	}
	d[2].err = -EACCES;
	d[0].caps = 0; /* imports nothing */
	cr_assert_eq(dhb_sizes_parse_list("4K,8K", &sl, err, sizeof(err)), 0);
	cr_assert_eq(dhb_plan_build(&p, v, n, sel, &set, t, 2, &sl, 4096), 0);
	/* import: 2 heaps x 2 selected devices x 2 sizes; alloc: 2 heaps x 2 sizes. */
	cr_assert_eq(p.n, 12);
	for (i = 0; i < 8; i++) {
		cr_expect_eq(p.items[i].test, t[0]);
		cr_expect_eq(p.items[i].dev, &d[(i / 2) % 2 ? 2 : 0]);
		cr_assert_not_null(p.items[i].skip, "item %zu", i);
	}
	cr_expect(strstr(p.items[0].skip, "card0 imports no dma-buf"), "%s", p.items[0].skip);
	cr_expect(strstr(p.items[2].skip, "cannot use /dev/dri/card2"), "%s", p.items[2].skip);
	cr_expect(strstr(p.items[4].skip, "not a dma-buf"), "%s", p.items[4].skip); /* memfd */
	for (i = 8; i < 12; i++) {
		cr_expect_null(p.items[i].dev);
		cr_expect_null(p.items[i].skip);
	}
	dhb_plan_free(&p);
	/* No device at all: one skipped item per (heap, size), saying so. */
	cr_assert_eq(dhb_plan_build(&p, v, n, sel, NULL, t, 1, &sl, 4096), 0);
	cr_assert_eq(p.n, 4);
	cr_expect(strstr(p.items[0].skip, "no device"), "%s", p.items[0].skip);
	dhb_plan_free(&p);
	dhb_sizes_free(&sl);
}
