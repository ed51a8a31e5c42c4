// SPDX-License-Identifier: MIT
// The row store: a run's result rows kept, with their own strings, for the table, JSON and summary.
#ifndef DHB_STORE_H
#define DHB_STORE_H

#include <stddef.h>

#include "dhb/sink.h"

/* Room for a metric name: a test's (40) and an event's (dhb/counters.h) with a '.' between. */
#define DHB_STORE_METRIC_LEN 112

/**
 * struct dhb_stored_row - a result row with its own copies of the strings.
 * @row: the row; its strings point into the fields below.
 * @test: test.
 * @heap: heap.
 * @backend: backend.
 * @metric: metric.
 * @params: params ("" when none).
 * @unit: unit.
 */
struct dhb_stored_row {
	struct dhb_row row;
	char test[32];
	char heap[64];
	char backend[32];
	char metric[DHB_STORE_METRIC_LEN];
	char params[96];
	char unit[16];
};

/**
 * struct dhb_row_store - rows kept for the table, the JSON file and the summary.
 * @v: rows.
 * @n: number of rows.
 * @cap: allocated rows.
 *
 * A zero-initialised store is empty and ready.
 */
struct dhb_row_store {
	struct dhb_stored_row *v;
	size_t n;
	size_t cap;
};

/**
 * dhb_store_add() - keep a copy of a row and of its strings.
 * @s: store.
 * @row: row; strings longer than the stored fields are truncated.
 *
 * Return: 0, or -ENOMEM (the store is unchanged).
 */
int dhb_store_add(struct dhb_row_store *s, const struct dhb_row *row);

/**
 * dhb_store_free() - free the rows.
 * @s: store; left empty and ready for reuse.
 */
void dhb_store_free(struct dhb_row_store *s);

#endif /* DHB_STORE_H */
