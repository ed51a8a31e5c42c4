// SPDX-License-Identifier: MIT
// compare's statistics and verdicts on known data, and COMPARE.md's columns against the writer.
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/analysis.h"
#include "doctable.h"
#include "testsink.h"

Test(analysis, median)
{
	double a[] = {5, 1, 3}, b[] = {4, 1, 3, 2};

	cr_assert_float_eq(dhb_median(a, 3), 3, 1e-12);
	cr_assert_float_eq(dhb_median(b, 4), 2.5, 1e-12);
	cr_assert(isnan(dhb_median(a, 0)));
}

Test(analysis, mann_whitney_exact)
{
	double a[] = {1, 2, 3}, b[] = {4, 5, 6}, c[] = {1, 2, 3, 4, 5}, d[] = {6, 7, 8, 9, 10};
	double e[] = {1, 4, 5}, f[] = {2, 3, 6};
	bool exact;

	/* complete separation: 2 of C(6,3) = 20 orderings are as extreme */
	cr_assert_float_eq(dhb_mann_whitney(a, 3, b, 3, &exact), 0.1, 1e-12);
	cr_assert(exact);
	cr_assert_float_eq(dhb_mann_whitney(c, 5, d, 5, NULL), 2.0 / 252, 1e-12);
	/* U = 5 of 9: P(U <= 4) = 10/20 doubled is capped at 1 */
	cr_assert_float_eq(dhb_mann_whitney(e, 3, f, 3, NULL), 1, 1e-12);
}

