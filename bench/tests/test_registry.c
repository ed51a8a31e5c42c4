// SPDX-License-Identifier: MIT
// Unit tests of the backend and test registries: mandatory hooks, unique names, validation.
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dhb/backend.h"
#include "dhb/plan.h"
#include "dhb/workload.h"

Test(registry, backends_are_valid_and_unique)
{
	const struct dhb_backend_ops *a, *b;
	char err[256] = "";
	int n = 0;

	cr_assert_eq(dhb_backends_check(err, sizeof(err)), 0, "%s", err);
	dhb_for_each_backend (a) {
		n++;
		cr_expect_eq(dhb_backend_validate(a, err, sizeof(err)), 0, "%s", err);
		cr_expect(a->probe && a->release && a->alloc && a->free && a->map && a->unmap,
			  "%s lacks a mandatory hook", a->name);
		cr_expect_eq(!!(a->caps & DHB_CAP_SYNC), !!a->sync, "%s: sync vs DHB_CAP_SYNC",
			     a->name);
		cr_expect_eq(dhb_backend_find(a->name), a);
		for (b = dhb_backend_next(a); b; b = dhb_backend_next(b))
			cr_expect_neq(strcmp(a->name, b->name), 0, "%s twice", a->name);
	}
	cr_assert_geq(n, 3);
	cr_assert_null(dhb_backend_find("nonesuch"));
}

Test(registry, the_three_first_backends)
{
	const struct dhb_backend_ops *h = dhb_backend_find("dma-heap"),
				     *u = dhb_backend_find("udmabuf"),
				     *m = dhb_backend_find("memfd");

	cr_assert(h && u && m);
	cr_expect(h->caps & DHB_CAP_DMABUF && h->caps & DHB_CAP_SYNC);
	cr_expect(u->caps & DHB_CAP_DMABUF && u->caps & DHB_CAP_PAGE_SIZED);
	cr_expect_not(m->caps & DHB_CAP_DMABUF, "memfd is the non-dma-buf baseline");
	cr_expect_null(m->sync);
	cr_expect(h->caps & DHB_CAP_HEAP_NODE && h->caps & DHB_CAP_HEAP_ATTRS);
	cr_expect_not(u->caps & DHB_CAP_HEAP_NODE);
	cr_expect_not(m->caps & DHB_CAP_HEAP_NODE);
	cr_expect_eq(dhb_backend_find_caps(DHB_CAP_HEAP_NODE), h);
	cr_expect_eq(dhb_backend_find_caps(DHB_CAP_DMABUF | DHB_CAP_PAGE_SIZED), u);
	cr_expect_null(dhb_backend_find_caps(DHB_CAP_HEAP_NODE | DHB_CAP_PAGE_SIZED));
}

