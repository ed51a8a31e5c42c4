// SPDX-License-Identifier: MIT
// Command-line options as data: one table per command drives parsing, help, echo and completion.
#ifndef DHB_OPTS_H
#define DHB_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/sink.h"

/*
 * Options as data
 * ---------------
 * Every command is one struct dhb_opts_cmd: its name, its help texts, its function, and one table
 * of struct dhb_opt rows that fill the command's own settings structure (by offset). The table
 * alone drives
 *   - parsing and its messages (dhb_opts_parse()), defaults included: a row's default is
 *     parsed like a value given on the command line before the arguments are;
 *   - `dmaheap-bench COMMAND --help` (dhb_opts_help());
 *   - the settings echoed into run's JSON (dhb_opts_echo());
 *   - `dmaheap-bench --options COMMAND` (dhb_opts_describe()), which the bash completion reads at
 *     completion time and the unit test bench.options checks the manual and the completion
 *     against;
 *   - its own check at start-up (dhb_opts_validate()), like the registries'.
 * So adding an option to a command is one row (and the field it fills, and its use). A default
 * or a completion that names tests, backends, heaps, policies or workloads comes from their
 * registry through a row's def_fn or values hook, never from a copied string.
 *
 * Syntax: `--name VALUE` or `--name=VALUE` (flags take no value), `-h` for `--help`, options in
 * any order; operands (arguments that do not start with "--", "-" alone included, and every
 * argument after "--") only where the command names them (struct dhb_opts_cmd.operands). An unknown option, an option given twice, a missing or
 * malformed value, two options that exclude each other, or what the command's own check refuses
 * is a usage error (DHB_EXIT_USAGE of dhb/exit.h) with one line of explanation. With --help,
 * what the options say together is not checked.
 */

/* Value types; the field at struct dhb_opt.off has the type in the comment. */
enum dhb_opt_type {
	DHB_OPT_FLAG,	  /* bool, no value */
	DHB_OPT_STRING,	  /* const char *, non-empty */
	DHB_OPT_UINT,	  /* uint64_t, a decimal integer from .min to .max */
	DHB_OPT_SECONDS,  /* double, > 0 and <= 86400 */
	DHB_OPT_FRACTION, /* double, > 0 and < 1 */
	DHB_OPT_SIZE,	  /* uint64_t bytes, dhb_size_parse() syntax */
	DHB_OPT_CPU,	  /* int, 0 .. 1023; -1 when not given and without a default */
	DHB_OPT_CHOICE,	  /* const char *, one of .choices */
};

/* What a value is, for completion (dhb_opts_describe()). */
enum dhb_opt_complete {
	DHB_COMPLETE_TEXT, /* free text or a number; .values, if any, are suggestions */
	DHB_COMPLETE_FILE, /* a path */
	DHB_COMPLETE_WORD, /* one of the values (.choices, or .values) */
	DHB_COMPLETE_LIST, /* a comma list of the values */
};

/* Receives the values of a row's values hook, one call each. */
typedef void (*dhb_opt_emit)(void *arg, const char *value);

/**
 * struct dhb_opt - one option of a command.
 * @name: long name without "--"; "help" is the help flag (also -h).
 * @metavar: placeholder of the value in --help ("LIST"); NULL exactly for flags.
 * @type: value type.
 * @off: offset of the field in the command's settings structure.
 * @def: the default, parsed like a given value before the arguments are; NULL when none.
 * @def_fn: the default written into @buf by a registry (e.g. every test's name), used like
 *          @def; NULL when @def or @def_text says it.
 * @def_text: a default the command works out itself (the field stays unset), in words, for
 *            --help and the JSON echo ("50% of MemAvailable"); NULL when none.
 * @min: DHB_OPT_UINT: smallest value.
 * @max: DHB_OPT_UINT: largest value.
 * @choices: DHB_OPT_CHOICE: the allowed values joined by '|'.
 * @excludes: the name of another option of the command that may not be given with this one;
 *            while it is given, this option's default does not apply (JSON echo: null).
 * @excludes_why: a few words for the message when both are given.
 * @complete: what the value is, for completion.
 * @values: emits the values completion offers (a registry's names); NULL for @choices or none.
 * @help: one line for --help.
 */
struct dhb_opt {
	const char *name;
	const char *metavar;
	enum dhb_opt_type type;
	size_t off;
	const char *def;
	void (*def_fn)(char *buf, size_t len);
	const char *def_text;
	uint64_t min;
	uint64_t max;
	const char *choices;
	const char *excludes;
	const char *excludes_why;
	enum dhb_opt_complete complete;
	void (*values)(dhb_opt_emit emit, void *arg);
	const char *help;
};

struct dhb_opts_line;

/**
 * struct dhb_opts_cmd - a command: its options and what --help says around them.
 * @name: the command's name ("run").
 * @summary: one line for `dmaheap-bench --help`.
 * @usage: the synopsis after "usage: dmaheap-bench " ("run [OPTIONS]").
 * @about: --help's text between the synopsis and the options, or NULL.
 * @footer: --help's text after the options, or NULL.
 * @opts: the option table.
 * @n_opts: its rows.
 * @operands: what the command takes besides options, for --help ("FILE..."); NULL when none.
 * @min_operands: fewest operands.
 * @max_operands: most operands; 0 for no limit (when @operands is set).
 * @check: what the options say together (run after every option parsed, unless --help was
 *         given): 0, or -EINVAL with one line in @err. NULL when there is nothing to check.
 * @main: runs the command on the arguments after its name; returns the exit status.
 */
