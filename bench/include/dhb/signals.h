// SPDX-License-Identifier: MIT
// SIGINT and SIGTERM: a flag the measuring loops poll, so a run stops cleanly and keeps its rows.
#ifndef DHB_SIGNALS_H
#define DHB_SIGNALS_H

#include <signal.h>

/**
 * dhb_signals_install() - catch SIGINT and SIGTERM into a flag.
 *
 * The handlers are installed without SA_RESTART: a sleep or a blocking call returns early and
 * the loops see the flag.
 *
 * Return: the flag; 0 until a signal arrives, then the signal's number.
 */
const volatile sig_atomic_t *dhb_signals_install(void);

/**
 * dhb_signals_default() - give SIGINT and SIGTERM their default action again.
 *
 * A second signal then ends the process; output files are written whole or not at all (see
 * dhb/outfile.h), so none is left half written.
 */
void dhb_signals_default(void);

#endif /* DHB_SIGNALS_H */
