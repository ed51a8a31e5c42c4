// SPDX-License-Identifier: MIT
// Command-line options as data: one table drives parsing, --help and the settings echoed into JSON.
#ifndef DHB_OPTS_H
#define DHB_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/sink.h"

/*
 * Syntax: `--name VALUE` or `--name=VALUE` (flags take no value), options in any order, no
 * positional arguments. An option given twice, an unknown option, a missing or malformed value,
 * and --iterations together with --duration are usage errors (exit status DHB_EXIT_USAGE of
 * dhb/exit.h) with one line of explanation. Names of heaps and tests are checked later, against
 * what exists.
 */

/* Subcommands an option belongs to (struct dhb_opt.cmds). */
#define DHB_CMD_LIST (1u << 0)
#define DHB_CMD_RUN  (1u << 1)

/* Value types. */
enum dhb_opt_type {
	DHB_OPT_FLAG,	 /* bool, no value */
	DHB_OPT_STRING,	 /* const char *, non-empty */
	DHB_OPT_COUNT,	 /* uint64_t, 1 .. 10^9 */
	DHB_OPT_UINT,	 /* uint64_t, 0 .. 10^9 */
	DHB_OPT_SECONDS, /* double, > 0 and <= 86400 */
	DHB_OPT_SIZE,	 /* uint64_t bytes, dhb_size_parse() syntax */
	DHB_OPT_CPU,	 /* int, 0 .. 1023 */
	DHB_OPT_CHOICE,	 /* const char *, one of struct dhb_opt.choices */
};

/**
 * struct dhb_settings - everything the command line sets.
 * @heaps: --heaps, comma list of heap names or fnmatch globs; NULL = all.
 * @tests: --tests, comma list of test names; NULL = all.
 * @sizes: --sizes, size list (dhb_sizes_parse_list()); NULL = the default list.
 * @iterations: --iterations, measured iterations per (heap, test, size).
 * @duration: --duration, seconds per (heap, test, size) instead of a count; 0 = unset.
 * @warmup: --warmup, unrecorded iterations first.
 * @cpu: --cpu, CPU to pin to, or -1.
 * @max_mem: --max-mem, memory budget in bytes; 0 = default (a share of MemAvailable).
 * @csv: --csv FILE (appended to).
 * @json: --json FILE for run.
 * @table: --table full|summary|none.
 * @events: --events, comma list of tracepoints counted beside the software events, or "none";
 *          NULL = the software (and hardware) events only (dhb_events_parse()).
 * @list_json: --json for list (a flag).
 * @help: --help.
 * @given: bit i set when option i of the table was given.
 * @raw: text of each given option's value ("" for flags), by table index.
 */
struct dhb_settings {
	const char *heaps;
	const char *tests;
	const char *sizes;
	uint64_t iterations;
	double duration;
	uint64_t warmup;
	int cpu;
	uint64_t max_mem;
	const char *csv;
	const char *json;
	const char *table;
	const char *events;
	bool list_json;
	bool help;
	uint64_t given;
	const char *raw[32];
};

/**
 * struct dhb_opt - one option.
 * @name: long name without "--".
 * @metavar: placeholder of the value in --help ("LIST"), NULL for flags.
 * @type: value type.
 * @off: offset of the field in struct dhb_settings.
 * @cmds: DHB_CMD_* it belongs to.
 * @def: the default as text, for --help and the JSON echo; NULL when there is none.
 * @choices: for DHB_OPT_CHOICE, the allowed values joined by '|'.
 * @help: one line for --help.
 */
struct dhb_opt {
	const char *name;
	const char *metavar;
	enum dhb_opt_type type;
	size_t off;
	unsigned int cmds;
	const char *def;
	const char *choices;
	const char *help;
};

/* Defaults that code needs as numbers too. */
#define DHB_DEFAULT_ITERATIONS 100
#define DHB_DEFAULT_WARMUP     2
#define DHB_DEFAULT_SIZES      "4K,64K,1M,8M,32M"
#define DHB_DEFAULT_BUDGET_PCT 50

/**
 * dhb_opts_table() - the option table.
 * @n: number of entries.
 *
 * Return: the table.
 */
const struct dhb_opt *dhb_opts_table(size_t *n);

/**
 * dhb_settings_init() - every setting at its default.
 * @s: settings.
 */
void dhb_settings_init(struct dhb_settings *s);

/**
 * dhb_opts_parse() - parse a subcommand's options.
 * @cmd: DHB_CMD_LIST or DHB_CMD_RUN.
 * @argc: number of arguments.
 * @argv: arguments, after the subcommand; the strings must outlive @s.
 * @s: settings, initialised by dhb_settings_init().
 * @err: buffer for the one-line message on failure.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL (a usage error; @err says which).
 */
int dhb_opts_parse(unsigned int cmd, int argc, char *const *argv, struct dhb_settings *s, char *err,
		   size_t errlen);

/**
 * dhb_opts_given() - whether an option was on the command line.
 * @s: settings.
 * @name: option name, without "--".
 *
 * Return: true when given.
 */
bool dhb_opts_given(const struct dhb_settings *s, const char *name);

/**
 * dhb_opts_help() - print a subcommand's options, from the table.
 * @cmd: DHB_CMD_LIST or DHB_CMD_RUN.
 * @fp: stream.
 */
void dhb_opts_help(unsigned int cmd, FILE *fp);

/**
 * dhb_opts_echo() - the settings of a subcommand as key/value pairs, in table order.
 * @cmd: subcommand.
 * @s: settings.
 * @out: pairs: the given value's text, else the default's, else NULL (JSON null).
 * @max: room in @out.
 *
 * Return: number of pairs written.
 */
size_t dhb_opts_echo(unsigned int cmd, const struct dhb_settings *s, struct dhb_kv *out,
		     size_t max);

#endif /* DHB_OPTS_H */
