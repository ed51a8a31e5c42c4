// SPDX-License-Identifier: MIT
// The perf backend of a build without libperf: nothing can be opened, and the build says why.
#include <errno.h>

#include "counters_priv.h"

/* Why (bench/cmake/libperf.cmake). */
#ifndef DHB_LIBPERF_WHY
#define DHB_LIBPERF_WHY "built without libperf"
#endif

const char *dhb_counters_build(void)
{
	return NULL;
}

const char *dhb_counters_build_why(void)
{
	return DHB_LIBPERF_WHY;
}

int dhb_perf_group_new(struct dhb_perf_group **g)
{
	*g = NULL;
	return -EOPNOTSUPP;
}

int dhb_perf_group_add(struct dhb_perf_group *g, const struct dhb_event *ev, bool user_only)
{
	return -EOPNOTSUPP;
}

size_t dhb_perf_group_size(const struct dhb_perf_group *g)
{
	return 0;
}

int dhb_perf_group_read(struct dhb_perf_group *g, uint64_t *vals)
{
	return -EOPNOTSUPP;
}

void dhb_perf_group_free(struct dhb_perf_group *g)
{
}
