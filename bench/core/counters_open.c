// SPDX-License-Identifier: MIT
// Opens a run's counter set: what each refusal of perf_event_open() means, and how to grant it.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters_priv.h"
#include "dhb/counters.h"
#include "dhb/env.h"

/* Two groups: software events and tracepoints (always scheduled); the PMU's events. */
enum { GROUP_SW, GROUP_HW, NGROUPS };

struct counters_priv {
	struct dhb_perf_group *g[NGROUPS];
};

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used && used + 2 < len) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* /proc/sys/kernel/perf_event_paranoid as text in @buf, "unknown" when unreadable. */
static const char *paranoid(char *buf, size_t len)
{
	char *nl;

	if (dhb_env_read_file("/proc/sys/kernel/perf_event_paranoid", buf, len) <= 0)
		snprintf(buf, len, "unknown");
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf;
}

static bool denied(int err)
{
	return err == -EACCES || err == -EPERM;
}

/* How to let this process count the kernel side (and tracepoints). */
static void grant_kernel(char *buf, size_t len)
{
	char level[16];

	snprintf(buf, len,
		 "counting in the kernel needs perf_event_paranoid <= 1 (it is %s) or "
		 "CAP_PERFMON: sysctl -w kernel.perf_event_paranoid=1, or setcap cap_perfmon=ep "
		 "on dmaheap-bench",
		 paranoid(level, sizeof(level)));
}

static int read_groups(struct dhb_counters *c, uint64_t *vals)
{
	struct counters_priv *p = c->priv;
	size_t i, at = 0;
	int ret;

	for (i = 0; i < NGROUPS; i++) {
		if (!p->g[i])
			continue;
		ret = dhb_perf_group_read(p->g[i], vals + at);
		if (ret)
			return ret;
		at += dhb_perf_group_size(p->g[i]);
	}
	return 0;
}

/* Adds @ev to @g and to @c's list; the -errno of perf_event_open() otherwise. */
static int add(struct dhb_counters *c, struct dhb_perf_group *g, const struct dhb_event *ev)
{
	int ret = dhb_perf_group_add(g, ev, c->user_only);

	if (!ret)
		c->ev[c->n++] = *ev;
	return ret;
}

/*
 * The software events. A refusal of the first one decides the scope: kernel and user, user only
 * (perf_event_paranoid 2: the kernel-only events are skipped), or nothing (the set is then
 * unavailable, which is not an error unless tracepoints were asked for).
 */
static int open_software(struct dhb_counters *c, struct dhb_perf_group *g,
			 const struct dhb_event_list *want, bool tracepoints, char *err,
			 size_t errlen)
{
	char why[DHB_COUNTERS_WHY_LEN], level[16];
	bool kernel_skipped = false;
	size_t i;
	int ret;

	for (i = 0; i < want->n; i++) {
		const struct dhb_event *ev = &want->v[i];

		if (ev->kind != DHB_EVENT_SOFTWARE)
			continue;
		if (c->user_only && ev->kernel_only) {
			kernel_skipped = true;
			continue;
		}
		ret = add(c, g, ev);
		if (ret && !c->n && denied(ret) && !tracepoints && !c->user_only) {
			c->user_only = true; /* the same event again, user space only */
			ret = add(c, g, ev);
		}
		if (!ret)
			continue;
		if (!c->n && denied(ret) && tracepoints) {
			grant_kernel(why, sizeof(why));
			snprintf(err, errlen, "--events: %s", why);
			return -EACCES;
		}
		if (!c->n) {
			if (denied(ret))
				snprintf(
					c->unavailable, sizeof(c->unavailable),
					"perf_event_open: %s (perf_event_paranoid is %s): counting "
					"this process needs perf_event_paranoid <= 2 or "
					"CAP_PERFMON: "
					"sysctl -w kernel.perf_event_paranoid=2",
					strerror(-ret), paranoid(level, sizeof(level)));
			else
				snprintf(c->unavailable, sizeof(c->unavailable),
					 "perf_event_open: %s (a kernel without perf events?)",
					 strerror(-ret));
			if (!tracepoints)
				return 0;
			snprintf(err, errlen, "--events: nothing can be counted: %s",
				 c->unavailable);
			return ret;
		}
		append(c->skipped, sizeof(c->skipped), "%s: perf_event_open: %s", ev->name,
		       strerror(-ret));
	}
	if (kernel_skipped) {
		grant_kernel(why, sizeof(why));
		append(c->skipped, sizeof(c->skipped),
		       "context-switches, cpu-migrations: kernel-side events; %s", why);
	}
	return 0;
}

