// SPDX-License-Identifier: MIT
// A small command of its own for the job-file tests and fuzz target (test_jobfile.c,
// fuzz_jobfile.c): a value with a default and a range, two options that exclude each other, a
// non-key, a flag; so that they do not follow run's table.
#ifndef DHB_TESTS_JOBFILE_TOY_H
#define DHB_TESTS_JOBFILE_TOY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/opts.h"

struct toy {
	const char *heaps;
	const char *json;
	uint64_t iterations;
	double duration;
	const char *job;
	bool help;
};

/* Rows of toy_opts[]. */
enum { TOY_HEAPS, TOY_JSON, TOY_ITER, TOY_DUR, TOY_JOB, TOY_HELP };

#define TOY_OFF(f) offsetof(struct toy, f)

static const struct dhb_opt toy_opts[] = {
	{.name = "heaps",
	 .metavar = "L",
	 .type = DHB_OPT_STRING,
	 .off = TOY_OFF(heaps),
	 .help = "h"},
	{.name = "json", .metavar = "F", .type = DHB_OPT_STRING, .off = TOY_OFF(json), .help = "j"},
	{.name = "iterations",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = TOY_OFF(iterations),
	 .def = "100",
	 .min = 1,
	 .max = 1000,
	 .excludes = "duration",
	 .help = "i"},
	{.name = "duration",
	 .metavar = "S",
	 .type = DHB_OPT_SECONDS,
	 .off = TOY_OFF(duration),
	 .help = "d"},
	{.name = "job", .metavar = "F", .type = DHB_OPT_STRING, .off = TOY_OFF(job), .help = "f"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = TOY_OFF(help), .help = "h"},
};

static inline int toy_main(int argc, char **argv)
{
	return 0;
}

static const struct dhb_opts_cmd toy = {
	.name = "toy",
	.summary = "s",
	.usage = "toy",
	.opts = toy_opts,
	.n_opts = sizeof(toy_opts) / sizeof(toy_opts[0]),
	.main = toy_main,
};

/* What the toy's job files may not set. */
static const char *const toy_not_keys[] = {"job", NULL};

#endif /* DHB_TESTS_JOBFILE_TOY_H */