Test(analysis, mann_whitney_ties_normal)
{
	double a[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, b[] = {6, 6, 7, 7, 8, 8, 9, 9, 10, 10};
	bool exact;
	double p = dhb_mann_whitney(a, 10, b, 10, &exact);

	cr_assert(!exact);
	cr_assert(p > 1e-5 && p < 1e-3, "p %g", p); /* separated: z about 3.8 */
}

Test(analysis, adjust)
{
	double bh[] = {0.01, 0.04, 0.03, 0.2}, holm[] = {0.01, 0.04, 0.03, 0.2};

	cr_assert_eq(dhb_adjust_p(bh, 4, DHB_ADJUST_BH), 0);
	cr_assert_float_eq(bh[0], 0.04, 1e-12);
	cr_assert_float_eq(bh[1], 0.04 * 4 / 3, 1e-12);
	cr_assert_float_eq(bh[2], 0.04 * 4 / 3, 1e-12);
	cr_assert_float_eq(bh[3], 0.2, 1e-12);
	cr_assert_eq(dhb_adjust_p(holm, 4, DHB_ADJUST_HOLM), 0);
	cr_assert_float_eq(holm[0], 0.04, 1e-12);
	cr_assert_float_eq(holm[2], 0.09, 1e-12);
	cr_assert_float_eq(holm[1], 0.09, 1e-12);
	cr_assert_float_eq(holm[3], 0.2, 1e-12);
}

Test(analysis, ratio_ci)
{
	double a[] = {100, 101, 99, 100, 102, 98, 100, 101, 99};
	double b[] = {120, 121, 119, 120, 122, 118, 120, 121, 119};
	double lo, hi, r = dhb_ratio_ci(a, 9, b, 9, &lo, &hi), lo2, hi2;

	cr_assert_float_eq(r, 1.2, 1e-12);
	cr_assert(lo <= r && r <= hi && lo > 1.15 && hi < 1.25, "%g [%g, %g]", r, lo, hi);
	dhb_ratio_ci(a, 9, b, 9, &lo2, &hi2);
	cr_assert(lo == lo2 && hi == hi2, "deterministic");
}

/* Nine runs a side of a heap metric and its memfd floor, with the given factors on NEW. */
static void add_runs(struct dhb_cmp *c, double heap_factor, double floor_factor)
{
	static const double noise[] = {1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.00};
	struct dhb_cmp_obs o = {.board = "b",
				.test = "alloc",
				.backend = "dma-heap",
				.size_bytes = 4096,
				.metric = "alloc_latency",
				.params = "",
				.unit = "ns",
				.timer_overhead_ns = 20};
	char run[16];
	int side, i;

	for (side = 0; side < 2; side++) {
		for (i = 0; i < 9; i++) {
			snprintf(run, sizeof(run), "%d/%d", side, i);
			o.run = run;
			o.heap = "system";
			o.backend = "dma-heap";
			o.value = 10000 * noise[i] * (side ? heap_factor : 1);
			cr_assert_eq(dhb_cmp_add(c, side, &o), 0);
			o.heap = o.backend = "memfd";
			o.value = 2000 * noise[(i + 3) % 9] * (side ? floor_factor : 1);
			cr_assert_eq(dhb_cmp_add(c, side, &o), 0);
		}
	}
}

static const struct dhb_cmp_result *find(const struct dhb_cmp *c, const char *heap)
{
	size_t i;

	for (i = 0; i < c->n_results; i++) {
		if (!strcmp(c->results[i].heap, heap))
			return &c->results[i];
	}
	cr_assert_fail("no result for %s", heap);
	return NULL;
}

Test(analysis, verdicts_and_attribution)
{
	static const struct {
		double heap, floor;
		enum dhb_verdict v;
		const char *attribution;
	} cases[] = {
		{1.20, 1.00, DHB_VERDICT_WORSE, "specific"},
		{1.20, 1.20, DHB_VERDICT_WORSE, "platform"},
		{0.80, 1.00, DHB_VERDICT_BETTER, "specific"},
		{1.02, 1.00, DHB_VERDICT_SAME, ""},
		{1.00, 0.80, DHB_VERDICT_SAME, "relative only"},
	};
	struct dhb_cmp_params p;
	struct dhb_cmp c;
	size_t i;

	dhb_cmp_params_default(&p);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(dhb_cmp_init(&c, &p), 0);
		add_runs(&c, cases[i].heap, cases[i].floor);
		cr_assert_eq(dhb_cmp_compute(&c), 0);
		cr_assert_eq(c.n_results, 2);
		cr_assert_eq(find(&c, "system")->verdict, cases[i].v, "case %zu: %s", i,
			     dhb_verdict_name(find(&c, "system")->verdict));
		cr_assert_str_eq(find(&c, "system")->attribution, cases[i].attribution, "case %zu",
				 i);
		cr_assert_str_eq(find(&c, "system")->floor, "memfd alloc_latency");
		cr_assert_eq(dhb_cmp_regressions(&c), (size_t)(cases[i].v == DHB_VERDICT_WORSE) +
							      (size_t)(cases[i].floor > 1.1));
		dhb_cmp_free(&c);
	}
}

Test(analysis, direction_not_enough_and_timer)
{
	struct dhb_cmp_obs o = {.board = "b",
				.test = "cpu",
				.heap = "system",
				.backend = "dma-heap",
				.size_bytes = 4096,
				.metric = "read_bw",
				.params = "",
				.unit = "MB/s",
				.timer_overhead_ns = NAN};
	struct dhb_cmp_params p;
	struct dhb_cmp c;
	char run[8];
	int i;

	dhb_cmp_params_default(&p);
	cr_assert_eq(dhb_cmp_init(&c, &p), 0);
	for (i = 0; i < 12; i++) {
		snprintf(run, sizeof(run), "%d", i);
		o.run = run;
		o.value = (i % 6 + 100) * (i < 6 ? 1 : 1.5); /* bandwidth up 50 % */
		cr_assert_eq(dhb_cmp_add(&c, i >= 6, &o), 0);
	}
	o.metric = "write_bw"; /* two values a side */
	for (i = 0; i < 4; i++) {
		o.value = 100 + i;
		cr_assert_eq(dhb_cmp_add(&c, i >= 2, &o), 0);
	}
	o.metric = "tiny";
	o.unit = "ns";
	o.timer_overhead_ns = 50; /* 100 -> 130 ns is under 3 x 50 ns */
	for (i = 0; i < 12; i++) {
		o.value = (i < 6 ? 100 : 130) + i % 6;
		cr_assert_eq(dhb_cmp_add(&c, i >= 6, &o), 0);
	}
	cr_assert_eq(dhb_cmp_compute(&c), 0);
	cr_assert_eq(c.n_results, 3);
	cr_assert_eq(c.results[0].verdict, DHB_VERDICT_BETTER, "read_bw up is better");
	cr_assert_eq(c.results[1].verdict, DHB_VERDICT_SAME, "within the timer overhead");
	cr_assert_eq(c.results[2].verdict, DHB_VERDICT_NONE);
	cr_assert_eq(dhb_cmp_regressions(&c), 0);
	dhb_cmp_free(&c);
}

