// SPDX-License-Identifier: MIT
// dmaheap-bench: entry point; dispatches to the commands of cli.h's list.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/backend.h"
#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/outfile.h"
#include "dhb/workload.h"

#define DHB_COMMAND_ENTRY(n) &dhb_cmd_##n,

static const struct dhb_opts_cmd *const commands[] = {DHB_COMMAND_LIST(DHB_COMMAND_ENTRY)};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct dhb_opts_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	}
	return NULL;
}

/* "list, run or frag". */
static void command_names(FILE *fp)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "%s%s", i ? i + 1 < NCOMMANDS ? ", " : " or " : "", commands[i]->name);
}

static void usage(FILE *fp)
{
	const struct dhb_test *t;
	char left[32];
	size_t i;

	fputs("usage: dmaheap-bench COMMAND [OPTIONS]\n\nCommands:\n", fp);
	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(left, sizeof(left), "%s [OPTIONS]", commands[i]->name);
		fprintf(fp, "  %-20s %s\n", left, commands[i]->summary);
	}
	fputs("  --version            print the version\n"
	      "  --options [COMMAND]  the commands, or a command's options, one a line "
	      "(completion)\n"
	      "  --help               this help; dmaheap-bench COMMAND --help: its options\n\n"
	      "Tests:\n",
	      fp);
	dhb_for_each_test (t) {
		fprintf(fp, "  %-8s %s\n", t->name, t->help);
	}
	fputs("\nExit status: 0 ok, 1 a test failed, 2 usage error (or a plan over the memory\n"
	      "budget), 3 nothing to test (no heap, or no permission), 130/143 stopped by\n"
	      "SIGINT/SIGTERM. See dmaheap-bench(1).\n",
	      fp);
}

/* --options: the commands ("NAME<TAB>summary"), or one command's options (dhb_opts_describe()). */
static int options(int argc, char **argv)
{
	const struct dhb_opts_cmd *cmd = NULL;
	size_t i;
	int ret;

	if (argc > 3 || (argc == 3 && !(cmd = find_command(argv[2])))) {
		fprintf(stderr, "dmaheap-bench: --options takes one command (");
		command_names(stderr);
		fputs(")\n", stderr);
		return DHB_EXIT_USAGE;
	}
	errno = 0; /* see dhb_outfile_flush() */
	if (cmd)
		dhb_opts_describe(cmd, stdout);
	for (i = 0; !cmd && i < NCOMMANDS; i++)
		printf("%s\t%s\n", commands[i]->name, commands[i]->summary);
	ret = dhb_outfile_flush(stdout);
	if (ret) {
		fprintf(stderr, "dmaheap-bench: writing standard output: %s\n", strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	return DHB_EXIT_OK;
}

/*
 * A standard stream the caller closed (">&-") gets /dev/null opened the wrong way round in its
 * place: writes to it still fail (EBADF) and are reported, and no file the command opens can
 * take its descriptor and receive the table meant for standard output.
 */
static void hold_standard_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd ? O_RDONLY : O_WRONLY) != fd)
			_exit(DHB_EXIT_FAIL);
	}
}

/* The registries and the option tables, checked once like the kernel checks its tables. */
static int self_check(char *err, size_t errlen)
{
	size_t i;
	int ret;

	ret = dhb_backends_check(err, errlen);
	if (!ret)
		ret = dhb_tests_check(err, errlen);
	for (i = 0; i < NCOMMANDS && !ret; i++)
		ret = dhb_opts_validate(commands[i], err, errlen);
	return ret;
}

int main(int argc, char **argv)
{
	const struct dhb_opts_cmd *cmd;
	char err[256];

	hold_standard_fds();
	if (self_check(err, sizeof(err))) {
		fprintf(stderr, "dmaheap-bench: internal error: %s\n", err);
		return DHB_EXIT_FAIL;
	}
	if (argc < 2) {
		fputs("dmaheap-bench: missing command (", stderr);
		command_names(stderr);
		fputs("; see dmaheap-bench --help)\n", stderr);
		return DHB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return DHB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dmaheap-bench %s (%s)\n", dhb_env_version(), dhb_env_git_rev());
		return DHB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--options"))
		return options(argc, argv);
	cmd = find_command(argv[1]);
	if (cmd)
		return cmd->main(argc - 2, argv + 2);
	fprintf(stderr, "dmaheap-bench: unknown command '%s' (", argv[1]);
	command_names(stderr);
	fputs("; see dmaheap-bench --help)\n", stderr);
	return DHB_EXIT_USAGE;
}
