// SPDX-License-Identifier: MIT
// The run command's option table: what parsing, --help, the JSON echo and completion know of run.
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/err.h"
#include "dhb/opts.h"
#include "dhb/plan.h"
#include "dhb/workload.h"
#include "measure.h"
#include "run.h"

/* Every test of the registry, the default of --tests. */
static void all_tests(char *buf, size_t len)
{
	const struct dhb_test *t;
	size_t used = 0;

	dhb_for_each_test (t) {
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 t->name);
	}
}

static void test_names(dhb_opt_emit emit, void *arg)
{
	const struct dhb_test *t;

	dhb_for_each_test (t)
		emit(arg, t->name);
}

/* What --heaps takes: "all", and every buffer source found here (the backends' probes). */
void dhb_run_heap_names(dhb_opt_emit emit, void *arg)
{
	struct dhb_instance *v = NULL;
	size_t n = 0, i;

	emit(arg, "all");
	if (dhb_instances_probe(&v, &n))
		return;
	for (i = 0; i < n; i++)
		emit(arg, v[i].name);
	dhb_instances_release(v, n);
}

/* What --devices takes: "all", and every device found here. */
void dhb_run_device_names(dhb_opt_emit emit, void *arg)
{
	struct dhb_device *v = NULL;
	size_t n = 0, i;

	emit(arg, "all");
	if (dhb_devices_probe(&v, &n))
		return;
	for (i = 0; i < n; i++)
		emit(arg, v[i].name);
	dhb_devices_release(v, n);
}

#define OFF(field) offsetof(struct run_settings, field)
#define MAX_COUNT  1000000000ULL

static const struct dhb_opt run_opts[] = {
	{.name = "heaps",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(heaps),
	 .def = "all",
	 .complete = DHB_COMPLETE_LIST,
	 .values = dhb_run_heap_names,
	 .help = "heap names or fnmatch globs, plus udmabuf and memfd (comma list)"},
	{.name = "devices",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(devices),
	 .def = "all",
	 .complete = DHB_COMPLETE_LIST,
	 .values = dhb_run_device_names,
	 .help = "devices the import tests use: names, nodes (card1, video3), drivers or globs"},
	{.name = "tests",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(tests),
	 .def_fn = all_tests,
	 .complete = DHB_COMPLETE_LIST,
	 .values = test_names,
	 .help = "tests to run (comma list)"},
	{.name = "sizes",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(sizes),
	 .def = DHB_PLAN_DEFAULT_SIZES,
	 .help = "buffer sizes, binary units: 4K,1M or ranges 4K..64M"},
	{.name = "geometry",
	 .metavar = "WxH@FMT",
	 .type = DHB_OPT_STRING,
	 .off = OFF(geometry),
	 .def_text = "derived from each size",
	 .help = "the picture of drm-dumb and v4l2-mmap buffers: WIDTH[xHEIGHT][@FOURCC]; a "
		 "whole picture sets the size"},
	{.name = "iterations",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(iterations),
	 .def = "100",
	 .min = 1,
	 .max = MAX_COUNT,
	 .excludes = "duration",
	 .excludes_why = "a count, or a time per heap, test and size",
	 .help = "measured iterations per heap, test and size"},
	{.name = "duration",
	 .metavar = "S",
	 .type = DHB_OPT_SECONDS,
	 .off = OFF(duration),
	 .help = "seconds per heap, test and size, instead of --iterations"},
	{.name = "warmup",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(warmup),
	 .def = "2",
	 .max = MAX_COUNT,
	 .help = "unrecorded iterations before measuring"},
	{.name = "repeat",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(repeat),
	 .def = "1",
	 .min = 1,
	 .max = 1000,
	 .help = "run the whole plan N times, each pass a run of its own timestamp"},
	{.name = "cpu",
	 .metavar = "N",
	 .type = DHB_OPT_CPU,
	 .off = OFF(cpu),
	 .help = "pin the run to CPU N (sched_setaffinity)"},
	{.name = "max-mem",
	 .metavar = "SIZE",
	 .type = DHB_OPT_SIZE,
	 .off = OFF(max_mem),
	 .def_text = "50% of MemAvailable",
	 .help = "memory budget; a plan that could exceed it is refused"},
	MEASURE_OPTS(struct run_settings, out),
	{.name = "job",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(job),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "run the jobs of an INI job file (keys: these options' names); options given "
		 "here replace the file's"},
	{.name = "section",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(section),
	 .help = "with --job: the jobs (sections) to run, comma list; without it every job"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

/* What the options say together. */
static int run_check(const void *settings, const struct dhb_opts_line *line, char *err,
		     size_t errlen)
{
	const struct run_settings *s = settings;

	if (s->section && !s->job)
		return dhb_err(-EINVAL, err, errlen, "--section needs --job FILE");
	return 0;
}

const struct dhb_opts_cmd dhb_cmd_run = {
	.name = "run",
	.summary = "measure: dmaheap-bench run --help lists the options",
	.usage = "run [OPTIONS]",
	.about = "Measures every selected heap x test x size and prints a table; --csv and --json\n"
		 "keep the rows, --samples every sample behind them (results/SCHEMA.md). The plan\n"
		 "is checked against the memory budget before anything is allocated.",
	.opts = run_opts,
	.n_opts = sizeof(run_opts) / sizeof(run_opts[0]),
	.check = run_check,
	.main = dhb_run_main,
};
