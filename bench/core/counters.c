// SPDX-License-Identifier: MIT
// Perf counters: the built-in events, --events and its tracefs ids, and which events a run counts.
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "counters_priv.h"
#include "dhb/counters.h"
#include "dhb/env.h"
#include "dhb/err.h"

/* Counted in every run; the hardware ones where there is a PMU. */
static const struct dhb_event builtin[] = {
	{"task-clock", DHB_EVENT_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "ns", false},
	{"page-faults", DHB_EVENT_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, "events", false},
	{"context-switches", DHB_EVENT_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "events", true},
	{"cpu-migrations", DHB_EVENT_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, "events", true},
	{"cycles", DHB_EVENT_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "events", false},
	{"instructions", DHB_EVENT_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "events", false},
};

#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

static const char *const default_roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
					    NULL};

/* A subsystem or event name: letters, digits, '_' and '-', as tracefs directories are named. */
static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* One item of --events, @len bytes at @s, appended to @out as a tracepoint. */
static int parse_item(const char *s, size_t len, struct dhb_event_list *out, char *err,
		      size_t errlen)
{
	const char *colon = memchr(s, ':', len);
	struct dhb_event *ev;
	size_t i;

	if (!len)
		return dhb_err(-EINVAL, err, errlen, "--events: empty item in the list");
	if (len == 4 && !memcmp(s, "none", 4))
		return dhb_err(-EINVAL, err, errlen, "--events: 'none' must be alone");
	for (i = 0; i < NBUILTIN && !colon; i++) {
		if (strlen(builtin[i].name) == len && !memcmp(builtin[i].name, s, len))
			return dhb_err(-EINVAL, err, errlen,
				       "--events: '%.*s' is always counted (where it can be); "
				       "--events names tracepoints, subsystem:event",
				       (int)len, s);
	}
	if (!colon || !name_ok(s, (size_t)(colon - s)) ||
	    !name_ok(colon + 1, len - (size_t)(colon - s) - 1))
		return dhb_err(-EINVAL, err, errlen,
			       "--events: '%.*s' is not a tracepoint name (subsystem:event, e.g. "
			       "kmem:mm_page_alloc)",
			       (int)len, s);
	if (len >= DHB_EVENT_NAME_LEN)
		return dhb_err(-EINVAL, err, errlen,
			       "--events: '%.*s' is longer than %d characters", (int)len, s,
			       DHB_EVENT_NAME_LEN - 1);
	for (i = 0; i < out->n; i++) {
		if (strlen(out->v[i].name) == len && !memcmp(out->v[i].name, s, len))
			return dhb_err(-EINVAL, err, errlen, "--events: '%.*s' given twice",
				       (int)len, s);
	}
	if (out->n >= NBUILTIN + DHB_EVENTS_MAX_TRACE)
		return dhb_err(-EINVAL, err, errlen, "--events: more than %d tracepoints",
			       DHB_EVENTS_MAX_TRACE);
	ev = &out->v[out->n++];
	memset(ev, 0, sizeof(*ev));
	memcpy(ev->name, s, len);
	ev->kind = DHB_EVENT_TRACEPOINT;
	ev->unit = "events";
	ev->kernel_only = true;
	return 0;
}

_Static_assert(NBUILTIN + DHB_EVENTS_MAX_TRACE <= DHB_COUNTERS_MAX,
	       "the built-in events and the tracepoints fit one set");

int dhb_events_parse(const char *arg, struct dhb_event_list *out, char *err, size_t errlen)
{
	const char *p, *comma;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (arg && !strcmp(arg, "none")) {
		out->none = true;
		return 0;
	}
	memcpy(out->v, builtin, sizeof(builtin));
	out->n = NBUILTIN;
	if (!arg || !*arg)
		return 0;
	for (p = arg;; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		ret = parse_item(p, len, out, err, errlen);
		if (ret) {
			memset(out, 0, sizeof(*out));
			return ret;
		}
		if (!comma)
			return 0;
	}
}

/* The first of @roots that holds a tracefs (an events/ directory); -EACCES, -ENODEV. */
static int find_tracefs(const char *const *roots, const char **root, char *denied, size_t len)
{
	char path[256];
	struct stat st;
	int ret = -ENODEV;

	*denied = '\0';
	for (; *roots; roots++) {
		snprintf(path, sizeof(path), "%s/events", *roots);
		if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
			*root = *roots;
			return 0;
		}
		if ((errno == EACCES || errno == EPERM) && ret != -EACCES) {
			ret = -EACCES;
			snprintf(denied, len, "%s", *roots);
		}
	}
	return ret;
}

/* The id of @ev under @root; a -errno with the message in @err. */
static int resolve_one(struct dhb_event *ev, const char *root, char *err, size_t errlen)
{
	char path[320], text[32], sys[DHB_EVENT_NAME_LEN], *end;
	const char *name = strchr(ev->name, ':') + 1;
	unsigned long long id;
	struct stat st;
	long r;

	snprintf(sys, sizeof(sys), "%.*s", (int)(name - 1 - ev->name), ev->name);
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, sys, name);
	r = dhb_env_read_file(path, text, sizeof(text));
	if (r == -ENOENT) {
		snprintf(path, sizeof(path), "%s/events/%s", root, sys);
		if (stat(path, &st))
			return dhb_err(
				-ENOENT, err, errlen,
				"--events: unknown event '%s': this kernel has no tracepoint "
				"subsystem '%s' (ls %s/events lists them)",
				ev->name, sys, root);
		return dhb_err(-ENOENT, err, errlen,
			       "--events: unknown event '%s': no '%s' in %s/events/%s (ls there "
			       "lists that subsystem's events)",
			       ev->name, name, root, sys);
	}
	if (r == -EACCES || r == -EPERM)
		return dhb_err(
			-EACCES, err, errlen,
			"--events: %s: permission denied (run as root, or let this user read "
			"tracefs: mount -o remount,mode=755 %s)",
			path, root);
	if (r < 0)
		return dhb_err((int)r, err, errlen, "--events: %s: %s", path, strerror((int)-r));
	errno = 0;
	id = strtoull(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return dhb_err(-EINVAL, err, errlen, "--events: %s: not an id: '%s'", path, text);
	ev->config = id;
	return 0;
}

int dhb_events_resolve(struct dhb_event_list *l, const char *const *roots, char *err, size_t errlen)
{
	const char *root = NULL;
	char denied[128];
	size_t i;
	int ret;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind != DHB_EVENT_TRACEPOINT)
			continue;
		if (!root) {
			ret = find_tracefs(roots ? roots : default_roots, &root, denied,
					   sizeof(denied));
			if (ret == -EACCES)
				return dhb_err(
					ret, err, errlen,
					"--events: %s: permission denied (run as root, or let "
					"this user read tracefs: mount -o remount,mode=755 %s)",
					denied, denied);
			if (ret)
				return dhb_err(ret, err, errlen,
					       "--events: no tracefs is mounted (mount -t tracefs "
					       "nodev /sys/kernel/tracing)");
		}
		ret = resolve_one(&l->v[i], root, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int dhb_counter_metric(const char *metric, const char *event, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.%s", metric, event);

	return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}

int dhb_counters_names(const struct dhb_counters *c, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < c->n; i++) {
		n = snprintf(buf + used, len > used ? len - used : 0, "%s%s", i ? "," : "",
			     c->ev[i].name);
		if (n < 0 || (size_t)n >= (len > used ? len - used : 0))
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}