/*
 * One real change among many keys: 9 runs a side of 40 sizes of one metric, and 200 counter
 * keys of one event with one change too. Each family is adjusted on its own, so the lone change
 * of the metric is found (over the 2705 keys of the standard suite at once, BH would need
 * p < 1.8e-5, below the exact test's smallest p with 9 a side, 4.1e-5); the counter row's
 * change is reported but does not count as a regression.
 */
Test(analysis, families)
{
	struct dhb_cmp_obs o = {.board = "b",
				.test = "sync",
				.heap = "system",
				.backend = "dma-heap",
				.params = "",
				.unit = "ns",
				.timer_overhead_ns = 20};
	uint64_t seed = 1;
	struct dhb_cmp_params p;
	const struct dhb_cmp_result *r;
	struct dhb_cmp c;
	char run[16];
	size_t k, i, side, changes = 0;

	dhb_cmp_params_default(&p);
	cr_assert_eq(dhb_cmp_init(&c, &p), 0);
	for (k = 0; k < 240; k++) {
		o.size_bytes = 4096 * (k % 40 + 1);
		o.metric = k < 40 ? "sync_latency" : "sync_latency.page-faults";
		o.params = k < 40 ? "" : (k < 140 ? "a" : "b");
		if (k >= 40)
			o.size_bytes = k; /* distinct keys */
		for (side = 0; side < 2; side++) {
			for (i = 0; i < 9; i++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				snprintf(run, sizeof(run), "%zu/%zu", side, i);
				o.run = run;
				o.value = 10000 * (1 + (double)(seed >> 40) / (1ull << 24) * 0.05);
				if (side && (k == 0 || k == 40))
					o.value *= 1.2; /* the metric and one counter row */
				cr_assert_eq(dhb_cmp_add(&c, (int)side, &o), 0);
			}
		}
	}
	cr_assert_eq(dhb_cmp_compute(&c), 0);
	cr_assert_eq(c.n_results, 240);
	cr_assert_eq(c.n_families, 2);
	for (i = 0; i < c.n_results; i++) {
		r = &c.results[i];
		cr_assert_eq(r->counter, strchr(r->metric, '.') != NULL);
		cr_assert_eq(r->family_size, r->counter ? 200 : 40);
		cr_assert_str_eq(r->family, r->counter ? "sync/sync_latency.page-faults"
						       : "sync/sync_latency");
		changes += r->verdict == DHB_VERDICT_WORSE;
		if (r->verdict == DHB_VERDICT_WORSE)
			cr_assert(r->counter || r->size_bytes == 4096, "%s %" PRIu64, r->metric,
				  r->size_bytes);
	}
	cr_assert_eq(changes, 2, "the lone changes of both families are found");
	cr_assert_eq(dhb_cmp_regressions(&c), 1);
	dhb_cmp_free(&c);
}

Test(analysis, mixed_units)
{
	struct dhb_cmp_obs o = {.board = "b",
				.test = "t",
				.heap = "h",
				.backend = "k",
				.metric = "m",
				.params = "",
				.unit = "ns",
				.run = "r",
				.value = 1};
	struct dhb_cmp_params p;
	struct dhb_cmp c;

	dhb_cmp_params_default(&p);
	cr_assert_eq(dhb_cmp_init(&c, &p), 0);
	cr_assert_eq(dhb_cmp_add(&c, 0, &o), 0);
	o.unit = "us";
	cr_assert_eq(dhb_cmp_add(&c, 1, &o), 0);
	cr_assert_eq(dhb_cmp_compute(&c), -EPROTO);
	cr_assert(strstr(c.error, "mixed units"), "%s", c.error);
	dhb_cmp_free(&c);
}