/* The rules `list` prints for a source this user cannot open, from the backends' tables. */
Test(registry, access_rules)
{
	struct dhb_instance h = {.ops = dhb_backend_find("dma-heap"), .name = "system"};
	struct dhb_instance u = {.ops = dhb_backend_find("udmabuf"), .name = "udmabuf"};
	struct dhb_instance m = {.ops = dhb_backend_find("memfd"), .name = "memfd"};
	char buf[160], small[20];

	cr_assert_eq(dhb_instance_access_rule(&h, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "SUBSYSTEM==\"dma_heap\", KERNEL==\"system\", GROUP=\"video\", "
			      "MODE=\"0660\"");
	cr_assert_eq(dhb_instance_access_rule(&u, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "SUBSYSTEM==\"misc\", KERNEL==\"udmabuf\", GROUP=\"video\", "
			      "MODE=\"0660\"");
	cr_assert_eq(dhb_instance_access_rule(&m, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "", "memfd has no node to grant");
	cr_expect_eq(dhb_instance_access_rule(&h, small, sizeof(small)), -ENOSPC);
	cr_expect_eq(strlen(small), sizeof(small) - 1);
}

static int fake_probe(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
		      size_t *n)
{
	return 0;
}

static void fake_release(struct dhb_instance *inst)
{
}

static int fake_alloc(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf)
{
	return -ENOSYS;
}

static int fake_buf(struct dhb_buf *buf)
{
	return 0;
}

static int fake_sync(struct dhb_buf *buf, uint64_t flags)
{
	return 0;
}

Test(registry, validation_rejects_broken_tables)
{
	const struct dhb_backend_ops good = {
		.name = "fake",
		.help = "a fake",
		.caps = DHB_CAP_DMABUF | DHB_CAP_SYNC | DHB_CAP_MMAP,
		.probe = fake_probe,
		.release = fake_release,
		.alloc = fake_alloc,
		.free = fake_buf,
		.map = fake_buf,
		.unmap = fake_buf,
		.sync = fake_sync,
	};
	struct dhb_backend_ops bad;
	char err[256];

	cr_assert_eq(dhb_backend_validate(&good, err, sizeof(err)), 0, "%s", err);
	bad = good;
	bad.alloc = NULL;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "no alloc hook"), "%s", err);
	bad = good;
	bad.unmap = NULL;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	bad = good;
	bad.name = "";
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	bad = good;
	bad.help = NULL;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	bad = good;
	bad.sync = NULL;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "DHB_CAP_SYNC without a sync hook"), "%s", err);
	bad = good;
	bad.caps &= ~DHB_CAP_SYNC;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	bad = good;
	bad.caps &= ~DHB_CAP_DMABUF;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect_eq(dhb_backend_validate(NULL, err, sizeof(err)), -EINVAL);
	/* Capabilities that imply others, unknown ones, access rules of one line. */
	bad = good;
	bad.caps |= DHB_CAP_HEAP_NODE | DHB_CAP_HEAP_ATTRS;
	bad.access_rule = "KERNEL==\"{name}\"";
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), 0, "%s", err);
	bad.caps &= ~DHB_CAP_HEAP_NODE;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "DHB_CAP_HEAP_ATTRS without DHB_CAP_HEAP_NODE"), "%s", err);
	bad = good;
	bad.caps = DHB_CAP_MMAP | DHB_CAP_HEAP_NODE;
	bad.sync = NULL;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "DHB_CAP_HEAP_NODE without DHB_CAP_DMABUF"), "%s", err);
	bad = good;
	bad.caps = DHB_CAP_MMAP | DHB_CAP_GEOMETRY;
	bad.sync = NULL;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "DHB_CAP_GEOMETRY without DHB_CAP_DMABUF"), "%s", err);
	bad = good;
	bad.caps |= DHB_CAP_V4L2_FOURCC;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "DHB_CAP_V4L2_FOURCC without DHB_CAP_GEOMETRY"), "%s", err);
	bad.caps |= DHB_CAP_GEOMETRY;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), 0, "%s", err);
	bad = good;
	bad.caps |= 1u << 31;
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "unknown capability"), "%s", err);
	bad = good;
	bad.access_rule = "a\nb";
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
	bad.access_rule = "";
	cr_expect_eq(dhb_backend_validate(&bad, err, sizeof(err)), -EINVAL);
}

Test(registry, tests_are_valid_and_unique)
{
	const struct dhb_test *t, *u;
	char err[256] = "";
	const char *want[] = {"alloc", "map", "cpu", "sync"};
	size_t i;

	cr_assert_eq(dhb_tests_check(err, sizeof(err)), 0, "%s", err);
	dhb_for_each_test (t) {
		cr_expect(t->setup && t->run_once && t->teardown && t->help);
		cr_expect(t->buffers + t->malloc_buffers > 0, "%s declares no memory", t->name);
		for (u = dhb_test_next(t); u; u = dhb_test_next(u))
			cr_expect_neq(strcmp(t->name, u->name), 0);
	}
	for (i = 0; i < 4; i++)
		cr_expect_not_null(dhb_test_find(want[i]), "%s", want[i]);
	cr_expect_null(dhb_test_find("bogus"));
	cr_expect_eq(dhb_test_find("alloc")->needs, 0, "alloc needs no CPU access");
	cr_expect_eq(dhb_test_find("map")->needs, DHB_NEED_CPU_ACCESS);
	cr_expect_eq(dhb_test_find("cpu")->needs, DHB_NEED_CPU_ACCESS);
	cr_expect_eq(dhb_test_find("sync")->needs, DHB_NEED_CPU_ACCESS | DHB_NEED_DMABUF);
}

