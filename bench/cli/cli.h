// SPDX-License-Identifier: MIT
// The commands of dmaheap-bench, one cmd_<name>.c each, as main.c dispatches to them.
#ifndef DHB_CLI_H
#define DHB_CLI_H

/**
 * dhb_cmd_list() - the list command: every buffer source, who may use it, CMA, kernel, board.
 * @argc: number of arguments after "list".
 * @argv: those arguments.
 *
 * Return: the exit status (dhb/exit.h).
 */
int dhb_cmd_list(int argc, char **argv);

/**
 * dhb_cmd_run() - the run command: measure every selected heap, test and size.
 * @argc: number of arguments after "run".
 * @argv: those arguments.
 *
 * Return: the exit status (dhb/exit.h).
 */
int dhb_cmd_run(int argc, char **argv);

/**
 * dhb_cmd_frag() - the frag command: replay an allocation trace on the model or on a heap.
 * @argc: number of arguments after "frag".
 * @argv: those arguments.
 *
 * Return: the exit status (dhb/exit.h).
 */
int dhb_cmd_frag(int argc, char **argv);

#endif /* DHB_CLI_H */
