// SPDX-License-Identifier: MIT
// The pipeline command's summary: one line per buffer source with the figures a frame costs.
#include <stdio.h>
#include <string.h>

#include "dhb/pipeline.h"
#include "dhb/summary.h"

#define MAX_SOURCES 32

/* The row of @metric for @heap with @params, or NULL. */
static const struct dhb_stored_row *find(const struct dhb_row_store *s, const char *heap,
					 const char *params, const char *metric)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct dhb_stored_row *r = &s->v[i];

		if (!strcmp(r->test, dhb_pipeline_test.name) && !strcmp(r->heap, heap) &&
		    !strcmp(r->params, params) && !strcmp(r->metric, metric))
			return r;
	}
	return NULL;
}

/*
 * One cell: @what of @metric's row (p50, p99, max or n), "-" without the row; @metric may name
 * alternatives ("capture_latency|decode_latency": the source stage's).
 */
static void cell(const struct dhb_row_store *s, const char *heap, const char *params,
		 const char *metric, char what, char *buf, size_t len)
{
	const struct dhb_stored_row *r = NULL;
	char one[DHB_STORE_METRIC_LEN];
	const char *at = metric, *bar;
	double v;

	while (!r && *at) {
		bar = strchr(at, '|');
		snprintf(one, sizeof(one), "%.*s", bar ? (int)(bar - at) : (int)strlen(at), at);
		r = find(s, heap, params, one);
		at = bar ? bar + 1 : at + strlen(at);
	}

	if (!r) {
		snprintf(buf, len, "-");
		return;
	}
	if (what == 'n') {
		snprintf(buf, len, "%llu", (unsigned long long)r->row.stats.n);
		return;
	}
	v = what == '9' ? r->row.stats.p99 : what == 'M' ? r->row.stats.max : r->row.stats.p50;
	if (!strcmp(r->unit, "fps"))
		snprintf(buf, len, "%.1f", v);
	else
		dhb_summary_value(buf, len, v, r->unit);
}

void dhb_pipe_summary_print(FILE *fp, const struct dhb_row_store *s)
{
	static const struct {
		const char *title;
		const char *metric;
		char what;
	} cols[] = {
		{"frames", "frame_time", 'n'},
		{"fps", "fps", '5'},
		{"e2e p50", "end_to_end_latency", '5'},
		{"e2e p99", "end_to_end_latency", '9'},
		{"in source", "capture_latency|decode_latency", '5'},
		{"to commit", "dqbuf_to_commit_latency", '5'},
		{"to flip", "commit_to_flip_latency", '5'},
		{"task-clock", "frame_time.task-clock", '5'},
		{"cpu/frame", "cpu_per_frame", '5'},
		{"proc/fr", "process_cpu_per_frame", '5'},
		{"system/fr", "system_cpu_per_frame", '5'},
		{"faults", "frame_time.page-faults", '5'},
		{"late", "late_frames", '5'},
		{"dropped", "dropped_frames", '5'},
		{"cpu bytes", "cpu_frame_bytes", 'M'},
		{"verified", "verified_frames", '5'},
	};
	const char *heaps[MAX_SOURCES], *params = NULL;
	char v[32];
	size_t nh = 0, i, j;
	int w = 12;

	for (i = 0; i < s->n; i++) {
		const struct dhb_stored_row *r = &s->v[i];

		/* Every source has fps; the peer (--peer) has only fps and cpu_per_frame. */
		if (strcmp(r->test, dhb_pipeline_test.name) || strcmp(r->metric, "fps"))
			continue;
		if (!params)
			params = r->params;
		if (strcmp(r->params, params) || nh >= MAX_SOURCES)
			continue;
		heaps[nh++] = r->heap;
		if ((int)strlen(r->heap) > w)
			w = (int)strlen(r->heap);
	}
	if (!nh)
		return;
	fprintf(fp,
		"\nSummary [%s]: per frame, medians (p50) unless said; task-clock (perf, the "
		"frame's section) and cpu/frame (the task-clock around each frame, its counter "
		"reads included, mean) of the frame loop, a peer's cpu/frame its process's; "
		"proc/fr the tool's whole process's (its measuring included); system/fr the "
		"machine's CPU time per frame; cpu bytes the most mapped\n  %-*s",
		params, w, "source");
	for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
		fprintf(fp, "  %9s", cols[j].title);
	fputc('\n', fp);
	for (i = 0; i < nh; i++) {
		fprintf(fp, "  %-*s", w, heaps[i]);
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			cell(s, heaps[i], params, cols[j].metric, cols[j].what, v, sizeof(v));
			fprintf(fp, "  %9s", v);
		}
		fputc('\n', fp);
	}
}