struct dhb_opts_cmd {
	const char *name;
	const char *summary;
	const char *usage;
	const char *about;
	const char *footer;
	const struct dhb_opt *opts;
	size_t n_opts;
	const char *operands;
	size_t min_operands;
	size_t max_operands;
	int (*check)(const void *settings, const struct dhb_opts_line *line, char *err,
		     size_t errlen);
	int (*main)(int argc, char **argv);
};

/**
 * struct dhb_opts_line - one parsed command line; release with dhb_opts_line_free().
 * @cmd: the command.
 * @given: per row of @cmd->opts, the value's text as given ("" for a flag), NULL when absent.
 * @defs: per row, the text def_fn wrote (owned), NULL for others.
 * @echo: dhb_opts_echo()'s pairs (owned).
 * @help: --help (or -h) was given.
 * @operands: the operands, in order (pointers into argv).
 * @n_operands: their number.
 */
struct dhb_opts_line {
	const struct dhb_opts_cmd *cmd;
	const char **given;
	char **defs;
	struct dhb_kv *echo;
	bool help;
	const char **operands;
	size_t n_operands;
};

/**
 * dhb_opts_parse() - apply a command's defaults, then its command line, to its settings.
 * @cmd: the command.
 * @argc: number of arguments.
 * @argv: the arguments after the command's name; they must outlive @settings and @line.
 * @settings: the command's settings structure, zeroed by the caller.
 * @line: what was given; released with dhb_opts_line_free() whatever this returns.
 * @err: buffer for the one-line message on failure (without the command's name).
 * @errlen: size of @err.
 *
 * Return: 0 (@line->help says whether help was asked for), -EINVAL for a usage error, -ENOMEM.
 */
int dhb_opts_parse(const struct dhb_opts_cmd *cmd, int argc, char *const *argv, void *settings,
		   struct dhb_opts_line *line, char *err, size_t errlen);

/**
 * dhb_opts_start() - what every command does first: parse its line (dhb_opts_parse()), and
 * report a usage error, or print --help, with the command's name.
 * @cmd: the command.
 * @argc: number of arguments after the command's name.
 * @argv: those arguments.
 * @settings: the command's settings structure, zeroed.
 * @line: what was given; released with dhb_opts_line_free() whatever this returns.
 *
 * Return: -1 to go on; else the exit status: DHB_EXIT_OK after --help, DHB_EXIT_USAGE after
 * one line on stderr, DHB_EXIT_FAIL when out of memory or when the help cannot be written.
 */
int dhb_opts_start(const struct dhb_opts_cmd *cmd, int argc, char **argv, void *settings,
		   struct dhb_opts_line *line);

/**
 * dhb_opts_line_free() - release what dhb_opts_parse() and dhb_opts_echo() allocated.
 * @line: the line; may be released twice.
 */
void dhb_opts_line_free(struct dhb_opts_line *line);

/**
 * dhb_opts_given() - whether an option was on the command line.
 * @line: the parsed line.
 * @name: option name, without "--".
 *
 * Return: true when given.
 */
bool dhb_opts_given(const struct dhb_opts_line *line, const char *name);

/**
 * dhb_opts_help() - print a command's --help: synopsis, about, one line per option (with its
 * default), footer.
 * @cmd: the command.
 * @fp: stream.
 */
void dhb_opts_help(const struct dhb_opts_cmd *cmd, FILE *fp);

/**
 * dhb_opts_echo() - the settings of a parsed line as key/value pairs for JSON, in table order:
 * every option that takes a value, with the text given, else its default's text, else NULL
 * (JSON null; also for a default that an excluding option turned off).
 * @line: the parsed line (keeps the pairs).
 * @n: number of pairs.
 *
 * Return: the pairs, valid until dhb_opts_line_free(); NULL when out of memory.
 */
const struct dhb_kv *dhb_opts_echo(struct dhb_opts_line *line, size_t *n);

/**
 * dhb_opts_describe() - a command's options for completion and checks, one line each:
 * "--NAME<TAB>KIND<TAB>VALUES", KIND one of flag, text, file, word, list, VALUES the values
 * completion offers, separated by blanks (empty when none).
 * @cmd: the command.
 * @fp: stream.
 */
void dhb_opts_describe(const struct dhb_opts_cmd *cmd, FILE *fp);

/**
 * dhb_opts_validate() - check a command's table: names unique and well formed, help lines, a
 * metavar exactly for values, choices exactly for DHB_OPT_CHOICE, ranges, defaults that parse,
 * excluded options that exist, completion kinds that fit the type.
 * @cmd: the command.
 * @err: buffer for a one-line reason.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL.
 */
int dhb_opts_validate(const struct dhb_opts_cmd *cmd, char *err, size_t errlen);

#endif /* DHB_OPTS_H */
