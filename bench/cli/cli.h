// SPDX-License-Identifier: MIT
// The commands of dmaheap-bench, one cmd_<name>.c each, and the one list main.c dispatches by.
#ifndef DHB_CLI_H
#define DHB_CLI_H

#include "dhb/opts.h"

/*
 * The commands, in the order `dmaheap-bench --help` lists them: one X(NAME) line each. Adding a
 * command is one cmd_NAME.c (plus helpers of its own in cli/, if it needs them) defining
 * `const struct dhb_opts_cmd dhb_cmd_NAME` (its name, help texts, option table and function;
 * dhb/opts.h) and its line here; parsing, --help, --options, the completion and bench.options
 * (which asks the manual for a "NAME OPTIONS" section) follow from the table.
 */
#define DHB_COMMAND_LIST(X) \
	X(list)             \
	X(run)              \
	X(pipeline)         \
	X(frag)             \
	X(store)            \
	X(compare)          \
	X(track)            \
	X(calibrate)        \
	X(plot)             \
	X(export)           \
	X(report)           \
	X(recommend)

#define DHB_COMMAND_DECLARE(n) extern const struct dhb_opts_cmd dhb_cmd_##n;

DHB_COMMAND_LIST(DHB_COMMAND_DECLARE)

#endif /* DHB_CLI_H */