Test(analysis, doc_columns_match_writer)
{
	struct dhb_cmp_params p;
	struct dhb_cmp c;
	char *doc = tu_slurp(DHB_COMPARE_MD), *names[64], *csv = NULL, *tok, *save = NULL;
	size_t n = doc_table_names(doc, DHB_COMPARE_MD, "compare", names, 64), len = 0, i;
	FILE *fp = open_memstream(&csv, &len);

	dhb_cmp_params_default(&p);
	cr_assert_eq(dhb_cmp_init(&c, &p), 0);
	cr_assert_eq(dhb_cmp_compute(&c), 0);
	dhb_cmp_write(&c, DHB_CMP_CSV, false, fp, "a", "b");
	fclose(fp);
	cr_assert_eq(n, dhb_cmp_ncolumns(), "COMPARE.md %zu columns, writer %zu", n,
		     dhb_cmp_ncolumns());
	for (i = 0, tok = strtok_r(strtok(csv, "\n"), ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), i++) {
		cr_assert_lt(i, n);
		cr_assert_str_eq(tok, names[i], "column %zu", i);
		cr_assert_str_eq(dhb_cmp_column(i), names[i]);
	}
	cr_assert_eq(i, n);
	dhb_cmp_free(&c);
	free(csv);
	free(doc);
}

/* Three kernels given out of version order; the metric changes at the middle one and stays. */
Test(analysis, track)
{
	static const char *const kernels[] = {"6.12.117", "6.1.192", "6.2.0"};
	static const double factor[] = {1.25, 1.0, 1.25};
	struct dhb_cmp_obs o = {.board = "b",
				.test = "alloc",
				.heap = "system",
				.backend = "dma-heap",
				.size_bytes = 4096,
				.metric = "alloc_latency",
				.params = "",
				.unit = "ns",
				.timer_overhead_ns = 20};
	struct dhb_cmp_params p;
	struct dhb_track t;
	char run[32];
	size_t k, i;

	dhb_cmp_params_default(&p);
	cr_assert_eq(dhb_track_init(&t, &p), 0);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 9; i++) {
			snprintf(run, sizeof(run), "%s/%zu", kernels[k], i);
			o.run = run;
			o.value = 10000 * factor[k] * (1 + 0.01 * (double)(i % 3));
			cr_assert_eq(dhb_track_add(&t, kernels[k], &o), 0);
		}
	}
	cr_assert_eq(dhb_track_compute(&t), 0);
	cr_assert_eq(t.n_kernels, 3);
	cr_assert_str_eq(t.kernels[0], "6.1.192");
	cr_assert_str_eq(t.kernels[1], "6.2.0");
	cr_assert_str_eq(t.kernels[2], "6.12.117");
	cr_assert_eq(t.n_points, 3);
	cr_assert(t.points[0].first);
	cr_assert_str_eq(t.points[1].kernel, "6.2.0");
	cr_assert_eq(t.points[1].r->verdict, DHB_VERDICT_WORSE);
	cr_assert_eq(t.points[2].r->verdict, DHB_VERDICT_SAME);
	for (i = 0; i < 3; i++)
		cr_assert_str_eq(t.points[i].first_change, "6.2.0");
	cr_assert_eq(dhb_track_regressions(&t), 1);
	dhb_track_free(&t);

	cr_assert_eq(dhb_track_init(&t, &p), 0);
	cr_assert_eq(dhb_track_add(&t, "6.1.192", &o), 0);
	cr_assert_eq(dhb_track_compute(&t), -EINVAL);
	cr_assert(strstr(t.error, "at least two"), "%s", t.error);
	dhb_track_free(&t);
}

