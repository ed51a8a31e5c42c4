// SPDX-License-Identifier: MIT
// run's perf counter facts for the JSON environment (results/SCHEMA.md, "Counter rows").
#include <stdio.h>

#include "dhb/counters.h"
#include "dhb/section.h"
#include "dhb/sink.h"
#include "run.h"

/* The JSON environment's counter facts: what was counted, skipped, why not, what it cost. */
size_t dhb_run_counter_env(struct dhb_kv *kv, char (*buf)[96], char *names, char *floors,
			   size_t len, const struct dhb_counters *c,
			   const struct dhb_section_cost *cost)
{
	const char *lib = dhb_counters_build();
	size_t n = 0, i, used = 0;

	dhb_counters_names(c, names, len);
	floors[0] = '\0';
	for (i = 0; i < c->n && used < len; i++)
		used += (size_t)snprintf(floors + used, len - used, "%s%s=%.0f", i ? "," : "",
					 c->ev[i].name, c->floor[i]);
	kv[n].key = "counters";
	kv[n++].value = names;
	kv[n].key = "counters_library";
	kv[n++].value = lib ? lib : "";
	kv[n].key = "counters_unavailable";
	kv[n++].value = c->unavailable;
	kv[n].key = "counters_skipped";
	kv[n++].value = c->skipped;
	kv[n].key = "counters_scope";
	kv[n++].value = !c->n ? "" : c->user_only ? "user" : "user+kernel";
	snprintf(buf[n], sizeof(buf[0]), "%.0f", cost->plain_ns);
	kv[n].key = "section_overhead_ns";
	kv[n].value = buf[n];
	n++;
	snprintf(buf[n], sizeof(buf[0]), "%.0f", cost->counting_ns);
	kv[n].key = "counting_overhead_ns";
	kv[n].value = buf[n];
	n++;
	kv[n].key = "counter_floors";
	kv[n++].value = floors;
	return n;
}
