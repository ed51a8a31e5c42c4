// SPDX-License-Identifier: MIT
// The list subcommand: every buffer source, whether this user may use it (and how to grant it), CMA.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "list_cmd.h"
#include "dhb/backend.h"
#include "dhb/counters.h"
#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/heap_attrs.h"
#include "dhb/opts.h"
#include "dhb/plan.h"
#include "dhb/signals.h"
#include "dhb/sink.h"

static const struct {
	unsigned int bit;
	const char *word;
} prop_words[] = {
	{DHB_PROP_SCATTERED, "non-contiguous"},
	{DHB_PROP_CONTIGUOUS, "contiguous"},
	{DHB_PROP_CACHED, "cached"},
	{DHB_PROP_UNCACHED, "uncached"},
	{DHB_PROP_PROTECTED, "protected"},
};

static bool grantable(const struct dhb_instance *inst)
{
	return inst->err == -EACCES || inst->err == -EPERM;
}

/* Sizes for people: "256M", "23.5G" (approximate; the JSON has bytes). */
static void print_size(FILE *fp, const char *label, int64_t v)
{
	static const char units[] = "KMGTPE";
	double x = (double)v;
	int u = -1;

	if (v < 0) {
		fprintf(fp, "%s unknown", label);
		return;
	}
	while (x >= 1024 && u < 5) {
		x /= 1024;
		u++;
	}
	if (u < 0)
		fprintf(fp, "%s %" PRId64, label, v);
	else
		fprintf(fp, x == (double)(int64_t)x ? "%s %.0f%c" : "%s %.1f%c", label, x,
			units[u]);
}

static void status_text(const struct dhb_instance *inst, char *buf, size_t len)
{
	if (inst->err)
		snprintf(buf, len, "no: %s (%s)", strerror(-inst->err),
			 dhb_list_errno_name(-inst->err));
	else
		snprintf(buf, len, "yes");
}

/* Constraint files a heap may publish (the reference heap does), in the order shown. */
static const char *const attr_numbers[] = {"region_size", "granule", "align", "max_addr", "pad"};
static const char *const attr_texts[] = {"source", "policy", "cached"};
static const char *const attr_stats[] = {
	"total",       "used",	 "requested", "free",	       "free_extents", "largest_free",
	"live_allocs", "allocs", "frees",     "failed_allocs", "ext_frag_ppm", "zero_pending",
};

/* A value or -1 when the heap does not publish it. */
static int64_t attr_i64(const struct dhb_heap_attrs *a, const char *name)
{
	uint64_t v;

	return dhb_heap_attrs_u64(a, name, &v) || v > INT64_MAX ? -1 : (int64_t)v;
}

static int64_t attr_stat(const struct dhb_heap_attrs *a, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "stats/%s", name);
	return attr_i64(a, path);
}

/* What a heap publishes about its constraints and use, one paragraph per heap. */
static void list_attrs_text(const struct dhb_instance *v, size_t n)
{
	struct dhb_heap_attrs a;
	char policy[32], source[32], cached[8];
	int64_t frag;
	size_t i;
	bool first = true;

	for (i = 0; i < n; i++) {
		if (!dhb_instance_has_caps(&v[i], DHB_CAP_HEAP_ATTRS) ||
		    dhb_heap_attrs_open(&a, v[i].path))
			continue;
		if (first)
			puts("\nHeap constraints and use (published by the heap):");
		first = false;
		if (dhb_heap_attrs_str(&a, "policy", policy, sizeof(policy)))
			snprintf(policy, sizeof(policy), "unknown");
		if (dhb_heap_attrs_str(&a, "source", source, sizeof(source)))
			snprintf(source, sizeof(source), "unknown");
		if (dhb_heap_attrs_str(&a, "cached", cached, sizeof(cached)))
			snprintf(cached, sizeof(cached), "?");
		printf("  %s: region", v[i].name);
		print_size(stdout, "", attr_i64(&a, "region_size"));
		printf(" at 0x%" PRIx64 " (%s), %s,", (uint64_t)attr_i64(&a, "region_base"), source,
		       !strcmp(cached, "1") ? "cached" : "uncached");
		print_size(stdout, " granule", attr_i64(&a, "granule"));
		print_size(stdout, ", align", attr_i64(&a, "align"));
		if (attr_i64(&a, "max_addr") > 0)
			printf(", max address 0x%" PRIx64, (uint64_t)attr_i64(&a, "max_addr"));
		else
			fputs(", no max address", stdout);
		print_size(stdout, ", pad", attr_i64(&a, "pad"));
		printf(", policy %s\n   ", policy);
		print_size(stdout, " used", attr_stat(&a, "used"));
		print_size(stdout, " of", attr_stat(&a, "total"));
		printf(", %" PRId64 " live buffers, %" PRId64 " free extents,",
		       attr_stat(&a, "live_allocs"), attr_stat(&a, "free_extents"));
		print_size(stdout, " largest free", attr_stat(&a, "largest_free"));
		frag = attr_stat(&a, "ext_frag_ppm");
		if (frag >= 0)
			printf(", external fragmentation %.1f%%", (double)frag / 1e4);
		printf(", %" PRId64 " failed allocations,", attr_stat(&a, "failed_allocs"));
		print_size(stdout, " waiting to be zeroed", attr_stat(&a, "zero_pending"));
		putchar('\n');
	}
}

