// SPDX-License-Identifier: MIT
// Unit tests of the perf counters' parts that need no kernel: --events, tracefs ids, names, open.
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhb/counters.h"

static size_t n_trace(const struct dhb_event_list *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->v[i].kind == DHB_EVENT_TRACEPOINT;
	return n;
}

static const struct dhb_event *find(const struct dhb_event_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	}
	return NULL;
}

Test(events, builtin_only)
{
	struct dhb_event_list l;
	char err[256];

	cr_assert_eq(dhb_events_parse(NULL, &l, err, sizeof(err)), 0);
	cr_assert_not(l.none);
	cr_assert_eq(n_trace(&l), 0);
	cr_assert_not_null(find(&l, "task-clock"));
	cr_assert_str_eq(find(&l, "task-clock")->unit, "ns");
	cr_assert_str_eq(find(&l, "page-faults")->unit, "events");
	cr_assert(find(&l, "context-switches")->kernel_only);
	cr_assert_not(find(&l, "page-faults")->kernel_only);
	cr_assert_eq(find(&l, "cycles")->kind, DHB_EVENT_HARDWARE);
	cr_assert_not_null(find(&l, "instructions"));
	cr_assert_eq(dhb_events_parse("", &l, err, sizeof(err)), 0);
	cr_assert_eq(n_trace(&l), 0);
}

Test(events, none)
{
	struct dhb_event_list l;
	char err[256];

	cr_assert_eq(dhb_events_parse("none", &l, err, sizeof(err)), 0);
	cr_assert(l.none);
	cr_assert_eq(l.n, 0);
}

