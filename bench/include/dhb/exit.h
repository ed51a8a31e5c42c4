// SPDX-License-Identifier: MIT
// Exit statuses of dmaheap-bench and its commands (documented in the manual, dmaheap-bench(1)).
#ifndef DHB_EXIT_H
#define DHB_EXIT_H

#define DHB_EXIT_OK	 0 /* everything measured (skips are fine) */
#define DHB_EXIT_FAIL	 1 /* a test failed, or results could not be written */
#define DHB_EXIT_USAGE	 2 /* bad command line, or a plan over the memory budget */
#define DHB_EXIT_NOTHING 3 /* nothing to test: no dma-buf heap present, or no permission */
/* Stopped by SIGINT or SIGTERM: 128 + the signal number (130, 143), after releasing everything. */

#endif /* DHB_EXIT_H */
