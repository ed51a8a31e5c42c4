// SPDX-License-Identifier: MIT
// SIGINT and SIGTERM handling: the handler only records the signal; the loops poll the flag.
#include <signal.h>
#include <string.h>

#include "dhb/signals.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* No SA_RESTART: a sleep or a blocking call returns early and the loops see the flag. */
const volatile sig_atomic_t *dhb_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_signal;
}

void dhb_signals_default(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}