Test(events, tracepoints)
{
	struct dhb_event_list l;
	char err[256];

	cr_assert_eq(dhb_events_parse("kmem:mm_page_alloc,cma:cma_alloc_start,"
				      "dma_fence:dma_fence_signaled",
				      &l, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(n_trace(&l), 3);
	cr_assert_str_eq(l.v[l.n - 3].name, "kmem:mm_page_alloc");
	cr_assert_str_eq(l.v[l.n - 1].name, "dma_fence:dma_fence_signaled");
	cr_assert_eq(l.v[l.n - 1].kind, DHB_EVENT_TRACEPOINT);
	cr_assert_str_eq(l.v[l.n - 1].unit, "events");
	cr_assert_not_null(find(&l, "task-clock"), "the built-in events stay");
}

/* Each bad value: -EINVAL, the list left empty, and a one-line message naming --events. */
Test(events, bad)
{
	static const char *const bad[] = {
		"kmem",
		"kmem:",
		":mm_page_alloc",
		"kmem:mm_page_alloc,",
		",kmem:mm_page_alloc",
		"kmem:mm_page_alloc,,cma:cma_alloc_start",
		"kmem:mm_page_alloc,kmem:mm_page_alloc",
		"none,kmem:mm_page_alloc",
		"kmem:mm_page_alloc,none",
		"page-faults",
		"cycles",
		"kmem:mm page",
		"kmem:../../x",
		"kmem/x:y",
		"a:b:c",
		"kmem:mm_page_alloc_with_a_name_far_longer_than_any_tracepoint_has_x",
		"a:1,a:2,a:3,a:4,a:5,a:6,a:7,a:8,a:9",
	};
	struct dhb_event_list l;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(dhb_events_parse(bad[i], &l, err, sizeof(err)), -EINVAL, "'%s'",
			     bad[i]);
		cr_expect_eq(l.n, 0, "'%s'", bad[i]);
		cr_expect_eq(strncmp(err, "--events", 8), 0, "'%s': %s", bad[i], err);
		cr_expect_null(strchr(err, '\n'), "'%s': one line", bad[i]);
	}
	cr_assert_eq(dhb_events_parse("a:1,a:2,a:3,a:4,a:5,a:6,a:7,a:8", &l, err, sizeof(err)), 0,
		     "eight tracepoints fit: %s", err);
}

/* A fake tracefs under a temporary directory. */
struct fake_tracefs {
	char root[64];
};

static void mkfile(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void fake_tracefs(struct fake_tracefs *t)
{
	char p[256];

	snprintf(t->root, sizeof(t->root), "/tmp/dhb-tracefs.XXXXXX");
	cr_assert_not_null(mkdtemp(t->root));
	snprintf(p, sizeof(p), "%s/events", t->root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/events/kmem", t->root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/events/kmem/mm_page_alloc", t->root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/events/kmem/mm_page_alloc/id", t->root);
	mkfile(p, "412\n");
	snprintf(p, sizeof(p), "%s/events/kmem/broken", t->root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/events/kmem/broken/id", t->root);
	mkfile(p, "12x\n");
}

static void fake_tracefs_rm(struct fake_tracefs *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->root);
	cr_expect_eq(system(cmd), 0);
}

Test(events, resolve)
{
	struct fake_tracefs t;
	const char *roots[] = {"/nonexistent-tracefs", NULL, NULL};
	struct dhb_event_list l;
	char err[256];

	fake_tracefs(&t);
	roots[1] = t.root;
	cr_assert_eq(dhb_events_parse("kmem:mm_page_alloc", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(find(&l, "kmem:mm_page_alloc")->config, 412);
	cr_assert_eq(find(&l, "page-faults")->config, PERF_COUNT_SW_PAGE_FAULTS,
		     "built-in configs are untouched");

	cr_assert_eq(dhb_events_parse("kmem:nope", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), -ENOENT);
	cr_assert_not_null(strstr(err, "unknown event 'kmem:nope'"), "%s", err);
	cr_assert_not_null(strstr(err, "/events/kmem"), "%s", err);

	cr_assert_eq(dhb_events_parse("nosys:x", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), -ENOENT);
	cr_assert_not_null(strstr(err, "no tracepoint subsystem 'nosys'"), "%s", err);

	cr_assert_eq(dhb_events_parse("kmem:broken", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), -EINVAL);

	roots[1] = NULL;
	cr_assert_eq(dhb_events_parse("kmem:mm_page_alloc", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), -ENODEV);
	cr_assert_not_null(strstr(err, "mount -t tracefs"), "%s", err);

	cr_assert_eq(dhb_events_parse(NULL, &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), 0,
		     "no tracepoint: tracefs is not needed");
	fake_tracefs_rm(&t);
}

/* Root reads any file, so the permission case is checked only as another user. */
Test(events, resolve_denied)
{
	struct fake_tracefs t;
	const char *roots[] = {NULL, NULL};
	struct dhb_event_list l;
	char p[256], err[256];

	if (!geteuid())
		cr_skip_test("running as root, which reads tracefs whatever its mode");
	fake_tracefs(&t);
	roots[0] = t.root;
	snprintf(p, sizeof(p), "%s/events/kmem/mm_page_alloc/id", t.root);
	cr_assert_eq(chmod(p, 0), 0);
	cr_assert_eq(dhb_events_parse("kmem:mm_page_alloc", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_events_resolve(&l, roots, err, sizeof(err)), -EACCES);
	cr_assert_not_null(strstr(err, "mode=755"), "%s", err);
	fake_tracefs_rm(&t);
}

Test(counters, metric_names)
{
	char buf[112];

	cr_assert_eq(dhb_counter_metric("alloc_latency", "page-faults", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "alloc_latency.page-faults");
	cr_assert_eq(dhb_counter_metric("alloc_latency", "kmem:mm_page_alloc", buf, sizeof(buf)),
		     0);
	cr_assert_str_eq(buf, "alloc_latency.kmem:mm_page_alloc");
	cr_assert_eq(dhb_counter_metric("alloc_latency", "page-faults", buf, 10), -ENOSPC);
}

Test(counters, names_joined)
{
	struct dhb_counters c = {0};
	char buf[64];

	cr_assert_eq(dhb_counters_names(&c, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
	c.n = 2;
	snprintf(c.ev[0].name, sizeof(c.ev[0].name), "task-clock");
	snprintf(c.ev[1].name, sizeof(c.ev[1].name), "kmem:mm_page_alloc");
	cr_assert_eq(dhb_counters_names(&c, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "task-clock,kmem:mm_page_alloc");
	cr_assert_eq(dhb_counters_names(&c, buf, 12), -ENOSPC);
}

/* --events none and a zeroed set count nothing, need no kernel, and close cleanly. */
Test(counters, none_opens_nothing)
{
	struct dhb_counters c, z = {0};
	struct dhb_event_list l;
	char err[256];

	cr_assert_eq(dhb_events_parse("none", &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_counters_open(&c, &l, err, sizeof(err)), 0);
	cr_assert_eq(c.n, 0);
	cr_assert_null(c.read);
	cr_assert_not_null(strstr(c.unavailable, "--events none"));
	dhb_counters_close(&c);
	dhb_counters_close(&z);
	dhb_counters_close(&c);
}

/*
 * The built-in events on this machine: whatever it allows, the set opens (unavailable is not
 * an error), says why when it counts nothing, and reads increasing values when it counts.
 */
Test(counters, open_here)
{
	struct dhb_counters c;
	struct dhb_event_list l;
	uint64_t a[DHB_COUNTERS_MAX], b[DHB_COUNTERS_MAX];
	volatile uint64_t spin = 0;
	char err[256];
	size_t i;

	cr_assert_eq(dhb_events_parse(NULL, &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_counters_open(&c, &l, err, sizeof(err)), 0, "%s", err);
	if (!c.n) {
		cr_assert_neq(c.unavailable[0], '\0');
		dhb_counters_close(&c);
		cr_skip_test("perf counters unavailable here: %s", c.unavailable);
	}
	cr_assert_eq(c.unavailable[0], '\0');
	cr_assert_str_eq(c.ev[0].name, "task-clock");
	cr_assert_not_null(c.read);
	cr_assert_eq(c.read(&c, a), 0);
	for (i = 0; i < 1000000; i++)
		spin += i;
	cr_assert_eq(c.read(&c, b), 0);
	cr_assert_gt(spin, 0);
	cr_assert_gt(b[0], a[0], "task-clock advances");
	for (i = 0; i < c.n; i++)
		cr_assert_geq(b[i], a[i], "%s never goes back", c.ev[i].name);
	dhb_counters_close(&c);
	cr_assert_eq(c.n, 0);
	cr_assert_null(c.read);
}

/* Open descriptors of this process. */
static int open_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(dir);
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

/*
 * No descriptor stays open: after a close, and after an open that fails half-way (the software
 * events open, then a tracepoint whose id no kernel has is refused).
 */
Test(counters, no_fd_left)
{
	struct dhb_counters c;
	struct dhb_event_list l;
	char err[DHB_COUNTERS_WHY_LEN];
	int before = open_fds();

	cr_assert_eq(dhb_events_parse(NULL, &l, err, sizeof(err)), 0);
	cr_assert_eq(dhb_counters_open(&c, &l, err, sizeof(err)), 0, "%s", err);
	dhb_counters_close(&c);
	cr_assert_eq(open_fds(), before, "a closed set leaves no descriptor");
	cr_assert_eq(dhb_events_parse("nosuch:event", &l, err, sizeof(err)), 0);
	l.v[l.n - 1].config = ~0ULL >> 1; /* resolved to an id no tracepoint has */
	cr_assert_neq(dhb_counters_open(&c, &l, err, sizeof(err)), 0);
	cr_assert_eq(c.n, 0);
	cr_assert_null(c.read);
	cr_assert_eq(open_fds(), before, "a failed open leaves no descriptor (%s)", err);
	dhb_counters_close(&c);
}
