// SPDX-License-Identifier: MIT
// Unit tests of replay on the model: hand-computed traces per policy, emit and replay, CSV columns.
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/frag.h"

#define K   4096ULL
#define KIB 1024ULL

static void parse(const char *text, struct dhb_frag_trace *tr)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	unsigned long line;
	char err[200];

	cr_assert_not_null(fp);
	memset(tr, 0, sizeof(*tr));
	cr_assert_eq(dhb_frag_trace_parse(fp, tr, &line, err, sizeof(err)), 0, "%lu: %s", line,
		     err);
	fclose(fp);
}

static void replay(const struct dhb_frag_trace *tr, enum dhr_policy p, uint64_t region,
		   uint64_t interval, struct dhb_frag_result *res)
{
	struct dhb_frag_model_cfg cfg = {p, region, K, interval, 1};

	memset(res, 0, sizeof(*res));
	cr_assert_eq(dhb_frag_replay_model(tr, &cfg, res), 0);
	cr_assert_gt(res->ops_per_s, 0);
	cr_assert_eq(res->runs, 1);
}

/*
 * A 40K region: a 4K, b 12K, c 4K, d 8K, e 4K, then b and d freed: free extents 12K@4K, 8K@20K,
 * 8K@32K. An 8K allocation goes to 4K under first fit (free: 4K@12K, 8K@20K, 8K@32K; ext frag
 * 1 - 8/20 = 0.6) and to 20K under best fit (free: 12K@4K, 8K@32K; 1 - 12/20 = 0.4).
 */
static const char fit_trace[] = "time,op,id,size,alignment\n"
				"0,alloc,1,4096,0\n"
				"1,alloc,2,12288,0\n"
				"2,alloc,3,4096,0\n"
				"3,alloc,4,8192,0\n"
				"4,alloc,5,4000,0\n"
				"5,free,2,,\n"
				"6,free,4,,\n"
				"7,alloc,6,8192,0\n";

static void expect_row(const struct dhb_frag_row *r, uint64_t used, uint64_t extents,
		       uint64_t largest, uint32_t ppm)
{
	cr_assert(r->has_stats);
	cr_assert_eq(r->st.used, used, "used %llu", (unsigned long long)r->st.used);
	cr_assert_eq(r->st.free, 40 * 1024 - used);
	cr_assert_eq(r->st.free_extents, extents, "extents %llu",
		     (unsigned long long)r->st.free_extents);
	cr_assert_eq(r->st.largest_free, largest, "largest %llu",
		     (unsigned long long)r->st.largest_free);
	cr_assert_eq(r->st.ext_frag_ppm, ppm, "ppm %u", r->st.ext_frag_ppm);
}

