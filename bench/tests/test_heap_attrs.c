// SPDX-License-Identifier: MIT
// Unit tests of the heap attribute reader against a fake sysfs tree in a temporary directory.
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dhb/heap_attrs.h"

static char root[] = "/tmp/dhb-attrs-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

static void setup(void)
{
	cr_assert_not_null(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(heap_attrs, .init = setup, .fini = teardown);

Test(heap_attrs, device_directory)
{
	struct dhb_heap_attrs a;
	uint64_t v;
	char s[32];

	put("dev/char/250:3/stats/used", "12288\n");
	put("dev/char/250:3/stats/ext_frag_ppm", "400000\n");
	put("dev/char/250:3/region_base", "0x100000000\n");
	put("dev/char/250:3/policy", "best-fit\n");
	put("dev/char/250:3/bad", "12x\n");
	put("dev/char/250:3/empty", "");
	cr_assert_eq(dhb_heap_attrs_open_at(&a, root, makedev(250, 3), "dhr"), 0);
	cr_assert(strstr(a.dir, "/dev/char/250:3"), "%s", a.dir);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "stats/used", &v), 0);
	cr_assert_eq(v, 12288);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "stats/ext_frag_ppm", &v), 0);
	cr_assert_eq(v, 400000);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "region_base", &v), 0);
	cr_assert_eq(v, 0x100000000ULL);
	cr_assert_eq(dhb_heap_attrs_str(&a, "policy", s, sizeof(s)), 0);
	cr_assert_str_eq(s, "best-fit");
	cr_assert_eq(dhb_heap_attrs_str(&a, "policy", s, 5), 0);
	cr_assert_str_eq(s, "best", "cut to the buffer");
	cr_assert_eq(dhb_heap_attrs_u64(&a, "bad", &v), -EINVAL);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "empty", &v), -EINVAL);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "stats/zero_pending", &v), -ENOENT);
}

Test(heap_attrs, kernel_directory_when_the_device_has_none)
{
	struct dhb_heap_attrs a;
	uint64_t v;

	put("dev/char/250:3/dev", "250:3\n"); /* a device directory without stats/ */
	put("kernel/dhr_heap/dhr/stats/free_extents", "7\n");
	put("kernel/dhr_heap/dhr/granule", "4096\n");
	cr_assert_eq(dhb_heap_attrs_open_at(&a, root, makedev(250, 3), "dhr"), 0);
	cr_assert(strstr(a.dir, "/kernel/dhr_heap/dhr"), "%s", a.dir);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "stats/free_extents", &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(dhb_heap_attrs_u64(&a, "granule", &v), 0);
	cr_assert_eq(v, 4096);
}

Test(heap_attrs, none_published)
{
	struct dhb_heap_attrs a;

	put("dev/char/250:3/dev", "250:3\n");
	cr_assert_eq(dhb_heap_attrs_open_at(&a, root, makedev(250, 3), "system"), -ENOENT);
	cr_assert_eq(dhb_heap_attrs_open_at(&a, root, makedev(1, 1), "../x"), -ENOENT);
	cr_assert_eq(dhb_heap_attrs_open(&a, "/nonexistent/dma_heap/system"), -ENOENT);
	cr_assert_eq(dhb_heap_attrs_open(&a, "/dev/null"), -ENOENT, "a char device, no stats");
}