/*
 * Whether this binary and this kernel can count the events every run counts (no tracepoints):
 * the set is opened and closed again. @names gets the events, @c->unavailable or @c->skipped
 * say what is not counted and why.
 */
static void probe_counters(struct dhb_counters *c, char *names, size_t len)
{
	struct dhb_event_list want;

	*names = '\0';
	dhb_events_parse(NULL, &want, NULL, 0);
	if (dhb_counters_open(c, &want, NULL, 0)) {
		memset(c, 0, sizeof(*c));
		snprintf(c->unavailable, sizeof(c->unavailable), "cannot open them");
	}
	dhb_counters_names(c, names, len);
	dhb_counters_close(c);
}

static void list_text(const struct dhb_env *env, const struct dhb_instance *v, size_t n)
{
	char props[128], rule[160], status[96], names[DHB_COUNTERS_WHY_LEN];
	struct dhb_counters counters;
	size_t i, nheaps = 0;
	int wn = 4, wp = 6, ws = 6, wb = 7;
	bool hint = false;

	printf("dmaheap-bench %s (%s)\nkernel %s, host %s, board %s, page size %ld\n\n",
	       dhb_env_version(), dhb_env_git_rev(), env->kernel, env->hostname, env->board,
	       env->page_size);
	for (i = 0; i < n; i++) {
		if ((int)strlen(v[i].name) > wn)
			wn = (int)strlen(v[i].name);
		if ((int)strlen(v[i].path) > wp)
			wp = (int)strlen(v[i].path);
		if ((int)strlen(v[i].ops->name) > wb)
			wb = (int)strlen(v[i].ops->name);
		status_text(&v[i], status, sizeof(status));
		if ((int)strlen(status) > ws)
			ws = (int)strlen(status);
	}
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", wn, "name", wb, "backend", wp, "device", ws,
	       "access", "properties");
	for (i = 0; i < n; i++) {
		nheaps += dhb_instance_has_caps(&v[i], DHB_CAP_HEAP_NODE);
		status_text(&v[i], status, sizeof(status));
		if (dhb_instance_has_caps(&v[i], DHB_CAP_HEAP_NODE))
			dhb_heap_props_format(v[i].props, props, sizeof(props));
		else
			snprintf(props, sizeof(props), "%s", v[i].ops->help);
		printf("%-*s  %-*s  %-*s  %-*s  %s\n", wn, v[i].name, wb, v[i].ops->name, wp,
		       *v[i].path ? v[i].path : "-", ws, status, props);
	}
	if (!nheaps)
		puts("(no DMA-BUF heaps: /dev/dma_heap is missing or empty; the kernel needs "
		     "CONFIG_DMABUF_HEAPS with CONFIG_DMABUF_HEAPS_SYSTEM / _CMA)");
	for (i = 0; i < n; i++) {
		if (!grantable(&v[i]))
			continue;
		dhb_instance_access_rule(&v[i], rule, sizeof(rule));
		if (!*rule)
			continue;
		if (!hint)
			puts("\nTo grant access (as root), add udev rules, e.g. to "
			     "/etc/udev/rules.d/60-dmaheap-bench.rules:");
		hint = true;
		printf("  %s\n", rule);
	}
	if (hint)
		puts("then: udevadm control --reload && udevadm trigger; usermod -aG video $USER "
		     "(and log in again)");
	fputs("\nCMA: ", stdout);
	print_size(stdout, "CmaTotal", env->cma_total);
	print_size(stdout, ", CmaFree", env->cma_free);
	printf(", kernel argument cma=%s", *env->cma_arg ? env->cma_arg : "(none)");
	for (i = 0; i < env->n_cma_areas; i++) {
		printf("%s%s", i ? ", " : "; areas: ", env->cma_areas[i].name);
		if (env->cma_areas[i].bytes >= 0)
			print_size(stdout, "", env->cma_areas[i].bytes);
	}
	list_attrs_text(v, n);
	fputs("\nMemory: ", stdout);
	print_size(stdout, "MemTotal", env->mem_total);
	print_size(stdout, ", MemAvailable", env->mem_available);
	putchar('\n');
	probe_counters(&counters, names, sizeof(names));
	if (*counters.unavailable)
		printf("Perf counters: unavailable: %s\n", counters.unavailable);
	else
		printf("Perf counters: %s (%s)%s%s\n", names, dhb_counters_build(),
		       *counters.skipped ? "; skipped " : "", counters.skipped);
}

