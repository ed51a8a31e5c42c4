// SPDX-License-Identifier: MIT
// The perf backend over libperf: event groups of this process, each read with one read() call.
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <perf/core.h>
#include <perf/evlist.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>
/* The leader's descriptor: libperf reads only a group's leader value, so the group is read here. */
#include <internal/evsel.h>
#include <internal/xyarray.h>

#include "counters_priv.h"

/* What the build found (bench/cmake/libperf.cmake). */
#ifndef DHB_LIBPERF_DESC
#define DHB_LIBPERF_DESC "libperf"
#endif

#define READ_FORMAT \
	(PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING)

/* A group read: nr, time enabled, time running, then one value per event. */
struct dhb_perf_group {
	struct perf_thread_map *threads;
	struct perf_evlist *evlist;
	struct perf_evsel *leader;
	size_t n;
	uint64_t buf[3 + DHB_COUNTERS_MAX];
};

const char *dhb_counters_build(void)
{
	return DHB_LIBPERF_DESC;
}

const char *dhb_counters_build_why(void)
{
	return "";
}

/* libperf prints its debug output on stderr by default; the caller reports what matters. */
static int quiet(enum libperf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int dhb_perf_group_new(struct dhb_perf_group **out)
{
	struct dhb_perf_group *g;

	libperf_init(quiet);
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->threads = perf_thread_map__new_dummy();
	if (!g->threads)
		goto out_free;
	perf_thread_map__set_pid(g->threads, 0, 0); /* this process */
	g->evlist = perf_evlist__new();
	if (!g->evlist)
		goto out_put_threads;
	*out = g;
	return 0;
out_put_threads:
	perf_thread_map__put(g->threads);
out_free:
	free(g);
	return -ENOMEM;
}

static void set_attr(struct perf_event_attr *a, const struct dhb_event *ev, bool leader,
		     bool user_only)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = ev->kind == DHB_EVENT_HARDWARE     ? PERF_TYPE_HARDWARE
		  : ev->kind == DHB_EVENT_TRACEPOINT ? PERF_TYPE_TRACEPOINT
						     : PERF_TYPE_SOFTWARE;
	a->config = ev->config;
	a->read_format = READ_FORMAT;
	a->exclude_kernel = user_only;
	a->exclude_hv = user_only;
	/* A hardware group stays on the PMU or fails its reads, rather than being multiplexed. */
	a->pinned = leader && ev->kind == DHB_EVENT_HARDWARE;
}

int dhb_perf_group_add(struct dhb_perf_group *g, const struct dhb_event *ev, bool user_only)
{
	struct perf_event_attr attr;
	struct perf_evsel *e;
	int ret;

	if (g->n >= DHB_COUNTERS_MAX)
		return -ENOSPC;
	set_attr(&attr, ev, !g->n, user_only);
	e = perf_evsel__new(&attr);
	if (!e)
		return -ENOMEM;
	perf_evlist__add(g->evlist, e);
	perf_evlist__set_leader(g->evlist); /* the first event leads; libperf passes its fd */
	ret = perf_evsel__open(e, NULL, g->threads);
	if (ret) {
		perf_evlist__remove(g->evlist, e);
		perf_evsel__delete(e);
		perf_evlist__set_leader(g->evlist);
		return ret < 0 ? ret : -EINVAL;
	}
	if (!g->n)
		g->leader = e;
	g->n++;
	return 0;
}

size_t dhb_perf_group_size(const struct dhb_perf_group *g)
{
	return g->n;
}

int dhb_perf_group_read(struct dhb_perf_group *g, uint64_t *vals)
{
	size_t want = (3 + g->n) * sizeof(uint64_t);
	int fd = *(int *)xyarray__entry(g->leader->fd, 0, 0);
	ssize_t r;

	r = read(fd, g->buf, want);
	if (r < 0)
		return -errno;
	if ((size_t)r != want || g->buf[0] != g->n)
		return -EIO;
	memcpy(vals, &g->buf[3], g->n * sizeof(uint64_t));
	return 0;
}

void dhb_perf_group_free(struct dhb_perf_group *g)
{
	if (!g)
		return;
	perf_evlist__delete(g->evlist); /* closes every event, frees them */
	perf_thread_map__put(g->threads);
	free(g);
}