Test(analysis, track_doc_columns_match_writer)
{
	char *doc = tu_slurp(DHB_TRACK_MD), *names[64];
	size_t n = doc_table_names(doc, DHB_TRACK_MD, "track", names, 64), i;

	cr_assert_eq(n, dhb_track_ncolumns(), "TRACK.md %zu columns, writer %zu", n,
		     dhb_track_ncolumns());
	for (i = 0; i < n; i++)
		cr_assert_str_eq(dhb_track_column(i), names[i], "column %zu", i);
	cr_assert_null(dhb_track_column(n));
	free(doc);
}

/*
 * The detector on a pool it must handle: 10 keys of one metric with 1 % spread. A 10 % shift
 * with 9 a side is found nearly always, and false alarms stay far under alpha.
 */
Test(analysis, detector)
{
	struct dhb_cmp_obs o = {.board = "b",
				.test = "alloc",
				.heap = "system",
				.backend = "dma-heap",
				.metric = "alloc_latency",
				.params = "",
				.unit = "ns",
				.run = "r",
				.timer_overhead_ns = NAN};
	struct dhb_det_params p = {.repetitions = 9, .shift = 0.10, .trials = 100, .seed = 7};
	struct dhb_det_family all;
	struct dhb_det d;
	size_t k, i;

	dhb_cmp_params_default(&p.cmp);
	cr_assert_eq(dhb_det_init(&d, &p), 0);
	for (k = 0; k < 10; k++) {
		o.size_bytes = 4096 << k;
		for (i = 0; i < 9; i++) {
			o.value = 1000 * (double)(k + 1) * (1 + 0.01 * ((double)i - 4) / 4);
			cr_assert_eq(dhb_det_add(&d, &o), 0);
		}
	}
	o.metric = "alloc_latency.task-clock"; /* counter rows are left out */
	cr_assert_eq(dhb_det_add(&d, &o), 0);
	cr_assert_eq(dhb_det_run(&d), 0);
	cr_assert_eq(d.n_families, 1);
	dhb_det_total(&d, &all);
	cr_assert_eq(all.keys, 10);
	cr_assert_eq(all.trials, 100);
	cr_assert_eq(all.null_tests, 900);
	cr_assert_geq(all.detected, 95, "power %zu/100", all.detected);
	cr_assert_leq(all.false_alarms, 9, "false alarms %zu/900", all.false_alarms);
	dhb_det_free(&d);

	p.repetitions = 2;
	cr_assert_eq(dhb_det_init(&d, &p), 0);
	cr_assert_eq(dhb_det_run(&d), -EINVAL);
	dhb_det_free(&d);
}

/* A shift below 3x the timer overhead cannot be found and is counted apart; MB/s keys never are. */
Test(analysis, detector_floor)
{
	struct dhb_cmp_obs o = {.board = "b",
				.test = "sync",
				.heap = "system",
				.backend = "dma-heap",
				.metric = "sync_start_latency",
				.params = "",
				.unit = "ns",
				.run = "r",
				.timer_overhead_ns = 70};
	struct dhb_det_params p = {.repetitions = 9, .shift = 0.10, .trials = 40, .seed = 7};
	struct dhb_det_family all;
	struct dhb_det d;
	size_t k, i;

	dhb_cmp_params_default(&p.cmp);
	cr_assert_eq(dhb_det_init(&d, &p), 0);
	for (k = 0; k < 4;
	     k++) { /* 500, 1000, 2000 ns: 10 % is no more than 210 ns; 4000 ns is above */
		o.size_bytes = 4096 << k;
		for (i = 0; i < 9; i++) {
			o.value = 500 * (double)(1 << k) * (1 + 0.001 * ((double)i - 4) / 4);
			cr_assert_eq(dhb_det_add(&d, &o), 0);
		}
	}
	o.metric = "memcpy_bw"; /* its own family, in MB/s: the timer rule is not its */
	o.unit = "MB/s";
	for (k = 0; k < 4; k++) {
		o.size_bytes = 4096 << k;
		for (i = 0; i < 9; i++) {
			o.value = 100 * (1 + 0.001 * ((double)i - 4) / 4);
			cr_assert_eq(dhb_det_add(&d, &o), 0);
		}
	}
	cr_assert_eq(dhb_det_run(&d), 0);
	cr_assert_eq(d.n_families, 2);
	dhb_det_total(&d, &all);
	cr_assert_eq(all.trials, 80);
	cr_assert_eq(all.floor_trials, 30, "trials below the floor: %zu", all.floor_trials);
	cr_assert_eq(all.floor_detected, 0);
	cr_assert_eq(all.detected, 50, "power %zu/80", all.detected);
	dhb_det_free(&d);
}

