// SPDX-License-Identifier: MIT
// libFuzzer targets: the results reader on any bytes, as CSV (fuzz_results_csv) or JSON (_json).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/results.h"
#include "fuzz_check.h"
#include "results_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_RESULTS_JSON
#define FORMAT DHB_RESULTS_JSON
#define SINK   dhb_sink_json_ops
#else
#define FORMAT DHB_RESULTS_CSV
#define SINK   dhb_sink_csv_ops
#endif
#define NAME	 "fuzz"
#define MAX_ROWS 4 /* small, so inputs cross the row limit too */

/*
 * The reader's promises for any input: it returns 0, -EPROTO or -E2BIG (-ENOMEM never at
 * these sizes); a refusal leaves the set empty and says why in one line that names the file;
 * an accepted file's rows, written back by the sinks and read again, are equal (rt_check).
 * The CSV target is built with a small record bound (bench/fuzz/CMakeLists.txt), so inputs
 * of a few KiB cross it.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dhb_results_source *src;
	struct dhb_results res;
	char why[256];
	const char *e;
	size_t i;
	int ret;

	dhb_results_init(&res, MAX_ROWS);
	ret = dhb_results_read_mem(&res, NAME, data, size, FORMAT);
	e = dhb_results_error(&res);
	if (ret) {
		check(ret == -EPROTO || ret == -E2BIG);
		check(res.n_rows == 0 && res.n_sources == 0);
		check(!strncmp(e, NAME ":", strlen(NAME ":")) && strlen(e) > strlen(NAME ": "));
		for (i = 0; e[i]; i++)
			check((unsigned char)e[i] >= 0x20 && e[i] != 0x7f);
		goto out_free;
	}
	check(!e[0]);
	check(res.n_sources == 1 && res.n_rows <= MAX_ROWS);
	src = res.sources[0];
	check(src->format == FORMAT && src->first_row == 0 && src->n_rows == res.n_rows);
	for (i = 0; i < res.n_rows; i++) {
		check(res.rows[i].source == src);
		check(res.rows[i].row.test && res.rows[i].row.params && res.rows[i].run.kernel);
		check(FORMAT == DHB_RESULTS_JSON ? res.rows[i].line == 0 : res.rows[i].line >= 2);
	}
	ret = rt_check(&res, src, &SINK, why, sizeof(why));
	/*
	 * The writer may spell a value longer than the input did ("1e15" becomes
	 * "1000000000000000", "bit0" "approx"), so a record near the bound can pass it when
	 * written back: that refusal is the bound's, not a difference.
	 */
	if (ret == -E2BIG)
		ret = 0;
	if (ret)
		fprintf(stderr, "fuzz_results: round trip: %s\n", why);
	check(!ret);
out_free:
	dhb_results_free(&res);
	return 0;
}