/* "attributes": what the heap publishes (constraints and a "stats" object), or null. */
static void list_attrs_json(const struct dhb_instance *inst)
{
	struct dhb_heap_attrs a;
	char buf[32];
	size_t j;

	if (!dhb_instance_has_caps(inst, DHB_CAP_HEAP_ATTRS) ||
	    dhb_heap_attrs_open(&a, inst->path)) {
		fputs("\"attributes\": null, ", stdout);
		return;
	}
	fputs("\"attributes\": {", stdout);
	dhb_list_json_i64("region_base", attr_i64(&a, "region_base"), ", ");
	for (j = 0; j < sizeof(attr_numbers) / sizeof(attr_numbers[0]); j++)
		dhb_list_json_i64(attr_numbers[j], attr_i64(&a, attr_numbers[j]), ", ");
	for (j = 0; j < sizeof(attr_texts) / sizeof(attr_texts[0]); j++)
		dhb_list_json_key(
			attr_texts[j],
			dhb_heap_attrs_str(&a, attr_texts[j], buf, sizeof(buf)) ? NULL : buf, ", ");
	fputs("\"stats\": {", stdout);
	for (j = 0; j < sizeof(attr_stats) / sizeof(attr_stats[0]); j++)
		dhb_list_json_i64(attr_stats[j], attr_stat(&a, attr_stats[j]),
				  j + 1 < sizeof(attr_stats) / sizeof(attr_stats[0]) ? ", "
										     : "}}, ");
}

