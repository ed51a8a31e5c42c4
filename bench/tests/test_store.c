// SPDX-License-Identifier: MIT
// Unit tests of the row store that keeps a run's rows for the JSON file and the summary.
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dhb/store.h"

/* The store grows past its first 256 rows; every kept row must still name its own strings. */
Test(store, rows_survive_growth)
{
	struct dhb_row_store s = {0};
	struct dhb_row row = {0};
	char heap[32], want[32];
	size_t i;

	row.test = "alloc";
	row.backend = "dma-heap";
	row.metric = "alloc_latency";
	row.unit = "ns";
	for (i = 0; i < 1000; i++) {
		snprintf(heap, sizeof(heap), "heap-%zu", i);
		row.heap = heap;
		row.params = i % 2 ? "baseline_for=x" : NULL;
		row.size_bytes = i;
		cr_assert_eq(dhb_store_add(&s, &row), 0);
	}
	cr_assert_eq(s.n, 1000);
	for (i = 0; i < s.n; i++) {
		snprintf(want, sizeof(want), "heap-%zu", i);
		cr_expect_str_eq(s.v[i].row.heap, want);
		cr_expect_eq(s.v[i].row.heap, s.v[i].heap, "row %zu points into its own copy", i);
		cr_expect_str_eq(s.v[i].row.metric, "alloc_latency");
		if (i % 2)
			cr_expect_str_eq(s.v[i].row.params, "baseline_for=x");
		else
			cr_expect_null(s.v[i].row.params);
	}
	dhb_store_free(&s);
	cr_expect_eq(s.n, 0);
}
