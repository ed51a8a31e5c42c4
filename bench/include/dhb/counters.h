// SPDX-License-Identifier: MIT
// Perf counters of the timed sections: which events, --events, and a counter set read in one go.
#ifndef DHB_COUNTERS_H
#define DHB_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Counters
 * --------
 * Every timed section (dhb/section.h) of a run reads one counter set before its first clock read
 * and after its last one, and keeps the difference per event. The set holds:
 *   - the software events task-clock (ns), page-faults, context-switches and cpu-migrations,
 *     always;
 *   - the hardware events cycles and instructions where the kernel has a PMU for them; under a
 *     virtual machine without one (QEMU TCG) perf_event_open() refuses them, and the run says
 *     so once ("skipped") and goes on without them;
 *   - the tracepoints named by `--events` ("kmem:mm_page_alloc"), found by their id in tracefs.
 * Events are counted for this process only (pid 0, any CPU), kernel side included where the
 * kernel allows it: perf_event_paranoid <= 1, or CAP_PERFMON (or CAP_SYS_ADMIN). At 2 only user
 * space may be counted: task-clock and page-faults still are (a fault taken by a user access is
 * a user-mode event), context-switches and cpu-migrations are skipped (they happen in the kernel
 * and would read 0), and tracepoints are refused with how to grant it. At 3 and above (a Debian
 * patch: no perf for unprivileged users), or without libperf, nothing is counted and the run
 * says why.
 *
 * Reading: the events are opened with libperf as two groups (software events and tracepoints,
 * always scheduled; cycles and instructions, pinned to the PMU or failing), each read with one
 * read() of its leader (PERF_FORMAT_GROUP), so a snapshot costs one system call, two with a PMU.
 * That cost is not inside the timed interval, but it is inside each count: the floor, the median
 * count of an empty section, is measured once per run (dhb_section_calibrate()).
 */

#define DHB_COUNTERS_MAX     16 /* events in one set */
#define DHB_EVENTS_MAX_TRACE 8	/* tracepoints --events may name */
#define DHB_EVENT_NAME_LEN   64 /* "subsystem:event", NUL included */
#define DHB_COUNTERS_WHY_LEN 512

/* What an event is, for perf_event_open(). */
enum dhb_event_kind {
	DHB_EVENT_SOFTWARE,   /* PERF_TYPE_SOFTWARE, config PERF_COUNT_SW_* */
	DHB_EVENT_HARDWARE,   /* PERF_TYPE_HARDWARE, config PERF_COUNT_HW_* */
	DHB_EVENT_TRACEPOINT, /* PERF_TYPE_TRACEPOINT, config the tracefs id */
};

/**
 * struct dhb_event - one event to count.
 * @name: perf's name ("task-clock", "page-faults", "kmem:mm_page_alloc").
 * @kind: what it is.
 * @config: perf_event_attr.config (PERF_COUNT_* value, or the tracepoint id once resolved).
 * @unit: unit of its rows: "ns" for task-clock, "events" for the others.
 * @kernel_only: it only ever happens in the kernel, so counting user space alone reads 0.
 */
struct dhb_event {
	char name[DHB_EVENT_NAME_LEN];
	enum dhb_event_kind kind;
	uint64_t config;
	const char *unit;
	bool kernel_only;
};

/**
 * struct dhb_event_list - the events a run asks for.
 * @v: events: the software and hardware ones, then the tracepoints of --events.
 * @n: number of events.
 * @none: `--events none`: count nothing at all.
 */
struct dhb_event_list {
	struct dhb_event v[DHB_COUNTERS_MAX];
	size_t n;
	bool none;
};

/**
 * struct dhb_counters - an open counter set.
 * @n: events counted, in @ev.
 * @ev: the events counted.
 * @floor: per event, the median count of an empty section (dhb_section_calibrate()); -1 unknown.
 * @user_only: counted with exclude_kernel (perf_event_paranoid 2 without CAP_PERFMON).
 * @skipped: events asked for and not counted, with the reason, "" when none.
 * @unavailable: why nothing is counted, "" when something is.
 * @read: reads the current value of every event, in @ev order; 0 or -errno.
 * @priv: the backend's state.
 *
 * A zero-initialised set counts nothing; dhb_counters_close() releases any set.
 */
