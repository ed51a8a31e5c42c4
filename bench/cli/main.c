// SPDX-License-Identifier: MIT
// dmaheap-bench: entry point; dispatches to the list, run and frag subcommands.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/backend.h"
#include "dhb/env.h"
#include "dhb/exit.h"
#include "dhb/workload.h"

static void usage(FILE *fp)
{
	const struct dhb_test *t;

	fputs("usage: dmaheap-bench COMMAND [OPTIONS]\n\n"
	      "Commands:\n"
	      "  list [--json]    heaps, udmabuf and memfd, who may use them, CMA, kernel, board\n"
	      "  run [OPTIONS]    measure: dmaheap-bench run --help lists the options\n"
	      "  frag [OPTIONS]   replay an allocation trace: fragmentation over time\n"
	      "  --version        print the version\n"
	      "  --help           this help\n\nTests:\n",
	      fp);
	dhb_for_each_test (t) {
		fprintf(fp, "  %-8s %s\n", t->name, t->help);
	}
	fputs("\nExit status: 0 ok, 1 a test failed, 2 usage error (or a plan over the memory\n"
	      "budget), 3 nothing to test (no heap, or no permission), 130/143 stopped by\n"
	      "SIGINT/SIGTERM. See dmaheap-bench(1).\n",
	      fp);
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

int main(int argc, char **argv)
{
	char err[256];

	hold_standard_fds();
	if (dhb_backends_check(err, sizeof(err)) || dhb_tests_check(err, sizeof(err))) {
		fprintf(stderr, "dmaheap-bench: internal error: %s\n", err);
		return DHB_EXIT_FAIL;
	}
	if (argc < 2) {
		fputs("dmaheap-bench: missing command (list, run or frag; see dmaheap-bench "
		      "--help)\n",
		      stderr);
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
	if (!strcmp(argv[1], "list"))
		return dhb_cmd_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run"))
		return dhb_cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "frag"))
		return dhb_cmd_frag(argc - 2, argv + 2);
	fprintf(stderr,
		"dmaheap-bench: unknown command '%s' (list, run or frag; see dmaheap-bench "
		"--help)\n",
		argv[1]);
	return DHB_EXIT_USAGE;
}