Test(frag_replay, first_fit_by_hand)
{
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;

	parse(fit_trace, &tr);
	replay(&tr, DHR_POLICY_FIRST_FIT, 40 * 1024, 7, &res);
	cr_assert_eq(res.n_rows, 2, "a row after 7 ops and one at the end");
	cr_assert_eq(res.rows[0].op_index, 7);
	cr_assert_eq(res.rows[0].time_ns, 6);
	expect_row(&res.rows[0], 12 * KIB, 3, 12 * KIB, 571428); /* 1 - 12/28 */
	cr_assert_eq(res.rows[1].op_index, 8);
	cr_assert_eq(res.rows[1].time_ns, 7);
	expect_row(&res.rows[1], 20 * KIB, 3, 8 * KIB, 600000);
	cr_assert_eq(res.rows[1].live_allocs, 4);
	cr_assert_eq(res.rows[1].requested, 4096 + 4096 + 4000 + 8192);
	cr_assert_float_eq(res.rows[1].utilisation, 0.5, 1e-9);
	cr_assert_float_eq(res.rows[1].trace_utilisation, 0.5, 1e-9);
	cr_assert_eq(res.failed_allocs, 0);
	cr_assert_str_eq(res.source, "model");
	cr_assert_str_eq(res.policy, "first-fit");
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

Test(frag_replay, best_fit_by_hand)
{
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;

	parse(fit_trace, &tr);
	replay(&tr, DHR_POLICY_BEST_FIT, 40 * 1024, 100, &res);
	cr_assert_eq(res.n_rows, 1, "only the end row");
	expect_row(&res.rows[0], 20 * KIB, 2, 12 * KIB, 400000);
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

/*
 * Buddy on 64K: a (4K) at 0 splits 64K down to 4K blocks: free 4K@4K, 8K@8K, 16K@16K, 32K@32K;
 * b (4K) takes 4K@4K; a freed cannot merge (its buddy b is live): free 4K, 8K, 16K, 32K, ext
 * frag 1 - 32/60. c (12K) takes a whole 16K block: free 4K, 8K, 32K; 1 - 32/44. d (40K, so 64K)
 * fails, and its free is skipped.
 */
Test(frag_replay, buddy_by_hand)
{
	static const char text[] = "time,op,id,size,alignment\n"
				   "0,alloc,1,4096,0\n"
				   "0,alloc,2,4096,0\n"
				   "0,free,1,,\n"
				   "0,alloc,3,12288,0\n"
				   "0,alloc,4,40960,0\n"
				   "0,free,4,,\n";
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;
	const struct dhb_frag_row *r;

	parse(text, &tr);
	replay(&tr, DHR_POLICY_BUDDY, 64 * 1024, 3, &res);
	cr_assert_eq(res.n_rows, 2);
	r = &res.rows[0];
	cr_assert_eq(r->st.used, 4 * KIB);
	cr_assert_eq(r->st.free_extents, 4);
	cr_assert_eq(r->st.largest_free, 32 * KIB);
	cr_assert_eq(r->st.ext_frag_ppm, 466666);
	r = &res.rows[1];
	cr_assert_eq(r->st.used, 20 * KIB);
	cr_assert_eq(r->st.free_extents, 3);
	cr_assert_eq(r->st.ext_frag_ppm, 272727);
	cr_assert_eq(r->failed_allocs, 1);
	cr_assert_eq(r->skipped_frees, 1);
	cr_assert_eq(res.failed_allocs, 1);
	cr_assert_eq(res.skipped_frees, 1);
	cr_assert_eq(r->live_allocs, 2);
	/* The trace's own total: granule-rounded sizes (4K + 12K), the failed one freed again. */
	cr_assert_float_eq(r->trace_utilisation, 16.0 / 64, 1e-9);
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

/* Too large for the region, or no room left: counted, not live; alignment below the granule. */
Test(frag_replay, failures_and_small_alignment)
{
	static const char text[] = "time,op,id,size,alignment\n"
				   "0,alloc,1,1000000,0\n"
				   "1,alloc,2,4096,16\n"
				   "2,alloc,3,36864,0\n"
				   "3,free,1,,\n"
				   "4,free,3,,\n";
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;

	parse(text, &tr);
	replay(&tr, DHR_POLICY_BEST_FIT, 40 * 1024, 1000, &res);
	cr_assert_eq(res.failed_allocs, 1);
	cr_assert_eq(res.skipped_frees, 1);
	expect_row(&res.rows[0], 4 * KIB, 1, 36 * KIB, 0);
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

static void same_rows(const struct dhb_frag_result *a, const struct dhb_frag_result *b)
{
	size_t i;

	cr_assert_eq(a->n_rows, b->n_rows);
	cr_assert_eq(a->failed_allocs, b->failed_allocs);
	for (i = 0; i < a->n_rows; i++) {
		const struct dhb_frag_row *x = &a->rows[i], *y = &b->rows[i];

		cr_assert_eq(x->op_index, y->op_index);
		cr_assert_eq(x->time_ns, y->time_ns);
		cr_assert_eq(memcmp(&x->st, &y->st, sizeof(x->st)), 0, "row %zu", i);
		cr_assert_eq(x->failed_allocs, y->failed_allocs);
		cr_assert_eq(x->requested, y->requested);
	}
}

/* --emit-trace then --trace gives what the generated workload gives directly. */
Test(frag_replay, emit_then_replay_equals_direct)
{
	struct dhb_frag_gen_cfg cfg = {DHB_FRAG_VIDEO, 3, 64 << 20, K, 0.9, 20000};
	struct dhb_frag_trace a = {0}, b;
	struct dhb_frag_result ra, rb;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int p;

	cr_assert_eq(dhb_frag_generate(&cfg, &a), 0);
	fp = open_memstream(&text, &len);
	cr_assert_eq(dhb_frag_trace_write(&a, NULL, fp), 0);
	fclose(fp);
	parse(text, &b);
	for (p = 0; p < 3; p++) {
		replay(&a, (enum dhr_policy)p, 64 << 20, 97, &ra);
		replay(&b, (enum dhr_policy)p, 64 << 20, 97, &rb);
		cr_assert_gt(ra.n_rows, 100);
		same_rows(&ra, &rb);
		dhb_frag_result_free(&ra);
		dhb_frag_result_free(&rb);
	}
	free(text);
	dhb_frag_trace_release(&a);
	dhb_frag_trace_release(&b);
}

static size_t count(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* The run identity of the CSV tests, and how it starts every row (cma_bytes unknown). */
#define ID "2,0.1.0,g1234abc,2026-11-20T23:26:00Z,host,board,6.12.0,,boot,1,"

Test(frag_replay, csv_columns)
{
	struct dhb_run_info run = {.tool_version = "0.1.0",
				   .git_rev = "g1234abc",
				   .timestamp = "2026-11-20T23:26:00Z",
				   .hostname = "host",
				   .board = "board",
				   .kernel = "6.12.0",
				   .cma_bytes = -1,
				   .boot_id = "boot",
				   .repetition = 1};
	const char *quoted = "2,0.1.0,g1234abc,2026-11-20T23:26:00Z,host,\"Standard PC (i440FX + "
			     "PIIX, 1996)\",6.12.0,,boot,1,\"odd,\"\"name\"\"\",,4,";
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;
	char *text = NULL, *line, *save;
	size_t len = 0, rows = 0;
	FILE *fp;

	parse(fit_trace, &tr);
	replay(&tr, DHR_POLICY_BEST_FIT, 40 * 1024, 4, &res);
	fp = open_memstream(&text, &len);
	dhb_frag_csv_header(fp);
	dhb_frag_csv_rows(&res, &run, fp);
	res.rows[0].has_stats = false; /* a heap without figures: empty stats columns */
	res.rows[0].lat_n = 2;
	res.rows[0].lat_mean_ns = 1500;
	res.rows[0].lat_max_ns = 2000;
	strcpy(res.source, "system");
	res.policy[0] = '\0';
	dhb_frag_csv_rows(&res, &run, fp);
	fclose(fp);
	line = strtok_r(text, "\n", &save);
	cr_assert_str_eq(line,
			 "schema_version,tool_version,git_rev,timestamp,hostname,board,kernel,"
			 "cma_bytes,boot_id,repetition,source,policy,op_index,time_ns,live_allocs,"
			 "requested,used,"
			 "free,free_extents,largest_free,ext_frag,utilisation,"
			 "trace_utilisation,failed_allocs,skipped_frees,alloc_lat_n,"
			 "alloc_lat_mean_ns,alloc_lat_max_ns");
	while ((line = strtok_r(NULL, "\n", &save))) {
		cr_assert_eq(count(line, ','), 27, "%s", line);
		cr_assert(!strncmp(line, ID, strlen(ID)), "%s", line);
		rows++;
	}
	cr_assert_eq(rows, 4);
	free(text);
	text = NULL;
	fp = open_memstream(&text, &len);
	dhb_frag_csv_rows(&res, &run, fp);
	fclose(fp);
	cr_assert(
		!strncmp(text, ID "system,,4,3,4,28672,,,,,,0.700000,0.700000,0,0,2,1500,2000\n",
			 strlen(ID "system,,4,3,4,28672,,,,,,0.700000,0.700000,0,0,2,1500,2000\n")),
		"%s", text);
	cr_assert(strstr(text, "\n" ID "system,,8,7,4,20384,20480,20480,2,12288,0.400000,0.500000,"
			       "0.500000,0,0,,,\n"),
		  "%s", text);
	free(text);
	/* Fields that need it are quoted, as in run's CSV. */
	text = NULL;
	fp = open_memstream(&text, &len);
	run.board = "Standard PC (i440FX + PIIX, 1996)";
	strcpy(res.source, "odd,\"name\"");
	dhb_frag_csv_rows(&res, &run, fp);
	fclose(fp);
	cr_assert(!strncmp(text, quoted, strlen(quoted)), "%s", text);
	free(text);
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

Test(frag_replay, summary_table)
{
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	parse(fit_trace, &tr);
	replay(&tr, DHR_POLICY_BEST_FIT, 40 * 1024, 1, &res);
	fp = open_memstream(&text, &len);
	dhb_frag_summary(&res, 1, 0.5, fp);
	fclose(fp);
	cr_assert(strstr(text, "mean@util>=0.50"), "%s", text);
	/*
	 * Rows at trace utilisation >= 0.5: after ops 3, 4, 5 (ext frag 0), 6 and 8 (0.4): mean
	 * 0.16; the peak is 1 - 12/28 after op 7.
	 */
	cr_assert(strstr(text, "model      best-fit            8        0        0    0.5714    "
			       "0.4000          0.1600"),
		  "%s", text);
	free(text);
	dhb_frag_result_free(&res);
	dhb_frag_trace_release(&tr);
}

/* A trace with a header and nothing else has no ops array at all (clang's UBSan: NULL + 0). */
Test(frag_replay, empty_trace)
{
	static const enum dhr_policy policies[] = {DHR_POLICY_BEST_FIT, DHR_POLICY_FIRST_FIT,
						   DHR_POLICY_BUDDY};
	struct dhb_frag_trace tr;
	struct dhb_frag_result res;
	size_t i;

	parse("time,op,id,size,alignment\n", &tr);
	cr_assert_eq(tr.n, 0);
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		struct dhb_frag_model_cfg cfg = {policies[i], 40 * 1024, K, 1, 2};

		memset(&res, 0, sizeof(res));
		cr_assert_eq(dhb_frag_replay_model(&tr, &cfg, &res), 0);
		cr_assert_eq(res.ops, 0);
		cr_assert_eq(res.n_rows, 1, "one row, at the end");
		cr_assert_eq(res.rows[0].op_index, 0);
		cr_assert_eq(res.rows[0].st.used, 0);
		cr_assert_eq(res.failed_allocs + res.skipped_frees, 0);
		dhb_frag_result_free(&res);
	}
	dhb_frag_trace_release(&tr);
}

Test(frag_replay, interval)
{
	cr_assert_eq(dhb_frag_interval(0), 1);
	cr_assert_eq(dhb_frag_interval(200), 1);
	cr_assert_eq(dhb_frag_interval(201), 2);
	cr_assert_eq(dhb_frag_interval(1000000), 5000);
}

Test(frag_replay, heap_missing_node)
{
	struct dhb_frag_heap_cfg cfg = {"/nonexistent/dma_heap/x", "x", 1 << 20, K, 10, NULL};
	struct dhb_frag_trace tr;
	struct dhb_frag_result res = {0};
	char err[200];

	parse(fit_trace, &tr);
	cr_assert_eq(dhb_frag_replay_heap(&tr, &cfg, &res, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "/nonexistent/dma_heap/x: No such file"), "%s", err);
	cr_assert_null(res.rows);
	dhb_frag_trace_release(&tr);
}
