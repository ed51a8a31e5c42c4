// SPDX-License-Identifier: MIT
// Prints the summary of a run's rows: headline p50s per heap and size, one pivot table each.
#include <fnmatch.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "dhb/summary.h"

#define MAX_HEAPS 24
#define MAX_SIZES 32
#define CELL	  48

/*
 * The headline metrics, one pivot table each; @params is an fnmatch(3) pattern, and every
 * distinct parameter string it matches gets a table of its own (one per device for the import
 * test); @ratio adds the share of the malloc baseline.
 */
static const struct {
	const char *metric;
	const char *params;
	bool ratio;
} heads[] = {
	{"alloc_latency", "", false},
	{"alloc_cold_latency", "idle_ms=50", false},
	{"free_latency", "", false},
	{"map_latency", "", false},
	{"touch_latency", "", false},
	{"touch_latency.page-faults", "", false},
	{"read_bw", "", true},
	{"write_bw", "", true},
	{"memcpy_bw", "", true},
	{"sync_start_latency", "direction=rw", false},
	{"sync_end_latency", "direction=rw", false},
	{"ioctl_floor_latency", "floor=sync_einval", false},
	{"prime_import_latency", "device=*;import=first", false},
	{"prime_import_latency", "device=*;import=cached", false},
	{"addfb_latency", "device=*", false},
	{"qbuf_latency", "device=*mode=same", false},
	{"qbuf_latency", "device=*mode=rotate", false},
};

void dhb_summary_value(char *buf, size_t len, double v, const char *unit)
{
	static const char *const units[] = {"ns", "us", "ms", "s"};
	size_t u = 0;

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (strcmp(unit, "ns")) {
		snprintf(buf, len, v >= 100 ? "%.0f" : "%.3g", v);
		return;
	}
	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, u && v < 100 ? "%.3g%s" : "%.0f%s", v, units[u]);
}

const char *dhb_summary_no_geom(const char *params, char *buf, size_t len)
{
	const char *g = params ? strstr(params, "geom=") : NULL, *end;

	if (!g || (g != params && g[-1] != ';'))
		return params;
	end = strchr(g, ';');
	if (end)
		snprintf(buf, len, "%.*s%s", (int)(g - params), params, end + 1);
	else
		snprintf(buf, len, "%.*s", g > params ? (int)(g - params - 1) : 0, params);
	return buf;
}

static bool same_params(const char *a, const char *b)
{
	char x[160], y[160];

	return !strcmp(dhb_summary_no_geom(a, x, sizeof(x)), dhb_summary_no_geom(b, y, sizeof(y)));
}

static const struct dhb_stored_row *find(const struct dhb_row_store *s, const char *metric,
					 const char *params, const char *heap, uint64_t size)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct dhb_stored_row *r = &s->v[i];

		if (r->row.size_bytes == size && !strcmp(r->metric, metric) &&
		    same_params(r->params, params) && !strcmp(r->heap, heap))
			return r;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void print_table(FILE *fp, const struct dhb_row_store *s, size_t h, const char *params)
{
	const char *heaps[MAX_HEAPS], *unit = NULL;
	char cells[MAX_HEAPS][MAX_SIZES][CELL], base[96], title[160], v[24];
	uint64_t sizes[MAX_SIZES];
	size_t nh = 0, ns = 0, i, j, k;
	const struct dhb_stored_row *r, *b;
	int w = 8, tw;

	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (strcmp(r->metric, heads[h].metric) || !same_params(r->params, params))
			continue;
		unit = r->unit;
		for (j = 0; j < nh && strcmp(heaps[j], r->heap); j++)
			;
		if (j == nh && nh < MAX_HEAPS)
			heaps[nh++] = r->heap;
		for (k = 0; k < ns && sizes[k] != r->row.size_bytes; k++)
			;
		if (k == ns && ns < MAX_SIZES)
			sizes[ns++] = r->row.size_bytes;
	}
	if (!nh)
		return;
	qsort(sizes, ns, sizeof(sizes[0]), cmp_u64);
	for (j = 0; j < nh; j++) {
		for (k = 0; k < ns; k++) {
			r = find(s, heads[h].metric, params, heaps[j], sizes[k]);
			if (!r) {
				snprintf(cells[j][k], CELL, "-");
				continue;
			}
			dhb_summary_value(v, sizeof(v), r->row.stats.p50, r->unit);
			snprintf(base, sizeof(base), "baseline_for=%s", heaps[j]);
			b = heads[h].ratio ? find(s, heads[h].metric, base, "malloc", sizes[k])
					   : NULL;
			if (b && b->row.stats.p50 > 0)
				snprintf(cells[j][k], CELL, "%s (%.2fx)", v,
					 r->row.stats.p50 / b->row.stats.p50);
			else
				snprintf(cells[j][k], CELL, "%s", v);
			if ((int)strlen(cells[j][k]) > w)
				w = (int)strlen(cells[j][k]);
		}
	}
	snprintf(title, sizeof(title), "%s%s%s%s, p50%s", heads[h].metric, *params ? " [" : "",
		 params, *params ? "]" : "",
		 heads[h].ratio	      ? " MB/s (x malloc baseline)"
		 : strcmp(unit, "ns") ? ""
				      : "");
	if (!heads[h].ratio && strcmp(unit, "ns"))
		snprintf(title + strlen(title), sizeof(title) - strlen(title), " %s", unit);
	tw = 12;
	for (j = 0; j < nh; j++) {
		if ((int)strlen(heaps[j]) > tw)
			tw = (int)strlen(heaps[j]);
	}
	fprintf(fp, "\n%s\n  %-*s", title, tw, "heap");
	for (k = 0; k < ns; k++) {
		dhb_size_format(sizes[k], v, sizeof(v));
		fprintf(fp, "  %*s", w, v);
	}
	fputc('\n', fp);
	for (j = 0; j < nh; j++) {
		fprintf(fp, "  %-*s", tw, heaps[j]);
		for (k = 0; k < ns; k++)
			fprintf(fp, "  %*s", w, cells[j][k]);
		fputc('\n', fp);
	}
}

/* One table per distinct parameter string that heads[@h]'s pattern matches, in row order. */
static void print_head(FILE *fp, const struct dhb_row_store *s, size_t h)
{
	char buf[160];
	const char *params;
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		const struct dhb_stored_row *r = &s->v[i];

		params = dhb_summary_no_geom(r->params, buf, sizeof(buf));
		if (strcmp(r->metric, heads[h].metric) || fnmatch(heads[h].params, params, 0))
			continue;
		for (j = 0; j < i; j++) {
			if (!strcmp(s->v[j].metric, r->metric) &&
			    same_params(s->v[j].params, r->params))
				break;
		}
		if (j == i)
			print_table(fp, s, h, params);
	}
}

void dhb_summary_print(FILE *fp, const struct dhb_row_store *s)
{
	size_t h;

	if (!s->n)
		return;
	fputs("\nSummary: medians (p50) per heap and size; every figure is in the CSV/JSON.\n", fp);
	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++)
		print_head(fp, s, h);
}