struct dhb_counters {
	size_t n;
	struct dhb_event ev[DHB_COUNTERS_MAX];
	double floor[DHB_COUNTERS_MAX];
	bool user_only;
	char skipped[DHB_COUNTERS_WHY_LEN];
	char unavailable[DHB_COUNTERS_WHY_LEN];
	int (*read)(struct dhb_counters *c, uint64_t *vals);
	void *priv;
};

/**
 * dhb_events_parse() - the events of a run: the built-in ones, then those of --events.
 * @arg: value of --events: NULL or "" (built-in events only), "none" (nothing counted), or a
 *       comma list of tracepoints "subsystem:event" (letters, digits, '_', '-' and '.' each side).
 * @out: the events; tracepoints not yet resolved (config 0).
 * @err: one-line reason on failure.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL for a malformed or repeated name, "none" among others, or more than
 * DHB_EVENTS_MAX_TRACE tracepoints.
 */
int dhb_events_parse(const char *arg, struct dhb_event_list *out, char *err, size_t errlen);

/**
 * dhb_events_resolve() - find every tracepoint's id in tracefs.
 * @l: events; tracepoints get their id in config.
 * @roots: tracefs mounts to look in, in order ("/sys/kernel/tracing"), NULL-terminated; NULL
 *         for /sys/kernel/tracing, then /sys/kernel/debug/tracing.
 * @err: one-line reason on failure (the event, what is missing, how to list or grant it).
 * @errlen: size of @err.
 *
 * Return: 0; -ENOENT for an event no tracefs has (a usage error); -EACCES when tracefs cannot
 * be read (permission); -ENODEV when no tracefs is mounted.
 */
int dhb_events_resolve(struct dhb_event_list *l, const char *const *roots, char *err,
		       size_t errlen);

/**
 * dhb_counters_open() - open the events of @want for this process.
 * @c: result; zero-initialised by the call. With nothing countable it is still valid, with
 *     n 0 and @c->unavailable saying why.
 * @want: events (tracepoints resolved).
 * @err: one-line reason on failure.
 * @errlen: size of @err.
 *
 * Software events that cannot be counted make the set unavailable (not an error); hardware
 * events without a PMU are skipped (@c->skipped). A tracepoint that cannot be counted is an
 * error, since it was asked for.
 *
 * Return: 0; -EACCES when a tracepoint needs a permission this process lacks (@err says how to
 * grant it); another -errno when it cannot be opened.
 */
int dhb_counters_open(struct dhb_counters *c, const struct dhb_event_list *want, char *err,
		      size_t errlen);

/**
 * dhb_counters_close() - close every event of @c; it counts nothing afterwards.
 * @c: set (opened, or zero-initialised).
 */
void dhb_counters_close(struct dhb_counters *c);

/**
 * dhb_counters_build() - how this binary counts.
 *
 * Return: "libperf from linux-source-6.12 (6.12.117), static" and the like, or NULL when it was
 * built without libperf (dhb_counters_build_why() says why).
 */
const char *dhb_counters_build(void);

/**
 * dhb_counters_build_why() - why this binary was built without libperf.
 *
 * Return: the reason, "" when it has libperf.
 */
const char *dhb_counters_build_why(void);

/**
 * dhb_counters_names() - the names of the counted events joined by ','.
 * @c: set.
 * @buf: destination.
 * @len: size of @buf.
 *
 * Return: 0 or -ENOSPC (truncated).
 */
int dhb_counters_names(const struct dhb_counters *c, char *buf, size_t len);

/**
 * dhb_counter_metric() - the metric name of an event's rows: "alloc_latency.page-faults".
 * @metric: the section's metric.
 * @event: event name.
 * @buf: destination.
 * @len: size of @buf.
 *
 * Return: 0 or -ENOSPC (truncated).
 */
int dhb_counter_metric(const char *metric, const char *event, char *buf, size_t len);

#endif /* DHB_COUNTERS_H */
