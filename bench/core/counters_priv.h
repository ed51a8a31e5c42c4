// SPDX-License-Identifier: MIT
// The core's seam to the perf backend: groups of events opened together and read with one read().
#ifndef DHB_COUNTERS_PRIV_H
#define DHB_COUNTERS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/counters.h"

/*
 * Two implementations, one compiled in: counters_libperf.c (libperf) and counters_none.c
 * (built without libperf: nothing opens). dhb_counters_open() (counters.c) decides which events
 * go into which group and what a refusal means.
 */
struct dhb_perf_group;

/**
 * dhb_perf_group_new() - an empty group of events of this process (pid 0, any CPU).
 * @g: the group.
 *
 * Return: 0, -ENOMEM, or -EOPNOTSUPP when built without libperf.
 */
int dhb_perf_group_new(struct dhb_perf_group **g);

/**
 * dhb_perf_group_add() - open one more event in @g; the first is the leader.
 * @g: group.
 * @ev: event (a tracepoint with its id in config).
 * @user_only: exclude_kernel and exclude_hv.
 *
 * Return: 0, or perf_event_open()'s -errno (the group is unchanged).
 */
int dhb_perf_group_add(struct dhb_perf_group *g, const struct dhb_event *ev, bool user_only);

/**
 * dhb_perf_group_size() - events open in @g.
 * @g: group.
 *
 * Return: the count.
 */
size_t dhb_perf_group_size(const struct dhb_perf_group *g);

/**
 * dhb_perf_group_read() - the value of every event of @g, in the order they were added.
 * @g: group.
 * @vals: dhb_perf_group_size() values.
 *
 * Return: 0, or -errno (-EIO for a short read: a pinned group the PMU could not schedule).
 */
int dhb_perf_group_read(struct dhb_perf_group *g, uint64_t *vals);

/**
 * dhb_perf_group_free() - close every event of @g and free it.
 * @g: group, or NULL.
 */
void dhb_perf_group_free(struct dhb_perf_group *g);

#endif /* DHB_COUNTERS_PRIV_H */