static void list_json(const struct dhb_env *env, const struct dhb_instance *v, size_t n)
{
	char rule[160], names[DHB_COUNTERS_WHY_LEN];
	struct dhb_counters counters;
	size_t i, j;
	bool first;

	fputs("{\n  ", stdout);
	dhb_list_json_key("tool_version", dhb_env_version(), ", ");
	dhb_list_json_key("git_rev", dhb_env_git_rev(), ",\n  ");
	dhb_list_json_key("kernel", env->kernel, ", ");
	dhb_list_json_key("hostname", env->hostname, ", ");
	dhb_list_json_key("board", env->board, ",\n  ");
	dhb_list_json_i64("page_size", env->page_size, ",\n  \"sources\": [");
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n    {" : "\n    {", stdout);
		dhb_list_json_key("name", v[i].name, ", ");
		dhb_list_json_key("backend", v[i].ops->name, ", ");
		dhb_list_json_key("path", *v[i].path ? v[i].path : NULL, ", ");
		printf("\"dmabuf\": %s, \"usable\": %s, ",
		       dhb_instance_is_dmabuf(&v[i]) ? "true" : "false",
		       v[i].err ? "false" : "true");
		dhb_list_json_key("errno", v[i].err ? dhb_list_errno_name(-v[i].err) : NULL, ", ");
		dhb_list_json_key("error", v[i].err ? strerror(-v[i].err) : NULL, ", ");
		fputs("\"properties\": [", stdout);
		for (j = 0, first = true; j < sizeof(prop_words) / sizeof(prop_words[0]); j++) {
			if (!(v[i].props & prop_words[j].bit))
				continue;
			fputs(first ? "" : ", ", stdout);
			dhb_json_string(stdout, prop_words[j].word);
			first = false;
		}
		fputs("], ", stdout);
		list_attrs_json(&v[i]);
		dhb_instance_access_rule(&v[i], rule, sizeof(rule));
		dhb_list_json_key("udev_rule", grantable(&v[i]) && *rule ? rule : NULL, "}");
	}
	fputs("\n  ],\n  \"cma\": {", stdout);
	dhb_list_json_i64("total_bytes", env->cma_total, ", ");
	dhb_list_json_i64("free_bytes", env->cma_free, ", ");
	dhb_list_json_key("cmdline", *env->cma_arg ? env->cma_arg : NULL, ", \"areas\": [");
	for (i = 0; i < env->n_cma_areas; i++) {
		fputs(i ? ", {" : "{", stdout);
		dhb_list_json_key("name", env->cma_areas[i].name, ", ");
		dhb_list_json_i64("bytes", env->cma_areas[i].bytes, "}");
	}
	fputs("]},\n  \"memory\": {", stdout);
	dhb_list_json_i64("total_bytes", env->mem_total, ", ");
	dhb_list_json_i64("available_bytes", env->mem_available, "},\n  \"counters\": {");
	probe_counters(&counters, names, sizeof(names));
	dhb_list_json_key("library", dhb_counters_build(), ", ");
	dhb_list_json_key("events", names, ", ");
	dhb_list_json_key("skipped", *counters.skipped ? counters.skipped : NULL, ", ");
	dhb_list_json_key("unavailable", *counters.unavailable ? counters.unavailable : NULL, "}");
}

/**
 * struct list_settings - what list's command line sets.
 * @json: --json.
 * @matrix: --matrix, try every source on every device.
 * @size: --size, the matrix's buffer size.
 * @heaps: --heaps, the sources the matrix tries.
 * @devices: --devices, the devices shown and tried.
 * @help: --help.
 */
struct list_settings {
	bool json;
	bool matrix;
	uint64_t size;
	const char *heaps;
	const char *devices;
	bool help;
};

#define OFF(field) offsetof(struct list_settings, field)

static const struct dhb_opt list_opts[] = {
	{.name = "json",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(json),
	 .help = "print JSON instead of text"},
	{.name = "matrix",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(matrix),
	 .help = "import one buffer of every dma-buf source into every device, and show which "
		 "work"},
	{.name = "size",
	 .metavar = "SIZE",
	 .type = DHB_OPT_SIZE,
	 .off = OFF(size),
	 .def = "8M",
	 .help = "buffer size the matrix tries"},
	{.name = "heaps",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(heaps),
	 .def = "all",
	 .help = "sources the matrix tries: names or fnmatch globs (comma list)"},
	{.name = "devices",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(devices),
	 .def = "all",
	 .help = "devices shown and tried: names, nodes, drivers or globs (comma list)"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int list_main(int argc, char **argv);

/* What list found and what its options select. */
struct list_probe {
	struct dhb_instance *v;
	size_t n;
	bool *sel;
	struct dhb_device *d;
	size_t nd;
	bool *dsel;
	struct dhb_matrix m;
};

const struct dhb_opts_cmd dhb_cmd_list = {
	.name = "list",
	.summary =
		"heaps and other buffer sources, devices, who may use them, which device imports "
		"what (--matrix), CMA, kernel, board",
	.usage = "list [OPTIONS]",
	.about =
		"Every DMA-BUF heap, udmabuf, DRM dumb and V4L2 MMAP buffers, memfd: whether this\n"
		"user may use it (and how to grant access), what its name implies; the DRM cards\n"
		"and V4L2 nodes and what they can do; CMA areas, kernel and board. --matrix\n"
		"imports one buffer of every dma-buf source into every device and shows which\n"
		"pairs work, and why the others do not.\n"
		"Exit status 0, or 3 when no dma-buf source is usable.",
	.opts = list_opts,
	.n_opts = sizeof(list_opts) / sizeof(list_opts[0]),
	.main = list_main,
};

/* Probe and select what the options name: returns an exit status, or -1 to go on. */
static int list_probe(const struct list_settings *s, struct list_probe *p)
{
	char err[512];
	int ret;

	ret = dhb_instances_probe(&p->v, &p->n);
	if (!ret)
		ret = dhb_devices_probe(&p->d, &p->nd);
	if (ret) {
		fprintf(stderr, "dmaheap-bench list: probing: %s\n", strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	p->sel = calloc(p->n + 1, sizeof(*p->sel));
	p->dsel = calloc(p->nd + 1, sizeof(*p->dsel));
	if (!p->sel || !p->dsel)
		return DHB_EXIT_FAIL;
	ret = dhb_plan_select_heaps(s->heaps, p->v, p->n, p->sel, err, sizeof(err));
	if (!ret)
		ret = dhb_devices_select(s->devices, p->d, p->nd, p->dsel, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dmaheap-bench list: %s\n", err);
		return DHB_EXIT_USAGE;
	}
	return -1;
}

/* The matrix over the selected sources and devices; the signal flag stops it between pairs. */
static int list_matrix(const struct list_settings *s, struct list_probe *p)
{
	struct dhb_instance *v = calloc(p->n + 1, sizeof(*v));
	struct dhb_device *d = calloc(p->nd + 1, sizeof(*d));
	size_t *vi = calloc(p->n + 1, sizeof(*vi)), *di = calloc(p->nd + 1, sizeof(*di));
	size_t nv = 0, nd = 0, i;
	int ret = -ENOMEM;

	if (!v || !d || !vi || !di)
		goto out_free;
	/* The selected ones, side by side (copies share the open descriptors). */
	for (i = 0; i < p->n; i++) {
		if (p->sel[i])
			v[nv++] = p->v[i];
	}
	for (i = 0; i < p->nd; i++) {
		if (p->dsel[i])
			d[nd++] = p->d[i];
	}
	ret = dhb_matrix_build(&p->m, v, nv, d, nd, s->size, dhb_signals_install());
	dhb_signals_default();
	if (ret)
		goto out_free;
	/* Cells index the copies: point them back at the probed arrays. */
	for (i = 0, nv = 0; i < p->n; i++) {
		if (p->sel[i])
			vi[nv++] = i;
	}
	for (i = 0, nd = 0; i < p->nd; i++) {
		if (p->dsel[i])
			di[nd++] = i;
	}
	for (i = 0; i < p->m.n; i++) {
		p->m.cells[i].src = vi[p->m.cells[i].src];
		p->m.cells[i].dev = di[p->m.cells[i].dev];
	}
out_free:
	free(v);
	free(d);
	free(vi);
	free(di);
	return ret;
}

static int list_main(int argc, char **argv)
{
	struct list_settings s = {0};
	struct list_probe p = {0};
	struct dhb_opts_line line;
	struct dhb_env env;
	size_t i;
	bool usable = false;
	int ret, status;

	ret = dhb_opts_start(&dhb_cmd_list, argc, argv, &s, &line);
	dhb_opts_line_free(&line);
	if (ret >= 0)
		return ret;
	dhb_env_probe(&env);
	status = list_probe(&s, &p);
	if (status >= 0)
		goto out_release;
	if (s.matrix && list_matrix(&s, &p)) {
		fprintf(stderr, "dmaheap-bench list: matrix: %s\n", strerror(ENOMEM));
		status = DHB_EXIT_FAIL;
		goto out_release;
	}
	if (s.json) {
		list_json(&env, p.v, p.n);
		dhb_list_devices_json(p.d, p.nd, p.dsel);
		if (s.matrix)
			dhb_list_matrix_json(&p.m, p.v, p.d);
		fputs("\n}\n", stdout);
	} else {
		list_text(&env, p.v, p.n);
		dhb_list_devices_text(p.d, p.nd, p.dsel);
		if (s.matrix)
			dhb_list_matrix_text(&p.m, p.v, p.d);
	}
	for (i = 0; i < p.n; i++)
		usable |= !p.v[i].err && dhb_instance_is_dmabuf(&p.v[i]);
	status = DHB_EXIT_OK;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "dmaheap-bench list: writing stdout: %s\n", strerror(errno));
		status = DHB_EXIT_FAIL;
	} else if (!usable) {
		fputs("dmaheap-bench list: nothing to test: no usable dma-buf source (see above)\n",
		      stderr);
		status = DHB_EXIT_NOTHING;
	}
out_release:
	dhb_matrix_free(&p.m);
	dhb_instances_release(p.v, p.n);
	dhb_devices_release(p.d, p.nd);
	free(p.sel);
	free(p.dsel);
	return status;
}