Test(analysis, detector_doc_columns_match_writer)
{
	char *doc = tu_slurp(DHB_COMPARE_MD), *names[32];
	size_t n = doc_table_names(doc, DHB_COMPARE_MD, "detector", names, 32), i;

	cr_assert_eq(n, dhb_det_ncolumns(), "COMPARE.md %zu columns, writer %zu", n,
		     dhb_det_ncolumns());
	for (i = 0; i < n; i++)
		cr_assert_str_eq(dhb_det_column(i), names[i], "column %zu", i);
	free(doc);
}

/* One run a side: no verdict on run-level medians; with the runs' raw samples, one on them. */
Test(analysis, raw_samples)
{
	struct dhb_cmp_obs o = {.board = "b",
				.test = "alloc",
				.heap = "system",
				.backend = "dma-heap",
				.size_bytes = 4096,
				.metric = "alloc_latency",
				.params = "",
				.unit = "ns",
				.timer_overhead_ns = NAN};
	struct dhb_cmp_params p;
	struct dhb_cmp c;
	int side, i, with;

	dhb_cmp_params_default(&p);
	for (with = 0; with < 2; with++) {
		cr_assert_eq(dhb_cmp_init(&c, &p), 0);
		for (side = 0; side < 2; side++) {
			o.run = side ? "new/1" : "base/1";
			o.value = side ? 12000 : 10000;
			cr_assert_eq(dhb_cmp_add(&c, side, &o), 0);
			for (i = 0; with && i < 50; i++) {
				o.value = (side ? 12000 : 10000) + 10 * (i % 25);
				cr_assert_eq(dhb_cmp_add_sample(&c, side, &o, i % 2 + 1), 0);
			}
			o.run = "another run"; /* not paired: left out */
			o.value = 1;
			cr_assert_eq(dhb_cmp_add_sample(&c, side, &o, 1000), 0);
		}
		cr_assert_eq(dhb_cmp_compute(&c), 0);
		cr_assert_eq(c.n_results, 1);
		if (with) {
			cr_assert_eq(c.results[0].verdict, DHB_VERDICT_WORSE);
			cr_assert_str_eq(c.results[0].evidence, "raw samples, one run a side");
			cr_assert(c.results[0].ci_low > 1.1 && c.results[0].ci_high < 1.3);
		} else {
			cr_assert_eq(c.results[0].verdict, DHB_VERDICT_NONE);
			cr_assert_str_eq(c.results[0].evidence, "");
		}
		dhb_cmp_free(&c);
	}
}

/* Many values a side take the ranks' way (na * nb > 1e6); the same answer as counting pairs. */
Test(analysis, mann_whitney_ranks)
{
	static double a[1200], b[1000];
	double p_far, p_same;
	size_t i;

	for (i = 0; i < 1200; i++)
		a[i] = (double)(i % 100);
	for (i = 0; i < 1000; i++)
		b[i] = (double)(i % 100) + 20;
	p_far = dhb_mann_whitney(a, 1200, b, 1000, NULL);
	cr_assert(p_far < 1e-6, "p %g", p_far);
	p_same = dhb_mann_whitney(a, 1200, a, 1000, NULL);
	cr_assert(p_same > 0.5, "p %g", p_same);
	/* just under the switch, pairs are counted: the same p as ranks give just over it */
	cr_assert_float_eq(dhb_mann_whitney(a, 1000, b, 1000, NULL),
			   dhb_mann_whitney(a, 1001, b, 1000, NULL), 1e-3);
}