static int fake_ctx(struct dhb_ctx *ctx)
{
	return 0;
}

static void fake_teardown(struct dhb_ctx *ctx)
{
}

static const struct dhb_test fake_test = {
	.name = "fake",
	.help = "a fake",
	.buffers = 1,
	.needs = DHB_NEED_DMABUF,
	.setup = fake_ctx,
	.run_once = fake_ctx,
	.teardown = fake_teardown,
};

Test(registry, test_validation_rejects_broken_descriptors)
{
	struct dhb_test bad;
	char err[256];

	cr_assert_eq(dhb_test_validate(&fake_test, err, sizeof(err)), 0, "%s", err);
	bad = fake_test;
	bad.run_once = NULL;
	cr_expect_eq(dhb_test_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "test fake lacks setup, run_once or teardown");
	bad = fake_test;
	bad.buffers = 0;
	cr_expect_eq(dhb_test_validate(&bad, err, sizeof(err)), -EINVAL);
	bad = fake_test;
	bad.needs = 1u << 20;
	cr_expect_eq(dhb_test_validate(&bad, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "test fake declares an unknown need");
}

Test(registry, skips_have_reasons)
{
	struct dhb_instance memfd = {.ops = dhb_backend_find("memfd"), .dev_fd = -1};
	struct dhb_instance udma = {.ops = dhb_backend_find("udmabuf"), .dev_fd = -1};
	struct dhb_instance prot = {.ops = dhb_backend_find("dma-heap"), .dev_fd = -1};
	const struct dhb_test *sync = dhb_test_find("sync"), *alloc = dhb_test_find("alloc"),
			      *cpu = dhb_test_find("cpu");
	const char *why;
	char buf[256];

	strcpy(prot.name, "protected,video");
	prot.props = dhb_heap_name_props(prot.name);
	why = dhb_plan_skip_reason(sync, &memfd, NULL, 4096, 4096, buf, sizeof(buf));
	cr_assert_not_null(why);
	cr_expect(strstr(why, "not a dma-buf"), "%s", why);
	cr_expect_null(dhb_plan_skip_reason(alloc, &memfd, NULL, 4096, 4096, buf, sizeof(buf)));
	cr_expect_null(dhb_plan_skip_reason(sync, &udma, NULL, 8192, 4096, buf, sizeof(buf)));
	cr_expect_not_null(dhb_plan_skip_reason(alloc, &udma, NULL, 1000, 4096, buf, sizeof(buf)),
			   "udmabuf needs pages");
	cr_expect_null(dhb_plan_skip_reason(alloc, &prot, NULL, 4096, 4096, buf, sizeof(buf)));
	cr_expect_not_null(dhb_plan_skip_reason(cpu, &prot, NULL, 4096, 4096, buf, sizeof(buf)),
			   "no CPU access");
	/* A need, not a name: a test without its own reason gets the general one. */
	why = dhb_plan_skip_reason(&fake_test, &memfd, NULL, 4096, 4096, buf, sizeof(buf));
	cr_expect_str_eq(why ? why : "(null)", "not a dma-buf");
	cr_expect_null(dhb_plan_skip_reason(&fake_test, &prot, NULL, 4096, 4096, buf, sizeof(buf)),
		       "no CPU access needed: a protected heap will do");
}