static int open_tracepoints(struct dhb_counters *c, struct dhb_perf_group *g,
			    const struct dhb_event_list *want, char *err, size_t errlen)
{
	char why[DHB_COUNTERS_WHY_LEN];
	size_t i;
	int ret;

	for (i = 0; i < want->n; i++) {
		if (want->v[i].kind != DHB_EVENT_TRACEPOINT)
			continue;
		ret = add(c, g, &want->v[i]);
		if (denied(ret)) {
			grant_kernel(why, sizeof(why));
			snprintf(err, errlen, "--events %s: %s", want->v[i].name, why);
			return -EACCES;
		}
		if (ret) {
			snprintf(err, errlen, "--events %s: perf_event_open: %s", want->v[i].name,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* cycles and instructions: skipped, with the reason, where no PMU counts them. */
static void open_hardware(struct dhb_counters *c, struct dhb_perf_group *g,
			  const struct dhb_event_list *want)
{
	char names[DHB_COUNTERS_WHY_LEN] = "";
	int ret, first = 0;
	size_t i;

	for (i = 0; i < want->n; i++) {
		if (want->v[i].kind != DHB_EVENT_HARDWARE)
			continue;
		ret = add(c, g, &want->v[i]);
		if (!ret)
			continue;
		if (!first)
			first = ret;
		append(names, sizeof(names), "%s", want->v[i].name);
	}
	if (!*names)
		return;
	for (i = 0; names[i]; i++) /* "cycles; instructions" reads "cycles, instructions" */
		if (names[i] == ';')
			names[i] = ',';
	if (first == -ENOENT || first == -EOPNOTSUPP || first == -ENODEV)
		append(c->skipped, sizeof(c->skipped),
		       "%s: no hardware PMU counts them here (perf_event_open: %s; a virtual "
		       "machine without a virtual PMU, such as QEMU TCG, has none)",
		       names, strerror(-first));
	else
		append(c->skipped, sizeof(c->skipped), "%s: perf_event_open: %s", names,
		       strerror(-first));
}

int dhb_counters_open(struct dhb_counters *c, const struct dhb_event_list *want, char *err,
		      size_t errlen)
{
	struct counters_priv *p;
	bool tracepoints = false;
	size_t i;
	int ret;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < DHB_COUNTERS_MAX; i++)
		c->floor[i] = -1;
	if (want->none) {
		snprintf(c->unavailable, sizeof(c->unavailable), "not counted (--events none)");
		return 0;
	}
	for (i = 0; i < want->n; i++)
		tracepoints |= want->v[i].kind == DHB_EVENT_TRACEPOINT;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->priv = p;
	ret = dhb_perf_group_new(&p->g[GROUP_SW]);
	if (ret == -EOPNOTSUPP) {
		snprintf(c->unavailable, sizeof(c->unavailable), "%s", dhb_counters_build_why());
		if (tracepoints)
			snprintf(err, errlen, "--events: this dmaheap-bench counts nothing: %s",
				 dhb_counters_build_why());
		ret = tracepoints ? ret : 0;
		goto out_close;
	}
	if (ret)
		goto out_close;
	ret = open_software(c, p->g[GROUP_SW], want, tracepoints, err, errlen);
	if (ret || !c->n)
		goto out_close;
	ret = open_tracepoints(c, p->g[GROUP_SW], want, err, errlen);
	if (ret)
		goto out_close;
	ret = dhb_perf_group_new(&p->g[GROUP_HW]);
	if (ret)
		goto out_close;
	open_hardware(c, p->g[GROUP_HW], want);
	if (!dhb_perf_group_size(p->g[GROUP_HW])) {
		dhb_perf_group_free(p->g[GROUP_HW]);
		p->g[GROUP_HW] = NULL;
	}
	c->read = read_groups;
	return 0;
out_close:
	dhb_counters_close(c);
	return ret;
}

void dhb_counters_close(struct dhb_counters *c)
{
	struct counters_priv *p = c->priv;
	size_t i;

	if (p) {
		for (i = 0; i < NGROUPS; i++)
			dhb_perf_group_free(p->g[i]);
		free(p);
	}
	c->priv = NULL;
	c->read = NULL;
	c->n = 0;
}
